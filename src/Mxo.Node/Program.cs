using Mxo.Bots;
using Mxo.Node.Hosting;

if (args.Length > 0 && args[0] == "bots")
{
    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cts.Cancel();
    };
    return await BotsCommand.RunAsync(args[1..], Console.Out, cts.Token);
}

if (args.Length > 0 && args[0] == "pbm")
{
    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cts.Cancel();
    };
    return await Mxo.Node.Operator.PbmClient.RunAsync(args[1..], Console.In, Console.Out, Console.Error, cts.Token);
}

// A node that dies of an exception nobody caught says which and where, on stderr, before the runtime ends it: the
// runtime's own report of an unhandled OutOfMemoryException is the two words "Out of memory." and no stack.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    Console.Error.WriteLine($"mxo-node: unhandled exception, the node stops: {e.ExceptionObject}");

WebApplication app;
try
{
    // --help and --version print and exit; anything else unknown or malformed throws below (exit code 2).
    if (NodeCommandLine.Parse(args) is { PrintsAndExits: true } commandLine)
        return await commandLine.Result.InvokeAsync();
    app = MxoNode.Build(args);
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"mxo-node: {e.Message}");
    return 2;
}

await app.RunAsync();
// 0, unless the actor system ended without the host asking (downed by the cluster: NodeExit.Downed). Decided here, after
// the host has stopped, not in a continuation that may run after Akka.Hosting has already ended the host.
return NodeExit.Code();

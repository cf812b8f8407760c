using System.CommandLine;
using System.Diagnostics;
using Mxo.Node.Hosting;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Node.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Help_lists_every_option_with_its_default()
    {
        var help = Help(NodeCommandLine.Parse(["--help"]).Result);

        var options = NodeCommandLine.Create().Options.Where(o => o is not (System.CommandLine.Help.HelpOption or VersionOption)).ToList();
        Assert.Equal(13, options.Count);
        foreach (var option in options)
            Assert.Contains("[default: ", Assert.Single(Mxo.TestSupport.HelpText.Rows(help), r => r.StartsWith(option.Name + " ", StringComparison.Ordinal)));
        Assert.Contains("--port <port>", help);
        Assert.Contains("[default: 4053]", help);
        Assert.Contains("--log-format <json|text>", help);
    }

    [Fact]
    public void The_switches_become_their_configuration_keys_and_configuration_keys_pass_through()
    {
        var parsed = NodeCommandLine.Parse(["--dev", "--port=4100", "--roles", "edge", "--log-format", "json",
            "--discovery", "config", "--discovery-endpoints", "a:8558,b:8558", "--management-port", "8600",
            "--Mxo:World:SnapshotEvery=50", "--Logging:LogLevel:Default", "Debug"]);

        Assert.Equal("True", parsed.Settings["Mxo:Dev"]);
        Assert.Equal("4100", parsed.Settings["Mxo:Port"]);
        Assert.Equal("edge", parsed.Settings["Mxo:Roles"]);
        Assert.Equal("json", parsed.Settings["Mxo:LogFormat"]);
        Assert.Equal("config", parsed.Settings["Mxo:Discovery:Method"]);
        Assert.Equal("a:8558,b:8558", parsed.Settings["Mxo:Discovery:Endpoints"]);
        Assert.Equal("8600", parsed.Settings["Mxo:Discovery:ManagementPort"]);
        Assert.False(parsed.Settings.ContainsKey("Mxo:Hostname")); // not given: appsettings and environment decide
        Assert.Equal(["--Mxo:World:SnapshotEvery=50", "--Logging:LogLevel:Default", "Debug"], parsed.ConfigurationArgs);
    }

    [Theory]
    [InlineData(new[] { "--port", "abc" }, "'abc'")]
    [InlineData(new[] { "--checkpoint-interval", "soon" }, "'soon'")]
    [InlineData(new[] { "--log-format", "xml" }, "'xml'")]
    [InlineData(new[] { "--Mxo:LogFormat=xml" }, "Mxo:LogFormat must be one of 'text', 'json', got 'xml'")]
    [InlineData(new[] { "--port" }, "--port")]
    public void Malformed_values_are_refused(string[] args, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => MxoNode.Build(args));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task The_binary_refuses_a_malformed_value_with_exit_code_2_and_prints_help_with_exit_code_0()
    {
        var (exit, output, error) = await NodeProcess.RunToEndAsync("--port", "abc");
        Assert.Equal(2, exit);
        Assert.Contains("mxo-node: Cannot parse argument 'abc' for option '--port'", error);
        Assert.DoesNotContain("Akka", output);

        (exit, output, _) = await NodeProcess.RunToEndAsync("--rolez", "world");
        Assert.Equal(2, exit);

        (exit, output, _) = await NodeProcess.RunToEndAsync("--help");
        Assert.Equal(0, exit);
        Assert.Contains("--checkpoint-interval <checkpoint-interval>", output);

        (exit, output, _) = await NodeProcess.RunToEndAsync("bots", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--count <count>", output);
        Assert.Contains("[default: 50]", output);
    }

    internal static string Help(ParseResult result)
    {
        using var output = new StringWriter();
        Assert.Equal(0, result.Invoke(new InvocationConfiguration { Output = output }));
        return output.ToString();
    }
}

/// <summary>The node binary (<c>mxo-node.dll</c> beside the tests) as a child process.</summary>
internal static class NodeProcess
{
    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        // A node started here must not take the operator listener's default port from another test's node.
        string[] extra = args.Length > 0 && args[0] is "bots" or "pbm" ? [] : ["--Mxo:Operator:Url="];
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "mxo-node.dll"), .. args, .. extra]) info.ArgumentList.Add(arg);
        return info;
    }

    public static async Task<(int Exit, string Output, string Error)> RunToEndAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(Path.GetTempPath(), args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Mxo.TestSupport.TestTime.Scaled(TimeSpan.FromSeconds(60)));
        return (process.ExitCode, await output, await error);
    }
}

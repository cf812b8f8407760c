using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Prometheus;

namespace Mxo.Node.Operator;

/// <summary>A command sent to <c>POST /pbm</c>.</summary>
public sealed record CommandRequest(string Palette, string Command, string[]? Args);

/// <summary>The commands a node offers (<c>GET /pbm/help</c>).</summary>
public sealed record HelpAnswer(string[] Commands);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CommandRequest))]
[JsonSerializable(typeof(CommandAnswer))]
[JsonSerializable(typeof(HelpAnswer))]
internal sealed partial class OperatorJson : JsonSerializerContext;

/// <summary>
/// The operator listener: <c>POST /pbm</c> runs one command, <c>GET /pbm/help</c> lists them. It shares the node's Kestrel
/// server but not its routes: on the operator port only <c>/pbm</c> answers, and <c>/pbm</c> answers only there.
/// </summary>
public static class OperatorHost
{
    /// <summary>How long a command may wait (leaving, asking the districts).</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    public static WebApplication MapOperator(this WebApplication app, OperatorOptions options)
    {
        var port = options.Uri?.Port;
        var key = Encoding.UTF8.GetBytes(options.Key);
        app.Use(async (context, next) =>
        {
            var onOperatorPort = port is not null && context.Connection.LocalPort == port;
            var isPbm = context.Request.Path.StartsWithSegments("/pbm") || context.Request.Path.StartsWithSegments("/metrics");
            if (onOperatorPort != isPbm)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (isPbm && key.Length > 0 && !HasKey(context, key))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new CommandAnswer(false, ["the operator key is missing or wrong"], "unauthorized"),
                    OperatorJson.Default.CommandAnswer);
                return;
            }
            await next(context);
        });
        if (port is null) return app;

        // Prometheus text format, prometheus-net's default registry: the edge's and the world's metrics, and what
        // NodeMetrics reads at scrape time (cluster, shard regions, .NET runtime). The actor system starts with the host.
        NodeMetrics.Register(() => app.Services.GetService<ActorSystem>());
        app.MapMetrics("/metrics");

        app.MapGet("/pbm/help", () => Results.Json(new HelpAnswer(OperatorCommands.All.Select(c => $"{c.Usage}  —  {c.Help}").ToArray()),
            OperatorJson.Default.HelpAnswer));
        app.MapPost("/pbm", async (HttpContext context, ActorSystem system) =>
        {
            CommandRequest? request;
            try
            {
                request = await context.Request.ReadFromJsonAsync(OperatorJson.Default.CommandRequest, context.RequestAborted);
            }
            catch (JsonException)
            {
                request = null;
            }
            var answer = request is null
                ? CommandAnswer.Usage("the body must be {\"palette\", \"command\", \"args\": [...]}")
                : OperatorCommands.Find(request.Palette, request.Command) is not { } command
                    ? CommandAnswer.Usage($"unknown command '{request.Palette} {request.Command}'; try help")
                    : await RunAsync(command, request, new OperatorContext(system, context.RequestServices, CommandTimeout));
            var status = answer.Ok ? StatusCodes.Status200OK
                : answer.Error == "usage" ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
            return Results.Json(answer, OperatorJson.Default.CommandAnswer, statusCode: status);
        });
        return app;
    }

    private static async Task<CommandAnswer> RunAsync(OperatorCommand command, CommandRequest request, OperatorContext context)
    {
        var (args, problem) = CommandArgs.Parse(request.Args ?? [], command.Values, command.Flags ?? []);
        if (args is null) return CommandAnswer.Usage($"{problem}; usage: {command.Usage}");
        try
        {
            return await command.Run(context, args);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A command that throws is a failed command with its reason, never a bare 500.
            return CommandAnswer.Failed($"{request.Palette} {request.Command} failed: {e.Message}");
        }
    }

    private static bool HasKey(HttpContext context, byte[] key)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header["Bearer ".Length..]), key);
    }
}

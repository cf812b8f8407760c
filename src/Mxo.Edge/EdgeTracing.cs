using System.Diagnostics;
using Akka.Actor;
using Mxo.Protocol;

namespace Mxo.Edge;

/// <summary>
/// The edge's spans (docs/operations.md, "Tracing"): the socket's upgrade request ends at the upgrade, and each durable
/// request a session sends to the world is a trace of its own that links to the upgrade.
/// </summary>
public static class EdgeTracing
{
    /// <summary>
    /// Ends the upgrade request's server span now that the socket is accepted (101), instead of when the socket closes,
    /// possibly hours later; returns its context for the session's request spans to link to. Call it in the request's
    /// own flow, where its span is current (ASP.NET Core made it, from the client's <c>traceparent</c> if it sent one).
    /// </summary>
    public static ActivityContext EndUpgrade()
    {
        if (Activity.Current is not { Kind: ActivityKind.Server, Recorded: true } upgrade) return default;
        // The ASP.NET Core instrumentation sets these when the request ends, too late for a span already exported.
        upgrade.DisplayName = "GET /ws";
        upgrade.SetTag("http.route", "/ws");
        upgrade.SetTag("http.response.status_code", 101);
        upgrade.Stop();
        Activity.Current = upgrade.Parent;
        return upgrade.Context;
    }

    /// <summary>
    /// Starts the span of one durable request (<c>mxo.request &lt;type&gt;</c>) as a new trace, linked to the socket's
    /// upgrade, and makes it current so the command sent for it carries it (<see cref="ITraced"/>). Null when nothing
    /// listens or the sampler drops it. The caller restores the current span when it has sent the command.
    /// </summary>
    public static Activity? StartRequest(string type, string commandId, PlayerId player, ActivityContext upgrade, ActorSystem system)
    {
        if (!MxoTracing.Source.HasListeners()) return null;
        // A root of its own: a socket lives for hours, and one trace per request keeps traces short and samples each
        // request on its own; the link still leads to the upgrade (and the client's trace, if it sent one).
        Activity.Current = null;
        ActivityLink[]? links = upgrade == default ? null : [new ActivityLink(upgrade)];
        var span = MxoTracing.Source.StartActivity(ActivityKind.Server, default, links: links, name: "mxo.request " + type);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(MxoTracing.NodeTag, MxoTracing.NodeOf(system));
            span.SetTag("mxo.request.type", type);
            span.SetTag("mxo.request.id", commandId);
            span.SetTag("mxo.player", player.Value);
        }
        return span;
    }

    /// <summary>Ends a request's span: an error code (rejected, timed out, session ended) marks it failed.</summary>
    public static void EndRequest(Activity span, string? error)
    {
        var current = Activity.Current;
        if (error is not null) span.SetStatus(ActivityStatusCode.Error, error);
        span.Stop();
        Activity.Current = current;
    }
}

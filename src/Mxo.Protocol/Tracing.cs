using System.Diagnostics;
using Akka.Actor;

namespace Mxo.Protocol;

/// <summary>
/// A message that carries the trace context of the span it was created in, across nodes (docs/operations.md,
/// "Tracing"): the durable commands, and what the world sends on their behalf. The receiving entity starts
/// <see cref="SpanName"/> as a child of <see cref="TraceParent"/> (<c>MxoEntity.TracedCommand</c>).
/// Each traced record sets <see cref="TraceParent"/> from <see cref="MxoTracing.CurrentParent"/> when it is constructed,
/// so whoever creates one inside a span passes that span on without a line of its own. Deserializing skips
/// constructors and initializers (<c>SkipConstructor</c>): a received message keeps what its sender wrote. The field
/// number is the record's next free one (never renumbered: docs/architecture.md, decision 3); no persisted event
/// carries a trace context.
/// </summary>
public interface ITraced
{
    /// <summary>The sender's span as a W3C <c>traceparent</c>; null when it had none (tracing off, or no request).</summary>
    string? TraceParent { get; }

    /// <summary>The receiver's span: <c>"&lt;entity&gt; &lt;command&gt;"</c>, e.g. <c>"player say"</c>.</summary>
    string SpanName { get; }
}

/// <summary>
/// The one <see cref="ActivitySource"/> of the MXO libraries and what they share about spans. Only System.Diagnostics
/// here: the node (<c>src/Mxo.Node/Hosting/NodeTracing.cs</c>) decides whether anything listens. When nothing does,
/// every method here returns null or does nothing after a field check or one <see cref="Activity.Current"/> read.
/// </summary>
public static class MxoTracing
{
    public const string SourceName = "Mxo";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>On every MXO span: the cluster address of the node that made it (several nodes may share a process).</summary>
    public const string NodeTag = "mxo.node";

    /// <summary>On the spans of an entity: its persistence id (<c>player-neo</c>, <c>district-downtown</c>).</summary>
    public const string EntityTag = "mxo.entity";

    /// <summary>The current span as a W3C <c>traceparent</c>, for a message to carry; null when there is none.</summary>
    public static string? CurrentParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>The cluster address spans name their node by (<see cref="NodeTag"/>).</summary>
    public static string NodeOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();

    /// <summary>
    /// Starts the receiver's span of <paramref name="message"/> as a child of the context it carries, and makes it current
    /// until the scope is disposed. Nothing without a context: the node that sent the request decided not to trace it.
    /// </summary>
    public static SpanScope Receive(ITraced message, ActorSystem system, string? entity = null)
    {
        if (message.TraceParent is not { } parent || !Source.HasListeners()
            || !ActivityContext.TryParse(parent, null, isRemote: true, out var context))
            return default;
        var previous = Activity.Current;
        var span = Source.StartActivity(message.SpanName, ActivityKind.Consumer, context);
        if (span is null) return default;
        Describe(span, system, entity);
        return new SpanScope(span, previous);
    }

    /// <summary>
    /// Starts a child of the current span that ends in a later message's handler (a journal write), leaving the current
    /// span current. Null when there is no current span or nothing listens.
    /// </summary>
    public static Activity? StartDetached(string name, ActorSystem system, string? entity = null)
    {
        var current = Activity.Current;
        if (current is null || !Source.HasListeners()) return null;
        var span = Source.StartActivity(name, ActivityKind.Internal);
        Activity.Current = current;
        if (span is not null) Describe(span, system, entity);
        return span;
    }

    /// <summary>The attributes of every MXO span: its node and, in an entity, the entity's persistence id.</summary>
    private static void Describe(Activity span, ActorSystem system, string? entity)
    {
        if (!span.IsAllDataRequested) return;
        span.SetTag(NodeTag, NodeOf(system));
        if (entity is not null) span.SetTag(EntityTag, entity);
    }

    /// <summary>Makes <paramref name="span"/> (from <see cref="StartDetached"/>) current; disposing the scope ends it.</summary>
    public static SpanScope Resume(Activity? span) => span is null ? default : new SpanScope(span, Activity.Current, resume: true);

    /// <summary>
    /// A span made current for one handler. Disposing it ends the span and restores the span that was current before,
    /// so nothing leaks into the next message the thread runs. The default scope does nothing.
    /// </summary>
    public readonly struct SpanScope : IDisposable
    {
        private readonly Activity? _previous;

        internal SpanScope(Activity span, Activity? previous, bool resume = false)
        {
            Span = span;
            _previous = previous;
            if (resume) Activity.Current = span;
        }

        public Activity? Span { get; }

        public void Dispose()
        {
            if (Span is null) return;
            Span.Stop();
            Activity.Current = _previous;
        }
    }
}

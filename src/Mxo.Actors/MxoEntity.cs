using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Mxo.Protocol;

namespace Mxo.Actors;

/// <summary>The one stop message of every entity: sent by the shard on hand-off and passivation, and by singletons' managers.</summary>
public sealed class EntityStop
{
    public static readonly EntityStop Instance = new();
    private EntityStop() { }
}

/// <summary>
/// What every persistent MXO entity shares. An entity is its state record, its pure rules (decide → events, and
/// <see cref="Apply"/>) and a thin actor on this base, which owns:
/// <list type="bullet">
/// <item>recovery: the latest snapshot of <typeparamref name="TState"/>, then every event through <see cref="Apply"/>;</item>
/// <item>persist-then-act: <see cref="PersistThen(IReadOnlyList{IMxoEvent}, Action)"/> applies each event once it is
/// durable, takes a snapshot every N events, and only then runs the reply;</item>
/// <item>snapshots: every <c>snapshotEvery</c> persisted events, older snapshots deleted once a newer one is saved,
/// failures logged, never fatal (the journal still has every event). The snapshot replies are handled whatever
/// behaviour the entity has switched to with <c>Become</c>;</item>
/// <item>persist metrics: how long each write took and which events failed or were rejected, by entity type
/// (<see cref="WorldMetrics.ForEntity"/>);</item>
/// <item>stopping: <see cref="EntityStop"/> (the hand-off stop message) runs <see cref="OnStop"/>, which stops at once
/// unless the entity has something to finish; <see cref="RequestPassivation"/> asks the shard to passivate it.</item>
/// </list>
/// </summary>
public abstract class MxoEntity<TState> : ReceivePersistentActor where TState : class
{
    private readonly int _snapshotEvery;
    private readonly WorldMetrics.EntityMeter _meter;

    /// <param name="snapshotEvery">Snapshot every this many persisted events; 0 for an entity that never snapshots.</param>
    protected MxoEntity(string persistenceId, TState initial, int snapshotEvery)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(snapshotEvery);
        PersistenceId = persistenceId;
        State = initial;
        _snapshotEvery = snapshotEvery;
        _meter = WorldMetrics.ForEntity(persistenceId);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is TState snapshot) State = snapshot;
        });
        Recover<IMxoEvent>(e => State = Apply(State, e));
        Recover<RecoveryCompleted>(_ => OnRecovered());
    }

    public sealed override string PersistenceId { get; }

    /// <summary>The durable state: what recovery rebuilds. Changed only by <see cref="Apply"/>.</summary>
    protected TState State { get; private set; }

    /// <summary>The entity's pure rule: the state after one event.</summary>
    protected abstract TState Apply(TState state, IMxoEvent @event);

    /// <summary>Runs once recovery is complete, before the first command.</summary>
    protected virtual void OnRecovered()
    {
    }

    /// <summary>Handles <see cref="EntityStop"/>: by default stops now. Override to finish work first.</summary>
    protected virtual void OnStop() => Context.Stop(Self);

    /// <summary>Registers the stop message; call it in every behaviour that should honour it (the constructor's included).</summary>
    protected void CommandStop() => Command<EntityStop>(_ => OnStop());

    /// <summary>Asks the shard region to passivate this entity; it then receives <see cref="EntityStop"/>.</summary>
    protected void RequestPassivation() => Context.Parent.Tell(new Passivate(EntityStop.Instance));

    /// <summary>
    /// Registers a handler for a message that carries a trace context: it runs inside the span the message names, a
    /// child of that context, so what it persists and sends joins the trace (docs/operations.md, "Tracing").
    /// </summary>
    protected void TracedCommand<T>(Action<T> handle) where T : ITraced => Command<T>(message =>
    {
        using var span = MxoTracing.Receive(message, Context.System, PersistenceId);
        handle(message);
    });

    /// <summary>
    /// Persists <paramref name="events"/> in order, applying each as it becomes durable (and snapshotting when due),
    /// then runs <paramref name="then"/> once the last is durable. With no events, runs it at once.
    /// </summary>
    protected void PersistThen(IReadOnlyList<IMxoEvent> events, Action then)
    {
        if (events.Count == 0)
        {
            then();
            return;
        }
        var remaining = events.Count;
        var spans = Activity.Current is null ? null : events.Select(StartPersistSpan).ToArray();
        var started = Stopwatch.GetTimestamp();
        PersistAll(events, e =>
        {
            using var span = MxoTracing.Resume(spans?[events.Count - remaining]);
            ApplyPersisted(e);
            if (--remaining > 0) return;
            _meter.Persisted(started);
            then();
        });
    }

    /// <summary>Persists one event, applies it, then runs <paramref name="then"/> with it.</summary>
    protected void PersistThen<TEvent>(TEvent @event, Action<TEvent> then) where TEvent : IMxoEvent
    {
        var persistSpan = StartPersistSpan(@event);
        var started = Stopwatch.GetTimestamp();
        Persist(@event, e =>
        {
            using var span = MxoTracing.Resume(persistSpan);
            ApplyPersisted(e);
            _meter.Persisted(started);
            then(e);
        });
    }

    /// <summary>
    /// Persists an event the entity's commands do not wait for (a position checkpoint): it is applied once durable, but
    /// commands keep being handled meanwhile instead of being stashed behind the write (<c>PersistAsync</c>). Only for
    /// events whose decision stays right whatever is handled before they are durable.
    /// </summary>
    protected void PersistInBackground(IMxoEvent @event)
    {
        var started = Stopwatch.GetTimestamp();
        PersistAsync(@event, e =>
        {
            ApplyPersisted(e);
            _meter.Persisted(started);
        });
    }

    /// <summary>Inside a traced command: the journal write's span, from the Persist call to its handler.</summary>
    private Activity? StartPersistSpan(IMxoEvent e) =>
        Activity.Current is null ? null : MxoTracing.StartDetached("persist " + e.GetType().Name, Context.System, PersistenceId);

    /// <summary>The journal write failed: counted, then the default (logged, the entity stops; the journal is the truth).</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _meter.Failed();
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>The journal refused the event (it was not stored): counted, then the default (logged; the entity goes on).</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _meter.Rejected();
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private void ApplyPersisted(IMxoEvent e)
    {
        State = Apply(State, e);
        if (_snapshotEvery > 0 && LastSequenceNr % _snapshotEvery == 0) SaveSnapshot(State);
    }

    /// <summary>
    /// The snapshot store's replies reach every behaviour: a <c>Become</c> replaces the registered handlers, so they are
    /// taken here, where whatever no handler took arrives.
    /// </summary>
    protected override void Unhandled(object message)
    {
        switch (message)
        {
            case SaveSnapshotSuccess saved:
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                return;
            case SaveSnapshotFailure failed:
                Log.Warning(failed.Cause, "Snapshot of {0} failed", PersistenceId);
                return;
            case DeleteSnapshotsSuccess:
                return;
            case DeleteSnapshotsFailure failed:
                Log.Warning(failed.Cause, "Deleting old snapshots of {0} failed", PersistenceId);
                return;
            default:
                base.Unhandled(message);
                return;
        }
    }
}

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
    /// then runs <paramref name="then"/> once the last is durable. With no events, runs it at once. If the journal
    /// refuses the write (nothing was stored: <see cref="OnPersistRejected"/>), <paramref name="refused"/> runs instead,
    /// once, with the journal's reason.
    /// </summary>
    protected void PersistThen(IReadOnlyList<IMxoEvent> events, Action then, Action<Exception>? refused = null)
    {
        if (events.Count == 0)
        {
            then();
            return;
        }
        // PersistAll is one atomic write: refused as a whole, so the first event carries the callback.
        for (var i = 0; i < events.Count; i++) _unconfirmed.Enqueue((events[i], i == 0 ? refused : null));
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

    /// <summary>Persists one event, applies it, then runs <paramref name="then"/> with it (or <paramref name="refused"/>, if the journal refuses it).</summary>
    protected void PersistThen<TEvent>(TEvent @event, Action<TEvent> then, Action<Exception>? refused = null) where TEvent : IMxoEvent
    {
        _unconfirmed.Enqueue((@event, refused));
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
        _unconfirmed.Enqueue((@event, null));
        var started = Stopwatch.GetTimestamp();
        PersistAsync(@event, e =>
        {
            ApplyPersisted(e);
            _meter.Persisted(started);
        });
    }

    // --- Group commit: one journal write for the commands that arrive while another write is in flight ---

    /// <summary>
    /// A decided command: its event (none when it only answers), what to do once that event is durable, and what to do
    /// if the journal refuses it.
    /// </summary>
    private sealed record Grouped(IMxoEvent? Event, Action Then, Action<Exception>? Refused, Activity? Span);

    private List<Grouped>? _writing; // the entries of the write in flight, in the order their commands were decided
    private int _writingNext;         // the first of them whose effect has not run yet
    private int _writingEvents;       // the events of the write in flight not yet durable (or rejected)
    private List<Grouped> _collected = new();
    private TState? _decided;         // State with the in-flight and collected events applied; null when nothing is pending
    private long _groupStarted;
    private bool _collectOnly;

    /// <summary>
    /// The state commands must be decided against: <see cref="State"/> plus every event still waiting for its write
    /// (<see cref="PersistGrouped"/>), so a command decides exactly as it would after the earlier ones were durable.
    /// </summary>
    protected TState Decided => _decided ?? State;

    /// <summary>True while a grouped write is in flight or commands are collected for the next: a new command's effect has to wait its turn.</summary>
    protected bool GroupBusy => _writing is not null || _collected.Count > 0;

    /// <summary>Commands decided since the write in flight started, waiting for the next write.</summary>
    protected int GroupCollected => _collected.Count;

    /// <summary>
    /// Group commit. With no grouped write in flight, persists <paramref name="event"/> now (PersistAllAsync: the entity
    /// keeps taking commands meanwhile). Otherwise the command joins the next write, which starts — one PersistAll of
    /// everything collected — as soon as the one in flight is durable. Either way <paramref name="then"/> runs only once
    /// the event is durable and after the effects of every command decided before it, so answers keep the order the
    /// commands were decided in. A command that persists nothing (<paramref name="event"/> null) still waits its turn.
    /// Decide against <see cref="Decided"/>. A rejected event's <paramref name="then"/> never runs: its
    /// <paramref name="refused"/> does, in its turn; a failed write stops the entity (the default), answering nothing
    /// that was not durable.
    /// </summary>
    protected void PersistGrouped(IMxoEvent? @event, Action then, Action<Exception>? refused = null)
    {
        var entry = new Grouped(@event, then, refused, @event is null ? null : StartPersistSpan(@event));
        if (_writing is null && !_collectOnly)
        {
            if (@event is null) then(); // nothing in flight: its turn is now
            else StartGroupWrite([entry]);
            return;
        }
        _collected.Add(entry);
        if (@event is not null) _decided = Apply(Decided, @event);
    }

    /// <summary>
    /// Runs when the last grouped write is durable and nothing more was collected: commands the entity held back may go
    /// on now, through <see cref="Collecting"/>.
    /// </summary>
    protected virtual void OnGroupIdle()
    {
    }

    /// <summary>
    /// Runs <paramref name="step"/> until it returns false, collecting what it persists with <see cref="PersistGrouped"/>
    /// into one write instead of starting a write at its first event; then starts that write. For commands that waited:
    /// they arrived together, so they are written together.
    /// </summary>
    protected void Collecting(Func<bool> step)
    {
        while (true)
        {
            _collectOnly = true;
            try
            {
                while (step())
                {
                }
            }
            finally
            {
                _collectOnly = false;
            }
            if (_collected.Count == 0 || _writing is not null) return;
            var next = _collected;
            _collected = new List<Grouped>();
            if (StartGroupWrite(next)) return;
            // Only answers, given already: nothing is in flight, so the next held commands may go on.
        }
    }

    /// <summary>Starts the write of <paramref name="entries"/>; false when they hold no event (their effects ran at once).</summary>
    private bool StartGroupWrite(List<Grouped> entries)
    {
        var events = new List<IMxoEvent>(entries.Count);
        foreach (var entry in entries)
            if (entry.Event is not null) events.Add(entry.Event);
        if (events.Count == 0)
        {
            // Only answers: nothing is in flight, so their turn is now.
            foreach (var entry in entries) entry.Then();
            _decided = null;
            return false;
        }
        _writing = entries;
        _writingNext = 0;
        _writingEvents = events.Count;
        _groupStarted = Stopwatch.GetTimestamp();
        // The commands collected from now on are decided against what this write will have made durable.
        _decided = events.Aggregate(State, Apply);
        foreach (var e in events) _unconfirmed.Enqueue((e, null)); // a refusal is answered through the entry (GroupEventDone)
        PersistAllAsync(events, e =>
        {
            ApplyPersisted(e);
            GroupEventDone(refusal: null);
        });
        return true;
    }

    /// <summary>The next event of the write in flight is durable (or was rejected, for <paramref name="refusal"/>): run the effects that were waiting for it.</summary>
    private void GroupEventDone(Exception? refusal)
    {
        var writing = _writing!;
        // Answers decided before this event's command first, then its own effect, in decision order.
        while (writing[_writingNext].Event is null) writing[_writingNext++].Then();
        var entry = writing[_writingNext++];
        using (MxoTracing.Resume(entry.Span))
            if (refusal is null) entry.Then();
            else entry.Refused?.Invoke(refusal);
        if (--_writingEvents > 0) return;
        while (_writingNext < writing.Count) writing[_writingNext++].Then();
        _meter.Persisted(_groupStarted);
        _writing = null;
        var next = _collected;
        _collected = new List<Grouped>();
        if (next.Count > 0 && StartGroupWrite(next)) return;
        _decided = null;
        OnGroupIdle();
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

    /// <summary>
    /// The journal refused the event (it was not stored: the write fence was closed, or the database could not be
    /// reached): counted and logged, and the command that persisted it is told through its <c>refused</c> callback; the
    /// entity goes on with its state as it was.
    /// </summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _meter.Rejected();
        // The journal logs an outage once; per entity this is detail, and at most one line per entity and outage.
        if (!_refusing) Log.Debug("The journal refused {0}'s event {1} (#{2}); further refusals are not logged until a write succeeds: {3}",
            PersistenceId, @event.GetType().Name, sequenceNr, cause.Message);
        _refusing = true;
        var refused = _unconfirmed.TryDequeue(out var head) && ReferenceEquals(head.Event, @event) ? head.Refused : null;
        // A grouped write goes on with its other commands' answers, and the rejected command's refusal in its turn.
        if (_writing is { } writing && writing.Skip(_writingNext).FirstOrDefault(e => e.Event is not null) is { } next
            && ReferenceEquals(next.Event, @event))
        {
            GroupEventDone(cause);
            return;
        }
        refused?.Invoke(cause);
    }

    /// <summary>Every event handed to the journal and not yet confirmed, in the order the journal answers, with what to do if it is refused.</summary>
    private readonly Queue<(object Event, Action<Exception>? Refused)> _unconfirmed = new();
    private bool _refusing; // the last write was refused (logged once until a write succeeds)

    private void ApplyPersisted(IMxoEvent e)
    {
        _unconfirmed.TryDequeue(out _);
        _refusing = false;
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

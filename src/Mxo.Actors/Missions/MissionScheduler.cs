using Akka.Actor;
using Akka.Event;
using Mxo.Actors.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Missions;

namespace Mxo.Actors.Missions;

/// <summary>
/// Mission timers: a cluster singleton (role "world"), persistent (id <see cref="PersistenceIdValue"/>), modelled on
/// the world clock (src/Mxo.Actors/World/WorldClock.cs). Thin shell around <see cref="MissionSchedulerRules"/>.
/// <list type="bullet">
/// <item>Pending one-shot timers, cron schedules and live-event windows are its state; commands are answered once what
/// they changed is durable. Commands are group-committed (<see cref="MxoEntity{TState}.PersistGrouped"/>): those that
/// arrive while a write is in flight share the next write, so scheduling 100,000 timers is not 100,000 round trips.</item>
/// <item>One Akka timer, for the earliest due time of the sorted <see cref="DueIndex"/>, stands for every timer; it is
/// never armed longer than <see cref="MissionSchedulerSettings.RecheckInterval"/>, so a clock jump is noticed.</item>
/// <item>A fire is persisted (<see cref="MissionSchedulerEvents.Fired"/>, one per batch) before it is delivered, so no
/// timer fires twice, even across a failover. A fire lost between that write and the delivery (the node died) is not
/// repeated: a timer is a nudge, and its receiver keeps the real deadline (docs/architecture.md, "Mission scheduler").</item>
/// <item>A new incarnation re-arms everything from its snapshot and journal; what fell due while no node hosted it fires
/// at once, a schedule that missed several periods once (<see cref="MissionSchedulerRules.DueOccurrence"/>).</item>
/// </list>
/// </summary>
public sealed class MissionScheduler : MxoEntity<MissionSchedulerState>, IWithTimers
{
    public const string PersistenceIdValue = "mission-scheduler";

    private const string WakeTimer = "wake";

    private sealed class Wake
    {
        public static readonly Wake Instance = new();
        private Wake() { }
    }

    private readonly MissionSchedulerSettings _settings;
    private readonly TimeProvider _time;
    private readonly ITimerTargets _targets;
    private readonly TimeZoneInfo _zone;
    private readonly DueIndex _index = new();
    private readonly HashSet<string> _unroutedKinds = [];
    private long? _armedFor;   // when the wake timer is due (Unix ms); null when none is armed
    private bool _stopping;    // hand-over: finish the writes in flight, fire nothing more
    private bool _rebuildIndex; // a write was refused: the decided state fell back to the durable one

    public MissionScheduler(MissionSchedulerSettings settings, Func<ActorSystem, ITimerTargets> targets, TimeProvider time)
        : base(PersistenceIdValue, MissionSchedulerState.Empty, settings.SnapshotEvery)
    {
        _settings = settings;
        _time = time;
        _targets = targets(Context.System);
        _zone = settings.Zone;

        Command<MissionSchedulerCommands.Schedule>(cmd =>
            Decide(cmd.Id, MissionSchedulerRules.DecideSchedule(Decided, cmd, _settings.MaxPendingTimers)));
        Command<MissionSchedulerCommands.Cancel>(cmd => Decide(cmd.Id, MissionSchedulerRules.DecideCancel(Decided, cmd)));
        Command<MissionSchedulerCommands.SetRecurring>(cmd =>
            Decide(cmd.Id, MissionSchedulerRules.DecideSetRecurring(Decided, cmd, NowUnixMs, _settings.MaxSchedules, _zone)));
        Command<MissionSchedulerCommands.SetWindow>(cmd =>
            Decide(cmd.Id, MissionSchedulerRules.DecideSetWindow(Decided, cmd, NowUnixMs, _settings.MaxSchedules, _zone)));
        Command<MissionSchedulerCommands.RemoveSchedule>(cmd => Decide(cmd.Id, MissionSchedulerRules.DecideRemoveSchedule(Decided, cmd)));
        Command<MissionSchedulerCommands.GetStatus>(cmd =>
            Sender.Tell(MissionSchedulerRules.StatusOf(Decided, _index, cmd.Limit, _settings.MaxPendingTimers)));
        Command<Wake>(_ =>
        {
            _armedFor = null;
            FireDue();
        });
        // The singleton's termination message on hand-over: the writes in flight finish (and their fires are delivered) first.
        CommandStop();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The scheduler itself (tests, or a host that supervises it).</summary>
    /// <param name="targets">Where fired timers go, given the actor system (the node's: <see cref="MissionSchedulerRegistration.NodeTargets"/>).</param>
    public static Props PropsFor(MissionSchedulerSettings settings, Func<ActorSystem, ITimerTargets> targets, TimeProvider? time = null) =>
        Props.Create(() => new MissionScheduler(settings, targets, time ?? TimeProvider.System));

    /// <summary>
    /// What the singleton manager runs: the scheduler under a back-off supervisor, so a journal outage stops it only for
    /// a while. <see cref="EntityStop"/> (the hand-over termination message) stops both.
    /// </summary>
    public static Props SupervisedPropsFor(MissionSchedulerSettings settings, Func<ActorSystem, ITimerTargets> targets, TimeProvider? time = null) =>
        WorldSingleton.Supervised(PropsFor(settings, targets, time), "scheduler", settings.MinRestartBackoff, settings.MaxRestartBackoff);

    private long NowUnixMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    protected override MissionSchedulerState Apply(MissionSchedulerState state, IMxoEvent @event) => MissionSchedulerRules.Apply(state, @event);

    protected override void OnRecovered()
    {
        _index.Rebuild(State, _zone);
        var next = _index.TryPeek(out var first) ? DateTimeOffset.FromUnixTimeMilliseconds(first.DueUnixMs).ToString("o") : "none";
        Log.Info("Mission scheduler started: {0} timers and {1} schedules pending, next due {2}", State.Timers.Count, State.Schedules.Count, next);
        Rearm();
    }

    protected override void OnStop()
    {
        _stopping = true;
        Timers.CancelAll();
        if (!GroupBusy) Context.Stop(Self);
    }

    protected override void OnGroupIdle()
    {
        if (_rebuildIndex)
        {
            _rebuildIndex = false;
            _index.Rebuild(State, _zone);
            _armedFor = null;
            Rearm();
        }
        if (_stopping) Context.Stop(Self);
    }

    /// <summary>Persists the decided event (if any), keeps the index in step with the decided state, and answers once durable.</summary>
    private void Decide(string id, (IMxoEvent? Event, IMxoMessage Reply) decision)
    {
        var replyTo = Sender;
        var before = Decided;
        PersistGrouped(decision.Event, () => replyTo.Tell(decision.Reply), cause =>
        {
            _rebuildIndex = true;
            replyTo.Tell(new MissionSchedulerReplies.Refused(id ?? "", SchedulerErrorCodes.Unavailable, cause.Message));
        });
        if (decision.Event is not { } @event) return;
        _index.Update(before, Decided, @event, _zone);
        Rearm();
    }

    /// <summary>Fires what is due now, one batch: persisted first, delivered once durable; a further batch follows at once.</summary>
    private void FireDue()
    {
        if (_stopping) return;
        var now = NowUnixMs;
        var due = _index.TakeDue(now, _settings.MaxFireBatch);
        if (due.Count > 0 && MissionSchedulerRules.DecideFire(Decided, due, now, _zone) is { } fire)
        {
            var before = Decided;
            PersistGrouped(fire.Event, () => Deliver(fire.Deliveries), _ => _rebuildIndex = true);
            _index.Update(before, Decided, fire.Event, _zone);
        }
        Rearm();
    }

    private void Deliver(IReadOnlyList<TimerFired> deliveries)
    {
        var now = NowUnixMs;
        foreach (var fired in deliveries)
        {
            WorldMetrics.MissionTimerFires.Inc();
            WorldMetrics.MissionTimerLateness.Observe(Math.Max(0, now - fired.DueUnixMs) / 1000.0);
            if (_targets.Deliver(fired)) continue;
            // Once per kind at warning level: an unknown kind is a deployment mistake, not news per timer.
            if (_unroutedKinds.Add(fired.TargetKind))
                Log.Warning("Mission scheduler: no target for kind '{0}' (timer {1}); fires of this kind are dropped", fired.TargetKind, fired.Id);
            else
                Log.Debug("Mission scheduler: dropped timer {0} for kind '{1}'", fired.Id, fired.TargetKind);
        }
    }

    /// <summary>Arms the one wake timer for the earliest due time (or the recheck interval, if sooner), unless it is armed for sooner already.</summary>
    private void Rearm()
    {
        WorldMetrics.MissionTimersPending.Set(Decided.Timers.Count);
        if (_stopping || !_index.TryPeek(out var first)) return;
        var now = NowUnixMs;
        var at = Math.Min(first.DueUnixMs, now + (long)_settings.RecheckInterval.TotalMilliseconds);
        if (_armedFor is { } armed && armed <= at) return;
        _armedFor = at;
        Timers.StartSingleTimer(WakeTimer, Wake.Instance, TimeSpan.FromMilliseconds(Math.Max(0, at - now)));
    }
}

using Akka.Actor;
using Mxo.Protocol.Missions;

namespace Mxo.Actors.Missions;

/// <summary>
/// The live events' windows as this node last read them from the mission scheduler (<see cref="LiveEventWatcher"/>),
/// for character entities to filter offers and accepts without asking the singleton on every talk. An immutable list
/// swapped whole, so readers on any thread see one consistent read. Whether an event is open is computed from the
/// windows' times at the moment of asking (<see cref="LiveEvents.OpenAt"/>), so only a window set or removed since the
/// last read is late, by at most the watcher's interval.
/// </summary>
public sealed class LiveEventWindows
{
    private volatile IReadOnlyList<ScheduleEntry> _windows = [];

    public void Update(IEnumerable<ScheduleEntry> schedules) => _windows = [.. schedules.Where(s => s.IsWindow)];

    public IReadOnlySet<string> OpenAt(DateTimeOffset now) => LiveEvents.OpenAt(_windows, now);
}

/// <summary>
/// Keeps a node's <see cref="LiveEventWindows"/> current: asks the scheduler's proxy for its status every
/// <c>interval</c> (an unanswered ask is simply asked again next time: the last read stays).
/// </summary>
public sealed class LiveEventWatcher : ReceiveActor, IWithTimers
{
    private sealed class Poll
    {
        public static readonly Poll Instance = new();
        private Poll() { }
    }

    public LiveEventWatcher(IActorRef scheduler, LiveEventWindows windows, TimeSpan interval)
    {
        Receive<Poll>(_ => scheduler.Tell(new MissionSchedulerCommands.GetStatus(0)));
        Receive<MissionSchedulerReplies.Status>(status => windows.Update(status.Schedules));
        _interval = interval;
    }

    private readonly TimeSpan _interval;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(IActorRef scheduler, LiveEventWindows windows, TimeSpan interval) =>
        Props.Create(() => new LiveEventWatcher(scheduler, windows, interval));

    protected override void PreStart()
    {
        Self.Tell(Poll.Instance);
        Timers.StartPeriodicTimer("poll", Poll.Instance, _interval);
    }
}

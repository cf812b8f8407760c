using Akka.Actor;
using Mxo.Protocol.World;

namespace Mxo.Actors.World;

/// <summary>
/// Keeps <c>target</c> subscribed to the world clock across singleton failovers: a child actor (of a district, say)
/// that sends <see cref="WorldClockCommands.Subscribe"/> for its target at start and then every interval, and
/// unsubscribes when it stops. The clock answers every subscribe with the current environment, straight to the
/// target, so after a failover the target is up to date within one interval.
/// </summary>
public sealed class WorldClockSubscriber : ReceiveActor, IWithTimers
{
    private sealed class Resubscribe
    {
        public static readonly Resubscribe Instance = new();
        private Resubscribe() { }
    }

    private readonly IActorRef _clock;
    private readonly IActorRef _target;
    private readonly TimeSpan _interval;

    public WorldClockSubscriber(IActorRef clock, IActorRef target, TimeSpan interval)
    {
        _clock = clock;
        _target = target;
        _interval = interval;
        Receive<Resubscribe>(_ => _clock.Tell(new WorldClockCommands.Subscribe(_target)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="clock">The clock singleton's proxy (registry key <c>WorldClockKey</c>).</param>
    /// <param name="target">Who receives <see cref="WorldClockEvents.EnvironmentChanged"/>; usually the parent.</param>
    public static Props PropsFor(IActorRef clock, IActorRef target, TimeSpan interval) =>
        Props.Create(() => new WorldClockSubscriber(clock, target, interval));

    protected override void PreStart()
    {
        _clock.Tell(new WorldClockCommands.Subscribe(_target));
        Timers.StartPeriodicTimer("resubscribe", Resubscribe.Instance, _interval);
    }

    protected override void PostStop() => _clock.Tell(new WorldClockCommands.Unsubscribe(_target));
}

using Akka.Actor;
using Mxo.Protocol.Missions;

namespace Mxo.Actors.Missions;

/// <summary>
/// Where the <see cref="MissionScheduler"/> delivers a fired timer, by the timer's target kind. The node supplies it
/// (<see cref="MissionSchedulerRegistration.NodeTargets"/>); tests route everything to a probe.
/// </summary>
public interface ITimerTargets
{
    /// <summary>Delivers <paramref name="fired"/>; false when no target is known for its kind (the scheduler logs it and goes on).</summary>
    bool Deliver(TimerFired fired);
}

/// <summary>A registry of routes by target kind, built once at start.</summary>
public sealed class TimerTargets : ITimerTargets
{
    private readonly IReadOnlyDictionary<string, Func<TimerFired, bool>> _routes;

    private TimerTargets(IReadOnlyDictionary<string, Func<TimerFired, bool>> routes) => _routes = routes;

    public static readonly TimerTargets None = new(new Dictionary<string, Func<TimerFired, bool>>());

    /// <summary>These routes plus one for <paramref name="kind"/> (returning false when its target is not reachable yet).</summary>
    public TimerTargets With(string kind, Func<TimerFired, bool> route) =>
        new(new Dictionary<string, Func<TimerFired, bool>>(_routes, StringComparer.Ordinal) { [kind] = route });

    /// <summary>Every kind to one actor (tests, the benchmark).</summary>
    public static ITimerTargets To(IActorRef receiver) => new ToActor(receiver);

    public bool Deliver(TimerFired fired) => _routes.TryGetValue(fired.TargetKind, out var route) && route(fired);

    private sealed class ToActor(IActorRef receiver) : ITimerTargets
    {
        public bool Deliver(TimerFired fired)
        {
            receiver.Tell(fired);
            return true;
        }
    }
}

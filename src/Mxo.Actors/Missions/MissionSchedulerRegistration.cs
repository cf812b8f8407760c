using Akka.Actor;
using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Missions;

namespace Mxo.Actors.Missions;

/// <summary>Registry key of the mission scheduler singleton's proxy (on every node): <c>registry.Get&lt;MissionSchedulerKey&gt;()</c>.</summary>
public sealed class MissionSchedulerKey;

public static class MissionSchedulerRegistration
{
    /// <summary>Singleton manager at <c>/user/mission-scheduler</c>, the scheduler's supervisor under it, proxy at <c>/user/mission-scheduler-proxy</c>.</summary>
    public const string SingletonName = "mission-scheduler";

    /// <summary>Target kind of a character's timers: delivered to the player shard region as <see cref="PlayerTimerFired"/>.</summary>
    public const string PlayerTarget = "player";

    /// <summary>
    /// The <see cref="MissionScheduler"/> cluster singleton on the oldest node with the world role, with a proxy registered
    /// as <see cref="MissionSchedulerKey"/>; on nodes without the world role only the proxy.
    /// </summary>
    /// <param name="targets">Where fired timers go; the node's routes (<see cref="NodeTargets"/>) unless a test gives its own.</param>
    /// <param name="time">Real time; <see cref="TimeProvider.System"/> unless a test injects one.</param>
    public static AkkaConfigurationBuilder AddMissionScheduler(this AkkaConfigurationBuilder builder, MissionSchedulerSettings settings,
        bool hostsWorld, Func<ActorSystem, ITimerTargets>? targets = null, TimeProvider? time = null)
    {
        if (settings.Problems() is { Count: > 0 } problems)
            throw new InvalidOperationException(string.Join("; ", problems));
        return builder.AddWorldSingleton<MissionSchedulerKey>(SingletonName, hostsWorld,
            () => MissionScheduler.SupervisedPropsFor(settings, targets ?? NodeTargets, time ?? TimeProvider.System));
    }

    /// <summary>
    /// The node's routes: kind <see cref="PlayerTarget"/> to the player shard region (looked up at delivery, so the
    /// region may register after the singleton starts). Other kinds are unknown for now: logged and dropped.
    /// </summary>
    public static ITimerTargets NodeTargets(ActorSystem system) =>
        TimerTargets.None.With(PlayerTarget, fired =>
        {
            if (string.IsNullOrEmpty(fired.TargetId) || !ActorRegistry.For(system).TryGet<PlayerRegion>(out var players)) return false;
            players.Tell(new PlayerTimerFired(new PlayerId(fired.TargetId), fired));
            return true;
        });
}

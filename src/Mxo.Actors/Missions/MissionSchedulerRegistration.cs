using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
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

    /// <summary>Target kind of a live event's window (<see cref="LiveEvents.TargetKind"/>): its opening and closing are announced to everyone online.</summary>
    public const string EventTarget = LiveEvents.TargetKind;

    /// <summary>Target kind of world-wide schedules, such as <see cref="DailyResetId"/>.</summary>
    public const string WorldTarget = "world";

    /// <summary>The daily reset's schedule id and target id (<see cref="MissionSchedulerSettings.DailyReset"/>).</summary>
    public const string DailyResetId = "daily-reset";

    /// <summary>What everyone online is told when the daily reset fires.</summary>
    public const string DailyResetText = "Daily mission limits have reset.";

    /// <summary>
    /// The <see cref="MissionScheduler"/> cluster singleton on the oldest node with the world role, with a proxy registered
    /// as <see cref="MissionSchedulerKey"/>; on nodes without the world role only the proxy.
    /// </summary>
    /// <param name="targets">Where fired timers go; the node's routes (<see cref="NodeTargets"/>) unless a test gives its own.</param>
    /// <param name="time">Real time; <see cref="TimeProvider.System"/> unless a test injects one.</param>
    /// <param name="setDailyReset">
    /// Whether a world node sets the daily reset's schedule at start (the node always does; a test whose own schedules
    /// are counted turns it off).
    /// </param>
    public static AkkaConfigurationBuilder AddMissionScheduler(this AkkaConfigurationBuilder builder, MissionSchedulerSettings settings,
        bool hostsWorld, Func<ActorSystem, ITimerTargets>? targets = null, TimeProvider? time = null, bool setDailyReset = true)
    {
        if (settings.Problems() is { Count: > 0 } problems)
            throw new InvalidOperationException(string.Join("; ", problems));
        builder.AddWorldSingleton<MissionSchedulerKey>(SingletonName, hostsWorld,
            () => MissionScheduler.SupervisedPropsFor(settings, targets ?? NodeTargets, time ?? TimeProvider.System));
        // Each world node sets the daily reset's schedule when it starts: SetRecurring with the same definition changes
        // nothing, so the nodes agree without coordinating, and a changed Mxo:Missions:DailyReset takes effect with the
        // first node started with it.
        return hostsWorld && setDailyReset
            ? builder.WithActors((system, registry) => system.ActorOf(
                ScheduleSetter.PropsFor(registry.Get<MissionSchedulerKey>(), DailyReset(settings)), "mission-daily-reset"))
            : builder;
    }

    /// <summary>The daily reset's schedule: <see cref="MissionSchedulerSettings.DailyReset"/> in its time zone, for <see cref="WorldTarget"/>.</summary>
    public static MissionSchedulerCommands.SetRecurring DailyReset(MissionSchedulerSettings settings) =>
        new(DailyResetId, settings.DailyReset, settings.TimeZone, WorldTarget, DailyResetId, "");

    /// <summary>
    /// The node's routes: kind <see cref="PlayerTarget"/> to the player shard region (looked up at delivery, so the
    /// region may register after the singleton starts); kind <see cref="EventTarget"/>: a window's opening and closing
    /// announced on the system channel ("Live event Blue Moon has begun", "… has ended"; the name is the window's payload,
    /// which <c>world event-start</c> sets to the event's name, else its id); kind <see cref="WorldTarget"/>, id
    /// <see cref="DailyResetId"/>: <see cref="DailyResetText"/> announced. Other kinds and ids: logged and dropped.
    /// </summary>
    public static ITimerTargets NodeTargets(ActorSystem system) =>
        TimerTargets.None
            .With(PlayerTarget, fired =>
            {
                if (string.IsNullOrEmpty(fired.TargetId) || !ActorRegistry.For(system).TryGet<PlayerRegion>(out var players)) return false;
                players.Tell(new PlayerTimerFired(new PlayerId(fired.TargetId), fired));
                return true;
            })
            .With(EventTarget, fired =>
            {
                var name = fired.Payload is { Length: > 0 } payload ? payload : fired.TargetId;
                return fired.Kind switch
                {
                    TimerFireKind.WindowOpened => Announce(system, $"Live event {name} has begun"),
                    TimerFireKind.WindowClosed => Announce(system, $"Live event {name} has ended"),
                    _ => false,
                };
            })
            .With(WorldTarget, fired => fired.TargetId == DailyResetId && Announce(system, DailyResetText));

    /// <summary>
    /// One system-channel line to everyone online: published once on <see cref="SystemChannel.Topic"/>, which each edge
    /// node's sessions parent subscribes to (src/Mxo.Edge/SessionsActor.cs), as <c>world announce</c> does
    /// (src/Mxo.Node/Operator/Announcements.cs) but with nobody to answer to. False when the node has no mediator.
    /// </summary>
    private static bool Announce(ActorSystem system, string text)
    {
        if (!ActorRegistry.For(system).TryGet<DistributedPubSub>(out var mediator)) return false;
        mediator.Tell(new Publish(SystemChannel.Topic, new SystemChannel.Announcement(text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null)));
        return true;
    }
}

using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Pattern;

namespace Mxo.Actors.Hosting;

/// <summary>
/// What the world's persistent cluster singletons share (the world clock, src/Mxo.Actors/World/WorldClockRegistration.cs;
/// the mission scheduler, src/Mxo.Actors/Missions/MissionSchedulerRegistration.cs): where they run, how they hand over,
/// and the supervisor that outlives a journal outage.
/// </summary>
public static class WorldSingleton
{
    /// <summary>
    /// The singleton <paramref name="name"/> on the oldest node with the world role, with a proxy registered as
    /// <typeparamref name="TKey"/>; on nodes without the world role only the proxy. On hand-over the singleton gets
    /// <see cref="EntityStop"/>: it finishes its writes in flight, then stops; only then does the next node start it,
    /// so two incarnations never write at once.
    /// </summary>
    public static AkkaConfigurationBuilder AddWorldSingleton<TKey>(this AkkaConfigurationBuilder builder, string name, bool hostsWorld,
        Func<Props> props)
    {
        var options = new ClusterSingletonOptions
        {
            Role = ShardedEntity.WorldRole,
            TerminationMessage = EntityStop.Instance,
        };
        return hostsWorld
            ? builder.WithSingleton<TKey>(name, props(), options, createProxyToo: true)
            : builder.WithSingletonProxy<TKey>(name, options);
    }

    /// <summary>
    /// <paramref name="child"/> under a back-off supervisor, so a journal outage stops it only for a while;
    /// <see cref="EntityStop"/> (the hand-over termination message) stops both.
    /// </summary>
    public static Props Supervised(Props child, string childName, TimeSpan minBackoff, TimeSpan maxBackoff) =>
        BackoffSupervisor.Props(
            Backoff.OnStop(child, childName, minBackoff, maxBackoff, 0.2, -1)
                .WithFinalStopMessage(message => message is EntityStop));
}

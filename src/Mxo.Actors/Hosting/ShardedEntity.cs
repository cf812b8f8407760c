using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;

namespace Mxo.Actors.Hosting;

/// <summary>
/// How every sharded entity is registered: the region on nodes with the world role, a proxy on the others, with one
/// set of shard options. Each entity calls it from the registration file beside it (e.g.
/// <c>src/Mxo.Actors/Players/PlayerRegistration.cs</c>); <see cref="MxoWorld.AddMxoWorld"/> calls those.
/// </summary>
/// <summary>Routes the commands of one entity type by the entity id each command names; anything else is not routed.</summary>
public sealed class CommandExtractor<TCommand>(int maxShards, Func<TCommand, string?> entityId) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) =>
        message is TCommand command && entityId(command) is { Length: > 0 } id ? id : null;
}

public static class ShardedEntity
{
    /// <summary>The cluster role of the nodes that host entities and singletons.</summary>
    public const string WorldRole = "world";

    /// <param name="typeName">The shard type name; with the entity id it makes the entity's address. Never renamed.</param>
    /// <param name="props">The entity's props for an entity id (it may look up other regions in the registry).</param>
    /// <param name="rememberEntities">Restart the entity wherever its shard goes (districts: their ticks and world
    /// objects must survive a rebalance without waiting for a message). Otherwise entities start on demand.</param>
    public static AkkaConfigurationBuilder AddShardedEntity<TKey>(this AkkaConfigurationBuilder builder, string typeName,
        IMessageExtractor extractor, bool hostsWorld, Func<IActorRegistry, Func<string, Props>> props, bool rememberEntities = false)
    {
        if (!hostsWorld)
            return builder.WithShardRegionProxy<TKey>(typeName, WorldRole, extractor);

        return builder.WithShardRegion<TKey>(typeName, (_, registry) => props(registry), extractor, new ShardOptions
        {
            Role = WorldRole,
            StateStoreMode = StateStoreMode.DData,
            RememberEntities = rememberEntities,
            RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
            // Entities passivate themselves when they are idle (MxoEntity.RequestPassivation): sharding's idle
            // passivation would stop a player that is connected but standing still.
            ShouldPassivateIdleEntities = false,
            // Hand-off lets the entity finish what it must (a checkpoint, a password check) before it stops.
            HandOffStopMessage = EntityStop.Instance,
        });
    }
}

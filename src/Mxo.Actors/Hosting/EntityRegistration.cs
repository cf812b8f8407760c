using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Mxo.Actors.Districts;
using Mxo.Actors.Players;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;

namespace Mxo.Actors.Hosting;

/// <summary>Registry key of the player shard region (or its proxy on nodes without the world role).</summary>
public sealed class PlayerRegion;

/// <summary>Registry key of the district shard region (or its proxy).</summary>
public sealed class DistrictRegion;

/// <summary>Routes <see cref="IPlayerCommand"/>s by player id.</summary>
public sealed class PlayerMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IPlayerCommand c ? c.PlayerId.Value : null;
}

/// <summary>Routes <see cref="IDistrictCommand"/>s by district id.</summary>
public sealed class DistrictMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IDistrictCommand c ? c.District.Value : null;
}

/// <summary>One registration method per entity (DESIGN.md): the region where the node hosts the world, else a proxy.</summary>
public static class EntityRegistration
{
    public const string WorldRole = "world";
    public const string PlayerTypeName = "player";
    public const string DistrictTypeName = "district";

    public static AkkaConfigurationBuilder AddPlayerEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, bool hostsWorld)
    {
        var extractor = new PlayerMessageExtractor(settings.MaxShards);
        if (!hostsWorld)
            return builder.WithShardRegionProxy<PlayerRegion>(PlayerTypeName, WorldRole, extractor);

        return builder.WithShardRegion<PlayerRegion>(PlayerTypeName,
            (_, registry) => entityId => PlayerEntity.PropsFor(entityId, settings, registry.Get<DistrictRegion>()),
            extractor,
            new ShardOptions
            {
                Role = WorldRole,
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = false,
                // Players passivate themselves once no session is attached; idle sharding passivation would
                // stop a player that is connected but standing still.
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = PlayerEntity.Stop.Instance,
            });
    }

    public static AkkaConfigurationBuilder AddDistrictEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, bool hostsWorld)
    {
        var extractor = new DistrictMessageExtractor(settings.MaxShards);
        if (!hostsWorld)
            return builder.WithShardRegionProxy<DistrictRegion>(DistrictTypeName, WorldRole, extractor);

        return builder.WithShardRegion<DistrictRegion>(DistrictTypeName,
            entityId => DistrictEntity.PropsFor(entityId, settings),
            extractor,
            new ShardOptions
            {
                Role = WorldRole,
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
            });
    }
}

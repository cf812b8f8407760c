using Akka.Cluster.Sharding;
using Akka.Hosting;
using Mxo.Actors.Districts;
using Mxo.Actors.Hosting;
using Mxo.Protocol.Players;
using Mxo.Protocol.World;

namespace Mxo.Actors.Players;

/// <summary>Registry key of the player shard region (or its proxy on nodes without the world role).</summary>
public sealed class PlayerRegion;

/// <summary>Routes <see cref="IPlayerCommand"/>s by player id.</summary>
public sealed class PlayerMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IPlayerCommand c ? c.PlayerId.Value : null;
}

public static class PlayerRegistration
{
    public const string TypeName = "player";

    public static AkkaConfigurationBuilder AddPlayerEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, WorldMap map, bool hostsWorld) =>
        builder.AddShardedEntity<PlayerRegion>(TypeName, new PlayerMessageExtractor(settings.MaxShards), hostsWorld,
            registry => entityId => PlayerEntity.PropsFor(entityId, settings, map, registry.Get<DistrictRegion>()));
}

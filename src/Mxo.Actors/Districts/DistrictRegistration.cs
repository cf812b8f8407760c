using Akka.Cluster.Sharding;
using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.World;
using Mxo.Protocol.Districts;
using Mxo.Protocol.World;

namespace Mxo.Actors.Districts;

/// <summary>Registry key of the district shard region (or its proxy).</summary>
public sealed class DistrictRegion;

/// <summary>Routes <see cref="IDistrictCommand"/>s by district id.</summary>
public sealed class DistrictMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IDistrictCommand c ? c.District.Value : null;
}

public static class DistrictRegistration
{
    public const string TypeName = "district";

    /// <param name="clock">When set, districts subscribe to the world clock (registered with AddWorldClock) and renew the
    /// subscription every <see cref="WorldClockSettings.ResubscribeInterval"/>.</param>
    public static AkkaConfigurationBuilder AddDistrictEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, WorldMap map,
        bool hostsWorld, WorldClockSettings? clock = null) =>
        builder.AddShardedEntity<DistrictRegion>(TypeName, new DistrictMessageExtractor(settings.MaxShards), hostsWorld,
            registry => entityId => DistrictEntity.PropsFor(entityId, settings, map,
                clock is not null && registry.TryGet<WorldClockKey>(out var proxy) ? (proxy, clock.ResubscribeInterval) : null),
            rememberEntities: true);
}

using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.World;
using Mxo.Protocol.Districts;
using Mxo.Protocol.World;

namespace Mxo.Actors.Districts;

/// <summary>Registry key of the district shard region (or its proxy).</summary>
public sealed class DistrictRegion;

public static class DistrictRegistration
{
    public const string TypeName = "district";

    /// <param name="clock">When set, districts subscribe to the world clock (registered with AddWorldClock) and renew the
    /// subscription every <see cref="WorldClockSettings.ResubscribeInterval"/>.</param>
    public static AkkaConfigurationBuilder AddDistrictEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, WorldMap map,
        bool hostsWorld, WorldClockSettings? clock = null) =>
        builder.AddShardedEntity<DistrictRegion>(TypeName, new CommandExtractor<IDistrictCommand>(settings.MaxShards, c => c.District.Value), hostsWorld,
            registry => entityId => DistrictEntity.PropsFor(entityId, settings, map,
                clock is not null && registry.TryGet<WorldClockKey>(out var proxy) ? (proxy, clock.ResubscribeInterval) : null),
            rememberEntities: true);
}

using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.World;
using Mxo.Protocol.Combat;
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
    /// <param name="combat">When set, districts host fights (started in the combat region) and these NPCs (each in its own district).</param>
    public static AkkaConfigurationBuilder AddDistrictEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, WorldMap map,
        bool hostsWorld, WorldClockSettings? clock = null, (CombatTable Table, IReadOnlyDictionary<string, IReadOnlyList<DistrictNpc>> Npcs)? combat = null) =>
        builder.AddShardedEntity<DistrictRegion>(TypeName, new CommandExtractor<IDistrictCommand>(settings.MaxShards, c => c.District.Value), hostsWorld,
            registry => entityId => DistrictEntity.PropsFor(entityId, settings, map,
                clock is not null && registry.TryGet<WorldClockKey>(out var proxy) ? (proxy, clock.ResubscribeInterval) : null,
                combat is { } c
                    ? new DistrictFighting(c.Table.Settings, c.Npcs.TryGetValue(entityId, out var npcs) ? npcs : [],
                        () => registry.TryGet<Combat.CombatRegion>(out var encounters) ? encounters : null)
                    {
                        FindInboxes = () => registry.TryGet<Notifications.InboxRegion>(out var inboxes) ? inboxes : null,
                    }
                    : null),
            rememberEntities: true);
}

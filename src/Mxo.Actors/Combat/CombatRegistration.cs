using Akka.Hosting;
using Mxo.Actors.Districts;
using Mxo.Actors.Players;
using Mxo.Actors.Hosting;
using Mxo.Protocol.Combat;

namespace Mxo.Actors.Combat;

/// <summary>Registry key of the combat encounter shard region (or its proxy on nodes without the world role).</summary>
public sealed class CombatRegion;

public static class CombatRegistration
{
    public const string TypeName = "combat";

    /// <param name="clock">The encounters' clock; <see cref="TimeProvider.System"/> by default.</param>
    public static AkkaConfigurationBuilder AddCombatEncounterEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, CombatTable table,
        bool hostsWorld, TimeProvider? clock = null) =>
        builder.AddShardedEntity<CombatRegion>(TypeName, new CommandExtractor<ICombatCommand>(settings.MaxShards, c => c.EncounterId), hostsWorld,
            // Rounds go to the fighters' entities and the district through their regions (registered before this one; a
            // system without them, as the encounters benchmark, tells nobody but the start's notify refs).
            registry => entityId => CombatEncounterEntity.PropsFor(entityId, table, clock,
                players: registry.TryGet<PlayerRegion>(out var players) ? players : null,
                districts: registry.TryGet<DistrictRegion>(out var districts) ? districts : null),
            // Rounds are driven by the encounter's own timer: after a crash or a rebalance its shard restarts it where the
            // shard goes, so a fight resumes without waiting for a command. An ended encounter passivates, which forgets it.
            rememberEntities: true);
}

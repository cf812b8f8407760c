using Akka.Hosting;
using Mxo.Actors.Accounts;
using Mxo.Actors.Districts;
using Mxo.Actors.Players;
using Mxo.Actors.World;
using Mxo.Protocol.World;

namespace Mxo.Actors.Hosting;

/// <summary>Everything a node needs of the world: the entities and singletons (hosted, or proxies without the world role).</summary>
public static class MxoWorld
{
    /// <summary>
    /// The world clock singleton, then every sharded entity, each through the registration file beside it. A new entity
    /// adds one line here.
    /// </summary>
    public static AkkaConfigurationBuilder AddMxoWorld(this AkkaConfigurationBuilder builder, WorldSettings world, WorldMap map,
        WorldClockSettings clock, AccountSettings accounts, bool hostsWorld, Mxo.Protocol.Combat.CombatTable? combat = null) =>
        builder.AddWorldClock(clock, hostsWorld)
            .AddDistrictEntity(world, map, hostsWorld, clock)
            .AddPlayerEntity(world, map, hostsWorld, combat?.Settings.DeathEffectDuration)
            .AddAccountEntity(accounts, hostsWorld);
}

using Akka.Hosting;
using Mxo.Actors.Accounts;
using Mxo.Actors.Combat;
using Mxo.Actors.Crews;
using Mxo.Actors.Districts;
using Mxo.Actors.Missions;
using Mxo.Actors.Moderation;
using Mxo.Actors.Notifications;
using Mxo.Actors.Orgs;
using Mxo.Actors.Players;
using Mxo.Actors.Teams;
using Mxo.Actors.World;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Npcs;
using Mxo.Protocol.World;

namespace Mxo.Actors.Hosting;

/// <summary>Everything a node needs of the world: the entities and singletons (hosted, or proxies without the world role).</summary>
public static class MxoWorld
{
    /// <summary>
    /// The world clock and mission scheduler singletons, then every sharded entity, each through the registration file beside it. A new entity
    /// adds one line here.
    /// </summary>
    /// <param name="combat">The combat table, the characters' fighting numbers and each district's NPCs: fights are served
    /// (the combat encounter region is registered) only with them.</param>
    /// <param name="missions">The mission scheduler's settings (defaults when null); its fired timers go to the node's routes.</param>
    /// <param name="play">The missions characters play (content and settings); without it mission requests are refused <c>unavailable</c>.</param>
    public static AkkaConfigurationBuilder AddMxoWorld(this AkkaConfigurationBuilder builder, WorldSettings world, WorldMap map,
        WorldClockSettings clock, AccountSettings accounts, bool hostsWorld, WorldCombat? combat = null, NotificationSettings? notifications = null,
        MissionSchedulerSettings? missions = null, PlayerMissions? play = null)
    {
        builder.AddWorldClock(clock, hostsWorld)
            .AddMissionScheduler(missions ?? new MissionSchedulerSettings(), hostsWorld)
            .AddDistrictEntity(world, map, hostsWorld, clock, combat is { } c ? (c.Table, c.Npcs) : null)
            .AddPlayerEntity(world, map, hostsWorld, combat?.Players, play)
            .AddCrewEntity(world, hostsWorld)
            .AddTeamEntity(world, hostsWorld)
            .AddOrgEntity(world, hostsWorld)
            .AddAccountEntity(accounts, hostsWorld)
            .AddInboxEntity(notifications ?? new NotificationSettings(), hostsWorld)
            .AddModerationLogEntity(world, hostsWorld);
        if (combat is not null) builder.AddCombatEncounterEntity(world, combat.Table, hostsWorld);
        if (play is not null && hostsWorld)
            builder.WithActors((system, registry) => system.ActorOf(
                LiveEventWatcher.PropsFor(registry.Get<MissionSchedulerKey>(), play.Windows, play.WindowsInterval), "live-event-watcher"));
        return builder;
    }
}

/// <summary>Combat as a node serves it: the rules table, the characters' numbers, and each district's NPCs (by district id).</summary>
public sealed record WorldCombat(CombatTable Table, PlayerFighting Players, IReadOnlyDictionary<string, IReadOnlyList<DistrictNpc>> Npcs)
{
    /// <summary>The table with default characters and no NPCs.</summary>
    public static WorldCombat Without(CombatTable table) => new(table, PlayerFighting.From(table), new Dictionary<string, IReadOnlyList<DistrictNpc>>());

    /// <summary>The tables a node loaded: characters' numbers and NPCs from world/npcs.json.</summary>
    public static WorldCombat From(CombatTable table, NpcTable npcs) => new(table, PlayerFighting.From(table, npcs.Player.Full()),
        npcs.Spawns.GroupBy(s => s.District.Value).ToDictionary(g => g.Key, g => (IReadOnlyList<DistrictNpc>)g.Select(DistrictNpc.Of).ToArray()));
}

using Akka.Hosting;
using Mxo.Actors.Districts;
using Mxo.Actors.Hosting;
using Mxo.Protocol.Players;
using Mxo.Protocol.World;

namespace Mxo.Actors.Players;

/// <summary>Registry key of the player shard region (or its proxy on nodes without the world role).</summary>
public sealed class PlayerRegion;

public static class PlayerRegistration
{
    public const string TypeName = "player";

    public static AkkaConfigurationBuilder AddPlayerEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, WorldMap map, bool hostsWorld,
        Combat.PlayerFighting? fighting = null, Missions.PlayerMissions? missions = null) =>
        builder.AddShardedEntity<PlayerRegion>(TypeName, new CommandExtractor<IPlayerCommand>(settings.MaxShards, c => c.PlayerId.Value), hostsWorld,
            registry => entityId => PlayerEntity.PropsFor(entityId, settings, map, registry.Get<DistrictRegion>(), fighting,
                registry.TryGet<Combat.CombatRegion>(out var combat) ? combat : null,
                registry.Get<PlayerRegion>(), registry.TryGet<Crews.CrewRegion>(out var crews) ? crews : null,
                registry.TryGet<Teams.TeamRegion>(out var teams) ? teams : null,
                registry.TryGet<Notifications.InboxRegion>(out var inboxes) ? inboxes : null,
                registry.TryGet<Orgs.OrgRegion>(out var orgs) ? orgs : null,
                missions, registry.TryGet<Missions.MissionSchedulerKey>(out var scheduler) ? scheduler : null));
}

using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.Players;
using Mxo.Protocol.Teams;

namespace Mxo.Actors.Teams;

/// <summary>Registry key of the team shard region (or its proxy on nodes without the world role).</summary>
public sealed class TeamRegion;

public static class TeamRegistration
{
    public const string TypeName = "team";

    public static AkkaConfigurationBuilder AddTeamEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, bool hostsWorld) =>
        builder.AddShardedEntity<TeamRegion>(TypeName, new CommandExtractor<ITeamCommand>(settings.MaxShards, c => c.TeamId.Value), hostsWorld,
            registry => entityId => TeamEntity.PropsFor(entityId, settings, registry.Get<PlayerRegion>()));
}

using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.Players;
using Mxo.Protocol.Moderation;

namespace Mxo.Actors.Moderation;

/// <summary>Registry key of the moderation log shard region (or its proxy on nodes without the world role).</summary>
public sealed class ModerationLogRegion;

public static class ModerationLogRegistration
{
    public const string TypeName = "moderation";

    public static AkkaConfigurationBuilder AddModerationLogEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, bool hostsWorld) =>
        builder.AddShardedEntity<ModerationLogRegion>(TypeName, new CommandExtractor<IModerationLogCommand>(settings.MaxShards, c => c.LogId), hostsWorld,
            registry => entityId => ModerationLogEntity.PropsFor(entityId, settings, registry.Get<PlayerRegion>(),
                registry.TryGet<Crews.CrewRegion>(out var crews) ? crews : null, registry.TryGet<Orgs.OrgRegion>(out var orgs) ? orgs : null));
}

using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.Players;
using Mxo.Protocol.Crews;

namespace Mxo.Actors.Crews;

/// <summary>Registry key of the crew shard region (or its proxy on nodes without the world role).</summary>
public sealed class CrewRegion;

public static class CrewRegistration
{
    public const string TypeName = "crew";

    public static AkkaConfigurationBuilder AddCrewEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, bool hostsWorld) =>
        builder.AddShardedEntity<CrewRegion>(TypeName, new CommandExtractor<ICrewCommand>(settings.MaxShards, c => c.CrewId.Value), hostsWorld,
            registry => entityId => CrewEntity.PropsFor(entityId, settings, registry.Get<PlayerRegion>(),
                registry.TryGet<Notifications.InboxRegion>(out var inboxes) ? inboxes : null));
}

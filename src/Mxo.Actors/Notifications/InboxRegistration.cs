using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Protocol.Notifications;

namespace Mxo.Actors.Notifications;

/// <summary>Registry key of the inbox shard region (or its proxy on nodes without the world role).</summary>
public sealed class InboxRegion;

public static class InboxRegistration
{
    public const string TypeName = "inbox";

    /// <summary>One inbox per character, keyed by its <see cref="Mxo.Protocol.PlayerId"/> as the player entity is.</summary>
    public static AkkaConfigurationBuilder AddInboxEntity(this AkkaConfigurationBuilder builder, NotificationSettings settings, bool hostsWorld) =>
        builder.AddShardedEntity<InboxRegion>(TypeName, new CommandExtractor<IInboxCommand>(settings.MaxShards, c => c.PlayerId.Value), hostsWorld,
            _ => entityId => InboxEntity.PropsFor(entityId, settings));
}

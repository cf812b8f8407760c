using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Protocol.Orgs;

namespace Mxo.Actors.Orgs;

/// <summary>Registry key of the organisation shard region (or its proxy on nodes without the world role).</summary>
public sealed class OrgRegion;

public static class OrgRegistration
{
    public const string TypeName = "org";

    /// <summary>
    /// The org region; its entities publish through the node's distributed pub-sub mediator, which the node starts and
    /// registers (<c>WithDistributedPubSub</c> in src/Mxo.Node/Hosting/MxoNode.cs).
    /// </summary>
    public static AkkaConfigurationBuilder AddOrgEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, bool hostsWorld) =>
        builder.AddShardedEntity<OrgRegion>(TypeName, new CommandExtractor<IOrgCommand>(settings.MaxShards, c => c.Org), hostsWorld,
            registry => entityId => OrgEntity.PropsFor(entityId, settings, registry.Get<DistributedPubSub>()));
}

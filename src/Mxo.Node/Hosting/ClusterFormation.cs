using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Discovery.Config.Hosting;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Akka.Management.Dsl;
using Newtonsoft.Json;

namespace Mxo.Node.Hosting;

/// <summary>
/// How a node becomes a member (docs/operations.md, "Forming a cluster"): the seed nodes of <c>Mxo:SeedNodes</c>; with
/// neither seeds nor discovery, joining itself; or Akka.Management Cluster Bootstrap with the discovery method of
/// <c>Mxo:Discovery</c>.
/// </summary>
/// <remarks>
/// Bootstrap needs every node to answer <c>GET /bootstrap/seed-nodes</c> on its management endpoint. Akka.Management
/// serves it on its own HTTP server (Akka.Http.Shim over Ceen.Httpd), but Akka.Http.Shim 1.5.73 is built against
/// Ceen.Httpd 0.9.9 and the registry serves only 0.9.10, whose <c>ListenAsync</c> changed: binding fails with a
/// MissingMethodException. So the node answers that route on a Kestrel listener of its own (README, "Decisions taken
/// here"), with Akka.Management's own contract types and serializer, and bootstrap itself (discovery, probing, the join
/// decision) stays Akka.Management's.
/// </remarks>
public static class ClusterFormation
{
    /// <summary>The route every contact point is probed on (Akka.Management's <c>ClusterBootstrapRequests</c>).</summary>
    public const string SeedNodesPath = "/bootstrap/seed-nodes";

    /// <summary>At most this many members are offered to a probing node; it joins through any of them.</summary>
    private const int MaxSeedNodesExposed = 5;

    /// <summary>The Akka.Discovery method name of <see cref="KubernetesPodDiscovery"/>.</summary>
    public const string KubernetesMethod = "mxo-kubernetes-pods";

    private static string? NullIfBlank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static AkkaConfigurationBuilder WithClusterFormation(this AkkaConfigurationBuilder akka, NodeOptions node)
    {
        var discovery = node.Discovery;
        if (!discovery.Enabled)
        {
            // Seeds are joined by WithClustering itself.
            if (node.SeedNodeList.Count == 0)
                akka.WithActors((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress));
            return akka;
        }

        // Never a self-join here: bootstrap decides. The contact point with the lowest address joins itself once
        // RequiredContactPoints answer and discovery has been stable; every other node joins the cluster it finds.
        akka.WithClusterBootstrap(bootstrap =>
        {
            bootstrap.ContactPointDiscovery.ServiceName = discovery.ServiceName;
            bootstrap.ContactPointDiscovery.RequiredContactPointsNr = discovery.RequiredContactPoints;
            bootstrap.ContactPointDiscovery.StableMargin = discovery.StableMargin;
            bootstrap.ContactPointDiscovery.Interval = discovery.Interval;
            bootstrap.ContactPoint.ProbeInterval = discovery.ProbeInterval;
            // Its default is Akka.Management's HTTP port setting, which this node does not use.
            bootstrap.ContactPoint.FallbackPort = discovery.ManagementPort;
            if (discovery.Method == DiscoveryOptions.Kubernetes)
                bootstrap.ContactPointDiscovery.PortName = discovery.PortName; // the pod's container port of that name
            else
                // Every listed endpoint carries its port. Without this, bootstrap keeps only the fallback (own) port of
                // several endpoints on one host, and nodes sharing a machine would never see each other.
                bootstrap.ContactPoint.FilterOnFallbackPort = false;
        }, autoStart: false); // autoStart would start Akka.Management's HTTP server (see the remarks above)

        if (discovery.Method == DiscoveryOptions.Kubernetes)
        {
            akka.AddSetup(new KubernetesPodDiscoverySetup(NullIfBlank(discovery.KubernetesApiUrl),
                NullIfBlank(discovery.KubernetesNamespace), discovery.KubernetesLabelSelector));
            akka.AddHocon($$"""
                akka.discovery.method = {{KubernetesMethod}}
                akka.discovery.{{KubernetesMethod}}.class = "{{typeof(KubernetesPodDiscovery).AssemblyQualifiedName}}"
                """, HoconAddMode.Prepend);
        }
        else
            akka.WithConfigDiscovery(config => config.Services.Add(new Service
            {
                Name = discovery.ServiceName,
                Endpoints = [.. discovery.EndpointList],
            }));

        var self = new Uri($"http://{discovery.ManagementHost(node.Hostname)}:{discovery.ManagementPort}/");
        akka.AddStartup(async (system, _) =>
        {
            var bootstrap = ClusterBootstrap.Get(system);
            // Tells bootstrap its own contact point (how it recognises itself among the discovered ones); the routes it
            // returns are Akka.Http.Shim's and are not bound: MapClusterBootstrap answers them.
            bootstrap.Routes(ManagementRouteProviderSettings.Create(self, true));
            await bootstrap.Start();
        });
        return akka;
    }

    /// <summary>The management listener's URL for Kestrel, or null without discovery.</summary>
    public static string? ManagementUrl(NodeOptions node)
    {
        var discovery = node.Discovery;
        if (!discovery.Enabled) return null;
        var bind = string.IsNullOrWhiteSpace(discovery.ManagementBindHostname)
            ? discovery.ManagementHost(node.Hostname)
            : discovery.ManagementBindHostname.Trim();
        return $"http://{bind}:{discovery.ManagementPort}";
    }

    /// <summary>
    /// On the management port only <c>GET /bootstrap/seed-nodes</c> answers (everything else is 404, before the edge's
    /// middleware), and it answers only there.
    /// </summary>
    public static WebApplication MapClusterBootstrap(this WebApplication app, NodeOptions node)
    {
        if (!node.Discovery.Enabled) return app;
        var port = node.Discovery.ManagementPort;
        app.Use(async (context, next) =>
        {
            var onManagementPort = context.Connection.LocalPort == port;
            var isSeedNodes = context.Request.Path.Equals(SeedNodesPath, StringComparison.Ordinal);
            if (!onManagementPort && !isSeedNodes)
            {
                await next(context);
                return;
            }
            if (!onManagementPort || !isSeedNodes || !HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            var system = context.RequestServices.GetRequiredService<ActorSystem>();
            context.Response.ContentType = "application/json";
            // Akka.Management's contract type and Newtonsoft, as its probing side reads them (HttpContactPointBootstrap).
            await context.Response.WriteAsync(JsonConvert.SerializeObject(SeedNodes(Cluster.Get(system))), context.RequestAborted);
        });
        return app;
    }

    /// <summary>
    /// This node's answer to a probe: itself, and the members a newcomer may join through (reachable, and Joining, Up or
    /// WeaklyUp). A node on its way out offers none, so nobody joins through it.
    /// </summary>
    private static HttpBootstrapJsonProtocol.SeedNodes SeedNodes(Cluster cluster)
    {
        var self = cluster.SelfMember;
        if (self.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed)
            return new HttpBootstrapJsonProtocol.SeedNodes(self.Address, []);
        var state = cluster.State;
        var members = state.Members
            .Where(m => (m.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.WeaklyUp) && !state.Unreachable.Contains(m))
            .Take(MaxSeedNodesExposed)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        return new HttpBootstrapJsonProtocol.SeedNodes(self.Address, members);
    }

    /// <summary>The start-up log's one-line account of how this node forms or finds its cluster.</summary>
    public static string Describe(NodeOptions node)
    {
        var discovery = node.Discovery;
        var management = $"management {ManagementUrl(node)}{SeedNodesPath}";
        return discovery.Method switch
        {
            DiscoveryOptions.Config => $"cluster bootstrap, config discovery of [{string.Join(", ", discovery.EndpointList)}], {management}",
            DiscoveryOptions.Kubernetes => $"cluster bootstrap, Kubernetes pods '{discovery.KubernetesLabelSelector}' " +
                                           $"(service {discovery.ServiceName}), {management}",
            _ when node.SeedNodeList.Count == 0 => "seeds [self]",
            _ => $"seeds [{string.Join(", ", node.SeedNodeList)}]",
        };
    }
}

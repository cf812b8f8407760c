using System.Net;
using System.Text.Json;
using Akka.Cluster;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Mxo.Node.Hosting;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>Cluster formation through Akka.Management Cluster Bootstrap (<c>Mxo:Discovery</c>), on loopback.</summary>
public sealed class ClusterBootstrapTests
{
    // The bootstrap's own pace (5 s stable margin, 5 s between probes) shortened so a formation takes seconds.
    private static readonly string[] Fast = ["--Mxo:Discovery:RequiredContactPoints=3", "--Mxo:Discovery:StableMargin=00:00:01",
        "--Mxo:Discovery:Interval=00:00:00.200", "--Mxo:Discovery:ProbeInterval=00:00:00.300"];

    private static int[] DistinctFreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count) ports.Add(FreePorts.Tcp());
        return [.. ports];
    }

    /// <summary>Starts every node at once (each start waits until its node is Up); stops those that started if one fails.</summary>
    private static async Task<TestNode[]> StartAllAsync(params string[][] argsPerNode)
    {
        var starts = argsPerNode.Select(args => TestNode.StartAsync(args)).ToArray();
        try
        {
            return await Task.WhenAll(starts);
        }
        catch
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully)) await start.Result.DisposeAsync();
            throw;
        }
    }

    private static string[] UpMembers(TestNode node) =>
        Cluster.Get(node.System).State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address.ToString()).Order().ToArray();

    /// <summary>
    /// One world node and two edge nodes, started together with the same discovery settings and no seeds, each on its
    /// management port; asserts they form one cluster, and that the management port serves the bootstrap probe only.
    /// </summary>
    private static async Task AssertThreeNodesFormOneClusterAsync(int[] management, string[] discovery)
    {
        using var data = new TempData();
        var nodes = await StartAllAsync(
            [.. data.SqliteArgs, "--roles", "world", .. discovery, "--management-port", management[0].ToString()],
            ["--dev", "--roles", "edge", .. discovery, "--management-port", management[1].ToString()],
            ["--dev", "--roles", "edge", .. discovery, "--management-port", management[2].ToString()]);
        try
        {
            var expected = nodes.Select(n => n.Address).Order().ToArray();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20 * TestClient.TimeFactor);
            foreach (var node in nodes)
            {
                string[] up;
                // Gossip spreads the last member's Up to every node within a few rounds: poll each node's own view.
                while (!(up = UpMembers(node)).SequenceEqual(expected))
                {
                    Assert.True(DateTime.UtcNow < deadline,
                        $"{node.Address} sees Up [{string.Join(", ", up)}], expected [{string.Join(", ", expected)}]");
                    await Task.Delay(100);
                }
            }
            // One cluster, not three that each joined themselves: every node names the same leader.
            Assert.Single(nodes.Select(n => Cluster.Get(n.System).State.Leader).Distinct());
            Assert.Equal(["edge", "edge", "world"],
                Cluster.Get(nodes[1].System).State.Members.SelectMany(m => m.Roles).Order().ToArray());

            // Each management endpoint listens on its own port and serves the bootstrap probe there, nothing else.
            using var http = new HttpClient();
            var probe = await http.GetStringAsync($"http://127.0.0.1:{management[2]}/bootstrap/seed-nodes");
            Assert.Contains($"\"Port\":{nodes[2].RemotingPort}", probe); // itself, as "SelfNode"
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{management[2]}/health/live")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(nodes[2].Http, "/bootstrap/seed-nodes"))).StatusCode);
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Three_nodes_with_the_same_config_discovery_and_no_seeds_form_one_cluster()
    {
        var management = DistinctFreePorts(3);
        await AssertThreeNodesFormOneClusterAsync(management, ["--discovery", "config",
            "--discovery-endpoints", string.Join(",", management.Select(p => $"127.0.0.1:{p}")), .. Fast]);
    }

    private static V1Pod Pod(string name, string phase, int? managementPort, bool deleting = false) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["app"] = "mxo" },
            DeletionTimestamp = deleting ? DateTime.UtcNow : null,
        },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "node",
                    Ports = managementPort is { } port
                        ? [new V1ContainerPort { ContainerPort = 4053, Name = "remoting" }, new V1ContainerPort { ContainerPort = port, Name = "management" }]
                        : [new V1ContainerPort { ContainerPort = 4053, Name = "remoting" }],
                },
            ],
        },
        Status = new V1PodStatus { Phase = phase, PodIP = "127.0.0.1" },
    };

    /// <summary>
    /// The three nodes' pods, and three that are no contact points: pending, being deleted, and without a management port.
    /// Were any of them taken, bootstrap would wait for it forever (every discovered contact point must answer).
    /// </summary>
    private static V1PodList PodList(int[] management) => new()
    {
        Items =
        [
            Pod("mxo-world-0", "Running", management[0]),
            Pod("mxo-edge-a", "Running", management[1]),
            Pod("mxo-edge-b", "Running", management[2]),
            Pod("mxo-edge-pending", "Pending", 1),
            Pod("mxo-edge-old", "Running", 1, deleting: true),
            Pod("other", "Running", null),
        ],
    };

    [Fact]
    public void Kubernetes_discovery_takes_running_pods_with_the_named_port_only()
    {
        // The official client's models, as the API server writes them.
        using var json = JsonDocument.Parse(KubernetesJson.Serialize(PodList([8001, 8002, 8003])));
        var targets = KubernetesPodDiscovery.Targets(json.RootElement, "management");
        Assert.Equal([8001, 8002, 8003], targets.Select(t => t.Port ?? 0));
        Assert.All(targets, t => Assert.Equal(IPAddress.Loopback, t.Address));
        Assert.Equal(4, KubernetesPodDiscovery.Targets(json.RootElement, null).Count); // no port name: every running pod not being deleted
    }

    [Fact]
    public async Task Three_nodes_with_kubernetes_discovery_form_one_cluster_through_a_stand_in_api_server()
    {
        var management = DistinctFreePorts(4);
        var asked = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{management[3]}");
        await using var api = builder.Build();
        // Kubernetes' pod list: GET /api/v1/namespaces/{namespace}/pods?labelSelector=...
        api.MapGet("/api/v1/namespaces/{ns}/pods", (string ns, string labelSelector) =>
        {
            asked.Enqueue($"{ns} {labelSelector}");
            return Results.Text(KubernetesJson.Serialize(PodList(management)), "application/json");
        });
        await api.StartAsync();

        await AssertThreeNodesFormOneClusterAsync(management, ["--discovery", "kubernetes",
            $"--Mxo:Discovery:KubernetesApiUrl=http://127.0.0.1:{management[3]}", "--Mxo:Discovery:KubernetesNamespace=games",
            "--Mxo:Discovery:ServiceName=mxo", .. Fast]);
        Assert.Equal(["games app=mxo"], asked.Distinct());
        await api.StopAsync();
    }

    [Theory]
    [InlineData("--discovery config", "Mxo:Discovery:Endpoints must list the management endpoints")]
    [InlineData("--discovery dns", "Mxo:Discovery:Method must be one of 'none', 'config', 'kubernetes', got 'dns'")]
    [InlineData("--discovery config --discovery-endpoints 127.0.0.1:8558 --seeds akka.tcp://mxo@127.0.0.1:4053",
        "Mxo:SeedNodes and Mxo:Discovery:Method 'config' are both set")]
    [InlineData("--discovery config --discovery-endpoints localhost:8558", "Mxo:Discovery:Endpoints must list this node's own management endpoint '127.0.0.1:8558'")]
    [InlineData("--discovery config --discovery-endpoints 127.0.0.1", "Mxo:Discovery:Endpoints must be host:port")]
    [InlineData("--discovery config --discovery-endpoints 127.0.0.1:8558,127.0.0.1:8559 --Mxo:Discovery:RequiredContactPoints=3",
        "Mxo:Discovery:RequiredContactPoints (3) must not exceed the 2 Endpoints")]
    [InlineData("--discovery kubernetes --Mxo:Discovery:KubernetesLabelSelector=app={x}", "Mxo:Discovery:KubernetesLabelSelector must be a label selector")]
    [InlineData("--discovery kubernetes --Mxo:Discovery:KubernetesApiUrl=127.0.0.1:8001", "Mxo:Discovery:KubernetesApiUrl must be empty (in a pod) or an absolute http or https URL")]
    [InlineData("--discovery kubernetes --management-port 4053", "Mxo:Discovery:ManagementPort (4053) must differ from the remoting port Mxo:Port")]
    [InlineData("--Mxo:Discovery:Endpoints=127.0.0.1:8558", "Mxo:Discovery:Endpoints is used only when Method is 'config'")]
    [InlineData("--discovery kubernetes --Mxo:Discovery:StableMargin=00:00:00", "Mxo:Discovery:StableMargin must be positive")]
    public void Bad_discovery_settings_are_refused_at_start_up(string args, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => MxoNode.Build(args.Split(' ')));
        Assert.Contains(expected, e.Message);
    }
}

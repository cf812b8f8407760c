using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mxo.Node.Hosting;
using Mxo.TestSupport;
using OpenTelemetry.Trace;

namespace Mxo.IntegrationTests;

/// <summary>A real node in this process: real Kestrel on a free loopback port, real remoting, real journal.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private TestNode(WebApplication app, int httpPort, int remotingPort)
    {
        _app = app;
        HttpPort = httpPort;
        RemotingPort = remotingPort;
    }

    /// <summary>A fixed 256-bit test key for nodes started without --dev (which generates a random one).</summary>
    public static readonly string SigningKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public int HttpPort { get; }
    public int RemotingPort { get; }
    public Uri Http => new($"http://127.0.0.1:{HttpPort}");
    public Uri Ws => new($"ws://127.0.0.1:{HttpPort}/ws");
    public string Address => $"akka.tcp://mxo@127.0.0.1:{RemotingPort}";
    public ActorSystem System => _app.Services.GetRequiredService<ActorSystem>();

    /// <summary>Starts a node and waits until it is an Up member of its cluster.</summary>
    public static Task<TestNode> StartAsync(params string[] args) => StartAsync(args, traceExporters: null);

    /// <param name="traceExporters">Turns tracing on with these exporters (docs/operations.md, "Tracing").</param>
    /// <param name="configuration">Settings that have no command-line form (the standard <c>OTEL_*</c> variables).</param>
    /// <param name="hocon">Akka settings over hocon/akka.conf's (a test that must not race the split-brain resolver).</param>
    public static async Task<TestNode> StartAsync(string[] args, Action<TracerProviderBuilder>? traceExporters,
        IReadOnlyDictionary<string, string?>? configuration = null, string? hocon = null)
    {
        var httpPort = FreePorts.Tcp();
        var remotingPort = FreePorts.Tcp();
        // Most tests register many accounts from 127.0.0.1; the registration limit's own tests pass a lower value after this.
        // The operator listener is off unless a test asks for it (its default port would be shared by every node).
        string[] all = ["--Mxo:Security:RegistrationsPerAddressPerHour=100000", "--Mxo:Operator:Url=", .. args, "--port", remotingPort.ToString(), "--edge-url", $"http://127.0.0.1:{httpPort}"];
        var app = MxoNode.Build(all,
            builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                if (configuration is not null) builder.Configuration.AddInMemoryCollection(configuration);
            },
            akka =>
            {
                akka.AddHocon(FallbackGuardSerializer.Hocon, HoconAddMode.Prepend);
                if (hocon is not null) akka.AddHocon(hocon, HoconAddMode.Prepend);
            }, traceExporters);
        await app.StartAsync();
        var node = new TestNode(app, httpPort, remotingPort);
        await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30));
        return node;
    }

    public async Task WaitUntilUpAsync(TimeSpan timeout)
    {
        var up = new TaskCompletionSource();
        var cluster = Cluster.Get(System);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (cluster.SelfMember.Status == MemberStatus.Up) up.TrySetResult();
        await up.Task.WaitAsync(timeout);
    }

    /// <summary>
    /// Until this node's region of <paramref name="type"/> knows a region on each of <paramref name="addresses"/>: a member
    /// gets shards only once the coordinator knows its region, which a child process registers a while after it is Up.
    /// </summary>
    public async Task AwaitRegionsAsync(string type, params string[] addresses)
    {
        var region = Akka.Cluster.Sharding.ClusterSharding.Get(System).ShardRegion(type);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30 * TestClient.TimeFactor);
        while (true)
        {
            var known = (await region.Ask<Akka.Cluster.Sharding.CurrentRegions>(Akka.Cluster.Sharding.GetCurrentRegions.Instance,
                TimeSpan.FromSeconds(5))).Regions.Select(a => a.ToString()).ToHashSet();
            if (addresses.All(known.Contains)) return;
            Xunit.Assert.True(DateTime.UtcNow < deadline, $"the {type} regions of {string.Join(", ", addresses.Except(known))} never registered");
            await Task.Delay(100); // polls the coordinator's view
        }
    }

    /// <summary>Graceful stop: sockets closed with 1001, cluster left, actor system terminated.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

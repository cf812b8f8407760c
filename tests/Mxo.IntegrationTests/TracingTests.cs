using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mxo.Node.Hosting;
using Mxo.Protocol;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Tracer providers listen to every ActivitySource in the process: these tests run on their own, so that no other
/// test's nodes make spans for them, and no other test sees theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "tracing";
}

/// <summary>OpenTelemetry tracing (docs/operations.md, "Tracing") on real nodes, real sockets and real remoting.</summary>
[Collection(TracingCollection.Name)]
public sealed class TracingTests
{
    /// <summary>Exported spans, readable while exporters still add to them.</summary>
    private sealed class Spans : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];

        public Activity[] Snapshot()
        {
            lock (_spans) return [.. _spans];
        }

        public void Add(Activity item)
        {
            lock (_spans) _spans.Add(item);
        }

        public void Clear()
        {
            lock (_spans) _spans.Clear();
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);
        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);
        public bool Remove(Activity item) => throw new NotSupportedException();
        public int Count => Snapshot().Length;
        public bool IsReadOnly => false;
        public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Polls until a span matches (spans end after the reply that tells the client, so a moment later).</summary>
        public async Task<Activity> AwaitAsync(Func<Activity, bool> match, string what)
        {
            var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
            while (true)
            {
                if (Snapshot().FirstOrDefault(match) is { } span) return span;
                Assert.True(DateTime.UtcNow < deadline,
                    $"no span {what}; exported: {string.Join(", ", Snapshot().Select(s => $"{s.DisplayName} [{s.GetTagItem(MxoTracing.NodeTag)}]"))}");
                await Task.Delay(20);
            }
        }
    }

    private static bool On(Activity span, TestNode node) => span.GetTagItem(MxoTracing.NodeTag) as string == node.Address;

    /// <summary>True when <paramref name="ancestor"/> is on the parent chain of <paramref name="span"/> among <paramref name="all"/>.</summary>
    private static bool Descends(Activity span, Activity ancestor, IReadOnlyCollection<Activity> all)
    {
        for (var current = span; current is not null;
             current = all.FirstOrDefault(a => a.TraceId == current.TraceId && a.SpanId == current.ParentSpanId))
            if (current.ParentSpanId == ancestor.SpanId && current.TraceId == ancestor.TraceId) return true;
        return false;
    }

    [Fact]
    public async Task A_durable_request_is_one_trace_from_the_edge_node_through_the_world_node_to_the_journal()
    {
        using var data = new TempData();
        var worldSpans = new Spans();
        var edgeSpans = new Spans();
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world", "--Mxo:Telemetry:SampleRatio=1"],
            tracing => tracing.AddInMemoryExporter(worldSpans));
        await using var edge = await TestNode.StartAsync(["--dev", "--roles", "edge", "--seeds", world.Address, "--Mxo:Telemetry:SampleRatio=1"],
            tracing => tracing.AddInMemoryExporter(edgeSpans));
        await TwoNodeClusterTests.AwaitMembers(edge, 2);

        // The client's own trace, on the upgrade request.
        var clientTrace = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();
        await using var client = await TestClient.ConnectAsync(edge.Ws,
            options => options.SetRequestHeader("traceparent", $"00-{clientTrace}-{clientSpan}-01"));
        await client.HelloAsync("neo" + Guid.NewGuid().ToString("N")[..6]);

        // Plain HTTP requests honour the caller's traceparent as well; probes are not traced.
        using var http = new HttpClient { BaseAddress = edge.Http };
        var (probeTrace, httpTrace, httpParent) = (ActivityTraceId.CreateRandom(), ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        using (var probe = new HttpRequestMessage(HttpMethod.Get, "/health/ready"))
        {
            probe.Headers.Add("traceparent", $"00-{probeTrace}-{httpParent}-01");
            Assert.True((await http.SendAsync(probe)).IsSuccessStatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/world/districts"))
        {
            request.Headers.Add("traceparent", $"00-{httpTrace}-{httpParent}-01");
            Assert.True((await http.SendAsync(request)).IsSuccessStatusCode);
        }
        Assert.Equal(httpParent, (await edgeSpans.AwaitAsync(s => s.TraceId == httpTrace, "for GET /world/districts")).ParentSpanId);
        Assert.DoesNotContain(edgeSpans.Snapshot(), s => s.TraceId == probeTrace);

        // The upgrade honours the client's traceparent and ends at the upgrade: exported while the socket is open.
        var upgrade = await edgeSpans.AwaitAsync(s => s.TraceId == clientTrace && s.Kind == ActivityKind.Server, "for the upgrade");
        Assert.Equal(clientSpan, upgrade.ParentSpanId);
        Assert.Equal(101, upgrade.GetTagItem("http.response.status_code"));
        Assert.Equal("GET /ws", upgrade.DisplayName);

        await client.EnterAsync("downtown");
        await client.MoveAsync(1505, 0, 3);
        var sayId = await client.SendAsync("say", """{"text":"Dodge this."}""");
        await client.ExpectTypeAsync("ack", sayId);

        // The edge node's span of the request: a trace of its own, linked to the upgrade.
        var say = await edgeSpans.AwaitAsync(s => s.DisplayName == "mxo.request say" && On(s, edge), "'mxo.request say' on the edge");
        Assert.Equal(default, say.ParentSpanId);
        Assert.NotEqual(clientTrace, say.TraceId);
        Assert.Equal(upgrade.Context.SpanId, Assert.Single(say.Links).Context.SpanId);
        Assert.Equal(sayId, say.GetTagItem("mxo.request.id"));

        // The world node's actors made their spans from the context in the message (the tag says which node made
        // them): the player's is a child of the edge's span, in the same trace.
        var player = await worldSpans.AwaitAsync(s => s.DisplayName == "player say" && s.TraceId == say.TraceId, "'player say'");
        Assert.True(On(player, world), $"'player say' was made on {player.GetTagItem(MxoTracing.NodeTag)}, not the world node {world.Address}");
        Assert.Equal(say.SpanId, player.ParentSpanId);
        var district = await worldSpans.AwaitAsync(s => s.DisplayName == "district say" && s.TraceId == say.TraceId, "'district say'");
        Assert.True(On(district, world));
        Assert.Equal(player.SpanId, district.ParentSpanId);
        var persist = await worldSpans.AwaitAsync(s => s.DisplayName == "persist ChatLineRecorded" && s.TraceId == say.TraceId,
            "'persist ChatLineRecorded'");
        Assert.True(On(persist, world));
        Assert.Equal(district.SpanId, persist.ParentSpanId);
        Assert.StartsWith("district-downtown", persist.GetTagItem(MxoTracing.EntityTag) as string);

        // Entering: edge → player → district → the journal writes of both, one trace.
        var enter = await edgeSpans.AwaitAsync(s => s.DisplayName == "mxo.request enter" && On(s, edge), "'mxo.request enter' on the edge");
        var playerEnter = await worldSpans.AwaitAsync(s => s.DisplayName == "player enter" && s.TraceId == enter.TraceId, "'player enter'");
        Assert.Equal(enter.SpanId, playerEnter.ParentSpanId);
        Assert.True(On(playerEnter, world));
        var entered = await worldSpans.AwaitAsync(s => s.DisplayName == "persist EnteredDistrict" && s.TraceId == enter.TraceId,
            "'persist EnteredDistrict'");
        var arrived = await worldSpans.AwaitAsync(s => s.DisplayName == "persist PlayerEntered" && s.TraceId == enter.TraceId,
            "'persist PlayerEntered'");
        var all = worldSpans.Snapshot();
        Assert.True(Descends(entered, enter, all), "the player's journal write is not under the edge's enter span");
        Assert.True(Descends(arrived, enter, all), "the district's journal write is not under the edge's enter span");

        // Moves are not traced, on either node.
        Assert.DoesNotContain(edgeSpans.Snapshot().Concat(all), s => s.DisplayName.Contains("move", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Spans_reach_the_configured_OTLP_endpoint()
    {
        // A bare HttpListener as the collector: not ASP.NET Core, so receiving spans makes no spans of its own.
        var port = Mxo.TestSupport.FreePorts.Tcp();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new TaskCompletionSource<(string Path, string? ContentType, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Every export is answered (the node flushes once more when it stops); the first one is looked at.
        _ = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.TrySetResult((context.Request.Url!.AbsolutePath, context.Request.ContentType, Encoding.UTF8.GetString(body.ToArray())));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        using var data = new TempData();
        await using var node = await TestNode.StartAsync(
            [.. data.SqliteArgs, "--dev", $"--Mxo:Telemetry:OtlpEndpoint=http://127.0.0.1:{port}/v1/traces", "--Mxo:Telemetry:SampleRatio=1"],
            traceExporters: null,
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf", ["OTEL_BSP_SCHEDULE_DELAY"] = "100" });
        using var http = new HttpClient { BaseAddress = node.Http };
        Assert.True((await http.GetAsync("/world/districts")).IsSuccessStatusCode);

        var (path, contentType, body) = await received.Task.WaitAsync(TestClient.DefaultTimeout);
        Assert.Equal("/v1/traces", path);
        Assert.Equal("application/x-protobuf", contentType);
        // Protobuf keeps strings as they are: the resource and the request's route are in the batch.
        Assert.Contains(NodeTracing.ServiceName, body);
        Assert.Contains(node.Address, body);
        Assert.Contains("/world/districts", body);
    }

    private static WebApplication Build(params string[] args) => Build(args, null, null);

    private static WebApplication Build(string[] args, Dictionary<string, string?>? configuration, Action<TracerProviderBuilder>? exporters) =>
        MxoNode.Build(["--dev", "--roles", "world,edge", "--Mxo:Operator:Url=", "--port", "0", .. args],
            builder =>
            {
                if (configuration is not null) builder.Configuration.AddInMemoryCollection(configuration);
            },
            traceExporters: exporters);

    [Fact]
    public async Task Without_an_endpoint_no_tracer_provider_is_built_and_either_endpoint_setting_turns_it_on()
    {
        await using (var off = Build())
            Assert.Null(off.Services.GetService<TracerProvider>());
        await using (var setting = Build("--Mxo:Telemetry:OtlpEndpoint=http://127.0.0.1:4317"))
            Assert.NotNull(setting.Services.GetService<TracerProvider>());
        await using (var variable = Build([], new() { [TelemetryOptions.OtlpEndpointVariable] = "http://127.0.0.1:4317" }, null))
            Assert.NotNull(variable.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    [InlineData("ten percent")]
    public void A_bad_sample_ratio_is_refused_at_start_up(string ratio)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Build($"--Mxo:Telemetry:SampleRatio={ratio}"));
        Assert.Contains("Mxo:Telemetry:SampleRatio", e.Message);
    }

    [Fact]
    public void A_bad_endpoint_is_refused_at_start_up()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Build("--Mxo:Telemetry:OtlpEndpoint=collector:4317"));
        Assert.Contains("Mxo:Telemetry:OtlpEndpoint", e.Message);
    }

    /// <summary>Whether the provider keeps a new trace, and a span whose remote parent was kept.</summary>
    private static (bool Root, bool Child) Sampling()
    {
        using var root = MxoTracing.Source.StartActivity("root");
        var keptParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var child = MxoTracing.Source.StartActivity("child", ActivityKind.Consumer, keptParent);
        return (root?.Recorded ?? false, child?.Recorded ?? false);
    }

    [Fact]
    public async Task The_sampler_is_parent_based_on_the_ratio_and_the_standard_variables_override_it()
    {
        var exported = new Spans();
        await using (var none = Build(["--Mxo:Telemetry:SampleRatio=0"], null, t => t.AddInMemoryExporter(exported)))
        {
            var provider = none.Services.GetRequiredService<TracerProvider>();
            // A new trace is dropped at ratio 0; a parent's decision to keep is honoured.
            Assert.Equal((false, true), Sampling());
            var resource = provider.GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
            Assert.Equal(NodeTracing.ServiceName, resource["service.name"]);
            Assert.Equal("akka.tcp://mxo@127.0.0.1:0", resource["service.instance.id"]);
            Assert.Equal("world,edge", resource["mxo.node.roles"]);
        }
        await using (var all = Build(["--Mxo:Telemetry:SampleRatio=1"], null, t => t.AddInMemoryExporter(exported)))
        {
            all.Services.GetRequiredService<TracerProvider>();
            Assert.Equal((true, true), Sampling());
        }
        var variables = new Dictionary<string, string?> { [TelemetryOptions.SamplerVariable] = "always_off", ["OTEL_SERVICE_NAME"] = "mxo-canary" };
        await using (var overridden = Build(["--Mxo:Telemetry:SampleRatio=1"], variables, t => t.AddInMemoryExporter(exported)))
        {
            var provider = overridden.Services.GetRequiredService<TracerProvider>();
            Assert.Equal((false, false), Sampling());
            Assert.Equal("mxo-canary", provider.GetResource().Attributes.Single(a => a.Key == "service.name").Value);
        }
        variables[TelemetryOptions.SamplerVariable] = "traceidratio";
        variables["OTEL_TRACES_SAMPLER_ARG"] = "1";
        await using (var ratio = Build(["--Mxo:Telemetry:SampleRatio=0"], variables, t => t.AddInMemoryExporter(exported)))
        {
            ratio.Services.GetRequiredService<TracerProvider>();
            Assert.Equal((true, true), Sampling());
        }
    }
}

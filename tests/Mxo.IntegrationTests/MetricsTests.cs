using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// prometheus-net's registry is one per process, and the other test classes run nodes in this process in parallel:
/// this collection runs alone (xunit runs it after the parallel ones), so a gauge here counts this node's world only.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection : ICollectionFixture<MetricsNode>
{
    public const string Name = "metrics";
}

/// <summary>
/// One --dev node with the operator listener that has served real traffic: a login that worked and one that did not, and
/// a player who entered Westview, moved and said something, still present.
/// </summary>
public sealed class MetricsNode : IAsyncLifetime
{
    public const string District = "westview";

    private readonly TempData _data = new();
    private TestClient? _client;

    public TestNode Node { get; private set; } = null!;
    public HttpClient Http { get; } = new();
    public Uri MetricsUrl { get; private set; } = null!;

    /// <summary>The exposition before the traffic.</summary>
    public string Before { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var operatorPort = FreePorts.Tcp();
        Node = await TestNode.StartAsync([.. _data.SqliteArgs, "--dev", $"--Mxo:Operator:Url=http://127.0.0.1:{operatorPort}",
            "--Mxo:Accounts:PasswordIterations=1000"]);
        MetricsUrl = new Uri($"http://127.0.0.1:{operatorPort}/metrics");
        Before = await Http.GetStringAsync(MetricsUrl);

        using (var auth = new AuthClient(Node.Http))
        {
            var user = AuthClient.UniqueName("metrics");
            await auth.RegisterAsync(user);
            (await auth.LoginAsync(user)).AssertStatus(HttpStatusCode.OK);
            (await auth.LoginAsync(user, "not the password at all")).AssertStatus(HttpStatusCode.Unauthorized);
        }

        _client = await TestClient.ConnectAsync(Node.Ws);
        await _client.HelloAsync("Tank" + Guid.NewGuid().ToString("N")[..6]);
        await _client.ExpectTypeAsync("pong", await _client.SendAsync("ping"));
        var entered = Frames.Data(await _client.EnterAsync(District));
        var (x, y, z) = Frames.Position(entered.GetProperty("position"));
        await _client.MoveAsync(x + 1, y, z);
        await _client.ExpectTypeAsync("ack", await _client.SendAsync("say", """{"text":"Operator, I need an exit."}"""));
    }

    public Task<string> ScrapeAsync() => Http.GetStringAsync(MetricsUrl);

    public async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        await Node.DisposeAsync();
        Http.Dispose();
        _data.Dispose();
    }
}

/// <summary><c>GET /metrics</c> of a node that served real traffic, checked by promtool, and the dashboard and scrape config over it.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(MetricsNode fixture)
{
    /// <summary>The value of one series in Prometheus' text format, or null when the exposition has no such series.</summary>
    private static double? Sample(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
                return double.Parse(line[(series.Length + 1)..].Split(' ')[0], CultureInfo.InvariantCulture);
        return null;
    }

    private static double Value(string exposition, string series) =>
        Sample(exposition, series) ?? throw new Xunit.Sdk.XunitException($"/metrics has no series {series}");

    [Fact]
    public async Task Metrics_move_with_real_traffic()
    {
        var before = fixture.Before;
        var after = await fixture.ScrapeAsync();

        // The edge.
        Assert.True(Value(after, "mxo_auth_login_attempts_total{result=\"success\"}") >= (Sample(before, "mxo_auth_login_attempts_total{result=\"success\"}") ?? 0) + 1);
        Assert.True(Value(after, "mxo_auth_login_attempts_total{result=\"invalid_credentials\"}") >= 1);
        Assert.True(Value(after, "mxo_auth_login_duration_seconds_count") >= Value(before, "mxo_auth_login_duration_seconds_count") + 2);
        Assert.True(Value(after, "mxo_edge_frames_received_total{type=\"ping\"}") >= 1);
        Assert.True(Value(after, "mxo_edge_frames_received_total{type=\"say\"}") >= 1);
        Assert.True(Value(after, "mxo_edge_frames_sent_total") > Value(before, "mxo_edge_frames_sent_total"));
        Assert.Equal(1, Value(after, "mxo_edge_sessions"));

        // The world: the player is present in one district, which ticks; both entities wrote to the journal.
        Assert.Equal(1, Value(after, $"mxo_district_players{{district=\"{MetricsNode.District}\"}}"));
        foreach (var entity in new[] { "player", "district" })
        {
            var series = $"mxo_persist_duration_seconds_count{{entity=\"{entity}\"}}";
            Assert.True(Value(after, series) > Value(before, series), series);
            Assert.Equal(0, Value(after, $"mxo_persist_failures_total{{entity=\"{entity}\",reason=\"failed\"}}"));
        }
        var ticks = $"mxo_district_tick_duration_seconds_count{{district=\"{MetricsNode.District}\"}}";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10 * TestClient.TimeFactor);
        while ((Sample(after, ticks) ?? 0) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{ticks} never reached 2");
            await Task.Delay(50); // ticks run on the district's 20 Hz timer; polled, not waited for
            after = await fixture.ScrapeAsync();
        }
        Assert.True(Value(after, $"mxo_district_tick_duration_seconds_bucket{{district=\"{MetricsNode.District}\",le=\"+Inf\"}}") >= 2);

        // Sharding, asked of this node's regions when scraped: at least the player and the district run here.
        foreach (var region in new[] { "player", "district" })
        {
            Assert.True(Value(after, $"mxo_sharding_shards{{region=\"{region}\"}}") >= 1, region);
            Assert.True(Value(after, $"mxo_sharding_entities{{region=\"{region}\"}}") >= 1, region);
        }

        // The cluster and the runtime.
        Assert.Equal(1, Value(after, "mxo_cluster_members{status=\"Up\"}"));
        Assert.Equal(0, Value(after, "mxo_cluster_unreachable_members"));
        Assert.True(Value(after, "dotnet_threadpool_threads") >= 1);
        Assert.True(Value(after, "dotnet_threadpool_completed_items_total") > 0);
        Assert.True(Value(after, "dotnet_gc_allocated_bytes_total") > 0);
        Assert.True(Value(after, "dotnet_gc_heap_size_bytes") >= 0);
        Assert.True(Value(after, "dotnet_gc_pause_seconds_total") >= 0);
        Assert.NotNull(Sample(after, "dotnet_collection_count_total{generation=\"0\"}"));
        Assert.True(Value(after, "process_cpu_seconds_total") > 0);

        // Like every operator path, /metrics is not on the players' port.
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Http.GetAsync(new Uri(fixture.Node.Http, "/metrics"))).StatusCode);
    }

    [Fact]
    public async Task The_exposition_passes_promtool_check_metrics()
    {
        var exposition = await fixture.ScrapeAsync();
        Assert.Contains("mxo_district_tick_duration_seconds_bucket", exposition); // the world's series are in what promtool reads
        var (exit, output) = await PromtoolAsync(exposition, "check", "metrics");
        Assert.True(exit == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {exit}\n{output}");
    }

    /// <summary>The Grafana dashboard's PromQL: every panel's expressions and every templating query.</summary>
    private static (List<string> Expressions, List<string> Templating) Dashboard()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepoFile("deploy/grafana/mxo.json")));
        var expressions = new List<string>();
        foreach (var panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
            if (panel.TryGetProperty("targets", out var targets))
                expressions.AddRange(targets.EnumerateArray().Select(t => t.GetProperty("expr").GetString()!));
        var templating = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(v => v.GetProperty("type").GetString() == "query")
            .Select(v => v.GetProperty("definition").GetString()!).ToList();
        return (expressions, templating);
    }

    /// <summary>
    /// The metric names a PromQL expression reads: what is left once strings, label matchers, ranges, grouping clauses,
    /// function calls and keywords are taken out.
    /// </summary>
    private static IEnumerable<string> MetricNames(string promql)
    {
        var bare = Regex.Replace(promql, @"""[^""]*""|\{[^}]*\}|\[[^\]]*\]", " ");
        bare = Regex.Replace(bare, @"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ");
        string[] keywords = ["and", "or", "unless", "bool", "offset", "inf", "nan"];
        return Regex.Matches(bare, @"(?<![a-zA-Z0-9_:.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:])(?!\s*\()")
            .Select(m => m.Value).Where(n => !keywords.Contains(n, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The series names with at least one sample, and the declared families with their type.</summary>
    private static (HashSet<string> Series, Dictionary<string, string> Families) Parse(string exposition)
    {
        var series = new HashSet<string>(StringComparer.Ordinal);
        var families = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                families[parts[2]] = parts[3];
            }
            else if (!line.StartsWith('#'))
            {
                series.Add(line[..line.IndexOfAny(['{', ' '])]);
            }
        }
        return (series, families);
    }

    /// <summary>The family a series name belongs to: a histogram's _bucket, _sum and _count belong to the histogram.</summary>
    private static string? FamilyOf(string name, Dictionary<string, string> families)
    {
        if (families.ContainsKey(name)) return name;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (name.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(name[..^suffix.Length], out var type) && type == "histogram")
                return name[..^suffix.Length];
        return null;
    }

    [Fact]
    public async Task Every_metric_the_dashboard_reads_is_exposed_by_a_real_node_and_every_mxo_metric_has_a_panel()
    {
        var (expressions, templating) = Dashboard();
        var used = expressions.SelectMany(MetricNames)
            .Concat(templating.Select(q => Regex.Match(q, @"^label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*)").Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("mxo_district_tick_duration_seconds_bucket", used); // the extraction found the names at all
        Assert.Contains("dotnet_threadpool_threads", used);

        var (series, families) = Parse(await fixture.ScrapeAsync());
        var missing = used.Where(n => !series.Contains(n) && FamilyOf(n, families) is null).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "the dashboard reads metrics the node does not expose: " + string.Join(", ", missing));

        var covered = used.Select(n => FamilyOf(n, families)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var withoutPanel = families.Keys.Where(f => f.StartsWith("mxo_", StringComparison.Ordinal) && !covered.Contains(f))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(withoutPanel.Count == 0, "mxo metrics without a panel in deploy/grafana/mxo.json: " + string.Join(", ", withoutPanel));
    }

    [Fact]
    public async Task The_dashboards_expressions_are_valid_promql()
    {
        // promtool parses PromQL when it checks rules: one recording rule per expression, Grafana's variables filled in.
        var (expressions, _) = Dashboard();
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (var i = 0; i < expressions.Count; i++)
        {
            var expr = expressions[i].Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$instance", ".*", StringComparison.Ordinal);
            rules.Append(CultureInfo.InvariantCulture, $"      - record: mxo_dashboard:expression_{i}\n        expr: {JsonSerializer.Serialize(expr)}\n");
        }
        var file = Path.Combine(Path.GetTempPath(), $"mxo-dashboard-rules-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules.ToString());
        try
        {
            var (exit, output) = await PromtoolAsync(null, "check", "rules", file);
            Assert.True(exit == 0, $"promtool check rules: exit {exit}\n{output}");
            Assert.Contains($"SUCCESS: {expressions.Count} rules found", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_scrape_config_passes_promtool_check_config()
    {
        var (exit, output) = await PromtoolAsync(null, "check", "config", RepoFile("deploy/prometheus/prometheus.yml"));
        Assert.True(exit == 0, $"promtool check config: exit {exit}\n{output}");
        Assert.Contains("SUCCESS", output);
        Assert.Contains("job_name: mxo", await File.ReadAllTextAsync(RepoFile("deploy/prometheus/prometheus.yml")));
    }

    /// <summary>
    /// Every family a node exposes is in the table of docs/operations.md "Metrics", and every metric the table names is
    /// exposed: the documentation cannot drift from the code.
    /// </summary>
    [Fact]
    public async Task Every_exposed_metric_is_documented_and_every_documented_metric_is_exposed()
    {
        var doc = await File.ReadAllTextAsync(RepoFile("docs/operations.md"));
        var start = doc.IndexOf("\n## Metrics", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/operations.md has no section '## Metrics'");
        var end = doc.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        var section = end < 0 ? doc[start..] : doc[start..end];
        var documented = Regex.Matches(section, @"^\| `([a-z_:][a-z0-9_:]*)[`{]", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("mxo_district_players", documented); // the table was found at all

        var (_, families) = Parse(await fixture.ScrapeAsync());
        var undocumented = families.Keys.Where(f => !documented.Contains(f)).Order(StringComparer.Ordinal).ToList();
        Assert.True(undocumented.Count == 0, "exposed but not in docs/operations.md \"Metrics\": " + string.Join(", ", undocumented));
        var notExposed = documented.Where(d => !families.ContainsKey(d)).Order(StringComparer.Ordinal).ToList();
        Assert.True(notExposed.Count == 0, "in docs/operations.md \"Metrics\" but not exposed: " + string.Join(", ", notExposed));
    }

    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException(relative);
    }

    /// <summary>
    /// Runs promtool (Debian's <c>prometheus</c> package; .ci/run installs it) with <paramref name="stdin"/> on its standard
    /// input; its exit code and everything it printed.
    /// </summary>
    internal static async Task<(int Exit, string Output)> PromtoolAsync(string? stdin, params string[] args)
    {
        var promtool = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "promtool")).FirstOrDefault(File.Exists);
        Assert.True(promtool is not null,
            "promtool is not installed: run .ci/run (it installs it), or as root: apt-get install -y --no-install-recommends prometheus");
        var info = new ProcessStartInfo(promtool!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30 * TestClient.TimeFactor));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

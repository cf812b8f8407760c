using Akka.Actor;
using System.Net;
using System.Text;
using Mxo.Node.Operator;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>The operator command host and the <c>pbm</c> client against real nodes on loopback.</summary>
public sealed class OperatorTests
{
    internal static async Task<(int Exit, string Output, string Error)> PbmAsync(int port, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await PbmClient.RunAsync([$"127.0.0.1:{port}", .. args], TextReader.Null, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A --dev node with the operator listener on a free port.</summary>
    private static async Task<(TestNode Node, int OperatorPort)> StartWithOperatorAsync(TempData data, params string[] extra)
    {
        var operatorPort = FreePorts.Tcp();
        var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev", $"--Mxo:Operator:Url=http://127.0.0.1:{operatorPort}", .. extra]);
        return (node, operatorPort);
    }

    [Fact]
    public async Task Cluster_show_lists_the_members_and_world_districts_answers()
    {
        using var data = new TempData();
        var (node, operatorPort) = await StartWithOperatorAsync(data);
        await using var running = node;

        var (exit, output, _) = await PbmAsync(operatorPort, "cluster", "show");
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(node.Address + " | [edge, world] | Up | Reachable | ", lines[0]);
        Assert.Equal("Count: 1 nodes", lines[1]);

        (exit, output, _) = await PbmAsync(operatorPort, "cluster", "show", "-r", "nothing");
        Assert.Equal((0, "Count: 0 nodes"), (exit, output.Trim()));
        (exit, output, _) = await PbmAsync(operatorPort, "cluster", "leader");
        Assert.Equal((0, node.Address), (exit, output.Trim()));

        (exit, output, _) = await PbmAsync(operatorPort, "world", "districts");
        Assert.Equal(0, exit);
        Assert.Contains("downtown | present: 0 | capacity: 100 |", output);

        (exit, output, _) = await PbmAsync(operatorPort, "actor", "hierarchy", "-d", "1");
        Assert.Equal(0, exit);
        var actors = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("/user", actors[0]);
        Assert.Contains("sessions", actors); // the edge's sessions parent, a child of /user
        Assert.Equal(2, (await PbmAsync(operatorPort, "actor", "hierarchy", "-d", "9")).Exit);

        (exit, output, _) = await PbmAsync(operatorPort, "--json", "actor", "system");
        Assert.Equal(0, exit);
        Assert.Contains("\"ok\":true", output);
    }

    [Fact]
    public async Task Bad_commands_are_refused_with_usage_and_change_nothing()
    {
        using var data = new TempData();
        var (node, operatorPort) = await StartWithOperatorAsync(data);
        await using var running = node;

        Assert.Equal(2, (await PbmAsync(operatorPort, "cluster", "dance")).Exit);
        Assert.Equal(2, (await PbmAsync(operatorPort, "cluster", "show", "-x")).Exit);
        Assert.Equal(2, (await PbmAsync(operatorPort, "cluster", "down")).Exit);
        var (exit, _, error) = await PbmAsync(operatorPort, "cluster", "down", "-a", "akka.tcp://mxo@127.0.0.1:1");
        Assert.Equal(1, exit);
        Assert.Contains("is not a member", error);
        Assert.Equal("Count: 1 nodes", (await PbmAsync(operatorPort, "cluster", "show")).Output.Split('\n', StringSplitOptions.TrimEntries)[1]);
        Assert.Equal(3, (await PbmAsync(FreePorts.Tcp(), "cluster", "show")).Exit);

        // The operator port serves only the commands, and the commands are served only there.
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{operatorPort}/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(node.Http, "/pbm/help"))).StatusCode);
    }

    [Fact]
    public async Task The_prompt_runs_commands_until_exit_and_recalls_them_from_its_history()
    {
        using var data = new TempData();
        var (node, operatorPort) = await StartWithOperatorAsync(data);
        await using var running = node;
        var output = new StringWriter();
        var error = new StringWriter();
        var input = new StringReader("cluster leader\n\nhistory\n!1\n!!\n!7\nactor system\nhistory\nexit\ncluster leave\n");
        var exit = await PbmClient.RunAsync([$"127.0.0.1:{operatorPort}"], input, output, error, CancellationToken.None);

        Assert.Equal(0, exit); // the last command run (actor system) succeeded; nothing after exit ran
        var prompt = $"[127.0.0.1:{operatorPort}] pbm> ";
        var printed = output.ToString().Split(prompt);
        Assert.Equal(10, printed.Length); // nine prompts: one per line read up to and including exit
        Assert.Equal(node.Address, printed[1].Trim());
        Assert.Equal("1  cluster leader", printed[3].Trim());
        Assert.Equal($"cluster leader\n{node.Address}", printed[4].Trim().ReplaceLineEndings("\n"));
        Assert.Equal($"cluster leader\n{node.Address}", printed[5].Trim().ReplaceLineEndings("\n"));
        Assert.Contains("!7: no such command", error.ToString());
        Assert.Equal(["1  cluster leader", "2  cluster leader", "3  cluster leader", "4  actor system"],
            printed[8].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("| Up |", (await PbmAsync(operatorPort, "cluster", "show")).Output); // "cluster leave" after exit never ran
    }

    [Fact]
    public async Task With_a_key_a_request_without_it_gets_401_and_runs_nothing()
    {
        using var data = new TempData();
        var operatorPort = FreePorts.Tcp();
        var key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev",
            $"--Mxo:Operator:Url=http://127.0.0.1:{operatorPort}", "--Mxo:Operator:Key=" + key]);
        using var http = new HttpClient();
        var body = new StringContent("""{"palette":"cluster","command":"leave"}""", Encoding.UTF8, "application/json");
        var refused = await http.PostAsync($"http://127.0.0.1:{operatorPort}/pbm", body);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var shown = await http.PostAsync($"http://127.0.0.1:{operatorPort}/pbm",
            new StringContent("""{"palette":"cluster","command":"show"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("| Up |", await shown.Content.ReadAsStringAsync()); // the refused "leave" did nothing
    }

    [Fact]
    public void A_non_loopback_operator_address_without_a_key_is_refused_at_start_up()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Mxo.Node.Hosting.MxoNode.Build(["--Mxo:Operator:Url=http://0.0.0.0:9110"]));
        Assert.Contains("Mxo:Operator:Key", e.Message);
    }

    [Fact]
    public async Task Cluster_show_sees_every_node_and_leave_removes_the_one_named()
    {
        using var data = new TempData();
        var operatorPort = FreePorts.Tcp();
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world", $"--Mxo:Operator:Url=http://127.0.0.1:{operatorPort}"]);
        await using var edge = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);

        var lines = await PbmUntilAsync(operatorPort, 20, l => l.Contains("Count: 2 nodes") && l.Count(x => x.Contains("| Up |")) == 2,
            "the edge node never showed as Up", "cluster", "show");
        Assert.Contains(lines, l => l.StartsWith(edge.Address + " | [edge] | Up | Reachable", StringComparison.Ordinal));

        var (leaveExit, leaveOutput, _) = await PbmAsync(operatorPort, "cluster", "leave", "-a", edge.Address);
        Assert.Equal((0, $"{edge.Address} is leaving"), (leaveExit, leaveOutput.Trim()));
        lines = await PbmUntilAsync(operatorPort, 20, l => l.Contains("Count: 1 nodes"), "the edge node never left", "cluster", "show");
        Assert.StartsWith(world.Address + " | [world] | Up", lines[0]);
    }

    /// <summary>Polls <c>pbm</c> on <paramref name="port"/> until its output's lines satisfy <paramref name="done"/>.</summary>
    internal static Task<string[]> PbmUntilAsync(int port, Func<string[], bool> done, string what, params string[] args) =>
        PbmUntilAsync(port, 30, done, what, args);

    /// <summary>As above, giving up after <paramref name="seconds"/> (scaled by the time factor).</summary>
    internal static async Task<string[]> PbmUntilAsync(int port, int seconds, Func<string[], bool> done, string what, params string[] args)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds * TestClient.TimeFactor);
        while (true)
        {
            var (_, output, error) = await PbmAsync(port, args);
            var lines = (output + error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (done(lines)) return lines;
            Assert.True(DateTime.UtcNow < deadline, $"{what}; last answer: {string.Join(" / ", lines)}");
            await Task.Delay(200); // polls the cluster's view, which gossip and the failure detector update
        }
    }

    private static readonly string[] Districts = ["downtown", "richland", "westview", "international"];

    [Fact]
    public async Task After_kill_9_down_unreachable_downs_exactly_that_node_and_its_shards_move()
    {
        await using var postgres = await PostgresServer.StartAsync();
        string[] journal = ["--persistence", "postgresql", "--connection-string", await postgres.CreateDatabaseAsync("mxo_operator_down")];
        // The shipped split-brain resolver would down the dead node by itself 3 s after it became unreachable and race the
        // operator; here the survivors wait a minute, so the operator's command is what downs it. Its shards move once the
        // removal margin (1 s, as shipped) has passed.
        const string patientResolver = "akka.cluster.split-brain-resolver.stable-after = 60s";
        var operatorPort = FreePorts.Tcp();
        await using var first = await TestNode.StartAsync(
            [.. journal, "--dev", "--roles", "world,edge", $"--Mxo:Operator:Url=http://127.0.0.1:{operatorPort}"], null, hocon: patientResolver);
        await using var third = await TestNode.StartAsync([.. journal, "--roles", "world", "--seeds", first.Address], null, hocon: patientResolver);
        using var workDir = new TempData();
        await using var doomed = NodeProcess.Start(workDir.Directory, FreePorts.Tcp(), FreePorts.Tcp(),
            [.. journal, "--roles", "world", "--seeds", first.Address]);
        await doomed.WaitReadyAsync();
        await PbmUntilAsync(operatorPort, l => l.Contains("Count: 3 nodes") && l.Count(x => x.Contains("| Up | Reachable")) == 3,
            "three Up members", "cluster", "show");
        await first.AwaitRegionsAsync("player", doomed.Address);

        // Players until one lives on the node about to die (least-shard allocation spreads new shards over the three).
        var clients = new List<TestClient>();
        string? victim = null;
        var seen = new List<string>();
        try
        {
            for (var i = 0; i < 12 && (victim is null || i < Districts.Length); i++)
            {
                var client = await TestClient.ConnectAsync(first.Ws);
                clients.Add(client);
                var name = $"Kill{i}x" + Guid.NewGuid().ToString("N")[..6];
                await client.HelloAsync(name);
                await client.EnterAsync(Districts[i % Districts.Length]);
                var (exit, output, _) = await PbmAsync(operatorPort, "cluster-sharding", "locate", "-r", "player", "-i", name.ToLowerInvariant());
                Assert.Equal(0, exit);
                seen.Add(output.Trim());
                if (victim is null && output.Trim().EndsWith("| " + doomed.Address, StringComparison.Ordinal)) victim = name.ToLowerInvariant();
            }
            Assert.True(victim is not null, $"no player landed on {doomed.Address}: {string.Join(" / ", seen)}");
            await PbmUntilAsync(operatorPort, l => l.Contains("Count: 4 entities"), "the four districts never ran",
                "cluster-sharding", "region-stats", "-r", "district");

            await doomed.KillAsync();
            await PbmUntilAsync(operatorPort, l => l.Any(x => x.StartsWith(doomed.Address + " | [world] | Up | Unreachable", StringComparison.Ordinal)),
                "the killed node never showed as unreachable", "cluster", "show");
            var (downExit, downOutput, _) = await PbmAsync(operatorPort, "cluster", "down-unreachable");
            Assert.Equal((0, $"{doomed.Address} downed\nCount: 1 downed"), (downExit, downOutput.Trim().ReplaceLineEndings("\n")));

            var members = await PbmUntilAsync(operatorPort, l => l.Contains("Count: 2 nodes"), "the downed node was never removed", "cluster", "show");
            Assert.DoesNotContain(members, l => l.Contains(doomed.Address));
            // Remembered districts restart on the survivors; no region line names the dead node.
            var districts = await PbmUntilAsync(operatorPort, l => l.Contains("Count: 4 entities"), "the districts never came back",
                "cluster-sharding", "region-stats", "-r", "district");
            Assert.DoesNotContain(districts, l => l.Contains(doomed.Address));
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }

        // The player that lived there comes back on a survivor when it is next asked for.
        await using var again = await TestClient.ConnectAsync(first.Ws);
        await again.HelloAsync(victim!);
        var located = await PbmUntilAsync(operatorPort, l => l.Length == 1 && !l[0].Contains(doomed.Address) && l[0].Contains(" | akka.tcp://"),
            "the player never restarted on a survivor", "cluster-sharding", "locate", "-r", "player", "-i", victim!);
        Assert.True(located[0].EndsWith(first.Address, StringComparison.Ordinal) || located[0].EndsWith(third.Address, StringComparison.Ordinal), located[0]);
    }

    /// <summary>Akka's hash extractor with the node's shard count: the shard an id lands in.</summary>
    private sealed class SameShards(int maxShards) : Akka.Cluster.Sharding.HashCodeMessageExtractor(maxShards)
    {
        public override string? EntityId(object message) => null;
    }

    [Fact]
    public async Task Sharding_and_world_commands_see_the_entities_that_serve_a_real_player()
    {
        using var data = new TempData();
        var (node, operatorPort) = await StartWithOperatorAsync(data);
        await using var running = node;
        await using var client = await TestClient.ConnectAsync(node.Ws);
        var name = "Switch" + Guid.NewGuid().ToString("N")[..6];
        await client.HelloAsync(name);
        await client.EnterAsync("downtown");
        var playerId = name.ToLowerInvariant();

        var (exit, output, error) = await PbmAsync(operatorPort, "cluster-sharding", "regions");
        Assert.Equal(0, exit);
        Assert.Equal(["account", "charactername", "combat", "crew", "district", "inbox", "moderation", "org", "player", "team"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        (exit, output, _) = await PbmAsync(operatorPort, "cluster-sharding", "region-stats", "-r", "player");
        Assert.Equal(0, exit);
        Assert.StartsWith($"{node.Address} | shards: 1 | entities: 1 | coordinator", output.Trim());
        (exit, output, _) = await PbmAsync(operatorPort, "cluster-sharding", "locate", "-r", "player", "-i", playerId);
        Assert.Equal(0, exit);
        Assert.EndsWith($"| {node.Address}", output.Trim());
        (exit, _, _) = await PbmAsync(operatorPort, "cluster-sharding", "locate", "-r", "player", "-i", "nobody-at-all");
        Assert.Equal(1, exit);
        // An id in the same shard as the running player is not running for all that.
        var shards = new SameShards(new Mxo.Actors.WorldSettings().MaxShards);
        var neighbour = Enumerable.Range(0, 100_000).Select(i => $"ghost{i}").First(id => shards.ShardId(id, null) == shards.ShardId(playerId, null));
        (exit, output, error) = await PbmAsync(operatorPort, "cluster-sharding", "locate", "-r", "player", "-i", neighbour);
        Assert.Equal((1, $"player '{neighbour}' (shard {shards.ShardId(playerId, null)}) is not running"), (exit, error.Trim()));
        Assert.Equal(1, (await PbmAsync(operatorPort, "cluster-sharding", "region-stats", "-r", "dragons")).Exit);
        Assert.Equal(2, (await PbmAsync(operatorPort, "cluster-sharding", "region-stats")).Exit);

        (exit, output, _) = await PbmAsync(operatorPort, "world", "players", "-d", "downtown", "-v");
        Assert.Equal((0, $"downtown | present: 1 | {name}"), (exit, output.Split('\n', StringSplitOptions.TrimEntries)[0]));
        (exit, output, _) = await PbmAsync(operatorPort, "cluster", "singletons");
        Assert.Equal(0, exit);
        Assert.Equal([$"mission-scheduler | {node.Address}", $"world-clock | {node.Address}"], output.Trim().Split('\n', StringSplitOptions.TrimEntries));
        // The daily reset: set by the node at start, through the proxy (src/Mxo.Actors/Missions/ScheduleSetter.cs).
        var timers = await PbmUntilAsync(operatorPort, l => l.Length == 2, "the daily reset was never set", "world", "timers");
        Assert.StartsWith("pending: 0/200000 | next due: 20", timers[0]);
        Assert.Equal("schedule daily-reset | cron '0 4 * * *' UTC | last fired never | world daily-reset", timers[1]);
        Assert.Equal(2, (await PbmAsync(operatorPort, "world", "timers", "-n", "101")).Exit);
    }

    [Fact]
    public async Task World_kick_closes_the_players_socket_with_4003_and_the_reason()
    {
        using var data = new TempData();
        var (node, operatorPort) = await StartWithOperatorAsync(data);
        await using var running = node;
        await using var client = await TestClient.ConnectAsync(node.Ws);
        var name = "Cypher" + Guid.NewGuid().ToString("N")[..6];
        await client.HelloAsync(name);
        await client.EnterAsync("downtown");

        var (exit, output, _) = await PbmAsync(operatorPort, "world", "kick", "-p", name, "-m", "selling out");
        Assert.Equal((0, $"{name.ToLowerInvariant()} kicked: selling out"), (exit, output.Trim()));
        Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus)4003, await client.ExpectCloseAsync());

        Assert.Equal(1, (await PbmAsync(operatorPort, "world", "kick", "-p", "Nobody" + Guid.NewGuid().ToString("N")[..6])).Exit);
        Assert.Equal(2, (await PbmAsync(operatorPort, "world", "kick")).Exit);
    }

    /// <summary>The system chat lines <paramref name="client"/> hears until (and with) the one <paramref name="until"/>.</summary>
    private static async Task<List<string>> SystemLinesAsync(TestClient client, string until)
    {
        var lines = new List<string>();
        await client.ExpectAsync(f =>
        {
            if (Frames.Type(f) != "chat" || Frames.Data(f).GetProperty("channel").GetString() != "system") return false;
            lines.Add(Frames.Data(f).GetProperty("text").GetString()!);
            return lines[^1] == until;
        }, what: $"the system line '{until}'");
        return lines;
    }

    [Fact]
    public async Task Live_events_are_started_and_stopped_by_operators_and_everyone_hears_the_beginning_and_the_end_once()
    {
        using var data = new TempData();
        var (node, operatorPort) = await StartWithOperatorAsync(data);
        await using var running = node;
        await using var client = await TestClient.ConnectAsync(node.Ws);
        await client.HelloAsync("Niobe" + Guid.NewGuid().ToString("N")[..6]);

        var (exit, output, error) = await PbmAsync(operatorPort, "world", "events");
        Assert.Equal((0, "blue-moon | Blue Moon | closed | - | -\nCount: 1 events"), (exit, output.Trim().ReplaceLineEndings("\n")));
        // Bad input: a clear message, and nothing set.
        (exit, _, error) = await PbmAsync(operatorPort, "world", "event-start", "-e", "red-moon");
        Assert.Equal((1, "unknown event 'red-moon'; the events of the mission table are: blue-moon"), (exit, error.Trim()));
        Assert.Equal(2, (await PbmAsync(operatorPort, "world", "event-start")).Exit);
        Assert.Equal(2, (await PbmAsync(operatorPort, "world", "event-start", "-e", "blue-moon", "-m", "0")).Exit);
        Assert.Equal(2, (await PbmAsync(operatorPort, "world", "event-start", "-e", "blue-moon", "-s", "-5")).Exit);
        (exit, _, error) = await PbmAsync(operatorPort, "world", "event-stop", "-e", "blue-moon");
        Assert.Equal((1, "blue-moon is neither open nor scheduled"), (exit, error.Trim()));
        Assert.DoesNotContain(await PbmUntilAsync(operatorPort, l => l.Length == 2, "the daily reset was never set", "world", "timers"),
            l => l.Contains("event:"));

        (exit, output, _) = await PbmAsync(operatorPort, "world", "event-start", "-e", "blue-moon", "-m", "30");
        Assert.Equal(0, exit);
        Assert.Matches(@"^blue-moon \| Blue Moon \| open \| \S+Z \| \S+Z$", output.Trim());
        Assert.Equal(["Live event Blue Moon has begun"], await SystemLinesAsync(client, "Live event Blue Moon has begun"));
        (exit, output, _) = await PbmAsync(operatorPort, "world", "events");
        Assert.StartsWith("blue-moon | Blue Moon | open | ", output.Trim());
        (exit, _, error) = await PbmAsync(operatorPort, "world", "event-start", "-e", "blue-moon");
        Assert.Equal(1, exit);
        Assert.StartsWith("blue-moon is open until ", error.Trim());

        (exit, output, _) = await PbmAsync(operatorPort, "world", "event-stop", "-e", "blue-moon");
        Assert.Equal(0, exit);
        Assert.StartsWith("blue-moon | Blue Moon | closed | ", output.Trim());
        // Its end, and not its beginning again: the window was closed, not replaced.
        Assert.Equal(["Live event Blue Moon has ended"], await SystemLinesAsync(client, "Live event Blue Moon has ended"));
        await PbmUntilAsync(operatorPort, l => l.Contains("blue-moon | Blue Moon | closed | - | -"), "the closed window stayed", "world", "events");

        // Scheduled for later, then called off before it began: nothing to announce.
        (exit, output, _) = await PbmAsync(operatorPort, "world", "event-start", "-e", "blue-moon", "-s", "3600");
        Assert.Equal(0, exit);
        Assert.StartsWith("blue-moon | Blue Moon | scheduled | ", output.Trim());
        (_, output, _) = await PbmAsync(operatorPort, "world", "events");
        Assert.StartsWith("blue-moon | Blue Moon | scheduled | ", output.Trim());
        (exit, output, _) = await PbmAsync(operatorPort, "world", "event-stop", "-e", "blue-moon");
        Assert.Equal((0, "blue-moon | Blue Moon | cancelled before it began"), (exit, output.Trim()));
        (_, output, _) = await PbmAsync(operatorPort, "world", "events");
        Assert.StartsWith("blue-moon | Blue Moon | closed | - | -", output.Trim());
        // An announcement of ours is the explicit signal that everything the scheduler published before it has arrived.
        await PbmAsync(operatorPort, "world", "announce", "-m", "that is all");
        Assert.Equal(["that is all"], await SystemLinesAsync(client, "that is all"));
    }

    [Fact]
    public async Task World_announce_reaches_everyone_online_as_chat_from_system()
    {
        using var data = new TempData();
        var (node, operatorPort) = await StartWithOperatorAsync(data);
        await using var running = node;
        await using var downtown = await TestClient.ConnectAsync(node.Ws);
        await downtown.HelloAsync("Apoc" + Guid.NewGuid().ToString("N")[..6]);
        await downtown.EnterAsync("downtown");
        await using var richland = await TestClient.ConnectAsync(node.Ws);
        await richland.HelloAsync("Mouse" + Guid.NewGuid().ToString("N")[..6]);
        await richland.EnterAsync("richland");
        // Online but in no district: announcements reach every session of every edge node, not a district's.
        await using var loading = await TestClient.ConnectAsync(node.Ws);
        await loading.HelloAsync("Link" + Guid.NewGuid().ToString("N")[..6]);

        var (exit, output, _) = await PbmAsync(operatorPort, "world", "announce", "-m", "the Construct restarts at noon");
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"{node.Address} | heard by: 3", "Count: 3 players"], lines);
        foreach (var client in new[] { downtown, richland, loading })
        {
            var chat = Frames.Data(await client.ExpectTypeAsync("chat"));
            Assert.Equal(("system", "system", "System", "the Construct restarts at noon"),
                (chat.GetProperty("channel").GetString(), chat.GetProperty("from").GetString(), chat.GetProperty("name").GetString(),
                    chat.GetProperty("text").GetString()));
        }
        Assert.Equal(2, (await PbmAsync(operatorPort, "world", "announce", "-m", "\u202eevil")).Exit);

        // Nobody may speak as the system.
        await using var impostor = await TestClient.ConnectAsync(node.Ws);
        var hello = await impostor.SendAsync("hello", """{"name":"System"}""");
        Assert.Equal("invalid_field", Frames.Data(await impostor.ExpectTypeAsync("error", hello)).GetProperty("code").GetString());
    }
}

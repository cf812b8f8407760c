using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Mxo.TestSupport;
using Npgsql;
using Xunit;
using Xunit.Abstractions;
using static Mxo.IntegrationTests.OperatorTests;

namespace Mxo.IntegrationTests;

/// <summary>
/// A world node killed with SIGKILL under connected players, with the shipped failure detector and split-brain resolver
/// (hocon/akka.conf): two world nodes and an edge node on loopback, PostgreSQL as the journal. The players whose character
/// or district lived on the dead node keep their sockets, get "resynced", and their durable requests work again; no
/// acknowledged chat line is lost or written twice.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_kill_9_of_a_world_node_every_player_is_back_on_the_same_socket_and_nothing_acknowledged_is_lost()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync("mxo_failover");
        string[] journal = ["--persistence", "postgresql", "--connection-string", connectionString];
        var operatorPort = FreePorts.Tcp();
        // The operator commands on the world node that survives (an edge-only node has proxies, no sharded types to ask).
        await using var world = await TestNode.StartAsync([.. journal, "--roles", "world", $"--Mxo:Operator:Url=http://127.0.0.1:{operatorPort}"]);
        await using var edge = await TestNode.StartAsync(["--dev", "--roles", "edge", "--seeds", world.Address]);
        using var workDir = new TempData();
        await using var doomed = NodeProcess.Start(workDir.Directory, FreePorts.Tcp(), FreePorts.Tcp(),
            [.. journal, "--roles", "world", "--seeds", world.Address]);
        await doomed.WaitReadyAsync();
        await PbmUntilAsync(operatorPort, l => l.Count(x => x.Contains("| Up | Reachable")) == 3, "three Up members", "cluster", "show");
        // New shards go to the region with the fewest once the coordinator knows the child's region.
        await world.AwaitRegionsAsync("player", doomed.Address);

        var clients = new List<(TestClient Client, string Name)>();
        try
        {
            // Players until a few live on the node about to die (least-shard allocation spreads shards over both).
            var victims = 0;
            var seen = new List<string>();
            for (var i = 0; i < 24 && (victims < 3 || i < 8); i++)
            {
                var name = $"Fo{i}x" + Guid.NewGuid().ToString("N")[..6];
                var client = await TestClient.ConnectAsync(edge.Ws);
                clients.Add((client, name));
                await client.HelloAsync(name);
                await client.EnterAsync("downtown");
                var (_, located, locateError) = await PbmAsync(operatorPort, "cluster-sharding", "locate", "-r", "player", "-i", name.ToLowerInvariant());
                seen.Add(located.Trim() + locateError.Trim());
                if (located.Trim().EndsWith("| " + doomed.Address, StringComparison.Ordinal)) victims++;
            }
            Assert.True(victims > 0, $"no player landed on {doomed.Address}: {string.Join(" / ", seen)}");
            foreach (var (client, name) in clients)
                await client.ExpectTypeAsync("ack", await client.SendAsync("say", $$"""{"text":"before {{name}}"}"""));

            await doomed.KillAsync();
            var killed = Stopwatch.StartNew();
            var back = await Task.WhenAll(clients.Select(c => SayUntilAcknowledgedAsync(c.Client, c.Name, killed)));

            var resynced = back.Count(b => b.Resynced);
            var slowest = back.Max(b => b.At);
            output.WriteLine($"{clients.Count} players, {victims} of them on the killed node; {resynced} got resynced; " +
                $"every player's say acknowledged again {slowest.TotalSeconds:0.0} s after the kill " +
                $"(median {back.Select(b => b.At).Order().ElementAt(back.Length / 2).TotalSeconds:0.0} s)");
            output.WriteLine(string.Join(", ", back.Select(b => $"{b.At.TotalSeconds:0.0} s{(b.Resynced ? " (resynced)" : "")}")));
            Assert.True(resynced >= victims, $"{resynced} players got resynced, but {victims} lived on the killed node");
        }
        finally
        {
            foreach (var (client, _) in clients) await client.DisposeAsync();
        }

        // Every acknowledged line is in the journal exactly once: two per player, however often the second was retried.
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM journal WHERE manifest = 'de.chat'", db);
        Assert.Equal(2L * clients.Count, (long)(await query.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_third_world_node_takes_shards_under_connected_players_and_no_district_or_presence_is_lost()
    {
        await using var postgres = await PostgresServer.StartAsync();
        string[] journal = ["--persistence", "postgresql", "--connection-string", await postgres.CreateDatabaseAsync("mxo_rebalance")];
        var operatorPort = FreePorts.Tcp();
        await using var first = await TestNode.StartAsync([.. journal, "--roles", "world", $"--Mxo:Operator:Url=http://127.0.0.1:{operatorPort}"]);
        await using var edge = await TestNode.StartAsync(["--dev", "--roles", "edge", "--seeds", first.Address]);
        await using var second = await TestNode.StartAsync([.. journal, "--roles", "world", "--seeds", first.Address]);
        await PbmUntilAsync(operatorPort, l => l.Count(x => x.Contains("| Up | Reachable")) == 3, "three Up members", "cluster", "show");

        string[] districts = ["downtown", "richland", "westview", "international"];
        var clients = new List<(TestClient Client, string Name)>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var name = $"Rb{i}x" + Guid.NewGuid().ToString("N")[..6];
                var client = await TestClient.ConnectAsync(edge.Ws);
                clients.Add((client, name));
                await client.HelloAsync(name);
                await client.EnterAsync(districts[i % districts.Length]);
            }
            await PbmUntilAsync(operatorPort, l => l.Contains("Count: 16 players"), "16 players present", "world", "players");

            // The third node joins under load; the coordinator's rebalance hands it shards of both types.
            await using var third = await TestNode.StartAsync([.. journal, "--roles", "world", "--seeds", first.Address]);
            var moved = Stopwatch.StartNew();
            foreach (var type in new[] { "player", "district" })
            {
                var region = ClusterSharding.Get(third.System).ShardRegion(type);
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60 * TestClient.TimeFactor);
                while ((await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5))).Shards.Count == 0)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"no {type} shard moved to the third node");
                    await Task.Delay(200); // polls the region: the rebalance runs on the coordinator's own interval
                }
            }

            // Every player carries on over its socket (those whose entity or district moved get "resynced")...
            var back = await Task.WhenAll(clients.Select(c => SayUntilAcknowledgedAsync(c.Client, c.Name, moved)));
            output.WriteLine($"16 players; {back.Count(b => b.Resynced)} resynced after the rebalance; the last said a line " +
                             $"{back.Max(b => b.At).TotalSeconds:0.0} s after the third node started taking shards");
            // ...and every district still counts all of its players.
            await PbmUntilAsync(operatorPort, l => l.Contains("Count: 16 players") && districts.All(d => l.Contains($"{d} | present: 4")),
                "every player present in its district after the rebalance", "world", "players");
        }
        finally
        {
            foreach (var (client, _) in clients) await client.DisposeAsync();
        }
    }

    /// <summary>
    /// What a client does when its world node fails: says one line with a fixed id; on "timeout" says it again with the
    /// same id, on "resyncing" first waits for "resynced"; until it is acknowledged.
    /// </summary>
    internal static async Task<(TimeSpan At, bool Resynced)> SayUntilAcknowledgedAsync(TestClient client, string name, Stopwatch killed)
    {
        var id = "after-" + name;
        var wasResynced = false;
        var deadline = TimeSpan.FromSeconds(60 * TestClient.TimeFactor);
        while (true)
        {
            Assert.True(killed.Elapsed < deadline, $"{name}: no acknowledgement within {deadline.TotalSeconds} s of the kill");
            await client.SendAsync("say", $$"""{"text":"after {{name}}"}""", id);
            JsonElement answer;
            while (Frames.Type(answer = await client.ExpectAsync(f => IsAnswerTo(f, id) || Frames.Type(f) == "resynced", deadline)) == "resynced")
                wasResynced = true;
            if (Frames.Type(answer) == "ack") return (killed.Elapsed, wasResynced);
            var code = Frames.Data(answer).GetProperty("code").GetString();
            Assert.True(code is "resyncing" or "timeout", $"{name}: unexpected error {code}");
            if (code == "resyncing")
            {
                await client.ExpectTypeAsync("resynced", timeout: deadline);
                wasResynced = true;
            }
        }
    }

    private static bool IsAnswerTo(JsonElement frame, string id) =>
        Frames.Type(frame) is "ack" or "error" && frame.TryGetProperty("id", out var i) && i.GetString() == id;
}

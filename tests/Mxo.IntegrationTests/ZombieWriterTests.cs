using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Mxo.TestSupport;
using Npgsql;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// A world node frozen with SIGSTOP until the others down it, then resumed with SIGCONT, writes not one journal event
/// for the entities that now live elsewhere: its write fence (src/Mxo.Node/Fencing) refuses, and the node exits.
/// Three nodes on loopback with one PostgreSQL journal: A (world and edge, the seed) and C (world) in this process,
/// B (world) as a child process, the one that is frozen.
/// </summary>
public sealed class ZombieWriterTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TestTime.Scaled(TimeSpan.FromSeconds(90));
    private PostgresServer _postgres = null!;

    public async Task InitializeAsync() => _postgres = await PostgresServer.StartAsync();

    public async Task DisposeAsync() => await _postgres.DisposeAsync();

    /// <summary>A player connected to A whose frames are read all the time (a socket not read is closed by the edge).</summary>
    private sealed class Player(string name, TestClient client) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _pump = Task.CompletedTask;

        public string Name { get; } = name;
        public string Id => Name.ToLowerInvariant();
        public TestClient Client { get; } = client;

        /// <summary>Where this player last saw each other player, from its view frames.</summary>
        public ConcurrentDictionary<string, (double X, double Y, double Z)> Seen { get; } = new();

        public static async Task<Player> EnterAsync(Uri ws, string name)
        {
            var client = await TestClient.ConnectAsync(ws);
            await client.HelloAsync(name);
            await client.EnterAsync("downtown");
            var player = new Player(name, client);
            player._pump = Task.Run(player.Pump);
            return player;
        }

        private async Task Pump()
        {
            try
            {
                while (await Client.ReceiveAsync(_stop.Token) is { } frame)
                {
                    if (Frames.Type(frame) != "view") continue;
                    foreach (var list in new[] { "moved", "entered" })
                        foreach (var o in Frames.Data(frame).GetProperty(list).EnumerateArray())
                            Seen[o.GetProperty("id").GetString()!] = Frames.Position(o.GetProperty("position"));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _pump;
            await Client.DisposeAsync();
            _stop.Dispose();
        }
    }

    // Never the spawn point (1500, 0, 0): a move back to the checkpointed position has nothing to checkpoint.
    private static (double, double, double) Spot(int player, int round) => (1500 + 3 * player, 0, round + 1);

    private static async Task Until(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not within {Deadline}");
            await Task.Delay(100);
        }
    }

    private static Task Until(string what, Func<bool> condition) => Until(what, () => Task.FromResult(condition()));

    private static async Task<HashSet<string>> EntitiesOn(ActorSystem asker, string regionPath)
    {
        var state = await asker.ActorSelection(regionPath).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.SelectMany(s => s.EntityIds).ToHashSet();
    }

    // Positional parameters one by one: a params object[] would take a string[] argument as the list itself.
    private static async Task<T> Scalar<T>(string connectionString, string sql, object? first = null, object? second = null)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var p in new[] { first, second }.OfType<object>()) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<string, long>> Checkpoints(string connectionString, IReadOnlyCollection<string> playerIds)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT persistence_id, count(*) FROM journal WHERE manifest = 'pe.checkpoint' AND persistence_id = ANY($1) GROUP BY persistence_id", db);
        command.Parameters.Add(new NpgsqlParameter { Value = playerIds.Select(id => "player-" + id).ToArray() });
        var counts = playerIds.ToDictionary(id => id, _ => 0L);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)["player-".Length..]] = reader.GetInt64(1);
        return counts;
    }

    [Fact]
    public async Task A_world_node_resumed_after_the_cluster_downed_it_writes_nothing_and_exits()
    {
        var cs = await _postgres.CreateDatabaseAsync("mxo_zombie");
        // A checkpoint 2 s after a move: time to see B take a move before it is frozen, with the checkpoint still due.
        string[] common = ["--persistence", "postgresql", "--connection-string", cs, "--checkpoint-interval", "00:00:02",
            "--Mxo:World:MaxSpeed=2000"];
        await using var a = await TestNode.StartAsync(["--dev", "--roles", "world,edge", .. common]);
        await using var c = await TestNode.StartAsync(["--roles", "world", "--seeds", a.Address, .. common]);
        using var work = new TempData();
        await using var b = NodeProcess.Start(work.Directory, FreePorts.Tcp(), FreePorts.Tcp(), ["--roles", "world", "--seeds", a.Address, .. common]);
        var players = new List<Player>();
        var frozen = false;
        try
        {
            await b.WaitReadyAsync();
            var cluster = Cluster.Get(a.System);
            await Until("three Up members", () => cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 3);
            await a.AwaitRegionsAsync("player", b.Address, c.Address);

            // Players connected to A until at least two of them live on B (least-shard allocation spreads new shards).
            var observer = await Player.EnterAsync(a.Ws, "obs" + Guid.NewGuid().ToString("N")[..6]);
            players.Add(observer);
            var onB = new List<(Player Player, int Index)>();
            var elsewhere = new List<string>(); // players on A or C
            for (var i = 0; i < 16 && (onB.Count < 2 || elsewhere.Count == 0); i++)
            {
                var player = await Player.EnterAsync(a.Ws, $"zb{i}x" + Guid.NewGuid().ToString("N")[..6]);
                players.Add(player);
                var (x, y, z) = Spot(i, 0);
                await player.Client.MoveAsync(x, y, z);
                if ((await EntitiesOn(a.System, b.Address + "/system/sharding/player")).Contains(player.Id)) onB.Add((player, i));
                else elsewhere.Add(player.Id);
            }
            Assert.True(onB.Count >= 2 && elsewhere.Count > 0, "fewer than two players landed on B, or none elsewhere");
            var bIds = onB.Select(p => p.Player.Id).ToList();

            // Each B player's move has been checkpointed by B: B is quiet (no checkpoint due) and its writer is known.
            await Until("B checkpointed its players", async () => (await Checkpoints(cs, bIds)).Values.All(n => n >= 1));
            var bWriters = (await Scalar<string[]>(cs,
                "SELECT array_agg(DISTINCT writer_uuid) FROM journal WHERE persistence_id = ANY($1)",
                bIds.Select(id => "player-" + id).ToArray())).ToHashSet();
            // One journal, one writer id per process: B's is not that of the players on A and C.
            var otherWriters = await Scalar<string[]>(cs,
                "SELECT coalesce(array_agg(DISTINCT writer_uuid), '{}') FROM journal WHERE persistence_id = ANY($1)",
                elsewhere.Select(id => "player-" + id).ToArray());
            Assert.Single(bWriters);
            Assert.NotEmpty(otherWriters);
            Assert.Empty(bWriters.Intersect(otherWriters));

            // One more move each: B takes it (the observer sees it through the district), so a checkpoint is due on B in
            // 2 s. Freeze B before that.
            var beforeFreeze = await Checkpoints(cs, bIds);
            foreach (var (player, i) in onB)
            {
                var (x, y, z) = Spot(i, 1);
                await player.Client.MoveAsync(x, y, z);
            }
            await Until("the observer saw B's players move", () => onB.All(p => observer.Seen.TryGetValue(p.Player.Id, out var at) && at == Spot(p.Index, 1)));
            await b.SignalAsync("STOP");
            frozen = true;
            Assert.Equal(beforeFreeze, await Checkpoints(cs, bIds)); // still due: B froze with a write to make
            var maxOrdering = await Scalar<long>(cs, "SELECT max(ordering) FROM journal");

            // The others down B; once it is removed, and the shard coordinator's removal margin has passed, its players
            // start elsewhere when next asked for: a new socket's hello is answered by the new incarnation.
            await Until("A sees B removed", () => cluster.State.Members.All(m => m.Address.ToString() != b.Address));
            foreach (var (player, _) in onB)
            {
                await Until($"{player.Name} answers again", async () =>
                {
                    await using var again = await TestClient.ConnectAsync(a.Ws);
                    try
                    {
                        await again.HelloAsync(player.Name);
                        return true;
                    }
                    catch (OperationCanceledException)
                    {
                        return false; // its shard has no home yet
                    }
                });
            }
            var living = (await EntitiesOn(a.System, "/system/sharding/player")).Union(await EntitiesOn(c.System, "/system/sharding/player"));
            Assert.Superset(bIds.ToHashSet(), living.ToHashSet());

            // B runs again: its checkpoint timers fire at once, before it learns it was removed.
            await b.SignalAsync("CONT");
            frozen = false;
            Assert.True(await b.WaitForExitAsync(Deadline), "B did not exit after being downed:\n" + b.Output());
            var zombieRows = await Scalar<long>(cs, "SELECT count(*) FROM journal WHERE ordering > $1 AND writer_uuid = ANY($2)",
                maxOrdering, bWriters.ToArray());
            Assert.Equal(0L, zombieRows);
            // B did try (its checkpoints were due) and was refused; then it exited as a downed node.
            Assert.True(b.Printed("Write fence closed, journal writes refused"), "B never tried to write:\n" + b.Output());
            Assert.Equal(3, b.ExitCode);
            // What keeps a write that passed the fence just before a freeze from forking a history (docs/architecture.md).
            Assert.True(1L <= await Scalar<long>(cs,
                "SELECT count(*) FROM pg_indexes WHERE tablename = 'journal' AND indexdef LIKE 'CREATE UNIQUE INDEX % (persistence_id, sequence_number)'"),
                "no unique (persistence_id, sequence_number) on the PostgreSQL journal");
        }
        finally
        {
            if (frozen) await b.SignalAsync("CONT");
            foreach (var player in players)
            {
                try
                {
                    await player.DisposeAsync();
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException)
                {
                    // a socket the node already dropped; the test's outcome is decided above
                }
            }
        }
    }
}

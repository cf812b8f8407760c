using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>A world-only node and an edge-only node on loopback, talking through real remoting with the guard serializer.</summary>
public sealed class TwoNodeClusterTests
{
    private sealed record Unbound;

    private static async Task<IReadOnlyCollection<string>> PlayerEntitiesOn(TestNode world)
    {
        var region = ClusterSharding.Get(world.System).ShardRegion("player");
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.SelectMany(s => s.EntityIds).ToArray();
    }

    internal static async Task AwaitMembers(TestNode node, int count)
    {
        var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
        while (Cluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up) != count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"cluster did not reach {count} Up members");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Player_lives_on_the_world_node_and_its_position_survives_a_world_node_restart()
    {
        using var data = new TempData();
        var world = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world"]);
        await using var edge = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);
        await AwaitMembers(edge, 2);
        // Everything crossing between the two nodes below went through real serializers: a fallback would throw.
        Assert.IsType<Mxo.TestSupport.FallbackGuardSerializer>(edge.System.Serialization.FindSerializerForType(typeof(Unbound)));

        var name = "neo" + Guid.NewGuid().ToString("N")[..6];
        await using (var client = await TestClient.ConnectAsync(edge.Ws))
        {
            await client.HelloAsync(name);
            await client.EnterAsync("downtown");
            await client.MoveAsync(1505, 0, 3);
            // The explicit signal that the player entity has the move: a later request through the same entity is
            // answered (the session's messages to it arrive in order). A ping would not do: the edge answers it.
            var say = await client.SendAsync("say", """{"text":"after the move"}""");
            await client.ExpectTypeAsync("ack", say);

            // The entity lives on the world node; the edge only has a proxy.
            Assert.Contains(name, await PlayerEntitiesOn(world));

            // Stop the world node gracefully while the player is still connected: hand-off checkpoints the
            // position it last heard, although no checkpoint interval has passed.
            var movedAt = DateTime.UtcNow;
            await world.StopAsync();
            Assert.True(DateTime.UtcNow - movedAt < TimeSpan.FromSeconds(60));
        }

        await using var world2 = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world", "--seeds", edge.Address]);
        await AwaitMembers(edge, 2);
        await using var again = await TestClient.ConnectAsync(edge.Ws);
        var player = Frames.Data(await again.HelloAsync(name)).GetProperty("player");
        Assert.Equal("downtown", player.GetProperty("district").GetString());
        Assert.Equal((1505.0, 0.0, 3.0), Frames.Position(player.GetProperty("position")));
        Assert.Contains(name, await PlayerEntitiesOn(world2));
    }

    [Fact]
    public async Task Two_clients_on_an_edge_node_see_each_other_through_the_world_node()
    {
        using var data = new TempData();
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world"]);
        await using var edge = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);
        await AwaitMembers(edge, 2);

        await using var a = await TestClient.ConnectAsync(edge.Ws);
        await using var b = await TestClient.ConnectAsync(edge.Ws);
        var bName = "trin" + Guid.NewGuid().ToString("N")[..6];
        await a.HelloAsync("neo" + Guid.NewGuid().ToString("N")[..6]);
        await b.HelloAsync(bName);
        await a.EnterAsync("westview");
        await b.EnterAsync("westview");
        await b.MoveAsync(-498, 0, 1);
        await a.ExpectAsync(f => Frames.SeenAt(f, bName) == (-498.0, 0.0, 1.0), what: "b's move");
        var sayId = await b.SendAsync("say", """{"text":"Dodge this."}""");
        Assert.Equal("Dodge this.", Frames.Data(await a.ExpectTypeAsync("chat")).GetProperty("text").GetString());
        await b.ExpectTypeAsync("ack", sayId);
    }

    private static async Task<HashSet<string>> DistrictsOn(TestNode node)
    {
        var region = ClusterSharding.Get(node.System).ShardRegion("district");
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return state.Shards.SelectMany(s => s.EntityIds).ToHashSet();
    }

    [Fact]
    public async Task Walking_across_an_edge_hands_over_between_districts_on_different_nodes()
    {
        using var data = new TempData();
        string[] fast = ["--Mxo:World:MaxSpeed=2000"];
        await using var a = await TestNode.StartAsync([.. data.SqliteArgs, .. fast, "--dev", "--roles", "world,edge"]);
        await using var b = await TestNode.StartAsync([.. data.SqliteArgs, .. fast, "--roles", "world", "--seeds", a.Address]);
        await AwaitMembers(a, 2);

        // Wait until both nodes' district regions are known to the coordinator, then start every district: the
        // least-shard allocation spreads them over both nodes.
        var region = ClusterSharding.Get(a.System).ShardRegion("district");
        var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
        while ((await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(5))).Regions.Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "node b's district region never registered");
            await Task.Delay(200);
        }
        foreach (var id in new[] { "richland", "westview", "international", "downtown" })
            await region.Ask<Mxo.Protocol.Districts.DistrictReplies.Status>(
                new Mxo.Protocol.Districts.DistrictCommands.GetStatus(new Mxo.Protocol.DistrictId(id)), TimeSpan.FromSeconds(10));
        var onA = await DistrictsOn(a);
        var onB = await DistrictsOn(b);

        // Adjacent pairs along x: the edge between them and a point just either side.
        (string West, string East, double EdgeX)[] pairs = [("richland", "westview", -1000), ("westview", "international", 0), ("international", "downtown", 1000)];
        var pair = pairs.FirstOrDefault(p => onA.Contains(p.West) != onA.Contains(p.East) && (onA.Contains(p.West) || onB.Contains(p.West)));
        Assert.True(pair.West is not null, $"no adjacent districts on different nodes: a has [{string.Join(",", onA)}], b has [{string.Join(",", onB)}]");

        var name = "walker" + Guid.NewGuid().ToString("N")[..6];
        await using var client = await TestClient.ConnectAsync(a.Ws);
        await client.HelloAsync(name);
        await client.EnterAsync(pair.West);
        await client.MoveAsync(pair.EdgeX - 5, 0, 0);
        var ping = await client.SendAsync("ping");
        await client.ExpectTypeAsync("pong", ping);
        await client.MoveAsync(pair.EdgeX + 5, 0, 0);
        var entered = await client.ExpectAsync(f => Frames.Type(f) == "entered", what: "hand-over to " + pair.East);
        Assert.Equal(pair.East, Frames.Data(entered).GetProperty("district").GetString());

        // The hand-over is durable: a fresh connection finds the character on the east side.
        await client.CloseAsync();
        await using var again = await TestClient.ConnectAsync(a.Ws);
        var player = Frames.Data(await again.HelloAsync(name)).GetProperty("player");
        Assert.Equal(pair.East, player.GetProperty("district").GetString());
        Assert.Equal((pair.EdgeX + 5, 0.0, 0.0), Frames.Position(player.GetProperty("position")));
    }
}

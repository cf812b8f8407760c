using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// A duel whose encounter lives on another node than both fighters' entities (issue 11): rounds cross the cluster to
/// the players exactly once, and when the encounter's node leaves mid-fight the fight moves with its shard and goes on.
/// </summary>
public sealed class CombatTwoNodeTests
{
    private static readonly string[] Districts = ["richland", "westview", "international", "downtown"];

    private static async Task<HashSet<string>> EntitiesOn(TestNode node, string type)
    {
        var region = ClusterSharding.Get(node.System).ShardRegion(type);
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TestClient.DefaultTimeout);
        return state.Shards.SelectMany(s => s.EntityIds).ToHashSet();
    }

    private static string Code(JsonElement error) => Frames.Data(error).GetProperty("code").GetString()!;

    /// <summary>Reads <paramref name="client"/>'s frames until its fight ends, noting every round number it was told.</summary>
    private static async Task<JsonElement> UntilEnded(TestClient client, string encounter, List<int> rounds, TimeSpan timeout)
    {
        var ended = await client.ExpectAsync(f =>
        {
            var type = Frames.Type(f);
            if (type is not ("round" or "combat_ended") || Frames.Data(f).GetProperty("encounter").GetString() != encounter) return false;
            if (type == "round") rounds.Add(Frames.Data(f).GetProperty("round").GetInt32());
            return type == "combat_ended";
        }, timeout, "the end of " + encounter);
        return Frames.Data(ended);
    }

    [Fact]
    public async Task Rounds_cross_nodes_exactly_once_and_the_fight_goes_on_when_its_node_leaves()
    {
        using var data = new TempData();
        var combatFile = CombatFiles.WriteWithRoundMs(data.Directory, 500);
        string[] common = [.. data.SqliteArgs, "--Mxo:World:MaxSpeed=2000", $"--Mxo:World:CombatFile={combatFile}"];
        await using var a = await TestNode.StartAsync([.. common, "--dev", "--roles", "world,edge"]);
        await using var b = await TestNode.StartAsync([.. common, "--roles", "world", "--seeds", a.Address]);
        foreach (var type in new[] { "district", "player", "combat" }) await a.AwaitRegionsAsync(type, a.Address, b.Address);

        // Start every district: the least-shard allocation spreads them over both nodes. The duel happens in one on node
        // a, so that node b leaving moves only the encounter.
        var districts = ClusterSharding.Get(a.System).ShardRegion("district");
        foreach (var id in Districts)
            await districts.Ask<DistrictReplies.Status>(new DistrictCommands.GetStatus(new DistrictId(id)), TestClient.DefaultTimeout);
        var onA = await EntitiesOn(a, "district");
        var district = Districts.FirstOrDefault(onA.Contains);
        Assert.True(district is not null, "no district on node a");
        var x = district switch { "richland" => -1700, "westview" => -700, "international" => 300, _ => 1300 };

        // Two characters whose entities live on node a (new shards alternate between the nodes): the others are let go.
        var fighters = new List<(TestClient Client, string Name)>();
        for (var i = 0; fighters.Count < 2; i++)
        {
            Assert.True(i < 12, "no two characters on node a in 12 tries");
            var name = "duo" + Guid.NewGuid().ToString("N")[..8];
            var client = await TestClient.ConnectAsync(a.Ws);
            await client.HelloAsync(name);
            if ((await EntitiesOn(a, "player")).Contains(name)) fighters.Add((client, name));
            else await client.DisposeAsync();
        }
        var ((one, oneName), (two, twoName)) = (fighters[0], fighters[1]);
        string? encounter = null;
        List<int> oneRounds = [], twoRounds = [];
        await using (one)
        await using (two)
        {
            await one.EnterAsync(district);
            await one.MoveAsync(x, 0, 300);
            await two.EnterAsync(district);
            await two.MoveAsync(x + 10, 0, 305);
            // Seen where they stand (entered or moved: both moves may fall in one tick), so the district has both positions.
            await one.ExpectAsync(f => Frames.SeenAt(f, twoName) == (x + 10, 0, 305), what: twoName + " in view");
            await two.ExpectAsync(f => Frames.SeenAt(f, oneName) == (x, 0, 300), what: oneName + " in view");

            // Duel until an encounter starts on node b; one that starts on node a is withdrawn from and tried again.
            for (var attempt = 0; encounter is null; attempt++)
            {
                Assert.True(attempt < 8, "no encounter started on node b in 8 duels");
                var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
                while (true)
                {
                    // The district hears that the last fight ended a moment after the players do: busy until then.
                    var engage = await one.SendAsync("engage", $$"""{"target":"{{twoName}}"}""");
                    var answer = await one.ExpectAsync(f => f.TryGetProperty("id", out var id) && id.GetString() == engage, what: "engage's answer");
                    if (Frames.Type(answer) == "ack") break;
                    Assert.Equal("target_busy", Code(answer));
                    Assert.True(DateTime.UtcNow < deadline, "still busy after the last fight ended");
                    await Task.Delay(100); // polls the district
                }
                await two.ExpectTypeAsync("duel_challenge");
                var accept = await two.SendAsync("duel_accept", $$"""{"from":"{{oneName}}"}""");
                var started = Frames.Data(await two.ExpectTypeAsync("combat_started", accept)).GetProperty("encounter").GetString()!;
                if ((await EntitiesOn(b, "combat")).Contains(started))
                {
                    encounter = started;
                    break;
                }
                var withdraw = await one.SendAsync("withdraw");
                await one.ExpectTypeAsync("ack", withdraw);
                List<int> ignored = [];
                var end = await UntilEnded(one, started, ignored, TestClient.DefaultTimeout * 2);
                Assert.Equal("withdraw", end.GetProperty("reason").GetString());
                await UntilEnded(two, started, ignored, TestClient.DefaultTimeout);
            }

            // The encounter runs on node b, both fighters' entities on node a: the first round crossed the cluster.
            await one.ExpectAsync(f =>
            {
                if (Frames.Type(f) != "round") return false;
                oneRounds.Add(Frames.Data(f).GetProperty("round").GetInt32());
                return true;
            }, what: "the first round");
            Assert.Contains(oneName, await EntitiesOn(a, "player"));
            Assert.Contains(twoName, await EntitiesOn(a, "player"));

            // Node b leaves mid-fight: the encounter's shard is handed to node a, which restarts it from its journal.
            await b.StopAsync();
            var movedAt = oneRounds.Count;
            var long_ = TestClient.DefaultTimeout * 6;
            var endOne = await UntilEnded(one, encounter, oneRounds, long_);
            var endTwo = await UntilEnded(two, encounter, twoRounds, long_);
            Assert.Equal(endOne.GetProperty("winner").ToString(), endTwo.GetProperty("winner").ToString());
            Assert.True(oneRounds.Count > movedAt, "no round was fought after node b left");

            // Each client heard each round at most once, in order.
            foreach (var heard in new[] { oneRounds, twoRounds })
                Assert.True(heard.Zip(heard.Skip(1)).All(p => p.Item2 > p.Item1), string.Join(",", heard));
        }
        await a.StopAsync();
        var rounds = CombatJournal.AssertConsistent(data, encounter!, oneName, twoName);
        Assert.True(rounds.Count >= oneRounds[^1], $"{rounds.Count} rounds stored, round {oneRounds[^1]} heard");
    }
}

using System.Text.Json;
using Mxo.Protocol;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// A duel on a real node process killed with SIGKILL mid-fight (issue 11): after the restart the encounter resumes by
/// itself (its shard remembers it), every round a client heard is in its journal exactly once, and the characters'
/// health is the encounter's, each round applied at most once.
/// </summary>
public sealed class CombatCrashTests
{
    private static async Task<(TestClient Client, string Id)> Player(NodeProcess node, string name, double x, double z)
    {
        var client = await TestClient.ConnectAsync(node.Ws);
        await client.HelloAsync(name);
        await client.EnterAsync("international");
        await client.MoveAsync(x, 0, z);
        return (client, name.ToLowerInvariant());
    }

    [Fact]
    public async Task After_kill_9_mid_fight_the_encounter_resumes_and_no_round_is_lost_or_applied_twice()
    {
        using var data = new TempData();
        var combatFile = CombatFiles.WriteWithRoundMs(data.Directory, 400);
        var httpPort = FreePorts.Tcp();
        var remotingPort = FreePorts.Tcp();
        string[] args = ["--dev", .. data.SqliteArgs, "--Mxo:World:MaxSpeed=2000", $"--Mxo:World:CombatFile={combatFile}"];
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (nameA, nameB) = ("crashA" + suffix, "crashB" + suffix);
        string encounter;
        int heard;

        await using (var node = NodeProcess.Start(data.Directory, httpPort, remotingPort, args))
        {
            await node.WaitReadyAsync();
            var (a, aId) = await Player(node, nameA, 10, 10);
            var (b, bId) = await Player(node, nameB, 15, 12);
            await using (a)
            await using (b)
            {
                await b.ExpectAsync(f => Frames.SeesEnter(f, aId), what: "a in view");
                await a.ExpectAsync(f => Frames.SeesEnter(f, bId), what: "b in view");
                var engage = await a.SendAsync("engage", $$"""{"target":"{{bId}}"}""");
                await a.ExpectTypeAsync("ack", engage);
                await b.ExpectTypeAsync("duel_challenge");
                var accept = await b.SendAsync("duel_accept", $$"""{"from":"{{aId}}"}""");
                encounter = Frames.Data(await b.ExpectTypeAsync("combat_started", accept)).GetProperty("encounter").GetString()!;
                // Two rounds heard: they were persisted before they were sent. Then the crash, mid-fight.
                await a.ExpectAsync(f => Frames.Type(f) == "round" && Frames.Data(f).GetProperty("round").GetInt32() >= 2, what: "round 2");
                heard = 2;
                await node.KillAsync();
            }
        }

        await using (var node = NodeProcess.Start(data.Directory, httpPort, remotingPort, args))
        {
            await node.WaitReadyAsync();
            // Both come back within the disconnect grace period: the fight goes on to its end by itself.
            await using var a = await TestClient.ConnectAsync(node.Ws);
            await using var b = await TestClient.ConnectAsync(node.Ws);
            await a.HelloAsync(nameA);
            await b.HelloAsync(nameB);
            var ended = Frames.Data(await a.ExpectTypeAsync("combat_ended", timeout: TestClient.DefaultTimeout * 4));
            Assert.Equal(encounter, ended.GetProperty("encounter").GetString());
        }

        var rounds = CombatJournal.AssertConsistent(data, encounter, nameA, nameB);
        Assert.True(rounds.Count >= heard, $"{rounds.Count} rounds stored, {heard} heard before the crash");
    }
}

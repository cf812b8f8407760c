using System.Text.Json;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Players;
using Mxo.Protocol.Serialization;
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
    private static async Task<string> FastCombatFile(TempData data)
    {
        var shipped = await File.ReadAllTextAsync(CombatTable.DefaultPath);
        var path = Path.Combine(data.Directory, "combat.json");
        await File.WriteAllTextAsync(path, shipped.Replace("\"roundMs\": 3000", "\"roundMs\": 400", StringComparison.Ordinal));
        return path;
    }

    /// <summary>The events of one entity, in order, decoded with the node's own serializer.</summary>
    private static List<object> Events(TempData data, string persistenceId)
    {
        using var system = ActorSystem.Create("decode");
        var serializer = new MxoSerializer((ExtendedActorSystem)system);
        using var db = new SqliteConnection($"Data Source={data.SqliteFile};Mode=ReadOnly");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT manifest, message FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        command.Parameters.AddWithValue("$id", persistenceId);
        using var reader = command.ExecuteReader();
        var events = new List<object>();
        while (reader.Read()) events.Add(serializer.FromBinary((byte[])reader["message"], reader.GetString(0)));
        return events;
    }

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
        var combatFile = await FastCombatFile(data);
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

        var fight = Events(data, "combat-" + encounter);
        var rounds = fight.OfType<CombatEvents.RoundResolved>().ToList();
        Assert.Equal(Enumerable.Range(1, rounds.Count), rounds.Select(r => r.Round)); // each round once, none skipped
        Assert.True(rounds.Count >= heard, $"{rounds.Count} rounds stored, {heard} heard before the crash");
        var end = Assert.Single(fight.OfType<CombatEvents.EncounterEnded>());
        var last = rounds[^1];
        foreach (var (name, side) in new[] { (nameA, last.A), (nameB, last.B) })
        {
            var taken = Events(data, "player-" + name.ToLowerInvariant()).OfType<PlayerEvents.CombatRoundTaken>()
                .Where(t => t.EncounterId == encounter).ToList();
            Assert.NotEmpty(taken);
            // Never a round twice, never an older one after a newer one: strictly increasing round numbers.
            Assert.True(taken.Zip(taken.Skip(1)).All(p => p.Item2.Round > p.Item1.Round), string.Join(",", taken.Select(t => t.Round)));
            Assert.All(taken, t => Assert.True(t.Round <= Math.Max(end.Round, last.Round)));
            // The character ends with the health the encounter's last round left it.
            Assert.Equal((side.Stats.Health, true), (taken[^1].Health, taken[^1].Ended));
        }
    }
}

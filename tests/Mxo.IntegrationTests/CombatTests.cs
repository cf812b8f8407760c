using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>A node whose combat rounds last 200 ms instead of 3 s (the shipped table otherwise), so a fight ends in seconds.</summary>
public class FastCombatFixture : IAsyncLifetime
{
    public static readonly TimeSpan DuelAnswerTimeout = TimeSpan.FromSeconds(2);
    private readonly TempData _data = new();
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Rounds of 200 ms, and challenges unanswered for 2 s (scaled) time out instead of 30 s.
        var combat = JsonNode.Parse(Mxo.TestSupport.CombatFiles.ShippedWithRoundMs(200))!;
        combat["settings"]!["duelAnswerTimeoutMs"] = (int)Mxo.TestSupport.TestTime.Scaled(DuelAnswerTimeout).TotalMilliseconds;
        var combatFile = Path.Combine(_data.Directory, "combat.json");
        await File.WriteAllTextAsync(combatFile, combat.ToJsonString());
        // NPCs whose fights end one way: a bluepill that falls at the first hit and is back a second later, an agent
        // that cannot miss and kills at a blow.
        var npcs = JsonNode.Parse(await File.ReadAllTextAsync(Mxo.Protocol.Npcs.NpcTable.DefaultPath))!;
        foreach (var kind in npcs["kinds"]!.AsArray())
        {
            if ((string?)kind!["id"] == "bluepill")
            {
                kind["maxHealth"] = 1;
                kind["respawnMs"] = 1000;
            }
            if ((string?)kind["id"] == "agent")
            {
                kind["attack"] = 1000;
                kind["accuracy"] = 1000;
            }
        }
        var npcsFile = Path.Combine(_data.Directory, "npcs.json");
        await File.WriteAllTextAsync(npcsFile, npcs.ToJsonString());
        Node = await TestNode.StartAsync([
            .. _data.SqliteArgs, "--dev", "--Mxo:World:MaxSpeed=2000", $"--Mxo:World:CombatFile={combatFile}", $"--Mxo:World:NpcsFile={npcsFile}",
            .. await MoreArgsAsync(_data.Directory),
        ]);
    }

    /// <summary>Further node arguments of a fixture built on this one; files it writes go in <paramref name="directory"/>.</summary>
    protected virtual Task<string[]> MoreArgsAsync(string directory) => Task.FromResult(Array.Empty<string>());

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>Combat over real sockets: duels from challenge to defeat, what bystanders see, and refused input.</summary>
public sealed class CombatTests(FastCombatFixture fixture) : IClassFixture<FastCombatFixture>
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private async Task<(TestClient Client, string Id)> PlayerAt(string district, double x, double z)
    {
        var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        var name = Unique("f");
        await client.HelloAsync(name);
        await client.EnterAsync(district);
        await client.MoveAsync(x, 0, z);
        return (client, name.ToLowerInvariant());
    }

    private static string Code(JsonElement error) => Frames.Data(error).GetProperty("code").GetString()!;

    /// <summary>Waits until <paramref name="client"/> sees <paramref name="otherId"/> (so the district has both positions).</summary>
    private static Task Sees(TestClient client, string otherId) =>
        client.ExpectAsync(f => Frames.SeesEnter(f, otherId), what: otherId + " in view");

    [Fact]
    public async Task Two_players_duel_to_the_end_and_a_bystander_sees_the_fight()
    {
        var (a, aId) = await PlayerAt("international", 10, 10);
        var (b, bId) = await PlayerAt("international", 20, 15);
        var (watcher, _) = await PlayerAt("international", 0, 30);
        await using (a)
        await using (b)
        await using (watcher)
        {
            await Sees(a, bId);
            await Sees(b, aId);
            var engage = await a.SendAsync("engage", $$"""{"target":"{{bId}}"}""");
            await a.ExpectTypeAsync("ack", engage);
            var challenge = Frames.Data(await b.ExpectTypeAsync("duel_challenge"));
            Assert.Equal(aId, challenge.GetProperty("from").GetString());
            // The challenge is also a notification: pushed, never stored (docs/protocol.md, "Notifications").
            var note = Frames.Data(await b.ExpectTypeAsync("notification"));
            Assert.Equal((-1, aId, false), (note.GetProperty("code").GetInt32(), note.GetProperty("content").GetProperty("from").GetString(),
                note.GetProperty("persistent").GetBoolean()));

            var accept = await b.SendAsync("duel_accept", $$"""{"from":"{{aId}}"}""");
            var startedB = Frames.Data(await b.ExpectTypeAsync("combat_started", accept));
            var startedA = Frames.Data(await a.ExpectTypeAsync("combat_started"));
            var encounter = startedA.GetProperty("encounter").GetString();
            Assert.Equal(encounter, startedB.GetProperty("encounter").GetString());
            Assert.Equal((bId, aId), (startedA.GetProperty("opponent").GetProperty("id").GetString(), startedB.GetProperty("opponent").GetProperty("id").GetString()));

            // A tactic is taken; an unknown one is refused and changes nothing.
            var power = await a.SendAsync("tactic", """{"name":"power"}""");
            await a.ExpectTypeAsync("ack", power);
            var bad = await b.SendAsync("tactic", """{"name":"kung-fu"}""");
            Assert.Equal("unknown_tactic", Code(await b.ExpectTypeAsync("error", bad)));

            var round = Frames.Data(await a.ExpectTypeAsync("round"));
            Assert.Equal(encounter, round.GetProperty("encounter").GetString());
            Assert.Equal(2, round.GetProperty("sides").GetArrayLength());
            var seen = Frames.Data(await watcher.ExpectTypeAsync("fight"));
            Assert.Equal(encounter, seen.GetProperty("encounter").GetString());
            Assert.Contains(seen.GetProperty("fighters").EnumerateArray(), f => f.GetProperty("id").GetString() == aId);

            // Fought to the end: both hear who won; the loser is derezzed, and so cannot start another fight.
            var long_ = TestClient.DefaultTimeout * 4;
            var endA = Frames.Data(await a.ExpectTypeAsync("combat_ended", timeout: long_));
            var endB = Frames.Data(await b.ExpectTypeAsync("combat_ended", timeout: long_));
            Assert.Equal(endA.GetProperty("winner").ToString(), endB.GetProperty("winner").ToString());
            Assert.Equal("defeat", endA.GetProperty("reason").GetString());
            await watcher.ExpectAsync(f => Frames.Type(f) == "fight" && Frames.Data(f).GetProperty("ended").GetBoolean(), long_, "the fight's end");
            var winner = endA.GetProperty("winner").GetString();
            if (winner is not null)
            {
                var loser = winner == aId ? b : a;
                var again = await loser.SendAsync("engage", $$"""{"target":"{{winner}}"}""");
                Assert.Equal("derezzed", Code(await loser.ExpectTypeAsync("error", again)));
            }
            var after = await a.SendAsync("tactic", """{"name":"speed"}""");
            Assert.Equal("not_in_encounter", Code(await a.ExpectTypeAsync("error", after)));
        }
    }

    [Fact]
    public async Task A_player_defeats_an_npc_that_comes_back_and_is_derezzed_by_another_then_reconstructs()
    {
        const string bluepill = "npc:downtown-bluepill-1", agent = "npc:downtown-agent-1";
        var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        var id = Unique("n").ToLowerInvariant();
        await client.HelloAsync(id);
        // NPCs are listed like players, with their kind.
        var occupants = Frames.Data(await client.EnterAsync("downtown")).GetProperty("occupants").EnumerateArray().ToList();
        Assert.Contains(occupants, o => o.GetProperty("id").GetString() == bluepill && o.GetProperty("kind").GetString() == "bluepill");
        Assert.Contains(occupants, o => o.GetProperty("id").GetString() == agent && o.GetProperty("kind").GetString() == "agent");
        await client.MoveAsync(1530, 0, -25);
        await using (client)
        {
            var engage = await client.SendAsync("engage", $$"""{"target":"{{bluepill}}"}""");
            var started = Frames.Data(await client.ExpectTypeAsync("combat_started", engage)).GetProperty("opponent");
            Assert.Equal((bluepill, "bluepill"), (started.GetProperty("id").GetString(), started.GetProperty("kind").GetString()));
            var won = Frames.Data(await client.ExpectTypeAsync("combat_ended", timeout: TestClient.DefaultTimeout * 2));
            Assert.Equal((id, "defeat"), (won.GetProperty("winner").GetString(), won.GetProperty("reason").GetString()));
            // Down: it leaves the view, cannot be fought, and is back after its respawn delay (1 s here).
            await client.ExpectAsync(f => Frames.Type(f) == "view"
                && Frames.Data(f).GetProperty("left").EnumerateArray().Any(l => l.GetString() == bluepill), what: "the bluepill gone");
            await client.ExpectAsync(f => Frames.SeesEnter(f, bluepill), TestClient.DefaultTimeout * 2, "the bluepill back");

            // The move reaches the district before the engage: both go through the character's entity, in order.
            await client.MoveAsync(1435, 0, 10);
            var attack = await client.SendAsync("engage", $$"""{"target":"{{agent}}"}""");
            await client.ExpectTypeAsync("combat_started", attack);
            // The last round derezzes the character, then the fight's end says who won.
            await client.ExpectTypeAsync("derezzed", timeout: TestClient.DefaultTimeout * 2);
            var lost = Frames.Data(await client.ExpectTypeAsync("combat_ended"));
            Assert.Equal(agent, lost.GetProperty("winner").GetString());
            var back = await client.SendAsync("reconstruct");
            var reconstructed = Frames.Data(await client.ExpectTypeAsync("reconstructed", back));
            Assert.Equal(500, reconstructed.GetProperty("health").GetInt32());
        }
    }

    [Fact]
    public async Task Bad_engagements_are_refused_with_a_code_and_change_nothing()
    {
        var (a, aId) = await PlayerAt("westview", -500, 0);
        var (b, bId) = await PlayerAt("westview", -510, 5);
        var (far, farId) = await PlayerAt("westview", -500, 200);
        await using (a)
        await using (b)
        await using (far)
        {
            await Sees(a, bId);
            async Task Refused(TestClient client, string type, string? data, string code)
            {
                var id = await client.SendAsync(type, data);
                Assert.Equal(code, Code(await client.ExpectTypeAsync("error", id)));
            }
            await Refused(a, "engage", """{"target":"nobody-here"}""", "unknown_target");
            await Refused(a, "engage", $$"""{"target":"{{aId}}"}""", "unknown_target");
            await Refused(a, "engage", $$"""{"target":"{{farId}}"}""", "out_of_range");
            await Refused(a, "engage", "{}", "missing_field");
            await Refused(a, "tactic", """{"name":"power"}""", "not_in_encounter");
            await Refused(a, "ability", """{"id":"hyper-strike"}""", "not_in_encounter");
            await Refused(a, "withdraw", null, "not_in_encounter");
            await Refused(b, "duel_accept", $$"""{"from":"{{aId}}"}""", "no_challenge");

            // A challenge declined: the challenger hears it, and nobody is fighting.
            var engage = await a.SendAsync("engage", $$"""{"target":"{{bId}}"}""");
            await a.ExpectTypeAsync("ack", engage);
            await Refused(far, "engage", $$"""{"target":"{{bId}}"}""", "out_of_range");
            await b.ExpectTypeAsync("duel_challenge");
            var decline = await b.SendAsync("duel_decline", $$"""{"from":"{{aId}}"}""");
            await b.ExpectTypeAsync("ack", decline);
            var declined = Frames.Data(await a.ExpectTypeAsync("duel_declined"));
            Assert.Equal((bId, "declined"), (declined.GetProperty("by").GetString(), declined.GetProperty("reason").GetString()));
            await Refused(b, "duel_accept", $$"""{"from":"{{aId}}"}""", "no_challenge");

            // A challenge nobody answers: the challenger hears it timed out, and a late answer finds no challenge.
            var unanswered = await a.SendAsync("engage", $$"""{"target":"{{bId}}"}""");
            await a.ExpectTypeAsync("ack", unanswered);
            await b.ExpectTypeAsync("duel_challenge");
            var timedOut = Frames.Data(await a.ExpectTypeAsync("duel_declined", timeout: TestClient.DefaultTimeout + FastCombatFixture.DuelAnswerTimeout));
            Assert.Equal((bId, "timeout"), (timedOut.GetProperty("by").GetString(), timedOut.GetProperty("reason").GetString()));
            await Refused(b, "duel_accept", $$"""{"from":"{{aId}}"}""", "no_challenge");
            // Nobody is fighting: a new challenge is taken.
            var again = await a.SendAsync("engage", $$"""{"target":"{{bId}}"}""");
            await a.ExpectTypeAsync("ack", again);
        }
    }
}

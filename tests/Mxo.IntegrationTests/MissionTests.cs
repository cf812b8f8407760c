using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// The fast-combat node with one more mission in its mission file, <c>e2e-chain</c>, offered by The Lurker in Richland:
/// talk to a bluepill, walk into an area, defeat a bluepill and loot its keycard, give the keycard to The Lurker. Every
/// objective kind but <c>get</c> in one mission (the shipped missions use them across several, and doing one for one
/// organisation locks a beginner out of the others' contacts). Mission requests are not rate limited here.
/// </summary>
public sealed class MissionFixture : FastCombatFixture
{
    public const string Chain = "e2e-chain";

    protected override async Task<string[]> MoreArgsAsync(string directory)
    {
        var missions = JsonNode.Parse(await File.ReadAllTextAsync(Mxo.Protocol.Missions.MissionTable.DefaultPath))!;
        missions["missions"]!.AsArray().Add(JsonNode.Parse($$"""
            {"id": "{{Chain}}", "contact": "merovingian-lurker", "title": "End to End", "minLevel": 1, "maxLevel": 3, "difficulty": "easy",
             "length": "short", "timeLimitMinutes": 30, "rewards": {"experience": 150, "info": 100, "reputation": 20},
             "phases": [
               [{"kind": "talk", "target": "richland-bluepill-2"}],
               [{"kind": "reach", "district": "richland", "centre": {"x": -1480, "y": 0, "z": 150}, "radius": 10}],
               [{"kind": "defeat", "npcKind": "bluepill", "count": 1}, {"kind": "loot", "item": "stolen-keycard"}],
               [{"kind": "give", "item": "stolen-keycard", "target": "merovingian-lurker"}]
             ]}
            """));
        var file = Path.Combine(directory, "missions.json");
        await File.WriteAllTextAsync(file, missions.ToJsonString());
        return [$"--Mxo:World:MissionsFile={file}", "--Mxo:World:InteractRate:PerSecond=100", "--Mxo:World:InteractRate:Burst=100"];
    }
}

/// <summary>Missions over a real socket: a whole mission played end to end, paid once, and refused input.</summary>
public sealed class MissionTests(MissionFixture fixture) : IClassFixture<MissionFixture>
{
    private static readonly (double X, double Z) Lurker = (-1445, -40);

    private static string Code(JsonElement error) => Frames.Data(error).GetProperty("code").GetString()!;

    private static async Task<(TestClient Client, JsonElement Welcome)> Player(MissionFixture fixture, string? name = null)
    {
        var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        var welcome = await client.HelloAsync(name ?? "m" + Guid.NewGuid().ToString("N")[..8]);
        await client.EnterAsync("richland");
        return (client, welcome);
    }

    /// <summary>Sends a request and waits for its answer (the frame with its id: an answer or an error).</summary>
    private static async Task<JsonElement> Ask(TestClient client, string type, string data, string? id = null)
    {
        id = await client.SendAsync(type, data, id);
        return await client.ExpectAsync(f => f.TryGetProperty("id", out var i) && i.GetString() == id, what: type + "'s answer");
    }

    private static Task<JsonElement> Push(TestClient client, string type, Func<JsonElement, bool>? match = null) =>
        client.ExpectAsync(f => Frames.Type(f) == type && !f.TryGetProperty("id", out _) && (match?.Invoke(Frames.Data(f)) ?? true), what: type);

    [Fact]
    public async Task A_client_plays_a_whole_mission_and_is_paid_once_whatever_it_retries()
    {
        var (client, welcome) = await Player(fixture);
        await using var _ = client;
        var infoBefore = Frames.Data(welcome).GetProperty("player").GetProperty("info").GetInt64();

        // The contact, within reach: its offers, each acceptable for 5 minutes.
        await client.MoveAsync(Lurker.X - 2, 0, Lurker.Z);
        var offers = Frames.Data(await Ask(client, "mission_talk", """{"target":"merovingian-lurker"}"""));
        Assert.Equal("merovingian-lurker", offers.GetProperty("target").GetString());
        var chainOffer = offers.GetProperty("offers").EnumerateArray().Single(o => o.GetProperty("mission").GetString() == MissionFixture.Chain);
        Assert.InRange(chainOffer.GetProperty("expiresAt").GetInt64() - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 4 * 60_000, 5 * 60_000);

        var accepted = await Ask(client, "mission_accept", $$"""{"mission":"{{MissionFixture.Chain}}"}""");
        Assert.Equal("mission_accepted", Frames.Type(accepted));
        var first = Frames.Data(accepted).GetProperty("objectives").EnumerateArray().Single();
        Assert.Equal(("talk", "richland-bluepill-2"), (first.GetProperty("kind").GetString(), first.GetProperty("target").GetString()));
        var bluepill2 = first.GetProperty("position");

        // Talk to the NPC where the objective says it stands.
        await client.MoveAsync(bluepill2.GetProperty("x").GetDouble() + 3, 0, bluepill2.GetProperty("z").GetDouble());
        Assert.Equal("mission_offers", Frames.Type(await Ask(client, "mission_talk", """{"target":"richland-bluepill-2"}""")));
        var reach = (await Push(client, "mission_phase", d => d.GetProperty("phase").GetInt32() == 1)).GetProperty("data")
            .GetProperty("objectives").EnumerateArray().Single();
        Assert.Equal("reach", reach.GetProperty("kind").GetString());

        // Walk into the area: the move itself counts.
        await client.MoveAsync(-1480, 0, 146);
        var fight = (await Push(client, "mission_phase", d => d.GetProperty("phase").GetInt32() == 2)).GetProperty("data")
            .GetProperty("objectives").EnumerateArray().Select(o => o.GetProperty("kind").GetString()).ToArray();
        Assert.Equal("defeat,loot", string.Join(",", fight));

        // Defeat a bluepill: the defeat counts and its keycard is looted.
        await client.MoveAsync(-1462, 0, 25);
        var engage = await client.SendAsync("engage", """{"target":"npc:richland-bluepill-1"}""");
        await client.ExpectTypeAsync("combat_started", engage);
        await Push(client, "item_added", d => d.GetProperty("item").GetString() == "stolen-keycard");
        await Push(client, "mission_phase", d => d.GetProperty("phase").GetInt32() == 3);
        var items = Frames.Data(await Ask(client, "inventory", "{}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("stolen-keycard", Assert.Single(items).GetProperty("item").GetString());

        // Too far from The Lurker to give it, then close enough: the mission completes and pays.
        Assert.Equal("out_of_reach", Code(await Ask(client, "mission_give", """{"item":"stolen-keycard","target":"merovingian-lurker"}""")));
        await client.MoveAsync(Lurker.X + 3, 0, Lurker.Z);
        var giveId = client.NextId();
        Assert.Equal("ack", Frames.Type(await Ask(client, "mission_give", """{"item":"stolen-keycard","target":"merovingian-lurker"}""", giveId)));
        var paid = Frames.Data(await Push(client, "mission_completed"));
        Assert.Equal((MissionFixture.Chain, 150L, 100L, 1, 2), (paid.GetProperty("mission").GetString(), paid.GetProperty("experience").GetInt64(),
            paid.GetProperty("info").GetInt64(), paid.GetProperty("levelBefore").GetInt32(), paid.GetProperty("level").GetInt32()));
        var delta = paid.GetProperty("reputation");
        Assert.Equal((20, -10, -10), (delta.GetProperty("merovingian").GetInt32(), delta.GetProperty("zion").GetInt32(), delta.GetProperty("machines").GetInt32()));

        // A retry of the same give (same id) is answered, not paid again; a new give is not needed any more.
        Assert.Equal("ack", Frames.Type(await Ask(client, "mission_give", """{"item":"stolen-keycard","target":"merovingian-lurker"}""", giveId)));
        Assert.Equal("not_needed", Code(await Ask(client, "mission_give", """{"item":"stolen-keycard","target":"merovingian-lurker"}""")));
        var sheet = Frames.Data(await Ask(client, "missions", "{}"));
        Assert.Empty(sheet.GetProperty("active").EnumerateArray());
        Assert.Equal(MissionFixture.Chain, string.Join(",", sheet.GetProperty("completed").EnumerateArray().Select(c => c.GetString())));
        Assert.Equal((2, 150L, infoBefore + 100), (sheet.GetProperty("level").GetInt32(), sheet.GetProperty("experience").GetInt64(),
            sheet.GetProperty("info").GetInt64()));
        Assert.Equal(20, sheet.GetProperty("reputation").GetProperty("merovingian").GetInt32());
        Assert.Empty(Frames.Data(await Ask(client, "inventory", "{}")).GetProperty("items").EnumerateArray());

        // Not offered again, and accepting it anyway is refused.
        var again = Frames.Data(await Ask(client, "mission_talk", """{"target":"merovingian-lurker"}"""));
        Assert.DoesNotContain(again.GetProperty("offers").EnumerateArray(), o => o.GetProperty("mission").GetString() == MissionFixture.Chain);
        Assert.Equal("already_completed", Code(await Ask(client, "mission_accept", $$"""{"mission":"{{MissionFixture.Chain}}"}""")));
    }

    [Fact]
    public async Task Bad_mission_requests_are_refused_with_their_code_and_change_nothing()
    {
        var (client, _) = await Player(fixture);
        await using var _ = client;
        await client.MoveAsync(Lurker.X - 2, 0, Lurker.Z);
        Assert.Equal("unknown_target", Code(await Ask(client, "mission_talk", """{"target":"nobody-here"}""")));
        Assert.Equal("unknown_target", Code(await Ask(client, "mission_talk", """{"target":"NOT AN ID!"}""")));
        Assert.Equal("missing_field", Code(await Ask(client, "mission_talk", "{}")));
        Assert.Equal("invalid_field", Code(await Ask(client, "mission_talk", """{"target":7}""")));
        Assert.Equal("out_of_reach", Code(await Ask(client, "mission_talk", """{"target":"zion-tyndall"}""")));
        Assert.Equal("unknown_mission", Code(await Ask(client, "mission_accept", """{"mission":"no-such-mission"}""")));
        Assert.Equal("no_offer", Code(await Ask(client, "mission_accept", """{"mission":"zion-wake-up"}""")));
        Assert.Equal("not_active", Code(await Ask(client, "mission_abandon", """{"mission":"zion-wake-up"}""")));
        Assert.Equal("unknown_object", Code(await Ask(client, "mission_get", """{"object":"no-such-object"}""")));
        Assert.Equal("out_of_reach", Code(await Ask(client, "mission_get", """{"object":"richland-tenement-door"}""")));
        Assert.Equal("not_needed", Code(await Ask(client, "mission_give", """{"item":"stolen-keycard","target":"merovingian-lurker"}""")));

        // An accepted mission, abandoned: failed, and nothing else changed.
        await Ask(client, "mission_talk", """{"target":"merovingian-lurker"}""");
        Assert.Equal("mission_accepted", Frames.Type(await Ask(client, "mission_accept", $$"""{"mission":"{{MissionFixture.Chain}}"}""")));
        Assert.Equal("already_active", Code(await Ask(client, "mission_accept", $$"""{"mission":"{{MissionFixture.Chain}}"}""")));
        Assert.Equal("ack", Frames.Type(await Ask(client, "mission_abandon", $$"""{"mission":"{{MissionFixture.Chain}}"}""")));
        Assert.Equal("abandoned", Frames.Data(await Push(client, "mission_failed")).GetProperty("reason").GetString());
        var sheet = Frames.Data(await Ask(client, "missions", "{}"));
        Assert.Empty(sheet.GetProperty("active").EnumerateArray());
        Assert.Empty(sheet.GetProperty("completed").EnumerateArray());
        Assert.Equal((1, 0L), (sheet.GetProperty("level").GetInt32(), sheet.GetProperty("experience").GetInt64()));
        // The offer was used by the accept: accepting again needs a new talk.
        Assert.Equal("no_offer", Code(await Ask(client, "mission_accept", $$"""{"mission":"{{MissionFixture.Chain}}"}""")));
    }

    [Fact]
    public async Task A_team_in_one_district_shares_objectives_and_each_member_is_paid()
    {
        var bName = "b" + Guid.NewGuid().ToString("N")[..8];
        var (a, _) = await Player(fixture);
        var (b, _) = await Player(fixture, bName);
        var (c, _) = await Player(fixture);
        await using var _a = a;
        await using var _b = b;
        await using var _c = c;
        // a and b form a team; c is on the same mission but not in the team.
        Assert.Equal("ack", Frames.Type(await Ask(a, "team_invite", $$"""{"name":"{{bName}}"}""")));
        var team = Frames.Data(await b.ExpectTypeAsync("team_invite")).GetProperty("team").GetString();
        Assert.Equal("team", Frames.Type(await Ask(b, "team_accept", $$"""{"team":"{{team}}"}""")));
        foreach (var client in new[] { a, b, c })
        {
            await client.MoveAsync(Lurker.X - 2, 0, Lurker.Z);
            await Ask(client, "mission_talk", """{"target":"merovingian-lurker"}""");
            Assert.Equal("mission_accepted", Frames.Type(await Ask(client, "mission_accept", $$"""{"mission":"{{MissionFixture.Chain}}"}""")));
        }

        // a alone talks to the NPC and walks into the area: b's mission moves with it, c's does not.
        await a.MoveAsync(-1532, 0, 50);
        await Ask(a, "mission_talk", """{"target":"richland-bluepill-2"}""");
        await Push(b, "mission_phase", d => d.GetProperty("mission").GetString() == MissionFixture.Chain && d.GetProperty("phase").GetInt32() == 1);
        await a.MoveAsync(-1480, 0, 146);
        await Push(b, "mission_phase", d => d.GetProperty("phase").GetInt32() == 2);

        // a wins the fight: both get a keycard, and b hands its own over and is paid.
        // Another bluepill than the first test's, which may still be down.
        await a.MoveAsync(-1482, 0, -58);
        var engaged = await Ask(a, "engage", """{"target":"npc:richland-bluepill-3"}""");
        Assert.True(Frames.Type(engaged) == "combat_started", engaged.ToString());
        await Push(b, "item_added", d => d.GetProperty("item").GetString() == "stolen-keycard");
        await Push(b, "mission_phase", d => d.GetProperty("phase").GetInt32() == 3);
        await b.MoveAsync(Lurker.X + 2, 0, Lurker.Z);
        Assert.Equal("ack", Frames.Type(await Ask(b, "mission_give", """{"item":"stolen-keycard","target":"merovingian-lurker"}""")));
        Assert.Equal(150, Frames.Data(await Push(b, "mission_completed")).GetProperty("experience").GetInt64());
        // The give is shared as well: a, in the same district and holding its keycard, completes with it.
        Assert.Equal(150, Frames.Data(await Push(a, "mission_completed")).GetProperty("experience").GetInt64());

        var cSheet = Frames.Data(await Ask(c, "missions", "{}"));
        Assert.Equal(0, cSheet.GetProperty("active").EnumerateArray().Single().GetProperty("phase").GetInt32());
    }

    [Fact]
    public async Task Contacts_are_public_over_http()
    {
        using var http = new HttpClient { BaseAddress = fixture.Node.Http };
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/world/contacts"));
        var lurker = doc.RootElement.GetProperty("contacts").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "merovingian-lurker");
        Assert.Contains(lurker.GetProperty("missions").EnumerateArray(), m => m.GetString() == MissionFixture.Chain);
    }
}

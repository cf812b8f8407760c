using System.Text.Json;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Teams (issue 12) over real sockets with a real node: three players form a team by invite and accept, talk in it, the
/// leader leaves and the longest-standing member leads, the last two part and the team disbands; bad input is refused
/// with the documented codes. The node is configured with teams of 3 at most, to show <c>team_full</c> with four players.
/// </summary>
public sealed class TeamTests
{
    private static string Code(JsonElement error) => ChatTests.Code(error);

    /// <summary>The answer to request <paramref name="id"/> (not a push: team_invite, team_update and chat carry no id).</summary>
    private static async Task<JsonElement> Answer(TestClient client, string id) =>
        await client.ExpectAsync(f => Frames.Type(f) is not ("team_invite" or "team_update") && ChatTests.IsAnswerTo(f, id));

    private static async Task<string> Refused(TestClient client, string type, string? data = null)
    {
        var id = await client.SendAsync(type, data);
        var answer = await Answer(client, id);
        Assert.Equal("error", Frames.Type(answer));
        return Code(answer);
    }

    private static async Task Acked(TestClient client, string type, string? data = null) =>
        Assert.Equal("ack", Frames.Type(await Answer(client, await client.SendAsync(type, data))));

    private static Task<JsonElement> Update(TestClient client, string kind) =>
        client.ExpectAsync(f => Frames.Type(f) == "team_update" && Frames.Data(f).GetProperty("kind").GetString() == kind);

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Three_players_form_a_team_talk_in_it_the_leader_leaves_and_bad_input_is_refused()
    {
        await using var node = await TestNode.StartAsync("--dev", "--Mxo:World:TeamMaxMembers=3");
        var (neoName, trinityName, morpheusName, tankName, cypherName) =
            (Unique("neo"), Unique("trin"), Unique("morph"), Unique("tank"), Unique("cyph"));
        await using var neo = await TestClient.ConnectAsync(node.Ws);
        await using var trinity = await TestClient.ConnectAsync(node.Ws);
        await using var morpheus = await TestClient.ConnectAsync(node.Ws);
        await using var tank = await TestClient.ConnectAsync(node.Ws);
        Assert.Equal(JsonValueKind.Null, Frames.Data(await neo.HelloAsync(neoName)).GetProperty("team").ValueKind);
        await trinity.HelloAsync(trinityName);
        await morpheus.HelloAsync(morpheusName);
        await tank.HelloAsync(tankName);

        // Refused before there is a team. (Team changes share a per-character limit of bursts of 5, so the refusals
        // are spread over the players.)
        Assert.Equal("not_in_team", await Refused(neo, "team_info"));
        Assert.Equal("not_in_team", await Refused(neo, "chat", """{"channel":"team","text":"anyone?"}"""));
        Assert.Equal("not_in_team", await Refused(tank, "team_leave"));
        Assert.Equal("unknown_recipient", await Refused(tank, "team_invite", """{"name":"nobody-at-all"}"""));
        Assert.Equal("self_target", await Refused(tank, "team_invite", $$"""{"name":"{{tankName}}"}"""));
        Assert.Equal("no_such_invite", await Refused(trinity, "team_accept", """{"team":"not a team"}"""));
        Assert.Equal("no_such_invite", await Refused(morpheus, "team_accept", """{"team":"t0123456789abcdef0123456789abcdef"}"""));
        Assert.Equal("missing_field", await Refused(trinity, "team_accept", """{"crew":"x"}"""));

        // Only online players can be invited. Cypher's detach and Neo's invite travel different ways to his entity, so
        // Neo waits for not_online with whispers (which change nothing) before he invites.
        var cypher = await TestClient.ConnectAsync(node.Ws);
        await cypher.HelloAsync(cypherName);
        await cypher.DisposeAsync();
        var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "never not_online after Cypher left");
            var id = await neo.SendAsync("whisper", $$"""{"to":"{{cypherName}}","text":"Cypher?"}""");
            var answer = await Answer(neo, id);
            if (Frames.Type(answer) == "ack") continue;
            var code = Code(answer);
            if (code == "not_online") break;
            Assert.Equal("rate_limited", code);
            await Task.Delay(TimeSpan.FromMilliseconds(Frames.Data(answer).GetProperty("retryAfterMs").GetInt64()));
        }
        Assert.Equal("not_online", await Refused(neo, "team_invite", $$"""{"name":"{{cypherName}}"}"""));
        Assert.Equal("not_in_team", await Refused(neo, "team_info")); // the refused invite formed no team

        // Neo's first invite forms the team with him as leader; Trinity is told and accepts.
        await Acked(neo, "team_invite", $$"""{"name":"{{trinityName}}"}""");
        var invite = Frames.Data(await trinity.ExpectTypeAsync("team_invite"));
        var team = invite.GetProperty("team").GetString()!;
        Assert.Equal((neoName.ToLowerInvariant(), neoName), (invite.GetProperty("from").GetString(), invite.GetProperty("fromName").GetString()));
        var joined = Frames.Data(await trinity.ExpectTypeAsync("team", await trinity.SendAsync("team_accept", $$"""{"team":"{{team}}"}""")));
        Assert.Equal((team, neoName.ToLowerInvariant(), 2),
            (joined.GetProperty("team").GetString(), joined.GetProperty("leader").GetString(), joined.GetProperty("members").GetArrayLength()));
        Assert.Equal(trinityName.ToLowerInvariant(), Frames.Data(await Update(neo, "joined")).GetProperty("player").GetString());
        Assert.Equal("already_in_team", await Refused(trinity, "team_accept", $$"""{"team":"{{team}}"}"""));
        Assert.Equal("already_in_team", await Refused(morpheus, "team_invite", $$"""{"name":"{{trinityName}}"}"""));

        // Morpheus makes three; a fourth is one too many for this node (Mxo:World:TeamMaxMembers=3).
        await Acked(neo, "team_invite", $$"""{"name":"{{morpheusName}}"}""");
        await morpheus.ExpectTypeAsync("team_invite");
        var three = Frames.Data(await morpheus.ExpectTypeAsync("team", await morpheus.SendAsync("team_accept", $$"""{"team":"{{team}}"}""")));
        Assert.Equal(3, three.GetProperty("members").GetArrayLength());
        await Update(trinity, "joined");
        Assert.Equal("team_full", await Refused(neo, "team_invite", $$"""{"name":"{{tankName}}"}"""));
        Assert.Equal("no_such_invite", await Refused(tank, "team_accept", $$"""{"team":"{{team}}"}"""));
        Assert.Equal("not_in_team", await Refused(tank, "chat", """{"channel":"team","text":"let me in"}"""));
        Assert.Equal("not_team_leader", await Refused(trinity, "team_kick", $$"""{"name":"{{neoName}}"}"""));
        Assert.Equal("not_team_leader", await Refused(morpheus, "team_leader", $$"""{"name":"{{morpheusName}}"}"""));
        Assert.Equal("empty_text", await Refused(neo, "chat", """{"channel":"team","text":"   "}"""));

        // A team line reaches every member online; it is acknowledged, and not kept.
        var line = await neo.SendAsync("chat", """{"channel":"team","text":"Meet at the hardline."}""");
        foreach (var member in new[] { trinity, morpheus })
        {
            var heard = Frames.Data(await member.ExpectTypeAsync("chat"));
            Assert.Equal(("team", team, "Meet at the hardline.", neoName.ToLowerInvariant()),
                (heard.GetProperty("channel").GetString(), heard.GetProperty("team").GetString(), heard.GetProperty("text").GetString(),
                    heard.GetProperty("from").GetString()));
        }
        Assert.Equal("ack", Frames.Type(await Answer(neo, line)));

        // The leader leaves: Trinity, the longest-standing member, leads, and both are told.
        await Acked(neo, "team_leave");
        foreach (var member in new[] { trinity, morpheus })
        {
            Assert.Equal(neoName.ToLowerInvariant(), Frames.Data(await Update(member, "left")).GetProperty("player").GetString());
            Assert.Equal(trinityName.ToLowerInvariant(), Frames.Data(await Update(member, "leader")).GetProperty("leader").GetString());
        }
        Assert.Equal("not_in_team", await Refused(neo, "team_info"));
        var info = Frames.Data(await morpheus.ExpectTypeAsync("team", await morpheus.SendAsync("team_info")));
        Assert.Equal((trinityName.ToLowerInvariant(), 2), (info.GetProperty("leader").GetString(), info.GetProperty("members").GetArrayLength()));

        // Morpheus reconnects: the team is in his welcome.
        await morpheus.DisposeAsync();
        await using var again = await TestClient.ConnectAsync(node.Ws);
        Assert.Equal(team, Frames.Data(await again.HelloAsync(morpheusName)).GetProperty("team").GetProperty("id").GetString());

        // Trinity leaves too: Morpheus alone, the team disbands and his copy is cleared.
        await Acked(trinity, "team_leave");
        var disbanded = Frames.Data(await Update(again, "disbanded"));
        Assert.Equal(JsonValueKind.Null, disbanded.GetProperty("leader").ValueKind);
        Assert.Equal("not_in_team", await Refused(again, "team_info"));
    }
}

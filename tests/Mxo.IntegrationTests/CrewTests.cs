using System.Text.Json;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Crews (issue 12) over real sockets: two players on different edge nodes of a cluster form a crew and talk in it; a
/// member who reconnects still has it in <c>welcome</c>; bad input is refused with a code and changes nothing; the crew
/// and its lines survive a node restart on SQLite.
/// </summary>
public sealed class CrewTests
{
    private static string Code(JsonElement error) => ChatTests.Code(error);

    /// <summary>The answer to request <paramref name="id"/> (not a push: crew_invite, crew_update and chat carry no id).</summary>
    private static async Task<JsonElement> Answer(TestClient client, string id) =>
        await client.ExpectAsync(f => Frames.Type(f) is not ("crew_invite" or "crew_update") && ChatTests.IsAnswerTo(f, id));

    private static async Task<string> Refused(TestClient client, string type, string? data = null)
    {
        var id = await client.SendAsync(type, data);
        var answer = await Answer(client, id);
        Assert.Equal("error", Frames.Type(answer));
        return Code(answer);
    }

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Players_on_different_edge_nodes_form_a_crew_and_talk_in_it_and_bad_input_changes_nothing()
    {
        using var data = new TempData();
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world"]);
        await using var edgeA = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);
        await using var edgeB = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);
        await TwoNodeClusterTests.AwaitMembers(world, 3);

        var neoName = Unique("neo");
        var trinityName = Unique("trin");
        var crewName = Unique("Zion ");
        await using var neo = await TestClient.ConnectAsync(edgeA.Ws);
        var trinity = await TestClient.ConnectAsync(edgeB.Ws);
        Assert.Equal(JsonValueKind.Null, Frames.Data(await neo.HelloAsync(neoName)).GetProperty("crew").ValueKind);
        await trinity.HelloAsync(trinityName);

        // Refused before there is a crew.
        Assert.Equal("not_in_crew", await Refused(neo, "crew_info"));
        Assert.Equal("not_in_crew", await Refused(neo, "chat", """{"channel":"crew","text":"anyone?"}"""));
        Assert.Equal("invalid_crew_name", await Refused(neo, "crew_create", """{"name":"x"}"""));

        var created = Frames.Data(await neo.ExpectTypeAsync("crew", await neo.SendAsync("crew_create", $$"""{"name":"{{crewName}}"}""")));
        Assert.Equal((crewName, neoName.ToLowerInvariant()), (created.GetProperty("name").GetString(), created.GetProperty("captain").GetString()));
        Assert.Equal("crew_name_taken", await Refused(trinity, "crew_create", $$"""{"name":"{{crewName.ToUpperInvariant()}}"}"""));
        Assert.Equal("already_in_crew", await Refused(neo, "crew_create", """{"name":"Another Crew"}"""));
        Assert.Equal("unknown_recipient", await Refused(neo, "crew_invite", """{"name":"nobody-at-all"}"""));
        Assert.Equal("no_invite", await Refused(trinity, "crew_accept", $$"""{"crew":"{{crewName}}"}"""));

        // Neo (edge A) invites Trinity (edge B): she is told at once, and accepts.
        await neo.ExpectTypeAsync("ack", await neo.SendAsync("crew_invite", $$"""{"name":"{{trinityName}}"}"""));
        var invite = Frames.Data(await trinity.ExpectTypeAsync("crew_invite"));
        Assert.Equal((crewName, neoName.ToLowerInvariant()), (invite.GetProperty("name").GetString(), invite.GetProperty("from").GetString()));
        var joined = Frames.Data(await trinity.ExpectTypeAsync("crew", await trinity.SendAsync("crew_accept", $$"""{"crew":"{{crewName}}"}""")));
        Assert.Equal(2, joined.GetProperty("members").GetArrayLength());
        var update = Frames.Data(await neo.ExpectTypeAsync("crew_update"));
        Assert.Equal(("joined", trinityName.ToLowerInvariant()), (update.GetProperty("kind").GetString(), update.GetProperty("player").GetString()));

        // A member who is not the captain may not invite, kick or hand over.
        Assert.Equal("not_captain", await Refused(trinity, "crew_kick", $$"""{"name":"{{neoName}}"}"""));
        Assert.Equal("not_captain", await Refused(trinity, "crew_captain", $$"""{"name":"{{trinityName}}"}"""));
        Assert.Equal("bad_cursor", await Refused(trinity, "crew_history", """{"cursor":"garbage"}"""));
        Assert.Equal("empty_text", await Refused(trinity, "chat", """{"channel":"crew","text":"   "}"""));

        // Crew chat crosses the edge nodes both ways, and is acknowledged after it is kept.
        var line = await neo.SendAsync("chat", """{"channel":"crew","text":"Meet at the hardline."}""");
        var heard = Frames.Data(await trinity.ExpectTypeAsync("chat"));
        Assert.Equal(("crew", "Meet at the hardline.", neoName.ToLowerInvariant()),
            (heard.GetProperty("channel").GetString(), heard.GetProperty("text").GetString(), heard.GetProperty("from").GetString()));
        await neo.ExpectTypeAsync("ack", line);
        var answer = await trinity.SendAsync("chat", """{"channel":"crew","text":"On my way."}""");
        Assert.Equal("On my way.", Frames.Data(await neo.ExpectAsync(f => Frames.Type(f) == "chat" && Frames.Data(f).GetProperty("text").GetString() == "On my way."))
            .GetProperty("text").GetString());
        await trinity.ExpectTypeAsync("ack", answer);

        var history = Frames.Data(await trinity.ExpectTypeAsync("crew_history", await trinity.SendAsync("crew_history", """{"limit":1}""")));
        Assert.Equal("On my way.", history.GetProperty("lines")[0].GetProperty("text").GetString());
        var cursor = history.GetProperty("next").GetString();
        var older = Frames.Data(await trinity.ExpectTypeAsync("crew_history",
            await trinity.SendAsync("crew_history", $$"""{"cursor":"{{cursor}}","limit":100}""")));
        Assert.Equal(["Meet at the hardline."], older.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()));
        Assert.Equal(JsonValueKind.Null, older.GetProperty("next").ValueKind);

        // Trinity reconnects through the other edge node: the crew is in her welcome.
        await trinity.DisposeAsync();
        await using var again = await TestClient.ConnectAsync(edgeA.Ws);
        var welcome = Frames.Data(await again.HelloAsync(trinityName));
        Assert.Equal(crewName, welcome.GetProperty("crew").GetProperty("name").GetString());

        // Nothing the refusals above touched changed: two members, Neo captain.
        var info = Frames.Data(await again.ExpectTypeAsync("crew", await again.SendAsync("crew_info")));
        Assert.Equal((neoName.ToLowerInvariant(), 2), (info.GetProperty("captain").GetString(), info.GetProperty("members").GetArrayLength()));

        // The captain leaves: Trinity is captain now, told so.
        await neo.ExpectTypeAsync("ack", await neo.SendAsync("crew_leave"));
        var captain = await again.ExpectAsync(f => Frames.Type(f) == "crew_update" && Frames.Data(f).GetProperty("kind").GetString() == "captain");
        Assert.Equal(trinityName.ToLowerInvariant(), Frames.Data(captain).GetProperty("captain").GetString());
        Assert.Equal("not_in_crew", await Refused(neo, "crew_info"));
    }

    [Fact]
    public async Task A_crew_and_its_lines_survive_a_node_restart_on_sqlite()
    {
        using var data = new TempData();
        var neoName = Unique("neo");
        var crewName = Unique("Crew");
        await using (var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev"]))
        await using (var neo = await TestClient.ConnectAsync(node.Ws))
        {
            await neo.HelloAsync(neoName);
            await neo.ExpectTypeAsync("crew", await neo.SendAsync("crew_create", $$"""{"name":"{{crewName}}"}"""));
            var line = await neo.SendAsync("chat", """{"channel":"crew","text":"Still here after a restart?"}""");
            await neo.ExpectTypeAsync("ack", line);
        }

        await using var restarted = await TestNode.StartAsync([.. data.SqliteArgs, "--dev"]);
        await using var back = await TestClient.ConnectAsync(restarted.Ws);
        var welcome = Frames.Data(await back.HelloAsync(neoName));
        Assert.Equal((crewName.ToLowerInvariant(), crewName),
            (welcome.GetProperty("crew").GetProperty("id").GetString(), welcome.GetProperty("crew").GetProperty("name").GetString()));
        var history = Frames.Data(await back.ExpectTypeAsync("crew_history", await back.SendAsync("crew_history")));
        Assert.Equal("Still here after a restart?", history.GetProperty("lines")[0].GetProperty("text").GetString());
        var info = Frames.Data(await back.ExpectTypeAsync("crew", await back.SendAsync("crew_info")));
        Assert.Equal(neoName.ToLowerInvariant(), info.GetProperty("captain").GetString());
    }
}

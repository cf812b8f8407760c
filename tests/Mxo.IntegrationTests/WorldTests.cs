using Akka.Actor;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// A --dev node whose speed limit is raised (2,000 u/s) so tests can place players anywhere in a step or two, with
/// every hardline unlocked on arrival and a one-second jack-out. The speed limit itself is tested on a default node.
/// </summary>
public sealed class FastWorldFixture : IAsyncLifetime
{
    private readonly TempData _data = new();
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync([
        .. _data.SqliteArgs, "--dev",
        "--Mxo:World:MaxSpeed=2000", "--Mxo:World:HardlineUnlockRadius=5000", "--Mxo:World:JackOutDuration=00:00:01",
    ]);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }
}

public sealed class WorldTests(FastWorldFixture fixture) : IClassFixture<FastWorldFixture>
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private async Task<(TestClient Client, string Id)> PlayerAt(string district, double x, double z)
    {
        var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        var name = Unique("p");
        await client.HelloAsync(name);
        await client.EnterAsync(district);
        await client.MoveAsync(x, 0, z);
        return (client, name.ToLowerInvariant());
    }

    [Fact]
    public async Task Only_players_within_the_radius_see_each_other()
    {
        var (a, aId) = await PlayerAt("richland", -1500, 300);
        var (b, bId) = await PlayerAt("richland", -1490, 310);
        var (far, _) = await PlayerAt("richland", -1500, -300);
        await using (a)
        await using (b)
        await using (far)
        {
            await b.ExpectAsync(f => Frames.SeenAt(f, aId) == (-1500.0, 0.0, 300.0), what: "a seen by b");
            await a.MoveAsync(-1501, 0, 301);
            await b.ExpectAsync(f => Frames.SeenAt(f, aId) == (-1501.0, 0.0, 301.0), what: "a's move seen by b");

            // The far player hears nothing about a or b: ping/pong is the explicit signal that everything sent
            // before it has arrived.
            var ping = await far.SendAsync("ping");
            var frames = new List<JsonElement>();
            await far.ExpectAsync(f =>
            {
                frames.Add(f);
                return Frames.Type(f) == "pong" && f.GetProperty("id").GetString() == ping;
            });
            Assert.DoesNotContain(frames, f => Frames.SeenAt(f, aId) is not null || Frames.SeenAt(f, bId.ToLowerInvariant()) is not null);
        }
    }

    [Fact]
    public async Task Crossing_an_edge_hands_over_and_both_sides_see_leave_and_enter()
    {
        var (west, _) = await PlayerAt("westview", -20, 500);
        var (east, _) = await PlayerAt("international", 20, 500);
        var (mover, moverId) = await PlayerAt("westview", -5, 500);
        await using (west)
        await using (east)
        await using (mover)
        {
            await west.ExpectAsync(f => Frames.SeenAt(f, moverId) is not null, what: "mover in view on the west side");
            await mover.MoveAsync(5, 0, 500);
            var entered = await mover.ExpectAsync(f => Frames.Type(f) == "entered", what: "hand-over");
            Assert.Equal("international", Frames.Data(entered).GetProperty("district").GetString());
            Assert.False(entered.TryGetProperty("id", out _));
            await east.ExpectAsync(f => Frames.SeesEnter(f, moverId), what: "mover entering on the east side");
            await west.ExpectAsync(f => Frames.Type(f) == "view"
                && Frames.Data(f).GetProperty("left").EnumerateArray().Any(l => l.GetString() == moverId), what: "mover leaving the west side");
        }
    }

    [Fact]
    public async Task Hardlines_teleport_and_jack_out_ends_the_session()
    {
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        await client.HelloAsync(Unique("jack"));
        await client.EnterAsync("downtown");
        await client.ExpectAsync(f => Frames.Type(f) == "hardline_unlocked"
            && Frames.Data(f).GetProperty("hardline").GetString() == "downtown-achlys", what: "unlock");

        var locked = await client.SendAsync("teleport", """{"hardline":"richland-kedemoth"}""");
        Assert.Equal("hardline_locked", Frames.Data(await client.ExpectTypeAsync("error", locked)).GetProperty("code").GetString());
        var teleport = await client.SendAsync("teleport", """{"hardline":"downtown-achlys"}""");
        var entered = Frames.Data(await client.ExpectTypeAsync("entered", teleport));
        Assert.Equal((1710.0, 0.0, -260.0), Frames.Position(entered.GetProperty("position")));

        var first = await client.SendAsync("jack_out");
        await client.MoveAsync(1711, 0, -260);
        Assert.Equal("jack_out_cancelled", Frames.Data(await client.ExpectTypeAsync("error", first)).GetProperty("code").GetString());
        var second = await client.SendAsync("jack_out");
        await client.ExpectTypeAsync("jacked_out", second);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await client.ExpectCloseAsync());
    }

    [Fact]
    public async Task A_derezzed_player_is_told_cannot_walk_or_teleport_and_reconstructs_at_a_hardline()
    {
        var name = Unique("derez");
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        await client.HelloAsync(name);
        await client.EnterAsync("downtown");
        await client.ExpectAsync(f => Frames.Type(f) == "hardline_unlocked"
            && Frames.Data(f).GetProperty("hardline").GetString() == "downtown-kalaa-heights", what: "unlock");
        var early = await client.SendAsync("reconstruct");
        Assert.Equal("not_derezzed", Frames.Data(await client.ExpectTypeAsync("error", early)).GetProperty("code").GetString());

        // What a combat encounter sends a fighter after a round that left it at health 0.
        var players = Akka.Hosting.ActorRegistry.For(fixture.Node.System).Get<Mxo.Actors.Players.PlayerRegion>();
        var taken = await players.Ask<Mxo.Protocol.Combat.CombatReplies.RoundTaken>(
            new Mxo.Protocol.Players.PlayerCommands.TakeCombatRound(Mxo.Protocol.PlayerId.FromName(name), "enc-it", 4, 0, 35),
            Mxo.TestSupport.TestTime.Scaled(TimeSpan.FromSeconds(10)));
        Assert.Equal(("enc-it", 4), (taken.EncounterId, taken.Round));
        var derezzed = Frames.Data(await client.ExpectTypeAsync("derezzed"));
        Assert.Equal(("enc-it", 4), (derezzed.GetProperty("encounter").GetString(), derezzed.GetProperty("round").GetInt32()));

        await client.MoveAsync(1501, 0, 0);
        var corrected = Frames.Data(await client.ExpectTypeAsync("position_corrected"));
        Assert.Equal("derezzed", corrected.GetProperty("reason").GetString());
        var teleport = await client.SendAsync("teleport", """{"hardline":"downtown-achlys"}""");
        Assert.Equal("derezzed", Frames.Data(await client.ExpectTypeAsync("error", teleport)).GetProperty("code").GetString());

        var back = await client.SendAsync("reconstruct", """{"hardline":"downtown-kalaa-heights"}""");
        var reconstructed = Frames.Data(await client.ExpectTypeAsync("reconstructed", back));
        Assert.Equal((1380.0, 0.0, 720.0), Frames.Position(reconstructed.GetProperty("position")));
        Assert.Equal((500, 200), (reconstructed.GetProperty("health").GetInt32(), reconstructed.GetProperty("innerStrength").GetInt32()));
        Assert.True(reconstructed.GetProperty("deathEffectUntil").GetInt64() > DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds());
        // Back in play (the fifth travel request: within the burst of the travel rate limit).
        var teleportAgain = await client.SendAsync("teleport", """{"hardline":"downtown-achlys"}""");
        await client.ExpectTypeAsync("entered", teleportAgain);
    }

    [Fact]
    public async Task Using_a_door_is_recorded_and_everyone_present_hears_it()
    {
        var (opener, openerId) = await PlayerAt("westview", -458, 205);
        var (other, _) = await PlayerAt("westview", -500, -600);
        await using (opener)
        await using (other)
        {
            var tooFar = await other.SendAsync("interact", """{"object":"westview-warehouse-door","action":"open"}""");
            Assert.Equal("out_of_reach", Frames.Data(await other.ExpectTypeAsync("error", tooFar)).GetProperty("code").GetString());
            var open = await opener.SendAsync("interact", """{"object":"westview-warehouse-door","action":"open"}""");
            await opener.ExpectTypeAsync("ack", open);
            var changed = Frames.Data(await other.ExpectTypeAsync("object_changed"));
            Assert.Equal(("westview-warehouse-door", "open", openerId),
                (changed.GetProperty("object").GetProperty("id").GetString(), changed.GetProperty("object").GetProperty("state").GetString(),
                    changed.GetProperty("by").GetString()));
        }

        using var http = new HttpClient { BaseAddress = fixture.Node.Http };
        var district = JsonDocument.Parse(await http.GetStringAsync("/world/districts/westview")).RootElement;
        Assert.Contains(district.GetProperty("objects").EnumerateArray(),
            o => o.GetProperty("id").GetString() == "westview-warehouse-door" && o.GetProperty("state").GetString() == "open");
    }

    [Fact]
    public async Task Entering_tells_the_environment()
    {
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        await client.HelloAsync(Unique("env"));
        await client.EnterAsync("international");
        var environment = Frames.Data(await client.ExpectTypeAsync("environment"));
        Assert.Contains(environment.GetProperty("phase").GetString(), new[] { "sunrise", "daylight", "sunset", "night" });
        Assert.True(environment.GetProperty("gameSeconds").GetInt64() > 0);
    }

    [Fact]
    public async Task District_state_over_http_counts_players_without_naming_them()
    {
        var (client, id) = await PlayerAt("international", 500, 0);
        await using (client)
        {
            using var http = new HttpClient { BaseAddress = fixture.Node.Http };
            var list = await http.GetStringAsync("/world/districts");
            var districts = JsonDocument.Parse(list).RootElement.GetProperty("districts");
            Assert.Equal(4, districts.GetArrayLength());
            var international = districts.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "international");
            Assert.True(international.GetProperty("present").GetInt32() >= 1);
            Assert.Equal(100, international.GetProperty("capacity").GetInt32());
            var one = await http.GetStringAsync("/world/districts/international");
            Assert.DoesNotContain(id, one);
            Assert.DoesNotContain(id, list);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/world/districts/zion")).StatusCode);
        }
    }

    [Fact]
    public async Task Contacts_over_http_are_the_mission_tables_in_file_order_with_their_missions()
    {
        using var http = new HttpClient { BaseAddress = fixture.Node.Http }; // no token: the endpoint is public
        using var response = await http.GetAsync("/world/contacts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var contacts = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("contacts");

        // What the node loaded: the shipped file, beside the binary.
        var map = Mxo.Protocol.World.WorldMap.Load(Mxo.Protocol.World.WorldMap.DefaultPath);
        var table = Mxo.Protocol.Missions.MissionTable.Load(Mxo.Protocol.Missions.MissionTable.DefaultPath, map,
            Mxo.Protocol.Npcs.NpcTable.Load(Mxo.Protocol.Npcs.NpcTable.DefaultPath,
                Mxo.Protocol.Combat.CombatTable.Load(Mxo.Protocol.Combat.CombatTable.DefaultPath), map));
        Assert.Equal(table.Contacts.Select(c => c.Id), contacts.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        foreach (var (json, contact) in contacts.EnumerateArray().Zip(table.Contacts))
        {
            Assert.Equal(["id", "name", "organisation", "district", "position", "reputation", "missions"],
                json.EnumerateObject().Select(p => p.Name));
            Assert.Equal((contact.Name, contact.Organisation, contact.District.Value, contact.ReputationNeeded),
                (json.GetProperty("name").GetString(), json.GetProperty("organisation").GetString(), json.GetProperty("district").GetString(),
                    json.GetProperty("reputation").GetInt32()));
            Assert.Equal((contact.Position.X, contact.Position.Y, contact.Position.Z), Frames.Position(json.GetProperty("position")));
            Assert.Equal(table.Missions.Where(m => m.Contact.Id == contact.Id).Select(m => m.Id),
                json.GetProperty("missions").EnumerateArray().Select(m => m.GetString()));
        }

        // Spelled out once, so that a change of the table's reading cannot pass unseen.
        var ballard = contacts.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "zion-ballard");
        Assert.Equal("""{"id":"zion-ballard","name":"Ballard","organisation":"zion","district":"downtown","position":{"x":1555,"y":0,"z":60},"reputation":25,"missions":["zion-bank-job"]}""",
            ballard.GetRawText());
        var sparks = contacts.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "zion-sparks");
        Assert.Equal(["zion-dock-manifest", "zion-exile-code", "blue-moon-exiles"], sparks.GetProperty("missions").EnumerateArray().Select(m => m.GetString()));
    }
}

public sealed class WorldLimitsTests
{
    [Fact]
    public async Task A_speed_hack_is_corrected_and_nobody_sees_it()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev"]);
        await using var cheat = await TestClient.ConnectAsync(node.Ws);
        await using var watcher = await TestClient.ConnectAsync(node.Ws);
        var cheatName = "cheater" + Guid.NewGuid().ToString("N")[..6];
        await cheat.HelloAsync(cheatName);
        await watcher.HelloAsync("watcher" + Guid.NewGuid().ToString("N")[..6]);
        await cheat.EnterAsync("downtown");
        await watcher.EnterAsync("downtown");

        await cheat.MoveAsync(1560, 0, 0); // 60 units at once: 3 seconds of running
        var corrected = Frames.Data(await cheat.ExpectTypeAsync("position_corrected"));
        Assert.Equal("too_fast", corrected.GetProperty("reason").GetString());
        Assert.Equal((1500.0, 0.0, 0.0), Frames.Position(corrected.GetProperty("position")));
        await cheat.MoveAsync(1503, 0, 0); // a legitimate step is still accepted
        var seen = new List<(double, double, double)>();
        await watcher.ExpectAsync(f =>
        {
            if (Frames.SeenAt(f, cheatName) is { } at) seen.Add(at);
            return Frames.SeenAt(f, cheatName) == (1503.0, 0.0, 0.0);
        }, what: "the legitimate step");
        Assert.DoesNotContain((1560.0, 0.0, 0.0), seen);
    }

    [Fact]
    public async Task In_a_crowd_a_client_hears_of_its_nearest_players_only()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev", "--Mxo:World:ViewCap=2"]);
        var crowd = new List<TestClient>();
        try
        {
            // Four stand on Downtown's spawn point; a fifth arrives and is told of two of them, and its view stays at two.
            for (var i = 0; i < 4; i++)
            {
                var client = await TestClient.ConnectAsync(node.Ws);
                crowd.Add(client);
                await client.HelloAsync($"crowd{i}{Guid.NewGuid():N}"[..14]);
                await client.EnterAsync("downtown");
            }
            await using var late = await TestClient.ConnectAsync(node.Ws);
            await late.HelloAsync("late" + Guid.NewGuid().ToString("N")[..8]);
            var entered = Frames.Data(await late.EnterAsync("downtown"));
            Assert.Equal(2, entered.GetProperty("occupants").GetArrayLength());

            // Its views (left, then entered) never hold more than two; ping/pong marks the end of what was sent.
            var view = new HashSet<string>(entered.GetProperty("occupants").EnumerateArray().Select(o => o.GetProperty("id").GetString()!));
            var ping = await late.SendAsync("ping");
            await late.ExpectAsync(f =>
            {
                if (Frames.Type(f) == "view")
                {
                    var d = Frames.Data(f);
                    foreach (var left in d.GetProperty("left").EnumerateArray()) view.Remove(left.GetString()!);
                    foreach (var o in d.GetProperty("entered").EnumerateArray()) view.Add(o.GetProperty("id").GetString()!);
                    Assert.True(view.Count <= 2, $"a view of {view.Count}");
                }
                return Frames.Type(f) == "pong" && f.GetProperty("id").GetString() == ping;
            });
            Assert.Equal(2, view.Count);
        }
        finally
        {
            foreach (var client in crowd) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_full_district_refuses_entry_and_says_where_to_go()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--dev", "--Mxo:World:DistrictCapacity=1"]);
        await using var first = await TestClient.ConnectAsync(node.Ws);
        await using var second = await TestClient.ConnectAsync(node.Ws);
        await first.HelloAsync("first" + Guid.NewGuid().ToString("N")[..6]);
        await second.HelloAsync("second" + Guid.NewGuid().ToString("N")[..6]);
        await first.EnterAsync("downtown");
        var id = await second.SendAsync("enter", """{"district":"downtown"}""");
        var error = Frames.Data(await second.ExpectTypeAsync("error", id));
        Assert.Equal("district_full", error.GetProperty("code").GetString());
        Assert.Contains("westview", error.GetProperty("message").GetString());
        await second.EnterAsync("westview");
    }
}

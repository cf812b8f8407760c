using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>One real node (both roles, SQLite journal) shared by the tests of this class.</summary>
public sealed class DevNodeFixture : IAsyncLifetime
{
    private readonly TempData _data = new();
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync([.. _data.SqliteArgs, "--dev"]);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }
}

public sealed class EndToEndTests(DevNodeFixture fixture) : IClassFixture<DevNodeFixture>
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Two_players_in_Downtown_see_each_other_move_and_talk()
    {
        await using var neo = await TestClient.ConnectAsync(fixture.Node.Ws);
        await using var trinity = await TestClient.ConnectAsync(fixture.Node.Ws);
        var neoName = Unique("neo");
        var trinityName = Unique("trin");

        var welcome = Frames.Data(await neo.HelloAsync(neoName)).GetProperty("player");
        Assert.Equal((500, 200, 1000), (welcome.GetProperty("health").GetInt32(), welcome.GetProperty("innerStrength").GetInt32(), welcome.GetProperty("info").GetInt32()));
        await trinity.HelloAsync(trinityName);
        await neo.EnterAsync("downtown");
        var entered = Frames.Data(await trinity.EnterAsync("downtown"));
        Assert.Contains(entered.GetProperty("occupants").EnumerateArray(), o => o.GetProperty("id").GetString() == neoName);
        await neo.ExpectAsync(f => Frames.SeesEnter(f, trinityName), what: "Trinity entering Neo's view");

        await trinity.MoveAsync(1503, 0, 4);
        await neo.ExpectAsync(f => Frames.SeenAt(f, trinityName) == (1503.0, 0.0, 4.0), what: "Trinity's move");

        var sayId = await trinity.SendAsync("say", """{"text":"Follow the white rabbit."}""");
        var chat = Frames.Data(await neo.ExpectTypeAsync("chat"));
        Assert.Equal(("Follow the white rabbit.", trinityName), (chat.GetProperty("text").GetString(), chat.GetProperty("from").GetString()));
        await trinity.ExpectTypeAsync("ack", sayId);
    }

    [Theory]
    [InlineData("""{"type":"move","v":1,"id":"b1","data":{"x":1,"y":2}""", "malformed_json", null)]
    [InlineData("""{"type":"dance","v":1,"id":"b2"}""", "unknown_type", "b2")]
    [InlineData("""{"type":"enter","id":"b3","data":{"district":"downtown"}}""", "missing_field", "b3")]
    [InlineData("""{"type":"enter","v":9,"id":"b4","data":{"district":"downtown"}}""", "unsupported_version", "b4")]
    [InlineData("""{"type":"enter","v":1,"id":"b5","data":{}}""", "missing_field", "b5")]
    [InlineData("""{"type":"move","v":1,"id":"b6","data":{"x":1e300,"y":0,"z":0}}""", "invalid_position", "b6")]
    [InlineData("""{"type":"enter","v":1,"id":"b7","data":{"district":"zion"}}""", "unknown_district", "b7")]
    public async Task Bad_frames_get_documented_errors_keep_the_connection_and_change_nothing(string frame, string code, string? id)
    {
        var name = Unique("bad");
        await using (var client = await TestClient.ConnectAsync(fixture.Node.Ws))
        {
            await client.HelloAsync(name);
            await client.SendRawAsync(frame);
            var error = await client.ExpectTypeAsync("error");
            Assert.Equal(code, Frames.Data(error).GetProperty("code").GetString());
            Assert.Equal(id, error.TryGetProperty("id", out var i) ? i.GetString() : null);
            // still open and usable
            var ping = await client.SendAsync("ping");
            await client.ExpectTypeAsync("pong", ping);
        }

        // Nothing reached the character: it is still nowhere, at the origin.
        await using var again = await TestClient.ConnectAsync(fixture.Node.Ws);
        var player = Frames.Data(await again.HelloAsync(name)).GetProperty("player");
        Assert.Equal(JsonValueKind.Null, player.GetProperty("district").ValueKind);
        Assert.Equal((0.0, 0.0, 0.0), Frames.Position(player.GetProperty("position")));
    }

    [Fact]
    public async Task A_frame_over_64_KiB_closes_with_1009()
    {
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        await client.SendRawAsync("{\"type\":\"say\",\"v\":1,\"data\":{\"text\":\"" + new string('x', 70_000) + "\"}}");
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ExpectCloseAsync());
    }

    [Fact]
    public async Task Requests_before_hello_are_refused()
    {
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        var id = await client.SendAsync("enter", """{"district":"downtown"}""");
        Assert.Equal("not_identified", Frames.Data(await client.ExpectTypeAsync("error", id)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Health_and_plain_http_on_the_socket_path()
    {
        using var http = new HttpClient { BaseAddress = fixture.Node.Http };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        var ready = await http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"ready\"", await ready.Content.ReadAsStringAsync());
        var ws = await http.GetAsync("/ws");
        Assert.Equal(HttpStatusCode.BadRequest, ws.StatusCode);
        Assert.Contains("websocket_required", await ws.Content.ReadAsStringAsync());
    }
}

using System.Net;
using System.Text.Json;
using Mxo.Actors.Notifications;
using Mxo.Protocol;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Notifications end to end (docs/protocol.md, "Notifications"): operators' <c>world notify</c> and
/// <c>world notify-all</c> over the real operator port, players over real sockets, inboxes on SQLite and PostgreSQL.
/// </summary>
public sealed class NotificationTests
{
    private static string[] OperatorArgs(int port) => [$"--Mxo:Operator:Url=http://127.0.0.1:{port}"];

    private static async Task<string> PbmOkAsync(int port, params string[] args)
    {
        var (exit, output, error) = await OperatorTests.PbmAsync(port, args);
        Assert.True(exit == 0, $"pbm {string.Join(' ', args)} exited {exit}: {error}");
        return output.Trim();
    }

    /// <summary>The next frame, whatever it is: what a test asserts came first (nothing else before it).</summary>
    private static async Task<JsonElement> NextAsync(TestClient client)
    {
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        return await client.ReceiveAsync(cts.Token) ?? throw new InvalidOperationException("the socket closed");
    }

    private static async Task<JsonElement> ListAsync(TestClient client, string data = "{}")
    {
        var id = await client.SendAsync("notifications", data);
        var page = await NextAsync(client);
        Assert.Equal(("notifications", id), (Frames.Type(page), page.GetProperty("id").GetString()));
        return Frames.Data(page);
    }

    private static string[] Subjects(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("subject").GetString()!)];

    private static async Task ExpectErrorAsync(TestClient client, string type, string data, string code)
    {
        var id = await client.SendAsync(type, data);
        var error = await NextAsync(client);
        Assert.Equal(("error", id, code), (Frames.Type(error), error.GetProperty("id").GetString(), Frames.Data(error).GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Sqlite_inbox_delivers_offline_notifications_once_and_keeps_read_and_delete()
    {
        using var data = new TempData();
        await OfflineOnlineListReadDeleteAsync(data.SqliteArgs);
    }

    [Fact]
    public async Task Postgres_inbox_delivers_offline_notifications_once_and_keeps_read_and_delete()
    {
        await using var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("mxo_inbox");
        await OfflineOnlineListReadDeleteAsync(["--persistence", "postgresql", "--connection-string", connectionString]);
    }

    private static async Task OfflineOnlineListReadDeleteAsync(string[] persistence)
    {
        var port = FreePorts.Tcp();
        string[] args = [.. persistence, "--dev", .. OperatorArgs(port)];
        var name = "Inbox" + Guid.NewGuid().ToString("N")[..6];
        await using (var node = await TestNode.StartAsync(args))
        {
            // Offline: stored, then delivered once after the next login's welcome.
            Assert.EndsWith("stored as 1 | not online", await PbmOkAsync(port, "world", "notify", "-p", name, "-s", "Maintenance", "-m", "tonight at 3"));
            Assert.EndsWith("not stored | not online", await PbmOkAsync(port, "world", "notify", "-p", name, "-s", "Gone", "-t"));
            await using (var client = await TestClient.ConnectAsync(node.Ws))
            {
                var welcome = Frames.Data(await client.HelloAsync(name));
                Assert.Equal(1, welcome.GetProperty("unreadNotifications").GetInt32());
                var pending = Frames.Data(await NextAsync(client));
                Assert.Equal(("1", -2, "Maintenance", "tonight at 3", "", true, false), (pending.GetProperty("id").GetString(),
                    pending.GetProperty("code").GetInt32(), pending.GetProperty("subject").GetString(),
                    pending.GetProperty("content").GetProperty("text").GetString(), pending.GetProperty("sender").GetString(),
                    pending.GetProperty("persistent").GetBoolean(), pending.GetProperty("read").GetBoolean()));

                // Online: pushed at once, persistent or not.
                Assert.EndsWith("stored as 2 | pushed", await PbmOkAsync(port, "world", "notify", "-p", name, "-s", "Now", "-j", """{"n":2}"""));
                Assert.Equal("Now", Frames.Data(await NextAsync(client)).GetProperty("subject").GetString());
                Assert.EndsWith("not stored | pushed", await PbmOkAsync(port, "world", "notify", "-p", name, "-s", "Fleeting", "-t"));
                var fleeting = Frames.Data(await NextAsync(client));
                Assert.Equal((JsonValueKind.Null, false), (fleeting.GetProperty("id").ValueKind, fleeting.GetProperty("persistent").GetBoolean()));
            }

            // A second login: both still unread, but neither pushed again (the first frame after welcome answers the list).
            await using (var client = await TestClient.ConnectAsync(node.Ws))
            {
                Assert.Equal(2, Frames.Data(await client.HelloAsync(name)).GetProperty("unreadNotifications").GetInt32());
                var first = await ListAsync(client, """{"limit":1}""");
                Assert.Equal(["Now"], Subjects(first));
                var cursor = first.GetProperty("next").GetString()!;
                var second = await ListAsync(client, $$"""{"limit":1,"cursor":"{{cursor}}"}""");
                Assert.Equal(["Maintenance"], Subjects(second));
                Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);

                // Refused with a code, and nothing changed.
                await ExpectErrorAsync(client, "notifications", """{"cursor":"garbage"}""", "bad_cursor");
                var othersCursor = InboxRules.MakeCursor(new PlayerId("someone-else"), 2);
                await ExpectErrorAsync(client, "notifications", $$"""{"cursor":"{{othersCursor}}"}""", "bad_cursor");
                await ExpectErrorAsync(client, "notification_read", """{"ids":["1","99"]}""", "unknown_notification");
                await ExpectErrorAsync(client, "notification_delete", """{"ids":["2","x"]}""", "unknown_notification");
                var tooMany = JsonSerializer.Serialize(new { ids = Enumerable.Range(1, 101).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
                await ExpectErrorAsync(client, "notification_read", tooMany, ErrorCodes.InvalidField);
                await ExpectErrorAsync(client, "notifications", """{"limit":101}""", ErrorCodes.InvalidField);
                var unchanged = await ListAsync(client);
                Assert.Equal(2, unchanged.GetProperty("unread").GetInt32());
                Assert.Equal(["Now", "Maintenance"], Subjects(unchanged));

                var read = await client.SendAsync("notification_read", """{"ids":["1"]}""");
                await client.ExpectTypeAsync("ack", read);
                var delete = await client.SendAsync("notification_delete", """{"ids":["2"]}""");
                await client.ExpectTypeAsync("ack", delete);
            }
            await node.StopAsync();
        }

        // Acknowledged means stored: a restarted node has the read and the delete.
        await using var restarted = await TestNode.StartAsync(args);
        await using var again = await TestClient.ConnectAsync(restarted.Ws);
        Assert.Equal(0, Frames.Data(await again.HelloAsync(name)).GetProperty("unreadNotifications").GetInt32());
        var kept = await ListAsync(again);
        var only = Assert.Single(kept.GetProperty("items").EnumerateArray());
        Assert.Equal(("Maintenance", true), (only.GetProperty("subject").GetString(), only.GetProperty("read").GetBoolean()));
    }

    [Fact]
    public async Task Notify_all_reaches_every_account_character_in_batches()
    {
        using var data = new TempData();
        var port = FreePorts.Tcp();
        await using var node = await TestNode.StartAsync([
            .. data.SqliteArgs, .. OperatorArgs(port),
            "--Mxo:Jwt:SigningKey=" + TestNode.SigningKey,
            "--Mxo:Accounts:PasswordIterations=1000", // fast hashing for tests only
            "--Mxo:Notifications:BroadcastBatch=2",
        ]);
        using var api = new AuthClient(node.Http);
        var characters = new List<(string User, string Character)>();
        for (var i = 0; i < 5; i++)
        {
            var user = AuthClient.UniqueName();
            var account = await api.NewAccountAsync(user);
            var character = "Char" + Guid.NewGuid().ToString("N")[..8];
            (await api.PostAsync("/characters", AuthClient.Json(("name", character)), account.Str("token"))).AssertStatus(HttpStatusCode.Created);
            characters.Add((user, character));
        }

        // The first character is online when the broadcast runs; the others are not.
        var online = (await api.LoginAsync(characters[0].User, character: characters[0].Character)).AssertStatus(HttpStatusCode.OK);
        await using var first = await TestClient.ConnectAsync(node.Ws, o => o.SetRequestHeader("Authorization", "Bearer " + online.Str("token")));
        Assert.Equal(0, Frames.Data(await first.ExpectTypeAsync("welcome")).GetProperty("unreadNotifications").GetInt32());

        // The name claims are read through the read journal, which sees a write up to its query delay late.
        var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
        string started;
        while (!(started = await PbmOkAsync(port, "world", "notify-all", "-s", "Server news", "-m", "patch 1.1")).Contains("for 5 characters"))
        {
            Assert.True(DateTime.UtcNow < deadline, started);
            await Task.Delay(200); // polling the read journal, bounded by the deadline
        }
        var broadcast = started.Split(" | ")[0];
        Assert.Equal("Server news", Frames.Data(await first.ExpectTypeAsync("notification")).GetProperty("subject").GetString());
        string status;
        while (!(status = await PbmOkAsync(port, "world", "notify-status", "-i", broadcast)).EndsWith("| done"))
        {
            Assert.True(DateTime.UtcNow < deadline, status);
            await Task.Delay(100); // polling the operator's progress line, bounded by the deadline
        }
        Assert.Contains("| 5/5 | stored: 5 | failed: 0 |", status);

        var last = characters[^1];
        var login = (await api.LoginAsync(last.User, character: last.Character)).AssertStatus(HttpStatusCode.OK);
        await using var client = await TestClient.ConnectAsync(node.Ws, o => o.SetRequestHeader("Authorization", "Bearer " + login.Str("token")));
        Assert.Equal(1, Frames.Data(await client.ExpectTypeAsync("welcome")).GetProperty("unreadNotifications").GetInt32());
        Assert.Equal("patch 1.1", Frames.Data(await NextAsync(client)).GetProperty("content").GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_notification_reaches_a_player_whose_session_is_on_another_node_than_its_inbox()
    {
        using var data = new TempData();
        var port = FreePorts.Tcp();
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world", .. OperatorArgs(port)]);
        await using var edge = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);
        await TwoNodeClusterTests.AwaitMembers(edge, 2);

        var name = "Remote" + Guid.NewGuid().ToString("N")[..6];
        Assert.EndsWith("stored as 1 | not online", await PbmOkAsync(port, "world", "notify", "-p", name, "-s", "While away"));
        await using var client = await TestClient.ConnectAsync(edge.Ws);
        Assert.Equal(1, Frames.Data(await client.HelloAsync(name)).GetProperty("unreadNotifications").GetInt32());
        Assert.Equal("While away", Frames.Data(await NextAsync(client)).GetProperty("subject").GetString());

        // The inbox is on the world node; the session it pushes to is on the edge node.
        Assert.EndsWith("stored as 2 | pushed", await PbmOkAsync(port, "world", "notify", "-p", name, "-s", "Live"));
        Assert.Equal("Live", Frames.Data(await NextAsync(client)).GetProperty("subject").GetString());
        var read = await client.SendAsync("notification_read", """{"ids":["1","2"]}""");
        await client.ExpectTypeAsync("ack", read);
        Assert.Equal(0, (await ListAsync(client)).GetProperty("unread").GetInt32());
    }
}

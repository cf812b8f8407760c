using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Mxo.Actors.Accounts;
using Mxo.Edge.Auth;
using Permissions = Mxo.Edge.Auth.Permissions;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Organisations and the system channel (issue 12) over real sockets, on a world node and two edge nodes: characters
/// created in an organisation hear each other's org lines across edge nodes, one of another organisation does not, one
/// without an organisation is refused; history is paged and a bad cursor refused; a bad organisation at creation is 400;
/// <c>announce</c> is refused for a player's token and delivered for a game master's.
/// </summary>
public sealed class OrgTests
{
    private static string Code(JsonElement error) => ChatTests.Code(error);

    private static Action<ClientWebSocketOptions> Bearer(string token) => o => o.SetRequestHeader("Authorization", "Bearer " + token);

    private static string Token(string account, string character, params string[] permissions) =>
        SecureNodeFixture.Tokens().Issue(new AccountClaims(account, PlayerId.FromName(character).Value,
            permissions.Length == 0 ? [Permissions.Player] : permissions, null)).Token;

    /// <summary>An account with one character in <paramref name="org"/> (null: none), straight to the accounts.</summary>
    private static async Task<(string Account, string Character)> NewCharacterAsync(TestNode node, string prefix, string? org)
    {
        var accounts = ActorRegistry.For(node.System).Get<AccountRegion>();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var account = AccountId.FromName("acct" + suffix);
        await accounts.Ask<AccountReplies.Registered>(new AccountCommands.Register(account, "acct" + suffix, AuthClient.Password), TimeSpan.FromSeconds(10));
        var character = prefix + suffix;
        var created = await accounts.Ask<AccountReplies.CharacterCreated>(new AccountCommands.CreateCharacter(account, character) { Org = org },
            TimeSpan.FromSeconds(10));
        Assert.Equal(org, created.Character.Org);
        return (account.Value, character);
    }

    private static async Task<(TestClient Client, JsonElement Welcome)> PlayAsync(TestNode edge, (string Account, string Character) who,
        params string[] permissions)
    {
        var client = await TestClient.ConnectAsync(edge.Ws, Bearer(Token(who.Account, who.Character, permissions)));
        return (client, Frames.Data(await client.ExpectTypeAsync("welcome")));
    }

    private static async Task<string> Refused(TestClient client, string type, string? data = null)
    {
        var id = await client.SendAsync(type, data);
        var answer = await client.ExpectAsync(f => ChatTests.IsAnswerTo(f, id));
        Assert.Equal("error", Frames.Type(answer));
        return Code(answer);
    }

    private static bool IsOrgLine(JsonElement frame, string text) =>
        Frames.Type(frame) == "chat" && Frames.Data(frame).GetProperty("channel").GetString() == "org"
        && Frames.Data(frame).GetProperty("text").GetString() == text;

    /// <summary>
    /// Says org lines from <paramref name="speaker"/> until every listener heard one (a session's subscription takes up to
    /// the pub-sub gossip interval to be known on the publishing node); returns the text they heard.
    /// </summary>
    private static async Task<string> SayUntilHeardAsync(TestClient speaker, params TestClient[] listeners)
    {
        for (var attempt = 1; ; attempt++)
        {
            var text = "Zion stands " + Guid.NewGuid().ToString("N")[..6];
            var id = await speaker.SendAsync("chat", $$"""{"channel":"org","text":"{{text}}"}""");
            await speaker.ExpectTypeAsync("ack", id);
            try
            {
                foreach (var listener in listeners)
                    await listener.ExpectAsync(f => IsOrgLine(f, text), TimeSpan.FromSeconds(2 * TestClient.TimeFactor));
                return text;
            }
            catch (OperationCanceledException) when (attempt < 10)
            {
                // Not subscribed on the publishing node yet: say another line.
            }
        }
    }

    /// <summary>Every frame <paramref name="client"/> gets until one matches <paramref name="until"/>, that one included.</summary>
    private static async Task<List<JsonElement>> FramesUntilAsync(TestClient client, Func<JsonElement, bool> until)
    {
        var frames = new List<JsonElement>();
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        while (await client.ReceiveAsync(cts.Token) is { } frame)
        {
            frames.Add(frame);
            if (until(frame)) return frames;
        }
        throw new InvalidOperationException("socket closed");
    }

    [Fact]
    public async Task Members_of_one_org_hear_each_other_across_edge_nodes_others_do_not_and_history_and_announce_work()
    {
        using var data = new TempData();
        string[] common = ["--Mxo:Jwt:SigningKey=" + TestNode.SigningKey, "--Mxo:Accounts:PasswordIterations=1000",
            // more than one org line per 10 s, so the test can say lines until the subscriptions are known everywhere
            "--Mxo:World:ChatOrgRate:PerSecond=5", "--Mxo:World:ChatOrgRate:Burst=20"];
        // Subscriptions are gossiped between the nodes' mediators: sooner than the default 1 s, so fewer lines are said before all hear them.
        const string hocon = "akka.cluster.pub-sub.gossip-interval = 200ms";
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, .. common, "--roles", "world"], null, hocon: hocon);
        await using var edgeA = await TestNode.StartAsync([.. common, "--dev", "--roles", "edge", "--seeds", world.Address], null, hocon: hocon);
        await using var edgeB = await TestNode.StartAsync([.. common, "--dev", "--roles", "edge", "--seeds", world.Address], null, hocon: hocon);
        await TwoNodeClusterTests.AwaitMembers(world, 3);

        var (neo, neoWelcome) = await PlayAsync(edgeA, await NewCharacterAsync(world, "neo", "zion"));
        await using var _neo = neo;
        var trinityWho = await NewCharacterAsync(world, "trin", "zion");
        var (trinity, trinityWelcome) = await PlayAsync(edgeB, trinityWho, Permissions.Player, Permissions.Gm);
        await using var _trinity = trinity;
        var (smith, smithWelcome) = await PlayAsync(edgeB, await NewCharacterAsync(world, "smith", "machines"));
        await using var _smith = smith;
        var (mouse, mouseWelcome) = await PlayAsync(edgeA, await NewCharacterAsync(world, "mouse", null));
        await using var _mouse = mouse;
        Assert.Equal(("zion", "zion", "machines", JsonValueKind.Null),
            (neoWelcome.GetProperty("org").GetString(), trinityWelcome.GetProperty("org").GetString(),
                smithWelcome.GetProperty("org").GetString(), mouseWelcome.GetProperty("org").ValueKind));

        // Zion on edge A and Zion on edge B hear each other (and themselves); the line is acknowledged once kept.
        var first = await SayUntilHeardAsync(neo, trinity, neo);
        var second = await SayUntilHeardAsync(trinity, neo, trinity);

        // The Machines do not: Smith hears his own org's line and no Zion line before it.
        await SayUntilHeardAsync(smith, smith);
        var machinesLine = "Inevitable " + Guid.NewGuid().ToString("N")[..6];
        await smith.SendAsync("chat", $$"""{"channel":"org","text":"{{machinesLine}}"}""");
        var smithFrames = await FramesUntilAsync(smith, f => IsOrgLine(f, machinesLine));
        Assert.DoesNotContain(smithFrames, f => Frames.Type(f) == "chat" && Frames.Data(f).TryGetProperty("org", out var o) && o.GetString() == "zion");
        Assert.All(smithFrames.Where(f => Frames.Type(f) == "chat"), f => Assert.Equal("machines", Frames.Data(f).GetProperty("org").GetString()));

        // No organisation: refused, for lines and history alike.
        Assert.Equal("no_org", await Refused(mouse, "chat", """{"channel":"org","text":"hello?"}"""));
        Assert.Equal("no_org", await Refused(mouse, "org_history"));

        // History: newest first, paged with the cursor; a bad cursor and another organisation's are refused.
        var pageId = await trinity.SendAsync("org_history", """{"limit":1}""");
        var page = Frames.Data(await trinity.ExpectTypeAsync("org_history", pageId));
        Assert.Equal(("zion", second), (page.GetProperty("org").GetString(), page.GetProperty("lines")[0].GetProperty("text").GetString()));
        var next = page.GetProperty("next").GetString()!;
        var olderId = await trinity.SendAsync("org_history", $$"""{"cursor":"{{next}}","limit":100}""");
        var older = Frames.Data(await trinity.ExpectTypeAsync("org_history", olderId)).GetProperty("lines").EnumerateArray()
            .Select(l => l.GetProperty("text").GetString()).ToList();
        Assert.Contains(first, older);
        Assert.DoesNotContain(second, older);
        Assert.Equal("bad_cursor", await Refused(trinity, "org_history", """{"cursor":"garbage"}"""));
        var machinesCursor = Mxo.Protocol.Chat.KeptLines.Cursor("org:machines", 100);
        Assert.Equal("bad_cursor", await Refused(trinity, "org_history", $$"""{"cursor":"{{machinesCursor}}"}"""));
        Assert.Equal("invalid_field", await Refused(trinity, "org_history", """{"limit":101}"""));

        // announce: a player's token is refused, a game master's reaches everyone online on both edge nodes.
        Assert.Equal("forbidden", await Refused(neo, "announce", """{"text":"I am the One"}"""));
        await using var dev = await TestClient.ConnectAsync(edgeA.Ws);
        await dev.HelloAsync("Dozer" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal("forbidden", await Refused(dev, "announce", """{"text":"hello"}"""));
        for (var attempt = 1; ; attempt++)
        {
            var text = "The Construct restarts at noon " + attempt;
            await trinity.ExpectTypeAsync("ack", await trinity.SendAsync("announce", $$"""{"text":"{{text}}"}"""));
            try
            {
                foreach (var listener in new[] { neo, mouse, smith, trinity })
                {
                    var chat = Frames.Data(await listener.ExpectAsync(f => Frames.Type(f) == "chat" && Frames.Data(f).GetProperty("text").GetString() == text,
                        TimeSpan.FromSeconds(2 * TestClient.TimeFactor)));
                    Assert.Equal(("system", "system", "System"),
                        (chat.GetProperty("channel").GetString(), chat.GetProperty("from").GetString(), chat.GetProperty("name").GetString()));
                }
                break;
            }
            catch (OperationCanceledException) when (attempt < 10)
            {
                // The edge node's subscription is not known on the publishing node yet: announce again.
            }
        }
    }

    [Fact]
    public async Task A_character_is_created_with_an_org_over_http_and_an_unknown_org_is_400_changing_nothing()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync([.. data.SqliteArgs, "--Mxo:Accounts:PasswordIterations=1000",
            "--Mxo:Jwt:SigningKey=" + TestNode.SigningKey]);
        using var api = new AuthClient(node.Http);
        var user = AuthClient.UniqueName();
        var login = await api.NewAccountAsync(user);
        var token = login.Str("token");

        var name = "Niobe" + Guid.NewGuid().ToString("N")[..6];
        (await api.PostAsync("/characters", AuthClient.Json(("name", name), ("org", "smiths")), token))
            .AssertError(HttpStatusCode.BadRequest, "invalid_field");
        (await api.PostAsync("/characters", AuthClient.Json(("name", name), ("org", 3)), token))
            .AssertError(HttpStatusCode.BadRequest, "invalid_field");
        var none = (await api.GetAsync("/characters", token)).AssertStatus(HttpStatusCode.OK);
        Assert.Empty(none.Body.GetProperty("characters").EnumerateArray());

        var created = (await api.PostAsync("/characters", AuthClient.Json(("name", name), ("org", "Zion")), token)).AssertStatus(HttpStatusCode.Created);
        Assert.Equal("zion", created.Str("org"));
        var without = (await api.PostAsync("/characters", AuthClient.Json(("name", "Ghost" + Guid.NewGuid().ToString("N")[..6])), token))
            .AssertStatus(HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, without.Body.GetProperty("org").ValueKind);
        var list = (await api.GetAsync("/characters", token)).AssertStatus(HttpStatusCode.OK);
        Assert.Contains(list.Body.GetProperty("characters").EnumerateArray(), c => c.GetProperty("org").GetString() == "zion");

        // The character's welcome shows it.
        var playing = (await api.LoginAsync(user, character: name)).AssertStatus(HttpStatusCode.OK);
        await using var client = await TestClient.ConnectAsync(node.Ws, Bearer(playing.Str("token")));
        Assert.Equal("zion", Frames.Data(await client.ExpectTypeAsync("welcome")).GetProperty("org").GetString());
    }
}

using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Players;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>A production-mode node (tokens, SQLite) with its operator port, for kept whispers and moderation.</summary>
public sealed class WhisperNodeFixture : IAsyncLifetime
{
    private readonly TempData _data = new();
    public TestNode Node { get; private set; } = null!;
    public int OperatorPort { get; } = FreePorts.Tcp();

    public async Task InitializeAsync() => Node = await TestNode.StartAsync([
        .. _data.SqliteArgs, "--Mxo:Jwt:SigningKey=" + TestNode.SigningKey, "--Mxo:Accounts:PasswordIterations=1000",
        $"--Mxo:Operator:Url=http://127.0.0.1:{OperatorPort}",
    ]);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>
/// Issue 12 over real sockets: an offline whisper reaches an opted-in character once, after its next login; a crew
/// invite waits as a notification for an offline invitee; a gm's mute refuses the muted player's chat, a player's
/// moderation frame is refused, and every action is in <c>world modlog</c>.
/// </summary>
public sealed class WhisperModerationTests(WhisperNodeFixture fixture) : IClassFixture<WhisperNodeFixture>
{
    private TestNode Node => fixture.Node;

    private static string Code(JsonElement error) => ChatTests.Code(error);

    private async Task<(string Account, string Name)> NewPlayerAsync(string prefix) => await SecureNodeFixture.NewPlayerAsync(Node, "acct", prefix);

    private Task<TestClient> ConnectAsync((string Account, string Name) player, params string[] permissions) =>
        TestClient.ConnectAsync(Node.Ws, o => o.SetRequestHeader("Authorization", "Bearer " + TestTokens.Issue(SecureNodeFixture.Tokens(),
            player.Account, PlayerId.FromName(player.Name).Value, permissions)));

    /// <summary>The next frame, whatever it is (what a test asserts came next, nothing else before it).</summary>
    private static async Task<JsonElement> NextAsync(TestClient client)
    {
        using var cts = new CancellationTokenSource(TestClient.DefaultTimeout);
        return await client.ReceiveAsync(cts.Token) ?? throw new InvalidOperationException("the socket closed");
    }

    private static async Task<JsonElement> AnswerAsync(TestClient client, string type, string? data = null)
    {
        var id = await client.SendAsync(type, data);
        return await client.ExpectAsync(f => ChatTests.IsAnswerTo(f, id), what: "the answer to " + type);
    }

    /// <summary>Closes the socket and waits until the character's entity has no session (asks it as an operator's kick would).</summary>
    private async Task GoOfflineAsync(TestClient client, string name)
    {
        await client.CloseAsync();
        var players = ActorRegistry.For(Node.System).Get<PlayerRegion>();
        var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
        while (await players.Ask<IMxoMessage>(new PlayerCommands.Kick(PlayerId.FromName(name), "test", 4003), TimeSpan.FromSeconds(5))
               is not Replies.Rejected { Code: ErrorCodes.NotAttached })
        {
            Assert.True(DateTime.UtcNow < deadline, $"{name} stayed attached");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task An_offline_whisper_to_a_character_that_opted_in_is_delivered_once_after_its_next_login_and_kept_on_both_sides()
    {
        var (neo, trinity) = (await NewPlayerAsync("Neo"), await NewPlayerAsync("Trin"));
        await using var neoClient = await ConnectAsync(neo);
        Assert.False(Frames.Data(await neoClient.ExpectTypeAsync("welcome")).GetProperty("offlineWhispers").GetBoolean());

        var trinityClient = await ConnectAsync(trinity);
        await trinityClient.ExpectTypeAsync("welcome");
        // Not opted in yet: offline is not_online.
        await GoOfflineAsync(trinityClient, trinity.Name);
        var refused = await AnswerAsync(neoClient, "whisper", $$"""{"to":"{{trinity.Name}}","text":"Are you there?"}""");
        Assert.Equal(("error", "not_online"), (Frames.Type(refused), Code(refused)));

        trinityClient = await ConnectAsync(trinity);
        await trinityClient.ExpectTypeAsync("welcome");
        var settings = await AnswerAsync(trinityClient, "chat_settings", """{"offlineWhispers":true}""");
        Assert.True(Frames.Data(settings).GetProperty("offlineWhispers").GetBoolean());
        await GoOfflineAsync(trinityClient, trinity.Name);

        Assert.Equal("ack", Frames.Type(await AnswerAsync(neoClient, "whisper", $$"""{"to":"{{trinity.Name}}","text":"Follow the white rabbit"}""")));

        // The next login: welcome counts it, then the notification, once.
        await using (var again = await ConnectAsync(trinity))
        {
            var welcome = Frames.Data(await NextAsync(again));
            Assert.Equal((1, true), (welcome.GetProperty("unreadNotifications").GetInt32(), welcome.GetProperty("offlineWhispers").GetBoolean()));
            var notification = Frames.Data(await NextAsync(again));
            Assert.Equal(-3, notification.GetProperty("code").GetInt32());
            Assert.Equal("Follow the white rabbit", notification.GetProperty("content").GetProperty("text").GetString());
            var history = Frames.Data(await AnswerAsync(again, "whisper_history"));
            var kept = Assert.Single(history.GetProperty("whispers").EnumerateArray());
            Assert.Equal(("received", neo.Name.ToLowerInvariant(), "Follow the white rabbit"),
                (kept.GetProperty("direction").GetString(), kept.GetProperty("with").GetString(), kept.GetProperty("text").GetString()));
            await GoOfflineAsync(again, trinity.Name);
        }
        await using (var third = await ConnectAsync(trinity))
        {
            Assert.Equal(1, Frames.Data(await NextAsync(third)).GetProperty("unreadNotifications").GetInt32());
            // Not pushed again: the frame after the welcome is the answer to a ping.
            var ping = await third.SendAsync("ping");
            var next = await NextAsync(third);
            Assert.Equal(("pong", ping), (Frames.Type(next), next.GetProperty("id").GetString()));
        }

        var sent = Frames.Data(await AnswerAsync(neoClient, "whisper_history", """{"limit":1}"""));
        Assert.Equal("sent", Assert.Single(sent.GetProperty("whispers").EnumerateArray()).GetProperty("direction").GetString());
        var bad = await AnswerAsync(neoClient, "whisper_history", """{"cursor":"garbage"}""");
        Assert.Equal("bad_cursor", Code(bad));
    }

    [Fact]
    public async Task A_crew_invite_waits_as_a_notification_for_an_offline_invitee()
    {
        var (neo, trinity) = (await NewPlayerAsync("Cap"), await NewPlayerAsync("Inv"));
        var trinityClient = await ConnectAsync(trinity);
        await trinityClient.ExpectTypeAsync("welcome");
        await GoOfflineAsync(trinityClient, trinity.Name); // played once: it can be invited

        await using var neoClient = await ConnectAsync(neo);
        await neoClient.ExpectTypeAsync("welcome");
        var crewName = "Crew " + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal("crew", Frames.Type(await AnswerAsync(neoClient, "crew_create", $$"""{"name":"{{crewName}}"}""")));
        Assert.Equal("ack", Frames.Type(await AnswerAsync(neoClient, "crew_invite", $$"""{"name":"{{trinity.Name}}"}""")));

        await using var again = await ConnectAsync(trinity);
        var welcome = Frames.Data(await NextAsync(again));
        Assert.Equal(1, welcome.GetProperty("unreadNotifications").GetInt32());
        var notification = Frames.Data(await again.ExpectTypeAsync("notification"));
        Assert.Equal((-4, crewName), (notification.GetProperty("code").GetInt32(), notification.GetProperty("content").GetProperty("name").GetString()));
        Assert.Equal("crew", Frames.Type(await AnswerAsync(again, "crew_accept", $$"""{"crew":"{{crewName}}"}""")));
    }

    [Fact]
    public async Task A_gms_mute_refuses_the_players_chat_a_players_moderation_is_forbidden_and_every_action_is_logged()
    {
        var (gm, player) = (await NewPlayerAsync("Gm"), await NewPlayerAsync("Loud"));
        await using var gmClient = await ConnectAsync(gm, "player", "gm");
        await gmClient.ExpectTypeAsync("welcome");
        await using var playerClient = await ConnectAsync(player);
        await playerClient.ExpectTypeAsync("welcome");

        var forbidden = await AnswerAsync(playerClient, "mod_mute", $$"""{"name":"{{gm.Name}}","seconds":60}""");
        Assert.Equal("forbidden", Code(forbidden));

        var reason = "spam " + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal("ack", Frames.Type(await AnswerAsync(gmClient, "mod_mute", $$"""{"name":"{{player.Name}}","seconds":120,"reason":"{{reason}}"}""")));
        var muted = await AnswerAsync(playerClient, "whisper", $$"""{"to":"{{gm.Name}}","text":"let me talk"}""");
        Assert.Equal("muted", Code(muted));
        Assert.InRange(Frames.Data(muted).GetProperty("retryAfterMs").GetInt64(), 100_000, 120_000);
        Assert.Contains(reason, Frames.Data(muted).GetProperty("message").GetString());

        Assert.Equal("ack", Frames.Type(await AnswerAsync(gmClient, "mod_unmute", $$"""{"name":"{{player.Name}}"}""")));
        Assert.Equal("ack", Frames.Type(await AnswerAsync(playerClient, "whisper", $$"""{"to":"{{gm.Name}}","text":"thank you"}""")));
        var heard = Frames.Data(await gmClient.ExpectTypeAsync("whisper"));
        var deleted = await AnswerAsync(gmClient, "mod_delete", $$"""{"channel":"whisper","name":"{{player.Name}}","id":"{{heard.GetProperty("id").GetString()}}"}""");
        Assert.Equal("ack", Frames.Type(deleted));
        Assert.Empty(Frames.Data(await AnswerAsync(playerClient, "whisper_history")).GetProperty("whispers").EnumerateArray());
        Assert.Equal("unknown_message", Code(await AnswerAsync(gmClient, "mod_delete", $$"""{"channel":"whisper","name":"{{player.Name}}","id":"nope"}""")));
        Assert.Equal("unknown_channel", Code(await AnswerAsync(gmClient, "mod_delete", """{"channel":"say","name":"Someone","id":"1"}""")));

        var (exit, output, error) = await OperatorTests.PbmAsync(fixture.OperatorPort, "world", "modlog", "-n", "1000");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("| mute |", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal)
                                    && l.Contains(gm.Name.ToLowerInvariant(), StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("| unmute | " + player.Name, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("| delete | " + player.Name, StringComparison.Ordinal));
    }
}

using System.Net.WebSockets;
using Akka.Actor;
using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Edge.Auth;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Players;
using Xunit;
using Mxo.Actors.Accounts;
using Mxo.Actors.Players;

namespace Mxo.IntegrationTests;

/// <summary>A production-mode node (no --dev): sockets need an access token naming one of the account's characters.</summary>
public sealed class SecureNodeFixture : IAsyncLifetime
{
    private readonly TempData _data = new();
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync([
        .. _data.SqliteArgs, "--Mxo:Jwt:SigningKey=" + TestNode.SigningKey,
        "--Mxo:Accounts:PasswordIterations=1000", // fast hashing for tests only; production keeps OWASP's figure
        "--Mxo:Security:AllowedOrigins=https://game.mxo.example.com",
    ]);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }

    public static TokenService Tokens(TimeSpan? lifetime = null) =>
        new(new JwtOptions { SigningKey = TestNode.SigningKey, AccessTokenLifetime = lifetime ?? TimeSpan.FromMinutes(15) });

    /// <summary>A signed access token for the account, playing <paramref name="character"/> (none when null).</summary>
    public static string Token(string account, string? character, TimeSpan? lifetime = null) =>
        Tokens(lifetime).Issue(new AccountClaims(account, character is null ? null : PlayerId.FromName(character).Value, ["player"], null)).Token;

    /// <summary>Registers an account with one character; returns (account id, character name).</summary>
    public Task<(string Account, string Character)> NewPlayerAsync() => NewPlayerAsync(Node, "user", "Neo");

    /// <summary>
    /// Registers an account with one character on <paramref name="node"/>, straight to the accounts (no HTTP rate limit
    /// spent); returns (account id, character name).
    /// </summary>
    public static async Task<(string Account, string Character)> NewPlayerAsync(TestNode node, string accountPrefix, string characterPrefix)
    {
        var accounts = ActorRegistry.For(node.System).Get<AccountRegion>();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var account = AccountId.FromName(accountPrefix + suffix);
        await accounts.Ask<AccountReplies.Registered>(
            new AccountCommands.Register(account, accountPrefix + suffix, "correct horse battery"), TimeSpan.FromSeconds(10));
        var character = characterPrefix + suffix;
        await accounts.Ask<AccountReplies.CharacterCreated>(new AccountCommands.CreateCharacter(account, character), TimeSpan.FromSeconds(10));
        return (account.Value, character);
    }
}

public sealed class SocketAuthTests(SecureNodeFixture fixture) : IClassFixture<SecureNodeFixture>
{
    private static string Token(string account, string? character, TimeSpan? lifetime = null) =>
        SecureNodeFixture.Token(account, character, lifetime);

    private static Action<ClientWebSocketOptions> Bearer(string token) => o => o.SetRequestHeader("Authorization", "Bearer " + token);

    [Fact]
    public async Task Without_a_token_the_upgrade_is_refused_with_401()
    {
        var (status, _) = await TestClient.RefusedUpgradeAsync(fixture.Node.Ws);
        Assert.Equal(401, status);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.")]
    public async Task An_invalid_token_is_refused_with_401(string token)
    {
        var (status, _) = await TestClient.RefusedUpgradeAsync(fixture.Node.Ws, Bearer(token));
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task A_token_without_a_character_or_with_someone_elses_is_refused_with_403()
    {
        var (account, _) = await fixture.NewPlayerAsync();
        var (_, othersCharacter) = await fixture.NewPlayerAsync();
        Assert.Equal(403, (await TestClient.RefusedUpgradeAsync(fixture.Node.Ws, Bearer(Token(account, null)))).Status);
        Assert.Equal(403, (await TestClient.RefusedUpgradeAsync(fixture.Node.Ws, Bearer(Token(account, othersCharacter)))).Status);
    }

    [Fact]
    public async Task An_origin_not_on_the_list_is_refused_with_403()
    {
        var (account, character) = await fixture.NewPlayerAsync();
        var (status, _) = await TestClient.RefusedUpgradeAsync(fixture.Node.Ws, o =>
        {
            Bearer(Token(account, character))(o);
            o.SetRequestHeader("Origin", "https://evil.example.com");
        });
        Assert.Equal(403, status);
    }

    [Fact]
    public async Task A_bearer_header_plays_the_tokens_character_and_hello_is_refused()
    {
        var (account, character) = await fixture.NewPlayerAsync();
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws, o =>
        {
            Bearer(Token(account, character))(o);
            o.SetRequestHeader("Origin", "https://game.mxo.example.com");
        });
        var welcome = await client.ExpectTypeAsync("welcome");
        Assert.False(welcome.TryGetProperty("id", out _));
        Assert.Equal(character, Frames.Data(welcome).GetProperty("player").GetProperty("name").GetString());
        var hello = await client.SendAsync("hello", $$"""{"name":"{{character}}"}""");
        Assert.Equal("dev_only", Frames.Data(await client.ExpectTypeAsync("error", hello)).GetProperty("code").GetString());
        await client.EnterAsync("downtown");
    }

    [Fact]
    public async Task Browsers_can_send_the_token_as_a_subprotocol()
    {
        var (account, character) = await fixture.NewPlayerAsync();
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws, o =>
        {
            o.AddSubProtocol("mxo.v1");
            o.AddSubProtocol("bearer." + Token(account, character));
        });
        Assert.Equal("mxo.v1", client.SubProtocol);
        await client.ExpectTypeAsync("welcome");
    }

    [Fact]
    public async Task A_second_login_closes_the_first_socket_with_4001()
    {
        var (account, character) = await fixture.NewPlayerAsync();
        await using var first = await TestClient.ConnectAsync(fixture.Node.Ws, Bearer(Token(account, character)));
        await first.ExpectTypeAsync("welcome");
        await using var second = await TestClient.ConnectAsync(fixture.Node.Ws, Bearer(Token(account, character)));
        await second.ExpectTypeAsync("welcome");
        Assert.Equal((WebSocketCloseStatus)4001, await first.ExpectCloseAsync());
        var ping = await second.SendAsync("ping");
        await second.ExpectTypeAsync("pong", ping);
    }

    [Fact]
    public async Task An_expired_token_closes_the_socket_with_1008()
    {
        var (account, character) = await fixture.NewPlayerAsync();
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws, Bearer(Token(account, character, TimeSpan.FromSeconds(2))));
        await client.ExpectTypeAsync("welcome");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ExpectCloseAsync());
    }

    [Fact]
    public async Task Re_authenticating_on_the_socket_keeps_it_open_past_the_first_expiry()
    {
        var (account, character) = await fixture.NewPlayerAsync();
        var shortLived = Token(account, character, TimeSpan.FromSeconds(3));
        var firstExpiry = DateTimeOffset.UtcNow.AddSeconds(4);
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws, Bearer(shortLived));
        await client.ExpectTypeAsync("welcome");

        var bad = await client.SendAsync("auth", """{"token":"garbage"}""");
        Assert.Equal("invalid_token", Frames.Data(await client.ExpectTypeAsync("error", bad)).GetProperty("code").GetString());
        var (_, other) = await fixture.NewPlayerAsync();
        var wrong = await client.SendAsync("auth", $$"""{"token":"{{Token(account, other)}}"}""");
        Assert.Equal("wrong_character", Frames.Data(await client.ExpectTypeAsync("error", wrong)).GetProperty("code").GetString());

        var renew = await client.SendAsync("auth", $$"""{"token":"{{Token(account, character)}}"}""");
        await client.ExpectTypeAsync("ack", renew);
        // Keep talking until well past the first token's expiry: every ping is still answered.
        while (DateTimeOffset.UtcNow < firstExpiry.AddSeconds(1))
        {
            var ping = await client.SendAsync("ping");
            await client.ExpectTypeAsync("pong", ping);
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task A_kicked_character_is_closed_with_1008()
    {
        var (account, character) = await fixture.NewPlayerAsync();
        await using var client = await TestClient.ConnectAsync(fixture.Node.Ws, Bearer(Token(account, character)));
        await client.ExpectTypeAsync("welcome");
        ActorRegistry.For(fixture.Node.System).Get<PlayerRegion>()
            .Tell(new PlayerCommands.Kick(PlayerId.FromName(character), RevocationReasons.Reuse));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ExpectCloseAsync());
    }
}

using System.Net;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>Common arguments of the small single-purpose nodes below.</summary>
internal static class AuthNodes
{
    public static async Task<(TestNode Node, TempData Data)> StartAsync(params string[] extra)
    {
        var data = new TempData();
        var node = await TestNode.StartAsync([
            .. data.SqliteArgs,
            "--Mxo:Jwt:SigningKey=" + TestNode.SigningKey,
            "--Mxo:Accounts:PasswordIterations=1000",
            .. extra,
        ]);
        return (node, data);
    }
}

/// <summary>Refresh-token reuse after the grace window (0 here) kills the whole family.</summary>
public sealed class AuthTokenReuseTests
{
    [Fact]
    public async Task A_refresh_token_used_twice_is_token_reused_and_the_family_is_dead()
    {
        var (node, data) = await AuthNodes.StartAsync("--Mxo:Accounts:RefreshGraceWindow=00:00:00");
        using var dataScope = data;
        await using var nodeScope = node;
        using var api = new AuthClient(node.Http);

        var user = AuthClient.UniqueName();
        var login = await api.NewAccountAsync(user);
        var first = login.Str("refresh_token");
        var successor = (await api.RefreshAsync(first)).AssertStatus(HttpStatusCode.OK).Str("refresh_token");

        (await api.RefreshAsync(first)).AssertError(HttpStatusCode.Unauthorized, "token_reused");
        // The successor died with its family.
        (await api.RefreshAsync(successor)).AssertStatus(HttpStatusCode.Unauthorized);
        var logout = (await api.PostAsync("/auth/logout", AuthClient.Json(("refresh_token", successor)))).AssertStatus(HttpStatusCode.OK);
        Assert.False(logout.Body.GetProperty("revoked").GetBoolean());
        // The account itself is fine: a new login works.
        (await api.RefreshAsync((await api.LoginAsync(user)).Str("refresh_token"))).AssertStatus(HttpStatusCode.OK);
    }
}

/// <summary>Failed logins from one address block it (small thresholds here).</summary>
public sealed class AuthAddressBlockTests
{
    [Fact]
    public async Task Too_many_failed_logins_from_one_address_block_it_even_for_good_credentials()
    {
        var (node, data) = await AuthNodes.StartAsync("--Mxo:Security:LoginFailuresPerAddress=3",
            "--Mxo:Security:LoginFailureWindow=00:10:00", "--Mxo:Security:AddressBlockDuration=00:05:00");
        using var dataScope = data;
        await using var nodeScope = node;
        using var api = new AuthClient(node.Http);

        var user = AuthClient.UniqueName();
        (await api.RegisterAsync(user)).AssertStatus(HttpStatusCode.Created);
        // Different unknown user names: no single account is locked, only the address counts.
        for (var i = 0; i < 3; i++)
            (await api.LoginAsync(AuthClient.UniqueName(), "guessing password")).AssertError(HttpStatusCode.Unauthorized, "invalid_credentials");

        var blocked = (await api.LoginAsync(user)).AssertError(HttpStatusCode.TooManyRequests, "address_blocked");
        Assert.InRange(int.Parse(blocked.RetryAfter!), 1, 300);
        (await api.LoginAsync(AuthClient.UniqueName(), "guessing password")).AssertError(HttpStatusCode.TooManyRequests, "address_blocked");
        // Only logins are blocked; the account was never asked, so it is not locked or changed: registering the name is still refused as taken.
        (await api.RegisterAsync(user)).AssertError(HttpStatusCode.Conflict, "name_taken");
        (await api.GetAsync("/auth/validate")).AssertError(HttpStatusCode.Unauthorized, "missing_token");
    }
}

/// <summary>Request rate limits per address (small here), answered 429 rate_limited with Retry-After.</summary>
public sealed class AuthRateLimitTests
{
    [Fact]
    public async Task Requests_over_the_per_minute_limit_are_429_with_retry_after_but_health_is_exempt()
    {
        var (node, data) = await AuthNodes.StartAsync("--Mxo:Security:RateLimit:PerMinute=5", "--Mxo:Security:RateLimit:PerHour=1000");
        using var dataScope = data;
        await using var nodeScope = node;
        using var api = new AuthClient(node.Http);

        for (var i = 0; i < 5; i++)
            (await api.GetAsync("/auth/validate")).AssertError(HttpStatusCode.Unauthorized, "missing_token");
        var limited = (await api.GetAsync("/auth/validate")).AssertError(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(int.Parse(limited.RetryAfter!), 1, 60);
        var user = AuthClient.UniqueName();
        (await api.RegisterAsync(user)).AssertError(HttpStatusCode.TooManyRequests, "rate_limited");
        // The socket upgrade path counts too; health checks never do.
        (await api.GetAsync("/ws")).AssertError(HttpStatusCode.TooManyRequests, "rate_limited");
        for (var i = 0; i < 10; i++)
            (await api.GetAsync("/health/live")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_dev_node_does_not_limit_this_machine_by_address()
    {
        var (node, data) = await AuthNodes.StartAsync("--dev", "--Mxo:Security:RateLimit:PerMinute=3", "--Mxo:Security:RateLimit:PerHour=1000");
        using var dataScope = data;
        await using var nodeScope = node;
        using var api = new AuthClient(node.Http);
        for (var i = 0; i < 10; i++)
            (await api.GetAsync("/auth/validate")).AssertError(HttpStatusCode.Unauthorized, "missing_token");
    }
}

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

    /// <summary>Starts a node, runs <paramref name="test"/> against it, and disposes of both.</summary>
    public static async Task RunAsync(Func<TestNode, Task> test, params string[] extra)
    {
        var (node, data) = await StartAsync(extra);
        using var dataScope = data;
        await using var nodeScope = node;
        await test(node);
    }

    /// <summary>A client connecting from 127.0.0.<paramref name="last"/>.</summary>
    public static AuthClient ClientFrom(TestNode node, int last) => new(node.Http, IPAddress.Parse("127.0.0." + last));
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

/// <summary>
/// Registrations per address (2 an hour here). Without --dev: --dev's loopback exemption would hide the limit.
/// </summary>
public sealed class AuthRegistrationLimitTests
{
    [Fact]
    public Task Registrations_over_the_per_address_limit_are_429_and_create_nothing() => AuthNodes.RunAsync(async node =>
    {
        using var api = new AuthClient(node.Http);
        using var other = AuthNodes.ClientFrom(node, 2);

        (await api.RegisterAsync(AuthClient.UniqueName())).AssertStatus(HttpStatusCode.Created);
        (await api.RegisterAsync(AuthClient.UniqueName(), "short")).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        var user = AuthClient.UniqueName();
        var limited = (await api.RegisterAsync(user)).AssertError(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(int.Parse(limited.RetryAfter!), 1, 3600);
        // Nothing was created, and only this address is limited: another one registers the same name.
        (await api.LoginAsync(user)).AssertError(HttpStatusCode.Unauthorized, "invalid_credentials");
        (await other.RegisterAsync(user)).AssertStatus(HttpStatusCode.Created);
        (await api.LoginAsync(user)).AssertStatus(HttpStatusCode.OK);
    }, "--Mxo:Security:RegistrationsPerAddressPerHour=2");
}

/// <summary>Failed logins from other addresses never lock the owner out (small thresholds, no address block).</summary>
public sealed class AuthLockoutTests
{
    [Fact]
    public Task An_attacker_on_other_addresses_cannot_lock_out_the_owner() => AuthNodes.RunAsync(async node =>
    {
        using var owner = new AuthClient(node.Http);
        using var attacker2 = AuthNodes.ClientFrom(node, 2);
        using var attacker3 = AuthNodes.ClientFrom(node, 3);

        var user = AuthClient.UniqueName();
        (await owner.RegisterAsync(user)).AssertStatus(HttpStatusCode.Created);
        foreach (var attacker in new[] { attacker2, attacker3 })
        {
            for (var i = 0; i < 4; i++)
                (await attacker.LoginAsync(user, "guessing password")).AssertError(HttpStatusCode.Unauthorized, "invalid_credentials");
            (await attacker.LoginAsync(user, "guessing password")).AssertError((HttpStatusCode)423, "account_locked");
            // Locked out even with the right password: the lock is this address's.
            (await attacker.LoginAsync(user)).AssertError((HttpStatusCode)423, "account_locked");
        }
        // Ten failures across the account: an address that failed before now waits, progressively.
        using var attacker4 = AuthNodes.ClientFrom(node, 4);
        (await attacker4.LoginAsync(user, "guessing password")).AssertError(HttpStatusCode.Unauthorized, "invalid_credentials");
        var delayed = (await attacker4.LoginAsync(user, "guessing password")).AssertError(HttpStatusCode.TooManyRequests, "login_delayed");
        Assert.InRange(int.Parse(delayed.RetryAfter!), 1, 60);

        // The owner, from an address without failures, gets in at once, every time.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
            (await owner.LoginAsync(user)).AssertStatus(HttpStatusCode.OK);
        Assert.True(watch.Elapsed < Mxo.TestSupport.TestTime.Scaled(TimeSpan.FromSeconds(5)), $"the owner waited {watch.Elapsed}");
    }, "--Mxo:Security:LoginFailuresPerAddress=100000");
}

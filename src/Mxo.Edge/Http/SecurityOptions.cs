using Mxo.Actors;
namespace Mxo.Edge.Http;

/// <summary>HTTP security settings of an edge node, bound from <c>Mxo:Security</c> (docs/configuration.md).</summary>
public sealed record SecurityOptions : ICheckedSettings
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Mxo:Security";

    /// <summary>The seed's browser origins, used when <see cref="AllowedOrigins"/> is not set.</summary>
    public const string DefaultAllowedOrigins = "https://mxo.example.com,https://game.mxo.example.com";

    /// <summary>Comma-separated browser origins (scheme://host[:port]) allowed to call the API and open sockets.
    /// "*" (any origin) is refused outside --dev.</summary>
    public string AllowedOrigins { get; init; } = DefaultAllowedOrigins;

    /// <summary>Failed logins (wrong user name or password) from one address within <see cref="LoginFailureWindow"/>
    /// that block the address.</summary>
    public int LoginFailuresPerAddress { get; init; } = 10;

    /// <summary>The sliding window in which <see cref="LoginFailuresPerAddress"/> failures are counted.</summary>
    public TimeSpan LoginFailureWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a blocked address is refused logins (429 address_blocked).</summary>
    public TimeSpan AddressBlockDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Addresses the login throttle tracks at most (memory bound); the least recently seen are forgotten first.</summary>
    public int MaxTrackedAddresses { get; init; } = 100_000;

    /// <summary>Comma-separated user names that receive the <c>admin</c> permission at their next successful login.
    /// The way to create the first operator.</summary>
    public string BootstrapAdmins { get; init; } = "";

    /// <summary>
    /// <c>POST /auth/register</c> requests per client address in a fixed one-hour window (429 rate_limited beyond);
    /// 0 turns it off. Under --dev, loopback addresses skip it like the other per-address limits.
    /// </summary>
    public int RegistrationsPerAddressPerHour { get; init; } = 5;

    /// <summary>Request rate limits per client address and per account.</summary>
    public RateLimitOptions RateLimit { get; init; } = new();

    public IReadOnlyList<string> Problems() => new ProblemList(SectionName)
        .Require(LoginFailuresPerAddress >= 1, "LoginFailuresPerAddress must be at least 1")
        .Require(LoginFailureWindow > TimeSpan.Zero, "LoginFailureWindow must be positive")
        .Require(AddressBlockDuration > TimeSpan.Zero, "AddressBlockDuration must be positive")
        .Require(MaxTrackedAddresses >= 100, "MaxTrackedAddresses must be at least 100")
        .Require(RegistrationsPerAddressPerHour >= 0, "RegistrationsPerAddressPerHour must be 0 (off) or positive")
        .Require(RateLimit.PerMinute >= 0, "RateLimit:PerMinute must be 0 (off) or positive")
        .Require(RateLimit.PerHour >= 0, "RateLimit:PerHour must be 0 (off) or positive")
        .ToList();
}

/// <summary>Fixed-window request limits, bound from <c>Mxo:Security:RateLimit</c>. 0 turns a limit off.</summary>
public sealed record RateLimitOptions
{
    /// <summary>Requests per client address, and per account, in one minute.</summary>
    public int PerMinute { get; init; } = 100;

    /// <summary>Requests per client address, and per account, in one hour.</summary>
    public int PerHour { get; init; } = 1000;
}

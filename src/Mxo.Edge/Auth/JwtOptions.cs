using Mxo.Actors;
namespace Mxo.Edge.Auth;

/// <summary>Access-token settings, bound from <c>Mxo:Jwt</c>. Run through <see cref="JwtKeyPolicy.Resolve"/> before use.</summary>
public sealed record JwtOptions : ICheckedSettings
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Mxo:Jwt";

    /// <summary>Smallest accepted signing key: 32 bytes = 256 bits (HS256 needs a key at least as long as its hash).</summary>
    public const int MinKeyBytes = 32;

    /// <summary>Largest accepted clock skew when checking exp and nbf.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>HMAC-SHA256 signing key, base64 (standard alphabet), at least <see cref="MinKeyBytes"/> bytes once decoded.
    /// Secret: never log it. Generate one with e.g. <c>openssl rand -base64 32</c>.</summary>
    public string? SigningKey { get; init; }

    /// <summary>The <c>iss</c> written into, and required of, every token.</summary>
    public string Issuer { get; init; } = "mxo";

    /// <summary>The <c>aud</c> written into, and required of, every token.</summary>
    public string Audience { get; init; } = "mxo-players";

    /// <summary>How long an access token is valid after it is issued.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Tolerance for clocks between nodes when checking exp and nbf; 0 to <see cref="MaxClockSkew"/>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Everything but the key (see <see cref="JwtKeyPolicy"/> for that).</summary>
    public IReadOnlyList<string> Problems() => new ProblemList(SectionName)
        .Require(!string.IsNullOrWhiteSpace(Issuer), "Issuer must not be empty")
        .Require(!string.IsNullOrWhiteSpace(Audience), "Audience must not be empty")
        .Require(AccessTokenLifetime > TimeSpan.Zero, $"AccessTokenLifetime must be positive (got {AccessTokenLifetime})")
        .Require(ClockSkew >= TimeSpan.Zero && ClockSkew <= MaxClockSkew,
            $"ClockSkew must be between 0 and {MaxClockSkew.TotalSeconds:0} s (got {ClockSkew})")
        .ToList();

    /// <exception cref="InvalidOperationException">A setting is out of range; the message names each.</exception>
    public void EnsureValid() => SettingsCheck.ThrowIfAny(this);
}

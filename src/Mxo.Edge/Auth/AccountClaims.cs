namespace Mxo.Edge.Auth;

/// <summary>What an access token is issued for.</summary>
/// <param name="AccountId">The account: the token's <c>sub</c>.</param>
/// <param name="PlayerId">The selected character (<c>player_id</c>), or null before one is chosen.</param>
/// <param name="Permissions">Values from <see cref="Auth.Permissions"/>, written as the JSON array <c>permissions</c>.</param>
/// <param name="GameClient">The client the token was issued to (<c>client_id</c>, RFC 9068), or null.</param>
public sealed record AccountClaims(string AccountId, string? PlayerId, string[] Permissions, string? GameClient);

/// <summary>The claims of an access token that passed validation.</summary>
public sealed record AccessTokenClaims(
    string AccountId,
    string? PlayerId,
    IReadOnlyList<string> Permissions,
    string? GameClient,
    string TokenId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>True if the token carries <paramref name="permission"/>.</summary>
    public bool Has(string permission)
    {
        foreach (var p in Permissions)
            if (p == permission)
                return true;
        return false;
    }
}

/// <summary>The stable failure codes of <see cref="TokenService.Validate"/>; clients and logs may rely on them.</summary>
public static class TokenErrors
{
    public const string MissingToken = "missing_token";
    public const string MalformedToken = "malformed_token";
    public const string InvalidSignature = "invalid_signature";
    public const string AlgorithmNotAllowed = "algorithm_not_allowed";
    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string InvalidIssuer = "invalid_issuer";
    public const string InvalidAudience = "invalid_audience";
    public const string InvalidType = "invalid_type";
}

/// <summary>The outcome of <see cref="TokenService.Validate"/>: <see cref="Claims"/> or an <see cref="Error"/> code.</summary>
public sealed class TokenValidation
{
    private TokenValidation(AccessTokenClaims? claims, string? error)
    {
        Claims = claims;
        Error = error;
    }

    /// <summary>The token's claims; set exactly when <see cref="IsValid"/>.</summary>
    public AccessTokenClaims? Claims { get; }

    /// <summary>One of <see cref="TokenErrors"/>; null when <see cref="IsValid"/>.</summary>
    public string? Error { get; }

    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Claims))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Claims is not null;

    public static TokenValidation Success(AccessTokenClaims claims) =>
        new(claims ?? throw new ArgumentNullException(nameof(claims)), null);

    public static TokenValidation Failure(string error) =>
        new(null, error ?? throw new ArgumentNullException(nameof(error)));

    public override string ToString() => IsValid ? $"valid (sub {Claims.AccountId})" : $"invalid ({Error})";
}

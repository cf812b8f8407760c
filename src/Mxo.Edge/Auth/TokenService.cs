using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mxo.Edge.Auth;

/// <summary>Issues and checks access tokens: JWS compact, HS256 only, header <c>typ</c> <c>at+jwt</c> (RFC 9068).
/// Thread-safe; make one per node and share it.</summary>
public sealed class TokenService
{
    /// <summary>The only signing algorithm issued or accepted.</summary>
    public const string Algorithm = SecurityAlgorithms.HmacSha256;

    /// <summary>The header <c>typ</c> issued and required (RFC 9068 access token).</summary>
    public const string TokenType = "at+jwt";

    public const string PlayerIdClaim = "player_id";
    public const string PermissionsClaim = "permissions";
    public const string ClientIdClaim = "client_id";

    private static readonly string[] ValidAlgorithms = [Algorithm];
    private static readonly string[] ValidTypes = [TokenType];

    private readonly JwtOptions _options;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler;
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _parameters;

    /// <param name="options">Resolved options (<see cref="JwtKeyPolicy.Resolve"/>).</param>
    /// <param name="timeProvider">Clock for issuing and validating; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="InvalidOperationException">The key or another setting is unusable.</exception>
    public TokenService(JwtOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        if (!JwtKeyPolicy.TryDecodeKey(options.SigningKey, out var keyBytes, out var problem))
            throw new InvalidOperationException($"{JwtOptions.SectionName}:SigningKey {problem}.");

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        var key = new SymmetricSecurityKey(keyBytes);
        _credentials = new SigningCredentials(key, Algorithm);
        _handler = new JsonWebTokenHandler
        {
            SetDefaultTimesOnTokenCreation = false, // set explicitly, from _time
            MapInboundClaims = false,
            TokenLifetimeInMinutes = (int)Math.Ceiling(options.AccessTokenLifetime.TotalMinutes),
        };
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKey = key, // the only key; the token carries no kid, so it is simply tried
            ValidAlgorithms = ValidAlgorithms,
            ValidTypes = ValidTypes,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = options.ClockSkew,
            ValidateIssuer = true,
            ValidIssuer = options.Issuer,
            ValidateAudience = true,
            RequireAudience = true,
            ValidAudience = options.Audience,
            ValidateIssuerSigningKey = true,
            ValidateActor = false,
            ValidateTokenReplay = false,
            SaveSigninToken = false,
            NameClaimType = JwtRegisteredClaimNames.Sub,
            // The handler's own lifetime check reads DateTime.UtcNow; this one reads _time, same rules.
            LifetimeValidator = LifetimeAt(_time, options.ClockSkew),
        };
    }

    /// <summary>Lifetime of the tokens this service issues.</summary>
    public TimeSpan AccessTokenLifetime => _options.AccessTokenLifetime;

    /// <summary>Signs a new access token for <paramref name="claims"/>.</summary>
    /// <exception cref="ArgumentException">No account id, or an unknown permission.</exception>
    public (string Token, DateTimeOffset ExpiresAt) Issue(AccountClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentException.ThrowIfNullOrWhiteSpace(claims.AccountId, nameof(claims));
        var permissions = claims.Permissions ?? [];
        foreach (var p in permissions)
            if (!Permissions.IsKnown(p))
                throw new ArgumentException($"Unknown permission '{p}'.", nameof(claims));

        // JWT NumericDate has whole seconds: truncate so ExpiresAt is exactly the exp claim.
        var nowSeconds = _time.GetUtcNow().ToUnixTimeSeconds();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(nowSeconds);
        var expiresAt = issuedAt + _options.AccessTokenLifetime;
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds());

        var payload = new Dictionary<string, object>(6, StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = claims.AccountId,
            [JwtRegisteredClaimNames.Jti] = NewTokenId(),
            [PermissionsClaim] = permissions.ToArray(),
        };
        if (claims.PlayerId is not null)
            payload[PlayerIdClaim] = claims.PlayerId;
        if (claims.GameClient is not null)
            payload[ClientIdClaim] = claims.GameClient;

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = _credentials,
            Claims = payload,
        };
        return (_handler.CreateToken(descriptor), expiresAt);
    }

    /// <summary>Checks signature, algorithm, type, issuer, audience and lifetime (with the configured clock skew).</summary>
    /// <param name="token">The compact JWS, without a "Bearer " prefix.</param>
    /// <param name="now">Validate as of this instant instead of the service's clock (tests, replays).</param>
    public TokenValidation Validate(string? token, DateTimeOffset? now = null)
    {
        if (string.IsNullOrWhiteSpace(token))
            return TokenValidation.Failure(TokenErrors.MissingToken);

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or JsonException or FormatException)
        {
            return TokenValidation.Failure(TokenErrors.MalformedToken);
        }

        // Pinned algorithm, checked before anything else looks at the signature: rejects "none", HS512, RS256, JWE...
        if (jwt.IsEncrypted || !string.Equals(jwt.Alg, Algorithm, StringComparison.Ordinal))
            return TokenValidation.Failure(TokenErrors.AlgorithmNotAllowed);

        var parameters = _parameters;
        if (now is { } at)
        {
            parameters = _parameters.Clone();
            parameters.LifetimeValidator = LifetimeAt(new FixedTime(at), _options.ClockSkew);
        }

        // Completes synchronously: a symmetric key and no configuration manager mean no I/O.
        var result = _handler.ValidateTokenAsync(jwt, parameters).GetAwaiter().GetResult();
        if (!result.IsValid)
            return TokenValidation.Failure(Classify(result.Exception));
        if (!HasIssuableLifetime(jwt, now ?? _time.GetUtcNow()))
            return TokenValidation.Failure(TokenErrors.MalformedToken);

        return ReadClaims(jwt) is { } claims
            ? TokenValidation.Success(claims)
            : TokenValidation.Failure(TokenErrors.MalformedToken);
    }

    /// <summary>
    /// A token signed with our key but living longer than this node ever issues (a leaked key, or a bug elsewhere, minting
    /// 10-year tokens) is not one of ours: exp − iat (exp − nbf without iat) and exp − now must both stay within
    /// <see cref="JwtOptions.AccessTokenLifetime"/> + <see cref="JwtOptions.ClockSkew"/>. The second bound catches a
    /// token whose iat lies in the future.
    /// </summary>
    private bool HasIssuableLifetime(JsonWebToken jwt, DateTimeOffset now)
    {
        var longest = _options.AccessTokenLifetime + _options.ClockSkew;
        var expires = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
        DateTimeOffset? start = jwt.IssuedAt != DateTime.MinValue ? new DateTimeOffset(DateTime.SpecifyKind(jwt.IssuedAt, DateTimeKind.Utc))
            : jwt.ValidFrom != DateTime.MinValue ? new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidFrom, DateTimeKind.Utc))
            : null;
        if (start is { } from && expires - from > longest) return false;
        return expires - now <= longest;
    }

    private static string Classify(Exception? e) => e switch
    {
        SecurityTokenInvalidAlgorithmException => TokenErrors.AlgorithmNotAllowed,
        SecurityTokenInvalidSignatureException => TokenErrors.InvalidSignature, // incl. SignatureKeyNotFound
        SecurityTokenExpiredException => TokenErrors.Expired,
        SecurityTokenNotYetValidException => TokenErrors.NotYetValid,
        SecurityTokenInvalidIssuerException => TokenErrors.InvalidIssuer,
        SecurityTokenInvalidAudienceException => TokenErrors.InvalidAudience,
        SecurityTokenInvalidTypeException => TokenErrors.InvalidType,
        // No exp, nbf after exp, bad claim JSON, anything unexpected: not a token this node issues.
        _ => TokenErrors.MalformedToken,
    };

    /// <summary>exp required; nbf &lt;= exp; now within [nbf - skew, exp + skew] (the same bounds as
    /// <see cref="Validators.ValidateLifetime"/>), with typed exceptions so failures keep their codes.</summary>
    private static LifetimeValidator LifetimeAt(TimeProvider time, TimeSpan skew) =>
        (notBefore, expires, _, _) =>
        {
            if (expires is not { } exp)
                throw new SecurityTokenNoExpirationException("The token has no exp claim.");
            if (notBefore is { } nbf && nbf > exp)
                throw new SecurityTokenInvalidLifetimeException("The token's nbf is after its exp.")
                {
                    NotBefore = nbf,
                    Expires = exp,
                };

            var now = time.GetUtcNow().UtcDateTime;
            if (notBefore is { } start && start > now + skew)
                throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = start };
            if (exp < now - skew)
                throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
            return true;
        };

    private static AccessTokenClaims? ReadClaims(JsonWebToken jwt)
    {
        var sub = jwt.Subject;
        if (string.IsNullOrEmpty(sub) || string.IsNullOrEmpty(jwt.Id))
            return null;

        string? playerId = null;
        if (jwt.TryGetPayloadValue(PlayerIdClaim, out string? pid))
            playerId = pid;
        string? client = null;
        if (jwt.TryGetPayloadValue(ClientIdClaim, out string? cid))
            client = cid;

        var permissions = new List<string>(2);
        if (jwt.TryGetPayloadValue(PermissionsClaim, out string[]? list) && list is not null)
        {
            foreach (var p in list)
                if (Permissions.IsKnown(p) && !permissions.Contains(p)) // unknown ones grant nothing
                    permissions.Add(p);
        }
        else if (jwt.TryGetPayloadValue(PermissionsClaim, out string? single) && Permissions.IsKnown(single))
        {
            permissions.Add(single!);
        }

        return new AccessTokenClaims(
            sub, playerId, permissions, client, jwt.Id,
            new DateTimeOffset(DateTime.SpecifyKind(jwt.IssuedAt, DateTimeKind.Utc)),
            new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc)));
    }

    private static string NewTokenId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>A clock stopped at one instant, for <see cref="Validate"/>'s <c>now</c>.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}

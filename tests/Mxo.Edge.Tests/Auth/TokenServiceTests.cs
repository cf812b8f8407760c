using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jose;
using JwtOptions = Mxo.Edge.Auth.JwtOptions;
using Mxo.Edge.Auth;
using Xunit;

namespace Mxo.Edge.Tests.Auth;

public class TokenServiceTests
{
    private readonly byte[] _key = AuthTest.NewKey();
    private readonly ManualClock _clock = new(AuthTest.T0);
    private readonly TokenService _service;

    private static readonly AccountClaims Neo = new("acc-1", "player-7", [Permissions.Player, Permissions.Gm], "web-0.1");

    public TokenServiceTests() => _service = new TokenService(AuthTest.Options(_key), _clock);

    private TokenService ServiceWith(Func<JwtOptions, JwtOptions> change, byte[]? key = null) =>
        new(change(AuthTest.Options(key ?? _key)), _clock);

    /// <summary>A payload with every claim our tokens have, valid at T0.</summary>
    private static Dictionary<string, object> StandardPayload(string iss = "mxo", string aud = "mxo-players") => new()
    {
        ["sub"] = "acc-1",
        ["jti"] = "j-1",
        ["permissions"] = new[] { "admin" },
        ["iss"] = iss,
        ["aud"] = aud,
        ["iat"] = AuthTest.Unix(AuthTest.T0),
        ["nbf"] = AuthTest.Unix(AuthTest.T0),
        ["exp"] = AuthTest.Unix(AuthTest.T0.AddMinutes(15)),
    };

    /// <summary>Hand-built JWS (no JWT library): base64url(header).base64url(payload).HMAC.</summary>
    private static string HandSigned(object header, object payload, byte[] key, Func<byte[], byte[], byte[]> mac)
    {
        var signingInput = AuthTest.B64Url(JsonSerializer.Serialize(header)) + "." +
                           AuthTest.B64Url(JsonSerializer.Serialize(payload));
        var sig = mac(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + System.Buffers.Text.Base64Url.EncodeToString(sig);
    }

    // ---------------------------------------------------------------- round trip

    [Fact]
    public void Issue_then_validate_round_trips_the_claims()
    {
        var (token, expiresAt) = _service.Issue(Neo);

        Assert.Equal(AuthTest.T0.AddMinutes(15), expiresAt);
        var result = _service.Validate(token);
        Assert.True(result.IsValid, result.ToString());
        Assert.Null(result.Error);
        var c = result.Claims;
        Assert.Equal("acc-1", c.AccountId);
        Assert.Equal("player-7", c.PlayerId);
        Assert.Equal(["player", "gm"], c.Permissions);
        Assert.Equal("web-0.1", c.GameClient);
        Assert.True(c.Has(Permissions.Gm));
        Assert.False(c.Has(Permissions.Admin));
        Assert.Equal(AuthTest.T0, c.IssuedAt);
        Assert.Equal(expiresAt, c.ExpiresAt);
        Assert.False(string.IsNullOrEmpty(c.TokenId));
    }

    [Fact]
    public void A_token_without_a_character_or_client_round_trips_with_nulls()
    {
        var (token, _) = _service.Issue(new AccountClaims("acc-2", null, [Permissions.Admin], null));
        var result = _service.Validate(token);
        Assert.True(result.IsValid, result.ToString());
        Assert.Null(result.Claims.PlayerId);
        Assert.Null(result.Claims.GameClient);
        Assert.Equal(["admin"], result.Claims.Permissions);
        using var payload = JsonDocument.Parse(AuthTest.FromB64Url(token.Split('.')[1]));
        Assert.False(payload.RootElement.TryGetProperty("player_id", out _));
    }

    [Fact]
    public void Every_token_gets_its_own_jti()
    {
        var ids = Enumerable.Range(0, 50)
            .Select(_ => _service.Validate(_service.Issue(Neo).Token).Claims!.TokenId)
            .ToHashSet();
        Assert.Equal(50, ids.Count);
    }

    [Fact]
    public void Lifetime_is_configurable()
    {
        var service = ServiceWith(o => o with { AccessTokenLifetime = TimeSpan.FromMinutes(2) });
        var (token, expiresAt) = service.Issue(Neo);
        Assert.Equal(AuthTest.T0.AddMinutes(2), expiresAt);
        Assert.True(service.Validate(token, AuthTest.T0.AddMinutes(2).AddSeconds(29)).IsValid);
        Assert.Equal(TokenErrors.Expired, service.Validate(token, AuthTest.T0.AddMinutes(2).AddSeconds(31)).Error);
    }

    [Fact]
    public void Unknown_permissions_cannot_be_issued()
    {
        Assert.Throws<ArgumentException>(() => _service.Issue(Neo with { Permissions = ["player", "root"] }));
        Assert.Throws<ArgumentException>(() => _service.Issue(Neo with { AccountId = "" }));
        Assert.True(Permissions.IsKnown("gm"));
        Assert.False(Permissions.IsKnown("GM"));
        Assert.False(Permissions.IsKnown(null));
    }

    [Fact]
    public void Validation_is_thread_safe()
    {
        var failures = 0;
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var (token, _) = _service.Issue(Neo with { AccountId = "acc-" + i });
            var r = _service.Validate(token);
            if (!r.IsValid || r.Claims.AccountId != "acc-" + i)
                Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    // ---------------------------------------------------------------- rejections

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void No_token_is_missing_token(string? token) =>
        Assert.Equal(TokenErrors.MissingToken, _service.Validate(token).Error);

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("...")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9")]
    [InlineData("{\"alg\":\"HS256\"}.e30.")]
    public void Garbage_is_malformed_token(string token) =>
        Assert.Equal(TokenErrors.MalformedToken, _service.Validate(token).Error);

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("")]
    public void Alg_none_is_not_allowed(string alg)
    {
        var header = AuthTest.B64Url($$"""{"alg":"{{alg}}","typ":"at+jwt"}""");
        var payload = AuthTest.B64Url(JsonSerializer.Serialize(StandardPayload()));
        var result = _service.Validate(header + "." + payload + ".", AuthTest.T0);
        Assert.False(result.IsValid);
        Assert.Equal(TokenErrors.AlgorithmNotAllowed, result.Error);
    }

    [Fact]
    public void Our_header_with_the_signature_stripped_is_invalid_signature()
    {
        var (token, _) = _service.Issue(Neo);
        var stripped = token[..(token.LastIndexOf('.') + 1)];
        Assert.Equal(TokenErrors.InvalidSignature, _service.Validate(stripped).Error);
    }

    [Fact]
    public void A_token_signed_with_another_key_is_invalid_signature()
    {
        var other = ServiceWith(o => o, AuthTest.NewKey());
        var (token, _) = other.Issue(Neo);
        Assert.True(other.Validate(token).IsValid);
        Assert.Equal(TokenErrors.InvalidSignature, _service.Validate(token).Error);
    }

    [Fact]
    public void HS512_with_the_same_key_is_algorithm_not_allowed()
    {
        var token = JWT.Encode(StandardPayload(), _key, JwsAlgorithm.HS512,
            new Dictionary<string, object> { ["typ"] = "at+jwt" });
        Assert.Equal("HS512", JWT.Headers(token)["alg"]);
        Assert.Equal(TokenErrors.AlgorithmNotAllowed, _service.Validate(token, AuthTest.T0).Error);
    }

    [Fact]
    public void HS384_and_the_long_HS256_uri_are_algorithm_not_allowed()
    {
        var hs384 = HandSigned(new { alg = "HS384", typ = "at+jwt" }, StandardPayload(), _key, HMACSHA384.HashData);
        Assert.Equal(TokenErrors.AlgorithmNotAllowed, _service.Validate(hs384, AuthTest.T0).Error);
        var uri = HandSigned(new { alg = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", typ = "at+jwt" },
            StandardPayload(), _key, HMACSHA256.HashData);
        Assert.Equal(TokenErrors.AlgorithmNotAllowed, _service.Validate(uri, AuthTest.T0).Error);
    }

    [Fact]
    public void Wrong_issuer_is_invalid_issuer()
    {
        var (token, _) = ServiceWith(o => o with { Issuer = "evil" }).Issue(Neo);
        Assert.Equal(TokenErrors.InvalidIssuer, _service.Validate(token).Error);
    }

    [Fact]
    public void Wrong_audience_is_invalid_audience()
    {
        var (token, _) = ServiceWith(o => o with { Audience = "mxo-admin-console" }).Issue(Neo);
        Assert.Equal(TokenErrors.InvalidAudience, _service.Validate(token).Error);
    }

    [Fact]
    public void Expired_beyond_the_30_s_skew_is_expired_but_within_it_still_valid()
    {
        var (token, expiresAt) = _service.Issue(Neo);

        Assert.True(_service.Validate(token, expiresAt.AddSeconds(-1)).IsValid);
        Assert.True(_service.Validate(token, expiresAt.AddSeconds(20)).IsValid); // skew
        Assert.True(_service.Validate(token, expiresAt.AddSeconds(30)).IsValid); // edge of skew
        Assert.Equal(TokenErrors.Expired, _service.Validate(token, expiresAt.AddSeconds(31)).Error);
        Assert.Equal(TokenErrors.Expired, _service.Validate(token, expiresAt.AddHours(5)).Error);
    }

    [Fact]
    public void The_services_clock_is_used_when_no_time_is_given()
    {
        var (token, expiresAt) = _service.Issue(Neo);
        _clock.Now = expiresAt.AddSeconds(20);
        Assert.True(_service.Validate(token).IsValid);
        _clock.Now = expiresAt.AddSeconds(31);
        Assert.Equal(TokenErrors.Expired, _service.Validate(token).Error);
    }

    [Fact]
    public void Nbf_in_the_future_beyond_skew_is_not_yet_valid()
    {
        var (token, _) = _service.Issue(Neo); // nbf = T0
        Assert.Equal(TokenErrors.NotYetValid, _service.Validate(token, AuthTest.T0.AddSeconds(-60)).Error);
        Assert.True(_service.Validate(token, AuthTest.T0.AddSeconds(-20)).IsValid); // skew

        _clock.Now = AuthTest.T0.AddSeconds(60);
        var (future, _) = _service.Issue(Neo);
        _clock.Now = AuthTest.T0;
        Assert.Equal(TokenErrors.NotYetValid, _service.Validate(future).Error);
    }

    [Fact]
    public void A_token_without_exp_is_refused()
    {
        var payload = StandardPayload();
        payload.Remove("exp");
        var token = HandSigned(new { alg = "HS256", typ = "at+jwt" }, payload, _key, HMACSHA256.HashData);
        var result = _service.Validate(token, AuthTest.T0);
        Assert.False(result.IsValid);
        Assert.Equal(TokenErrors.MalformedToken, result.Error);
    }

    [Theory]
    [InlineData("iat", 60 * 24 * 365 * 10)] // a ten-year token, issued now
    [InlineData("iat", 60 * 24 * 365 * 100)]
    [InlineData("nbf", 60 * 24 * 365 * 10)] // no iat: the lifetime counts from nbf
    [InlineData("none", 60 * 24 * 365 * 10)] // neither: exp may be at most one lifetime away
    [InlineData("iat", 16)] // 15 min + 30 s skew is the most this node issues
    public void A_token_signed_with_our_key_living_longer_than_we_issue_is_refused(string start, int lifetimeMinutes)
    {
        var payload = StandardPayload();
        payload["exp"] = AuthTest.Unix(AuthTest.T0.AddMinutes(lifetimeMinutes));
        if (start != "iat") payload.Remove("iat");
        if (start == "none") payload.Remove("nbf");
        var token = HandSigned(new { alg = "HS256", typ = "at+jwt" }, payload, _key, HMACSHA256.HashData);
        var result = _service.Validate(token, AuthTest.T0.AddMinutes(1));
        Assert.False(result.IsValid);
        Assert.Equal(TokenErrors.MalformedToken, result.Error);
    }

    [Fact]
    public void A_token_living_exactly_the_lifetime_plus_skew_is_accepted_but_not_one_issued_in_the_future()
    {
        var payload = StandardPayload();
        payload["exp"] = AuthTest.Unix(AuthTest.T0.AddMinutes(15).AddSeconds(30));
        var token = HandSigned(new { alg = "HS256", typ = "at+jwt" }, payload, _key, HMACSHA256.HashData);
        Assert.True(_service.Validate(token, AuthTest.T0).IsValid);

        // iat and exp a year ahead, nbf now: a normal-looking lifetime that ends far too late.
        payload["iat"] = AuthTest.Unix(AuthTest.T0.AddYears(1));
        payload["exp"] = AuthTest.Unix(AuthTest.T0.AddYears(1).AddMinutes(15));
        token = HandSigned(new { alg = "HS256", typ = "at+jwt" }, payload, _key, HMACSHA256.HashData);
        Assert.Equal(TokenErrors.MalformedToken, _service.Validate(token, AuthTest.T0).Error);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("jwt")]
    [InlineData("application/at+jwt")]
    [InlineData(null)]
    public void Wrong_typ_is_invalid_type(string? typ)
    {
        var token = typ is null
            ? HandSigned(new { alg = "HS256" }, StandardPayload(), _key, HMACSHA256.HashData)
            : JWT.Encode(StandardPayload(), _key, JwsAlgorithm.HS256, new Dictionary<string, object> { ["typ"] = typ });
        Assert.Equal(TokenErrors.InvalidType, _service.Validate(token, AuthTest.T0).Error);
    }

    [Fact]
    public void A_tampered_payload_is_invalid_signature()
    {
        var (token, _) = _service.Issue(Neo);
        var parts = token.Split('.');
        var json = AuthTest.FromB64Url(parts[1]);
        var forged = json.Replace("\"gm\"", "\"admin\"");
        Assert.NotEqual(json, forged);
        var tampered = parts[0] + "." + AuthTest.B64Url(forged) + "." + parts[2];
        Assert.Equal(TokenErrors.InvalidSignature, _service.Validate(tampered).Error);

        // One flipped character of the signature, too.
        var sig = parts[2].ToCharArray();
        sig[5] = sig[5] == 'A' ? 'B' : 'A';
        Assert.Equal(TokenErrors.InvalidSignature, _service.Validate(parts[0] + "." + parts[1] + "." + new string(sig)).Error);
    }

    // ---------------------------------------------------------------- independent implementations

    [Fact]
    public void An_independent_library_verifies_our_tokens_and_reads_standard_claims()
    {
        var (token, expiresAt) = _service.Issue(Neo with { Permissions = [Permissions.Player] });

        // jose-jwt: independent JOSE implementation (no Microsoft.IdentityModel), HS256 pinned.
        var json = JWT.Decode(token, _key, JwsAlgorithm.HS256);
        Assert.Throws<IntegrityException>(() => JWT.Decode(token, AuthTest.NewKey(), JwsAlgorithm.HS256));
        Assert.ThrowsAny<JoseException>(() => JWT.Decode(token, _key, JwsAlgorithm.HS512));

        var header = JWT.Headers(token);
        Assert.Equal("HS256", header["alg"]);
        Assert.Equal("at+jwt", header["typ"]);

        using var doc = JsonDocument.Parse(json);
        var p = doc.RootElement;
        Assert.Equal("mxo", p.GetProperty("iss").GetString());
        Assert.Equal("mxo-players", p.GetProperty("aud").GetString());
        Assert.Equal("acc-1", p.GetProperty("sub").GetString());
        Assert.Equal("player-7", p.GetProperty("player_id").GetString());
        Assert.Equal("web-0.1", p.GetProperty("client_id").GetString());
        Assert.Equal(AuthTest.Unix(expiresAt), p.GetProperty("exp").GetInt64());
        Assert.Equal(AuthTest.Unix(AuthTest.T0), p.GetProperty("nbf").GetInt64());
        Assert.Equal(AuthTest.Unix(AuthTest.T0), p.GetProperty("iat").GetInt64());
        Assert.Equal(JsonValueKind.String, p.GetProperty("jti").ValueKind);
        var permissions = p.GetProperty("permissions");
        Assert.Equal(JsonValueKind.Array, permissions.ValueKind); // an array even with one element
        Assert.Equal(["player"], permissions.EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public void A_hand_written_verifier_agrees_with_the_signature()
    {
        var (token, _) = _service.Issue(Neo);
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        var actual = System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]);
        Assert.True(CryptographicOperations.FixedTimeEquals(expected, actual));

        using var header = JsonDocument.Parse(AuthTest.FromB64Url(parts[0]));
        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.RootElement.GetProperty("typ").GetString());
    }

    [Fact]
    public void Tokens_made_by_the_independent_library_validate_here()
    {
        var token = JWT.Encode(StandardPayload(), _key, JwsAlgorithm.HS256,
            new Dictionary<string, object> { ["typ"] = "at+jwt" });

        var result = _service.Validate(token, AuthTest.T0.AddMinutes(1));

        Assert.True(result.IsValid, result.ToString());
        Assert.Equal("acc-1", result.Claims.AccountId);
        Assert.Equal("j-1", result.Claims.TokenId);
        Assert.Equal(["admin"], result.Claims.Permissions);
    }

    [Fact]
    public void Unknown_permissions_in_a_signed_token_grant_nothing()
    {
        var payload = StandardPayload();
        payload["permissions"] = new[] { "player", "superuser", "player" };
        var token = JWT.Encode(payload, _key, JwsAlgorithm.HS256, new Dictionary<string, object> { ["typ"] = "at+jwt" });
        var result = _service.Validate(token, AuthTest.T0);
        Assert.True(result.IsValid, result.ToString());
        Assert.Equal(["player"], result.Claims.Permissions);
    }
}

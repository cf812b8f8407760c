using Microsoft.Extensions.Logging;
using Mxo.Edge.Auth;
using Xunit;

namespace Mxo.Edge.Tests.Auth;

public class JwtKeyPolicyTests
{
    [Theory]
    [InlineData(null, "missing")]
    [InlineData("", "missing")]
    [InlineData("   ", "missing")]
    [InlineData("not base64 at all!!", "base64")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==", "too short")] // 16 bytes = 128 bits
    public void Unusable_key_stops_the_node_outside_dev(string? key, string reason)
    {
        var logger = new RecordingLogger();
        var e = Assert.Throws<InvalidOperationException>(
            () => JwtKeyPolicy.Resolve(new JwtOptions { SigningKey = key }, devMode: false, logger));
        Assert.Contains("Mxo:Jwt:SigningKey", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.Contains("--dev", e.Message);
        Assert.Empty(logger.Lines);
    }

    [Fact]
    public void A_31_byte_key_is_too_short()
    {
        var key = Convert.ToBase64String(AuthTest.NewKey(31));
        var e = Assert.Throws<InvalidOperationException>(
            () => JwtKeyPolicy.Resolve(new JwtOptions { SigningKey = key }, false, new RecordingLogger()));
        Assert.Contains("248 bits", e.Message);
        Assert.DoesNotContain(key, e.Message);
    }

    [Fact]
    public void A_good_key_is_kept_and_nothing_is_logged()
    {
        foreach (var dev in new[] { false, true })
        {
            var logger = new RecordingLogger();
            var options = AuthTest.Options(AuthTest.NewKey(64));
            var resolved = JwtKeyPolicy.Resolve(options, dev, logger);
            Assert.Equal(options.SigningKey, resolved.SigningKey);
            Assert.Empty(logger.Lines);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not base64 at all!!")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==")]
    public void Dev_generates_a_random_256_bit_key_and_warns_without_logging_it(string? key)
    {
        var logger = new RecordingLogger();
        var options = new JwtOptions { SigningKey = key, Issuer = "iss-x", AccessTokenLifetime = TimeSpan.FromMinutes(5) };

        var resolved = JwtKeyPolicy.Resolve(options, devMode: true, logger);

        Assert.NotNull(resolved.SigningKey);
        Assert.NotEqual(key, resolved.SigningKey);
        Assert.Equal(32, Convert.FromBase64String(resolved.SigningKey).Length);
        Assert.Equal("iss-x", resolved.Issuer); // the rest of the options is kept
        Assert.Equal(TimeSpan.FromMinutes(5), resolved.AccessTokenLifetime);
        Assert.Equal(key, options.SigningKey); // input not mutated

        var line = Assert.Single(logger.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("generated a random 256-bit signing key", line.Message);
        Assert.DoesNotContain(resolved.SigningKey, line.Message);
        Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(resolved.SigningKey)), line.Message,
            StringComparison.OrdinalIgnoreCase);

        // And the generated key works.
        var service = new TokenService(resolved);
        Assert.True(service.Validate(service.Issue(new AccountClaims("a", null, [Permissions.Player], null)).Token).IsValid);
    }

    [Fact]
    public void Dev_keys_differ_between_runs()
    {
        var a = JwtKeyPolicy.Resolve(new JwtOptions(), true, new RecordingLogger()).SigningKey;
        var b = JwtKeyPolicy.Resolve(new JwtOptions(), true, new RecordingLogger()).SigningKey;
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(-1)]
    public void Clock_skew_above_30_s_is_refused_even_in_dev(int seconds)
    {
        var options = AuthTest.Options(AuthTest.NewKey()) with { ClockSkew = TimeSpan.FromSeconds(seconds) };
        var e = Assert.Throws<InvalidOperationException>(() => JwtKeyPolicy.Resolve(options, true, new RecordingLogger()));
        Assert.Contains("ClockSkew", e.Message);
        Assert.Throws<InvalidOperationException>(() => new TokenService(options));
    }

    [Fact]
    public void Defaults_match_the_requirement()
    {
        var o = new JwtOptions();
        Assert.Equal("mxo", o.Issuer);
        Assert.Equal("mxo-players", o.Audience);
        Assert.Equal(TimeSpan.FromMinutes(15), o.AccessTokenLifetime);
        Assert.Equal(TimeSpan.FromSeconds(30), o.ClockSkew);
        Assert.Equal("Mxo:Jwt", JwtOptions.SectionName);
    }

    [Fact]
    public void TokenService_refuses_an_unresolved_short_key()
    {
        Assert.Throws<InvalidOperationException>(() => new TokenService(new JwtOptions()));
        Assert.Throws<InvalidOperationException>(() => new TokenService(AuthTest.Options(AuthTest.NewKey(16))));
    }
}

using Mxo.Actors.Accounts;
using Mxo.Protocol.Accounts;
using Xunit;

namespace Mxo.Actors.Tests;

public sealed class PasswordHasherTests
{
    private const string Password = "correct horse battery";
    private const int Cheap = 1_000;

    [Fact]
    public void Production_defaults_meet_owasp()
    {
        var defaults = new AccountSettings();
        Assert.Equal(PasswordHasher.Pbkdf2Sha256, defaults.PasswordAlgorithm);
        Assert.True(defaults.PasswordIterations >= 600_000);
        Assert.True(defaults.MeetsOwaspMinimum);
        Assert.False((defaults with { PasswordIterations = 100_000 }).MeetsOwaspMinimum);
        Assert.True((defaults with { PasswordAlgorithm = PasswordHasher.Pbkdf2Sha512, PasswordIterations = 210_000 }).MeetsOwaspMinimum);
        Assert.Equal((3, 5, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30), TimeSpan.FromSeconds(10)),
            (defaults.MaxCharactersPerAccount, defaults.LockAfterFailures, defaults.LockDuration, defaults.RefreshTokenLifetime, defaults.RefreshGraceWindow));
    }

    [Fact]
    public void A_hash_stores_its_parameters_and_a_fresh_salt_every_time()
    {
        var a = PasswordHasher.Hash(Password, PasswordHasher.Pbkdf2Sha256, Cheap);
        var b = PasswordHasher.Hash(Password, PasswordHasher.Pbkdf2Sha256, Cheap);
        Assert.Equal((PasswordHasher.Pbkdf2Sha256, Cheap, 16, 32), (a.Algorithm, a.Iterations, a.Salt.Length, a.Hash.Length));
        Assert.NotEqual(a.Salt, b.Salt);
        Assert.NotEqual(a.Hash, b.Hash);
        Assert.DoesNotContain("Password", a.ToString().Replace("PasswordHash", ""));
    }

    [Fact]
    public void The_right_password_verifies_and_a_wrong_one_does_not()
    {
        var stored = PasswordHasher.Hash(Password, PasswordHasher.Pbkdf2Sha256, Cheap);
        Assert.Equal(new PasswordVerification(true, false), PasswordHasher.Verify(Password, stored, PasswordHasher.Pbkdf2Sha256, Cheap));
        Assert.Equal(new PasswordVerification(false, false), PasswordHasher.Verify("Correct horse battery", stored, PasswordHasher.Pbkdf2Sha256, Cheap));
        Assert.Equal(new PasswordVerification(false, false), PasswordHasher.Verify(Password + " ", stored, PasswordHasher.Pbkdf2Sha256, Cheap));
    }

    [Fact]
    public void Older_parameters_verify_and_ask_for_a_rehash()
    {
        var old = PasswordHasher.Hash(Password, PasswordHasher.Pbkdf2Sha256, 100_000);
        Assert.Equal(new PasswordVerification(true, true), PasswordHasher.Verify(Password, old, new AccountSettings()));
        // A wrong password never asks for a rehash (there is nothing to rehash with).
        Assert.Equal(new PasswordVerification(false, false), PasswordHasher.Verify("wrong password", old, new AccountSettings()));

        var sha512 = PasswordHasher.Hash(Password, PasswordHasher.Pbkdf2Sha512, Cheap);
        Assert.Equal(64, sha512.Hash.Length);
        Assert.Equal(new PasswordVerification(true, true), PasswordHasher.Verify(Password, sha512, PasswordHasher.Pbkdf2Sha256, Cheap));
        Assert.Equal(new PasswordVerification(true, false), PasswordHasher.Verify(Password, sha512, PasswordHasher.Pbkdf2Sha512, Cheap));
        // Stronger stored parameters are kept, not weakened.
        Assert.Equal(new PasswordVerification(true, false), PasswordHasher.Verify(Password, old, PasswordHasher.Pbkdf2Sha256, Cheap));
    }

    [Fact]
    public void A_known_pbkdf2_vector_verifies()
    {
        // RFC 7914 section 11 test vector for PBKDF2-HMAC-SHA256: P = "passwd", S = "salt", c = 1, dkLen = 64 (first 32 bytes).
        var vector = new PasswordHash(PasswordHasher.Pbkdf2Sha256, 1, "salt"u8.ToArray(),
            Convert.FromHexString("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"));
        Assert.True(PasswordHasher.Verify("passwd", vector, PasswordHasher.Pbkdf2Sha256, 1).Ok);
    }

    [Fact]
    public void Corrupt_or_unknown_hashes_never_verify()
    {
        var good = PasswordHasher.Hash(Password, PasswordHasher.Pbkdf2Sha256, Cheap);
        Assert.False(PasswordHasher.Verify(Password, good with { Algorithm = "md5" }, new AccountSettings()).Ok);
        Assert.False(PasswordHasher.Verify(Password, good with { Iterations = 0 }, new AccountSettings()).Ok);
        Assert.False(PasswordHasher.Verify(Password, good with { Iterations = int.MaxValue }, new AccountSettings()).Ok);
        Assert.False(PasswordHasher.Verify(Password, good with { Salt = [] }, new AccountSettings()).Ok);
        Assert.False(PasswordHasher.Verify(Password, good with { Hash = good.Hash[..8] }, new AccountSettings()).Ok);
        Assert.False(PasswordHasher.Verify(Password, PasswordHasher.Dummy(PasswordHasher.Pbkdf2Sha256, Cheap), PasswordHasher.Pbkdf2Sha256, Cheap).Ok);
        Assert.Throws<ArgumentException>(() => PasswordHasher.Hash(Password, "md5", Cheap));
    }

    /// <summary>
    /// Timing cannot be asserted reliably in a unit test, so this guards the source: the comparison must stay the
    /// base library's fixed-time one, never an early-exit comparison.
    /// </summary>
    [Fact]
    public void Hashes_are_compared_in_fixed_time()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Mxo.Actors", "Accounts");
        var hasher = File.ReadAllText(Path.Combine(root, "PasswordHasher.cs"));
        Assert.Contains("CryptographicOperations.FixedTimeEquals(candidate, stored.Hash)", hasher);
        Assert.Contains("Rfc2898DeriveBytes.Pbkdf2(", hasher);
        foreach (var file in new[] { "PasswordHasher.cs", "AccountLogic.cs", "AccountEntity.cs" })
        {
            var source = File.ReadAllText(Path.Combine(root, file));
            Assert.DoesNotContain("SequenceEqual", source);
        }
    }
}

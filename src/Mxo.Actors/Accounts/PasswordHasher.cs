using System.Security.Cryptography;
using Mxo.Protocol.Accounts;

namespace Mxo.Actors.Accounts;

/// <summary>The outcome of a password check: <see cref="NeedsRehash"/> is true only when <see cref="Ok"/> is.</summary>
public readonly record struct PasswordVerification(bool Ok, bool NeedsRehash);

/// <summary>
/// Password hashing with PBKDF2 from the base library (<see cref="Rfc2898DeriveBytes.Pbkdf2(string, byte[], int, HashAlgorithmName, int)"/>):
/// a fresh random 16-byte salt per hash, the parameters stored with the hash, comparison in fixed time
/// (<see cref="CryptographicOperations.FixedTimeEquals"/>). Pure and thread-safe; CPU-heavy by design, so actors call
/// it off their own thread. The password is hashed as UTF-8 in its NFKC form (<see cref="AccountRules.NormalisePassword"/>),
/// in <see cref="Hash(string, string, int)"/> and <see cref="Verify(string, PasswordHash, string, int)"/> alike.
/// </summary>
public static class PasswordHasher
{
    public const string Pbkdf2Sha256 = "pbkdf2-sha256";
    public const string Pbkdf2Sha512 = "pbkdf2-sha512";

    /// <summary>OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA256 with at least 600,000 iterations.</summary>
    public const int OwaspMinimumSha256 = 600_000;

    /// <summary>OWASP Password Storage Cheat Sheet: PBKDF2-HMAC-SHA512 with at least 210,000 iterations.</summary>
    public const int OwaspMinimumSha512 = 210_000;

    public const int SaltBytes = 16;

    /// <summary>Stored parameters above this are treated as corrupt rather than obeyed (a check must not run for minutes).</summary>
    public const int MaxIterations = 10_000_000;

    public static PasswordHash Hash(string password, AccountSettings settings) =>
        Hash(password, settings.PasswordAlgorithm, settings.PasswordIterations);

    public static PasswordHash Hash(string password, string algorithm, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var hashAlgorithm = HashAlgorithmFor(algorithm)
                            ?? throw new ArgumentException($"unknown password algorithm '{algorithm}'", nameof(algorithm));
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(AccountRules.NormalisePassword(password), salt, iterations, hashAlgorithm, OutputBytes(algorithm));
        return new PasswordHash(algorithm, iterations, salt, hash);
    }

    public static PasswordVerification Verify(string password, PasswordHash stored, AccountSettings settings) =>
        Verify(password, stored, settings.PasswordAlgorithm, settings.PasswordIterations);

    /// <summary>
    /// Recomputes the hash with the STORED parameters and compares in fixed time. <see cref="PasswordVerification.NeedsRehash"/>
    /// says the stored parameters are weaker than or different from the current ones (<paramref name="algorithm"/>,
    /// <paramref name="iterations"/>): the caller re-hashes with the current parameters while it has the password.
    /// A corrupt or unknown stored hash never verifies.
    /// </summary>
    public static PasswordVerification Verify(string password, PasswordHash stored, string algorithm, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(stored);
        if (HashAlgorithmFor(stored.Algorithm) is not { } storedAlgorithm
            || stored.Iterations is < 1 or > MaxIterations
            || stored.Salt.Length == 0
            || stored.Hash.Length is < 16 or > 64)
            return new PasswordVerification(false, false);
        var candidate = Rfc2898DeriveBytes.Pbkdf2(AccountRules.NormalisePassword(password), stored.Salt, stored.Iterations, storedAlgorithm, stored.Hash.Length);
        var ok = CryptographicOperations.FixedTimeEquals(candidate, stored.Hash);
        CryptographicOperations.ZeroMemory(candidate);
        return new PasswordVerification(ok, ok && NeedsRehash(stored, algorithm, iterations));
    }

    /// <summary>True when <paramref name="stored"/> was made with other or weaker parameters than the current ones.</summary>
    public static bool NeedsRehash(PasswordHash stored, string algorithm, int iterations) =>
        stored.Algorithm != algorithm
        || stored.Iterations < iterations
        || stored.Salt.Length < SaltBytes
        || stored.Hash.Length != OutputBytes(algorithm);

    /// <summary>
    /// A hash nothing verifies against (random salt and random "hash") with the current parameters. Checking a password
    /// against it costs what a real check costs, so an unknown user name answers as slowly as a wrong password.
    /// </summary>
    public static PasswordHash Dummy(string algorithm, int iterations) =>
        new(algorithm, iterations, RandomNumberGenerator.GetBytes(SaltBytes), RandomNumberGenerator.GetBytes(OutputBytes(algorithm)));

    public static bool MeetsOwaspMinimum(string algorithm, int iterations) => algorithm switch
    {
        Pbkdf2Sha256 => iterations >= OwaspMinimumSha256,
        Pbkdf2Sha512 => iterations >= OwaspMinimumSha512,
        _ => false,
    };

    private static HashAlgorithmName? HashAlgorithmFor(string? algorithm) => algorithm switch
    {
        Pbkdf2Sha256 => HashAlgorithmName.SHA256,
        Pbkdf2Sha512 => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>The natural output size of the HMAC: 32 bytes for SHA-256, 64 for SHA-512.</summary>
    private static int OutputBytes(string algorithm) => algorithm == Pbkdf2Sha512 ? 64 : 32;
}

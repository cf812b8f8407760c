namespace Mxo.Actors.Accounts;

/// <summary>
/// Tuning of accounts and the character-name registry. Intended to be bound from a <c>Mxo:Accounts</c> configuration
/// section. The defaults are the production values; tests lower the hashing cost and the durations.
/// </summary>
public sealed record AccountSettings
{
    /// <summary>How many characters one account may create.</summary>
    public int MaxCharactersPerAccount { get; init; } = 3;

    /// <summary>Failed password checks (logins or password changes) in a row that lock the account.</summary>
    public int LockAfterFailures { get; init; } = 5;

    /// <summary>How long a lock lasts. The lock is persisted: it survives passivation and restarts.</summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Lifetime of a refresh token from its issue or rotation (sliding: each rotation extends the family).</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// For this long after a rotation, presenting the replaced token again (two refreshes racing with the same token)
    /// returns the same successor instead of counting as reuse and revoking the family.
    /// </summary>
    public TimeSpan RefreshGraceWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Live refresh-token families (logins) per account; a new login beyond this revokes the oldest.</summary>
    public int MaxRefreshFamilies { get; init; } = 10;

    /// <summary>"pbkdf2-sha256" (default) or "pbkdf2-sha512" (<see cref="PasswordHasher"/>).</summary>
    public string PasswordAlgorithm { get; init; } = PasswordHasher.Pbkdf2Sha256;

    /// <summary>
    /// PBKDF2 iterations for new hashes. OWASP (2023+): at least 600,000 for HMAC-SHA256, 210,000 for HMAC-SHA512.
    /// Only tests lower it. Raising it makes every older hash re-hash at its next successful login.
    /// </summary>
    public int PasswordIterations { get; init; } = PasswordHasher.OwaspMinimumSha256;

    /// <summary>Accounts snapshot their state every this many persisted events.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>An account (or a name-registry entry) that receives nothing for this long passivates.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an account waits for the name registry to answer a claim before answering "timeout".</summary>
    public TimeSpan ClaimTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Commands an account holds while a password check runs off its thread; beyond this it answers "busy" at once
    /// (DESIGN.md decision 6).
    /// </summary>
    public int MaxPendingCommands { get; init; } = 32;

    /// <summary>Shards per entity type (account, charactername); fixed for the life of a cluster.</summary>
    public int MaxShards { get; init; } = 100;

    /// <summary>True when the hashing parameters meet OWASP's current minimum (a node may warn at start-up if not).</summary>
    public bool MeetsOwaspMinimum => PasswordHasher.MeetsOwaspMinimum(PasswordAlgorithm, PasswordIterations);
}

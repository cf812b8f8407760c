namespace Mxo.Actors.Accounts;

/// <summary>
/// Tuning of accounts and the character-name registry. Intended to be bound from a <c>Mxo:Accounts</c> configuration
/// section. The defaults are the production values; tests lower the hashing cost and the durations.
/// </summary>
public sealed record AccountSettings : ICheckedSettings
{
    /// <summary>How many characters one account may create.</summary>
    public int MaxCharactersPerAccount { get; init; } = 3;

    /// <summary>
    /// Failed password checks (logins or password changes) from one client address, within <see cref="FailureWindow"/>,
    /// that lock that address (only) out of this account for <see cref="LockDuration"/>. Other addresses — the owner's —
    /// are not locked by them, so failures can no longer be used to lock an owner out.
    /// </summary>
    public int LockAfterFailures { get; init; } = 5;

    /// <summary>How long an (account, address) lock lasts. Held in the account's memory.</summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The sliding window in which failures are counted, per address and across the account.</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failures across every address within <see cref="FailureWindow"/> after which each further attempt from an address
    /// that has failed itself must wait <see cref="LoginDelay"/>, doubling per further failure up to
    /// <see cref="MaxLoginDelay"/> (429 login_delayed). An address without failures is never delayed.
    /// </summary>
    public int DelayAfterFailures { get; init; } = 10;

    /// <summary>The first progressive delay (see <see cref="DelayAfterFailures"/>).</summary>
    public TimeSpan LoginDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap of the progressive delay.</summary>
    public TimeSpan MaxLoginDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Addresses with failures one account remembers at most; the least recently failing are forgotten first.</summary>
    public int MaxTrackedAddresses { get; init; } = 256;

    /// <summary>Password hashes or checks running at once on a node (<see cref="PasswordWork"/>): the processor count.</summary>
    public int HashingConcurrency { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Password jobs waiting on a node beyond those running; more are refused at once ("busy"). Registrations may use at
    /// most half of them. Default: 16 per processor.
    /// </summary>
    public int HashingQueueLimit { get; init; } = 16 * Environment.ProcessorCount;

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
    /// (docs/architecture.md, decision 6).
    /// </summary>
    public int MaxPendingCommands { get; init; } = 32;

    /// <summary>Shards per entity type (account, charactername); fixed for the life of a cluster.</summary>
    public int MaxShards { get; init; } = 100;

    /// <summary>Every setting out of range, named by its <c>Mxo:Accounts</c> key; empty when all are usable.</summary>
    public IReadOnlyList<string> Problems() => new ProblemList("Mxo:Accounts")
        .Require(MaxCharactersPerAccount >= 1, "MaxCharactersPerAccount must be at least 1")
        .Require(LockAfterFailures >= 1, "LockAfterFailures must be at least 1")
        .Require(LockDuration > TimeSpan.Zero, "LockDuration must be positive")
        .Require(FailureWindow > TimeSpan.Zero, "FailureWindow must be positive")
        .Require(DelayAfterFailures >= 1, "DelayAfterFailures must be at least 1")
        .Require(LoginDelay > TimeSpan.Zero, "LoginDelay must be positive")
        .Require(MaxLoginDelay >= LoginDelay, "MaxLoginDelay must be at least LoginDelay")
        .Require(MaxTrackedAddresses >= 1, "MaxTrackedAddresses must be at least 1")
        .Require(HashingConcurrency >= 1, "HashingConcurrency must be at least 1")
        .Require(HashingQueueLimit >= 2, "HashingQueueLimit must be at least 2 (registrations may use half)")
        .Require(MaxPendingCommands >= 1, "MaxPendingCommands must be at least 1")
        .Require(SnapshotEvery >= 1, "SnapshotEvery must be at least 1")
        .Require(IdleTimeout > TimeSpan.Zero, "IdleTimeout must be positive")
        .Require(ClaimTimeout > TimeSpan.Zero, "ClaimTimeout must be positive")
        .Require(MaxShards >= 1, "MaxShards must be at least 1")
        .Require(RefreshTokenLifetime > TimeSpan.Zero, "RefreshTokenLifetime must be positive")
        .Require(RefreshGraceWindow >= TimeSpan.Zero, "RefreshGraceWindow must not be negative")
        .Require(MaxRefreshFamilies >= 1, "MaxRefreshFamilies must be at least 1")
        .Require(PasswordAlgorithm is PasswordHasher.Pbkdf2Sha256 or PasswordHasher.Pbkdf2Sha512,
            $"PasswordAlgorithm must be {PasswordHasher.Pbkdf2Sha256} or {PasswordHasher.Pbkdf2Sha512}")
        .Require(PasswordIterations is >= 1 and <= PasswordHasher.MaxIterations,
            $"PasswordIterations must be 1-{PasswordHasher.MaxIterations}")
        .ToList();

    /// <summary>True when the hashing parameters meet OWASP's current minimum (a node may warn at start-up if not).</summary>
    public bool MeetsOwaspMinimum => PasswordHasher.MeetsOwaspMinimum(PasswordAlgorithm, PasswordIterations);
}

using System.Collections.Immutable;
using System.Security.Cryptography;
using Mxo.Protocol;
using Mxo.Protocol.Orgs;
using Mxo.Protocol.Accounts;

namespace Mxo.Actors.Accounts;

/// <summary>One client address's failed password checks against one account.</summary>
/// <param name="Failures">Failures since the last lock, each less than the failure window after the one before.</param>
public readonly record struct AddressFailures(int Failures, long LastFailureUnixMs, long LockedUntilUnixMs);

/// <summary>
/// Failed password checks of one account: per client address (the hard lock counts these) and across all addresses (the
/// progressive delay counts these). Transient: held by the actor in memory, never persisted, so it restarts empty when
/// the account passivates or moves. Registered and unregistered accounts keep it alike, so they answer alike.
/// </summary>
public sealed record LoginThrottle(ImmutableDictionary<string, AddressFailures> Addresses, ImmutableList<long> RecentFailures)
{
    public static readonly LoginThrottle None = new(ImmutableDictionary<string, AddressFailures>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableList<long>.Empty);
}

/// <summary>What a refresh token presented to an account leads to, decided from state alone.</summary>
public abstract record RefreshDecision
{
    /// <summary>The family's current token: persist the rotation, then hand out the successor.</summary>
    public sealed record Rotate(AccountEvents.RefreshTokenRotated Event) : RefreshDecision;

    /// <summary>The token the last rotation replaced, inside the grace window: hand out the same successor again.</summary>
    public sealed record ResendSuccessor(string FamilyId, byte[] PreviousHash, long ExpiresAtUnixMs) : RefreshDecision;

    /// <summary>An already-used token of a live family: persist the revocation and say so.</summary>
    public sealed record Reused(AccountEvents.RefreshFamilyRevoked Event) : RefreshDecision;

    public sealed record Invalid : RefreshDecision;
}

/// <summary>What creating a character needs.</summary>
public abstract record CharacterDecision
{
    public sealed record Refuse(string Code, string Message) : CharacterDecision;

    /// <summary>The account already has it: answer created again (idempotent).</summary>
    public sealed record AlreadyOwned(AccountCharacter Character) : CharacterDecision;

    /// <summary>Ask the name registry for <paramref name="Character"/>; persist only once it is granted.</summary>
    public sealed record Claim(PlayerId Character, string Name, string? Org = null) : CharacterDecision;
}

/// <summary>
/// The account's rules as pure functions over <see cref="AccountState"/> (docs/architecture.md, decision 4). Time comes in as a
/// parameter. Salts and tokens are NOT from a seeded source: they are secrets, made by the caller with
/// <see cref="RandomNumberGenerator"/>, and enter the journal only as hashes inside events, so replay stays deterministic.
/// </summary>
public static class AccountLogic
{
    public static AccountState Apply(AccountState state, IMxoEvent @event) => @event switch
    {
        AccountEvents.AccountRegistered e => state with
        {
            Registered = true, DisplayName = e.DisplayName, Password = e.Password, RegisteredAtUnixMs = e.AtUnixMs,
            Permissions = [Permissions.Player],
        },
        // A new password ends every session: all refresh families die with the old password.
        AccountEvents.PasswordChanged e => state with { Password = e.Password, RefreshFamilies = [] },
        AccountEvents.PasswordRehashed e => state with { Password = e.Password },
        AccountEvents.AccountLocked e => state with { LockedUntilUnixMs = e.UntilUnixMs },
        AccountEvents.CharacterAdded e => state.Characters.Any(c => c.PlayerId == e.PlayerId)
            ? state
            : state with { Characters = state.Characters.Add(new AccountCharacter(e.PlayerId, e.Name) { Org = e.Org }) },
        // Issuing also drops families that had expired by then: the state stays bounded without timers.
        AccountEvents.RefreshTokenIssued e => state with
        {
            RefreshFamilies = state.RefreshFamilies
                .RemoveAll(f => f.ExpiresAtUnixMs <= e.IssuedAtUnixMs || f.FamilyId == e.FamilyId)
                .Add(new RefreshFamily(e.FamilyId, e.TokenHash, e.IssuedAtUnixMs, e.ExpiresAtUnixMs, [], 0)),
        },
        AccountEvents.RefreshTokenRotated e => state with
        {
            RefreshFamilies = state.RefreshFamilies.ConvertAll(f => f.FamilyId != e.FamilyId
                ? f
                : f with
                {
                    CurrentHash = e.NewHash, PreviousHash = e.OldHash, RotatedAtUnixMs = e.RotatedAtUnixMs,
                    ExpiresAtUnixMs = e.ExpiresAtUnixMs,
                }),
        },
        AccountEvents.RefreshFamilyRevoked e => state with { RefreshFamilies = state.RefreshFamilies.RemoveAll(f => f.FamilyId == e.FamilyId) },
        AccountEvents.PermissionGranted e => state.Permissions.Contains(e.Permission)
            ? state
            : state with { Permissions = state.Permissions.Add(e.Permission) },
        AccountEvents.PermissionRevoked e => state with { Permissions = state.Permissions.Remove(e.Permission) },
        _ => throw new ArgumentException($"AccountEntity cannot apply {@event.GetType().Name}", nameof(@event)),
    };

    // ---------------------------------------------------------------- registration and passwords

    /// <summary>Null when the registration may go ahead (hash the password), else the refusal.</summary>
    public static (string Code, string Message)? CheckRegister(AccountState state, string? displayName, string? password)
    {
        if (state.Registered) return (AccountErrorCodes.NameTaken, "that user name is taken");
        if (AccountRules.ValidateUserName(displayName) is { } nameError) return (AccountErrorCodes.InvalidName, nameError);
        if (!AccountRules.IsValidAccountId(state.AccountId) || AccountId.FromName(displayName!) != state.AccountId)
            return (AccountErrorCodes.InvalidName, "the user name does not match the account id");
        if (AccountRules.ValidatePassword(password) is { } passwordError) return (AccountErrorCodes.InvalidPassword, passwordError);
        return null;
    }

    /// <summary>The key an attempt without a known client address is counted under.</summary>
    public const string UnknownAddress = "unknown";

    /// <summary>
    /// The latest lock on the account: a persisted account-wide one (<see cref="AccountEvents.AccountLocked"/>, written
    /// by earlier versions) or any address's lock. For operators; a login checks <see cref="CheckAttempt"/>.
    /// </summary>
    public static long LockedUntil(AccountState state, LoginThrottle throttle) =>
        throttle.Addresses.Values.Select(a => a.LockedUntilUnixMs).Append(state.LockedUntilUnixMs).Max();

    /// <summary>Whole seconds until <paramref name="lockedUntilUnixMs"/>, at least 1 while locked, 0 when not locked.</summary>
    public static int RetryAfterSeconds(long lockedUntilUnixMs, long nowUnixMs) =>
        lockedUntilUnixMs > nowUnixMs ? (int)Math.Max(1, (lockedUntilUnixMs - nowUnixMs + 999) / 1000) : 0;

    /// <summary>
    /// Null when a password check from <paramref name="address"/> may run now, else the refusal (no hashing is spent):
    /// <list type="bullet">
    /// <item>account_locked: a persisted account-wide lock of an earlier version, or this address's own lock
    /// (<see cref="AccountSettings.LockAfterFailures"/> of its failures);</item>
    /// <item>login_delayed: this address has failed within the window, the account has had at least
    /// <see cref="AccountSettings.DelayAfterFailures"/> failures from all addresses within it, and the progressive delay
    /// since the latest of them has not passed. An address without failures (the owner's) is never delayed.</item>
    /// </list>
    /// </summary>
    public static (string Code, long UntilUnixMs)? CheckAttempt(AccountState state, LoginThrottle throttle, string? address,
        long nowUnixMs, AccountSettings settings)
    {
        if (state.LockedUntilUnixMs > nowUnixMs) return (AccountErrorCodes.AccountLocked, state.LockedUntilUnixMs);
        if (!throttle.Addresses.TryGetValue(address ?? UnknownAddress, out var own)) return null;
        if (own.LockedUntilUnixMs > nowUnixMs) return (AccountErrorCodes.AccountLocked, own.LockedUntilUnixMs);
        var window = (long)settings.FailureWindow.TotalMilliseconds;
        if (own.LastFailureUnixMs <= nowUnixMs - window) return null;
        var recent = throttle.RecentFailures.Count(t => t > nowUnixMs - window);
        if (recent < settings.DelayAfterFailures) return null;
        var until = throttle.RecentFailures[^1] + DelayMs(recent - settings.DelayAfterFailures, settings);
        return until > nowUnixMs ? (AccountErrorCodes.LoginDelayed, until) : null;
    }

    /// <summary><see cref="AccountSettings.LoginDelay"/> × 2^<paramref name="beyond"/>, capped at <see cref="AccountSettings.MaxLoginDelay"/>.</summary>
    public static long DelayMs(int beyond, AccountSettings settings)
    {
        var cap = settings.MaxLoginDelay.TotalMilliseconds;
        return (long)Math.Min(cap, settings.LoginDelay.TotalMilliseconds * Math.Pow(2, Math.Min(beyond, 62)));
    }

    /// <summary>
    /// A password check from <paramref name="address"/> failed. Its address count grows (restarting when the previous
    /// failure is older than <see cref="AccountSettings.FailureWindow"/>); at <see cref="AccountSettings.LockAfterFailures"/>
    /// the address is locked out of this account for <see cref="AccountSettings.LockDuration"/> and its count restarts.
    /// The account-wide list keeps the failures within the window (at most enough to reach the delay cap).
    /// </summary>
    /// <returns>The new throttle and, when this failure locked the address, the lock's end (else 0).</returns>
    public static (LoginThrottle Throttle, long LockedUntilUnixMs) DecideFailure(LoginThrottle throttle, string? address,
        long nowUnixMs, AccountSettings settings)
    {
        var key = address ?? UnknownAddress;
        var window = (long)settings.FailureWindow.TotalMilliseconds;
        throttle.Addresses.TryGetValue(key, out var own);
        var failures = own.LastFailureUnixMs > nowUnixMs - window ? own.Failures + 1 : 1;
        var lockedUntil = failures >= settings.LockAfterFailures ? nowUnixMs + (long)settings.LockDuration.TotalMilliseconds : 0;
        var entry = new AddressFailures(lockedUntil > 0 ? 0 : failures, nowUnixMs, Math.Max(lockedUntil, own.LockedUntilUnixMs));

        var addresses = throttle.Addresses.SetItem(key, entry);
        if (addresses.Count > settings.MaxTrackedAddresses)
            addresses = addresses.RemoveRange(addresses
                .Where(kv => kv.Key != key)
                .OrderBy(kv => Math.Max(kv.Value.LastFailureUnixMs, kv.Value.LockedUntilUnixMs))
                .Take(addresses.Count - settings.MaxTrackedAddresses)
                .Select(kv => kv.Key));

        // Enough to know the delay has reached its cap; older ones add nothing.
        var keep = settings.DelayAfterFailures + 64;
        var recent = throttle.RecentFailures.RemoveAll(t => t <= nowUnixMs - window).Add(nowUnixMs);
        if (recent.Count > keep) recent = recent.RemoveRange(0, recent.Count - keep);
        return (new LoginThrottle(addresses, recent), lockedUntil);
    }

    /// <summary>A password check from <paramref name="address"/> succeeded: that address starts again from nothing.</summary>
    public static LoginThrottle Succeeded(LoginThrottle throttle, string? address) =>
        throttle with { Addresses = throttle.Addresses.Remove(address ?? UnknownAddress) };

    // ---------------------------------------------------------------- refresh tokens

    /// <summary>
    /// A login opens a family. Beyond <see cref="AccountSettings.MaxRefreshFamilies"/> live families, the oldest are
    /// revoked first (reason "limit").
    /// </summary>
    public static IReadOnlyList<IMxoEvent> DecideIssue(AccountState state, string familyId, byte[] tokenHash, long nowUnixMs, AccountSettings settings)
    {
        var live = state.RefreshFamilies.Where(f => f.ExpiresAtUnixMs > nowUnixMs).OrderBy(f => f.IssuedAtUnixMs).ToList();
        var excess = live.Count - Math.Max(0, settings.MaxRefreshFamilies - 1);
        var events = new List<IMxoEvent>();
        events.AddRange(live.Take(Math.Max(0, excess))
            .Select(f => new AccountEvents.RefreshFamilyRevoked(f.FamilyId, RevocationReasons.Limit)));
        events.Add(new AccountEvents.RefreshTokenIssued(familyId, tokenHash, nowUnixMs,
            nowUnixMs + (long)settings.RefreshTokenLifetime.TotalMilliseconds));
        return events;
    }

    /// <summary>
    /// <list type="bullet">
    /// <item>the family's current token → <see cref="RefreshDecision.Rotate"/> to <paramref name="successorHash"/>;</item>
    /// <item>the token the last rotation replaced, within <see cref="AccountSettings.RefreshGraceWindow"/> of it →
    /// <see cref="RefreshDecision.ResendSuccessor"/> (two refreshes raced);</item>
    /// <item>any other token naming a live family → <see cref="RefreshDecision.Reused"/>: revoke the family;</item>
    /// <item>malformed, unknown family, expired, or no account → <see cref="RefreshDecision.Invalid"/>.</item>
    /// </list>
    /// Hashes are compared in fixed time.
    /// </summary>
    public static RefreshDecision DecideRefresh(AccountState state, string? presentedToken, byte[] successorHash, long nowUnixMs, AccountSettings settings)
    {
        if (!state.Registered || !RefreshTokens.TryParseFamily(presentedToken, out var familyId)) return new RefreshDecision.Invalid();
        var family = state.RefreshFamilies.Find(f => f.FamilyId == familyId);
        if (family is null || family.ExpiresAtUnixMs <= nowUnixMs) return new RefreshDecision.Invalid();
        var presented = RefreshTokens.HashOf(presentedToken!);
        if (CryptographicOperations.FixedTimeEquals(presented, family.CurrentHash))
            return new RefreshDecision.Rotate(new AccountEvents.RefreshTokenRotated(familyId, presented, successorHash, nowUnixMs,
                nowUnixMs + (long)settings.RefreshTokenLifetime.TotalMilliseconds));
        if (family.PreviousHash.Length > 0
            && CryptographicOperations.FixedTimeEquals(presented, family.PreviousHash)
            && nowUnixMs - family.RotatedAtUnixMs <= (long)settings.RefreshGraceWindow.TotalMilliseconds)
            return new RefreshDecision.ResendSuccessor(familyId, presented, family.ExpiresAtUnixMs);
        return new RefreshDecision.Reused(new AccountEvents.RefreshFamilyRevoked(familyId, RevocationReasons.Reuse));
    }

    /// <summary>Logging out revokes the family the token names, if it is still known; else nothing changes.</summary>
    public static AccountEvents.RefreshFamilyRevoked? DecideLogout(AccountState state, string? token) =>
        RefreshTokens.TryParseFamily(token, out var familyId) && state.RefreshFamilies.Exists(f => f.FamilyId == familyId)
            ? new AccountEvents.RefreshFamilyRevoked(familyId, RevocationReasons.Logout)
            : null;

    // ---------------------------------------------------------------- characters

    /// <param name="org">The organisation the character joins (any case), null for none; one that does not exist is refused (<c>invalid_field</c>).</param>
    public static CharacterDecision DecideCreateCharacter(AccountState state, string? name, AccountSettings settings, string? org = null)
    {
        if (!state.Registered) return new CharacterDecision.Refuse(AccountErrorCodes.NotRegistered, "no such account");
        if (CharacterRules.ValidateName(name) is { } error) return new CharacterDecision.Refuse(AccountErrorCodes.InvalidName, error);
        var knownOrg = Organisations.Find(org);
        if (org is not null && knownOrg is null)
            return new CharacterDecision.Refuse(ErrorCodes.InvalidField, $"org must be one of: {string.Join(", ", Organisations.All)}");
        var id = PlayerId.FromName(name!);
        if (state.Characters.Find(c => c.PlayerId == id) is { } owned) return new CharacterDecision.AlreadyOwned(owned);
        if (state.Characters.Count >= settings.MaxCharactersPerAccount)
            return new CharacterDecision.Refuse(AccountErrorCodes.TooManyCharacters,
                $"an account may have at most {settings.MaxCharactersPerAccount} characters");
        return new CharacterDecision.Claim(id, name!.Trim(), knownOrg);
    }

    /// <summary>The account's character with that name (any case, surrounding space ignored), if it has one.</summary>
    public static AccountCharacter? FindCharacter(AccountState state, string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : state.Characters.Find(c => c.PlayerId == PlayerId.FromName(name));

    // ---------------------------------------------------------------- permissions

    /// <summary>Null when a grant or revoke of <paramref name="permission"/> may be decided, else the refusal.</summary>
    public static (string Code, string Message)? CheckPermission(AccountState state, string? permission)
    {
        if (!state.Registered) return (AccountErrorCodes.NotRegistered, "no such account");
        if (!Permissions.IsKnown(permission))
            return (AccountErrorCodes.UnknownPermission, $"permission must be one of: {string.Join(", ", Permissions.All)}");
        return null;
    }

    /// <summary>Null when the account already has it (nothing to persist).</summary>
    public static AccountEvents.PermissionGranted? DecideGrant(AccountState state, string permission) =>
        state.Permissions.Contains(permission) ? null : new AccountEvents.PermissionGranted(permission);

    /// <summary>Null when the account does not have it.</summary>
    public static AccountEvents.PermissionRevoked? DecideRevoke(AccountState state, string permission) =>
        state.Permissions.Contains(permission) ? new AccountEvents.PermissionRevoked(permission) : null;

    public static AccountReplies.AccountSummary Summary(AccountState state, LoginThrottle throttle) =>
        new(state.AccountId, state.Registered, state.DisplayName, [.. state.Permissions], [.. state.Characters],
            LockedUntil(state, throttle), state.RefreshFamilies.Count, state.Password?.Algorithm ?? "", state.Password?.Iterations ?? 0);
}

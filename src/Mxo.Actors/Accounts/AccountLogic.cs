using System.Security.Cryptography;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;

namespace Mxo.Actors.Accounts;

/// <summary>
/// Failed password checks since the last success or lock. Transient: held by the actor in memory, never persisted, so it
/// restarts at zero when the account passivates or moves. An unregistered account keeps its lock here too (nothing is
/// ever persisted for a user name that does not exist), so it answers exactly like a registered one.
/// </summary>
public readonly record struct LoginThrottle(int Failures, long TransientLockedUntilUnixMs);

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
    public sealed record Claim(PlayerId Character, string Name) : CharacterDecision;
}

/// <summary>
/// The account's rules as pure functions over <see cref="AccountState"/> (DESIGN.md decision 4). Time comes in as a
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
            : state with { Characters = state.Characters.Add(new AccountCharacter(e.PlayerId, e.Name)) },
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

    /// <summary>The later of the persisted lock and the transient one (an unregistered account's).</summary>
    public static long LockedUntil(AccountState state, LoginThrottle throttle) =>
        Math.Max(state.LockedUntilUnixMs, throttle.TransientLockedUntilUnixMs);

    /// <summary>Whole seconds until <paramref name="lockedUntilUnixMs"/>, at least 1 while locked, 0 when not locked.</summary>
    public static int RetryAfterSeconds(long lockedUntilUnixMs, long nowUnixMs) =>
        lockedUntilUnixMs > nowUnixMs ? (int)Math.Max(1, (lockedUntilUnixMs - nowUnixMs + 999) / 1000) : 0;

    /// <summary>
    /// A password check failed. After <see cref="AccountSettings.LockAfterFailures"/> failures in a row the account locks
    /// for <see cref="AccountSettings.LockDuration"/>: a registered account persists the lock (<see cref="AccountEvents.AccountLocked"/>),
    /// an unregistered one holds it in memory. Either way the count starts again from zero.
    /// </summary>
    public static (LoginThrottle Throttle, AccountEvents.AccountLocked? Locked) DecideFailure(
        AccountState state, LoginThrottle throttle, long nowUnixMs, AccountSettings settings)
    {
        var failures = throttle.Failures + 1;
        if (failures < settings.LockAfterFailures) return (throttle with { Failures = failures }, null);
        var until = nowUnixMs + (long)settings.LockDuration.TotalMilliseconds;
        return state.Registered
            ? (new LoginThrottle(0, 0), new AccountEvents.AccountLocked(until, failures))
            : (new LoginThrottle(0, until), null);
    }

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

    public static CharacterDecision DecideCreateCharacter(AccountState state, string? name, AccountSettings settings)
    {
        if (!state.Registered) return new CharacterDecision.Refuse(AccountErrorCodes.NotRegistered, "no such account");
        if (CharacterRules.ValidateName(name) is { } error) return new CharacterDecision.Refuse(AccountErrorCodes.InvalidName, error);
        var id = PlayerId.FromName(name!);
        if (state.Characters.Find(c => c.PlayerId == id) is { } owned) return new CharacterDecision.AlreadyOwned(owned);
        if (state.Characters.Count >= settings.MaxCharactersPerAccount)
            return new CharacterDecision.Refuse(AccountErrorCodes.TooManyCharacters,
                $"an account may have at most {settings.MaxCharactersPerAccount} characters");
        return new CharacterDecision.Claim(id, name!.Trim());
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

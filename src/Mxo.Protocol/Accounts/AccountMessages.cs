using System.Text;
using ProtoBuf;

namespace Mxo.Protocol.Accounts;

/// <summary>Routed by the account shard region on <see cref="AccountId"/>.</summary>
public interface IAccountCommand : IMxoMessage
{
    AccountId AccountId { get; }
}

/// <summary>
/// Commands the edge (or an operator) sends to an <c>AccountEntity</c>. Replies go to the sender. Records carrying a
/// password or a refresh token print it as "***" so a logged message never leaks one.
/// </summary>
public static class AccountCommands
{
    /// <summary>
    /// Create the account. <see cref="DisplayName"/> is the user name as typed; it must be valid
    /// (<see cref="AccountRules"/>) and normalise to <see cref="AccountId"/>. Reply: <see cref="AccountReplies.Registered"/>
    /// or <see cref="AccountReplies.RegisterFailed"/> (name_taken, invalid_name, invalid_password, timeout), or
    /// <see cref="AccountReplies.Rejected"/> busy (the node's password queue is full). A retry after a lost reply
    /// answers name_taken: log in instead. <see cref="DeadlineUnixMs"/> (0: none) is when the requester stops waiting:
    /// work not started by then is dropped, and a hash finished after it is not persisted (reply timeout).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Register(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string DisplayName,
        [property: ProtoMember(3)] string Password,
        [property: ProtoMember(4)] long DeadlineUnixMs = 0) : IAccountCommand
    {
        private bool PrintMembers(StringBuilder builder)
        {
            builder.Append($"AccountId = {AccountId}, DisplayName = {DisplayName}, Password = ***, DeadlineUnixMs = {DeadlineUnixMs}");
            return true;
        }
    }

    /// <summary>
    /// Check the password and open a new refresh-token family. Reply: <see cref="AccountReplies.LoginSucceeded"/> or
    /// <see cref="AccountReplies.LoginFailed"/> (invalid_credentials — also for an unknown user name — or account_locked).
    /// <see cref="Address"/> is the client's address: failures are counted and locked per (account, address).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Login(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string Password,
        [property: ProtoMember(3)] string? Address) : IAccountCommand
    {
        private bool PrintMembers(StringBuilder builder)
        {
            builder.Append($"AccountId = {AccountId}, Password = ***, Address = {Address}");
            return true;
        }
    }

    /// <summary>
    /// Reply: <see cref="AccountReplies.PasswordChanged"/> (every refresh family is revoked: log in again) or
    /// <see cref="AccountReplies.PasswordChangeFailed"/> (invalid_credentials, account_locked, invalid_password). A wrong
    /// old password counts as a failed login.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ChangePassword(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string OldPassword,
        [property: ProtoMember(3)] string NewPassword) : IAccountCommand
    {
        private bool PrintMembers(StringBuilder builder)
        {
            builder.Append($"AccountId = {AccountId}, OldPassword = ***, NewPassword = ***");
            return true;
        }
    }

    /// <summary>
    /// Claim the name world-wide, then add the character to the account. Idempotent: creating a character the account
    /// already has answers <see cref="AccountReplies.CharacterCreated"/> again. Else <see cref="AccountReplies.CharacterFailed"/>
    /// (invalid_name, name_taken, too_many_characters, not_registered, timeout).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record CreateCharacter(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string CharacterName) : IAccountCommand
    {
        /// <summary>The organisation the character joins (<see cref="Orgs.Organisations"/>), null for none (issue 12).</summary>
        [ProtoMember(3)] public string? Org { get; init; }
    }

    /// <summary>Reply: <see cref="AccountReplies.CharacterList"/> (empty for an unregistered account).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ListCharacters([property: ProtoMember(1)] AccountId AccountId) : IAccountCommand;

    /// <summary>
    /// Reply: <see cref="AccountReplies.CharacterSelected"/> naming the <see cref="PlayerId"/> of the character's
    /// <c>PlayerEntity</c> (the caller then attaches its session there), or <see cref="AccountReplies.CharacterFailed"/>
    /// (unknown_character: not one of this account's characters).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record SelectCharacter(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string CharacterName) : IAccountCommand;

    /// <summary>
    /// Exchange a refresh token for its successor (single use, rotated every time). Reply: <see cref="AccountReplies.Refreshed"/>
    /// or <see cref="AccountReplies.RefreshFailed"/> (invalid_token, or token_reused: the family has been revoked).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Refresh(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string RefreshToken) : IAccountCommand
    {
        private bool PrintMembers(StringBuilder builder)
        {
            builder.Append($"AccountId = {AccountId}, RefreshToken = ***");
            return true;
        }
    }

    /// <summary>Revoke the token's family. Always answers <see cref="AccountReplies.LoggedOut"/> (idempotent).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Logout(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string RefreshToken) : IAccountCommand
    {
        private bool PrintMembers(StringBuilder builder)
        {
            builder.Append($"AccountId = {AccountId}, RefreshToken = ***");
            return true;
        }
    }

    /// <summary>
    /// Operator command (the caller authorises it). Reply: <see cref="AccountReplies.PermissionsChanged"/> (idempotent) or
    /// <see cref="AccountReplies.Rejected"/> (unknown_permission, not_registered).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GrantPermission(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string Permission) : IAccountCommand;

    /// <summary>Operator command, like <see cref="GrantPermission"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RevokePermission(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string Permission) : IAccountCommand;

    /// <summary>Reply: <see cref="AccountReplies.AccountSummary"/> (operators, tests). Never includes hashes or tokens.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetAccount([property: ProtoMember(1)] AccountId AccountId) : IAccountCommand;
}

/// <summary>
/// Persisted by <c>AccountEntity</c>. Failed-login counts and the per-address locks they cause are NOT persisted (they
/// are transient, in memory, and restart empty when the account passivates or moves). <see cref="AccountLocked"/> (an
/// account-wide lock) is no longer written, since it let anyone lock an owner out; earlier ones still apply on replay.
/// </summary>
public static class AccountEvents
{
    /// <summary>The account exists, holds the permission "player", and has this password.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record AccountRegistered(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string DisplayName,
        [property: ProtoMember(3)] PasswordHash Password,
        [property: ProtoMember(4)] long AtUnixMs) : IMxoEvent;

    /// <summary>The owner changed the password. Revokes every refresh-token family.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PasswordChanged(
        [property: ProtoMember(1)] PasswordHash Password,
        [property: ProtoMember(2)] long AtUnixMs) : IMxoEvent;

    /// <summary>Same password, stronger parameters: written on a login that verified against older parameters.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PasswordRehashed([property: ProtoMember(1)] PasswordHash Password) : IMxoEvent;

    /// <summary>Too many failed password checks: logins are refused until <see cref="UntilUnixMs"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record AccountLocked(
        [property: ProtoMember(1)] long UntilUnixMs,
        [property: ProtoMember(2)] int Failures) : IMxoEvent;

    /// <summary>Persisted only after the name registry granted the name to this account.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record CharacterAdded(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Name) : IMxoEvent
    {
        /// <summary>The character's organisation, null for none (and in journals from before organisations).</summary>
        [ProtoMember(3)] public string? Org { get; init; }
    }

    /// <summary>A login opened a new family. Only the SHA-256 of the token is stored; the token itself is never persisted.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RefreshTokenIssued(
        [property: ProtoMember(1)] string FamilyId,
        byte[] TokenHash,
        [property: ProtoMember(3)] long IssuedAtUnixMs,
        [property: ProtoMember(4)] long ExpiresAtUnixMs) : IMxoEvent
    {
        [ProtoMember(2)]
        public byte[] TokenHash { get => _tokenHash ?? []; init => _tokenHash = value; }
        private byte[]? _tokenHash = TokenHash;
    }

    /// <summary>A refresh used the family's current token (<see cref="OldHash"/>) and received its successor.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RefreshTokenRotated(
        [property: ProtoMember(1)] string FamilyId,
        byte[] OldHash,
        byte[] NewHash,
        [property: ProtoMember(4)] long RotatedAtUnixMs,
        [property: ProtoMember(5)] long ExpiresAtUnixMs) : IMxoEvent
    {
        [ProtoMember(2)]
        public byte[] OldHash { get => _oldHash ?? []; init => _oldHash = value; }
        private byte[]? _oldHash = OldHash;

        [ProtoMember(3)]
        public byte[] NewHash { get => _newHash ?? []; init => _newHash = value; }
        private byte[]? _newHash = NewHash;
    }

    /// <summary>Every token of the family is dead. <see cref="Reason"/> is one of <see cref="RevocationReasons"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RefreshFamilyRevoked(
        [property: ProtoMember(1)] string FamilyId,
        [property: ProtoMember(2)] string Reason) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record PermissionGranted([property: ProtoMember(1)] string Permission) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record PermissionRevoked([property: ProtoMember(1)] string Permission) : IMxoEvent;
}

/// <summary>Why a refresh-token family was revoked (<see cref="AccountEvents.RefreshFamilyRevoked.Reason"/>).</summary>
public static class RevocationReasons
{
    public const string Logout = "logout";

    /// <summary>An already-used token of the family was presented after the grace window: assume it was stolen.</summary>
    public const string Reuse = "reuse";

    /// <summary>The account reached its maximum number of families; the oldest made room for a new login.</summary>
    public const string Limit = "limit";
}

/// <summary>What an <c>AccountEntity</c> answers.</summary>
public static class AccountReplies
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record Registered(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string DisplayName) : IMxoMessage;

    /// <summary><see cref="Code"/>: name_taken, invalid_name, invalid_password, timeout (<see cref="AccountErrorCodes"/>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RegisterFailed(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string Code,
        [property: ProtoMember(3)] string Message) : IMxoMessage;

    /// <summary>
    /// The refresh token is returned this once in plain text (the account keeps only its hash). The edge builds the
    /// access token from <see cref="AccountId"/> and <see cref="Permissions"/>.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record LoginSucceeded(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string DisplayName,
        string[] Permissions,
        AccountCharacter[] Characters,
        [property: ProtoMember(5)] string RefreshToken,
        [property: ProtoMember(6)] string FamilyId,
        [property: ProtoMember(7)] long RefreshExpiresAtUnixMs) : IMxoMessage
    {
        [ProtoMember(3)]
        public string[] Permissions { get => _permissions ?? []; init => _permissions = value; }
        private string[]? _permissions = Permissions;

        [ProtoMember(4)]
        public AccountCharacter[] Characters { get => _characters ?? []; init => _characters = value; }
        private AccountCharacter[]? _characters = Characters;

        private bool PrintMembers(StringBuilder builder)
        {
            builder.Append($"AccountId = {AccountId}, Permissions = [{string.Join(", ", Permissions)}], ")
                .Append($"Characters = {Characters.Length}, RefreshToken = ***, FamilyId = {FamilyId}");
            return true;
        }
    }

    /// <summary>
    /// <see cref="Code"/>: invalid_credentials (wrong password or unknown user name — the same answer for both) or
    /// account_locked or login_delayed with <see cref="RetryAfterSeconds"/> &gt; 0.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record LoginFailed(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string Code,
        [property: ProtoMember(3)] int RetryAfterSeconds) : IMxoMessage;

    /// <summary>The password changed; <see cref="RevokedFamilies"/> refresh-token families (sessions) were revoked.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PasswordChanged(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] int RevokedFamilies) : IMxoMessage;

    /// <summary><see cref="Code"/>: invalid_credentials, account_locked (with <see cref="RetryAfterSeconds"/>), invalid_password.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PasswordChangeFailed(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string Code,
        [property: ProtoMember(3)] string Message,
        [property: ProtoMember(4)] int RetryAfterSeconds) : IMxoMessage;

    [ProtoContract(SkipConstructor = true)]
    public sealed record CharacterCreated(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] AccountCharacter Character) : IMxoMessage;

    /// <summary><see cref="Code"/>: invalid_name, name_taken, too_many_characters, unknown_character, not_registered, timeout.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record CharacterFailed(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string CharacterName,
        [property: ProtoMember(3)] string Code,
        [property: ProtoMember(4)] string Message) : IMxoMessage;

    [ProtoContract(SkipConstructor = true)]
    public sealed record CharacterList(
        [property: ProtoMember(1)] AccountId AccountId,
        AccountCharacter[] Characters) : IMxoMessage
    {
        [ProtoMember(2)]
        public AccountCharacter[] Characters { get => _characters ?? []; init => _characters = value; }
        private AccountCharacter[]? _characters = Characters;
    }

    /// <summary>The character belongs to the account: attach to the <c>PlayerEntity</c> with id <see cref="PlayerId"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record CharacterSelected(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string Name) : IMxoMessage
    {
        /// <summary>The character's organisation (null for none): the session's attach carries it to the character's entity.</summary>
        [ProtoMember(4)] public string? Org { get; init; }
    }

    /// <summary>The successor token (plain text, returned once — or again to a racing refresh inside the grace window).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Refreshed(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string RefreshToken,
        [property: ProtoMember(3)] string FamilyId,
        [property: ProtoMember(4)] long ExpiresAtUnixMs,
        string[] Permissions) : IMxoMessage
    {
        [ProtoMember(5)]
        public string[] Permissions { get => _permissions ?? []; init => _permissions = value; }
        private string[]? _permissions = Permissions;

        private bool PrintMembers(StringBuilder builder)
        {
            builder.Append($"AccountId = {AccountId}, RefreshToken = ***, FamilyId = {FamilyId}, Permissions = [{string.Join(", ", Permissions)}]");
            return true;
        }
    }

    /// <summary>
    /// <see cref="Code"/>: invalid_token, or token_reused with <see cref="FamilyRevoked"/> = true: the family is dead and
    /// the edge should close the account's sockets.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RefreshFailed(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string Code,
        [property: ProtoMember(3)] bool FamilyRevoked) : IMxoMessage;

    /// <summary><see cref="FamilyRevoked"/> is false when the token named no live family (already logged out, expired, unknown).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record LoggedOut(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] bool FamilyRevoked) : IMxoMessage;

    /// <summary>The account's permissions after a grant or revoke. Tokens issued from now on carry them.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PermissionsChanged(
        [property: ProtoMember(1)] AccountId AccountId,
        string[] Permissions) : IMxoMessage
    {
        [ProtoMember(2)]
        public string[] Permissions { get => _permissions ?? []; init => _permissions = value; }
        private string[]? _permissions = Permissions;
    }

    /// <summary>What an operator may see of an account: no password hash, no token hashes.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record AccountSummary(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] bool Registered,
        [property: ProtoMember(3)] string DisplayName,
        string[] Permissions,
        AccountCharacter[] Characters,
        [property: ProtoMember(6)] long LockedUntilUnixMs,
        [property: ProtoMember(7)] int RefreshFamilies,
        [property: ProtoMember(8)] string PasswordAlgorithm,
        [property: ProtoMember(9)] int PasswordIterations) : IMxoMessage
    {
        [ProtoMember(4)]
        public string[] Permissions { get => _permissions ?? []; init => _permissions = value; }
        private string[]? _permissions = Permissions;

        [ProtoMember(5)]
        public AccountCharacter[] Characters { get => _characters ?? []; init => _characters = value; }
        private AccountCharacter[]? _characters = Characters;
    }

    /// <summary>A command was refused and nothing changed. <see cref="Code"/>: busy, not_registered, unknown_permission.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Rejected(
        [property: ProtoMember(1)] AccountId AccountId,
        [property: ProtoMember(2)] string Code,
        [property: ProtoMember(3)] string Message) : IMxoMessage;
}

/// <summary>One of an account's characters: the id of its <c>PlayerEntity</c> and its name as created.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record AccountCharacter(
    [property: ProtoMember(1)] PlayerId PlayerId,
    [property: ProtoMember(2)] string Name)
{
    /// <summary>The organisation chosen at creation (<see cref="Orgs.Organisations"/>), null for none.</summary>
    [ProtoMember(3)] public string? Org { get; init; }
}

/// <summary>
/// A password hash with the parameters that made it, so parameters can be raised later: a login that verifies against
/// older parameters re-hashes. <see cref="Algorithm"/> is "pbkdf2-sha256" or "pbkdf2-sha512".
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record PasswordHash(
    [property: ProtoMember(1)] string Algorithm,
    [property: ProtoMember(2)] int Iterations,
    byte[] Salt,
    byte[] Hash)
{
    [ProtoMember(3)]
    public byte[] Salt { get => _salt ?? []; init => _salt = value; }
    private byte[]? _salt = Salt;

    [ProtoMember(4)]
    public byte[] Hash { get => _hash ?? []; init => _hash = value; }
    private byte[]? _hash = Hash;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Algorithm = {Algorithm}, Iterations = {Iterations}, Salt = ***, Hash = ***");
        return true;
    }
}

using ProtoBuf;

namespace Mxo.Protocol.Accounts;

/// <summary>
/// An account's id: its normalised user name (see <see cref="AccountRules"/>: trimmed, lower-case). The account shard
/// region routes on it, so one user name is one <c>AccountEntity</c> and registration is unique by construction.
/// </summary>
[ProtoContract]
public readonly record struct AccountId([property: ProtoMember(1)] string Value)
{
    /// <summary>The id a typed user name maps to. Does not validate: check <see cref="AccountRules.ValidateUserName"/> first.</summary>
    public static AccountId FromName(string name) => new(AccountRules.NormaliseUserName(name));

    public override string ToString() => Value;
}

/// <summary>What an account may do. Carried in the access token the edge issues; granted and revoked by operators.</summary>
public static class Permissions
{
    public const string Player = "player";
    public const string GameMaster = "gm";
    public const string Admin = "admin";

    /// <summary>Every known permission, in display order.</summary>
    public static readonly IReadOnlyList<string> All = [Player, GameMaster, Admin];

    public static bool IsKnown(string? permission) => permission is Player or GameMaster or Admin;
}

/// <summary>Codes of account failures. Stable: the edge maps them to HTTP answers and clients match on them.</summary>
public static class AccountErrorCodes
{
    /// <summary>Login or password check failed. Never says whether the user name or the password was wrong.</summary>
    public const string InvalidCredentials = "invalid_credentials";

    /// <summary>Too many failed password checks from this address; retry after the given number of seconds.</summary>
    public const string AccountLocked = "account_locked";

    /// <summary>
    /// The account has many recent failures and this address is one of those failing: wait the given number of seconds
    /// (a progressive delay). Addresses without failures are never delayed.
    /// </summary>
    public const string LoginDelayed = "login_delayed";

    public const string NameTaken = "name_taken";
    public const string InvalidName = "invalid_name";
    public const string InvalidPassword = "invalid_password";

    /// <summary>The refresh token is unknown, malformed, expired or revoked.</summary>
    public const string InvalidToken = "invalid_token";

    /// <summary>An already-used refresh token was presented: its whole family has been revoked.</summary>
    public const string TokenReused = "token_reused";

    public const string TooManyCharacters = "too_many_characters";
    public const string UnknownCharacter = "unknown_character";
    public const string NotRegistered = "not_registered";
    public const string UnknownPermission = "unknown_permission";

    /// <summary>The account is busy (a password check in progress) and its bounded queue is full; retry shortly.</summary>
    public const string Busy = ErrorCodes.Busy;

    /// <summary>A dependency (the character name registry) did not answer in time; retrying is safe.</summary>
    public const string Timeout = ErrorCodes.Timeout;
}

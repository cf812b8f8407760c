using System.Buffers.Text;
using System.Text;
using Mxo.Actors.Accounts;
using Mxo.Protocol.Accounts;

namespace Mxo.Edge.Auth;

/// <summary>
/// The refresh token a client holds: <c>r1.{base64url(account id)}.{account token}</c>, where the account token is the
/// account's own <c>{familyId}.{secret}</c> (<see cref="RefreshTokens"/>). The prefix lets the edge route a refresh or
/// logout to the right account without asking the client for its user name. It is opaque to clients; the secret is
/// checked only by the account, so changing the account part gains nothing.
/// </summary>
public static class RefreshTokenCodec
{
    /// <summary>Version prefix of the format.</summary>
    public const string Prefix = "r1.";

    /// <summary>Anything longer is not one of ours: refused without asking an account.</summary>
    public const int MaxLength = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Wraps the token an account returned (login or refresh) for the client.</summary>
    public static string Wrap(AccountId account, string accountToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(account.Value, nameof(account));
        ArgumentException.ThrowIfNullOrEmpty(accountToken);
        return Prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(account.Value)) + "." + accountToken;
    }

    /// <summary>True when <paramref name="token"/> has our shape: a valid account id and a well-formed account token.
    /// Says nothing about whether the account knows the token.</summary>
    public static bool TryUnwrap(string? token, out AccountId account, out string accountToken)
    {
        account = default;
        accountToken = "";
        if (token is null || token.Length > MaxLength || !token.StartsWith(Prefix, StringComparison.Ordinal))
            return false;

        var rest = token.AsSpan(Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot <= 0) return false;
        var encoded = rest[..dot];
        if (!Base64Url.IsValid(encoded, out var length) || length == 0 || length > AccountRules.MaxUserNameLength)
            return false;

        Span<byte> bytes = stackalloc byte[AccountRules.MaxUserNameLength];
        if (Base64Url.DecodeFromChars(encoded, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
            return false;
        // Exactly one spelling per account: non-canonical trailing bits are refused.
        if (!encoded.SequenceEqual(Base64Url.EncodeToString(bytes[..written])))
            return false;

        string id;
        try
        {
            id = StrictUtf8.GetString(bytes[..written]);
        }
        catch (ArgumentException)
        {
            return false;
        }
        var candidate = new AccountId(id);
        if (!AccountRules.IsValidAccountId(candidate)) return false;

        var inner = rest[(dot + 1)..].ToString();
        if (!RefreshTokens.TryParseFamily(inner, out _)) return false;

        account = candidate;
        accountToken = inner;
        return true;
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Mxo.Actors.Accounts;

/// <summary>
/// Opaque refresh tokens: "{familyId}.{secret}", both base64url, from <see cref="RandomNumberGenerator"/> (128-bit
/// family id, 256-bit secret). The account stores only the token's SHA-256. The family id in the token lets the account
/// find the family in O(1); it is handed out only inside tokens, so a token that names a live family but carries a
/// stale or wrong secret is treated as reuse of a token of that family.
/// </summary>
public static class RefreshTokens
{
    public const int FamilyIdBytes = 16;
    public const int SecretBytes = 32;

    /// <summary>Anything longer is not a token of ours and is not even hashed.</summary>
    public const int MaxTokenLength = 128;

    private static readonly int FamilyIdLength = Base64Url.GetEncodedLength(FamilyIdBytes);
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);

    public static string NewFamilyId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(FamilyIdBytes));

    public static string NewToken(string familyId) =>
        familyId + "." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>True when <paramref name="token"/> has the shape of a token; <paramref name="familyId"/> is its family.</summary>
    public static bool TryParseFamily(string? token, out string familyId)
    {
        familyId = "";
        if (token is null || token.Length > MaxTokenLength) return false;
        var dot = token.IndexOf('.');
        if (dot != FamilyIdLength || token.Length - dot - 1 != SecretLength) return false;
        if (!Base64Url.IsValid(token.AsSpan(0, dot)) || !Base64Url.IsValid(token.AsSpan(dot + 1))) return false;
        familyId = token[..dot];
        return true;
    }
}

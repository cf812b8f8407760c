namespace Mxo.Protocol.Accounts;

/// <summary>
/// Which user names and passwords are accepted. The edge validates with these before it asks an account; the account
/// validates again (it never trusts its caller).
/// <list type="bullet">
/// <item><b>User name</b>: surrounding white space is trimmed; what remains must be 3–32 characters of ASCII letters,
/// digits, '.', '_' and '-' (non-ASCII look-alikes such as the Kelvin sign are refused, not folded); it is then
/// case-folded to lower case. The result is the <see cref="AccountId"/>: "Neo.Anderson" and " neo.anderson " are the
/// same account.</item>
/// <item><b>Password</b>: normalised to Unicode NFKC (<see cref="NormalisePassword"/>), then 10–128 characters (UTF-16
/// code units of the normalised form), not all white space, and free of control and format characters (categories Cc
/// and Cf: NUL, zero-width spaces and joiners, bidi overrides), as NIST SP 800-63B §5.1.1.2 suggests. No trimming, no
/// case folding. The NFKC form is what is hashed (as UTF-8), at registration, login and password change alike, so the
/// same typed password always hashes the same whatever form the client's keyboard produced.</item>
/// </list>
/// Character names follow <see cref="CharacterRules.ValidateName"/> and are normalised like <see cref="PlayerId.FromName"/>.
/// </summary>
public static class AccountRules
{
    public const int MinUserNameLength = 3;
    public const int MaxUserNameLength = 32;
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;

    /// <summary>Trimmed and lower-cased (invariant culture). Validate first: this does not reject anything.</summary>
    public static string NormaliseUserName(string name) => name.Trim().ToLowerInvariant();

    /// <summary>Null when <paramref name="name"/> is an acceptable user name, else why not (for the client).</summary>
    public static string? ValidateUserName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "user name is required";
        var trimmed = name.Trim();
        if (trimmed.Length < MinUserNameLength || trimmed.Length > MaxUserNameLength)
            return $"user name must be {MinUserNameLength}-{MaxUserNameLength} characters";
        foreach (var c in trimmed)
            if (!char.IsAsciiLetterOrDigit(c) && c != '.' && c != '_' && c != '-')
                return "user name may contain only letters a-z, digits, '.', '_' and '-'";
        return null;
    }

    /// <summary>An id is valid when it is the normal form of a valid user name (what an entity checks about itself).</summary>
    public static bool IsValidAccountId(AccountId id) =>
        id.Value is { } value && ValidateUserName(value) is null && NormaliseUserName(value) == value;

    /// <summary>Null when <paramref name="password"/> is acceptable for a new password, else why not.</summary>
    public static string? ValidatePassword(string? password)
    {
        if (password is null) return "password is required";
        if (TryNormalisePassword(password) is not { } normal) return "password is not valid Unicode text";
        if (normal.Length < MinPasswordLength || normal.Length > MaxPasswordLength)
            return $"password must be {MinPasswordLength}-{MaxPasswordLength} characters";
        if (string.IsNullOrWhiteSpace(normal)) return "password must not be only white space";
        foreach (var c in normal)
            if (char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format)
                return "password must not contain control or invisible formatting characters";
        return null;
    }

    /// <summary>True when <paramref name="password"/> is too long to be any account's password (the login pre-check).</summary>
    public static bool IsOverlongPassword(string password) => NormalisePassword(password).Length > MaxPasswordLength;

    /// <summary>
    /// The form of a password that is hashed: NFKC. Text that cannot be normalised (a lone surrogate) is returned as
    /// given; <see cref="ValidatePassword"/> refuses it for new passwords, so it can only fail to match at a login.
    /// </summary>
    public static string NormalisePassword(string password) => TryNormalisePassword(password) ?? password;

    private static string? TryNormalisePassword(string password)
    {
        try
        {
            return password.Normalize(System.Text.NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

namespace Mxo.Protocol;

/// <summary>What a new character starts with, and which names are allowed.</summary>
public static class CharacterRules
{
    public const int StartingHealth = 500;
    public const int StartingInnerStrength = 200;
    public const long StartingInfo = 1000;
    public const int MinNameLength = 3;
    public const int MaxNameLength = 24;
    public const int MaxChatLength = 500;

    /// <summary>Names are 3–24 characters of ASCII letters, digits, '-' and '_', starting with a letter.</summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "name is required";
        var trimmed = name.Trim();
        if (trimmed.Length < MinNameLength || trimmed.Length > MaxNameLength)
            return $"name must be {MinNameLength}-{MaxNameLength} characters";
        if (!char.IsAsciiLetter(trimmed[0])) return "name must start with a letter";
        foreach (var c in trimmed)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
                return "name may contain only letters, digits, '-' and '_'";
        return null;
    }
}

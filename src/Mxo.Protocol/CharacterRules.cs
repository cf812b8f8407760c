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

    /// <summary>Names no character may take: operator announcements speak as "system".</summary>
    public static readonly string[] ReservedNames = ["system"];

    /// <summary>Names are 3–24 characters of ASCII letters, digits, '-' and '_', starting with a letter.</summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "name is required";
        var trimmed = name.Trim();
        if (trimmed.Length < MinNameLength || trimmed.Length > MaxNameLength)
            return $"name must be {MinNameLength}-{MaxNameLength} characters";
        if (!char.IsAsciiLetter(trimmed[0])) return "name must start with a letter";
        if (ReservedNames.Contains(trimmed, StringComparer.OrdinalIgnoreCase)) return $"'{trimmed}' is reserved";
        foreach (var c in trimmed)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
                return "name may contain only letters, digits, '-' and '_'";
        return null;
    }

    /// <summary>Combining marks allowed on one character (accents, Indic and Thai vowel signs need a few; "Zalgo" text uses dozens).</summary>
    public const int MaxCombiningMarksInARow = 4;

    /// <summary>
    /// What a chat line may hold (issue 7: 500 zero-width or bidi-override characters were broadcast verbatim): the
    /// message of <see cref="Chat.ChatText.Classify"/>, which says what is refused. Null when the text may be said.
    /// </summary>
    public static string? ValidateChatText(string text) => Chat.ChatText.Classify(text).Message;
}

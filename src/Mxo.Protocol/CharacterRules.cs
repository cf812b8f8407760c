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
    /// What a chat line may hold (issue 7: 500 zero-width or bidi-override characters were broadcast verbatim). Refused,
    /// never stripped, so a sender sees exactly what others will: control characters (newlines and tabs included);
    /// bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can make a line read
    /// differently from what was typed; other invisible formatting characters (zero-width space U+200B, word joiner
    /// U+2060, BOM U+FEFF, …), except the zero-width joiner and non-joiner (U+200D, U+200C) that emoji and some scripts
    /// need; private-use and unassigned code points; more than <see cref="MaxCombiningMarksInARow"/> combining marks
    /// in a row; and a line with nothing visible. Null when the text may be said.
    /// </summary>
    public static string? ValidateChatText(string text)
    {
        var visible = false;
        var marks = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var category = char.IsSurrogatePair(text, i)
                ? System.Globalization.CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[++i]))
                : System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c);
            switch (category)
            {
                case System.Globalization.UnicodeCategory.Control:
                    return "'text' must not contain control characters (line breaks and tabs included)";
                case System.Globalization.UnicodeCategory.Format when c is '\u200C' or '\u200D':
                    marks = 0;
                    continue;
                case System.Globalization.UnicodeCategory.Format:
                    return c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
                        ? "'text' must not contain bidirectional control characters"
                        : "'text' must not contain invisible formatting characters";
                case System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned
                    or System.Globalization.UnicodeCategory.Surrogate:
                    return "'text' must not contain private-use, unassigned or unpaired surrogate code points";
                case System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.EnclosingMark
                    or System.Globalization.UnicodeCategory.SpacingCombiningMark:
                    if (++marks > MaxCombiningMarksInARow)
                        return $"'text' must not stack more than {MaxCombiningMarksInARow} combining marks on one character";
                    continue;
                case System.Globalization.UnicodeCategory.SpaceSeparator or System.Globalization.UnicodeCategory.LineSeparator
                    or System.Globalization.UnicodeCategory.ParagraphSeparator:
                    marks = 0;
                    continue;
                default:
                    marks = 0;
                    visible = true;
                    continue;
            }
        }
        return visible ? null : "'text' must not be blank";
    }
}

using System.Globalization;
using System.Text;

namespace Mxo.Protocol.Chat;

/// <summary>Chat text after <see cref="ChatText.Normalise"/>: the text to send, or why it is refused (code and message).</summary>
public readonly record struct ChatTextResult(string? Text, string? Code, string? Message)
{
    public bool Ok => Text is not null;
}

/// <summary>
/// The one rule for chat text, used by every channel (say, district, whisper, reply) and by operator announcements.
/// The text is normalised to NFC and trimmed, then refused (never silently stripped, so the sender sees exactly what
/// others get, and a line cannot be made to read differently once something is taken out of it): blank text, text over
/// <see cref="MaxLength"/> characters (UTF-16 code units of the normalised text), and text holding a character
/// <see cref="Classify"/> refuses.
/// </summary>
public static class ChatText
{
    public const int MaxLength = CharacterRules.MaxChatLength;

    /// <summary>Combining marks allowed on one character (accents, Indic and Thai vowel signs need a few; "Zalgo" text uses dozens).</summary>
    public const int MaxCombiningMarksInARow = CharacterRules.MaxCombiningMarksInARow;

    public static ChatTextResult Normalise(string? raw)
    {
        if (raw is null) return Refuse(ChatErrorCodes.EmptyText, "'text' must not be blank");
        // The characters are judged as typed: normalising changes none of the refused ones, but composing "a" and a
        // grave accent into "à" would hide one of a stack of combining marks.
        var (code, message) = Classify(raw.Trim());
        if (code is not null) return Refuse(code, message!);
        string text;
        try
        {
            text = raw.Normalize(NormalizationForm.FormC).Trim();
        }
        catch (ArgumentException)
        {
            // string.Normalize refuses ill-formed UTF-16 (a lone surrogate); Classify has refused those already.
            return Refuse(ChatErrorCodes.InvalidText, "'text' must not contain unpaired surrogate code points");
        }
        return text.Length > MaxLength
            ? Refuse(ErrorCodes.TextTooLong, $"'text' must be at most {MaxLength} characters")
            : new ChatTextResult(text, null, null);
    }

    private static ChatTextResult Refuse(string code, string message) => new(null, code, message);

    /// <summary>
    /// Refuses control characters (newlines and tabs included); bidirectional controls (U+061C, U+200E, U+200F,
    /// U+202A–U+202E, U+2066–U+2069), which can make a line read differently from what was typed; other invisible
    /// formatting characters (zero-width space U+200B, word joiner U+2060, BOM U+FEFF, …), except the zero-width joiner
    /// and non-joiner (U+200D, U+200C) that emoji and some scripts need; private-use and unassigned code points; more than
    /// <see cref="MaxCombiningMarksInARow"/> combining marks in a row (<see cref="ChatErrorCodes.InvalidText"/>); and a
    /// line with nothing visible (<see cref="ChatErrorCodes.EmptyText"/>). (null, null) when the text may be said.
    /// </summary>
    public static (string? Code, string? Message) Classify(string text)
    {
        var visible = false;
        var marks = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var category = char.IsSurrogatePair(text, i)
                ? CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[++i]))
                : CharUnicodeInfo.GetUnicodeCategory(c);
            switch (category)
            {
                case UnicodeCategory.Control:
                    return (ChatErrorCodes.InvalidText, "'text' must not contain control characters (line breaks and tabs included)");
                case UnicodeCategory.Format when c is '\u200C' or '\u200D':
                    marks = 0;
                    continue;
                case UnicodeCategory.Format:
                    return (ChatErrorCodes.InvalidText, IsBidiControl(c)
                        ? "'text' must not contain bidirectional control characters"
                        : "'text' must not contain invisible formatting characters");
                case UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate:
                    return (ChatErrorCodes.InvalidText, "'text' must not contain private-use, unassigned or unpaired surrogate code points");
                case UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark:
                    if (++marks > MaxCombiningMarksInARow)
                        return (ChatErrorCodes.InvalidText, $"'text' must not stack more than {MaxCombiningMarksInARow} combining marks on one character");
                    continue;
                case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    marks = 0;
                    continue;
                default:
                    marks = 0;
                    visible = true;
                    continue;
            }
        }
        return visible ? (null, null) : (ChatErrorCodes.EmptyText, "'text' must not be blank");
    }

    public static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}

/// <summary>The chat channels a <c>chat</c> line names (and the <c>channel</c> of the <c>chat</c> frame).</summary>
public static class ChatChannels
{
    /// <summary>Nearby: heard within the interest radius of the speaker.</summary>
    public const string Say = "say";

    /// <summary>District-wide: heard by everyone present in the district; rate-limited harder.</summary>
    public const string District = "district";

    /// <summary>The speaker's crew, wherever its members are (docs/architecture.md, "Crews").</summary>
    public const string Crew = "crew";

    /// <summary>The speaker's team, wherever its members are (docs/protocol.md, "Teams"); lines are not kept.</summary>
    public const string Team = "team";

    /// <summary>An operator's announcement (never sent by a client).</summary>
    public const string System = "system";

    /// <summary>The channels a client may name in <c>chat</c>.</summary>
    public static readonly IReadOnlyList<string> Spoken = [Say, District, Crew, Team];
}

/// <summary>The fixed list of emotes (<c>emote {"name"}</c>); anything else is <see cref="ChatErrorCodes.UnknownEmote"/>.</summary>
public static class Emotes
{
    public static readonly IReadOnlyList<string> All =
        ["wave", "bow", "laugh", "cheer", "clap", "dance", "nod", "shrug", "salute", "point", "cry", "sit", "kneel", "taunt", "thank"];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    /// <summary>The emote's name as listed (lower case), or null when it is not on the list.</summary>
    public static string? Find(string name)
    {
        var key = name.Trim().ToLowerInvariant();
        return Known.Contains(key) ? key : null;
    }
}

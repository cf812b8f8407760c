using System.Globalization;
using Mxo.Protocol;

namespace Mxo.Bots;

/// <summary>Bot character names: <c>{prefix}-{run tag}-{index}</c>, e.g. <c>bot-k3f9-0007</c>, valid per <see cref="CharacterRules"/>.</summary>
public static class BotNames
{
    public const int DefaultTagLength = 4;
    private const string TagAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>A random run tag of lower-case letters and digits (no look-alikes).</summary>
    public static string NewRunTag(Random random)
    {
        Span<char> tag = stackalloc char[DefaultTagLength];
        for (var i = 0; i < tag.Length; i++) tag[i] = TagAlphabet[random.Next(TagAlphabet.Length)];
        return new string(tag);
    }

    /// <summary>The name of bot <paramref name="index"/> of <paramref name="count"/>; indices are zero-padded to at least 4 digits.</summary>
    public static string Format(string prefix, string runTag, int index, int count) =>
        $"{prefix}-{runTag}-{index.ToString(CultureInfo.InvariantCulture).PadLeft(IndexWidth(count), '0')}";

    /// <summary>Why names built from this prefix would be invalid, or <c>null</c> when they are fine.</summary>
    public static string? ValidatePrefix(string? prefix, int tagLength, int count)
    {
        if (string.IsNullOrEmpty(prefix)) return "--name-prefix must not be empty";
        if (!char.IsAsciiLetter(prefix[0])) return "--name-prefix must start with a letter";
        if (!prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return "--name-prefix may contain only letters, digits, '-' and '_'";
        var longest = prefix.Length + 1 + tagLength + 1 + IndexWidth(count);
        if (longest > CharacterRules.MaxNameLength)
            return $"--name-prefix is too long: names would be {longest} characters, at most {CharacterRules.MaxNameLength} are allowed";
        return null;
    }

    private static int IndexWidth(int count) =>
        Math.Max(4, Math.Max(count - 1, 0).ToString(CultureInfo.InvariantCulture).Length);
}

using Mxo.Protocol.World;

namespace Mxo.Protocol;

/// <summary>
/// The checks the data files validated by JSON path (<c>world/combat.json</c>, <c>world/npcs.json</c>) share, so that
/// the same mistake reads the same in either file. Each adds a problem starting with the member's path and returns
/// whether the value passed.
/// </summary>
internal static class DataFileChecks
{
    public const int MaxTextLength = 64;

    /// <summary>An id by the map's rule (<see cref="WorldMapValidation.IsValidId"/>).</summary>
    public static bool CheckId(string? id, string path, List<string> problems)
    {
        if (WorldMapValidation.IsValidId(id)) return true;
        problems.Add(string.IsNullOrEmpty(id)
            ? $"{path}: is empty"
            : $"{path}: '{id}' is invalid: use 1-{WorldMapValidation.MaxIdLength} lower-case letters, digits, '-' or '_', starting with a letter or digit");
        return false;
    }

    /// <summary>A display text: not blank, at most <see cref="MaxTextLength"/> characters, no surrounding white space.</summary>
    public static void CheckText(string? text, string path, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
            problems.Add($"{path}: is empty");
        else if (text.Length > MaxTextLength)
            problems.Add($"{path}: is longer than {MaxTextLength} characters");
        else if (text.Trim().Length != text.Length)
            problems.Add($"{path}: '{text}' has leading or trailing white space");
    }

    public static bool Range(long value, long min, long max, string path, List<string> problems)
    {
        if (value >= min && value <= max) return true;
        problems.Add(min == 0 && value < 0
            ? $"{path}: must be 0 or more, got {value}"
            : $"{path}: must be between {min} and {max}, got {value}");
        return false;
    }

    public static bool Range(double value, double min, double max, string path, List<string> problems)
    {
        if (!double.IsFinite(value))
        {
            problems.Add($"{path}: is not a finite number ({Num(value)})");
            return false;
        }
        if (value >= min && value <= max) return true;
        problems.Add($"{path}: must be between {Num(min)} and {Num(max)}, got {Num(value)}");
        return false;
    }

    public static string Num(double v) => WorldMapValidation.Num(v);
}

using Mxo.Protocol.World;

namespace Mxo.Protocol;

/// <summary>
/// The checks the data files validated by JSON path (<c>world/combat.json</c>, <c>world/npcs.json</c>,
/// <c>world/missions.json</c>) share, so that the same mistake reads the same in any of them. Each adds a problem starting with the member's path and returns
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

    /// <summary>The map's district with that id; null, and a problem naming the known ones, when there is none.</summary>
    public static DistrictData? CheckDistrict(string? id, WorldMap map, string path, List<string> problems)
    {
        var district = id is null ? null : map.Find(new DistrictId(id));
        if (district is null)
            problems.Add($"{path}: unknown district '{id}'; known: {string.Join(", ", map.All.Select(d => d.Id.Value))}");
        return district;
    }

    /// <summary>A position: present, finite and within <see cref="Vec3.WorldLimit"/>, and inside <paramref name="district"/> when it is known.</summary>
    public static bool CheckPosition(PointJson? position, DistrictData? district, string path, List<string> problems)
    {
        if (position is null)
        {
            problems.Add($"{path}: is missing");
            return false;
        }
        var p = position.ToVec3();
        if (!p.IsValid)
            problems.Add($"{path}: {WorldMapValidation.Fmt(p)} holds a number that is not finite or exceeds {Num(Vec3.WorldLimit)}");
        else if (district is not null && !district.Bounds.Contains(p))
            problems.Add($"{path}: {WorldMapValidation.Fmt(p)} is outside district '{district.Id.Value}' ({district.Bounds})");
        else
            return true;
        return false;
    }

    /// <summary>The members <paramref name="items"/> lists, each once: a problem for a null entry and for a repeated id.</summary>
    public static void CheckUnique<T>(IReadOnlyList<T?> items, string path, Func<T, string?> id, string what, Action<T, string> each,
        List<string> problems) where T : class
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (items[i] is not { } item)
            {
                problems.Add($"{at}: is null");
                continue;
            }
            if (CheckId(id(item), $"{at}.id", problems) && !seen.Add(id(item)!))
                problems.Add($"{at}.id: duplicate {what} id '{id(item)}'");
            each(item, at);
        }
    }

    public static string Num(double v) => WorldMapValidation.Num(v);
}

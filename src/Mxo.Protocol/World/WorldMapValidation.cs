using System.Globalization;

namespace Mxo.Protocol.World;

/// <summary>The rules a world map must satisfy. Collects every problem rather than stopping at the first.</summary>
internal static class WorldMapValidation
{
    public const int MaxIdLength = 64;
    public const int MaxTextLength = 64;

    public static List<string> Problems(Bounds world, IReadOnlyList<DistrictData?>? districts)
    {
        var problems = new List<string>();

        var worldUsable = CheckBounds(world, "the world bounds", problems);

        if (districts is null || districts.Count == 0)
        {
            problems.Add("the world has no districts");
            return problems;
        }

        var districtIds = new HashSet<string>(StringComparer.Ordinal);
        var hardlineIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var objectIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var usable = new List<DistrictData>();

        for (var i = 0; i < districts.Count; i++)
        {
            var d = districts[i];
            if (d is null)
            {
                problems.Add($"district #{i + 1} is null");
                continue;
            }

            var idOk = CheckId(d.Id.Value, $"district #{i + 1}", "id", problems);
            var label = idOk ? $"district '{d.Id.Value}'" : $"district #{i + 1}";
            if (idOk && !districtIds.Add(d.Id.Value))
                problems.Add($"duplicate district id '{d.Id.Value}'");

            CheckText(d.Name, label, "name", problems);
            CheckText(d.Nickname, label, "nickname", problems);

            if (d.Capacity < 1)
                problems.Add($"{label} capacity must be at least 1, got {d.Capacity}");

            var boundsOk = CheckBounds(d.Bounds, $"{label} bounds", problems);
            if (boundsOk && worldUsable && !world.Contains(d.Bounds))
                problems.Add($"{label} bounds {d.Bounds} lie outside the world bounds {world}");

            CheckPoint(d.Spawn, $"{label} spawn", boundsOk ? d.Bounds : null, label, problems);

            if (d.Hardlines is null)
                problems.Add($"{label} hardlines list is missing");
            else
                for (var h = 0; h < d.Hardlines.Count; h++)
                    CheckHardline(d.Hardlines[h], h, d, label, boundsOk, hardlineIds, problems);

            if (d.Objects is null)
                problems.Add($"{label} objects list is missing");
            else
                for (var o = 0; o < d.Objects.Count; o++)
                    CheckObject(d.Objects[o], o, d, label, boundsOk, objectIds, problems);

            if (boundsOk && idOk) usable.Add(d);
        }

        for (var a = 0; a < usable.Count; a++)
            for (var b = a + 1; b < usable.Count; b++)
                if (usable[a].Bounds.Overlaps(usable[b].Bounds))
                    problems.Add($"districts '{usable[a].Id.Value}' ({usable[a].Bounds}) and '{usable[b].Id.Value}' ({usable[b].Bounds}) overlap");

        return problems;
    }

    private static void CheckHardline(Hardline? h, int index, DistrictData d, string districtLabel, bool boundsOk,
        Dictionary<string, string> seen, List<string> problems)
    {
        if (h is null)
        {
            problems.Add($"{districtLabel} hardline #{index + 1} is null");
            return;
        }

        var idOk = CheckId(h.Id, $"{districtLabel} hardline #{index + 1}", "id", problems);
        var label = idOk ? $"hardline '{h.Id}'" : $"{districtLabel} hardline #{index + 1}";
        if (idOk)
        {
            if (seen.TryGetValue(h.Id, out var other))
                problems.Add($"duplicate hardline id '{h.Id}' (in district '{other}' and district '{d.Id.Value}')");
            else
                seen[h.Id] = d.Id.Value ?? "";
        }

        CheckText(h.Name, label, "name", problems);
        if (h.District != d.Id)
            problems.Add($"{label} names district '{h.District.Value}' but is listed under district '{d.Id.Value}'");
        if (!double.IsFinite(h.Rotation))
            problems.Add($"{label} rotation is not a finite number ({Num(h.Rotation)})");
        else if (h.Rotation is < 0 or >= 360)
            problems.Add($"{label} rotation {Num(h.Rotation)} must be a yaw in degrees, 0 <= rotation < 360");
        CheckPoint(h.Position, $"{label} position", boundsOk ? d.Bounds : null, districtLabel, problems);
    }

    private static void CheckObject(WorldObjectData? o, int index, DistrictData d, string districtLabel, bool boundsOk,
        Dictionary<string, string> seen, List<string> problems)
    {
        if (o is null)
        {
            problems.Add($"{districtLabel} object #{index + 1} is null");
            return;
        }

        var idOk = CheckId(o.Id, $"{districtLabel} object #{index + 1}", "id", problems);
        var label = idOk ? $"world object '{o.Id}'" : $"{districtLabel} object #{index + 1}";
        if (idOk)
        {
            if (seen.TryGetValue(o.Id, out var other))
                problems.Add($"duplicate world object id '{o.Id}' (in district '{other}' and district '{d.Id.Value}')");
            else
                seen[o.Id] = d.Id.Value ?? "";
        }

        CheckId(o.Kind, label, "kind", problems);
        CheckText(o.State, label, "state", problems);
        CheckPoint(o.Position, $"{label} position", boundsOk ? d.Bounds : null, districtLabel, problems);
    }

    /// <summary>Lower-case letters, digits, '-' and '_', starting with a letter or digit, 1–64 characters.</summary>
    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength) return false;
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (i > 0 && c is '-' or '_');
            if (!ok) return false;
        }
        return true;
    }

    private static bool CheckId(string? id, string owner, string field, List<string> problems)
    {
        if (IsValidId(id)) return true;
        problems.Add(string.IsNullOrEmpty(id)
            ? $"{owner} {field} is empty"
            : $"{owner} {field} '{id}' is invalid: use 1-{MaxIdLength} lower-case letters, digits, '-' or '_', starting with a letter or digit");
        return false;
    }

    private static void CheckText(string? text, string owner, string field, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text))
            problems.Add($"{owner} {field} is empty");
        else if (text.Length > MaxTextLength)
            problems.Add($"{owner} {field} is longer than {MaxTextLength} characters");
        else if (text.Trim().Length != text.Length)
            problems.Add($"{owner} {field} '{text}' has leading or trailing white space");
    }

    private static bool CheckBounds(Bounds b, string what, List<string> problems)
    {
        if (!b.IsFinite)
        {
            problems.Add($"{what} {b} hold a number that is not finite or exceeds {Num(Vec3.WorldLimit)}");
            return false;
        }
        if (!(b.MinX < b.MaxX && b.MinZ < b.MaxZ))
        {
            problems.Add($"{what} {b} are inverted or empty: min must be less than max on both axes");
            return false;
        }
        return true;
    }

    private static void CheckPoint(Vec3 p, string what, Bounds? district, string districtLabel, List<string> problems)
    {
        if (!p.IsValid)
            problems.Add($"{what} {Fmt(p)} holds a number that is not finite or exceeds {Num(Vec3.WorldLimit)}");
        else if (district is { } b && !b.Contains(p))
            problems.Add($"{what} {Fmt(p)} is outside its {districtLabel} ({b})");
    }

    internal static string Num(double v) =>
        v.ToString(double.IsFinite(v) && Math.Abs(v) < 1e9 ? "0.##" : "G6", CultureInfo.InvariantCulture);

    internal static string Fmt(Vec3 p) => $"({Num(p.X)}, {Num(p.Y)}, {Num(p.Z)})";
}

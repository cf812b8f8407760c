namespace Mxo.Protocol;

/// <summary>A district the world knows about. Bounds, capacity and hardlines arrive with the world data file (issue 4).</summary>
public sealed record DistrictInfo(DistrictId Id, string Name, string Nickname, Vec3 Spawn);

/// <summary>The districts of the Mega City. Ids are lower-case and stable: they key shard entities and journals.</summary>
public static class DistrictCatalog
{
    public static readonly DistrictInfo Richland = new(new("richland"), "Richland", "the Slums", new(-1500, 0, 0));
    public static readonly DistrictInfo Westview = new(new("westview"), "Westview", "the Barrens", new(-500, 0, 0));
    public static readonly DistrictInfo International = new(new("international"), "International", "International", new(500, 0, 0));
    public static readonly DistrictInfo Downtown = new(new("downtown"), "Downtown", "Downtown", new(1500, 0, 0));

    public static readonly IReadOnlyList<DistrictInfo> All = [Richland, Westview, International, Downtown];

    public static DistrictInfo? Find(string? id) =>
        id is null ? null : All.FirstOrDefault(d => string.Equals(d.Id.Value, id.Trim(), StringComparison.OrdinalIgnoreCase));
}

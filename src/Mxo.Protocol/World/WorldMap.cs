using System.Collections.ObjectModel;

namespace Mxo.Protocol.World;

/// <summary>
/// The world map: the world rectangle and its districts (bounds, capacity, spawn, hardlines, initial world objects), read
/// from <c>world/districts.json</c>. Immutable. Every instance has passed validation: <see cref="Parse"/>,
/// <see cref="Load"/>, <see cref="Create"/> and <see cref="WithCapacity"/> throw <see cref="WorldMapException"/> naming
/// every problem instead of returning a map that breaks a rule.
/// </summary>
/// <remarks>
/// Geometry is on the X/Z ground plane (Y is height). Rectangles are half-open, [min, max) on both axes, so an edge
/// shared by two districts belongs to the one whose min edge it is. A point in no district is outside the world.
/// </remarks>
public sealed class WorldMap
{
    /// <summary>Where the data file lives, relative to the repository root and to the node's output folder.</summary>
    public const string DefaultRelativePath = "world/districts.json";

    /// <summary>The data file copied next to the running assembly.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "world", "districts.json");

    /// <summary>The file format version this build reads.</summary>
    public const int FormatVersion = 1;

    private const int MaxFileBytes = 4 * 1024 * 1024;

    private readonly Dictionary<string, DistrictData> _byId;
    private readonly Dictionary<string, Hardline> _hardlines;
    private readonly Dictionary<string, IReadOnlyList<DistrictData>> _neighbours;

    private WorldMap(Bounds world, IReadOnlyList<DistrictData> districts)
    {
        World = world;
        All = districts;
        _byId = districts.ToDictionary(d => d.Id.Value, StringComparer.Ordinal);
        Hardlines = districts.SelectMany(d => d.Hardlines).ToArray().AsReadOnly();
        _hardlines = Hardlines.ToDictionary(h => h.Id, StringComparer.Ordinal);
        _neighbours = districts.ToDictionary(
            d => d.Id.Value,
            d => (IReadOnlyList<DistrictData>)districts.Where(o => o != d && o.Bounds.SharesEdgeWith(d.Bounds)).ToArray().AsReadOnly(),
            StringComparer.Ordinal);
    }

    /// <summary>The world rectangle; every district lies within it.</summary>
    public Bounds World { get; }

    /// <summary>The districts in file order.</summary>
    public IReadOnlyList<DistrictData> All { get; }

    /// <summary>Every hardline of every district, in file order.</summary>
    public IReadOnlyList<Hardline> Hardlines { get; }

    /// <summary>Builds and validates a map. Lists are copied, so the map stays immutable whatever the caller does later.</summary>
    public static WorldMap Create(Bounds world, IEnumerable<DistrictData> districts)
    {
        ArgumentNullException.ThrowIfNull(districts);
        var list = districts.ToArray();
        var problems = WorldMapValidation.Problems(world, list);
        if (problems.Count > 0) throw WorldMapException.FromProblems(problems);
        return new WorldMap(world, Array.AsReadOnly(list.Select(Freeze).ToArray()));
    }

    /// <summary>Reads and validates the data file at <paramref name="path"/>. Errors name the file and every problem.</summary>
    public static WorldMap Load(string path)
    {
        var json = DataFile.Read(path, "world data file", MaxFileBytes, (message, inner) => new WorldMapException(message, inner), out var full);
        return Parse(json, full);
    }

    /// <summary>Parses and validates world data JSON (the format of <c>world/districts.json</c>).</summary>
    public static WorldMap Parse(string json) => Parse(json, null);

    private static WorldMap Parse(string json, string? source)
    {
        var where = source is null ? "world data" : $"world data file '{source}'";
        var file = DataFile.Deserialize(json, DataFileJson.Default.WorldFileJson, where, JsonTypeNames,
            (message, inner) => new WorldMapException(message, inner));

        var problems = new List<string>();
        if (file.Version != FormatVersion)
            problems.Add($"version {file.Version} is not supported; this build reads version {FormatVersion}");

        var districts = new List<DistrictData?>(file.Districts.Count);
        foreach (var d in file.Districts)
            districts.Add(d is null ? null : ToDistrict(d));

        problems.AddRange(WorldMapValidation.Problems(file.World.ToBounds(), districts));
        if (problems.Count > 0) throw WorldMapException.FromProblems(problems, source);

        return new WorldMap(file.World.ToBounds(), Array.AsReadOnly(districts.Select(d => Freeze(d!)).ToArray()));
    }

    /// <summary>Runs every rule again; throws <see cref="WorldMapException"/> on a problem and returns this map otherwise.</summary>
    public WorldMap Validate()
    {
        var problems = WorldMapValidation.Problems(World, All);
        if (problems.Count > 0) throw WorldMapException.FromProblems(problems);
        return this;
    }

    /// <summary>The district whose rectangle holds the point's X/Z (half-open), or null when the point is outside the world.</summary>
    public DistrictData? DistrictAt(Vec3 position)
    {
        foreach (var d in All)
            if (d.Bounds.Contains(position))
                return d;
        return null;
    }

    /// <summary>Whether the point lies in some district. The world rectangle alone is not enough: gaps between districts are outside.</summary>
    public bool IsInsideWorld(Vec3 position) => DistrictAt(position) is not null;

    public DistrictData? Find(DistrictId id) =>
        id.Value is { } v && _byId.TryGetValue(v, out var d) ? d : null;

    /// <summary>Finds a district by id text, ignoring case and surrounding white space.</summary>
    public DistrictData? Find(string? id) =>
        id is null ? null : Find(new DistrictId(id.Trim().ToLowerInvariant()));

    /// <summary>The districts that share an edge (of positive length, not only a corner) with the given one; empty when unknown.</summary>
    public IReadOnlyList<DistrictData> Neighbours(DistrictId id) =>
        id.Value is { } v && _neighbours.TryGetValue(v, out var n) ? n : [];

    /// <summary>A hardline by id, across all districts (hardline ids are unique world-wide); null when unknown.</summary>
    public Hardline? Hardline(string? id) =>
        id is not null && _hardlines.TryGetValue(id, out var h) ? h : null;

    /// <summary>
    /// A copy with the capacity replaced: for one district, or for every district when <paramref name="district"/> is null.
    /// For configuration overrides; throws <see cref="WorldMapException"/> for an unknown district or a capacity below 1.
    /// </summary>
    public WorldMap WithCapacity(DistrictId? district, int capacity)
    {
        var target = district is null ? "all districts" : $"district '{district.Value.Value}'";
        if (capacity < 1)
            throw new WorldMapException($"capacity override for {target} must be at least 1, got {capacity}");
        if (district is { } id && Find(id) is null)
            throw new WorldMapException(
                $"capacity override names unknown district '{id.Value}'; known: {string.Join(", ", All.Select(d => d.Id.Value))}");

        return Create(World, All.Select(d => district is null || d.Id == district.Value ? d with { Capacity = capacity } : d));
    }

    /// <summary>The file's words for its types, for the serializer's messages (<see cref="DataFile.Describe"/>).</summary>
    private static readonly (Type Type, string Name)[] JsonTypeNames =
    [
        (typeof(WorldFileJson), "world file"),
        (typeof(DistrictJson), "district"),
        (typeof(HardlineJson), "hardline"),
        (typeof(WorldObjectJson), "world object"),
        (typeof(BoundsJson), "bounds"),
        (typeof(PointJson), "position"),
    ];

    private static DistrictData ToDistrict(DistrictJson d)
    {
        var id = new DistrictId(d.Id);
        return new DistrictData(
            id,
            d.Name,
            d.Nickname,
            d.Bounds.ToBounds(),
            d.Capacity,
            d.Spawn.ToVec3(),
            d.Hardlines.Select(h => h is null ? null! : new Hardline(h.Id, h.Name, id, h.Position.ToVec3(), h.Rotation)).ToArray(),
            d.Objects.Select(o => o is null ? null! : new WorldObjectData(o.Id, o.Kind, o.Position.ToVec3(), o.State)).ToArray());
    }

    private static DistrictData Freeze(DistrictData d) => d with
    {
        Hardlines = new ReadOnlyCollection<Hardline>(d.Hardlines.ToArray()),
        Objects = new ReadOnlyCollection<WorldObjectData>(d.Objects.ToArray()),
    };
}

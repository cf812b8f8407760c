namespace Mxo.Protocol.World;

// The shape of world/districts.json. Every member is required except "description"; unknown members are refused, so a
// misspelt field ("hardLines") is an error rather than silently empty. Hardlines take their district from the district
// they are listed under. Named literals ("NaN", "Infinity") are read so that validation can name them. The options that
// do this are every data file's: DataFileJson in src/Mxo.Protocol/DataFile.cs.

internal sealed record WorldFileJson
{
    public required int Version { get; init; }
    public string? Description { get; init; }
    public required BoundsJson World { get; init; }
    public required List<DistrictJson?> Districts { get; init; }
}

internal sealed record BoundsJson
{
    public required double MinX { get; init; }
    public required double MinZ { get; init; }
    public required double MaxX { get; init; }
    public required double MaxZ { get; init; }

    public Bounds ToBounds() => new(MinX, MinZ, MaxX, MaxZ);
}

internal sealed record PointJson
{
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Z { get; init; }

    public Vec3 ToVec3() => new(X, Y, Z);
}

internal sealed record DistrictJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Nickname { get; init; }
    public required BoundsJson Bounds { get; init; }
    public required int Capacity { get; init; }
    public required PointJson Spawn { get; init; }
    public required List<HardlineJson?> Hardlines { get; init; }
    public required List<WorldObjectJson?> Objects { get; init; }
}

internal sealed record HardlineJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required PointJson Position { get; init; }
    public required double Rotation { get; init; }
}

internal sealed record WorldObjectJson
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required PointJson Position { get; init; }
    public required string State { get; init; }
}

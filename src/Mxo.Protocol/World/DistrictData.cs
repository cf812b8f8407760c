namespace Mxo.Protocol.World;

/// <summary>
/// A rectangle on the ground plane (X/Z; Y is height and is ignored). Half-open on both axes: [MinX, MaxX) × [MinZ, MaxZ),
/// so the min edges belong to the rectangle and the max edges do not, and an edge shared by two adjacent districts
/// belongs to exactly one of them (the one whose min edge it is).
/// </summary>
public readonly record struct Bounds(double MinX, double MinZ, double MaxX, double MaxZ)
{
    public double Width => MaxX - MinX;
    public double Depth => MaxZ - MinZ;

    /// <summary>Every coordinate finite and within <see cref="Vec3.WorldLimit"/>.</summary>
    public bool IsFinite =>
        Finite(MinX) && Finite(MinZ) && Finite(MaxX) && Finite(MaxZ);

    /// <summary>Finite with Min &lt; Max on both axes (a non-empty rectangle).</summary>
    public bool IsValid => IsFinite && MinX < MaxX && MinZ < MaxZ;

    /// <summary>Whether the point's X/Z lies in the half-open rectangle. NaN coordinates are never contained.</summary>
    public bool Contains(Vec3 p) => p.X >= MinX && p.X < MaxX && p.Z >= MinZ && p.Z < MaxZ;

    /// <summary>Whether <paramref name="inner"/> lies entirely within this rectangle.</summary>
    public bool Contains(Bounds inner) =>
        inner.MinX >= MinX && inner.MaxX <= MaxX && inner.MinZ >= MinZ && inner.MaxZ <= MaxZ;

    /// <summary>Whether the two (non-empty, half-open) rectangles have any point in common. Touching edges do not overlap.</summary>
    public bool Overlaps(Bounds other) =>
        MinX < other.MaxX && other.MinX < MaxX && MinZ < other.MaxZ && other.MinZ < MaxZ;

    /// <summary>Whether the rectangles touch along an edge of positive length (a shared corner is not enough) without overlapping.</summary>
    public bool SharesEdgeWith(Bounds other)
    {
        if (Overlaps(other)) return false;
        var xTouch = MaxX == other.MinX || other.MaxX == MinX;
        var zTouch = MaxZ == other.MinZ || other.MaxZ == MinZ;
        var xSpan = Math.Min(MaxX, other.MaxX) > Math.Max(MinX, other.MinX);
        var zSpan = Math.Min(MaxZ, other.MaxZ) > Math.Max(MinZ, other.MinZ);
        return (xTouch && zSpan) || (zTouch && xSpan);
    }

    public override string ToString() =>
        $"x [{WorldMapValidation.Num(MinX)}, {WorldMapValidation.Num(MaxX)}) z [{WorldMapValidation.Num(MinZ)}, {WorldMapValidation.Num(MaxZ)})";

    private static bool Finite(double v) => double.IsFinite(v) && Math.Abs(v) <= Vec3.WorldLimit;
}

/// <summary>A named teleport point: where a player jacks in, facing <see cref="Rotation"/> (yaw in degrees, 0 ≤ yaw &lt; 360, 0 = +Z, 90 = +X).</summary>
public sealed record Hardline(string Id, string Name, DistrictId District, Vec3 Position, double Rotation);

/// <summary>A world object (door, terminal, …) owned and persisted by its district; <see cref="State"/> is its initial state ("closed", "idle", …).</summary>
public sealed record WorldObjectData(string Id, string Kind, Vec3 Position, string State);

/// <summary>One district of the world map, as loaded from <c>world/districts.json</c>.</summary>
public sealed record DistrictData(
    DistrictId Id,
    string Name,
    string Nickname,
    Bounds Bounds,
    int Capacity,
    Vec3 Spawn,
    IReadOnlyList<Hardline> Hardlines,
    IReadOnlyList<WorldObjectData> Objects)
{
    /// <summary>The short view (id, names, spawn) a client needs to enter and walk about.</summary>
    public DistrictInfo ToInfo() => new(Id, Name, Nickname, Spawn);
}

/// <summary>What a client needs to know of a district: its id, names and spawn point.</summary>
public sealed record DistrictInfo(DistrictId Id, string Name, string Nickname, Vec3 Spawn);

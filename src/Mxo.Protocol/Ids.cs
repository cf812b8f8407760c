using ProtoBuf;

namespace Mxo.Protocol;

/// <summary>A character's id: its normalised name (trimmed, lower case). Character names are unique world-wide.</summary>
[ProtoContract]
public readonly record struct PlayerId([property: ProtoMember(1)] string Value)
{
    public static PlayerId FromName(string name) => new(name.Trim().ToLowerInvariant());
    public override string ToString() => Value;
}

[ProtoContract]
public readonly record struct DistrictId([property: ProtoMember(1)] string Value)
{
    public override string ToString() => Value;
}

/// <summary>A point in world units. One unit is one metre; movement is limited to 20 units/s (issue 4).</summary>
[ProtoContract]
public readonly record struct Vec3(
    [property: ProtoMember(1)] double X,
    [property: ProtoMember(2)] double Y,
    [property: ProtoMember(3)] double Z)
{
    /// <summary>No coordinate may exceed this magnitude; larger values are refused as absurd.</summary>
    public const double WorldLimit = 1_000_000;

    public bool IsValid =>
        double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Z)
        && Math.Abs(X) <= WorldLimit && Math.Abs(Y) <= WorldLimit && Math.Abs(Z) <= WorldLimit;

    public double DistanceTo(Vec3 other)
    {
        var dx = X - other.X; var dy = Y - other.Y; var dz = Z - other.Z;
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    /// <summary>Distance on the ground plane (X/Z): what interest, reach and hardline unlocking use.</summary>
    public double FlatDistanceTo(Vec3 other)
    {
        var dx = X - other.X; var dz = Z - other.Z;
        return Math.Sqrt(dx * dx + dz * dz);
    }

    public override string ToString() => $"({X:0.##}, {Y:0.##}, {Z:0.##})";
}

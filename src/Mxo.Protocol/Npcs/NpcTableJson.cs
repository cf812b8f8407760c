using Mxo.Protocol.World;

namespace Mxo.Protocol.Npcs;

// The shape of world/npcs.json. Every member is required except "description", a kind's "abilities" and a spawn's
// "respawnMs"; unknown members are refused, so a misspelt field ("respawn") is an error rather than silently zero.
// Positions have the map's shape (PointJson, src/Mxo.Protocol/World/WorldMapJson.cs). Named literals ("NaN",
// "Infinity") are read so that validation can name them.

internal sealed record NpcFileJson
{
    public required int Version { get; init; }
    public string? Description { get; init; }
    public required FighterJson Player { get; init; }
    public required List<NpcKindJson?> Kinds { get; init; }
    public required List<NpcSpawnJson?> Spawns { get; init; }
}

/// <summary>The six numbers, the whole of "player" and the start of every kind.</summary>
internal record FighterJson
{
    public required int MaxHealth { get; init; }
    public required int MaxInnerStrength { get; init; }
    public required int Attack { get; init; }
    public required int Accuracy { get; init; }
    public required int Evasion { get; init; }
    public required int WeaponDamage { get; init; }

    public FighterBaseStats ToStats() => new(MaxHealth, MaxInnerStrength, Attack, Accuracy, Evasion, WeaponDamage);
}

internal sealed record NpcKindJson : FighterJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Organisation { get; init; }
    public required List<TacticWeightJson?> Tactics { get; init; }
    public List<string?>? Abilities { get; init; }
    public required int RespawnMs { get; init; }
    public required bool Aggressive { get; init; }
}

internal sealed record TacticWeightJson
{
    public required string Id { get; init; }
    public required int Weight { get; init; }
}

internal sealed record NpcSpawnJson
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string District { get; init; }
    public required PointJson Position { get; init; }
    public int? RespawnMs { get; init; }
}

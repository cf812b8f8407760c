namespace Mxo.Protocol.Combat;

// The shape of world/combat.json. Every member is required except "description" and the effect members that only some
// effect kinds use (validation says which kind needs which); unknown members are refused, so a misspelt field
// ("cooldown") is an error rather than silently zero. Named literals ("NaN", "Infinity") are read so that validation
// can name them. The options that do this are every data file's: DataFileJson in src/Mxo.Protocol/DataFile.cs.

internal sealed record CombatFileJson
{
    public required int Version { get; init; }
    public string? Description { get; init; }
    public required CombatSettingsJson Settings { get; init; }
    public required List<TacticJson?> Tactics { get; init; }
    public required List<AbilityJson?> Abilities { get; init; }
}

internal sealed record CombatSettingsJson
{
    public required int RoundMs { get; init; }
    public required int MinActionIntervalMs { get; init; }
    public required int BaseHitChance { get; init; }
    public required int MinHitChance { get; init; }
    public required int MaxHitChance { get; init; }
    public required double DistancePerHitChancePoint { get; init; }
    public required int DamageVariancePercent { get; init; }
    public required int CriticalChance { get; init; }
    public required double CriticalMultiplier { get; init; }
    public required string DefaultTactic { get; init; }
    public required int WithdrawBonus { get; init; }
    public required int WithdrawBonusPerFailedAttempt { get; init; }
    public required double EngageRange { get; init; }
    public required DeathEffectJson DeathEffect { get; init; }
    public required double HealthRegenPerSecond { get; init; }
    public required double InnerStrengthRegenPerSecond { get; init; }
    public required int DisconnectGraceMs { get; init; }
    public required int DuelAnswerTimeoutMs { get; init; }
}

internal sealed record DeathEffectJson
{
    public required int DurationMs { get; init; }
    public required List<StatModifierJson?> Modifiers { get; init; }
}

internal sealed record StatModifierJson
{
    public required string Stat { get; init; }
    public required int Percent { get; init; }
}

internal sealed record TacticJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required int InnerStrengthCost { get; init; }
    public required int HitChance { get; init; }
    public required int CriticalChance { get; init; }
    public required MatchupModifierJson Winning { get; init; }
    public required MatchupModifierJson Losing { get; init; }
    public required List<string?> Beats { get; init; }
}

internal sealed record MatchupModifierJson
{
    public required int HitChance { get; init; }
    public required double DamageMultiplier { get; init; }
}

internal sealed record AbilityJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required int InnerStrengthCost { get; init; }
    public required int CastTimeMs { get; init; }
    public required int CooldownMs { get; init; }
    public required AbilityEffectJson Effect { get; init; }
}

internal sealed record AbilityEffectJson
{
    public required string Kind { get; init; }
    public int? Amount { get; init; }
    public string? Stat { get; init; }
    public int? Percent { get; init; }
    public int? DurationMs { get; init; }
}

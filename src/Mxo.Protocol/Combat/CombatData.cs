namespace Mxo.Protocol.Combat;

/// <summary>The stats that buffs, debuffs and the death effect change (the names used in <c>world/combat.json</c>).</summary>
public static class CombatStats
{
    public const string Attack = "attack";
    public const string Accuracy = "accuracy";
    public const string Evasion = "evasion";

    public static readonly IReadOnlyList<string> All = [Attack, Accuracy, Evasion];

    public static bool IsKnown(string? stat) => stat is Attack or Accuracy or Evasion;
}

/// <summary>How one fighter's tactic stands against the other's in a round.</summary>
public enum TacticMatchup
{
    /// <summary>Neither beats the other (the same tactic, an even pair, or no opposing attack).</summary>
    Neutral = 0,

    /// <summary>This fighter's tactic beats the other's: its attack gets the tactic's <see cref="TacticData.Winning"/> modifier.</summary>
    Winning = 1,

    /// <summary>The other's tactic beats this one: its attack gets the tactic's <see cref="TacticData.Losing"/> modifier.</summary>
    Losing = 2,
}

/// <summary>What a matchup does to the attack of the fighter it applies to.</summary>
/// <param name="HitChance">Points added to the hit chance (before the clamp).</param>
/// <param name="DamageMultiplier">Factor on the damage after the variance (floored).</param>
public readonly record struct MatchupModifier(int HitChance, double DamageMultiplier)
{
    public static MatchupModifier Neutral { get; } = new(0, 1);
}

/// <summary>One interlock tactic of the combat table.</summary>
/// <param name="InnerStrengthCost">Paid every round the tactic is fought with.</param>
/// <param name="HitChance">Points always added to the hit chance of this tactic's attacks.</param>
/// <param name="CriticalChance">Points added to the table's critical chance for this tactic's attacks.</param>
/// <param name="Beats">The ids of the tactics this one beats.</param>
public sealed record TacticData(
    string Id,
    string Name,
    int InnerStrengthCost,
    int HitChance,
    int CriticalChance,
    MatchupModifier Winning,
    MatchupModifier Losing,
    IReadOnlyList<string> Beats);

/// <summary>A change of a stat by a percentage: positive raises it, negative lowers it.</summary>
public readonly record struct StatModifier(string Stat, int Percent);

public enum AbilityEffectKind
{
    /// <summary>An extra attack on the opponent with <see cref="AbilityEffect.Amount"/> as its base damage.</summary>
    Damage = 0,

    /// <summary>Restores <see cref="AbilityEffect.Amount"/> health to the caster, not above its maximum.</summary>
    Heal = 1,

    /// <summary>Raises the caster's stat by <see cref="AbilityEffect.Percent"/> for <see cref="AbilityEffect.Duration"/>.</summary>
    Buff = 2,

    /// <summary>Lowers the opponent's stat by <see cref="AbilityEffect.Percent"/> for <see cref="AbilityEffect.Duration"/>.</summary>
    Debuff = 3,
}

/// <summary>What an ability does when it lands. Only the members its <see cref="Kind"/> uses are set (the others are 0 or null).</summary>
/// <param name="Amount">Damage or heal: the amount.</param>
/// <param name="Stat">Buff or debuff: one of <see cref="CombatStats"/>.</param>
/// <param name="Percent">Buff or debuff: how much, as the file gives it (always positive; a debuff lowers).</param>
/// <param name="Duration">Buff or debuff: how long it lasts.</param>
public sealed record AbilityEffect(AbilityEffectKind Kind, int Amount, string? Stat, int Percent, TimeSpan Duration)
{
    /// <summary>The percentage the stat changes by: positive for a buff, negative for a debuff, 0 otherwise.</summary>
    public int SignedPercent => Kind switch
    {
        AbilityEffectKind.Buff => Percent,
        AbilityEffectKind.Debuff => -Percent,
        _ => 0,
    };
}

/// <summary>One ability of the combat table.</summary>
/// <param name="InnerStrengthCost">Paid when the ability is used.</param>
/// <param name="CastTime">From use to effect: it lands in the first round at or after use + cast time.</param>
/// <param name="Cooldown">After the cast: the ability can be used again cast time + cooldown after its last use.</param>
public sealed record AbilityData(string Id, string Name, int InnerStrengthCost, TimeSpan CastTime, TimeSpan Cooldown, AbilityEffect Effect);

/// <summary>The combat table's tuning (its "settings"); the description in <c>world/combat.json</c> says how each is used.</summary>
public sealed record CombatSettings
{
    /// <summary>The length of an interlock round (the default 3 s).</summary>
    public required TimeSpan Round { get; init; }

    /// <summary>The shortest time between two actions of one fighter (the seed's 500 ms); a quicker one is <c>too_fast</c>.</summary>
    public required TimeSpan MinActionInterval { get; init; }

    /// <summary>The hit chance of two average fighters (stats 50) at distance 0 with no modifier: the seed's 70.</summary>
    public required int BaseHitChance { get; init; }

    public required int MinHitChance { get; init; }
    public required int MaxHitChance { get; init; }

    /// <summary>The hit chance drops one point for every whole this-many units of distance (the seed's 10).</summary>
    public required double DistancePerHitChancePoint { get; init; }

    /// <summary>Damage varies uniformly by up to this percentage either way (the seed's 20).</summary>
    public required int DamageVariancePercent { get; init; }

    /// <summary>The chance of a critical hit before the tactic's modifier (5).</summary>
    public required int CriticalChance { get; init; }

    public required double CriticalMultiplier { get; init; }

    /// <summary>The tactic a fighter starts with and falls back to when it cannot pay for its own; it costs nothing.</summary>
    public required string DefaultTactic { get; init; }

    public required int WithdrawBonus { get; init; }
    public required int WithdrawBonusPerFailedAttempt { get; init; }

    /// <summary>The farthest two fighters can be apart to start a fight (30 units).</summary>
    public required double EngageRange { get; init; }

    /// <summary>How long the death effect lasts after a defeated fighter reconstructs (60 s).</summary>
    public required TimeSpan DeathEffectDuration { get; init; }

    /// <summary>The death effect's stat changes (−10 % attack and accuracy).</summary>
    public required IReadOnlyList<StatModifier> DeathEffect { get; init; }

    public required double HealthRegenPerSecond { get; init; }
    public required double InnerStrengthRegenPerSecond { get; init; }

    /// <summary>How long a disconnected fighter's place in a fight is kept (10 s).</summary>
    public required TimeSpan DisconnectGrace { get; init; }

    /// <summary>How long a duel invitation waits for an answer (30 s).</summary>
    public required TimeSpan DuelAnswerTimeout { get; init; }
}

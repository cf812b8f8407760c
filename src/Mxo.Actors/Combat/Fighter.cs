using System.Collections.Immutable;
using Mxo.Protocol.Combat;

namespace Mxo.Actors.Combat;

/// <summary>A fighter's numbers. Health 0 is defeated; the rules never take health or inner strength below 0.</summary>
/// <param name="Attack">Added to <paramref name="WeaponDamage"/> for an attack's base damage.</param>
/// <param name="Accuracy">50 is average: every 2 points above it add 1 to the hit chance of the fighter's attacks.</param>
/// <param name="Evasion">50 is average: every 2 points above it take 1 off the hit chance of attacks on the fighter.</param>
public readonly record struct FighterStats(
    int Health,
    int MaxHealth,
    int InnerStrength,
    int MaxInnerStrength,
    int Attack,
    int Accuracy,
    int Evasion,
    int WeaponDamage)
{
    public bool IsDefeated => Health <= 0;
}

/// <summary>
/// A buff, debuff or the death effect on a fighter: <see cref="Stat"/> changes by <see cref="Percent"/> (signed) until
/// <see cref="ExpiresAt"/> (exclusive).
/// </summary>
/// <param name="Source">The ability id, or <see cref="CombatRules.DeathEffectSource"/>. A new effect from the same source
/// on the same stat replaces the old one instead of stacking.</param>
public readonly record struct ActiveEffect(string Source, string Stat, int Percent, TimeSpan ExpiresAt);

/// <summary>The ability cannot be used again before <see cref="ReadyAt"/>.</summary>
public readonly record struct AbilityCooldown(string AbilityId, TimeSpan ReadyAt);

/// <summary>An ability used and paid for that lands in the first round at or after <see cref="LandsAt"/>.</summary>
public readonly record struct PendingAbility(string AbilityId, TimeSpan LandsAt);

/// <summary>
/// One side of a fight as the rules see it: immutable, compared by value (the lists element by element), and made only of
/// values an encounter can persist. Times are <see cref="TimeSpan"/>s from one origin the encounter chooses and keeps
/// (a wall-clock origin such as the Unix epoch survives a failover; a monotonic one does not).
/// </summary>
public sealed record Fighter
{
    public required FighterStats Stats { get; init; }

    /// <summary>The tactic the fighter attacks with each round (an id of the combat table).</summary>
    public required string Tactic { get; init; }

    /// <summary>Buffs, debuffs and the death effect; expired ones are dropped at the next round.</summary>
    public ImmutableArray<ActiveEffect> Effects { get; init => field = value.IsDefault ? [] : value; } = [];

    /// <summary>Abilities not usable again yet; entries that have passed are dropped when the fighter next uses one.</summary>
    public ImmutableArray<AbilityCooldown> Cooldowns { get; init => field = value.IsDefault ? [] : value; } = [];

    /// <summary>The ability used but not landed yet; at most one (one ability per round).</summary>
    public PendingAbility? Pending { get; init; }

    /// <summary>When the fighter last acted (tactic, ability, withdraw), for the rate limit; null before its first action.</summary>
    public TimeSpan? LastActionAt { get; init; }

    /// <summary>The fighter tries to get away each round instead of attacking.</summary>
    public bool Withdrawing { get; init; }

    /// <summary>Withdraw rolls lost in a row; each adds the table's per-attempt bonus to the next.</summary>
    public int FailedWithdrawals { get; init; }

    public bool IsDefeated => Stats.IsDefeated;

    /// <summary>A fighter entering a fight with the table's default tactic and nothing else going on.</summary>
    public static Fighter Start(FighterStats stats, CombatTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new Fighter { Stats = stats, Tactic = table.DefaultTactic.Id };
    }

    /// <summary>When the ability can be used again, or null when it is not cooling down at <paramref name="now"/>.</summary>
    public TimeSpan? ReadyAt(string abilityId, TimeSpan now)
    {
        foreach (var c in Cooldowns)
            if (c.AbilityId == abilityId && c.ReadyAt > now)
                return c.ReadyAt;
        return null;
    }

    public bool Equals(Fighter? other) =>
        other is not null
        && Stats == other.Stats
        && Tactic == other.Tactic
        && Effects.SequenceEqual(other.Effects)
        && Cooldowns.SequenceEqual(other.Cooldowns)
        && Pending == other.Pending
        && LastActionAt == other.LastActionAt
        && Withdrawing == other.Withdrawing
        && FailedWithdrawals == other.FailedWithdrawals;

    public override int GetHashCode() =>
        HashCode.Combine(Stats, Tactic, Effects.Length, Cooldowns.Length, Pending, LastActionAt, Withdrawing, FailedWithdrawals);
}

using ProtoBuf;

namespace Mxo.Protocol.Combat;

// The persisted form of a fight. The rules (Mxo.Actors.Combat) work on their own immutable types (Fighter with
// ImmutableArrays and TimeSpans); these records are the schema the journal keeps, converted at the entity's edge, so the
// rules can change shape without changing old journals. Field numbers are a schema: never reuse or renumber them.
// Times are TimeSpan ticks from the encounter's start (its origin), so they round-trip exactly.

/// <summary>A fighter's numbers (the rules' <c>FighterStats</c>).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record FighterStatsData(
    [property: ProtoMember(1)] int Health,
    [property: ProtoMember(2)] int MaxHealth,
    [property: ProtoMember(3)] int InnerStrength,
    [property: ProtoMember(4)] int MaxInnerStrength,
    [property: ProtoMember(5)] int Attack,
    [property: ProtoMember(6)] int Accuracy,
    [property: ProtoMember(7)] int Evasion,
    [property: ProtoMember(8)] int WeaponDamage);

/// <summary>A buff, debuff or the death effect (the rules' <c>ActiveEffect</c>).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record EffectData(
    [property: ProtoMember(1)] string Source,
    [property: ProtoMember(2)] string Stat,
    [property: ProtoMember(3)] int Percent,
    [property: ProtoMember(4)] long ExpiresAtTicks);

/// <summary>An ability cooling down (the rules' <c>AbilityCooldown</c>).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record CooldownData(
    [property: ProtoMember(1)] string AbilityId,
    [property: ProtoMember(2)] long ReadyAtTicks);

/// <summary>One side of a fight, everything the rules' <c>Fighter</c> holds, with its id.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record FighterData(
    [property: ProtoMember(1)] string FighterId,
    [property: ProtoMember(2)] FighterStatsData Stats,
    [property: ProtoMember(3)] string Tactic,
    EffectData[] Effects,
    CooldownData[] Cooldowns,
    [property: ProtoMember(6)] string? PendingAbilityId,
    [property: ProtoMember(7)] long PendingLandsAtTicks,
    [property: ProtoMember(8)] long? LastActionAtTicks,
    [property: ProtoMember(9)] bool Withdrawing,
    [property: ProtoMember(10)] int FailedWithdrawals)
{
    [ProtoMember(4)]
    public EffectData[] Effects { get => _effects ?? []; init => _effects = value; }
    private EffectData[]? _effects = Effects;

    [ProtoMember(5)]
    public CooldownData[] Cooldowns { get => _cooldowns ?? []; init => _cooldowns = value; }
    private CooldownData[]? _cooldowns = Cooldowns;

    public bool Equals(FighterData? other) =>
        other is not null && FighterId == other.FighterId && Stats == other.Stats && Tactic == other.Tactic
        && Effects.SequenceEqual(other.Effects) && Cooldowns.SequenceEqual(other.Cooldowns)
        && PendingAbilityId == other.PendingAbilityId && PendingLandsAtTicks == other.PendingLandsAtTicks
        && LastActionAtTicks == other.LastActionAtTicks && Withdrawing == other.Withdrawing && FailedWithdrawals == other.FailedWithdrawals;

    public override int GetHashCode() => HashCode.Combine(FighterId, Stats, Tactic, Effects.Length, Cooldowns.Length, PendingAbilityId, Withdrawing);
}

/// <summary>One attack with its dice (the rules' <c>AttackOutcome</c>).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record AttackData(
    [property: ProtoMember(1)] int Roll,
    [property: ProtoMember(2)] int HitChance,
    [property: ProtoMember(3)] bool Hit,
    [property: ProtoMember(4)] int CriticalRoll,
    [property: ProtoMember(5)] int CriticalChance,
    [property: ProtoMember(6)] bool Critical,
    [property: ProtoMember(7)] int Damage,
    [property: ProtoMember(8)] TacticMatchup Matchup);

/// <summary>An ability that landed (the rules' <c>AbilityOutcome</c>).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record AbilityOutcomeData(
    [property: ProtoMember(1)] string AbilityId,
    [property: ProtoMember(2)] AbilityEffectKind Kind,
    [property: ProtoMember(3)] AttackData? Attack,
    [property: ProtoMember(4)] int Healed,
    [property: ProtoMember(5)] EffectData? Effect);

/// <summary>A withdraw attempt (the rules' <c>WithdrawOutcome</c>).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record WithdrawData(
    [property: ProtoMember(1)] int Roll,
    [property: ProtoMember(2)] int Total,
    [property: ProtoMember(3)] int OpponentRoll,
    [property: ProtoMember(4)] int OpponentTotal,
    [property: ProtoMember(5)] bool Succeeded);

/// <summary>What one fighter did in a round, for the clients, and its health and inner strength afterwards.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record SideOutcomeData(
    [property: ProtoMember(1)] string FighterId,
    [property: ProtoMember(2)] string? Tactic,
    [property: ProtoMember(3)] int InnerStrengthSpent,
    [property: ProtoMember(4)] AttackData? Attack,
    [property: ProtoMember(5)] AbilityOutcomeData? Ability,
    [property: ProtoMember(6)] WithdrawData? Withdraw,
    [property: ProtoMember(7)] int HealthAfter,
    [property: ProtoMember(8)] int InnerStrengthAfter)
{
    /// <summary>All the damage it did to the opponent this round: its attack plus a damage ability.</summary>
    public int DamageDealt => (Attack?.Damage ?? 0) + (Ability?.Attack?.Damage ?? 0);
}

/// <summary>Why a fight ended.</summary>
public enum EncounterEndReason
{
    Defeat = 0,
    Withdraw = 1,
    Forfeit = 2,
}

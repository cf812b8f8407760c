using Mxo.Protocol.Combat;

namespace Mxo.Actors.Combat;

/// <summary>
/// Between the rules' values (<see cref="Fighter"/>, outcomes) and their persisted form (Mxo.Protocol.Combat records):
/// lossless both ways (times as TimeSpan ticks), so <c>ToFighter(ToData(f)) == f</c>.
/// </summary>
public static class CombatConversions
{
    public static FighterStatsData ToData(this FighterStats s) =>
        new(s.Health, s.MaxHealth, s.InnerStrength, s.MaxInnerStrength, s.Attack, s.Accuracy, s.Evasion, s.WeaponDamage);

    public static FighterStats ToStats(this FighterStatsData s) =>
        new(s.Health, s.MaxHealth, s.InnerStrength, s.MaxInnerStrength, s.Attack, s.Accuracy, s.Evasion, s.WeaponDamage);

    public static EffectData ToData(this ActiveEffect e) => new(e.Source, e.Stat, e.Percent, e.ExpiresAt.Ticks);

    public static ActiveEffect ToEffect(this EffectData e) => new(e.Source, e.Stat, e.Percent, TimeSpan.FromTicks(e.ExpiresAtTicks));

    public static FighterData ToData(this Fighter f, string fighterId) => new(
        fighterId,
        f.Stats.ToData(),
        f.Tactic,
        [.. f.Effects.Select(ToData)],
        [.. f.Cooldowns.Select(c => new CooldownData(c.AbilityId, c.ReadyAt.Ticks))],
        f.Pending?.AbilityId,
        f.Pending?.LandsAt.Ticks ?? 0,
        f.LastActionAt?.Ticks,
        f.Withdrawing,
        f.FailedWithdrawals);

    public static Fighter ToFighter(this FighterData d) => new()
    {
        Stats = d.Stats.ToStats(),
        Tactic = d.Tactic,
        Effects = [.. d.Effects.Select(ToEffect)],
        Cooldowns = [.. d.Cooldowns.Select(c => new AbilityCooldown(c.AbilityId, TimeSpan.FromTicks(c.ReadyAtTicks)))],
        Pending = d.PendingAbilityId is null ? null : new PendingAbility(d.PendingAbilityId, TimeSpan.FromTicks(d.PendingLandsAtTicks)),
        LastActionAt = d.LastActionAtTicks is { } t ? TimeSpan.FromTicks(t) : null,
        Withdrawing = d.Withdrawing,
        FailedWithdrawals = d.FailedWithdrawals,
    };

    public static AttackData ToData(this AttackOutcome a) =>
        new(a.Roll, a.HitChance, a.Hit, a.CriticalRoll, a.CriticalChance, a.Critical, a.Damage, a.Matchup);

    /// <summary>What <paramref name="fighterId"/> did, with its health and inner strength after the round (<paramref name="after"/>).</summary>
    public static SideOutcomeData ToData(this SideOutcome side, string fighterId, Fighter after) => new(
        fighterId,
        side.Tactic,
        side.InnerStrengthSpent,
        side.Attack?.ToData(),
        side.Ability is { } ability
            ? new AbilityOutcomeData(ability.AbilityId, ability.Kind, ability.Attack?.ToData(), ability.Healed, ability.Effect?.ToData())
            : null,
        side.Withdraw is { } w ? new WithdrawData(w.Roll, w.Total, w.OpponentRoll, w.OpponentTotal, w.Succeeded) : null,
        after.Stats.Health,
        after.Stats.InnerStrength);
}

using System.Collections.Immutable;
using Mxo.Protocol.Combat;

namespace Mxo.Actors.Combat;

/// <summary>
/// The rules of combat (issue 11) as pure functions: the numbers come from a <see cref="CombatTable"/>
/// (<c>world/combat.json</c>, whose description states every formula), the dice from a <see cref="CombatRandom"/> passed
/// in and handed back, and the time from the caller. Nothing here keeps state, reads a clock or sends a message, so an
/// encounter that persists its fighters and its generator replays a fight exactly.
/// </summary>
/// <remarks>
/// <para>Actions (<see cref="ChooseTactic"/>, <see cref="UseAbility"/>, <see cref="Withdraw"/>) return the fighter
/// afterwards or a refusal code with the fighter untouched. Rounds (<see cref="ResolveRound"/>) resolve both fighters at
/// once: each side rolls from a stream of its own split off the round's generator, from the stats at the start of the
/// round, so A's dice and A's result never depend on what B rolls, and both can be hurt in one round.</para>
/// <para>The seed's formulas are kept: the divisions of (stat − 50) by 2 truncate toward zero (Go's integer division),
/// the distance penalty is the whole number of 10-unit steps, and the damage variance is truncated toward zero.</para>
/// </remarks>
public static class CombatRules
{
    /// <summary>The average stat: accuracy and evasion above it help, below it hurt.</summary>
    public const int StatBaseline = 50;

    /// <summary>The source of the death effect's <see cref="ActiveEffect"/>s: not a valid ability id, so it never collides with one.</summary>
    public const string DeathEffectSource = "#death";

    // Products like 20 × 1.15 land a hair below a whole number in binary; a billionth keeps floor() where arithmetic puts it.
    private const double FloorSlack = 1e-9;

    // ---- actions -------------------------------------------------------------------------------------------------

    /// <summary>The rate limit: <c>too_fast</c> when less than the table's minimum interval has passed since the last action.</summary>
    public static string? CheckRate(CombatSettings settings, TimeSpan? lastActionAt, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return lastActionAt is { } last && now - last < settings.MinActionInterval ? CombatErrorCodes.TooFast : null;
    }

    /// <summary>Switches the fighter's tactic for the next rounds (and stops a withdrawal).</summary>
    public static CombatDecision ChooseTactic(CombatTable table, Fighter fighter, string? tacticId, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(fighter);
        if (Refusal(table, fighter, now) is { } refused) return new(fighter, refused);
        if (table.Tactic(tacticId) is not { } tactic) return new(fighter, CombatErrorCodes.UnknownTactic);
        if (tactic.InnerStrengthCost > fighter.Stats.InnerStrength) return new(fighter, CombatErrorCodes.NotEnoughInnerStrength);
        return new(fighter with { Tactic = tactic.Id, Withdrawing = false, FailedWithdrawals = 0, LastActionAt = now }, null);
    }

    /// <summary>
    /// Uses an ability: pays its inner strength now, starts its cooldown (from use, cast time included) and makes it
    /// pending; it lands in the first round at or after now + cast time. Refused, changing nothing, when the fighter is
    /// defeated, acts too fast, names no ability of the table, has one pending, is cooling down or cannot pay.
    /// </summary>
    public static CombatDecision UseAbility(CombatTable table, Fighter fighter, string? abilityId, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(fighter);
        if (Refusal(table, fighter, now) is { } refused) return new(fighter, refused);
        if (table.Ability(abilityId) is not { } ability) return new(fighter, CombatErrorCodes.UnknownAbility);
        if (fighter.Pending is not null) return new(fighter, CombatErrorCodes.AbilityPending);
        if (fighter.ReadyAt(ability.Id, now) is not null) return new(fighter, CombatErrorCodes.AbilityCooldown);
        if (ability.InnerStrengthCost > fighter.Stats.InnerStrength) return new(fighter, CombatErrorCodes.NotEnoughInnerStrength);

        var cooldowns = fighter.Cooldowns.RemoveAll(c => c.ReadyAt <= now || c.AbilityId == ability.Id)
            .Add(new AbilityCooldown(ability.Id, now + ability.CastTime + ability.Cooldown));
        return new(fighter with
        {
            Stats = fighter.Stats with { InnerStrength = fighter.Stats.InnerStrength - ability.InnerStrengthCost },
            Cooldowns = cooldowns,
            Pending = new PendingAbility(ability.Id, now + ability.CastTime),
            LastActionAt = now,
        }, null);
    }

    /// <summary>Starts withdrawing: from the next round the fighter rolls to get away instead of attacking.</summary>
    public static CombatDecision Withdraw(CombatTable table, Fighter fighter, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(fighter);
        if (Refusal(table, fighter, now) is { } refused) return new(fighter, refused);
        return new(fighter with { Withdrawing = true, LastActionAt = now }, null);
    }

    private static string? Refusal(CombatTable table, Fighter fighter, TimeSpan now) =>
        fighter.IsDefeated ? CombatErrorCodes.Defeated : CheckRate(table.Settings, fighter.LastActionAt, now);

    /// <summary>Whether a fight can start between fighters this far apart (the table's engage range, inclusive).</summary>
    public static bool CanEngage(CombatSettings settings, double distance)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return distance >= 0 && distance <= settings.EngageRange;
    }

    // ---- rounds --------------------------------------------------------------------------------------------------

    /// <summary>
    /// Resolves one interlock round at time <paramref name="at"/> between fighters <paramref name="distance"/> apart.
    /// Each side attacks with its tactic (paying its cost, or with the free default tactic when it cannot) or rolls to
    /// withdraw, and its pending ability lands if its time has come. Effects that expired by <paramref name="at"/> are
    /// dropped first; effects that land this round count from the next. Damage and heals apply together:
    /// health = clamp(health − damage taken + healed, 0, max).
    /// </summary>
    /// <exception cref="ArgumentException">A fighter is already defeated (the fight is over).</exception>
    public static RoundOutcome ResolveRound(CombatTable table, Fighter a, Fighter b, double distance, TimeSpan at, CombatRandom random)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.IsDefeated || b.IsDefeated) throw new ArgumentException("a round needs two fighters who are not defeated");
        CheckDistance(distance);

        var (streamA, afterA) = random.Split();
        var (streamB, next) = afterA.Split();

        a = WithoutExpiredEffects(a, at);
        b = WithoutExpiredEffects(b, at);
        var effectiveA = Effective(a, at);
        var effectiveB = Effective(b, at);
        var tacticA = RoundTactic(table, a);
        var tacticB = RoundTactic(table, b);

        var sideA = Side(table, a, effectiveA, tacticA, effectiveB, tacticB, distance, at, streamA);
        var sideB = Side(table, b, effectiveB, tacticB, effectiveA, tacticA, distance, at, streamB);

        return new RoundOutcome(at, After(a, tacticA, sideA, sideB), After(b, tacticB, sideB, sideA), sideA.Outcome, sideB.Outcome, next);
    }

    private readonly record struct SideResult(SideOutcome Outcome, bool AbilityResolved, int Healed, ActiveEffect? OnSelf, ActiveEffect? OnOpponent);

    /// <summary>The tactic a fighter attacks with this round: its own if it can pay, else the free default; none while withdrawing.</summary>
    private static TacticData? RoundTactic(CombatTable table, Fighter fighter)
    {
        if (fighter.Withdrawing) return null;
        var own = table.Tactic(fighter.Tactic);
        return own is not null && own.InnerStrengthCost <= fighter.Stats.InnerStrength ? own : table.DefaultTactic;
    }

    private static SideResult Side(CombatTable table, Fighter self, FighterStats mine, TacticData? tactic, FighterStats theirs,
        TacticData? theirTactic, double distance, TimeSpan at, CombatRandom random)
    {
        var settings = table.Settings;
        AttackOutcome? attack = null;
        WithdrawOutcome? withdraw = null;
        if (tactic is null)
        {
            (var w, random) = RollWithdraw(settings, mine.Evasion, theirs.Accuracy, self.FailedWithdrawals, random);
            withdraw = w;
        }
        else
        {
            var matchup = table.Matchup(tactic.Id, theirTactic?.Id);
            var modifier = matchup switch
            {
                TacticMatchup.Winning => tactic.Winning,
                TacticMatchup.Losing => tactic.Losing,
                _ => MatchupModifier.Neutral,
            };
            var hitChance = HitChance(settings, mine.Accuracy, theirs.Evasion, distance, tactic.HitChance + modifier.HitChance);
            (var o, random) = RollAttack(settings, hitChance, CriticalChance(settings, tactic.CriticalChance), BaseDamage(mine),
                modifier.DamageMultiplier, random);
            attack = o with { Matchup = matchup };
        }

        AbilityOutcome? ability = null;
        var resolved = false;
        var healed = 0;
        ActiveEffect? onSelf = null, onOpponent = null;
        if (self.Pending is { } pending && pending.LandsAt <= at)
        {
            // An ability the table no longer has (the table changed while it was cast) is dropped, already paid for.
            resolved = true;
            if (table.Ability(pending.AbilityId) is { } data)
            {
                var effect = data.Effect;
                switch (effect.Kind)
                {
                    case AbilityEffectKind.Damage:
                        var hitChance = HitChance(settings, mine.Accuracy, theirs.Evasion, distance);
                        (var hit, random) = RollAttack(settings, hitChance, CriticalChance(settings, 0), effect.Amount, 1, random);
                        ability = new AbilityOutcome(data.Id, effect.Kind, hit, 0, null);
                        break;
                    case AbilityEffectKind.Heal:
                        healed = effect.Amount;
                        ability = new AbilityOutcome(data.Id, effect.Kind, null, healed, null);
                        break;
                    case AbilityEffectKind.Buff or AbilityEffectKind.Debuff:
                        var active = new ActiveEffect(data.Id, effect.Stat!, effect.SignedPercent, at + effect.Duration);
                        if (effect.Kind == AbilityEffectKind.Buff) onSelf = active;
                        else onOpponent = active;
                        ability = new AbilityOutcome(data.Id, effect.Kind, null, 0, active);
                        break;
                }
            }
        }

        var outcome = new SideOutcome(tactic?.Id, tactic?.InnerStrengthCost ?? 0, attack, ability, withdraw);
        return new SideResult(outcome, resolved, healed, onSelf, onOpponent);
    }

    private static Fighter After(Fighter self, TacticData? tactic, SideResult mine, SideResult theirs)
    {
        var stats = self.Stats;
        var cap = Math.Max(stats.MaxHealth, stats.Health);
        var health = Math.Clamp((long)stats.Health - theirs.Outcome.DamageDealt + mine.Healed, 0, Math.Max(cap, 0));
        var effects = self.Effects;
        if (mine.OnSelf is { } buff) effects = WithEffect(effects, buff);
        if (theirs.OnOpponent is { } debuff) effects = WithEffect(effects, debuff);
        var withdraw = mine.Outcome.Withdraw;
        return self with
        {
            Stats = stats with
            {
                Health = (int)health,
                InnerStrength = stats.InnerStrength - mine.Outcome.InnerStrengthSpent,
            },
            Tactic = tactic?.Id ?? self.Tactic,
            Effects = effects,
            Pending = mine.AbilityResolved ? null : self.Pending,
            Withdrawing = self.Withdrawing && withdraw is not { Succeeded: true },
            FailedWithdrawals = withdraw is { Succeeded: false } ? self.FailedWithdrawals + 1 : 0,
        };
    }

    private static ImmutableArray<ActiveEffect> WithEffect(ImmutableArray<ActiveEffect> effects, ActiveEffect effect) =>
        effects.RemoveAll(e => e.Source == effect.Source && e.Stat == effect.Stat).Add(effect);

    // ---- the formulas ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The hit chance: base + (accuracy − 50)/2 − (evasion − 50)/2 − floor(distance / step) + <paramref name="bonus"/>,
    /// clamped to the table's bounds (5–95). Any stats and any distance, however large, give a chance within the bounds.
    /// </summary>
    public static int HitChance(CombatSettings settings, int accuracy, int evasion, double distance, int bonus = 0)
    {
        ArgumentNullException.ThrowIfNull(settings);
        CheckDistance(distance);
        var chance = settings.BaseHitChance
            + (double)(((long)accuracy - StatBaseline) / 2)
            - (double)(((long)evasion - StatBaseline) / 2)
            - Math.Floor(distance / settings.DistancePerHitChancePoint)
            + bonus;
        return (int)Math.Clamp(chance, settings.MinHitChance, settings.MaxHitChance);
    }

    /// <summary>The table's critical chance plus a tactic's modifier, clamped to 0–100.</summary>
    public static int CriticalChance(CombatSettings settings, int bonus) => Math.Clamp(settings.CriticalChance + bonus, 0, 100);

    /// <summary>
    /// The damage of a hit: base ± the table's variance (<paramref name="u"/> uniform in [0, 1) maps to [−1, 1), the product
    /// truncated toward zero like the seed), times <paramref name="multiplier"/> and, when critical, the critical
    /// multiplier, each floored; never below 0.
    /// </summary>
    public static int Damage(CombatSettings settings, long baseDamage, double u, double multiplier, bool critical)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (baseDamage <= 0) return 0;
        var variance = baseDamage * settings.DamageVariancePercent / 100.0;
        var damage = baseDamage + Math.Truncate((u * 2 - 1) * variance);
        damage = Math.Floor(damage * multiplier + FloorSlack);
        if (critical) damage = Math.Floor(damage * settings.CriticalMultiplier + FloorSlack);
        return (int)Math.Clamp(damage, 0, int.MaxValue);
    }

    /// <summary>
    /// One attack: a D100 against the hit chance, a second D100 against the critical chance, and one uniform draw for the
    /// variance, always all three, so the generator moves the same way whatever happens.
    /// </summary>
    public static (AttackOutcome Outcome, CombatRandom Next) RollAttack(CombatSettings settings, int hitChance, int criticalChance,
        long baseDamage, double damageMultiplier, CombatRandom random)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (roll, afterHit) = random.D100();
        var (criticalRoll, afterCritical) = afterHit.D100();
        var (u, next) = afterCritical.NextDouble();
        var hit = roll <= hitChance;
        var critical = hit && criticalRoll <= criticalChance;
        var damage = hit ? Damage(settings, baseDamage, u, damageMultiplier, critical) : 0;
        return (new AttackOutcome(roll, hitChance, hit, criticalRoll, criticalChance, critical, damage, TacticMatchup.Neutral), next);
    }

    /// <summary>
    /// A withdraw attempt: D100 + (evasion − 50)/2 + the table's bonus + its per-attempt bonus × failed attempts, against
    /// the opponent's D100 + (accuracy − 50)/2; higher gets away. The growing bonus makes it succeed in the end: at the
    /// latest once 1 + that bonus exceeds 100 + the opponent's accuracy term.
    /// </summary>
    public static (WithdrawOutcome Outcome, CombatRandom Next) RollWithdraw(CombatSettings settings, int evasion, int opponentAccuracy,
        int failedAttempts, CombatRandom random)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (roll, afterRoll) = random.D100();
        var (opponentRoll, next) = afterRoll.D100();
        var total = roll + ((long)evasion - StatBaseline) / 2 + settings.WithdrawBonus
            + (long)settings.WithdrawBonusPerFailedAttempt * Math.Max(0, failedAttempts);
        var opponentTotal = opponentRoll + ((long)opponentAccuracy - StatBaseline) / 2;
        return (new WithdrawOutcome(roll, Saturate(total), opponentRoll, Saturate(opponentTotal), total > opponentTotal), next);
    }

    // ---- effects, defeat, regeneration ---------------------------------------------------------------------------

    /// <summary>
    /// The stats with the effects active at <paramref name="at"/>: attack, accuracy and evasion each times
    /// (100 + the sum of its percents)/100, floored, never below 0.
    /// </summary>
    public static FighterStats Effective(Fighter fighter, TimeSpan at)
    {
        ArgumentNullException.ThrowIfNull(fighter);
        long attack = 0, accuracy = 0, evasion = 0;
        foreach (var e in fighter.Effects)
        {
            if (e.ExpiresAt <= at) continue;
            switch (e.Stat)
            {
                case CombatStats.Attack: attack += e.Percent; break;
                case CombatStats.Accuracy: accuracy += e.Percent; break;
                case CombatStats.Evasion: evasion += e.Percent; break;
            }
        }
        var s = fighter.Stats;
        return s with { Attack = Scale(s.Attack, attack), Accuracy = Scale(s.Accuracy, accuracy), Evasion = Scale(s.Evasion, evasion) };
    }

    /// <summary>The fighter without the effects that have expired by <paramref name="at"/> (the same instance when none has).</summary>
    public static Fighter WithoutExpiredEffects(Fighter fighter, TimeSpan at)
    {
        ArgumentNullException.ThrowIfNull(fighter);
        return fighter.Effects.Any(e => e.ExpiresAt <= at) ? fighter with { Effects = fighter.Effects.RemoveAll(e => e.ExpiresAt <= at) } : fighter;
    }

    /// <summary>
    /// A defeated fighter comes back: full health, the default tactic, nothing pending, and the death effect (the
    /// table's, −10 % attack and accuracy for 60 s by default) in place of any earlier one. Inner strength and
    /// cooldowns stay.
    /// </summary>
    public static Fighter Reconstruct(CombatTable table, Fighter fighter, TimeSpan at)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(fighter);
        var settings = table.Settings;
        var expires = at + settings.DeathEffectDuration;
        var effects = fighter.Effects.RemoveAll(e => e.Source == DeathEffectSource || e.ExpiresAt <= at)
            .AddRange(settings.DeathEffect.Select(m => new ActiveEffect(DeathEffectSource, m.Stat, m.Percent, expires)));
        return fighter with
        {
            Stats = fighter.Stats with { Health = fighter.Stats.MaxHealth },
            Tactic = table.DefaultTactic.Id,
            Effects = effects,
            Pending = null,
            Withdrawing = false,
            FailedWithdrawals = 0,
        };
    }

    /// <summary>
    /// Out-of-combat regeneration between two times: the table's rates per second, up to the maximums; a defeated fighter
    /// regains no health. Lossless however it is sliced: the points are floor(rate × t) at the end minus at the start,
    /// so regenerating [t0, t1] then [t1, t2] gives exactly what [t0, t2] gives.
    /// </summary>
    public static FighterStats Regenerate(CombatSettings settings, FighterStats stats, TimeSpan from, TimeSpan to)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (to <= from) return stats;
        return stats with
        {
            Health = stats.IsDefeated ? stats.Health : Gain(stats.Health, stats.MaxHealth, settings.HealthRegenPerSecond, from, to),
            InnerStrength = Gain(stats.InnerStrength, stats.MaxInnerStrength, settings.InnerStrengthRegenPerSecond, from, to),
        };
    }

    private static int Gain(int value, int max, double perSecond, TimeSpan from, TimeSpan to)
    {
        if (value >= max) return value;
        var points = Math.Floor(perSecond * to.TotalSeconds) - Math.Floor(perSecond * from.TotalSeconds);
        return (int)Math.Min(max, value + points);
    }

    private static long BaseDamage(FighterStats s) => (long)s.Attack + s.WeaponDamage;

    private static int Scale(int value, long percent)
    {
        // Below -100 % a stat would go negative; the upper bound only keeps the product inside a long.
        var factor = 100 + Math.Clamp(percent, -100, 1_000_000);
        return Saturate(Math.Max(0, (long)value * factor / 100));
    }

    private static int Saturate(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);

    private static void CheckDistance(double distance)
    {
        if (double.IsNaN(distance) || distance < 0)
            throw new ArgumentOutOfRangeException(nameof(distance), distance, "a distance is 0 or more");
    }
}

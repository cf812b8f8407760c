using Mxo.Protocol.Combat;

namespace Mxo.Actors.Combat;

/// <summary>One attack, with its dice, so a client can be shown why it hit or missed.</summary>
/// <param name="Roll">The D100 hit roll; the attack hits when it is at most <paramref name="HitChance"/>.</param>
/// <param name="CriticalRoll">The second D100; a hit is critical when it is at most <paramref name="CriticalChance"/>.</param>
/// <param name="Damage">0 on a miss; never below 0.</param>
/// <param name="Matchup">How the attacker's tactic stood against the defender's (neutral for an ability's attack).</param>
public readonly record struct AttackOutcome(
    int Roll,
    int HitChance,
    bool Hit,
    int CriticalRoll,
    int CriticalChance,
    bool Critical,
    int Damage,
    TacticMatchup Matchup);

/// <summary>An ability that landed this round.</summary>
/// <param name="Attack">A damage ability's attack on the opponent.</param>
/// <param name="Healed">A heal ability's amount (health still stops at the maximum).</param>
/// <param name="Effect">A buff (on the caster) or debuff (on the opponent).</param>
public readonly record struct AbilityOutcome(string AbilityId, AbilityEffectKind Kind, AttackOutcome? Attack, int Healed, ActiveEffect? Effect);

/// <summary>A withdraw attempt: the withdrawer gets away when <see cref="Total"/> is higher than <see cref="OpponentTotal"/>.</summary>
public readonly record struct WithdrawOutcome(int Roll, int Total, int OpponentRoll, int OpponentTotal, bool Succeeded);

/// <summary>What one fighter did in a round.</summary>
/// <param name="Tactic">The tactic it attacked with (the default one when it could not pay for its own); null when it withdrew.</param>
/// <param name="InnerStrengthSpent">The tactic's cost this round (an ability is paid when used, not here).</param>
/// <param name="Attack">Its attack; null when it withdrew.</param>
/// <param name="Ability">Its ability that landed this round, if any.</param>
/// <param name="Withdraw">Its withdraw attempt, if it tried.</param>
public sealed record SideOutcome(string? Tactic, int InnerStrengthSpent, AttackOutcome? Attack, AbilityOutcome? Ability, WithdrawOutcome? Withdraw)
{
    /// <summary>Its tactic attack hit (it "won" its side of the interlock).</summary>
    public bool Hit => Attack is { Hit: true };

    /// <summary>All the damage it did to the opponent this round: its attack plus a damage ability.</summary>
    public int DamageDealt => (Attack?.Damage ?? 0) + (Ability?.Attack?.Damage ?? 0);
}

/// <summary>The interlock result of a round, A's side first: "win" is an attack that hit.</summary>
public enum InterlockResult
{
    WinWin = 0,
    WinLose = 1,
    LoseWin = 2,
    LoseLose = 3,
}

/// <summary>A resolved round: both fighters afterwards, what each did, and the generator for the next round.</summary>
public sealed record RoundOutcome(TimeSpan At, Fighter A, Fighter B, SideOutcome ByA, SideOutcome ByB, CombatRandom Next)
{
    public InterlockResult Result => (ByA.Hit, ByB.Hit) switch
    {
        (true, true) => InterlockResult.WinWin,
        (true, false) => InterlockResult.WinLose,
        (false, true) => InterlockResult.LoseWin,
        _ => InterlockResult.LoseLose,
    };

    /// <summary>The fight ends after this round: someone is defeated or got away.</summary>
    public bool Ends => A.IsDefeated || B.IsDefeated || ByA.Withdraw is { Succeeded: true } || ByB.Withdraw is { Succeeded: true };
}

/// <summary>
/// The answer to a fighter's action: the fighter afterwards, or a refusal code (<see cref="CombatErrorCodes"/>) with the
/// fighter unchanged (the same instance).
/// </summary>
public readonly record struct CombatDecision(Fighter Fighter, string? Refusal)
{
    public bool Accepted => Refusal is null;
}

namespace Mxo.Protocol.Combat;

/// <summary>
/// Why combat refuses an action: the error frame's <c>code</c>. Stable: clients match on them. Every one is documented in
/// docs/protocol.md (<c>ProtocolDocsTests</c> checks this class as it checks <see cref="ErrorCodes"/>).
/// </summary>
public static class CombatErrorCodes
{
    /// <summary>Less than the table's minimum action interval (the seed's 500 ms) since the fighter's previous action.</summary>
    public const string TooFast = "too_fast";

    /// <summary>No tactic with that id in the combat table.</summary>
    public const string UnknownTactic = "unknown_tactic";

    /// <summary>No ability with that id in the combat table.</summary>
    public const string UnknownAbility = "unknown_ability";

    /// <summary>The ability was used too recently: its cast time plus cooldown has not passed.</summary>
    public const string AbilityCooldown = "ability_cooldown";

    /// <summary>The fighter has less inner strength than the ability or tactic costs.</summary>
    public const string NotEnoughInnerStrength = "not_enough_inner_strength";

    /// <summary>An ability the fighter used has not landed yet: one ability per round.</summary>
    public const string AbilityPending = "ability_pending";

    /// <summary>The fighter's health is 0.</summary>
    public const string Defeated = "defeated";

    /// <summary>The fighter is not one of the encounter's two (or the encounter has not started).</summary>
    public const string NotInEncounter = "not_in_encounter";

    /// <summary>The encounter has ended: it takes no more actions.</summary>
    public const string EncounterOver = "encounter_over";

    /// <summary>A start the rules refuse: the fighters are farther apart than the engage range, the same, or already defeated.</summary>
    public const string CannotEngage = "cannot_engage";

    /// <summary>The character is already in a fight (its own, or one it is being started in).</summary>
    public const string InCombat = "in_combat";

    /// <summary>The target is already in a fight, or has a duel challenge waiting.</summary>
    public const string TargetBusy = "target_busy";

    /// <summary>No NPC or present player with that id in the character's district.</summary>
    public const string UnknownTarget = "unknown_target";

    /// <summary>The target is farther than the engage range (the combat table's engageRange).</summary>
    public const string OutOfRange = "out_of_range";

    /// <summary>duel_accept or duel_decline names a player who has no challenge waiting for this character (or it expired).</summary>
    public const string NoChallenge = "no_challenge";
}

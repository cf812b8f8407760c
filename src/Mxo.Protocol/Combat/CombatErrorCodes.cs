namespace Mxo.Protocol.Combat;

/// <summary>
/// Why the combat rules refuse an action. Stable: clients will match on them. They live here rather than in
/// <see cref="ErrorCodes"/> until combat has frames: <c>ProtocolDocsTests</c> requires every code of that class to be
/// documented in docs/protocol.md, which happens when combat is wired to the wire protocol.
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
}

namespace Mxo.Protocol.Crews;

/// <summary>
/// Why a crew request is refused: the error frame's <c>code</c>. Stable: clients match on them. Every one is documented
/// in docs/protocol.md (<c>ProtocolDocsTests</c> checks this class as it checks the other codes classes). A name that no
/// character can have, or that is not a member, is <c>unknown_recipient</c> (<see cref="Chat.ChatErrorCodes"/>).
/// </summary>
public static class CrewErrorCodes
{
    /// <summary>A crew request (other than <c>crew_create</c> and <c>crew_accept</c>) from a character in no crew.</summary>
    public const string NotInCrew = "not_in_crew";

    /// <summary><c>crew_create</c> or <c>crew_accept</c> by a character already in a crew, or <c>crew_invite</c> of one.</summary>
    public const string AlreadyInCrew = "already_in_crew";

    /// <summary><c>crew_invite</c> or <c>crew_accept</c> with the crew at its 12 members.</summary>
    public const string CrewFull = "crew_full";

    /// <summary><c>crew_invite</c>, <c>crew_kick</c> or <c>crew_captain</c> by a member who is not the captain.</summary>
    public const string NotCaptain = "not_captain";

    /// <summary><c>crew_create</c> with a name a crew has (case-insensitive), or had: crew names are never released.</summary>
    public const string CrewNameTaken = "crew_name_taken";

    /// <summary>A crew name that breaks the name rule (<see cref="CrewRules.ValidateName"/>).</summary>
    public const string InvalidCrewName = "invalid_crew_name";

    /// <summary><c>crew_accept</c> or <c>crew_decline</c> of a crew that has no live invite for the character.</summary>
    public const string NoInvite = "no_invite";

    /// <summary><c>crew_invite</c> with the crew's pending invites at their cap.</summary>
    public const string TooManyInvites = "too_many_invites";

    /// <summary><c>crew_history</c> with a cursor this crew did not give (another crew's, or garbage).</summary>
    public const string BadCursor = "bad_cursor";
}

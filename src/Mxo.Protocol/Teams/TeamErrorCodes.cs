namespace Mxo.Protocol.Teams;

/// <summary>
/// Why a team request is refused: the error frame's <c>code</c>. Stable: clients match on them. Every one is documented
/// in docs/protocol.md (<c>ProtocolDocsTests</c> checks this class as it checks <see cref="Crews.CrewErrorCodes"/>).
/// Codes teams share with chat (<c>not_online</c>, <c>self_target</c>, <c>unknown_recipient</c>) are
/// <see cref="Chat.ChatErrorCodes"/>'s.
/// </summary>
public static class TeamErrorCodes
{
    /// <summary>A team request (other than <c>team_invite</c>, <c>team_accept</c> and <c>team_decline</c>) or team chat from a character in no team.</summary>
    public const string NotInTeam = "not_in_team";

    /// <summary><c>team_accept</c> by a character already in a team, or <c>team_invite</c> of one.</summary>
    public const string AlreadyInTeam = "already_in_team";

    /// <summary><c>team_invite</c> or <c>team_accept</c> with the team at its most members (6 by default).</summary>
    public const string TeamFull = "team_full";

    /// <summary><c>team_invite</c>, <c>team_kick</c> or <c>team_leader</c> by a member who is not the leader.</summary>
    public const string NotTeamLeader = "not_team_leader";

    /// <summary><c>team_accept</c> or <c>team_decline</c> of a team that has no invite for the character (never sent, declined, or the team is gone).</summary>
    public const string NoSuchInvite = "no_such_invite";

    /// <summary><c>team_accept</c> or <c>team_decline</c> of an invite the team still knows but whose time has passed.</summary>
    public const string InviteExpired = "invite_expired";

    /// <summary><c>team_invite</c> with the team's pending invites at their cap (the crews' code).</summary>
    public const string TooManyInvites = Crews.CrewErrorCodes.TooManyInvites;
}

using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Players;
using Mxo.Protocol.Teams;

namespace Mxo.Actors.Players;

/// <summary>The character's side of teams (issue 12): its copy of the membership and the requests it vouches for.</summary>
public sealed partial class PlayerEntity
{
    /// <summary>The team shard region (null on a test without one).</summary>
    private readonly IActorRef? _teams;

    /// <summary>
    /// The team this character's invites form while it is in none: invites sent before the team's join is recorded here
    /// (two invites in a row) go to the same team instead of forming one each. In memory; dropped once a team is
    /// recorded, or when that team lets the character go (it disbanded, or could not be formed).
    /// </summary>
    private TeamId? _formingTeam;

    /// <summary>
    /// A team request from the session, handled as crew requests are (<see cref="HandleCrewRequest"/>): the character's
    /// entity vouches for who asks and checks its own copy (<c>not_in_team</c>, <c>already_in_team</c>); the team answers
    /// the session itself. An invite goes to the invitee's entity first, which knows whether the character exists, is
    /// online and is free; a character in no team invites with a new team id, which the team's entity forms.
    /// </summary>
    private void HandleTeamRequest(TeamCommands.FromPlayer cmd)
    {
        if (_teams is null || _players is null)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, "teams are not served here"));
            return;
        }
        var say = cmd.Kind == TeamRequestKinds.Say;
        // Changes are journaled, so they share the per-character limit on durable requests; info only reads.
        if (say ? RefuseWhileMuted(cmd.CommandId) || RefuseOverRate(cmd.CommandId, "say", _settings.SayRate)
                : cmd.Kind != TeamRequestKinds.Info && RefuseOverRate(cmd.CommandId, "team", _settings.InteractRate)) return;
        var team = State.Team is { } id ? new TeamId(id) : (TeamId?)null;
        switch (cmd.Kind)
        {
            case TeamRequestKinds.Accept:
                if (team is not null)
                {
                    Sender.Tell(new Replies.Rejected(cmd.CommandId, TeamErrorCodes.AlreadyInTeam, "you are in a team; leave it first"));
                    return;
                }
                _teams.Tell(ToTeam(new TeamId(cmd.Arg), cmd));
                return;
            case TeamRequestKinds.Decline:
                _teams.Tell(ToTeam(new TeamId(cmd.Arg), cmd));
                return;
            case TeamRequestKinds.Invite:
                var invitee = PlayerId.FromName(cmd.Arg);
                if (invitee == State.PlayerId)
                {
                    Sender.Tell(new Replies.Rejected(cmd.CommandId, ChatErrorCodes.SelfTarget, "you cannot invite yourself"));
                    return;
                }
                var to = team ?? (_formingTeam ??= TeamId.New());
                _players.Tell(new TeamCommands.Deliver(invitee, TeamDeliveryKinds.CheckInvitee, to, cmd.CommandId, Sender)
                {
                    From = State.PlayerId, FromName = State.Name,
                });
                return;
        }
        if (team is not { } mine)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, TeamErrorCodes.NotInTeam, "you are not in a team"));
            return;
        }
        if (say && RefuseOverChatLimit(cmd.CommandId, ChatChannels.Team, _settings.ChatTeamRate)) return;
        _teams.Tell(ToTeam(mine, cmd));
    }

    private TeamCommands.Request ToTeam(TeamId team, TeamCommands.FromPlayer cmd) =>
        new(team, cmd.Kind, State.PlayerId, State.Name, cmd.Arg, cmd.CommandId, Sender);

    /// <summary>What a team (or an inviter's entity) tells this character: see <see cref="TeamDeliveryKinds"/>.</summary>
    private void HandleTeamDelivery(TeamCommands.Deliver d)
    {
        switch (d.Kind)
        {
            case TeamDeliveryKinds.Joined:
                if (State.Team is { } other && other != d.TeamId.Value)
                {
                    // Two joins raced (two accepts, or an invite forming a team and an accept): the first recorded wins, the other team lets go.
                    _teams?.Tell(new TeamCommands.Request(d.TeamId, TeamRequestKinds.Leave, State.PlayerId, State.Name, "", "", null));
                    d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, TeamErrorCodes.AlreadyInTeam, "you are in a team; leave it first"));
                    return;
                }
                if (State.Team is not null)
                {
                    AnswerJoined(d);
                    return;
                }
                PersistThen(new PlayerEvents.TeamJoined(d.TeamId.Value), _ =>
                {
                    _formingTeam = null;
                    AnswerJoined(d);
                },
                    _ => d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, ErrorCodes.Unavailable, JournalDown)));
                return;
            case TeamDeliveryKinds.Left:
                if (_formingTeam == d.TeamId) _formingTeam = null;
                if (State.Team != d.TeamId.Value)
                {
                    if (d.CommandId.Length > 0) d.ReplyTo?.Tell(new Replies.Acknowledged(d.CommandId));
                    return;
                }
                PersistThen(new PlayerEvents.TeamLeft(d.TeamId.Value), _ =>
                {
                    if (d.CommandId.Length > 0) d.ReplyTo?.Tell(new Replies.Acknowledged(d.CommandId));
                }, _ => d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, ErrorCodes.Unavailable, JournalDown)));
                return;
            case TeamDeliveryKinds.CheckInvitee:
                if (!State.Created)
                    d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, ChatErrorCodes.UnknownRecipient, $"there is no character called '{d.PlayerId}'"));
                else if (_session is null)
                    d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, ChatErrorCodes.NotOnline, $"{State.Name} is not online"));
                else if (State.Team is not null)
                    d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, TeamErrorCodes.AlreadyInTeam, $"{State.Name} is in a team already"));
                else
                    _teams?.Tell(new TeamCommands.Request(d.TeamId, TeamRequestKinds.Invite, d.From, d.FromName, State.PlayerId.Value, d.CommandId,
                        d.ReplyTo, ArgName: State.Name));
                return;
            case TeamDeliveryKinds.Invite:
                _session?.Tell(new TeamPushes.Invited(d.TeamId, d.From, d.FromName, d.UnixTimeMs));
                return;
            case TeamDeliveryKinds.Line:
                // A line of a team this character is no longer in (it left while the line was on its way) is dropped.
                if (State.Team == d.TeamId.Value) _session?.Tell(new TeamPushes.Line(d.TeamId, d.From, d.FromName, d.Text, d.UnixTimeMs));
                return;
            case TeamDeliveryKinds.Update:
                _session?.Tell(new TeamPushes.Updated(d.TeamId, d.Text, d.From, d.FromName, d.Leader));
                return;
            case TeamDeliveryKinds.Mission:
                // A teammate's mission event counts here only in the same team and district (issue 13's team missions).
                if (State.Team == d.TeamId.Value && _present && State.District?.Value == d.FromName
                    && Protocol.Missions.MissionShare.Decode(d.Text) is { } shared)
                    MissionEvent(shareWithTeam: false, shared);
                return;
        }
    }

    /// <summary>An accept is answered with the team; the invite that formed the team, with an ack.</summary>
    private static void AnswerJoined(TeamCommands.Deliver d)
    {
        if (d.Info is { } info) d.ReplyTo?.Tell(info);
        else if (d.CommandId.Length > 0) d.ReplyTo?.Tell(new Replies.Acknowledged(d.CommandId));
    }
}

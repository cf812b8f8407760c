using System.Collections.Immutable;
using Akka.Actor;
using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Teams;

/// <summary>A team's id: made by the server when a character in no team invites someone ("t" and a GUID's 32 hex digits).</summary>
[ProtoContract]
public readonly record struct TeamId([property: ProtoMember(1)] string Value)
{
    public static TeamId New() => new("t" + Guid.NewGuid().ToString("N"));

    /// <summary>Whether <paramref name="value"/> has the shape of an id <see cref="New"/> makes (so garbage never starts an entity).</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 33 } && value[0] == 't' && !value.AsSpan(1).ContainsAnyExcept("0123456789abcdef");

    public override string ToString() => Value;
}

/// <summary>Commands the team shard region routes by <see cref="TeamId"/>.</summary>
public interface ITeamCommand : IMxoMessage
{
    TeamId TeamId { get; }
}

/// <summary>What a team request asks (<see cref="TeamCommands.FromPlayer"/> and <see cref="TeamCommands.Request"/>).</summary>
public static class TeamRequestKinds
{
    public const string Invite = "invite";
    public const string Accept = "accept";
    public const string Decline = "decline";
    public const string Leave = "leave";
    public const string Kick = "kick";
    public const string Leader = "leader";
    public const string Info = "info";
    public const string Say = "say";
    /// <summary>From a member's entity: a mission event it counted (<c>Missions.MissionShare</c> text in <c>Arg</c>, the district in <c>ArgName</c>), for the others.</summary>
    public const string Mission = "mission";
}

/// <summary>What a <see cref="TeamCommands.Deliver"/> brings to a character's entity.</summary>
public static class TeamDeliveryKinds
{
    /// <summary>The character joined (or, inviting, formed) the team: persist it, then answer (<see cref="TeamCommands.Deliver.Info"/>, or an ack).</summary>
    public const string Joined = "joined";
    /// <summary>The character is no longer in the team (left, kicked, or the team disbanded): persist it, then answer.</summary>
    public const string Left = "left";
    /// <summary>A character invites this one: check it exists, is online and free, then send the invite on to the team.</summary>
    public const string CheckInvitee = "check_invitee";
    /// <summary>An invite, persisted by the team: pushed to the session as <c>team_invite</c>.</summary>
    public const string Invite = "invite";
    /// <summary>A team line (not kept): pushed to the session as <c>chat</c> (channel <c>team</c>).</summary>
    public const string Line = "line";
    /// <summary>A membership change: pushed to the session as <c>team_update</c>.</summary>
    public const string Update = "update";
    /// <summary>A teammate's mission event (<c>Text</c>, in district <c>FromName</c>): counted for this character's missions if it is in that district.</summary>
    public const string Mission = "mission";
}

/// <summary>The kinds of <c>team_update</c>.</summary>
public static class TeamUpdateKinds
{
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Kicked = "kicked";
    public const string Leader = "leader";
    public const string Disbanded = "disbanded";
}

public static class TeamCommands
{
    /// <summary>
    /// From the session to the character's entity: one team request (<see cref="TeamRequestKinds"/>). <see cref="Arg"/>
    /// is the team id (accept, decline), the character name (invite, kick, leader) or the text (say).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record FromPlayer(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] string Arg,
        [property: ProtoMember(4)] string CommandId) : IPlayerCommand;

    /// <summary>
    /// From a character's entity to the team: one team request by <see cref="By"/>, answered to <see cref="ReplyTo"/>
    /// (the session; null when nobody waits, e.g. a character giving back a team it could not record joining).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Request(
        [property: ProtoMember(1)] TeamId TeamId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] PlayerId By,
        [property: ProtoMember(4)] string ByName,
        [property: ProtoMember(5)] string Arg,
        [property: ProtoMember(6)] string CommandId,
        [property: ProtoMember(7)] IActorRef? ReplyTo,
        [property: ProtoMember(8)] string ArgName = "") : ITeamCommand;

    /// <summary>
    /// From the team (or an inviter's entity) to a character's entity (<see cref="PlayerId"/>): see
    /// <see cref="TeamDeliveryKinds"/>. Only the fields the kind needs are set.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Deliver(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] TeamId TeamId,
        [property: ProtoMember(4)] string CommandId,
        [property: ProtoMember(5)] IActorRef? ReplyTo) : IPlayerCommand
    {
        /// <summary>Joined by accepting: the team as it is now, the answer to <c>team_accept</c> (null for the inviter forming it: an ack).</summary>
        [ProtoMember(6)] public TeamReplies.Info? Info { get; init; }
        /// <summary>Line and update: who said it or whom the change is about (invite, check_invitee: who invites).</summary>
        [ProtoMember(7)] public PlayerId From { get; init; }
        [ProtoMember(8)] public string FromName { get; init; } = "";
        /// <summary>Line: the text; update: the update's kind (<see cref="TeamUpdateKinds"/>).</summary>
        [ProtoMember(9)] public string Text { get; init; } = "";
        [ProtoMember(10)] public long UnixTimeMs { get; init; }
        /// <summary>Update: the leader after the change (empty when disbanded).</summary>
        [ProtoMember(11)] public PlayerId Leader { get; init; }
    }
}

/// <summary>A member as the team keeps it: id, name as spelt, and when it joined (Unix ms; the longest-standing first).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record TeamMember(
    [property: ProtoMember(1)] string PlayerId,
    [property: ProtoMember(2)] string Name,
    [property: ProtoMember(3)] long JoinedAtMs) : IMxoMessage;

/// <summary>An invite: the invited character, and until when it may accept (Unix ms).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record TeamInvite(
    [property: ProtoMember(1)] string PlayerId,
    [property: ProtoMember(2)] string Name,
    [property: ProtoMember(3)] long ExpiresAtMs) : IMxoMessage;

/// <summary>
/// The team as its journal knows it. Persisted as a snapshot, so its field numbers are a schema. Members in the order
/// they joined (the leader's successor is the longest-standing other member). Lines are not kept.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record TeamState(
    [property: ProtoMember(1)] TeamId TeamId,
    [property: ProtoMember(2)] bool Created,
    [property: ProtoMember(3)] bool Disbanded,
    [property: ProtoMember(4)] string Leader) : IMxoMessage
{
    [ProtoMember(5)]
    public ImmutableList<TeamMember> Members { get => _members ?? []; init => _members = value; }
    private ImmutableList<TeamMember>? _members;

    [ProtoMember(6)]
    public ImmutableList<TeamInvite> Invites { get => _invites ?? []; init => _invites = value; }
    private ImmutableList<TeamInvite>? _invites;

    public static TeamState Empty(TeamId id) => new(id, false, false, "");

    public bool IsMember(PlayerId player) => Members.Any(m => m.PlayerId == player.Value);

    /// <summary>Formed and not disbanded.</summary>
    public bool Active => Created && !Disbanded;
}

public static class TeamEvents
{
    /// <summary>The team was formed by <see cref="Leader"/>'s first invite (persisted with that <see cref="Invited"/>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Created(
        [property: ProtoMember(1)] PlayerId Leader,
        [property: ProtoMember(2)] string LeaderName,
        [property: ProtoMember(3)] long AtMs) : IMxoEvent;

    /// <summary>An invite (replacing an earlier one for the same character); expired invites are dropped with it.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Invited(
        [property: ProtoMember(1)] PlayerId Player,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] long ExpiresAtMs,
        [property: ProtoMember(4)] long AtMs) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record InviteDeclined([property: ProtoMember(1)] PlayerId Player) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record Joined(
        [property: ProtoMember(1)] PlayerId Player,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] long AtMs) : IMxoEvent;

    /// <summary>
    /// A member left or was kicked. A leader leaving hands over to the longest-standing other member; one member
    /// remaining disbands the team.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Left(
        [property: ProtoMember(1)] PlayerId Player,
        [property: ProtoMember(2)] bool Kicked) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record LeaderChanged([property: ProtoMember(1)] PlayerId Leader) : IMxoEvent;

    /// <summary>A team that never got a second member disbanded when its last invite was declined or expired.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Disbanded([property: ProtoMember(1)] long AtMs) : IMxoEvent;
}

public static class TeamReplies
{
    /// <summary>The team: answer to <c>team_accept</c> and <c>team_info</c> (frame <c>team</c>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Info(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] TeamId TeamId,
        [property: ProtoMember(3)] string Leader) : IClientBound
    {
        [ProtoMember(4)]
        public TeamMember[] Members { get => _members ?? []; init => _members = value; }
        private TeamMember[]? _members;

        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.Team(requestId, this);
    }
}

public static class TeamPushes
{
    /// <summary>Frame <c>team_invite</c>: a leader (or a character forming a team) invites this character.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Invited(
        [property: ProtoMember(1)] TeamId TeamId,
        [property: ProtoMember(2)] PlayerId From,
        [property: ProtoMember(3)] string FromName,
        [property: ProtoMember(4)] long ExpiresAtMs) : IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.TeamInvite(this);
    }

    /// <summary>Frame <c>team_update</c>: someone joined, left or was kicked, the leader changed, or the team disbanded.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Updated(
        [property: ProtoMember(1)] TeamId TeamId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] PlayerId Player,
        [property: ProtoMember(4)] string Name,
        [property: ProtoMember(5)] PlayerId Leader) : IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.TeamUpdate(this);
    }

    /// <summary>
    /// A team line for this character (frame <c>chat</c>, channel <c>team</c>). Not <see cref="IClientBound"/>: the
    /// session's chat feature drops it when it ignores the speaker, as it does crew lines.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Line(
        [property: ProtoMember(1)] TeamId TeamId,
        [property: ProtoMember(2)] PlayerId From,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string Text,
        [property: ProtoMember(5)] long UnixTimeMs) : Districts.ISessionPush;
}

/// <summary>The team rules that need no actor.</summary>
public static class TeamRules
{
    /// <summary>A team's members at most, unless configured lower (<c>Mxo:World:TeamMaxMembers</c>).</summary>
    public const int MaxMembers = 6;

    /// <summary>A team's pending (unexpired) invites at most.</summary>
    public const int MaxInvites = 10;

    public static TeamState Apply(TeamState state, IMxoEvent @event) => @event switch
    {
        TeamEvents.Created e => state with
        {
            Created = true, Leader = e.Leader.Value, Members = [new TeamMember(e.Leader.Value, e.LeaderName, e.AtMs)],
        },
        TeamEvents.Invited e => state with
        {
            Invites = state.Invites.RemoveAll(i => i.PlayerId == e.Player.Value || i.ExpiresAtMs <= e.AtMs)
                .Add(new TeamInvite(e.Player.Value, e.Name, e.ExpiresAtMs)),
        },
        TeamEvents.InviteDeclined e => state with { Invites = state.Invites.RemoveAll(i => i.PlayerId == e.Player.Value) },
        TeamEvents.Joined e => state with
        {
            Members = state.Members.Add(new TeamMember(e.Player.Value, e.Name, e.AtMs)),
            Invites = state.Invites.RemoveAll(i => i.PlayerId == e.Player.Value),
        },
        TeamEvents.Left e => ApplyLeft(state, e.Player),
        TeamEvents.LeaderChanged e => state with { Leader = e.Leader.Value },
        TeamEvents.Disbanded => state with { Disbanded = true, Leader = "", Members = [], Invites = [] },
        _ => throw new ArgumentException($"TeamEntity cannot apply {@event.GetType().Name}", nameof(@event)),
    };

    /// <summary>The leader leaving hands over to the longest-standing other member; one member remaining disbands the team.</summary>
    private static TeamState ApplyLeft(TeamState state, PlayerId player)
    {
        var members = state.Members.RemoveAll(m => m.PlayerId == player.Value);
        if (members.Count <= 1) return state with { Members = [], Disbanded = true, Leader = "", Invites = [] };
        return state with { Members = members, Leader = state.Leader == player.Value ? members[0].PlayerId : state.Leader };
    }
}

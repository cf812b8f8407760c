using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Players;
using Mxo.Protocol.Teams;

namespace Mxo.Actors.Teams;

/// <summary>
/// One team (issue 12): sharded, persistent, keyed by a server-made <see cref="TeamId"/>. Modelled on
/// <c>src/Mxo.Actors/Crews/CrewEntity.cs</c>: the authority on members, the leader and invites; each member's entity
/// keeps a copy (<see cref="PlayerState.Team"/>), written after the team's event; every change is persisted before
/// anyone is told; requests come only from the members' entities (<see cref="TeamCommands.Request"/>). Unlike a crew a
/// team has no name and keeps no lines, is formed by its leader's first invite, holds at most
/// <see cref="WorldSettings.TeamMaxMembers"/>, and disbands when one member remains — or, never joined, when its last
/// invite is declined or expires (so an unanswered invite does not leave its sender in a team of one).
/// </summary>
public sealed class TeamEntity : MxoEntity<TeamState>, IWithTimers
{
    /// <summary>Time to look at the invites of a team of one: none live any more disbands it.</summary>
    public sealed class InvitesDue
    {
        public static readonly InvitesDue Instance = new();
        private InvitesDue() { }
    }

    private const string InvitesTimer = "invites";
    private readonly WorldSettings _settings;
    private readonly IActorRef _players;
    private readonly Func<long> _clock;

    /// <param name="clock">Unix ms now; tests pass their own to expire invites without waiting.</param>
    public TeamEntity(string entityId, WorldSettings settings, IActorRef players, Func<long>? clock = null)
        : base("team-" + entityId, TeamState.Empty(new TeamId(entityId)), settings.SnapshotEvery)
    {
        _settings = settings;
        _players = players;
        _clock = clock ?? (() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Command<TeamCommands.Request>(Handle);
        Command<InvitesDue>(_ => CheckInvites());
        Command<ReceiveTimeout>(_ =>
        {
            // A team of one waiting on invites stays until they are answered or expire (its timer is in memory).
            if (!Forming) RequestPassivation();
        });
        CommandStop();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string entityId, WorldSettings settings, IActorRef players, Func<long>? clock = null) =>
        Props.Create(() => new TeamEntity(entityId, settings, players, clock));

    protected override TeamState Apply(TeamState state, IMxoEvent @event) => TeamRules.Apply(state, @event);

    protected override void OnRecovered()
    {
        Context.SetReceiveTimeout(_settings.TeamIdleTimeout);
        if (Forming) ScheduleInvitesCheck();
    }

    private long NowMs => _clock();

    /// <summary>Formed, never joined: the leader alone.</summary>
    private bool Forming => State.Active && State.Members.Count == 1;

    private void Handle(TeamCommands.Request cmd)
    {
        switch (cmd.Kind)
        {
            case TeamRequestKinds.Accept: Accept(cmd); return;
            case TeamRequestKinds.Decline: Decline(cmd); return;
            case TeamRequestKinds.Invite when !State.Created: Form(cmd); return;
        }
        if (!State.Active || !State.IsMember(cmd.By))
        {
            // The member's copy says it is in this team and the team says not: the copy is put right.
            _players.Tell(new TeamCommands.Deliver(cmd.By, TeamDeliveryKinds.Left, State.TeamId, "", null));
            Refuse(cmd, TeamErrorCodes.NotInTeam, "you are not in this team");
            return;
        }
        switch (cmd.Kind)
        {
            case TeamRequestKinds.Invite: Invite(cmd); return;
            case TeamRequestKinds.Leave: Leave(cmd); return;
            case TeamRequestKinds.Kick: Kick(cmd); return;
            case TeamRequestKinds.Leader: HandOver(cmd); return;
            case TeamRequestKinds.Info: cmd.ReplyTo?.Tell(Info(cmd.CommandId)); return;
            case TeamRequestKinds.Say: Say(cmd); return;
            case TeamRequestKinds.Mission: ShareMission(cmd); return;
            default: Refuse(cmd, ErrorCodes.InvalidField, $"unknown team request '{cmd.Kind}'"); return;
        }
    }

    private static void Refuse(TeamCommands.Request cmd, string code, string message) =>
        cmd.ReplyTo?.Tell(new Replies.Rejected(cmd.CommandId, code, message));

    private TeamReplies.Info Info(string commandId) => new(commandId, State.TeamId, State.Leader) { Members = [.. State.Members] };

    private void Persist(TeamCommands.Request cmd, IReadOnlyList<IMxoEvent> events, Action then) =>
        PersistThen(events, then, _ => Refuse(cmd, ErrorCodes.Unavailable, Districts.DistrictEntity.JournalDown));

    private TeamEvents.Invited Invitation(TeamCommands.Request cmd, long now) =>
        new(PlayerId.FromName(cmd.Arg), cmd.ArgName.Length > 0 ? cmd.ArgName : cmd.Arg, now + (long)_settings.TeamInviteTtl.TotalMilliseconds, now);

    /// <summary>
    /// The first invite of a character in no team forms the team with it as leader: both are persisted, then its entity
    /// records the team (and acknowledges the invite), and the invitee is told.
    /// </summary>
    private void Form(TeamCommands.Request cmd)
    {
        var now = NowMs;
        var invited = Invitation(cmd, now);
        Persist(cmd, [new TeamEvents.Created(cmd.By, cmd.ByName, now), invited], () =>
        {
            _players.Tell(new TeamCommands.Deliver(cmd.By, TeamDeliveryKinds.Joined, State.TeamId, cmd.CommandId, cmd.ReplyTo));
            SendInvite(cmd, invited);
        });
    }

    private void Invite(TeamCommands.Request cmd)
    {
        var invitee = PlayerId.FromName(cmd.Arg);
        var now = NowMs;
        if (State.Leader != cmd.By.Value)
            Refuse(cmd, TeamErrorCodes.NotTeamLeader, "only the leader invites");
        else if (State.IsMember(invitee))
            Refuse(cmd, TeamErrorCodes.AlreadyInTeam, $"{cmd.Arg} is in the team already");
        else if (State.Members.Count >= _settings.TeamMaxMembers)
            Refuse(cmd, TeamErrorCodes.TeamFull, $"the team has {_settings.TeamMaxMembers} members");
        else if (State.Invites.Count(i => i.ExpiresAtMs > now && i.PlayerId != invitee.Value) >= TeamRules.MaxInvites)
            Refuse(cmd, TeamErrorCodes.TooManyInvites, $"the team has {TeamRules.MaxInvites} pending invites; wait for them to be answered or expire");
        else
        {
            var invited = Invitation(cmd, now);
            Persist(cmd, [invited], () =>
            {
                cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
                SendInvite(cmd, invited);
            });
        }
    }

    private void SendInvite(TeamCommands.Request cmd, TeamEvents.Invited invited)
    {
        _players.Tell(new TeamCommands.Deliver(invited.Player, TeamDeliveryKinds.Invite, State.TeamId, "", null)
        {
            From = cmd.By, FromName = cmd.ByName, UnixTimeMs = invited.ExpiresAtMs,
        });
        if (Forming) ScheduleInvitesCheck();
    }

    /// <summary>Null when <paramref name="player"/> may answer an invite; otherwise the code and why not.</summary>
    private (string Code, string Message)? InviteProblem(PlayerId player)
    {
        var invite = State.Active ? State.Invites.FirstOrDefault(i => i.PlayerId == player.Value) : null;
        if (invite is null) return (TeamErrorCodes.NoSuchInvite, "this team has no invite for you");
        if (invite.ExpiresAtMs <= NowMs) return (TeamErrorCodes.InviteExpired, "the invite has expired; ask for another");
        return null;
    }

    private void Accept(TeamCommands.Request cmd)
    {
        if (State.Active && State.IsMember(cmd.By))
        {
            // Its entity did not record the join (an answer lost on the way): it does now.
            Joined(cmd);
            return;
        }
        if (InviteProblem(cmd.By) is var (code, message))
            Refuse(cmd, code, message);
        else if (State.Members.Count >= _settings.TeamMaxMembers)
            Refuse(cmd, TeamErrorCodes.TeamFull, $"the team has {_settings.TeamMaxMembers} members");
        else
            Persist(cmd, [new TeamEvents.Joined(cmd.By, cmd.ByName, NowMs)], () =>
            {
                Joined(cmd);
                Tell(TeamUpdateKinds.Joined, cmd.By, cmd.ByName, except: cmd.By);
            });
    }

    /// <summary>The team recorded <paramref name="cmd"/>'s requester as a member: its entity records it too, then answers with the team.</summary>
    private void Joined(TeamCommands.Request cmd) =>
        _players.Tell(new TeamCommands.Deliver(cmd.By, TeamDeliveryKinds.Joined, State.TeamId, cmd.CommandId, cmd.ReplyTo) { Info = Info(cmd.CommandId) });

    private void Decline(TeamCommands.Request cmd)
    {
        if (InviteProblem(cmd.By) is var (code, message))
            Refuse(cmd, code, message);
        else
            Persist(cmd, [new TeamEvents.InviteDeclined(cmd.By)], () =>
            {
                cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
                if (Forming) CheckInvites();
            });
    }

    private void Leave(TeamCommands.Request cmd)
    {
        var before = State.Members;
        var name = NameOf(cmd.By.Value);
        var wasLeader = State.Leader == cmd.By.Value;
        Persist(cmd, [new TeamEvents.Left(cmd.By, Kicked: false)], () =>
        {
            _players.Tell(new TeamCommands.Deliver(cmd.By, TeamDeliveryKinds.Left, State.TeamId, cmd.CommandId, cmd.ReplyTo));
            if (State.Disbanded)
            {
                Disbanded(before.Where(m => m.PlayerId != cmd.By.Value), cmd.By, name);
                return;
            }
            Tell(TeamUpdateKinds.Left, cmd.By, name);
            if (wasLeader) Tell(TeamUpdateKinds.Leader, new PlayerId(State.Leader), NameOf(State.Leader));
        });
    }

    private string NameOf(string player) => State.Members.FirstOrDefault(m => m.PlayerId == player)?.Name ?? player;

    private void Kick(TeamCommands.Request cmd)
    {
        var target = PlayerId.FromName(cmd.Arg);
        if (State.Leader != cmd.By.Value)
            Refuse(cmd, TeamErrorCodes.NotTeamLeader, "only the leader kicks");
        else if (target == cmd.By)
            Refuse(cmd, ChatErrorCodes.SelfTarget, "the leader leaves with team_leave");
        else if (!State.IsMember(target))
            Refuse(cmd, ChatErrorCodes.UnknownRecipient, $"nobody called '{cmd.Arg}' is in the team");
        else
        {
            var before = State.Members;
            var name = NameOf(target.Value);
            Persist(cmd, [new TeamEvents.Left(target, Kicked: true)], () =>
            {
                cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
                _players.Tell(new TeamCommands.Deliver(target, TeamDeliveryKinds.Left, State.TeamId, "", null));
                Tell(TeamUpdateKinds.Kicked, target, name, also: target);
                if (State.Disbanded) Disbanded(before.Where(m => m.PlayerId != target.Value), target, name);
            });
        }
    }

    private void HandOver(TeamCommands.Request cmd)
    {
        var target = PlayerId.FromName(cmd.Arg);
        if (State.Leader != cmd.By.Value)
            Refuse(cmd, TeamErrorCodes.NotTeamLeader, "only the leader hands over");
        else if (!State.IsMember(target))
            Refuse(cmd, ChatErrorCodes.UnknownRecipient, $"nobody called '{cmd.Arg}' is in the team");
        else if (target == cmd.By)
            cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
        else
            Persist(cmd, [new TeamEvents.LeaderChanged(target)], () =>
            {
                cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
                Tell(TeamUpdateKinds.Leader, target, NameOf(target.Value));
            });
    }

    /// <summary>A team line: not kept (like <c>say</c>), acknowledged, then sent to every member's entity.</summary>
    private void Say(TeamCommands.Request cmd)
    {
        var text = ChatText.Normalise(cmd.Arg);
        if (!text.Ok)
        {
            Refuse(cmd, text.Code!, text.Message!);
            return;
        }
        cmd.ReplyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
        var now = NowMs;
        foreach (var member in State.Members)
            _players.Tell(new TeamCommands.Deliver(new PlayerId(member.PlayerId), TeamDeliveryKinds.Line, State.TeamId, "", null)
            {
                From = cmd.By, FromName = cmd.ByName, Text = text.Text!, UnixTimeMs = now,
            });
    }

    /// <summary>
    /// Team missions: a mission event one member counted goes to every other member's entity (not persisted here: each
    /// member's entity persists what it counts), which counts it too if it is in the same district.
    /// </summary>
    private void ShareMission(TeamCommands.Request cmd)
    {
        foreach (var member in State.Members)
            if (member.PlayerId != cmd.By.Value)
                _players.Tell(new TeamCommands.Deliver(new PlayerId(member.PlayerId), TeamDeliveryKinds.Mission, State.TeamId, "", null)
                {
                    From = cmd.By, FromName = cmd.ArgName, Text = cmd.Arg,
                });
    }

    private void ScheduleInvitesCheck()
    {
        var now = NowMs;
        var last = State.Invites.Select(i => i.ExpiresAtMs).DefaultIfEmpty(now).Max();
        Timers.StartSingleTimer(InvitesTimer, InvitesDue.Instance, TimeSpan.FromMilliseconds(Math.Max(0, last - now) + 1));
    }

    /// <summary>A team of one with no live invite left disbands; with some, it looks again when the last expires.</summary>
    private void CheckInvites()
    {
        if (!Forming) return;
        var now = NowMs;
        if (State.Invites.Any(i => i.ExpiresAtMs > now))
        {
            ScheduleInvitesCheck();
            return;
        }
        var leader = State.Members[0];
        PersistThen([new TeamEvents.Disbanded(now)], () => Disbanded([leader], new PlayerId(leader.PlayerId), leader.Name));
    }

    /// <summary>The team is gone: each of <paramref name="remaining"/> has its copy cleared and is told (about <paramref name="player"/>, whose going ended it).</summary>
    private void Disbanded(IEnumerable<TeamMember> remaining, PlayerId player, string name)
    {
        Timers.Cancel(InvitesTimer);
        foreach (var member in remaining)
        {
            var id = new PlayerId(member.PlayerId);
            _players.Tell(new TeamCommands.Deliver(id, TeamDeliveryKinds.Left, State.TeamId, "", null));
            _players.Tell(new TeamCommands.Deliver(id, TeamDeliveryKinds.Update, State.TeamId, "", null)
            {
                From = player, FromName = name, Text = TeamUpdateKinds.Disbanded,
            });
        }
    }

    /// <summary>A <c>team_update</c> to every member's entity (and <paramref name="also"/>'s: a kicked member hears it), but <paramref name="except"/>.</summary>
    private void Tell(string kind, PlayerId player, string name, PlayerId? except = null, PlayerId? also = null)
    {
        var leader = new PlayerId(State.Leader);
        IEnumerable<PlayerId> to = State.Members.Select(m => new PlayerId(m.PlayerId));
        if (also is { } extra) to = to.Append(extra);
        foreach (var member in to)
        {
            if (member == except) continue;
            _players.Tell(new TeamCommands.Deliver(member, TeamDeliveryKinds.Update, State.TeamId, "", null)
            {
                From = player, FromName = name, Text = kind, Leader = leader,
            });
        }
    }
}

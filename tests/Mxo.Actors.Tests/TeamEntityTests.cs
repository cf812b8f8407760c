using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Players;
using Mxo.Actors.Teams;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Players;
using Mxo.Protocol.Teams;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>
/// The team entity's rules (issue 12): formed by an invite, accept, 6 at most, leave with the leader handed over, disband
/// at one member, only the leader kicks, invites expire, lines reach the members.
/// </summary>
public sealed class TeamEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TeamId Alpha = new("t0123456789abcdef0123456789abcdef");
    private readonly TestProbe _players;
    private readonly TestProbe _session;
    /// <summary>The team's clock (Unix ms): moved by hand to expire invites.</summary>
    private long _now = 1_795_000_000_000;

    public TeamEntityTests() : base(ActorTestConfig.Hocon)
    {
        _players = CreateTestProbe();
        _session = CreateTestProbe();
    }

    private IActorRef StartTeam() => Sys.ActorOf(TeamEntity.PropsFor(Alpha.Value, ActorTestConfig.Settings, _players.Ref, () => _now));

    private void Ask(IActorRef team, string kind, string by, string arg = "", string? argName = null) =>
        team.Tell(new TeamCommands.Request(Alpha, kind, PlayerId.FromName(by), by, arg, kind + "-" + by, _session.Ref, argName ?? ""));

    private TeamCommands.Deliver ExpectDeliver(string kind, string to) =>
        _players.FishForMessage<TeamCommands.Deliver>(d => d.Kind == kind && d.PlayerId == PlayerId.FromName(to));

    private void ExpectAck() => _session.ExpectMsg<Replies.Acknowledged>();

    private void ExpectRefused(string code) => Assert.Equal(code, _session.ExpectMsg<Replies.Rejected>().Code);

    private void Invite(IActorRef team, string name, string by = "Neo") => Ask(team, TeamRequestKinds.Invite, by, name.ToLowerInvariant(), name);

    /// <summary>Neo forms the team by inviting the first of <paramref name="others"/>; each of them accepts.</summary>
    private IActorRef Team(params string[] others)
    {
        var team = StartTeam();
        for (var i = 0; i < others.Length; i++)
        {
            Invite(team, others[i]);
            if (i == 0)
            {
                var leader = ExpectDeliver(TeamDeliveryKinds.Joined, "neo");
                Assert.Null(leader.Info); // the leader's entity acknowledges the invite
            }
            else ExpectAck();
            ExpectDeliver(TeamDeliveryKinds.Invite, others[i]);
            Ask(team, TeamRequestKinds.Accept, others[i], Alpha.Value);
            ExpectDeliver(TeamDeliveryKinds.Joined, others[i]);
        }
        return team;
    }

    [Fact]
    public void An_invite_forms_the_team_with_the_inviter_as_leader_an_accept_joins_it_and_it_survives_a_restart()
    {
        var team = StartTeam();
        Invite(team, "Trinity");
        var leader = ExpectDeliver(TeamDeliveryKinds.Joined, "neo");
        Assert.Equal(("invite-Neo", _session.Ref), (leader.CommandId, leader.ReplyTo));
        var invite = ExpectDeliver(TeamDeliveryKinds.Invite, "trinity");
        Assert.Equal(("neo", _now + 60_000), (invite.From.Value, invite.UnixTimeMs));

        Ask(team, TeamRequestKinds.Accept, "Trinity", Alpha.Value);
        var joined = ExpectDeliver(TeamDeliveryKinds.Joined, "trinity");
        Assert.Equal(["neo", "trinity"], joined.Info!.Members.Select(m => m.PlayerId));
        Assert.Equal("neo", joined.Info.Leader);
        var update = ExpectDeliver(TeamDeliveryKinds.Update, "neo");
        Assert.Equal((TeamUpdateKinds.Joined, "trinity"), (update.Text, update.From.Value));

        Watch(team);
        team.Tell(EntityStop.Instance);
        ExpectTerminated(team);
        Ask(StartTeam(), TeamRequestKinds.Info, "Trinity");
        var info = _session.ExpectMsg<TeamReplies.Info>();
        Assert.Equal(("neo", 2), (info.Leader, info.Members.Length));
    }

    [Fact]
    public void Six_members_at_most_whether_invited_or_accepting()
    {
        var team = Team("Trinity", "Morpheus", "Tank", "Dozer");
        Invite(team, "Late");
        ExpectAck();
        Invite(team, "Mouse");
        ExpectAck();
        Ask(team, TeamRequestKinds.Accept, "Mouse", Alpha.Value);
        ExpectDeliver(TeamDeliveryKinds.Joined, "mouse");
        Invite(team, "Extra");
        ExpectRefused(TeamErrorCodes.TeamFull);
        // Invited while there was room, accepting once the team is full.
        Ask(team, TeamRequestKinds.Accept, "Late", Alpha.Value);
        ExpectRefused(TeamErrorCodes.TeamFull);
    }

    [Fact]
    public void A_leader_leaving_hands_over_to_the_longest_standing_member_and_one_member_left_disbands_the_team()
    {
        var team = Team("Trinity", "Morpheus");
        Ask(team, TeamRequestKinds.Leave, "Neo");
        var left = ExpectDeliver(TeamDeliveryKinds.Left, "neo");
        Assert.Equal(("leave-Neo", _session.Ref), (left.CommandId, left.ReplyTo));
        var leader = _players.FishForMessage<TeamCommands.Deliver>(d => d.Kind == TeamDeliveryKinds.Update && d.Text == TeamUpdateKinds.Leader);
        Assert.Equal("trinity", leader.Leader.Value);

        Ask(team, TeamRequestKinds.Leave, "Trinity");
        ExpectDeliver(TeamDeliveryKinds.Left, "trinity");
        // Morpheus is alone: the team disbands, his copy is cleared and he is told.
        ExpectDeliver(TeamDeliveryKinds.Left, "morpheus");
        var disbanded = ExpectDeliver(TeamDeliveryKinds.Update, "morpheus");
        Assert.Equal((TeamUpdateKinds.Disbanded, "trinity", ""), (disbanded.Text, disbanded.From.Value, disbanded.Leader.Value ?? ""));
        Ask(team, TeamRequestKinds.Info, "Morpheus");
        ExpectRefused(TeamErrorCodes.NotInTeam);
        Invite(team, "Tank", by: "Morpheus");
        ExpectRefused(TeamErrorCodes.NotInTeam);
    }

    [Fact]
    public void Only_the_leader_invites_kicks_and_hands_over_and_a_kick_down_to_one_member_disbands()
    {
        var team = Team("Trinity", "Morpheus");
        Ask(team, TeamRequestKinds.Kick, "Trinity", "morpheus");
        ExpectRefused(TeamErrorCodes.NotTeamLeader);
        Invite(team, "Tank", by: "Trinity");
        ExpectRefused(TeamErrorCodes.NotTeamLeader);
        Ask(team, TeamRequestKinds.Leader, "Trinity", "trinity");
        ExpectRefused(TeamErrorCodes.NotTeamLeader);
        Ask(team, TeamRequestKinds.Kick, "Neo", "smith");
        ExpectRefused(ChatErrorCodes.UnknownRecipient);
        Ask(team, TeamRequestKinds.Kick, "Neo", "neo");
        ExpectRefused(ChatErrorCodes.SelfTarget);
        Invite(team, "Trinity");
        ExpectRefused(TeamErrorCodes.AlreadyInTeam);

        Ask(team, TeamRequestKinds.Leader, "Neo", "trinity");
        ExpectAck();
        var leader = ExpectDeliver(TeamDeliveryKinds.Update, "morpheus");
        Assert.Equal((TeamUpdateKinds.Leader, "trinity"), (leader.Text, leader.Leader.Value));
        Ask(team, TeamRequestKinds.Kick, "Neo", "morpheus");
        ExpectRefused(TeamErrorCodes.NotTeamLeader);

        Ask(team, TeamRequestKinds.Kick, "Trinity", "morpheus");
        ExpectAck();
        ExpectDeliver(TeamDeliveryKinds.Left, "morpheus");
        Assert.Equal(TeamUpdateKinds.Kicked, ExpectDeliver(TeamDeliveryKinds.Update, "morpheus").Text);
        Ask(team, TeamRequestKinds.Kick, "Trinity", "neo");
        ExpectAck();
        ExpectDeliver(TeamDeliveryKinds.Left, "neo");
        // Trinity is left alone: disbanded.
        ExpectDeliver(TeamDeliveryKinds.Left, "trinity");
        Assert.Equal(TeamUpdateKinds.Disbanded, ExpectDeliver(TeamDeliveryKinds.Update, "trinity").Text);
    }

    [Fact]
    public void An_expired_invite_is_refused_and_a_team_of_one_disbands_when_its_last_invite_expires()
    {
        var team = Team("Trinity");
        Invite(team, "Morpheus");
        ExpectAck();
        _now += 60_001;
        Ask(team, TeamRequestKinds.Accept, "Morpheus", Alpha.Value);
        ExpectRefused(TeamErrorCodes.InviteExpired);
        Ask(team, TeamRequestKinds.Accept, "Smith", Alpha.Value);
        ExpectRefused(TeamErrorCodes.NoSuchInvite);

        // A team nobody joined: its leader is let go once the invite expires.
        var lone = Sys.ActorOf(TeamEntity.PropsFor("t11111111111111111111111111111111", ActorTestConfig.Settings, _players.Ref, () => _now));
        lone.Tell(new TeamCommands.Request(new TeamId("t11111111111111111111111111111111"), TeamRequestKinds.Invite, new PlayerId("smith"), "Smith",
            "cypher", "c1", _session.Ref, "Cypher"));
        ExpectDeliver(TeamDeliveryKinds.Joined, "smith");
        _now += 60_001;
        lone.Tell(TeamEntity.InvitesDue.Instance);
        ExpectDeliver(TeamDeliveryKinds.Left, "smith");
        Assert.Equal(TeamUpdateKinds.Disbanded, ExpectDeliver(TeamDeliveryKinds.Update, "smith").Text);
        lone.Tell(new TeamCommands.Request(new TeamId("t11111111111111111111111111111111"), TeamRequestKinds.Accept, new PlayerId("cypher"), "Cypher",
            "", "c2", _session.Ref));
        ExpectRefused(TeamErrorCodes.NoSuchInvite);
    }

    [Fact]
    public void Declining_the_only_invite_of_a_team_of_one_disbands_it()
    {
        var team = StartTeam();
        Invite(team, "Trinity");
        ExpectDeliver(TeamDeliveryKinds.Joined, "neo");
        Ask(team, TeamRequestKinds.Decline, "Trinity", Alpha.Value);
        ExpectAck();
        ExpectDeliver(TeamDeliveryKinds.Left, "neo");
        Ask(team, TeamRequestKinds.Decline, "Trinity", Alpha.Value);
        ExpectRefused(TeamErrorCodes.NoSuchInvite);
    }

    [Fact]
    public void Team_lines_reach_every_member_unkept_and_a_non_member_is_refused()
    {
        var team = Team("Trinity", "Morpheus");
        Ask(team, TeamRequestKinds.Say, "Trinity", "  hello  ");
        ExpectAck();
        foreach (var member in new[] { "neo", "trinity", "morpheus" })
        {
            var line = ExpectDeliver(TeamDeliveryKinds.Line, member);
            Assert.Equal(("hello", "trinity", "Trinity"), (line.Text, line.From.Value, line.FromName));
        }
        Ask(team, TeamRequestKinds.Say, "Trinity", "   ");
        ExpectRefused(ChatErrorCodes.EmptyText);
        Ask(team, TeamRequestKinds.Say, "Smith", "let me in");
        ExpectRefused(TeamErrorCodes.NotInTeam);
        // The non-member's entity is told to drop any copy it has of this team.
        Assert.Equal(Alpha, ExpectDeliver(TeamDeliveryKinds.Left, "smith").TeamId);
    }
}

/// <summary>The character's side of teams: its copy of the membership, in <c>welcome</c>, and the refusals it decides.</summary>
public sealed class PlayerTeamTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly TeamId Alpha = new("t0123456789abcdef0123456789abcdef");
    private readonly TestProbe _players;
    private readonly TestProbe _teams;
    private readonly TestProbe _session;

    public PlayerTeamTests() : base(ActorTestConfig.Hocon)
    {
        _players = CreateTestProbe();
        _teams = CreateTestProbe();
        _session = CreateTestProbe();
    }

    private IActorRef Start() => Sys.ActorOf(PlayerEntity.PropsFor("neo", ActorTestConfig.Settings, ActorTestConfig.Map, CreateTestProbe().Ref,
        players: _players.Ref, teams: _teams.Ref));

    private PlayerReplies.CharacterSheet Attach(IActorRef player)
    {
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        return _session.ExpectMsg<PlayerReplies.Attached>().Character;
    }

    [Fact]
    public void Inviting_in_no_team_forms_one_recorded_before_the_ack_and_shown_in_welcome_after_a_restart()
    {
        var player = Start();
        Assert.Null(Attach(player).Team);
        player.Tell(new TeamCommands.FromPlayer(Neo, TeamRequestKinds.Leave, "", "c1"), _session.Ref);
        Assert.Equal(TeamErrorCodes.NotInTeam, _session.ExpectMsg<Replies.Rejected>().Code);
        player.Tell(new TeamCommands.FromPlayer(Neo, TeamRequestKinds.Invite, "Neo", "c2"), _session.Ref);
        Assert.Equal(ChatErrorCodes.SelfTarget, _session.ExpectMsg<Replies.Rejected>().Code);

        player.Tell(new TeamCommands.FromPlayer(Neo, TeamRequestKinds.Invite, "Trinity", "c3"), _session.Ref);
        var check = _players.ExpectMsg<TeamCommands.Deliver>();
        Assert.Equal((TeamDeliveryKinds.CheckInvitee, new PlayerId("trinity"), Neo), (check.Kind, check.PlayerId, check.From));
        Assert.True(TeamId.IsWellFormed(check.TeamId.Value));
        // A second invite before the team is recorded here goes to the same team rather than forming another.
        player.Tell(new TeamCommands.FromPlayer(Neo, TeamRequestKinds.Invite, "Morpheus", "c3b"), _session.Ref);
        Assert.Equal(check.TeamId, _players.ExpectMsg<TeamCommands.Deliver>().TeamId);

        player.Tell(new TeamCommands.Deliver(Neo, TeamDeliveryKinds.Joined, check.TeamId, "c3", _session.Ref));
        _session.ExpectMsg<Replies.Acknowledged>();
        player.Tell(new TeamCommands.FromPlayer(Neo, TeamRequestKinds.Accept, Alpha.Value, "c4"), _session.Ref);
        Assert.Equal(TeamErrorCodes.AlreadyInTeam, _session.ExpectMsg<Replies.Rejected>().Code);

        // A second team's join that raced the first is given back.
        player.Tell(new TeamCommands.Deliver(Neo, TeamDeliveryKinds.Joined, Alpha, "c5", _session.Ref));
        Assert.Equal(TeamErrorCodes.AlreadyInTeam, _session.ExpectMsg<Replies.Rejected>().Code);
        var giveBack = _teams.ExpectMsg<TeamCommands.Request>();
        Assert.Equal((Alpha, TeamRequestKinds.Leave), (giveBack.TeamId, giveBack.Kind));

        Watch(player);
        player.Tell(EntityStop.Instance);
        ExpectTerminated(player);
        Assert.Equal(check.TeamId.Value, Attach(Start()).Team);
    }

    [Fact]
    public void An_invitee_must_exist_be_online_and_be_free_and_lines_reach_the_session_only_for_its_team()
    {
        var player = Start();
        var inviter = new PlayerId("smith");
        var check = new TeamCommands.Deliver(Neo, TeamDeliveryKinds.CheckInvitee, Alpha, "c1", _session.Ref) { From = inviter, FromName = "Smith" };
        player.Tell(check);
        Assert.Equal(ChatErrorCodes.UnknownRecipient, _session.ExpectMsg<Replies.Rejected>().Code); // never played
        Attach(player);
        player.Tell(new PlayerCommands.Detach(Neo, _session.Ref));
        player.Tell(check);
        Assert.Equal(ChatErrorCodes.NotOnline, _session.ExpectMsg<Replies.Rejected>().Code);
        Attach(player);
        player.Tell(check);
        var invite = _teams.ExpectMsg<TeamCommands.Request>();
        Assert.Equal((TeamRequestKinds.Invite, inviter, "neo", "Neo"), (invite.Kind, invite.By, invite.Arg, invite.ArgName));

        player.Tell(new TeamCommands.Deliver(Neo, TeamDeliveryKinds.Line, Alpha, "", null) { From = inviter, Text = "hi" });
        _session.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // not its team (yet): dropped
        player.Tell(new TeamCommands.Deliver(Neo, TeamDeliveryKinds.Joined, Alpha, "c2", _session.Ref)
        {
            Info = new TeamReplies.Info("c2", Alpha, "smith"),
        });
        _session.ExpectMsg<TeamReplies.Info>();
        player.Tell(new TeamCommands.Deliver(Neo, TeamDeliveryKinds.Line, Alpha, "", null) { From = inviter, Text = "hi" });
        Assert.Equal("hi", _session.ExpectMsg<TeamPushes.Line>().Text);
        player.Tell(check);
        Assert.Equal(TeamErrorCodes.AlreadyInTeam, _session.ExpectMsg<Replies.Rejected>().Code);

        player.Tell(new TeamCommands.Deliver(Neo, TeamDeliveryKinds.Left, Alpha, "c3", _session.Ref));
        _session.ExpectMsg<Replies.Acknowledged>();
        player.Tell(new PlayerCommands.GetState(Neo));
        Assert.Null(ExpectMsg<PlayerState>().Team);
    }
}

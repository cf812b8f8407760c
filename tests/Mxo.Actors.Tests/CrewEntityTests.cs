using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Crews;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>The crew entity's rules (issue 12): create, invite and accept, 12 at most, kick, captain, leave, history.</summary>
public sealed class CrewEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CrewId Zion = CrewId.FromName("Zion Crew");
    private readonly TestProbe _players;
    private readonly TestProbe _session;

    public CrewEntityTests() : base(ActorTestConfig.Hocon)
    {
        _players = CreateTestProbe();
        _session = CreateTestProbe();
    }

    private IActorRef StartCrew(CrewId? id = null) => Sys.ActorOf(CrewEntity.PropsFor((id ?? Zion).Value, ActorTestConfig.Settings, _players.Ref));

    private void Ask(IActorRef crew, string kind, string by, string arg = "", int limit = 0, string? argName = null, CrewId? id = null) =>
        crew.Tell(new CrewCommands.Request(id ?? Zion, kind, PlayerId.FromName(by), by, arg, limit, kind + "-" + by, _session.Ref, argName ?? ""));

    private CrewCommands.Deliver ExpectDeliver(string kind, string to) =>
        _players.FishForMessage<CrewCommands.Deliver>(d => d.Kind == kind && d.PlayerId == PlayerId.FromName(to));

    private void ExpectAck() => _session.ExpectMsg<Replies.Acknowledged>();

    private void ExpectRefused(string code) => Assert.Equal(code, _session.ExpectMsg<Replies.Rejected>().Code);

    /// <summary>Creates the crew with Neo as captain, and brings each of <paramref name="others"/> in by invite and accept.</summary>
    private IActorRef Crew(params string[] others)
    {
        var crew = StartCrew();
        Ask(crew, CrewRequestKinds.Create, "Neo", "Zion Crew");
        var joined = ExpectDeliver(CrewDeliveryKinds.Joined, "neo");
        Assert.Equal(("zion crew", "Zion Crew", "neo"), (joined.Info!.CrewId.Value, joined.Info.Name, joined.Info.Captain));
        foreach (var other in others) Join(crew, other);
        return crew;
    }

    private void Join(IActorRef crew, string name)
    {
        Ask(crew, CrewRequestKinds.Invite, "Neo", name.ToLowerInvariant(), argName: name);
        ExpectAck();
        ExpectDeliver(CrewDeliveryKinds.Invite, name);
        Ask(crew, CrewRequestKinds.Accept, name, "Zion Crew");
        ExpectDeliver(CrewDeliveryKinds.Joined, name);
    }

    [Fact]
    public void Create_then_invite_and_accept_tells_the_members_and_survives_a_restart()
    {
        var crew = Crew();
        Ask(crew, CrewRequestKinds.Invite, "Neo", "trinity", argName: "Trinity");
        ExpectAck();
        var invite = ExpectDeliver(CrewDeliveryKinds.Invite, "trinity");
        Assert.Equal(("neo", "Zion Crew"), (invite.From.Value, invite.CrewName));

        Ask(crew, CrewRequestKinds.Accept, "Trinity", "Zion Crew");
        var joined = ExpectDeliver(CrewDeliveryKinds.Joined, "trinity");
        Assert.Equal(["neo", "trinity"], joined.Info!.Members.Select(m => m.PlayerId));
        Assert.Equal(_session.Ref, joined.ReplyTo);
        var update = ExpectDeliver(CrewDeliveryKinds.Update, "neo");
        Assert.Equal((CrewUpdateKinds.Joined, "trinity"), (update.Text, update.From.Value));

        Watch(crew);
        crew.Tell(EntityStop.Instance);
        ExpectTerminated(crew);
        var restarted = StartCrew();
        Ask(restarted, CrewRequestKinds.Info, "Trinity");
        var info = _session.ExpectMsg<CrewReplies.Info>();
        Assert.Equal(("neo", 2), (info.Captain, info.Members.Length));
    }

    [Fact]
    public void A_name_is_taken_once_whatever_its_case_and_stays_taken_after_the_crew_disbands()
    {
        var crew = Crew();
        Ask(crew, CrewRequestKinds.Create, "Morpheus", "ZION CREW");
        ExpectRefused(CrewErrorCodes.CrewNameTaken);
        Ask(crew, CrewRequestKinds.Leave, "Neo");
        ExpectDeliver(CrewDeliveryKinds.Left, "neo");
        Ask(crew, CrewRequestKinds.Create, "Morpheus", "Zion Crew");
        ExpectRefused(CrewErrorCodes.CrewNameTaken);
        Ask(crew, CrewRequestKinds.Info, "Neo");
        ExpectRefused(CrewErrorCodes.NotInCrew);
    }

    [Fact]
    public void Twelve_members_at_most()
    {
        var names = Enumerable.Range(1, 11).Select(i => "Member" + i).ToArray();
        var crew = Crew(names);
        Ask(crew, CrewRequestKinds.Invite, "Neo", "extra", argName: "Extra");
        ExpectRefused(CrewErrorCodes.CrewFull);
    }

    [Fact]
    public void An_invite_accepted_by_someone_else_or_twice_is_no_invite_and_a_full_crew_refuses_an_accept()
    {
        var crew = Crew();
        Ask(crew, CrewRequestKinds.Accept, "Smith", "Zion Crew");
        ExpectRefused(CrewErrorCodes.NoInvite);
        Ask(crew, CrewRequestKinds.Decline, "Smith", "Zion Crew");
        ExpectRefused(CrewErrorCodes.NoInvite);
        Ask(crew, CrewRequestKinds.Invite, "Neo", "trinity", argName: "Trinity");
        ExpectAck();
        Ask(crew, CrewRequestKinds.Decline, "Trinity", "Zion Crew");
        ExpectAck();
        Ask(crew, CrewRequestKinds.Accept, "Trinity", "Zion Crew");
        ExpectRefused(CrewErrorCodes.NoInvite);

        // Invited while there was room, accepted once the crew filled up.
        Ask(crew, CrewRequestKinds.Invite, "Neo", "late", argName: "Late");
        ExpectAck();
        foreach (var name in Enumerable.Range(1, 11).Select(i => "Member" + i)) Join(crew, name);
        Ask(crew, CrewRequestKinds.Accept, "Late", "Zion Crew");
        ExpectRefused(CrewErrorCodes.CrewFull);
    }

    [Fact]
    public void Only_the_captain_invites_kicks_and_hands_over()
    {
        var crew = Crew("Trinity", "Morpheus");
        Ask(crew, CrewRequestKinds.Kick, "Trinity", "morpheus");
        ExpectRefused(CrewErrorCodes.NotCaptain);
        Ask(crew, CrewRequestKinds.Invite, "Trinity", "tank", argName: "Tank");
        ExpectRefused(CrewErrorCodes.NotCaptain);
        Ask(crew, CrewRequestKinds.Captain, "Trinity", "trinity");
        ExpectRefused(CrewErrorCodes.NotCaptain);
        Ask(crew, CrewRequestKinds.Kick, "Neo", "smith");
        ExpectRefused(ChatErrorCodes.UnknownRecipient);
        Ask(crew, CrewRequestKinds.Kick, "Neo", "neo");
        ExpectRefused(ChatErrorCodes.SelfTarget);
        Ask(crew, CrewRequestKinds.Invite, "Neo", "trinity", argName: "Trinity");
        ExpectRefused(CrewErrorCodes.AlreadyInCrew);
        Ask(crew, CrewRequestKinds.Say, "Smith", "hello");
        ExpectRefused(CrewErrorCodes.NotInCrew);

        Ask(crew, CrewRequestKinds.Kick, "Neo", "morpheus");
        ExpectAck();
        ExpectDeliver(CrewDeliveryKinds.Left, "morpheus");
        var kicked = ExpectDeliver(CrewDeliveryKinds.Update, "morpheus");
        Assert.Equal(CrewUpdateKinds.Kicked, kicked.Text);

        Ask(crew, CrewRequestKinds.Captain, "Neo", "trinity");
        ExpectAck();
        var captain = ExpectDeliver(CrewDeliveryKinds.Update, "neo");
        Assert.Equal((CrewUpdateKinds.Captain, "trinity"), (captain.Text, captain.Captain.Value));
        Ask(crew, CrewRequestKinds.Kick, "Neo", "trinity");
        ExpectRefused(CrewErrorCodes.NotCaptain);
        Ask(crew, CrewRequestKinds.Info, "Neo");
        var info = _session.ExpectMsg<CrewReplies.Info>();
        Assert.Equal("trinity", info.Captain);
        Assert.Equal(["neo", "trinity"], info.Members.Select(m => m.PlayerId));
    }

    [Fact]
    public void A_captain_leaving_hands_over_to_the_oldest_member_and_the_last_one_leaving_disbands()
    {
        var crew = Crew("Trinity", "Morpheus");
        Ask(crew, CrewRequestKinds.Leave, "Neo");
        var left = ExpectDeliver(CrewDeliveryKinds.Left, "neo");
        Assert.Equal(("leave-Neo", _session.Ref), (left.CommandId, left.ReplyTo));
        var captain = _players.FishForMessage<CrewCommands.Deliver>(d => d.Kind == CrewDeliveryKinds.Update && d.Text == CrewUpdateKinds.Captain);
        Assert.Equal("trinity", captain.Captain.Value);

        Ask(crew, CrewRequestKinds.Leave, "Trinity");
        ExpectDeliver(CrewDeliveryKinds.Left, "trinity");
        Ask(crew, CrewRequestKinds.Info, "Morpheus");
        Assert.Equal("morpheus", _session.ExpectMsg<CrewReplies.Info>().Captain);
        Ask(crew, CrewRequestKinds.Leave, "Morpheus");
        ExpectDeliver(CrewDeliveryKinds.Left, "morpheus");
        Ask(crew, CrewRequestKinds.Invite, "Neo", "trinity", argName: "Trinity");
        ExpectRefused(CrewErrorCodes.NotInCrew);
    }

    [Fact]
    public void Lines_go_to_every_member_and_the_last_200_are_paged_newest_first()
    {
        var crew = Crew("Trinity");
        Ask(crew, CrewRequestKinds.Say, "Trinity", "  hello  ");
        ExpectAck();
        var toNeo = ExpectDeliver(CrewDeliveryKinds.Line, "neo");
        Assert.Equal(("hello", "trinity", "Trinity"), (toNeo.Text, toNeo.From.Value, toNeo.FromName));
        ExpectDeliver(CrewDeliveryKinds.Line, "trinity");

        for (var i = 2; i <= 250; i++)
        {
            crew.Tell(new CrewCommands.Request(Zion, CrewRequestKinds.Say, new PlayerId("neo"), "Neo", "line " + i, 0, "say-" + i, _session.Ref));
            ExpectAck();
        }
        Ask(crew, CrewRequestKinds.History, "Trinity", limit: 100);
        var first = _session.ExpectMsg<CrewReplies.History>();
        Assert.Equal(100, first.Lines.Length);
        Assert.Equal(("line 250", "line 151"), (first.Lines[0].Text, first.Lines[^1].Text));
        Ask(crew, CrewRequestKinds.History, "Trinity", first.Next!, 100);
        var second = _session.ExpectMsg<CrewReplies.History>();
        Assert.Equal(("line 150", "line 51"), (second.Lines[0].Text, second.Lines[^1].Text));
        Assert.Null(second.Next); // lines 1 to 50 are no longer kept

        // Snapshots keep the 200 as well (snapshot every 3 events in these tests).
        Watch(crew);
        crew.Tell(EntityStop.Instance);
        ExpectTerminated(crew);
        var restarted = StartCrew();
        Ask(restarted, CrewRequestKinds.History, "Neo", limit: 3);
        var again = _session.ExpectMsg<CrewReplies.History>();
        Assert.Equal(["line 250", "line 249", "line 248"], again.Lines.Select(l => l.Text));
        Assert.NotNull(again.Next);
    }

    [Fact]
    public void A_cursor_from_another_crew_or_garbage_is_bad_cursor()
    {
        var crew = Crew();
        Ask(crew, CrewRequestKinds.History, "Neo", CrewRules.Cursor(CrewId.FromName("Other Crew"), 5));
        ExpectRefused(CrewErrorCodes.BadCursor);
        Ask(crew, CrewRequestKinds.History, "Neo", "not a cursor!");
        ExpectRefused(CrewErrorCodes.BadCursor);
        Ask(crew, CrewRequestKinds.History, "Neo", CrewRules.Cursor(Zion, 5));
        Assert.Empty(_session.ExpectMsg<CrewReplies.History>().Lines);
    }

    [Theory]
    [InlineData("Zion Crew", true)]
    [InlineData("ab", false)]
    [InlineData("1crew", false)]
    [InlineData("two  spaces", false)]
    [InlineData("bad\u202Ename", false)]
    [InlineData("Nebuchadnezzar_Crew-2", true)]
    public void Crew_names_follow_the_rule(string name, bool valid) => Assert.Equal(valid, CrewRules.ValidateName(name) is null);
}

/// <summary>The character's side of crews: its copy of the membership, in <c>welcome</c>, and the refusals it decides.</summary>
public sealed class PlayerCrewTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly CrewId Zion = CrewId.FromName("Zion");
    private readonly TestProbe _players;
    private readonly TestProbe _crews;
    private readonly TestProbe _session;

    public PlayerCrewTests() : base(ActorTestConfig.Hocon)
    {
        _players = CreateTestProbe();
        _crews = CreateTestProbe();
        _session = CreateTestProbe();
    }

    private IActorRef Start() => Sys.ActorOf(PlayerEntity.PropsFor("neo", ActorTestConfig.Settings, ActorTestConfig.Map, CreateTestProbe().Ref,
        players: _players.Ref, crews: _crews.Ref));

    private PlayerReplies.CharacterSheet Attach(IActorRef player)
    {
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        return _session.ExpectMsg<PlayerReplies.Attached>().Character;
    }

    [Fact]
    public void Joining_is_persisted_before_the_answer_and_shown_in_welcome_after_a_restart()
    {
        var player = Start();
        Assert.Null(Attach(player).Crew);
        player.Tell(new CrewCommands.FromPlayer(Neo, CrewRequestKinds.Leave, "", 0, "c1"), _session.Ref);
        Assert.Equal(CrewErrorCodes.NotInCrew, _session.ExpectMsg<Replies.Rejected>().Code);

        player.Tell(new CrewCommands.FromPlayer(Neo, CrewRequestKinds.Create, "Zion", 0, "c2"), _session.Ref);
        var create = _crews.ExpectMsg<CrewCommands.Request>();
        Assert.Equal((Zion, CrewRequestKinds.Create, Neo, "Neo"), (create.CrewId, create.Kind, create.By, create.ByName));
        var info = new CrewReplies.Info("c2", Zion, "Zion", "neo") { Members = [new CrewMember("neo", "Neo", 1)] };
        player.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.Joined, Zion, "Zion", "c2", _session.Ref) { Info = info });
        Assert.Equal(info, _session.ExpectMsg<CrewReplies.Info>());

        player.Tell(new CrewCommands.FromPlayer(Neo, CrewRequestKinds.Accept, "Other", 0, "c3"), _session.Ref);
        Assert.Equal(CrewErrorCodes.AlreadyInCrew, _session.ExpectMsg<Replies.Rejected>().Code);

        // A second crew's join that raced the first is given back.
        player.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.Joined, CrewId.FromName("Other"), "Other", "c4", _session.Ref) { Info = info });
        Assert.Equal(CrewErrorCodes.AlreadyInCrew, _session.ExpectMsg<Replies.Rejected>().Code);
        var giveBack = _crews.ExpectMsg<CrewCommands.Request>();
        Assert.Equal((CrewId.FromName("Other"), CrewRequestKinds.Leave), (giveBack.CrewId, giveBack.Kind));

        Watch(player);
        player.Tell(EntityStop.Instance);
        ExpectTerminated(player);
        var sheet = Attach(Start());
        Assert.Equal(("zion", "Zion"), (sheet.Crew, sheet.CrewName));
    }

    [Fact]
    public void Lines_of_its_crew_reach_the_session_and_an_invite_checks_the_invitee()
    {
        var player = Start();
        Attach(player);
        player.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.Line, Zion, "Zion", "", null) { From = new PlayerId("trinity"), Text = "hi" });
        _session.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // not its crew (yet): dropped
        player.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.Joined, Zion, "Zion", "c1", _session.Ref)
        {
            Info = new CrewReplies.Info("c1", Zion, "Zion", "neo"),
        });
        _session.ExpectMsg<CrewReplies.Info>();
        player.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.Line, Zion, "Zion", "", null) { From = new PlayerId("trinity"), Text = "hi" });
        Assert.Equal("hi", _session.ExpectMsg<CrewPushes.Line>().Text);

        // Invited while in a crew: already_in_crew, the crew is not asked.
        player.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.CheckInvitee, CrewId.FromName("Other"), "Other", "c2", _session.Ref)
        {
            From = new PlayerId("smith"),
        });
        Assert.Equal(CrewErrorCodes.AlreadyInCrew, _session.ExpectMsg<Replies.Rejected>().Code);
        _crews.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        player.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.Left, Zion, "Zion", "c3", _session.Ref));
        _session.ExpectMsg<Replies.Acknowledged>();
        player.Tell(new PlayerCommands.GetState(Neo));
        Assert.Null(ExpectMsg<PlayerState>().Crew);
    }
}

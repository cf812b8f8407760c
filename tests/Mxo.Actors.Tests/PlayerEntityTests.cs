using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

public sealed class PlayerEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly DistrictId Downtown = new("downtown");
    private readonly TestProbe _districts;
    private readonly TestProbe _session;

    public PlayerEntityTests() : base(ActorTestConfig.Hocon)
    {
        _districts = CreateTestProbe();
        _session = CreateTestProbe();
    }

    private IActorRef StartPlayer() => Sys.ActorOf(PlayerEntity.PropsFor("neo", ActorTestConfig.Settings, ActorTestConfig.Map, _districts.Ref));

    private void StopGracefully(IActorRef player)
    {
        Watch(player);
        player.Tell(EntityStop.Instance);
        ExpectTerminated(player);
    }

    private PlayerReplies.EnteredDistrict AttachAndEnter(IActorRef player, string commandId = "c1")
    {
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        _session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, commandId), _session.Ref);
        var join = _districts.ExpectMsg<DistrictCommands.Join>();
        Assert.Equal((Downtown, Neo, _session.Ref), (join.District, join.PlayerId, join.Session));
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, commandId, [new Occupant(new PlayerId("trinity"), "Trinity", default)]));
        return _session.ExpectMsg<PlayerReplies.EnteredDistrict>();
    }

    [Fact]
    public void Attaching_creates_the_character_with_the_seed_stats()
    {
        var player = StartPlayer();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        var sheet = _session.ExpectMsg<PlayerReplies.Attached>().Character;
        Assert.Equal(("Neo", 500, 200, 1000L, (DistrictId?)null), (sheet.Name, sheet.Health, sheet.InnerStrength, sheet.Info, sheet.District));
    }

    [Fact]
    public void Entering_is_acknowledged_after_the_district_admits_and_survives_a_restart()
    {
        var player = StartPlayer();
        var entered = AttachAndEnter(player);
        Assert.Equal(("c1", Downtown, ActorTestConfig.Map.Find(new DistrictId("downtown"))!.Spawn), (entered.CommandId, entered.District, entered.Position));
        Assert.Single(entered.Occupants);

        StopGracefully(player);
        var restarted = StartPlayer();
        restarted.Tell(new PlayerCommands.GetState(Neo));
        var state = ExpectMsg<PlayerState>();
        Assert.Equal((Downtown, ActorTestConfig.Map.Find(new DistrictId("downtown"))!.Spawn, "Neo"), (state.District, state.Position, state.Name));
        Assert.Contains("c1", state.RecentCommandIds);
    }

    [Fact]
    public void Moves_are_relayed_to_the_district_and_checkpointed_within_the_interval()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        var target = new Vec3(1505, 0, 3);
        player.Tell(new PlayerCommands.Move(Neo, target), _session.Ref);
        Assert.Equal(target, _districts.ExpectMsg<DistrictCommands.UpdatePosition>().Position);

        // No stop, no logout: the checkpoint timer alone must make the position durable. A fresh incarnation
        // reading the same journal sees it.
        AwaitAssert(() =>
        {
            var probe = CreateTestProbe();
            var reader = Sys.ActorOf(PlayerEntity.PropsFor("neo", ActorTestConfig.Settings, ActorTestConfig.Map, _districts.Ref));
            reader.Tell(new PlayerCommands.GetState(Neo), probe.Ref);
            var state = probe.ExpectMsg<PlayerState>();
            Sys.Stop(reader);
            Assert.Equal(target, state.Position);
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Detaching_checkpoints_and_departs()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        var target = new Vec3(1501, 0, 1);
        player.Tell(new PlayerCommands.Move(Neo, target), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.UpdatePosition>();
        player.Tell(new PlayerCommands.Detach(Neo, _session.Ref));
        Assert.Equal(Neo, _districts.ExpectMsg<DistrictCommands.Depart>().PlayerId);

        StopGracefully(player);
        var restarted = StartPlayer();
        restarted.Tell(new PlayerCommands.GetState(Neo));
        Assert.Equal(target, ExpectMsg<PlayerState>().Position);
    }

    [Fact]
    public void Moving_or_saying_before_entering_is_refused_and_changes_nothing()
    {
        var player = StartPlayer();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        _session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1, 1, 1)), _session.Ref);
        Assert.Equal(ErrorCodes.NotInDistrict, _session.ExpectMsg<Replies.Rejected>().Code);
        player.Tell(new PlayerCommands.Say(Neo, "hi", "s1"), _session.Ref);
        var rejected = _session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(("s1", ErrorCodes.NotInDistrict), (rejected.CommandId, rejected.Code));
        _districts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        player.Tell(new PlayerCommands.GetState(Neo));
        Assert.Equal(default, ExpectMsg<PlayerState>().Position);
    }

    [Fact]
    public void Say_is_forwarded_to_the_district_with_the_session_as_sender()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        player.Tell(new PlayerCommands.Say(Neo, "There is no spoon", "s1"), _session.Ref);
        var say = _districts.ExpectMsg<DistrictCommands.Say>();
        Assert.Equal((Downtown, "There is no spoon", "s1"), (say.District, say.Text, say.CommandId));
        Assert.Equal(_session.Ref, _districts.LastSender);
    }

    [Fact]
    public void A_district_that_never_answers_gives_a_timeout_and_the_next_enter_works()
    {
        var player = StartPlayer();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        _session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, "c1"), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.Join>();
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, "c2"), _session.Ref);
        Assert.Equal(ErrorCodes.Busy, _session.ExpectMsg<Replies.Rejected>().Code);
        var timeout = _session.ExpectMsg<Replies.Rejected>(TimeSpan.FromSeconds(10));
        Assert.Equal(("c1", ErrorCodes.Timeout), (timeout.CommandId, timeout.Code));

        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, "c1"), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.Join>();
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, "c1", []));
        Assert.Equal("c1", _session.ExpectMsg<PlayerReplies.EnteredDistrict>().CommandId);
    }

    [Fact]
    public void A_retried_enter_is_applied_once()
    {
        var player = StartPlayer();
        AttachAndEnter(player, "c1");
        var move = new Vec3(1506, 0, 0);
        player.Tell(new PlayerCommands.Move(Neo, move), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.UpdatePosition>();

        // The same request again: answered, but the player is not sent back to the spawn point.
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, "c1"), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.Join>();
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, "c1", []));
        Assert.NotEqual(ActorTestConfig.Map.Find(new DistrictId("downtown"))!.Spawn, _session.ExpectMsg<PlayerReplies.EnteredDistrict>().Position);
    }

    [Fact]
    public void Snapshots_do_not_change_what_recovery_sees()
    {
        var player = StartPlayer();
        AttachAndEnter(player, "c1");
        // SnapshotEvery = 3 in tests: a few checkpoints cross the snapshot boundary.
        for (var i = 1; i <= 4; i++)
        {
            player.Tell(new PlayerCommands.Move(Neo, new Vec3(1500 + i, 0, 0)), _session.Ref);
            _districts.ExpectMsg<DistrictCommands.UpdatePosition>();
            player.Tell(new PlayerCommands.Detach(Neo, _session.Ref));
            _districts.ExpectMsg<DistrictCommands.Depart>();
            player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
            _session.ExpectMsg<PlayerReplies.Attached>();
            player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, $"r{i}"), _session.Ref);
            _districts.ExpectMsg<DistrictCommands.Join>();
            _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, $"r{i}", []));
            _session.ExpectMsg<PlayerReplies.EnteredDistrict>();
        }
        player.Tell(new PlayerCommands.GetState(Neo));
        var before = ExpectMsg<PlayerState>();
        StopGracefully(player);
        StartPlayer().Tell(new PlayerCommands.GetState(Neo));
        var after = ExpectMsg<PlayerState>();
        Assert.Equal((before.Position, before.District, before.Name), (after.Position, after.District, after.Name));
        Assert.Equal(new Vec3(1504, 0, 0), after.Position);
    }

    [Fact]
    public void A_new_session_replaces_the_old_one_which_is_told_to_close()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        var newer = CreateTestProbe();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", newer.Ref), newer.Ref);
        newer.ExpectMsg<PlayerReplies.Attached>();
        Assert.Equal(Neo, _session.ExpectMsg<SessionPushes.Replaced>().PlayerId);
        Assert.Equal(Neo, _districts.ExpectMsg<DistrictCommands.Depart>().PlayerId);

        // The old session's late detach must not take the new one offline.
        player.Tell(new PlayerCommands.Detach(Neo, _session.Ref));
        player.Tell(new PlayerCommands.Kick(Neo, "reuse"));
        Assert.Equal("reuse", newer.ExpectMsg<SessionPushes.Revoked>().Reason);
        _session.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_replaced_session_s_late_attach_does_not_take_the_character_back()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        var newer = CreateTestProbe();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", newer.Ref), newer.Ref);
        newer.ExpectMsg<PlayerReplies.Attached>();
        _session.ExpectMsg<SessionPushes.Replaced>();

        // The old session was resyncing: its retry was on its way before it heard it was replaced.
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        Assert.Equal(Neo, _session.ExpectMsg<SessionPushes.Replaced>().PlayerId);
        newer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        player.Tell(new PlayerCommands.Kick(Neo, "still the newer login"));
        Assert.Equal("still the newer login", newer.ExpectMsg<SessionPushes.Revoked>().Reason);
    }

    [Fact]
    public void A_resyncing_session_does_not_take_the_character_from_a_login_attached_before_it()
    {
        var player = StartPlayer();
        var login = CreateTestProbe();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", login.Ref), login.Ref);
        login.ExpectMsg<PlayerReplies.Attached>();

        // The session that held the character before its entity was lost asks to take it back: it is told it was replaced.
        var resyncing = CreateTestProbe();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", resyncing.Ref) { Resync = true }, resyncing.Ref);
        Assert.Equal(Neo, resyncing.ExpectMsg<SessionPushes.Replaced>().PlayerId);
        login.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // With nobody attached (a new incarnation), a resync takes the character back.
        StopGracefully(player);
        var alone = StartPlayer();
        alone.Tell(new PlayerCommands.Attach(Neo, "Neo", resyncing.Ref) { Resync = true }, resyncing.Ref);
        resyncing.ExpectMsg<PlayerReplies.Attached>();
    }

    [Fact]
    public void A_session_that_dies_without_detaching_takes_the_character_offline()
    {
        var player = StartPlayer();
        var session = CreateTestProbe();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", session.Ref), session.Ref);
        session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, "c1"), session.Ref);
        _districts.ExpectMsg<DistrictCommands.Join>();
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, "c1", []));
        session.ExpectMsg<PlayerReplies.EnteredDistrict>();

        Sys.Stop(session.Ref);
        Assert.Equal(Neo, _districts.ExpectMsg<DistrictCommands.Depart>().PlayerId);
    }

    /// <summary>Walks west at 20 u/s (5 units every 250 ms of edge time) from x = 1500 to x = 995: International begins below 1000.</summary>
    private void WalkWestPastDowntownsEdge(IActorRef player)
    {
        var at = 100_000L;
        for (var x = 1495; x >= 995; x -= 5)
        {
            at += 250;
            player.Tell(new PlayerCommands.Move(Neo, new Vec3(x, 0, 0), at), _session.Ref);
        }
    }

    private IActorRef StartPlayer(WorldSettings settings) => Sys.ActorOf(PlayerEntity.PropsFor("neo", settings, ActorTestConfig.Map, _districts.Ref));

    [Fact]
    public void A_move_faster_than_the_limit_is_refused_with_the_authoritative_position()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1504, 0, 0), 10_000), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.UpdatePosition>();
        // 60 units in 100 ms is 600 u/s.
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1564, 0, 0), 10_100), _session.Ref);
        var corrected = _session.ExpectMsg<PlayerReplies.PositionCorrected>();
        Assert.Equal((new Vec3(1504, 0, 0), "too_fast"), (corrected.Position, corrected.Reason));
        _districts.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        player.Tell(new PlayerCommands.GetState(Neo));
        Assert.Equal(new Vec3(1504, 0, 0), ExpectMsg<PlayerState>().Position);
    }

    [Fact]
    public void Walking_across_the_edge_hands_the_player_over_to_the_neighbouring_district()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        WalkWestPastDowntownsEdge(player);
        var join = _districts.FishForMessage<DistrictCommands.Join>(_ => true);
        Assert.Equal((new DistrictId("international"), new Vec3(995, 0, 0)), (join.District, join.Position));
        _districts.Reply(new DistrictReplies.Joined(join.District, Neo, join.CommandId, []));
        // Only once the new district is durable does the old one hear the player has left.
        Assert.Equal(Downtown, _districts.FishForMessage<DistrictCommands.Leave>(_ => true).District);
        var entered = _session.FishForMessage<PlayerReplies.EnteredDistrict>(_ => true);
        Assert.Equal(new DistrictId("international"), entered.District);

        StopGracefully(player);
        StartPlayer().Tell(new PlayerCommands.GetState(Neo));
        var state = ExpectMsg<PlayerState>();
        Assert.Equal((new DistrictId("international"), new Vec3(995, 0, 0)), (state.District, state.Position));
    }

    [Fact]
    public void Walking_into_a_full_district_is_refused_and_the_player_stays_put()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        WalkWestPastDowntownsEdge(player);
        var join = _districts.FishForMessage<DistrictCommands.Join>(_ => true);
        _districts.Reply(new DistrictReplies.JoinRefused(join.District, Neo, join.CommandId, ErrorCodes.DistrictFull, "International is full"));
        var corrected = _session.FishForMessage<PlayerReplies.PositionCorrected>(_ => true);
        Assert.Equal(new Vec3(1000, 0, 0), corrected.Position);
        player.Tell(new PlayerCommands.GetState(Neo));
        Assert.Equal(Downtown, ExpectMsg<PlayerState>().District);
    }

    [Fact]
    public void Teleporting_needs_an_unlocked_hardline_and_lands_on_it()
    {
        var player = StartPlayer(ActorTestConfig.Settings with { HardlineUnlockRadius = 0.5 });
        AttachAndEnter(player);
        player.Tell(new PlayerCommands.Teleport(Neo, "downtown-achlys", "t1"), _session.Ref);
        Assert.Equal(ErrorCodes.HardlineLocked, _session.ExpectMsg<Replies.Rejected>().Code);
        player.Tell(new PlayerCommands.Teleport(Neo, "zion-dock", "t2"), _session.Ref);
        Assert.Equal(ErrorCodes.UnknownHardline, _session.ExpectMsg<Replies.Rejected>().Code);

        // Entering with a huge unlock radius unlocks everything in Downtown.
        var wide = StartPlayerAfterStop(player, ActorTestConfig.Settings with { HardlineUnlockRadius = 5000 });
        AttachAndEnter(wide, "c2");
        _session.FishForMessage<PlayerReplies.HardlineUnlocked>(h => h.Hardline == "downtown-achlys");
        wide.Tell(new PlayerCommands.Teleport(Neo, "downtown-achlys", "t3"), _session.Ref);
        var join = _districts.FishForMessage<DistrictCommands.Join>(_ => true);
        Assert.Equal(new Vec3(1710, 0, -260), join.Position);
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, "t3", []));
        Assert.Equal(("t3", new Vec3(1710, 0, -260)),
            _session.FishForMessage<PlayerReplies.EnteredDistrict>(_ => true) is var e ? (e.CommandId, e.Position) : default);
    }

    [Fact]
    public void A_combat_round_is_taken_once_and_never_after_a_later_one()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        player.Tell(new PlayerCommands.TakeCombatRound(Neo, "enc-1", 1, 420, 180));
        Assert.Equal(("enc-1", "neo", 1), ExpectMsg<CombatReplies.RoundTaken>() is var t ? (t.EncounterId, t.Recipient, t.Round) : default);
        player.Tell(new PlayerCommands.TakeCombatRound(Neo, "enc-1", 2, 300, 150));
        ExpectMsg<CombatReplies.RoundTaken>();
        // The encounter did not hear the first answer and asks again, late: acknowledged, nothing changes.
        player.Tell(new PlayerCommands.TakeCombatRound(Neo, "enc-1", 1, 420, 180));
        Assert.Equal(("enc-1", "neo", 1), ExpectMsg<CombatReplies.RoundTaken>() is var again ? (again.EncounterId, again.Recipient, again.Round) : default);
        player.Tell(new PlayerCommands.TakeCombatRound(Neo, "enc-1", 2, 300, 150));
        ExpectMsg<CombatReplies.RoundTaken>();

        StopGracefully(player);
        var restarted = StartPlayer();
        restarted.Tell(new PlayerCommands.GetState(Neo));
        var state = ExpectMsg<PlayerState>();
        Assert.Equal((300, 150, false), (state.Health, state.InnerStrength, state.Derezzed));
        Assert.Equal(["enc-1#2"], state.CombatRounds);
    }

    [Fact]
    public void A_derezzed_character_cannot_move_travel_or_use_objects_and_reconstructs_at_the_nearest_unlocked_hardline()
    {
        var player = StartPlayer(ActorTestConfig.Settings with { HardlineUnlockRadius = 5000 });
        AttachAndEnter(player);
        _session.FishForMessage<PlayerReplies.HardlineUnlocked>(h => h.Hardline == "downtown-river-walk");

        player.Tell(new PlayerCommands.Reconstruct(Neo, null, "r0"), _session.Ref);
        Assert.Equal(ErrorCodes.NotDerezzed, _session.FishForMessage<Replies.Rejected>(_ => true).Code);

        player.Tell(new PlayerCommands.TakeCombatRound(Neo, "enc-7", 3, 0, 40));
        ExpectMsg<CombatReplies.RoundTaken>();
        Assert.Equal(("enc-7", 3), _session.FishForMessage<PlayerReplies.Derezzed>(_ => true) is var d ? (d.EncounterId, d.Round) : default);

        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1501, 0, 0), 5_000), _session.Ref);
        Assert.Equal(ErrorCodes.Derezzed, _session.FishForMessage<PlayerReplies.PositionCorrected>(_ => true).Reason);
        player.Tell(new PlayerCommands.Teleport(Neo, "downtown-achlys", "t1"), _session.Ref);
        Assert.Equal(ErrorCodes.Derezzed, _session.FishForMessage<Replies.Rejected>(_ => true).Code);
        player.Tell(new PlayerCommands.Interact(Neo, "downtown-office-door", "open", "i1"), _session.Ref);
        Assert.Equal(ErrorCodes.Derezzed, _session.FishForMessage<Replies.Rejected>(_ => true).Code);
        _districts.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // none of them reached the district

        // Nearest to the spawn point (1500, 0, 0): Achlys Square, 334 units away.
        var before = DateTimeOffset.UtcNow;
        player.Tell(new PlayerCommands.Reconstruct(Neo, null, "r1"), _session.Ref);
        var join = _districts.ExpectMsg<DistrictCommands.Join>();
        Assert.Equal((Downtown, new Vec3(1710, 0, -260)), (join.District, join.Position));
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, "r1", []));
        var back = _session.FishForMessage<PlayerReplies.Reconstructed>(_ => true);
        Assert.Equal(("r1", new Vec3(1710, 0, -260), 500, 200), (back.CommandId, back.Entered.Position, back.Health, back.InnerStrength));
        Assert.InRange(back.DeathEffectUntilMs, before.AddSeconds(59).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddSeconds(61).ToUnixTimeMilliseconds());

        StopGracefully(player);
        var restarted = StartPlayer();
        restarted.Tell(new PlayerCommands.GetState(Neo));
        var state = ExpectMsg<PlayerState>();
        Assert.Equal((false, 500, new Vec3(1710, 0, -260), back.DeathEffectUntilMs), (state.Derezzed, state.Health, state.Position, state.DeathEffectUntilMs));
    }

    [Fact]
    public void A_derezzed_character_may_choose_an_unlocked_hardline_but_not_a_locked_one()
    {
        var player = StartPlayer(ActorTestConfig.Settings with { HardlineUnlockRadius = 0.5 });
        AttachAndEnter(player);
        player.Tell(new PlayerCommands.TakeCombatRound(Neo, "enc-2", 1, 0, 0));
        ExpectMsg<CombatReplies.RoundTaken>();
        player.Tell(new PlayerCommands.Reconstruct(Neo, "downtown-achlys", "r1"), _session.Ref);
        Assert.Equal(ErrorCodes.HardlineLocked, _session.FishForMessage<Replies.Rejected>(_ => true).Code);

        // Nothing unlocked: back at the district's spawn point.
        player.Tell(new PlayerCommands.Reconstruct(Neo, null, "r2"), _session.Ref);
        var join = _districts.FishForMessage<DistrictCommands.Join>(_ => true);
        Assert.Equal(ActorTestConfig.Map.Find(Downtown)!.Spawn, join.Position);
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, "r2", []));
        Assert.Equal(500, _session.FishForMessage<PlayerReplies.Reconstructed>(_ => true).Health);
    }

    private IActorRef StartPlayerAfterStop(IActorRef player, WorldSettings settings)
    {
        StopGracefully(player);
        return StartPlayer(settings);
    }

    [Fact]
    public void Jacking_out_takes_its_time_and_movement_cancels_it()
    {
        var player = StartPlayer(ActorTestConfig.Settings with { JackOutDuration = TimeSpan.FromMilliseconds(300) });
        AttachAndEnter(player);
        player.Tell(new PlayerCommands.JackOut(Neo, "j1"), _session.Ref);
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1502, 0, 0), 5_000), _session.Ref);
        var cancelled = _session.FishForMessage<Replies.Rejected>(_ => true);
        Assert.Equal(("j1", ErrorCodes.JackOutCancelled), (cancelled.CommandId, cancelled.Code));

        player.Tell(new PlayerCommands.JackOut(Neo, "j2"), _session.Ref);
        Assert.Equal("j2", _session.FishForMessage<PlayerReplies.JackedOut>(_ => true).CommandId);
        _districts.FishForMessage<DistrictCommands.Depart>(_ => true);
        player.Tell(new PlayerCommands.GetState(Neo));
        Assert.Equal(new Vec3(1502, 0, 0), ExpectMsg<PlayerState>().Position);
    }

    // ---------------------------------------------------------------- issue 7: budgets and rates a cheater cannot reset

    private void ReEnter(IActorRef player, TestProbe session, string commandId)
    {
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, commandId), session.Ref);
        var join = _districts.FishForMessage<DistrictCommands.Join>(_ => true);
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, join.CommandId, []));
        session.FishForMessage<PlayerReplies.EnteredDistrict>(_ => true);
    }

    [Fact]
    public void Re_entering_the_same_district_does_not_refill_the_movement_budget()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        // 8.9 units at once spends the whole burst budget (9 units)...
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1508.9, 0, 0), 10_000), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.UpdatePosition>();
        // ...and entering the district one is already in used to hand out a fresh one (2,118 units in 5 s).
        ReEnter(player, _session, "c2");
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1517.8, 0, 0), 10_001), _session.Ref);
        var corrected = _session.FishForMessage<PlayerReplies.PositionCorrected>(_ => true);
        Assert.Equal((new Vec3(1508.9, 0, 0), "too_fast"), (corrected.Position, corrected.Reason));
    }

    [Fact]
    public void A_new_session_does_not_refill_the_movement_budget_whatever_its_clock()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1508.9, 0, 0), 10_000), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.UpdatePosition>();

        // A reconnect, possibly through another edge node whose clock reads far less.
        var newer = CreateTestProbe();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", newer.Ref), newer.Ref);
        newer.ExpectMsg<PlayerReplies.Attached>();
        ReEnter(player, newer, "c2");
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1517.8, 0, 0), 500), newer.Ref);
        Assert.Equal("too_fast", newer.FishForMessage<PlayerReplies.PositionCorrected>(_ => true).Reason);
        // The budget still refills with time on the new clock: 1 unit 200 ms later is fine.
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1509.9, 0, 0), 700), newer.Ref);
        Assert.Equal(new Vec3(1509.9, 0, 0), _districts.FishForMessage<DistrictCommands.UpdatePosition>(_ => true).Position);
    }

    [Fact]
    public void Durable_requests_over_the_rate_are_refused_with_the_time_to_wait_and_never_reach_the_district()
    {
        var player = StartPlayer(ActorTestConfig.Settings with { SayRate = new(0.01, 5) });
        AttachAndEnter(player);
        for (var i = 1; i <= 5; i++)
        {
            player.Tell(new PlayerCommands.Say(Neo, "hi", "s" + i), _session.Ref);
            Assert.Equal("s" + i, _districts.ExpectMsg<DistrictCommands.Say>().CommandId);
        }
        player.Tell(new PlayerCommands.Say(Neo, "hi", "s6"), _session.Ref);
        var refused = _session.FishForMessage<Replies.Rejected>(_ => true);
        Assert.Equal(("s6", ErrorCodes.RateLimited), (refused.CommandId, refused.Code));
        Assert.InRange(refused.RetryAfterMs, 90_000, 100_000); // one token at 0.01/s
        _districts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Each class has its own bucket: interacting is still allowed.
        player.Tell(new PlayerCommands.Interact(Neo, "downtown-bank-terminal", "use", "i1"), _session.Ref);
        Assert.Equal("i1", _districts.ExpectMsg<DistrictCommands.Interact>().CommandId);
    }

    [Fact]
    public void A_client_that_keeps_going_after_rate_limited_is_disconnected_with_4008()
    {
        var player = StartPlayer(ActorTestConfig.Settings with { TravelRate = new(0.01, 1), MaxRateLimitStrikes = 3 });
        AttachAndEnter(player); // spends the one travel token
        for (var i = 1; i <= 3; i++)
        {
            player.Tell(new PlayerCommands.Teleport(Neo, "downtown-achlys", "t" + i), _session.Ref);
            Assert.Equal(ErrorCodes.RateLimited, _session.FishForMessage<Replies.Rejected>(_ => true).Code);
        }
        var disconnect = _session.FishForMessage<SessionPushes.Disconnect>(_ => true);
        Assert.Equal(4008, disconnect.CloseCode);
    }

    [Fact]
    public void A_client_that_keeps_sending_refused_moves_is_disconnected_with_4009()
    {
        var player = StartPlayer(ActorTestConfig.Settings with { MaxRefusedMoves = 5 });
        AttachAndEnter(player);
        for (var i = 1; i <= 5; i++)
        {
            player.Tell(new PlayerCommands.Move(Neo, new Vec3(1500 + 50 * i, 0, 0), 10_000 + i), _session.Ref);
            Assert.Equal("too_fast", _session.FishForMessage<PlayerReplies.PositionCorrected>(_ => true).Reason);
        }
        Assert.Equal(4009, _session.FishForMessage<SessionPushes.Disconnect>(_ => true).CloseCode);
        _districts.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    // ---- failover: a lost district, a new incarnation ----

    /// <summary>Attaches and enters with <paramref name="districtEntity"/> answering as the district entity itself.</summary>
    private void EnterThrough(IActorRef player, TestProbe districtEntity)
    {
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        _session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, "c1"), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.Join>();
        districtEntity.Send(player, new DistrictReplies.Joined(Downtown, Neo, "c1", []));
        _session.ExpectMsg<PlayerReplies.EnteredDistrict>();
    }

    [Fact]
    public void When_its_district_dies_the_player_joins_the_new_incarnation_where_it_is_and_the_session_hears_resynced()
    {
        var player = StartPlayer();
        var districtEntity = CreateTestProbe();
        EnterThrough(player, districtEntity);
        var here = new Vec3(1503, 0, 2);
        player.Tell(new PlayerCommands.Move(Neo, here), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.UpdatePosition>();

        Sys.Stop(districtEntity.Ref); // its node died
        var join = _districts.ExpectMsg<DistrictCommands.Join>();
        Assert.Equal((Downtown, Neo, here, _session.Ref), (join.District, join.PlayerId, join.Position, join.Session));
        // Moves while the join is pending are dropped, not relayed to a district that has no presence for the player.
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1504, 0, 2)), _session.Ref);
        _districts.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        var trinity = new Occupant(new PlayerId("trinity"), "Trinity", new Vec3(1510, 0, 0));
        var newIncarnation = CreateTestProbe();
        newIncarnation.Send(player, new DistrictReplies.Joined(Downtown, Neo, join.CommandId, [trinity]));
        var resynced = _session.ExpectMsg<PlayerReplies.Resynced>();
        Assert.Equal((Downtown, here), (resynced.District!.Value, resynced.Position));
        Assert.Equal([trinity], resynced.Occupants);

        // Moves flow again, and the new incarnation is watched in turn. (On a slow machine the re-join's retry may
        // have gone out before the answer came: a second Join with the same command id, which the district answers
        // alike; skipped here.)
        player.Tell(new PlayerCommands.Move(Neo, new Vec3(1504, 0, 2)), _session.Ref);
        _districts.FishForMessage<DistrictCommands.UpdatePosition>(_ => true);
        Sys.Stop(newIncarnation.Ref);
        Assert.Equal(Neo, _districts.ExpectMsg<DistrictCommands.Join>().PlayerId);
    }

    [Fact]
    public void A_new_incarnation_resumed_by_its_session_re_enters_its_district_without_writing_an_arrival()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        StopGracefully(player); // stands in for the node that died: the journal has the character in Downtown

        var incarnation = StartPlayer();
        incarnation.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        _session.ExpectMsg<PlayerReplies.Attached>();
        incarnation.Tell(new PlayerCommands.Resume(Neo, "resync-1"), _session.Ref);
        var join = _districts.ExpectMsg<DistrictCommands.Join>();
        Assert.Equal((Downtown, ActorTestConfig.Map.Find(Downtown)!.Spawn), (join.District, join.Position));
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, join.CommandId, []));
        var resynced = _session.ExpectMsg<PlayerReplies.Resynced>();
        Assert.Equal(Downtown, resynced.District);

        incarnation.Tell(new PlayerCommands.GetState(Neo));
        Assert.DoesNotContain(join.CommandId, ExpectMsg<PlayerState>().RecentCommandIds); // no new EnteredDistrict event
    }

    [Fact]
    public void A_district_too_busy_to_take_a_resumed_character_back_is_asked_again_and_the_session_hears_nothing_until_it_does()
    {
        var player = StartPlayer();
        AttachAndEnter(player);
        StopGracefully(player);

        var incarnation = StartPlayer();
        incarnation.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        _session.ExpectMsg<PlayerReplies.Attached>();
        incarnation.Tell(new PlayerCommands.Resume(Neo, "resync-1"), _session.Ref);
        var join = _districts.ExpectMsg<DistrictCommands.Join>();
        _districts.Reply(new DistrictReplies.JoinRefused(Downtown, Neo, join.CommandId, ErrorCodes.Busy, "too many requests waiting"));
        // Not given up: the same join again, and no refusal reaches the session (it would end its resync in no district).
        var again = _districts.ExpectMsg<DistrictCommands.Join>();
        Assert.Equal(join.CommandId, again.CommandId);
        _session.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, again.CommandId, []));
        Assert.Equal(Downtown, _session.ExpectMsg<PlayerReplies.Resynced>().District);
    }

    [Fact]
    public void Resuming_a_character_in_no_district_answers_at_once()
    {
        var player = StartPlayer();
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        _session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.Resume(Neo, "resync-1"), _session.Ref);
        Assert.Null(_session.ExpectMsg<PlayerReplies.Resynced>().District);
        _districts.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}

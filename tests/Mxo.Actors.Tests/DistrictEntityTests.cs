using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Districts;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

public sealed class DistrictEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DistrictId Downtown = new("downtown");
    private static readonly PlayerId Neo = new("neo");
    private static readonly PlayerId Trinity = new("trinity");
    private static readonly PlayerId Morpheus = new("morpheus");
    private static readonly Vec3 Spawn = new(1500, 0, 0);
    private static readonly Vec3 FarAway = new(1500, 0, 500);

    public DistrictEntityTests() : base(ActorTestConfig.Hocon)
    {
    }

    private IActorRef StartDistrict(WorldSettings? settings = null) =>
        Sys.ActorOf(DistrictEntity.PropsFor("downtown", settings ?? ActorTestConfig.Settings, ActorTestConfig.Map));

    private DistrictReplies.Joined Join(IActorRef district, PlayerId player, string name, TestProbe session, Vec3 at)
    {
        district.Tell(new DistrictCommands.Join(Downtown, player, name, at, session.Ref, "j-" + player));
        return ExpectMsg<DistrictReplies.Joined>();
    }

    /// <summary>The next view update for a session, skipping other pushes (environment).</summary>
    private static SessionPushes.ViewUpdate NextView(TestProbe session) =>
        session.FishForMessage<SessionPushes.ViewUpdate>(_ => true);

    [Fact]
    public void Joining_lists_who_is_in_view_and_the_next_tick_tells_them()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        var far = CreateTestProbe();
        Assert.Empty(Join(district, Neo, "Neo", neo, Spawn).Occupants);
        Join(district, Morpheus, "Morpheus", far, FarAway);
        var joined = Join(district, Trinity, "Trinity", trinity, new Vec3(1510, 0, 10));
        // Only those within the interest radius: Morpheus is 500 units away.
        Assert.Equal(Neo, Assert.Single(joined.Occupants).PlayerId);

        var view = NextView(neo);
        Assert.Equal(Trinity, Assert.Single(view.Entered).PlayerId);
        Assert.Equal("Trinity", view.Entered[0].Name);
        far.ExpectNoMsg(TimeSpan.FromMilliseconds(500)); // nothing about anyone beyond the radius
    }

    [Fact]
    public void In_a_crowd_joining_lists_and_views_show_only_the_nearest_ViewCap()
    {
        var district = StartDistrict(ActorTestConfig.Settings with { ViewCap = 2 });
        var neo = CreateTestProbe();
        Join(district, Neo, "Neo", neo, Spawn);
        Join(district, Trinity, "Trinity", CreateTestProbe(), new Vec3(1530, 0, 0));
        Join(district, Morpheus, "Morpheus", CreateTestProbe(), new Vec3(1560, 0, 0));

        // The fourth one, at the spawn: of the three within the radius, the two nearest.
        var joined = Join(district, new PlayerId("smith"), "Smith", CreateTestProbe(), new Vec3(1540, 0, 0));
        Assert.Equal([Morpheus, Trinity], joined.Occupants.Select(o => o.PlayerId).OrderBy(p => p.Value, StringComparer.Ordinal));

        // Neo's view is capped too: it ends with Trinity and Smith (30 and 40 away), not Morpheus (60 away), who was
        // in it only while Smith was not there yet, and it never holds more than two.
        var view = new HashSet<PlayerId>();
        AwaitAssert(() =>
        {
            var update = NextView(neo);
            foreach (var id in update.Left) view.Remove(id);
            foreach (var o in update.Entered) view.Add(o.PlayerId);
            Assert.True(view.Count <= 2, $"view of {view.Count}");
            Assert.Equal([new PlayerId("smith"), Trinity], view.OrderBy(p => p.Value, StringComparer.Ordinal));
        });
    }

    [Fact]
    public void Movement_is_batched_per_tick_to_viewers_within_the_radius_only()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        var far = CreateTestProbe();
        Join(district, Neo, "Neo", neo, Spawn);
        Join(district, Trinity, "Trinity", trinity, new Vec3(1520, 0, 0));
        Join(district, Morpheus, "Morpheus", far, FarAway);
        NextView(neo);
        NextView(trinity);

        district.Tell(new DistrictCommands.UpdatePosition(Downtown, Trinity, new Vec3(1521, 0, 0)));
        district.Tell(new DistrictCommands.UpdatePosition(Downtown, Trinity, new Vec3(1522, 0, 0)));
        var view = NextView(neo);
        var moved = Assert.Single(view.Moved);
        Assert.Equal((Trinity, new Vec3(1522, 0, 0)), (moved.PlayerId, moved.Position));
        far.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // Walking out of range is a "left" for the viewer, and nothing more after that.
        district.Tell(new DistrictCommands.UpdatePosition(Downtown, Trinity, new Vec3(1700, 0, 0)));
        Assert.Equal(Trinity, Assert.Single(NextView(neo).Left));
    }

    [Fact]
    public void A_full_district_refuses_entry_and_names_the_alternatives()
    {
        var district = StartDistrict(ActorTestConfig.Settings with { DistrictCapacity = 2 });
        Join(district, Neo, "Neo", CreateTestProbe(), Spawn);
        Join(district, Trinity, "Trinity", CreateTestProbe(), Spawn);
        district.Tell(new DistrictCommands.Join(Downtown, Morpheus, "Morpheus", Spawn, CreateTestProbe().Ref, "j3"));
        var refused = ExpectMsg<DistrictReplies.JoinRefused>();
        Assert.Equal(("j3", ErrorCodes.DistrictFull), (refused.CommandId, refused.Code));
        Assert.Contains("international", refused.Message);
        // Someone already present may re-join (a reconnect), the district is not "more full".
        Join(district, Neo, "Neo", CreateTestProbe(), Spawn);
        district.Tell(new DistrictCommands.GetStatus(Downtown));
        Assert.Equal(2, ExpectMsg<DistrictReplies.Status>().Present);
    }

    [Fact]
    public void Say_is_persisted_heard_within_the_interest_radius_acknowledged_and_recorded_once()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        var morpheus = CreateTestProbe();
        Join(district, Neo, "Neo", neo, Spawn);
        Join(district, Trinity, "Trinity", trinity, new Vec3(1560, 0, 60)); // 85 units away: within the 100 of the radius
        Join(district, Morpheus, "Morpheus", morpheus, FarAway);

        district.Tell(new DistrictCommands.Say(Downtown, Neo, "Whoa.", "s1"), neo.Ref);
        var heard = trinity.FishForMessage<SessionPushes.ChatLine>(_ => true);
        Assert.Equal(("Whoa.", null), (heard.Text, heard.Channel));
        Assert.Equal("Neo", neo.FishForMessage<SessionPushes.ChatLine>(_ => true).Name);
        Assert.Equal("s1", neo.FishForMessage<Replies.Acknowledged>(_ => true).CommandId);

        // A retry of the same request: acknowledged again, nobody hears it twice.
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "Whoa.", "s1"), neo.Ref);
        Assert.Equal("s1", neo.FishForMessage<Replies.Acknowledged>(_ => true).CommandId);
        var again = 0;
        trinity.ReceiveWhile(TimeSpan.FromMilliseconds(300), m =>
        {
            if (m is SessionPushes.ChatLine) again++;
            return m;
        });
        Assert.Equal(0, again);
        morpheus.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // 500 units away: hears nothing, sees nothing
    }

    [Fact]
    public void Hearing_a_say_is_not_capped_like_a_view()
    {
        // A view of one: everyone within the radius still hears the line.
        var district = StartDistrict(ActorTestConfig.Settings with { ViewCap = 1 });
        var probes = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        Join(district, Neo, "Neo", probes[0], Spawn);
        Join(district, Trinity, "Trinity", probes[1], new Vec3(1510, 0, 0));
        Join(district, Morpheus, "Morpheus", probes[2], new Vec3(1520, 0, 0));

        district.Tell(new DistrictCommands.Say(Downtown, Morpheus, "All of you.", "s1"), probes[2].Ref);
        Assert.All(probes, p => Assert.Equal("All of you.", p.FishForMessage<SessionPushes.ChatLine>(_ => true).Text));
    }

    [Fact]
    public void A_district_line_is_heard_by_everyone_present_however_far()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var morpheus = CreateTestProbe();
        Join(district, Neo, "Neo", neo, Spawn);
        Join(district, Morpheus, "Morpheus", morpheus, FarAway);

        district.Tell(new DistrictCommands.Say(Downtown, Neo, "Anyone?", "d1") { Channel = "district" }, neo.Ref);
        var heard = morpheus.FishForMessage<SessionPushes.ChatLine>(_ => true);
        Assert.Equal(("Anyone?", "district", "Neo"), (heard.Text, heard.Channel, heard.Name));
        Assert.Equal("district", neo.FishForMessage<SessionPushes.ChatLine>(_ => true).Channel);
        Assert.Equal("d1", neo.FishForMessage<Replies.Acknowledged>(_ => true).CommandId);
    }

    [Fact]
    public void An_emote_is_seen_within_the_interest_radius_only_and_not_journaled()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        var morpheus = CreateTestProbe();
        Join(district, Neo, "Neo", neo, Spawn);
        Join(district, Trinity, "Trinity", trinity, new Vec3(1510, 0, 10));
        Join(district, Morpheus, "Morpheus", morpheus, FarAway);

        district.Tell(new Mxo.Protocol.Chat.ChatCommands.DistrictEmote(Downtown, Neo, "bow", "e1"), neo.Ref);
        var seen = trinity.FishForMessage<Mxo.Protocol.Chat.ChatPushes.Emoted>(_ => true);
        Assert.Equal((Neo, "Neo", "bow"), (seen.From, seen.Name, seen.Emote));
        Assert.Equal("e1", neo.FishForMessage<Replies.Acknowledged>(_ => true).CommandId);
        morpheus.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        district.Tell(new Mxo.Protocol.Chat.ChatCommands.DistrictEmote(Downtown, new PlayerId("smith"), "bow", "e2"));
        Assert.Equal(ErrorCodes.NotInDistrict, ExpectMsg<Replies.Rejected>().Code);
    }

    [Fact]
    public void Chat_from_someone_not_present_is_refused()
    {
        var district = StartDistrict();
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "hi", "s1"));
        Assert.Equal(ErrorCodes.NotInDistrict, ExpectMsg<Replies.Rejected>().Code);
    }

    [Fact]
    public void Departing_or_a_dead_session_is_a_left_for_those_who_saw_it_and_an_empty_district_stops_ticking()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        var morpheus = CreateTestProbe();
        Join(district, Neo, "Neo", neo, Spawn);
        Join(district, Trinity, "Trinity", trinity, new Vec3(1505, 0, 0));
        Join(district, Morpheus, "Morpheus", morpheus, new Vec3(1495, 0, 0));
        Assert.Equal(2, NextView(neo).Entered.Length);

        district.Tell(new DistrictCommands.Depart(Downtown, Trinity));
        Assert.Equal(Trinity, Assert.Single(NextView(neo).Left));
        Sys.Stop(morpheus.Ref);
        Assert.Equal(Morpheus, Assert.Single(NextView(neo).Left));

        district.Tell(new DistrictCommands.Depart(Downtown, Neo));
        district.Tell(new DistrictCommands.GetStatus(Downtown));
        var before = ExpectMsg<DistrictReplies.Status>();
        Assert.Equal(0, before.Present);
        ExpectNoMsg(TimeSpan.FromMilliseconds(400)); // eight tick intervals pass
        district.Tell(new DistrictCommands.GetStatus(Downtown));
        Assert.InRange(ExpectMsg<DistrictReplies.Status>().Ticks, before.Ticks, before.Ticks + 1);
    }

    [Fact]
    public void Using_an_object_is_recorded_broadcast_and_survives_a_restart()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        var nearDoor = new Vec3(1517, 0, 55);
        Join(district, Neo, "Neo", neo, nearDoor);
        Join(district, Trinity, "Trinity", trinity, FarAway);

        district.Tell(new DistrictCommands.Interact(Downtown, Neo, "downtown-office-door", "open", "i1"), neo.Ref);
        var changed = trinity.FishForMessage<SessionPushes.ObjectChanged>(_ => true);
        Assert.Equal(("downtown-office-door", "open", Neo), (changed.Object.Id, changed.Object.State, changed.By));
        Assert.Equal("i1", neo.FishForMessage<Replies.Acknowledged>(_ => true).CommandId);

        district.Tell(new DistrictCommands.Interact(Downtown, Neo, "downtown-bank-terminal", "use", "i2"), neo.Ref);
        Assert.Equal(ErrorCodes.OutOfReach, neo.FishForMessage<Replies.Rejected>(_ => true).Code);
        district.Tell(new DistrictCommands.Interact(Downtown, Neo, "no-such-thing", "use", "i3"), neo.Ref);
        Assert.Equal(ErrorCodes.UnknownObject, neo.FishForMessage<Replies.Rejected>(_ => true).Code);
        district.Tell(new DistrictCommands.Interact(Downtown, Neo, "downtown-office-door", "dance", "i4"), neo.Ref);
        Assert.Equal(ErrorCodes.UnknownAction, neo.FishForMessage<Replies.Rejected>(_ => true).Code);

        Watch(district);
        Sys.Stop(district);
        ExpectTerminated(district);
        var restarted = StartDistrict();
        restarted.Tell(new DistrictCommands.GetStatus(Downtown));
        var status = ExpectMsg<DistrictReplies.Status>();
        Assert.Equal("open", status.Objects.Single(o => o.Id == "downtown-office-door").State);
        Assert.Equal("idle", status.Objects.Single(o => o.Id == "downtown-bank-terminal").State);
    }

    [Fact]
    public void A_terminal_used_again_by_its_last_user_records_and_broadcasts_nothing()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var morpheus = CreateTestProbe();
        var trinity = CreateTestProbe();
        var atTerminal = new Vec3(1452, 0, -30);
        Join(district, Neo, "Neo", neo, atTerminal);
        Join(district, Morpheus, "Morpheus", morpheus, atTerminal);
        Join(district, Trinity, "Trinity", trinity, FarAway);

        // Issue 7: every use was a new journal entry and a broadcast, 1,223 times a second.
        for (var i = 1; i <= 5; i++)
        {
            district.Tell(new DistrictCommands.Interact(Downtown, Neo, "downtown-bank-terminal", "use", "u" + i), neo.Ref);
            Assert.Equal("u" + i, neo.FishForMessage<Replies.Acknowledged>(_ => true).CommandId);
        }
        district.Tell(new DistrictCommands.Interact(Downtown, Morpheus, "downtown-bank-terminal", "use", "m1"), morpheus.Ref);
        Assert.Equal("m1", morpheus.FishForMessage<Replies.Acknowledged>(_ => true).CommandId);

        // Trinity hears Neo's first use and then Morpheus's: Neo's four repeats were neither broadcast nor (since a
        // broadcast follows every persisted use) recorded.
        Assert.Equal(Neo, trinity.FishForMessage<SessionPushes.ObjectChanged>(_ => true).By);
        Assert.Equal(Morpheus, trinity.FishForMessage<SessionPushes.ObjectChanged>(_ => true).By);
    }

    [Fact]
    public void Residents_survive_a_restart_and_presence_does_not()
    {
        var district = StartDistrict();
        Join(district, Neo, "Neo", CreateTestProbe(), Spawn);
        Join(district, Trinity, "Trinity", CreateTestProbe(), Spawn);
        district.Tell(new DistrictCommands.Leave(Downtown, Trinity));
        district.Tell(new DistrictCommands.GetOccupancy(Downtown));
        Assert.Equal(1, ExpectMsg<DistrictReplies.Occupancy>().Residents);

        Watch(district);
        Sys.Stop(district);
        ExpectTerminated(district);
        var restarted = StartDistrict();
        restarted.Tell(new DistrictCommands.GetOccupancy(Downtown));
        var occupancy = ExpectMsg<DistrictReplies.Occupancy>();
        Assert.Equal(1, occupancy.Residents);
        Assert.Empty(occupancy.Present);
    }
}

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

    public DistrictEntityTests() : base(ActorTestConfig.Hocon)
    {
    }

    private IActorRef StartDistrict() => Sys.ActorOf(DistrictEntity.PropsFor("downtown", ActorTestConfig.Settings));

    private DistrictReplies.Joined Join(IActorRef district, PlayerId player, string name, TestProbe session, Vec3 at = default)
    {
        district.Tell(new DistrictCommands.Join(Downtown, player, name, at, session.Ref, "j-" + player));
        return ExpectMsg<DistrictReplies.Joined>();
    }

    [Fact]
    public void Joining_lists_who_is_present_and_tells_them()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        Assert.Empty(Join(district, Neo, "Neo", neo).Occupants);
        var joined = Join(district, Trinity, "Trinity", trinity, new Vec3(1, 2, 3));
        Assert.Equal(Neo, Assert.Single(joined.Occupants).PlayerId);
        var entered = neo.ExpectMsg<SessionPushes.OccupantEntered>();
        Assert.Equal((Trinity, new Vec3(1, 2, 3)), (entered.Occupant.PlayerId, entered.Occupant.Position));
        trinity.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Movement_is_relayed_to_the_others_only()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        Join(district, Neo, "Neo", neo);
        Join(district, Trinity, "Trinity", trinity);
        neo.ExpectMsg<SessionPushes.OccupantEntered>();

        district.Tell(new DistrictCommands.UpdatePosition(Downtown, Trinity, new Vec3(5, 0, 5)));
        var moved = neo.ExpectMsg<SessionPushes.OccupantMoved>();
        Assert.Equal((Trinity, new Vec3(5, 0, 5)), (moved.PlayerId, moved.Position));
        trinity.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Chat_is_persisted_broadcast_acknowledged_and_recorded_once()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        Join(district, Neo, "Neo", neo);
        Join(district, Trinity, "Trinity", trinity);
        neo.ExpectMsg<SessionPushes.OccupantEntered>();

        district.Tell(new DistrictCommands.Say(Downtown, Neo, "Whoa.", "s1"), neo.Ref);
        Assert.Equal("Whoa.", trinity.ExpectMsg<SessionPushes.ChatLine>().Text);
        Assert.Equal("Neo", neo.ExpectMsg<SessionPushes.ChatLine>().Name);
        Assert.Equal("s1", neo.ExpectMsg<PlayerReplies.Acknowledged>().CommandId);

        // A retry of the same request: acknowledged again, nobody hears it twice.
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "Whoa.", "s1"), neo.Ref);
        Assert.Equal("s1", neo.ExpectMsg<PlayerReplies.Acknowledged>().CommandId);
        trinity.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Chat_from_someone_not_present_is_refused()
    {
        var district = StartDistrict();
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "hi", "s1"));
        Assert.Equal(ErrorCodes.NotInDistrict, ExpectMsg<PlayerReplies.Rejected>().Code);
    }

    [Fact]
    public void Departing_or_a_dead_session_tells_the_others()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var trinity = CreateTestProbe();
        var morpheus = CreateTestProbe();
        Join(district, Neo, "Neo", neo);
        Join(district, Trinity, "Trinity", trinity);
        Join(district, new PlayerId("morpheus"), "Morpheus", morpheus);
        neo.ExpectMsg<SessionPushes.OccupantEntered>();
        neo.ExpectMsg<SessionPushes.OccupantEntered>();

        district.Tell(new DistrictCommands.Depart(Downtown, Trinity));
        Assert.Equal(Trinity, neo.ExpectMsg<SessionPushes.OccupantLeft>().PlayerId);

        Sys.Stop(morpheus.Ref);
        Assert.Equal(new PlayerId("morpheus"), neo.ExpectMsg<SessionPushes.OccupantLeft>().PlayerId);

        district.Tell(new DistrictCommands.GetOccupancy(Downtown));
        var occupancy = ExpectMsg<DistrictReplies.Occupancy>();
        Assert.Equal(3, occupancy.Residents);
        Assert.Equal(Neo, Assert.Single(occupancy.Present).PlayerId);
    }

    [Fact]
    public void Residents_survive_a_restart_and_presence_does_not()
    {
        var district = StartDistrict();
        Join(district, Neo, "Neo", CreateTestProbe());
        Join(district, Trinity, "Trinity", CreateTestProbe());
        district.Tell(new DistrictCommands.Leave(Downtown, Trinity));
        // 2 arrivals + 1 departure + 1 chat: crosses SnapshotEvery = 3.
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

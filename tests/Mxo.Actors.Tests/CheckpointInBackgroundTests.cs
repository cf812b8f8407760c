using Akka.Actor;
using Akka.Persistence;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>A player's periodic position checkpoint is written without stashing the player's moves behind it.</summary>
public sealed class CheckpointInBackgroundTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly IActorRef _journal;

    public CheckpointInBackgroundTests() : base(ActorTestConfig.WithJournal<GatedJournal>("gated"))
    {
        _journal = Persistence.Instance.Apply(Sys).JournalFor(null);
    }

    private GatedJournal.Writes Ask(object control)
    {
        _journal.Tell(control, TestActor);
        return ExpectMsg<GatedJournal.Writes>();
    }

    [Fact]
    public void Moves_reach_the_district_while_a_checkpoint_is_being_written_and_the_checkpoint_then_lands()
    {
        var id = new PlayerId("neo");
        var downtown = new DistrictId("downtown");
        var districts = CreateTestProbe();
        var session = CreateTestProbe();
        var player = Sys.ActorOf(PlayerEntity.PropsFor("neo", ActorTestConfig.Settings, ActorTestConfig.Map, districts.Ref));
        player.Tell(new PlayerCommands.Attach(id, "Neo", session.Ref), session.Ref);
        session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.EnterDistrict(id, downtown, "c1"), session.Ref);
        districts.ExpectMsg<DistrictCommands.Join>();
        districts.Reply(new DistrictReplies.Joined(downtown, id, "c1", []));
        var spawn = session.ExpectMsg<PlayerReplies.EnteredDistrict>().Position;

        var before = Ask(new GatedJournal.Close()).Asked.Count;
        player.Tell(new PlayerCommands.Move(id, spawn with { X = spawn.X + 2 }), session.Ref);
        districts.ExpectMsg<DistrictCommands.UpdatePosition>();
        // The checkpoint timer fires and its write is now held by the journal.
        AwaitAssert(() => Assert.Equal(before + 1, Ask(new GatedJournal.GetWrites()).Asked.Count));

        var second = spawn with { X = spawn.X + 3 };
        player.Tell(new PlayerCommands.Move(id, second), session.Ref);
        Assert.Equal(second, districts.ExpectMsg<DistrictCommands.UpdatePosition>().Position);

        Assert.Contains(Ask(new GatedJournal.Open()).Asked[before], e => e is PlayerEvents.PositionCheckpointed);
        AwaitAssert(() =>
        {
            player.Tell(new PlayerCommands.GetState(id), TestActor);
            Assert.NotEqual(spawn, ExpectMsg<PlayerState>().Position);
        });
    }
}

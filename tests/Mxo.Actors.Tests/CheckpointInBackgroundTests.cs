using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>The in-memory journal, except that the writes of a gated persistence id wait until the test opens its gate.</summary>
public sealed class GatedJournal : MemoryJournal
{
    /// <summary>Persistence id → (signalled when a write is held, opened by the test).</summary>
    public static readonly ConcurrentDictionary<string, (TaskCompletionSource Held, TaskCompletionSource Gate)> Gates = new();

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        foreach (var write in writes)
            if (Gates.TryGetValue(write.PersistenceId, out var gate))
            {
                gate.Held.TrySetResult();
                await gate.Gate.Task.ConfigureAwait(false);
            }
        return await base.WriteMessagesAsync(writes, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A player's periodic position checkpoint is written without stashing the player's moves behind it.</summary>
public sealed class CheckpointInBackgroundTests : Akka.TestKit.Xunit2.TestKit
{
    public CheckpointInBackgroundTests() : base(ActorTestConfig.WithJournal<GatedJournal>("gated"))
    {
    }

    [Fact]
    public async Task Moves_reach_the_district_while_a_checkpoint_is_being_written_and_the_checkpoint_then_lands()
    {
        var name = "gated-" + Guid.NewGuid().ToString("N")[..8];
        var id = new PlayerId(name);
        var downtown = new DistrictId("downtown");
        var districts = CreateTestProbe();
        var session = CreateTestProbe();
        var player = Sys.ActorOf(PlayerEntity.PropsFor(name, ActorTestConfig.Settings, ActorTestConfig.Map, districts.Ref));
        player.Tell(new PlayerCommands.Attach(id, name, session.Ref), session.Ref);
        session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.EnterDistrict(id, downtown, "c1"), session.Ref);
        districts.ExpectMsg<DistrictCommands.Join>();
        districts.Reply(new DistrictReplies.Joined(downtown, id, "c1", []));
        var spawn = session.ExpectMsg<PlayerReplies.EnteredDistrict>().Position;

        var gate = (Held: new TaskCompletionSource(), Gate: new TaskCompletionSource());
        GatedJournal.Gates["player-" + name] = gate;
        try
        {
            var first = spawn with { X = spawn.X + 2 };
            player.Tell(new PlayerCommands.Move(id, first), session.Ref);
            await districts.ExpectMsgAsync<DistrictCommands.UpdatePosition>();
            // The checkpoint timer fires and its write is now held by the journal.
            await gate.Held.Task.WaitAsync(Dilated(TimeSpan.FromSeconds(5)));

            var second = spawn with { X = spawn.X + 3 };
            player.Tell(new PlayerCommands.Move(id, second), session.Ref);
            Assert.Equal(second, (await districts.ExpectMsgAsync<DistrictCommands.UpdatePosition>()).Position);
        }
        finally
        {
            gate.Gate.TrySetResult();
            GatedJournal.Gates.TryRemove("player-" + name, out _);
        }

        AwaitAssert(() =>
        {
            player.Tell(new PlayerCommands.GetState(id), TestActor);
            Assert.NotEqual(spawn, ExpectMsg<PlayerState>().Position);
        }, Dilated(TimeSpan.FromSeconds(5)), TimeSpan.FromMilliseconds(100));
    }
}

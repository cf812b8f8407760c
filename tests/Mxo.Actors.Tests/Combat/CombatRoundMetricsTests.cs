using Akka.Actor;
using Mxo.Actors.Combat;
using Mxo.Protocol.Combat;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Actors.Tests.Combat;

/// <summary><c>mxo_combat_rounds_total</c> and <c>mxo_combat_round_lateness_seconds</c> as <see cref="CombatEncounterEntity"/> moves them.</summary>
public sealed class CombatRoundMetricsTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CombatTable Table = CombatTable.Load(CombatTable.DefaultPath);
    private static readonly FighterStatsData Stats = new(500, 500, 200, 200, 20, 55, 50, 10);

    public CombatRoundMetricsTests() : base(ActorTestConfig.Hocon)
    {
    }

    [Fact]
    public void A_persisted_round_is_counted_with_how_late_it_was_resolved()
    {
        // Process-wide series that other test classes move at the same time: deltas, and only lower bounds.
        var (rounds, observed, seconds) = (WorldMetrics.CombatRounds.Value, WorldMetrics.CombatRoundLateness.Count,
            WorldMetrics.CombatRoundLateness.Sum);
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        var entity = Sys.ActorOf(CombatEncounterEntity.PropsFor("m1", Table, clock, CombatEncounterEntity.SnapshotEvery,
            TimeSpan.FromMilliseconds(10)));
        var wait = TestTime.Scaled(TimeSpan.FromSeconds(5));
        entity.Tell(new CombatCommands.StartEncounter("m1", "neo", Stats, "smith", Stats, 5, 3, [TestActor]));
        ExpectMsg<CombatReplies.EncounterStarted>(wait);

        // The clock jumps 250 ms past the round's time: the next timer finds the round exactly that late.
        clock.Advance(Table.Settings.Round + TimeSpan.FromMilliseconds(250));
        Assert.Equal(1, ExpectMsg<CombatPushes.RoundPlayed>(wait).Round); // told after the metrics are moved

        Assert.True(WorldMetrics.CombatRounds.Value >= rounds + 1);
        Assert.True(WorldMetrics.CombatRoundLateness.Count >= observed + 1);
        Assert.True(WorldMetrics.CombatRoundLateness.Sum >= seconds + 0.25);
    }
}

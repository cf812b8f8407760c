using Akka.Actor;
using Akka.Persistence;
using Mxo.Actors.Combat;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Actors.Tests.Combat;

/// <summary>An encounter whose journal refuses writes: actions are answered unavailable, rounds wait, nothing is told before it is durable.</summary>
public sealed class CombatJournalRefusalTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CombatTable Table = CombatFiles.TableWithRoundMs(1000);

    private static readonly FighterStatsData Stats = new(500, 500, 200, 200, 20, 55, 50, 10);

    public CombatJournalRefusalTests() : base(ActorTestConfig.WithJournal<SwitchedJournal>("switched"))
    {
    }

    private static TimeSpan Wait => TestTime.Scaled(TimeSpan.FromSeconds(5));

    private void JournalDown(bool down)
    {
        Persistence.Instance.Apply(Sys).JournalFor(null).Tell(new SwitchedJournal.Down(down));
        ExpectMsg<SwitchedJournal.Down>(Wait);
    }

    [Fact]
    public void While_the_journal_refuses_actions_are_unavailable_and_the_round_waits_then_is_played_once()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        var notify = CreateTestProbe();
        var entity = Sys.ActorOf(CombatEncounterEntity.PropsFor("r1", Table, clock, CombatEncounterEntity.SnapshotEvery, TimeSpan.FromMilliseconds(10)));
        entity.Tell(new CombatCommands.StartEncounter("r1", "neo", Stats, "smith", Stats, 5, 8, [notify.Ref]));
        ExpectMsg<CombatReplies.EncounterStarted>(Wait);

        JournalDown(true);
        entity.Tell(new CombatCommands.ChooseTactic("r1", "neo", "power", "c1"));
        var refused = ExpectMsg<Replies.Rejected>(Wait);
        Assert.Equal(("c1", ErrorCodes.Unavailable), (refused.CommandId, refused.Code));
        clock.Advance(Table.Settings.Round);
        notify.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the round is refused: nobody is told
        entity.Tell(new CombatCommands.GetEncounter("r1"));
        var waiting = ExpectMsg<EncounterState>(Wait);
        Assert.Equal(0, waiting.Round);
        Assert.Equal("speed", waiting.A!.Tactic);

        JournalDown(false);
        var round = notify.ExpectMsg<CombatPushes.RoundPlayed>(Wait);
        Assert.Equal(1, round.Round);
        notify.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        entity.Tell(new CombatCommands.ChooseTactic("r1", "neo", "power", "c1"));
        ExpectMsg<CombatReplies.Accepted>(Wait);
        entity.Tell(new CombatCommands.GetEncounter("r1"));
        var after = ExpectMsg<EncounterState>(Wait);
        Assert.Equal((1, Table.Settings.Round.Ticks, "power"), (after.Round, after.LastRoundAtTicks, after.A!.Tactic));
    }
}

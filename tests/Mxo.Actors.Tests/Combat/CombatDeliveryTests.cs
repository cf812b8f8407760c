using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Combat;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Actors.Tests.Combat;

/// <summary>
/// What an encounter tells the fighters' entities and its district (issue 11): every stored round, repeated until each
/// confirms it, the latest superseding an unconfirmed older one; the end of the fight, forfeits included.
/// </summary>
public sealed class CombatDeliveryTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CombatTable Table = CombatFiles.TableWithRoundMs(1000);

    private static readonly DateTimeOffset Origin = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly FighterStatsData Sturdy = new(500, 500, 200, 200, 20, 55, 50, 10);

    public CombatDeliveryTests() : base(ActorTestConfig.Hocon)
    {
    }

    private static TimeSpan Wait => TestTime.Scaled(TimeSpan.FromSeconds(5));

    private sealed record Fight(IActorRef Entity, ManualClock Clock, TestProbe Players, TestProbe Districts);

    /// <summary>A player (neo) against an NPC in downtown, with probes for the player and district regions.</summary>
    private Fight Begin(string id)
    {
        var clock = new ManualClock(Origin);
        var players = CreateTestProbe();
        var districts = CreateTestProbe();
        var entity = Sys.ActorOf(CombatEncounterEntity.PropsFor(id, Table, clock, maxTimerDelay: TimeSpan.FromMilliseconds(10),
            players: players.Ref, districts: districts.Ref));
        entity.Tell(new CombatCommands.StartEncounter(id, "neo", Sturdy, "npc:agent-1", Sturdy, 5, 7, [])
        {
            District = "downtown", APlayer = true, BPlayer = false,
        });
        ExpectMsg<CombatReplies.EncounterStarted>(Wait);
        return new Fight(entity, clock, players, districts);
    }

    [Fact]
    public void A_round_goes_to_the_character_and_the_district_and_is_repeated_until_each_confirms_it()
    {
        var fight = Begin("d1");
        fight.Clock.Advance(Table.Settings.Round);
        var taken = fight.Players.ExpectMsg<PlayerCommands.TakeCombatRound>(Wait);
        Assert.Equal(("neo", "d1", 1, false), (taken.PlayerId.Value, taken.EncounterId, taken.Round, taken.Ended));
        Assert.Equal(1, taken.Played!.Round);
        var seen = fight.Districts.ExpectMsg<DistrictCommands.FightRound>(Wait);
        Assert.Equal(("downtown", 1), (seen.District.Value, seen.Round));
        Assert.Equal(["neo", "npc:agent-1"], seen.Fighters.Select(f => f.Id));
        fight.Players.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // nothing goes to the NPC: it is not a character

        // Not confirmed: sent again (after RedeliverEvery); confirmed: no more.
        Assert.Equal(1, fight.Players.ExpectMsg<PlayerCommands.TakeCombatRound>(Wait).Round);
        fight.Entity.Tell(new CombatReplies.RoundTaken("d1", "neo", 1));
        fight.Entity.Tell(new CombatReplies.RoundTaken("d1", "@downtown", 1));
        fight.Districts.FishForMessage<DistrictCommands.FightRound>(r => r.Round == 1, Wait); // may have been repeated meanwhile
        fight.Players.ExpectNoMsg(CombatEncounterEntity.RedeliverEvery + TimeSpan.FromMilliseconds(300));
        fight.Districts.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_forfeit_ends_the_fight_for_the_other_side_and_the_end_is_delivered_until_confirmed()
    {
        var fight = Begin("d2");
        fight.Entity.Tell(new CombatCommands.Forfeit("d2", "neo"));
        ExpectMsg<CombatReplies.Accepted>(Wait);
        var end = fight.Players.ExpectMsg<PlayerCommands.TakeCombatRound>(Wait);
        Assert.Equal((true, "npc:agent-1", EncounterEndReason.Forfeit, 1), (end.Ended, end.Winner, end.Reason, end.Round));
        Assert.Null(end.Played); // no round was played: the end alone
        var seen = fight.Districts.ExpectMsg<DistrictCommands.FightRound>(Wait);
        Assert.True(seen.Ended);

        // A second forfeit, or one by someone not in the fight, changes nothing.
        fight.Entity.Tell(new CombatCommands.Forfeit("d2", "neo"));
        ExpectMsg<CombatReplies.Accepted>(Wait);
        fight.Entity.Tell(new CombatCommands.Forfeit("d2", "trinity"));
        Assert.Equal(CombatErrorCodes.NotInEncounter, ExpectMsg<Replies.Rejected>(Wait).Code);
        // Actions after the end are refused; no round is played any more.
        fight.Entity.Tell(new CombatCommands.ChooseTactic("d2", "neo", "power", "c1"));
        Assert.Equal(CombatErrorCodes.EncounterOver, ExpectMsg<Replies.Rejected>(Wait).Code);
        fight.Clock.Advance(Table.Settings.Round * 2);
        fight.Players.FishForMessage<PlayerCommands.TakeCombatRound>(t => t.Ended, Wait); // the end, repeated while unconfirmed
    }
}

using Akka.Actor;
using Mxo.Actors.Districts;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Npcs;
using Mxo.Protocol.Players;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Actors.Tests.Combat;

/// <summary>
/// A district as the host of its NPCs and the referee of engagements (issue 11): who may fight whom, the NPC's AI answering
/// each round, and a defeated NPC that stays down across a restart of its district and comes back on time.
/// </summary>
public sealed class DistrictNpcTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DistrictId Downtown = new("downtown");
    private static readonly PlayerId Neo = new("neo");
    private static readonly CombatTable Table = CombatTable.Load(CombatTable.DefaultPath);
    private static readonly NpcTable Npcs = NpcTable.Load(NpcTable.DefaultPath, Table, ActorTestConfig.Map);
    private static readonly DistrictNpc Bluepill = DistrictNpc.Of(Npcs.Spawn("downtown-bluepill-1")!) with { Respawn = TimeSpan.FromSeconds(2) };
    private static readonly FighterStatsData Neos = Npcs.PlayerStats(500, 200);

    public DistrictNpcTests() : base(ActorTestConfig.Hocon)
    {
    }

    private static TimeSpan Wait => TestTime.Scaled(TimeSpan.FromSeconds(5));

    private IActorRef StartDistrict(IActorRef encounters) =>
        Sys.ActorOf(DistrictEntity.PropsFor("downtown", ActorTestConfig.Settings, ActorTestConfig.Map,
            fighting: new DistrictFighting(Table.Settings, [Bluepill], () => encounters)));

    private void Join(IActorRef district, Akka.TestKit.TestProbe session, Vec3 at)
    {
        district.Tell(new DistrictCommands.Join(Downtown, Neo, "Neo", at, session.Ref, "j1"));
        var joined = ExpectMsg<DistrictReplies.Joined>(Wait);
        Assert.Contains(joined.Occupants, o => o.PlayerId.Value == Bluepill.FighterId && o.Kind == "bluepill");
    }

    [Fact]
    public void An_engagement_is_refused_out_of_range_then_starts_and_the_npc_answers_each_round()
    {
        var encounters = CreateTestProbe();
        var session = CreateTestProbe();
        var district = StartDistrict(encounters.Ref);
        Join(district, session, new Vec3(1500, 0, 0)); // 47 units from the bluepill

        district.Tell(new DistrictCommands.Engage(Downtown, Neo, Bluepill.FighterId, Neos, session.Ref, "e1"));
        Assert.Equal(CombatErrorCodes.OutOfRange, session.FishForMessage<Replies.Rejected>(_ => true, Wait).Code);
        district.Tell(new DistrictCommands.UpdatePosition(Downtown, Neo, new Vec3(1530, 0, -25)));
        district.Tell(new DistrictCommands.Engage(Downtown, Neo, "npc:nobody", Neos, session.Ref, "e2"));
        Assert.Equal(CombatErrorCodes.UnknownTarget, session.FishForMessage<Replies.Rejected>(_ => true, Wait).Code);
        district.Tell(new DistrictCommands.Engage(Downtown, Neo, Bluepill.FighterId, Neos, session.Ref, "e3"));
        var start = encounters.ExpectMsg<CombatCommands.StartEncounter>(Wait);
        Assert.Equal(("neo", Bluepill.FighterId, "downtown", true, false), (start.FighterA, start.FighterB, start.District, start.APlayer, start.BPlayer));
        encounters.Reply(new CombatReplies.EncounterStarted(start.EncounterId, start.FighterA, start.FighterB));
        var started = session.FishForMessage<CombatPushes.Started>(_ => true, Wait);
        Assert.Equal((start.EncounterId, "e3", "bluepill"), (started.EncounterId, started.CommandId, started.OpponentKind));

        // Held for that fight: a second engagement is refused.
        district.Tell(new DistrictCommands.Engage(Downtown, Neo, Bluepill.FighterId, Neos, session.Ref, "e4"));
        Assert.Equal(CombatErrorCodes.InCombat, session.FishForMessage<Replies.Rejected>(_ => true, Wait).Code);

        // A round: confirmed to the encounter, shown to the fighter's session, and the NPC picks its next tactic.
        district.Tell(new DistrictCommands.FightRound(Downtown, start.EncounterId, 1, [new("neo", 480, 500), new(Bluepill.FighterId, 100, 150)],
            false, null, EncounterEndReason.Defeat), encounters.Ref);
        var tactic = encounters.FishForMessage<CombatCommands.ChooseTactic>(_ => true, Wait);
        Assert.Equal(Bluepill.FighterId, tactic.FighterId);
        Assert.Contains(tactic.TacticId, Bluepill.Kind.Tactics.Select(t => t.TacticId));
        Assert.Equal(1, encounters.FishForMessage<CombatReplies.RoundTaken>(_ => true, Wait).Round);
        Assert.Equal(1, session.FishForMessage<SessionPushes.FightSeen>(_ => true, Wait).Round);
    }

    [Fact]
    public void A_defeated_npc_stays_down_across_a_restart_and_comes_back_after_its_delay()
    {
        var encounters = CreateTestProbe();
        var session = CreateTestProbe();
        var district = StartDistrict(encounters.Ref);
        Join(district, session, new Vec3(1530, 0, -25));
        district.Tell(new DistrictCommands.FightRound(Downtown, "enc-9", 4, [new("neo", 300, 500), new(Bluepill.FighterId, 0, 150)],
            true, "neo", EncounterEndReason.Defeat), encounters.Ref);
        Assert.Equal(4, encounters.FishForMessage<CombatReplies.RoundTaken>(_ => true, Wait).Round); // after the defeat is stored

        Watch(district);
        Sys.Stop(district);
        ExpectTerminated(district, Wait);
        var restarted = StartDistrict(encounters.Ref);
        restarted.Tell(new DistrictCommands.Join(Downtown, Neo, "Neo", new Vec3(1530, 0, -25), session.Ref, "j2"));
        Assert.DoesNotContain(ExpectMsg<DistrictReplies.Joined>(Wait).Occupants, o => o.PlayerId.Value == Bluepill.FighterId);
        restarted.Tell(new DistrictCommands.Engage(Downtown, Neo, Bluepill.FighterId, Neos, session.Ref, "e1"));
        Assert.Equal(CombatErrorCodes.UnknownTarget, session.FishForMessage<Replies.Rejected>(_ => true, Wait).Code);

        // Its respawn delay (2 s here) is counted from its defeat, not from the restart.
        session.FishForMessage<SessionPushes.ViewUpdate>(v => v.Entered.Any(o => o.PlayerId.Value == Bluepill.FighterId), Wait);
    }
}

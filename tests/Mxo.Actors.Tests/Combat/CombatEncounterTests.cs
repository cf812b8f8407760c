using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
using Mxo.Actors.Combat;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Actors.Tests.Combat;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Stands in for the shard: creates the entity, forwards commands to it and what it sends its parent (Passivate) to a probe.</summary>
internal sealed class FakeShard : ReceiveActor
{
    public FakeShard(Props entity, IActorRef parentProbe)
    {
        var child = Context.ActorOf(entity, "entity");
        ReceiveAny(m =>
        {
            if (Sender.Equals(child)) parentProbe.Forward(m);
            else child.Forward(m);
        });
    }
}

public sealed class CombatEncounterTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CombatTable Table = CombatFiles.TableWithRoundMs(1000);

    private static readonly TimeSpan Round = Table.Settings.Round;
    private static readonly DateTimeOffset Origin = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static readonly FighterStatsData Sturdy = new(500, 500, 200, 200, 20, 55, 50, 10);
    private static readonly FighterStatsData Frail = new(30, 30, 200, 200, 20, 50, 45, 10);

    public CombatEncounterTests() : base(ActorTestConfig.Hocon)
    {
    }

    private static TimeSpan Wait => TestTime.Scaled(TimeSpan.FromSeconds(5));

    private static Props EntityProps(string id, ManualClock clock, int snapshotEvery = CombatEncounterEntity.SnapshotEvery) =>
        CombatEncounterEntity.PropsFor(id, Table, clock, snapshotEvery, TimeSpan.FromMilliseconds(10));

    private sealed record Fight(string Id, IActorRef Entity, ManualClock Clock, TestProbe Notify);

    private Fight Begin(string id, ulong seed = 42, FighterStatsData? a = null, FighterStatsData? b = null, Props? props = null)
    {
        var clock = new ManualClock(Origin);
        var notify = CreateTestProbe();
        var entity = Sys.ActorOf(props ?? EntityProps(id, clock));
        entity.Tell(new CombatCommands.StartEncounter(id, "neo", a ?? Sturdy, "smith", b ?? Sturdy, 5, seed, [notify.Ref]));
        var started = ExpectMsg<CombatReplies.EncounterStarted>(Wait);
        Assert.Equal(("neo", "smith"), (started.FighterA, started.FighterB));
        return new Fight(id, entity, clock, notify);
    }

    /// <summary>Moves the fight's clock to its next round and returns that round.</summary>
    private static CombatPushes.RoundPlayed NextRound(Fight fight, TimeSpan? by = null)
    {
        fight.Clock.Advance(by ?? Round);
        return fight.Notify.ExpectMsg<CombatPushes.RoundPlayed>(Wait);
    }

    private void Send(Fight fight, ICombatCommand command) => fight.Entity.Tell(command, TestActor);

    private void Accepted(Fight fight, ICombatCommand command)
    {
        Send(fight, command);
        ExpectMsg<CombatReplies.Accepted>(Wait);
    }

    private void Refused(Fight fight, ICombatCommand command, string code)
    {
        Send(fight, command);
        Assert.Equal(code, ExpectMsg<Replies.Rejected>(Wait).Code);
    }

    private EncounterState StateOf(Fight fight)
    {
        Send(fight, new CombatCommands.GetEncounter(fight.Id));
        return ExpectMsg<EncounterState>(Wait);
    }

    private static (SideOutcomeData, SideOutcomeData) Sides(CombatPushes.RoundPlayed r) => (r.ByA, r.ByB);

    [Fact]
    public void Rounds_arrive_in_order_with_health_consistent_with_damage()
    {
        var fight = Begin("e1");
        int healthA = Sturdy.Health, healthB = Sturdy.Health;
        for (var n = 1; n <= 5; n++)
        {
            var round = NextRound(fight);
            Assert.Equal(n, round.Round);
            Assert.Equal("e1", round.EncounterId);
            Assert.Equal(("neo", "smith"), (round.ByA.FighterId, round.ByB.FighterId));
            healthA = Math.Max(0, healthA - round.ByB.DamageDealt);
            healthB = Math.Max(0, healthB - round.ByA.DamageDealt);
            Assert.Equal(healthA, round.ByA.HealthAfter);
            Assert.Equal(healthB, round.ByB.HealthAfter);
            if (round.ByA.Attack is { Hit: false } missA) Assert.Equal(0, missA.Damage);
        }
        var state = StateOf(fight);
        Assert.Equal(5, state.Round);
        Assert.Equal((healthA, healthB), (state.A!.Stats.Health, state.B!.Stats.Health));
        Assert.Equal((5 * Round).Ticks, state.LastRoundAtTicks);
    }

    [Fact]
    public void Actions_are_accepted_or_refused_with_the_rules_codes()
    {
        var fight = Begin("e2", b: Sturdy with { InnerStrength = 10 });
        Refused(fight, new CombatCommands.ChooseTactic("e2", "neo", "kung-fu", "c1"), CombatErrorCodes.UnknownTactic);
        Refused(fight, new CombatCommands.UseAbility("e2", "neo", "bullet-time", "c2"), CombatErrorCodes.UnknownAbility);
        Refused(fight, new CombatCommands.ChooseTactic("e2", "cypher", "power", "c3"), CombatErrorCodes.NotInEncounter);
        Refused(fight, new CombatCommands.UseAbility("e2", "smith", "hyper-strike", "c4"), CombatErrorCodes.NotEnoughInnerStrength);
        Accepted(fight, new CombatCommands.UseAbility("e2", "neo", "hyper-strike", "c5"));
        fight.Clock.Advance(TimeSpan.FromMilliseconds(100));
        Refused(fight, new CombatCommands.ChooseTactic("e2", "neo", "power", "c6"), CombatErrorCodes.TooFast);
        var round = NextRound(fight, Round - TimeSpan.FromMilliseconds(100));
        Assert.Equal("hyper-strike", round.ByA.Ability?.AbilityId); // landed in round 1
        Refused(fight, new CombatCommands.UseAbility("e2", "neo", "hyper-strike", "c7"), CombatErrorCodes.AbilityCooldown);
        Accepted(fight, new CombatCommands.ChooseTactic("e2", "neo", "power", "c8"));
        Accepted(fight, new CombatCommands.Withdraw("e2", "smith", "c9"));
        var state = StateOf(fight);
        Assert.Equal("power", state.A!.Tactic);
        Assert.True(state.B!.Withdrawing);
        Assert.Equal(Sturdy.InnerStrength - 20, state.A.Stats.InnerStrength + round.ByA.InnerStrengthSpent);
    }

    [Fact]
    public void Commands_before_the_start_are_not_in_an_encounter()
    {
        var entity = Sys.ActorOf(EntityProps("e3", new ManualClock(Origin)));
        entity.Tell(new CombatCommands.ChooseTactic("e3", "neo", "power", "c1"));
        Assert.Equal(CombatErrorCodes.NotInEncounter, ExpectMsg<Replies.Rejected>(Wait).Code);
        entity.Tell(new CombatCommands.StartEncounter("e3", "neo", Sturdy, "smith", Sturdy, Table.Settings.EngageRange + 1, 1, []));
        Assert.Equal(CombatErrorCodes.CannotEngage, ExpectMsg<Replies.Rejected>(Wait).Code);
        entity.Tell(new CombatCommands.StartEncounter("e3", "neo", Sturdy, "neo", Sturdy, 1, 1, []));
        Assert.Equal(CombatErrorCodes.CannotEngage, ExpectMsg<Replies.Rejected>(Wait).Code);
        entity.Tell(new CombatCommands.GetEncounter("e3"));
        Assert.False(ExpectMsg<EncounterState>(Wait).Started);
    }

    [Fact]
    public void A_refused_command_changes_nothing()
    {
        var plain = Begin("e4-plain", seed: 7);
        var refused = Begin("e4-refused", seed: 7);
        foreach (var fight in new[] { plain, refused })
            Accepted(fight, new CombatCommands.ChooseTactic(fight.Id, "neo", "power", "c1"));
        refused.Clock.Advance(TimeSpan.FromMilliseconds(100));
        plain.Clock.Advance(TimeSpan.FromMilliseconds(100));
        Refused(refused, new CombatCommands.ChooseTactic(refused.Id, "neo", "block", "c2"), CombatErrorCodes.TooFast);
        Refused(refused, new CombatCommands.ChooseTactic(refused.Id, "smith", "kung-fu", "c3"), CombatErrorCodes.UnknownTactic);
        Refused(refused, new CombatCommands.Withdraw(refused.Id, "cypher", "c4"), CombatErrorCodes.NotInEncounter);
        Refused(refused, new CombatCommands.UseAbility(refused.Id, "smith", "nope", "c5"), CombatErrorCodes.UnknownAbility);
        for (var n = 0; n < 3; n++)
        {
            var by = Round - (n == 0 ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
            Assert.Equal(Sides(NextRound(plain, by)), Sides(NextRound(refused, by)));
        }
        var (a, b) = (StateOf(plain), StateOf(refused));
        Assert.Equal((a.A, a.B, a.RandomState, a.Round), (b.A, b.B, b.RandomState, b.Round));
    }

    [Fact]
    public void A_repeated_command_id_is_answered_again_and_applied_once()
    {
        var fight = Begin("e5");
        Accepted(fight, new CombatCommands.UseAbility("e5", "neo", "focus", "c1"));
        var once = StateOf(fight);
        fight.Clock.Advance(TimeSpan.FromMilliseconds(600)); // past the rate limit: a second application would be accepted or refused, not repeated
        Accepted(fight, new CombatCommands.UseAbility("e5", "neo", "focus", "c1"));
        var again = StateOf(fight);
        Assert.Equal(once.A, again.A);
        Assert.Equal(Sturdy.InnerStrength - 15, again.A!.Stats.InnerStrength);
        Assert.Single(again.RecentCommandIds);
        // The same id from the other fighter is another command.
        Refused(fight, new CombatCommands.UseAbility("e5", "smith", "nope", "c1"), CombatErrorCodes.UnknownAbility);
    }

    [Fact]
    public void The_same_seed_and_commands_give_the_same_rounds()
    {
        var first = Begin("e6-a", seed: 0xC0FFEE);
        var second = Begin("e6-b", seed: 0xC0FFEE);
        var rounds = new List<(SideOutcomeData, SideOutcomeData)>[] { [], [] };
        var fights = new[] { first, second };
        for (var i = 0; i < 2; i++)
        {
            var fight = fights[i];
            Accepted(fight, new CombatCommands.ChooseTactic(fight.Id, "neo", "power", "c1"));
            Accepted(fight, new CombatCommands.UseAbility(fight.Id, "smith", "weaken-code", "c2"));
            rounds[i].Add(Sides(NextRound(fight)));
            rounds[i].Add(Sides(NextRound(fight)));
            Accepted(fight, new CombatCommands.UseAbility(fight.Id, "neo", "code-shot", "c3"));
            for (var n = 0; n < 4; n++) rounds[i].Add(Sides(NextRound(fight)));
        }
        Assert.Equal(rounds[0], rounds[1]);
        var (a, b) = (StateOf(first), StateOf(second));
        Assert.Equal((a.A, a.B, a.RandomState, a.Round), (b.A, b.B, b.RandomState, b.Round));
        // A different seed gives a different fight (the dice are the seed's).
        var other = Begin("e6-c", seed: 1);
        var otherRounds = Enumerable.Range(0, 6).Select(_ => Sides(NextRound(other))).ToList();
        Assert.NotEqual(rounds[0], otherRounds);
    }

    [Theory]
    [InlineData(CombatEncounterEntity.SnapshotEvery)]
    [InlineData(2)] // recovery from a snapshot plus events
    public void A_restarted_encounter_resumes_at_the_next_round_with_the_same_outcome(int snapshotEvery)
    {
        var id = "e7-" + snapshotEvery;
        var clock = new ManualClock(Origin);
        var interrupted = Begin(id, seed: 99, props: EntityProps(id, clock, snapshotEvery)) with { Clock = clock };
        var reference = Begin(id + "-ref", seed: 99);
        foreach (var fight in new[] { interrupted, reference })
        {
            Accepted(fight, new CombatCommands.UseAbility(fight.Id, "neo", "code-shot", "c1"));
            Assert.Equal(1, NextRound(fight).Round);
            Assert.Equal(2, NextRound(fight).Round);
        }
        var before = StateOf(interrupted);
        Watch(interrupted.Entity);
        interrupted.Entity.Tell(EntityStop.Instance);
        ExpectTerminated(interrupted.Entity, Wait);

        var restarted = interrupted with { Entity = Sys.ActorOf(EntityProps(id, clock, snapshotEvery)) };
        var after = StateOf(restarted);
        Assert.Equal(before, after);
        Assert.Equal(2, after.Round);
        // The state as a real journal would keep it (the in-memory one does not serialize): the real serializer gives it back equal.
        var serializer = Sys.Serialization.FindSerializerFor(after);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, after);
        Assert.Equal(after, Sys.Serialization.Deserialize(serializer.ToBinary(after), serializer.Identifier, manifest));

        var resumed = NextRound(restarted);
        var uninterrupted = NextRound(reference);
        Assert.Equal(3, resumed.Round);
        Assert.Equal(Sides(uninterrupted), Sides(resumed));
        Assert.Equal(4, NextRound(restarted).Round);
    }

    [Fact]
    public void A_restart_after_the_clock_ran_on_plays_the_next_round_at_once_and_only_once()
    {
        var clock = new ManualClock(Origin);
        var fight = Begin("e8", props: EntityProps("e8", clock)) with { Clock = clock };
        Assert.Equal(1, NextRound(fight).Round);
        Watch(fight.Entity);
        fight.Entity.Tell(EntityStop.Instance);
        ExpectTerminated(fight.Entity, Wait);
        clock.Advance(Round * 3.5); // down for three and a half rounds
        var restarted = fight with { Entity = Sys.ActorOf(EntityProps("e8", clock)) };
        var round = restarted.Notify.ExpectMsg<CombatPushes.RoundPlayed>(Wait);
        Assert.Equal(2, round.Round);
        Assert.Equal((Round * 4.5).Ticks, StateOf(restarted).LastRoundAtTicks); // at max(now, last + round)
        restarted.Notify.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the clock has not reached the next round
        Assert.Equal(3, NextRound(restarted).Round);
    }

    [Fact]
    public void A_fight_runs_to_a_defeat_ends_once_and_passivates()
    {
        var clock = new ManualClock(Origin);
        var shard = CreateTestProbe();
        var props = Props.Create(() => new FakeShard(EntityProps("e9", clock, CombatEncounterEntity.SnapshotEvery), shard.Ref));
        var fight = Begin("e9", seed: 3, b: Frail, props: props) with { Clock = clock };
        CombatPushes.RoundPlayed last;
        do last = NextRound(fight);
        while (last.ByB.HealthAfter > 0 && last.ByA.HealthAfter > 0 && last.Round < 50);
        Assert.Equal(0, last.ByB.HealthAfter);
        var ended = fight.Notify.ExpectMsg<CombatEvents.EncounterEnded>(Wait);
        Assert.Equal(("neo", EncounterEndReason.Defeat, last.Round), (ended.Winner, ended.Reason, ended.Round));
        Assert.IsType<Passivate>(shard.ExpectMsg<Passivate>(Wait));
        clock.Advance(Round * 2);
        fight.Notify.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Refused(fight, new CombatCommands.ChooseTactic("e9", "neo", "power", "c1"), CombatErrorCodes.EncounterOver);
        Assert.True(StateOf(fight).Ended);
    }

    [Fact]
    public void A_withdrawal_ends_the_fight_with_no_winner()
    {
        var fight = Begin("e10", seed: 5);
        Accepted(fight, new CombatCommands.Withdraw("e10", "smith", "c1"));
        CombatPushes.RoundPlayed last;
        do last = NextRound(fight);
        while (last.ByB.Withdraw is not { Succeeded: true } && last.Round < 50);
        Assert.True(last.ByB.Withdraw!.Succeeded);
        var ended = fight.Notify.ExpectMsg<CombatEvents.EncounterEnded>(Wait);
        Assert.Equal((null, EncounterEndReason.Withdraw), (ended.Winner, ended.Reason));
        fight.Notify.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Refused(fight, new CombatCommands.Withdraw("e10", "neo", "c2"), CombatErrorCodes.EncounterOver);
        // The accepted command id is still answered as it was.
        Accepted(fight, new CombatCommands.Withdraw("e10", "smith", "c1"));
    }
}

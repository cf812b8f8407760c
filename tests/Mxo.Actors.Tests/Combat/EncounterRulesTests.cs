using Mxo.Actors.Combat;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Xunit;

namespace Mxo.Actors.Tests.Combat;

/// <summary>The encounter's pure rules and the conversions to the persisted records, without an actor.</summary>
public sealed class EncounterRulesTests
{
    private static readonly CombatTable Table = CombatTable.Load(CombatTable.DefaultPath);
    private static readonly DateTimeOffset Origin = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly FighterStatsData Stats = new(400, 400, 200, 200, 25, 55, 50, 12);

    /// <summary>A scripted fight: the events in journal order.</summary>
    private static List<IMxoEvent> Script(ulong seed)
    {
        var events = new List<IMxoEvent>();
        var state = EncounterState.Empty("x");
        void Add(IMxoEvent e)
        {
            events.Add(e);
            state = EncounterRules.Apply(state, e);
        }
        var (began, refusal) = EncounterRules.Begin(Table, new CombatCommands.StartEncounter("x", "neo", Stats, "smith", Stats, 8, seed, []), Origin);
        Assert.Null(refusal);
        Add(began!);
        string[] abilities = ["weaken-code", "focus", "heal-pulse", "code-shot", "evasive-maneuvers", "hyper-strike"];
        for (var n = 0; n < 12 && !state.Ended; n++)
        {
            var now = EncounterRules.NextRoundDue(Table, state) - TimeSpan.FromMilliseconds(1500);
            var fighter = n % 2 == 0 ? "neo" : "smith";
            var act = EncounterRules.Act(state, fighter, "c" + n, now, (f, t) => CombatRules.UseAbility(Table, f, abilities[n % abilities.Length], t));
            if (act.Taken is not null) Add(act.Taken);
            var (round, ended) = EncounterRules.ResolveRound(Table, state, EncounterRules.NextRoundDue(Table, state));
            Add(round);
            if (ended is not null) Add(ended);
        }
        return events;
    }

    [Fact]
    public void Replaying_the_journal_rebuilds_the_same_state_and_the_same_next_round()
    {
        var events = Script(11);
        var replayed = events.Aggregate(EncounterState.Empty("x"), EncounterRules.Apply);
        var again = Script(11).Aggregate(EncounterState.Empty("x"), EncounterRules.Apply);
        Assert.Equal(replayed, again);
        Assert.True(replayed.Round >= 1);
        // Replaying any prefix that ends at a round and resolving the next gives the journal's next round.
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i] is not CombatEvents.RoundResolved next) continue;
            var prefix = events.Take(i).Aggregate(EncounterState.Empty("x"), EncounterRules.Apply);
            var (rolled, _) = EncounterRules.ResolveRound(Table, prefix, TimeSpan.FromTicks(next.AtTicks));
            Assert.Equal(next.Round, rolled.Round);
            Assert.Equal((next.ByA, next.ByB, next.A, next.B, next.RandomState), (rolled.ByA, rolled.ByB, rolled.A, rolled.B, rolled.RandomState));
        }
    }

    [Fact]
    public void Fighters_convert_to_their_persisted_form_and_back_unchanged()
    {
        var seen = 0;
        foreach (var e in Script(5).Concat(Script(6)))
        {
            var fighters = e switch
            {
                CombatEvents.RoundResolved r => new[] { r.A, r.B },
                CombatEvents.ActionTaken a => [a.Fighter],
                _ => [],
            };
            foreach (var data in fighters)
            {
                var fighter = data.ToFighter();
                Assert.Equal(data, fighter.ToData(data.FighterId));
                Assert.Equal(fighter, fighter.ToData(data.FighterId).ToFighter());
                if (fighter.Effects.Length > 0 || fighter.Cooldowns.Length > 0 || fighter.Pending is not null) seen++;
            }
        }
        Assert.True(seen > 0, "the script gave no fighter with effects, cooldowns or a pending ability");
    }

    [Fact]
    public void A_round_is_at_the_later_of_now_and_one_round_after_the_last()
    {
        var state = Script(3).Take(1).Aggregate(EncounterState.Empty("x"), EncounterRules.Apply);
        var early = EncounterRules.ResolveRound(Table, state, TimeSpan.FromMilliseconds(10)).Round;
        Assert.Equal(Table.Settings.Round.Ticks, early.AtTicks);
        var late = EncounterRules.ResolveRound(Table, state, Table.Settings.Round * 4.5).Round;
        Assert.Equal((Table.Settings.Round * 4.5).Ticks, late.AtTicks);
        Assert.Equal(1, late.Round);
    }
}

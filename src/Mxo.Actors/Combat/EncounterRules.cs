using Mxo.Protocol;
using Mxo.Protocol.Combat;

namespace Mxo.Actors.Combat;

/// <summary>
/// The encounter's pure rules: what a command or a due round decides (events, or a refusal code), and
/// <see cref="Apply"/>, the state after one event. Every event carries the fighters and the generator as they are after
/// it, so replaying the journal rebuilds exactly the state the encounter had, and a round in the journal is never rolled
/// again. Times are <see cref="TimeSpan"/>s from the persisted start (UTC ticks), so they survive a restart or failover.
/// </summary>
public static class EncounterRules
{
    /// <summary>How many accepted command ids an encounter remembers for deduplication.</summary>
    public const int MaxRecentCommandIds = 64;

    public static EncounterState Apply(EncounterState state, IMxoEvent @event) => @event switch
    {
        CombatEvents.EncounterBegan e => state with
        {
            Started = true,
            StartedAtUtcTicks = e.StartedAtUtcTicks,
            Distance = e.Distance,
            A = e.A,
            B = e.B,
            RandomState = e.Seed,
            Round = 0,
            LastRoundAtTicks = 0,
            Notify = e.Notify,
            District = e.District,
            APlayer = e.APlayer,
            BPlayer = e.BPlayer,
        },
        CombatEvents.ActionTaken e => (state.A is not null && e.Fighter.FighterId == state.A.FighterId
                ? state with { A = e.Fighter }
                : state with { B = e.Fighter })
            with
            {
                RecentCommandIds = RecentIds.Remember(state.RecentCommandIds, DedupKey(e.Fighter.FighterId, e.CommandId), MaxRecentCommandIds),
            },
        CombatEvents.RoundResolved e => state with
        {
            Round = e.Round,
            LastRoundAtTicks = e.AtTicks,
            A = e.A,
            B = e.B,
            RandomState = e.RandomState,
        },
        CombatEvents.EncounterEnded e => state with { Ended = true, Winner = e.Winner, EndReason = e.Reason },
        _ => state,
    };

    public static string DedupKey(string fighterId, string commandId) => fighterId + "/" + commandId;

    /// <summary>A start: the event, or <see cref="CombatErrorCodes.CannotEngage"/>.</summary>
    public static (CombatEvents.EncounterBegan? Began, string? Refusal) Begin(CombatTable table, CombatCommands.StartEncounter cmd, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(cmd.FighterA) || string.IsNullOrEmpty(cmd.FighterB) || cmd.FighterA == cmd.FighterB
            || !double.IsFinite(cmd.Distance) || cmd.Distance < 0 || !CombatRules.CanEngage(table.Settings, cmd.Distance))
            return (null, CombatErrorCodes.CannotEngage);
        var a = Fighter.Start(cmd.StatsA.ToStats(), table);
        var b = Fighter.Start(cmd.StatsB.ToStats(), table);
        if (a.IsDefeated || b.IsDefeated) return (null, CombatErrorCodes.CannotEngage);
        return (new CombatEvents.EncounterBegan(cmd.EncounterId, now.UtcTicks, cmd.Distance, cmd.Seed, a.ToData(cmd.FighterA),
            b.ToData(cmd.FighterB), cmd.Notify) { District = cmd.District, APlayer = cmd.APlayer, BPlayer = cmd.BPlayer }, null);
    }

    /// <summary>The encounter's time of <paramref name="now"/>: from its start, never negative.</summary>
    public static TimeSpan Elapsed(EncounterState state, DateTimeOffset now) =>
        TimeSpan.FromTicks(Math.Max(0, now.UtcTicks - state.StartedAtUtcTicks));

    /// <summary>The result of a fighter's action.</summary>
    /// <param name="Duplicate">The command id was already applied: answer Accepted again, persist nothing.</param>
    public readonly record struct ActionDecision(CombatEvents.ActionTaken? Taken, string? Refusal, bool Duplicate);

    /// <summary>
    /// A fighter's action at <paramref name="now"/> (from the start): refused with <see cref="CombatErrorCodes.NotInEncounter"/>,
    /// <see cref="CombatErrorCodes.EncounterOver"/> or the rules' code, answered again for a repeated command id, or the event.
    /// </summary>
    public static ActionDecision Act(EncounterState state, string fighterId, string commandId, TimeSpan now,
        Func<Fighter, TimeSpan, CombatDecision> decide)
    {
        if (!state.Started) return new(null, CombatErrorCodes.NotInEncounter, false);
        var data = state.A?.FighterId == fighterId ? state.A : state.B?.FighterId == fighterId ? state.B : null;
        if (data is null) return new(null, CombatErrorCodes.NotInEncounter, false);
        if (!string.IsNullOrEmpty(commandId) && state.RecentCommandIds.Contains(DedupKey(fighterId, commandId))) return new(null, null, true);
        if (state.Ended) return new(null, CombatErrorCodes.EncounterOver, false);
        var decision = decide(data.ToFighter(), now);
        return decision.Accepted
            ? new(new CombatEvents.ActionTaken(commandId, decision.Fighter.ToData(fighterId)), null, false)
            : new(null, decision.Refusal, false);
    }

    /// <summary>When the next round is due (from the start): one round length after the last (or after the start).</summary>
    public static TimeSpan NextRoundDue(CombatTable table, EncounterState state) =>
        TimeSpan.FromTicks(state.LastRoundAtTicks) + table.Settings.Round;

    /// <summary>
    /// The next round, resolved at max(<paramref name="now"/>, <see cref="NextRoundDue"/>) with the generator in the state,
    /// and the end of the fight if this round ends it.
    /// </summary>
    public static (CombatEvents.RoundResolved Round, CombatEvents.EncounterEnded? Ended) ResolveRound(CombatTable table, EncounterState state, TimeSpan now)
    {
        if (!state.Started || state.Ended || state.A is null || state.B is null)
            throw new InvalidOperationException("no round to resolve: the encounter has not started or has ended");
        var due = NextRoundDue(table, state);
        var at = now > due ? now : due;
        var outcome = CombatRules.ResolveRound(table, state.A.ToFighter(), state.B.ToFighter(), state.Distance, at, new CombatRandom(state.RandomState));
        var idA = state.A.FighterId;
        var idB = state.B.FighterId;
        var round = new CombatEvents.RoundResolved(state.Round + 1, at.Ticks, outcome.ByA.ToData(idA, outcome.A), outcome.ByB.ToData(idB, outcome.B),
            outcome.A.ToData(idA), outcome.B.ToData(idB), outcome.Next.State);
        if (!outcome.Ends) return (round, null);
        var ended = (outcome.A.IsDefeated, outcome.B.IsDefeated) switch
        {
            (true, true) => new CombatEvents.EncounterEnded(state.EncounterId, null, EncounterEndReason.Defeat, round.Round),
            (false, true) => new CombatEvents.EncounterEnded(state.EncounterId, idA, EncounterEndReason.Defeat, round.Round),
            (true, false) => new CombatEvents.EncounterEnded(state.EncounterId, idB, EncounterEndReason.Defeat, round.Round),
            _ => new CombatEvents.EncounterEnded(state.EncounterId, null, EncounterEndReason.Withdraw, round.Round),
        };
        return (round, ended);
    }
}

using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Combat;

namespace Mxo.Actors.Combat;

/// <summary>
/// One fight between two fighters (issue 11), a sharded persistent entity keyed by encounter id. The rules are pure
/// (<see cref="CombatRules"/>, <see cref="EncounterRules"/>); this actor owns time and the journal:
/// <list type="bullet">
/// <item>the time origin is the persisted start (UTC ticks from <see cref="TimeProvider"/>), so rule times survive a restart;</item>
/// <item>every round length a round is resolved from the state's fighters and generator, persisted, and only then
/// pushed (<see cref="CombatPushes.RoundPlayed"/>) to every notify ref; a round that ends the fight persists
/// <see cref="CombatEvents.EncounterEnded"/> with it, which is told to them too, and the entity passivates;</item>
/// <item>after recovery of a fight that has not ended, the next round is armed at max(now, last round + round length);
/// round numbers are in the state, so a round already in the journal is never rolled again;</item>
/// <item>actions are decided at the clock's time from the start, persisted, then answered; a repeated command id of the
/// same fighter is answered Accepted again without being applied twice (the last <see cref="EncounterRules.MaxRecentCommandIds"/>).</item>
/// </list>
/// </summary>
public sealed class CombatEncounterEntity : MxoEntity<EncounterState>, IWithTimers
{
    /// <summary>Snapshot every this many events (a fight is short; the journal alone would do).</summary>
    public const int SnapshotEvery = 50;

    private const string RoundTimer = "round";
    private static readonly TimeSpan MinTimerDelay = TimeSpan.FromMilliseconds(1);

    private readonly CombatTable _table;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _maxTimerDelay;

    private sealed class RoundDue
    {
        public static readonly RoundDue Instance = new();
    }

    /// <param name="maxTimerDelay">The longest the round timer waits before looking at the clock again (a round length
    /// by default; a test with a clock it moves by hand sets it short).</param>
    public CombatEncounterEntity(string entityId, CombatTable table, TimeProvider clock, int snapshotEvery = SnapshotEvery,
        TimeSpan? maxTimerDelay = null)
        : base("combat-" + entityId, EncounterState.Empty(entityId), snapshotEvery)
    {
        _table = table;
        _clock = clock;
        _maxTimerDelay = maxTimerDelay ?? table.Settings.Round;
        Command<CombatCommands.StartEncounter>(HandleStart);
        Command<CombatCommands.ChooseTactic>(cmd =>
            HandleAction(cmd.FighterId, cmd.CommandId, (f, now) => CombatRules.ChooseTactic(_table, f, cmd.TacticId, now)));
        Command<CombatCommands.UseAbility>(cmd =>
            HandleAction(cmd.FighterId, cmd.CommandId, (f, now) => CombatRules.UseAbility(_table, f, cmd.AbilityId, now)));
        Command<CombatCommands.Withdraw>(cmd =>
            HandleAction(cmd.FighterId, cmd.CommandId, (f, now) => CombatRules.Withdraw(_table, f, now)));
        Command<CombatCommands.GetEncounter>(_ => Sender.Tell(State));
        Command<RoundDue>(_ => HandleRoundDue());
        CommandStop();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string entityId, CombatTable table, TimeProvider? clock = null, int snapshotEvery = SnapshotEvery,
        TimeSpan? maxTimerDelay = null) =>
        Props.Create(() => new CombatEncounterEntity(entityId, table, clock ?? TimeProvider.System, snapshotEvery, maxTimerDelay));

    protected override EncounterState Apply(EncounterState state, IMxoEvent @event) => EncounterRules.Apply(state, @event);

    protected override void OnRecovered()
    {
        if (State.Ended) RequestPassivation();
        else if (State.Started) ArmRound();
    }

    private void HandleStart(CombatCommands.StartEncounter cmd)
    {
        if (State.Ended)
        {
            Sender.Tell(new Replies.Rejected("", CombatErrorCodes.EncounterOver, $"encounter {State.EncounterId} has ended"));
            return;
        }
        if (State.Started)
        {
            // A repeated start (a retry) is answered again; a different one is refused.
            if (State.A!.FighterId == cmd.FighterA && State.B!.FighterId == cmd.FighterB)
                Sender.Tell(new CombatReplies.EncounterStarted(State.EncounterId, cmd.FighterA, cmd.FighterB));
            else
                Sender.Tell(new Replies.Rejected("", CombatErrorCodes.CannotEngage, $"encounter {State.EncounterId} is already under way"));
            return;
        }
        var (began, refusal) = EncounterRules.Begin(_table, cmd with { EncounterId = State.EncounterId }, _clock.GetUtcNow());
        if (began is null)
        {
            Sender.Tell(new Replies.Rejected("", refusal!, $"encounter {State.EncounterId} cannot start"));
            return;
        }
        var sender = Sender;
        PersistThen(began, e =>
        {
            sender.Tell(new CombatReplies.EncounterStarted(e.EncounterId, e.A.FighterId, e.B.FighterId));
            ArmRound();
        }, cause => sender.Tell(new Replies.Rejected("", ErrorCodes.Unavailable, cause.Message)));
    }

    private void HandleAction(string fighterId, string commandId, Func<Fighter, TimeSpan, CombatDecision> decide)
    {
        var now = EncounterRules.Elapsed(State, _clock.GetUtcNow());
        var decision = EncounterRules.Act(State, fighterId, commandId, now, decide);
        var sender = Sender;
        var accepted = new CombatReplies.Accepted(State.EncounterId, fighterId, commandId);
        if (decision.Duplicate)
        {
            sender.Tell(accepted);
            return;
        }
        if (decision.Taken is null)
        {
            sender.Tell(new Replies.Rejected(commandId, decision.Refusal!, $"{fighterId}: {decision.Refusal}"));
            return;
        }
        PersistThen(decision.Taken, _ => sender.Tell(accepted),
            cause => sender.Tell(new Replies.Rejected(commandId, ErrorCodes.Unavailable, cause.Message)));
    }

    private void HandleRoundDue()
    {
        if (!State.Started || State.Ended) return;
        var now = EncounterRules.Elapsed(State, _clock.GetUtcNow());
        if (now < EncounterRules.NextRoundDue(_table, State))
        {
            ArmRound(); // early (or the clock is behind the timer): wait the rest
            return;
        }
        var (round, ended) = EncounterRules.ResolveRound(_table, State, now);
        var lateness = now - EncounterRules.NextRoundDue(_table, State); // ≥ 0: an early timer returned above
        IMxoEvent[] events = ended is null ? [round] : [round, ended];
        PersistThen(events, () =>
        {
            WorldMetrics.CombatRoundPersisted(lateness);
            var played = new CombatPushes.RoundPlayed(State.EncounterId, round.Round, round.ByA, round.ByB);
            foreach (var target in State.Notify) target.Tell(played);
            if (ended is null)
            {
                ArmRound();
                return;
            }
            foreach (var target in State.Notify) target.Tell(ended);
            RequestPassivation();
        },
        // Refused by the journal (an outage): nothing was stored, so the same round is tried again, not at once (the
        // round is already due, so ArmRound would retry in a millisecond) but after maxTimerDelay (a round length).
        _ => Timers.StartSingleTimer(RoundTimer, RoundDue.Instance, _maxTimerDelay));
    }

    /// <summary>Arms the round timer for when the next round is due by the clock (at once if it is past), at most <c>maxTimerDelay</c> away.</summary>
    private void ArmRound()
    {
        var wait = EncounterRules.NextRoundDue(_table, State) - EncounterRules.Elapsed(State, _clock.GetUtcNow());
        if (wait > _maxTimerDelay) wait = _maxTimerDelay;
        if (wait < MinTimerDelay) wait = MinTimerDelay;
        Timers.StartSingleTimer(RoundTimer, RoundDue.Instance, wait);
    }
}

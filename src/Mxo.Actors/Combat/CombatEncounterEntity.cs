using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;

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

    /// <summary>
    /// The round clock is a .NET timer, not an Akka timer: Akka's scheduler moves in 10 ms steps, which alone made half
    /// of all rounds 10-14 ms late at every load (docs/benchmarks.md, "Combat encounters (issue 11)"), as it had made
    /// the districts' ticks late. One single-shot timer at a time, replaced whenever the round is re-armed.
    /// </summary>
    private Timer? _roundClock;
    private const string DeliveryTimer = "deliver";
    /// <summary>Who has not yet confirmed the latest round is asked again this often.</summary>
    public static readonly TimeSpan RedeliverEvery = TimeSpan.FromSeconds(1);
    /// <summary>The outbox key of the district's copy of a round (fighters are keyed by their ids).</summary>
    private const string DistrictRecipient = "@district";
    private static readonly TimeSpan MinTimerDelay = TimeSpan.FromMilliseconds(1);

    private readonly CombatTable _table;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _maxTimerDelay;
    private readonly IActorRef? _players;
    private readonly IActorRef? _districts;
    /// <summary>
    /// The latest round (or end) each recipient has not confirmed: the fighters' player entities and the district. Only
    /// the latest is kept (its numbers are absolute, so it supersedes the one before); at most three entries.
    /// </summary>
    private readonly Dictionary<string, (int Round, IMxoMessage Message)> _outbox = new();
    /// <summary>The last round and end in the journal (replayed or persisted), to rebuild the outbox after a restart.</summary>
    private CombatEvents.RoundResolved? _lastRound;
    private CombatEvents.EncounterEnded? _end;

    private sealed class RoundDue
    {
        public static readonly RoundDue Instance = new();
    }

    /// <param name="maxTimerDelay">The longest the round timer waits before looking at the clock again (a round length
    /// by default; a test with a clock it moves by hand sets it short).</param>
    /// <param name="players">The player shard region: character fighters' entities get every round (null: nobody is told, as in a benchmark).</param>
    /// <param name="districts">The district shard region: the fight's district gets every round.</param>
    public CombatEncounterEntity(string entityId, CombatTable table, TimeProvider clock, int snapshotEvery = SnapshotEvery,
        TimeSpan? maxTimerDelay = null, IActorRef? players = null, IActorRef? districts = null)
        : base("combat-" + entityId, EncounterState.Empty(entityId), snapshotEvery)
    {
        _table = table;
        _clock = clock;
        _players = players;
        _districts = districts;
        _maxTimerDelay = maxTimerDelay ?? table.Settings.Round;
        Command<CombatCommands.StartEncounter>(HandleStart);
        Command<CombatCommands.ChooseTactic>(cmd =>
            HandleAction(cmd.FighterId, cmd.CommandId, (f, now) => CombatRules.ChooseTactic(_table, f, cmd.TacticId, now)));
        Command<CombatCommands.UseAbility>(cmd =>
            HandleAction(cmd.FighterId, cmd.CommandId, (f, now) => CombatRules.UseAbility(_table, f, cmd.AbilityId, now)));
        Command<CombatCommands.Withdraw>(cmd =>
            HandleAction(cmd.FighterId, cmd.CommandId, (f, now) => CombatRules.Withdraw(_table, f, now)));
        Command<CombatCommands.Forfeit>(HandleForfeit);
        Command<CombatCommands.GetEncounter>(_ => Sender.Tell(State));
        Command<CombatReplies.RoundTaken>(HandleRoundTaken);
        Command<Redeliver>(_ => SendOutbox());
        Command<RoundDue>(_ => HandleRoundDue());
        CommandStop();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string entityId, CombatTable table, TimeProvider? clock = null, int snapshotEvery = SnapshotEvery,
        TimeSpan? maxTimerDelay = null, IActorRef? players = null, IActorRef? districts = null) =>
        Props.Create(() => new CombatEncounterEntity(entityId, table, clock ?? TimeProvider.System, snapshotEvery, maxTimerDelay, players, districts));

    private sealed class Redeliver
    {
        public static readonly Redeliver Instance = new();
    }

    protected override EncounterState Apply(EncounterState state, IMxoEvent @event)
    {
        switch (@event)
        {
            case CombatEvents.RoundResolved round: _lastRound = round; break;
            case CombatEvents.EncounterEnded end: _end = end; break;
        }
        return EncounterRules.Apply(state, @event);
    }

    protected override void OnRecovered()
    {
        // Whoever had not confirmed the last round before a crash may not have it: it is sent again (a repeat is
        // answered without being applied twice). An ended fight passivates once everyone has confirmed its end.
        if (State.Started && (State.Round > 0 || State.Ended)) Deliver();
        if (State.Ended) PassivateWhenDelivered();
        else if (State.Started) ArmRound();
    }

    /// <summary>
    /// Puts the latest round (and the end, if the fight is over) in the outbox of every character fighter and of the
    /// district, and sends it. Called only once it is in the journal.
    /// </summary>
    private void Deliver()
    {
        var round = _lastRound?.Round ?? State.Round;
        var mark = State.Ended && _end is { } end ? Math.Max(end.Round, round) : round;
        CombatPushes.RoundPlayed? played = _lastRound is { } last
            ? new CombatPushes.RoundPlayed(State.EncounterId, last.Round, last.ByA, last.ByB)
            : null;
        if (_players is not null)
        {
            foreach (var (fighter, isPlayer) in new[] { (State.A, State.APlayer), (State.B, State.BPlayer) })
            {
                if (!isPlayer || fighter is null) continue;
                _outbox[fighter.FighterId] = (mark, new PlayerCommands.TakeCombatRound(new PlayerId(fighter.FighterId), State.EncounterId, mark,
                    fighter.Stats.Health, fighter.Stats.InnerStrength)
                {
                    Played = played is not null && played.Round == mark ? played : null,
                    Ended = State.Ended,
                    Winner = State.Winner,
                    Reason = State.EndReason,
                });
            }
        }
        if (_districts is not null && State.District is { } district && State.A is { } a && State.B is { } b)
        {
            _outbox[DistrictRecipient] = (mark, new DistrictCommands.FightRound(new DistrictId(district), State.EncounterId, mark,
                [new FighterSeen(a.FighterId, a.Stats.Health, a.Stats.MaxHealth), new FighterSeen(b.FighterId, b.Stats.Health, b.Stats.MaxHealth)],
                State.Ended, State.Winner, State.EndReason));
        }
        SendOutbox();
    }

    private void SendOutbox()
    {
        if (_outbox.Count == 0) return;
        foreach (var (recipient, entry) in _outbox)
            (recipient == DistrictRecipient ? _districts : _players)?.Tell(entry.Message);
        Timers.StartSingleTimer(DeliveryTimer, Redeliver.Instance, RedeliverEvery);
    }

    private void HandleRoundTaken(CombatReplies.RoundTaken taken)
    {
        var recipient = taken.Recipient.StartsWith('@') ? DistrictRecipient : taken.Recipient;
        if (_outbox.TryGetValue(recipient, out var entry) && entry.Round <= taken.Round) _outbox.Remove(recipient);
        if (_outbox.Count == 0)
        {
            Timers.Cancel(DeliveryTimer);
            if (State.Ended) RequestPassivation();
        }
    }

    private void PassivateWhenDelivered()
    {
        if (_outbox.Count == 0) RequestPassivation();
    }

    private void HandleForfeit(CombatCommands.Forfeit cmd)
    {
        var sender = Sender;
        var accepted = new CombatReplies.Accepted(State.EncounterId, cmd.FighterId, "forfeit");
        var isA = State.A?.FighterId == cmd.FighterId;
        if (!State.Started || (!isA && State.B?.FighterId != cmd.FighterId))
        {
            sender.Tell(new Replies.Rejected("forfeit", CombatErrorCodes.NotInEncounter, $"{cmd.FighterId} is not in encounter {State.EncounterId}"));
            return;
        }
        if (State.Ended)
        {
            sender.Tell(accepted);
            return;
        }
        var ended = new CombatEvents.EncounterEnded(State.EncounterId, isA ? State.B!.FighterId : State.A!.FighterId, EncounterEndReason.Forfeit,
            State.Round + 1);
        PersistThen(ended, _ =>
        {
            StopRoundClock();
            sender.Tell(accepted);
            Deliver();
            PassivateWhenDelivered();
        }, cause => sender.Tell(new Replies.Rejected("forfeit", ErrorCodes.Unavailable, cause.Message)));
    }

    private void HandleStart(CombatCommands.StartEncounter cmd)
    {
        if (State.Ended)
        {
            Sender.Tell(new Replies.Rejected(State.EncounterId, CombatErrorCodes.EncounterOver, $"encounter {State.EncounterId} has ended"));
            return;
        }
        if (State.Started)
        {
            // A repeated start (a retry) is answered again; a different one is refused.
            if (State.A!.FighterId == cmd.FighterA && State.B!.FighterId == cmd.FighterB)
                Sender.Tell(new CombatReplies.EncounterStarted(State.EncounterId, cmd.FighterA, cmd.FighterB));
            else
                Sender.Tell(new Replies.Rejected(State.EncounterId, CombatErrorCodes.CannotEngage, $"encounter {State.EncounterId} is already under way"));
            return;
        }
        var (began, refusal) = EncounterRules.Begin(_table, cmd with { EncounterId = State.EncounterId }, _clock.GetUtcNow());
        if (began is null)
        {
            Sender.Tell(new Replies.Rejected(State.EncounterId, refusal!, $"encounter {State.EncounterId} cannot start"));
            return;
        }
        var sender = Sender;
        PersistThen(began, e =>
        {
            sender.Tell(new CombatReplies.EncounterStarted(e.EncounterId, e.A.FighterId, e.B.FighterId));
            ArmRound();
        }, cause => sender.Tell(new Replies.Rejected(State.EncounterId, ErrorCodes.Unavailable, cause.Message)));
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
            Deliver();
            if (ended is null)
            {
                ArmRound();
                return;
            }
            foreach (var target in State.Notify) target.Tell(ended);
            PassivateWhenDelivered();
        },
        // Refused by the journal (an outage): nothing was stored, so the same round is tried again, not at once (the
        // round is already due, so ArmRound would retry in a millisecond) but after maxTimerDelay (a round length).
        _ => StartRoundClock(_maxTimerDelay));
    }

    private void StartRoundClock(TimeSpan wait)
    {
        StopRoundClock();
        var self = Self;
        // A callback already on its way when the clock is replaced brings an early RoundDue, which only re-arms.
        _roundClock = new Timer(_ => self.Tell(RoundDue.Instance, ActorRefs.NoSender), null, wait, Timeout.InfiniteTimeSpan);
    }

    private void StopRoundClock()
    {
        _roundClock?.Dispose();
        _roundClock = null;
    }

    protected override void PostStop()
    {
        StopRoundClock();
        base.PostStop();
    }

    /// <summary>Arms the round timer for when the next round is due by the clock (at once if it is past), at most <c>maxTimerDelay</c> away.</summary>
    private void ArmRound()
    {
        var wait = EncounterRules.NextRoundDue(_table, State) - EncounterRules.Elapsed(State, _clock.GetUtcNow());
        if (wait > _maxTimerDelay) wait = _maxTimerDelay;
        if (wait < MinTimerDelay) wait = MinTimerDelay;
        StartRoundClock(wait);
    }
}

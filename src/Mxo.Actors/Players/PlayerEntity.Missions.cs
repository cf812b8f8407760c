using Akka.Actor;
using Akka.Event;
using Mxo.Actors.Missions;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Missions;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;

namespace Mxo.Actors.Players;

/// <summary>
/// The character's missions (issue 13; docs/architecture.md, "Missions (play)"). The entity holds them because it hears
/// every event that moves them: its own moves (reach), its fights' last rounds (defeat, loot) and its requests (talk,
/// get, give). Each change runs <see cref="MissionRules"/> and persists the whole new sheet
/// (<see cref="PlayerEvents.MissionsChanged"/>) before the client is answered or told; a finished mission is paid in
/// that same write, so completion and payment are one fact and a retry cannot pay again.
/// </summary>
public sealed partial class PlayerEntity
{
    /// <summary>Missions as this node plays them; null (a test or node without the mission table) refuses mission requests.</summary>
    private readonly PlayerMissions? _missionPlay;
    /// <summary>The mission scheduler's proxy: a mission's time limit is armed there (null on a test without one).</summary>
    private readonly IActorRef? _scheduler;
    private MissionSheet? _sheetSeen;
    private MissionState? _missionState;
    /// <summary>The unmet reach objectives of the active missions' current phases: each accepted move is checked against them.</summary>
    private ReachObjective[] _reachWatch = [];

    private MissionSheet Sheet => State.Missions ?? MissionSheet.Empty;

    /// <summary>The rules' view of <see cref="Sheet"/>, converted once per persisted change.</summary>
    private MissionState Missions(PlayerMissions play)
    {
        if (_missionState is null || !ReferenceEquals(_sheetSeen, State.Missions))
        {
            _sheetSeen = State.Missions;
            _missionState = Sheet.ToState(play.Settings.InventoryCap);
        }
        return _missionState;
    }

    private void RegisterMissionCommands()
    {
        Command<MissionCommands.FromPlayer>(HandleMissionRequest);
        Command<PlayerTimerFired>(HandleTimerFired);
        // The scheduler's answers to this entity's timers: nothing waits for them (a refused timer is made good by the
        // deadline check every request does), but a refusal is worth a log line.
        Command<MissionSchedulerReplies.Accepted>(_ => { });
        Command<MissionSchedulerReplies.Cancelled>(_ => { });
        Command<MissionSchedulerReplies.Refused>(r => Log.Warning("The mission scheduler refused a timer of {0}: {1} ({2})", State.PlayerId, r.Code, r.Message));
    }

    private void RefreshReachWatch()
    {
        if (_missionPlay is not { } play)
        {
            _reachWatch = [];
            return;
        }
        var table = play.World.Table;
        _reachWatch = [.. Missions(play).Active.Values.SelectMany(a =>
            table.Mission(a.MissionId) is { } m && !a.IsFinished(m)
                ? m.Phases[a.Phase].Select((o, i) => (o, i)).Where(x => x.o is ReachObjective && a.Counts[x.i] < x.o.Needed).Select(x => (ReachObjective)x.o)
                : [])];
    }

    private void HandleMissionRequest(MissionCommands.FromPlayer cmd)
    {
        var replyTo = Sender;
        if (_missionPlay is not { } play)
        {
            replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, "missions are not served"));
            return;
        }
        if (MissionRequestKinds.Changes(cmd.Kind))
        {
            // A retry of a request already done (the same command id): answered, not done again.
            if (State.RecentCommandIds.Contains(cmd.CommandId))
            {
                replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
                return;
            }
            if (RefuseOverRate(cmd.CommandId, "mission", _settings.InteractRate)) return;
        }

        var world = play.World;
        var now = play.Time.GetUtcNow();
        var step = new MissionStep(Sheet, Missions(play), play.World.Table);
        step.Run(s => MissionRules.Expire(s, world.Table, now));
        void Refuse(string code, string message) => replyTo.Tell(new Replies.Rejected(cmd.CommandId, code, message));

        switch (cmd.Kind)
        {
            case MissionRequestKinds.List:
                CommitMissions(null, step, () => replyTo.Tell(FrameFor(ServerFrameTypes.Missions, cmd.CommandId,
                    MissionFrames.Sheet(world, step.State, State.Info + step.InfoPaid))), replyTo, cmd.CommandId);
                return;

            case MissionRequestKinds.Inventory:
                CommitMissions(null, step, () => replyTo.Tell(FrameFor(ServerFrameTypes.Inventory, cmd.CommandId,
                    MissionFrames.Inventory(world, step.State))), replyTo, cmd.CommandId);
                return;

            case MissionRequestKinds.Talk:
            {
                if (RefuseUnlessThere(cmd.CommandId, world.TargetAt(cmd.Arg), CombatErrorCodes.UnknownTarget, $"there is no one called '{cmd.Arg}'")) return;
                step.Run(s => MissionRules.Progress(s, world.Table, new Talked(cmd.Arg)));
                var offers = world.Table.Contact(cmd.Arg) is null ? [] : MissionRules.Offers(world.Table, step.State, cmd.Arg, play.Windows.OpenAt(now));
                var nowMs = now.ToUnixTimeMilliseconds();
                if (offers.Count > 0)
                {
                    var offered = offers.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
                    step.Sheet = step.Sheet with
                    {
                        Offers = [.. step.Sheet.Offers.Where(o => !offered.Contains(o.MissionId)), .. offers.Select(m => new MissionOfferData(m.Id, cmd.Arg, nowMs))],
                    };
                }
                var data = MissionFrames.Offers(cmd.Arg, offers, nowMs + (long)play.Settings.OfferLifetime.TotalMilliseconds);
                var talked = Counted(step, new Talked(cmd.Arg));
                CommitMissions(cmd.CommandId, step, () =>
                {
                    replyTo.Tell(FrameFor(ServerFrameTypes.MissionOffers, cmd.CommandId, data));
                    ShareWithTeam(talked);
                }, replyTo, cmd.CommandId);
                return;
            }

            case MissionRequestKinds.Accept:
            {
                var offer = step.Sheet.Offers.FirstOrDefault(o => o.MissionId == cmd.Arg);
                if (offer is null)
                {
                    var (code, message) = world.Table.Mission(cmd.Arg) is null ? (MissionErrorCodes.UnknownMission, $"there is no mission '{cmd.Arg}'")
                        : step.State.Completed.Contains(cmd.Arg) ? (MissionErrorCodes.AlreadyCompleted, "you completed that mission")
                        : step.State.Active.ContainsKey(cmd.Arg) ? (MissionErrorCodes.AlreadyActive, "you are on that mission")
                        : (MissionErrorCodes.NoOffer, "no contact offered you that mission: talk to its contact first");
                    Refuse(code, message);
                    return;
                }
                var dayStart = play.DayStartMs(now);
                var acceptedToday = step.Sheet.DayStartMs == dayStart ? step.Sheet.AcceptedToday : 0;
                if (acceptedToday >= play.Settings.DailyLimit)
                {
                    Refuse(MissionErrorCodes.DailyLimit, $"you accepted {acceptedToday} missions today, the most a day allows; the next day starts at the daily reset");
                    return;
                }
                if (step.Run(s => MissionRules.Accept(s, world.Table, cmd.Arg, DateTimeOffset.FromUnixTimeMilliseconds(offer.OfferedAtMs), now,
                        play.Settings.MaxActiveMissions, play.Settings.OfferLifetime, play.Windows.OpenAt(now))) is { } refused)
                {
                    Refuse(refused, RefusalText(refused));
                    return;
                }
                step.Sheet = step.Sheet with
                {
                    Offers = [.. step.Sheet.Offers.Where(o => o.MissionId != cmd.Arg)],
                    DayStartMs = dayStart,
                    AcceptedToday = acceptedToday + 1,
                };
                var active = step.State.Active[cmd.Arg];
                var data = MissionFrames.Accepted(world, active);
                CommitMissions(cmd.CommandId, step, () =>
                {
                    replyTo.Tell(FrameFor(ServerFrameTypes.MissionAccepted, cmd.CommandId, data));
                    _scheduler?.Tell(new MissionSchedulerCommands.Schedule(DeadlineTimerId(active), active.Deadline.ToUnixTimeMilliseconds(),
                        MissionSchedulerRegistration.PlayerTarget, State.PlayerId.Value, active.MissionId));
                }, replyTo, cmd.CommandId);
                return;
            }

            case MissionRequestKinds.Abandon:
            {
                var active = step.State.Active.GetValueOrDefault(cmd.Arg);
                if (step.Run(s => MissionRules.Abandon(s, cmd.Arg)) is { } refused)
                {
                    Refuse(refused, RefusalText(refused));
                    return;
                }
                CommitMissions(cmd.CommandId, step, () =>
                {
                    replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
                    if (active is not null) _scheduler?.Tell(new MissionSchedulerCommands.Cancel(DeadlineTimerId(active)));
                }, replyTo, cmd.CommandId);
                return;
            }

            case MissionRequestKinds.Get:
            {
                if (RefuseUnlessThere(cmd.CommandId, world.ObjectAt(cmd.Arg), ErrorCodes.UnknownObject, $"there is no object '{cmd.Arg}'")) return;
                if (world.ItemFromObject(cmd.Arg) is not { } item)
                {
                    Refuse(MissionErrorCodes.NotNeeded, "that object holds nothing a mission asks for");
                    return;
                }
                var got = new Got(item.Id, cmd.Arg);
                if (step.Run(s => MissionRules.Progress(s, world.Table, got)) is { } refused)
                {
                    Refuse(refused, RefusalText(refused));
                    return;
                }
                if (!step.Changes.OfType<ItemAdded>().Any())
                {
                    Refuse(MissionErrorCodes.NotNeeded, "none of your missions needs anything from that object now");
                    return;
                }
                CommitMissions(cmd.CommandId, step, () =>
                {
                    replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
                    ShareWithTeam(Counted(step, got));
                }, replyTo, cmd.CommandId);
                return;
            }

            case MissionRequestKinds.Give:
            {
                if (RefuseUnlessThere(cmd.CommandId, world.TargetAt(cmd.Arg2), CombatErrorCodes.UnknownTarget, $"there is no one called '{cmd.Arg2}'")) return;
                var gave = new Gave(cmd.Arg, cmd.Arg2);
                if (step.Run(s => MissionRules.Progress(s, world.Table, gave)) is { } refused)
                {
                    Refuse(refused, RefusalText(refused));
                    return;
                }
                CommitMissions(cmd.CommandId, step, () =>
                {
                    replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
                    ShareWithTeam(Counted(step, gave));
                }, replyTo, cmd.CommandId);
                return;
            }

            default:
                Refuse(ErrorCodes.UnknownType, $"unknown mission request '{cmd.Kind}'");
                return;
        }
    }

    /// <summary>
    /// Refuses a talk, get or give unless the character is in a district, alive, and within reach of
    /// <paramref name="place"/> (the interaction reach, on the ground plane, from its live position).
    /// </summary>
    private bool RefuseUnlessThere(string commandId, (DistrictId District, Vec3 Position)? place, string unknownCode, string unknownText)
    {
        if (RefuseWhileRejoining(commandId) || RefuseWhileDerezzed(commandId)) return true;
        if (place is not { } p)
        {
            Sender.Tell(new Replies.Rejected(commandId, unknownCode, unknownText));
            return true;
        }
        if (!_present || State.District is not { } district)
        {
            Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return true;
        }
        if (p.District != district || _livePosition.FlatDistanceTo(p.Position) > _settings.InteractionReach)
        {
            Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.OutOfReach, $"too far away: come within {_settings.InteractionReach:0.#} units"));
            return true;
        }
        return false;
    }

    /// <summary>
    /// A world event (a move into an area, a won fight and its loot, or a teammate's event) counted against the
    /// character's missions; those that counted are passed to the team unless <paramref name="shareWithTeam"/> is false
    /// (a teammate's event is not passed on again).
    /// </summary>
    private void MissionEvent(bool shareWithTeam, params MissionEvent[] events)
    {
        if (_missionPlay is not { } play) return;
        var now = play.Time.GetUtcNow();
        var step = new MissionStep(Sheet, Missions(play), play.World.Table);
        step.Run(s => MissionRules.Expire(s, play.World.Table, now));
        var counted = new List<MissionEvent>(events.Length);
        foreach (var e in events)
        {
            var before = step.Changes.Count;
            if (step.Run(s => MissionRules.Progress(s, play.World.Table, e)) is { } refused)
                Log.Info("{0}: mission event {1} not counted: {2}", State.PlayerId, e, refused);
            else if (step.Changes.Skip(before).Any(c => c is ObjectiveProgressed)) counted.Add(e);
        }
        CommitMissions(null, step, shareWithTeam ? () => ShareWithTeam(counted) : null, null, null);
    }

    /// <summary>
    /// Team missions: the events that counted for this character go to its team, which passes them to the other members'
    /// entities (<see cref="Protocol.Teams.TeamRequestKinds.Mission"/>); each counts them if it is in the same district.
    /// Sent once the sharer's own change is durable. Objectives are shared, so members on the same mission progress and
    /// are paid together.
    /// </summary>
    private void ShareWithTeam(IEnumerable<MissionEvent> counted)
    {
        if (_teams is null || State.Team is not { } team || State.District is not { } district) return;
        foreach (var e in counted)
            if (MissionShare.Encode(e) is { } text)
                _teams.Tell(new Protocol.Teams.TeamCommands.Request(new Protocol.Teams.TeamId(team), Protocol.Teams.TeamRequestKinds.Mission,
                    State.PlayerId, State.Name, text, "", null, district.Value));
    }

    /// <summary>A mission timer (a time limit) came due: expire what is past its deadline (the deadline is the state's, not the timer's).</summary>
    private void HandleTimerFired(PlayerTimerFired fired)
    {
        if (_missionPlay is not { } play) return;
        var step = new MissionStep(Sheet, Missions(play), play.World.Table);
        step.Run(s => MissionRules.Expire(s, play.World.Table, play.Time.GetUtcNow()));
        CommitMissions(null, step, null, null, null);
    }

    /// <summary>
    /// After an accepted move: the reach objectives it meets, if any. Allocation-free when no mission waits for an area
    /// (the common case, on the 20 Hz path).
    /// </summary>
    private void CheckReach(DistrictId district, Vec3 position)
    {
        foreach (var reach in _reachWatch)
        {
            if (!reach.Contains(district, position)) continue;
            MissionEvent(shareWithTeam: true, new Reached(district, position));
            return;
        }
    }

    /// <summary>The last round of a fight this character won against an NPC: a defeat of its kind, and the loot it drops.</summary>
    private void CountFightWon(PlayerCommands.TakeCombatRound round)
    {
        if (_missionPlay is not { } play || !round.Ended || round.Reason != EncounterEndReason.Defeat || round.Winner != State.PlayerId.Value
            || round.Played is not { } played) return;
        var opponent = played.ByA.FighterId == State.PlayerId.Value ? played.ByB.FighterId : played.ByA.FighterId;
        const string npcPrefix = "npc:";
        if (!opponent.StartsWith(npcPrefix, StringComparison.Ordinal) || play.World.Npcs.Spawn(opponent[npcPrefix.Length..]) is not { } spawn) return;
        MissionEvent(shareWithTeam: true, [new Defeated(spawn.Kind.Id), .. play.World.ItemsFromKind(spawn.Kind.Id).Select(i => new Looted(i.Id, spawn.Kind.Id))]);
    }

    /// <summary>
    /// Persists <paramref name="step"/>'s sheet (when anything changed), then runs <paramref name="answer"/> and pushes the
    /// changes to the session; a journal that refuses the write answers <c>unavailable</c> and nothing changed.
    /// </summary>
    private void CommitMissions(string? commandId, MissionStep step, Action? answer, IActorRef? replyTo, string? requestCommandId)
    {
        if (!step.Changed)
        {
            answer?.Invoke();
            return;
        }
        var play = _missionPlay!;
        var sheet = step.Sheet.With(step.State);
        PersistThen(new PlayerEvents.MissionsChanged(commandId, sheet, step.InfoPaid), _ =>
        {
            answer?.Invoke();
            var state = Missions(play);
            foreach (var change in step.Changes)
            {
                if (change is MissionAccepted or RewardsPaid or MissionEnded)
                    WorldMetrics.Missions.WithLabels(change switch { MissionAccepted => "accepted", RewardsPaid => "completed", _ => "failed" }).Inc();
                if (MissionFrames.Push(play.World, state, change, State.Info) is { } push)
                    _session?.Tell(FrameFor(push.Type, null, push.Data));
                if (change is MissionEnded or RewardsPaid)
                {
                    // Nothing more is due for it: its time-limit timer can go.
                    var id = change is MissionEnded ended ? ended.MissionId : ((RewardsPaid)change).MissionId;
                    if (step.Before.Active.GetValueOrDefault(id) is { } was) _scheduler?.Tell(new MissionSchedulerCommands.Cancel(DeadlineTimerId(was)));
                }
            }
            RefreshReachWatch();
        }, _ =>
        {
            if (requestCommandId is not null) replyTo?.Tell(new Replies.Rejected(requestCommandId, ErrorCodes.Unavailable, JournalDown));
        });
    }

    /// <summary><paramref name="e"/> when the step counted an objective (the one event a request carries), else none.</summary>
    private static MissionEvent[] Counted(MissionStep step, MissionEvent e) => step.Changes.Any(c => c is ObjectiveProgressed) ? [e] : [];

    private string DeadlineTimerId(ActiveMission active) =>
        $"mission:{State.PlayerId.Value}:{active.MissionId}:{active.AcceptedAt.ToUnixTimeMilliseconds()}";

    private static MissionReplies.Frame FrameFor(string type, string? commandId, byte[] data) => new(type, commandId, data);

    private static string RefusalText(string code) => code switch
    {
        MissionErrorCodes.UnknownMission => "there is no such mission",
        MissionErrorCodes.OfferExpired => "the offer has expired: talk to the contact again",
        MissionErrorCodes.TooManyMissions => "you have as many missions as you may: finish or abandon one first",
        MissionErrorCodes.AlreadyActive => "you are on that mission",
        MissionErrorCodes.AlreadyCompleted => "you completed that mission",
        MissionErrorCodes.LevelTooLow => "your level is too low for that mission",
        MissionErrorCodes.LevelTooHigh => "your level is too high for that mission",
        MissionErrorCodes.ReputationTooLow => "your reputation with the contact's organisation is too low",
        MissionErrorCodes.NotActive => "you are not on that mission",
        MissionErrorCodes.InventoryFull => "your inventory is full",
        MissionErrorCodes.ItemNotHeld => "you do not hold that item for the mission that asks for it",
        MissionErrorCodes.NotNeeded => "none of your missions asks for that now",
        MissionErrorCodes.EventClosed => "that mission belongs to a live event that is not running now",
        _ => code,
    };

    /// <summary>
    /// One request's or event's way through the rules: the state as it goes, what changed, the info paid. A mission
    /// whose last phase is done is paid in the same step (<see cref="MissionRules.Complete"/>), so finishing and payment
    /// are persisted together.
    /// </summary>
    private sealed class MissionStep(MissionSheet sheet, MissionState state, MissionTable table)
    {
        private readonly MissionSheet _original = sheet;

        public MissionState Before { get; } = state;
        public MissionSheet Sheet { get; set; } = sheet;
        public MissionState State { get; private set; } = state;
        public List<MissionChange> Changes { get; } = [];
        public long InfoPaid { get; private set; }
        public string? Error { get; private set; }

        public bool Changed => !ReferenceEquals(Sheet, _original) || !State.Equals(Before);

        /// <summary>Applies one rule; returns its refusal code (nothing changed) or null.</summary>
        public string? Run(Func<MissionState, MissionOutcome> rule)
        {
            var outcome = rule(State);
            if (outcome.Refused) return Error = outcome.Error;
            State = outcome.State;
            Changes.AddRange(outcome.Changes);
            foreach (var finished in outcome.Changes.OfType<MissionFinished>())
            {
                var paid = MissionRules.Complete(State, table, finished.MissionId);
                if (paid.Refused) continue;
                State = paid.State;
                Changes.AddRange(paid.Changes);
                InfoPaid += paid.Changes.OfType<RewardsPaid>().Sum(r => r.Info);
            }
            return null;
        }

    }
}

using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Mxo.Actors.Combat;
using Mxo.Actors.Limits;
using Mxo.Actors.Missions;
using Mxo.Actors.World;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Orgs;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;
using Mxo.Protocol.World;

namespace Mxo.Actors.Players;

/// <summary>
/// One character: sharded, persistent. Thin shell around <see cref="PlayerRules"/>: it persists, applies, replies,
/// snapshots and passivates. It is the authority on where the character is: movement is validated here (speed limit on
/// the edge's receive times, world bounds), held in memory and checkpointed (docs/architecture.md, decision 8); crossing a district
/// edge, entering and teleporting are hand-overs that end with one persisted <see cref="PlayerEvents.EnteredDistrict"/>,
/// so the character's district is always exactly one.
/// </summary>
public sealed partial class PlayerEntity : MxoEntity<PlayerState>, IWithTimers
{
    private enum Admission { Enter, Handover, Teleport, Resync, Reconstruct }

    private sealed record CheckpointDue;
    private sealed record EnterTimedOut(string CommandId);
    /// <summary>The jack-out's end, 10 s on: it carries the request's trace so the checkpoint joins it.</summary>
    private sealed record JackOutDue(string CommandId) : ITraced
    {
        public string? TraceParent { get; } = MxoTracing.CurrentParent();
        public string SpanName => "player jack_out done";
    }
    private sealed record PendingEnter(EnterDecision.Admit Decision, string CommandId, IActorRef ReplyTo, Admission Kind);
    private sealed record PendingJackOut(string CommandId, IActorRef ReplyTo);

    private readonly WorldSettings _settings;
    private readonly WorldMap _map;
    private readonly MovementSettings _movement;
    private readonly IActorRef _districts;
    private readonly TimeSpan _deathEffect;
    private readonly PlayerFighting _fighting;
    /// <summary>The combat shard region (null on a test without one): a fighter away past the grace period forfeits to it.</summary>
    private readonly IActorRef? _combat;
    private const string ForfeitTimer = "forfeit";
    private IActorRef? _session;
    /// <summary>
    /// Sessions this incarnation replaced (the last few): a replaced session that was resyncing may have an attach in
    /// flight, sent before it heard it was replaced; that late attach must not take the character back from the newer login.
    /// </summary>
    private readonly Queue<IActorRef> _replacedSessions = new();
    private const int ReplacedSessionsKept = 4;
    /// <summary>The district entity that admitted the character (watched: when it dies with its node, the character re-joins).</summary>
    private IActorRef? _districtEntity;
    private Vec3 _livePosition;
    private bool _present;
    private PendingEnter? _pendingEnter;
    private PendingJackOut? _jackOut;
    private MovementTracker _tracker;
    private bool _trackerNeedsStart = true;
    /// <summary>A new session stamps moves with its own edge node's clock: map the tracker onto it at the next move.</summary>
    private bool _trackerNeedsRebase;
    /// <summary>This entity's clock (ms) at the last move it judged, for <see cref="_trackerNeedsRebase"/>.</summary>
    private long _lastMoveLocalMs;
    private readonly Dictionary<string, TokenBucket> _buckets = new(3);
    private StrikeCounter _rateStrikes;
    private bool _disconnectSent;
    /// <summary>The player shard region: whispers go to the recipient's entity through it (null on a test without one).</summary>
    private readonly IActorRef? _players;
    private readonly ChatGuard _chat = new();
    /// <summary>The crew shard region (null on a test without one).</summary>
    private readonly IActorRef? _crews;
    /// <summary>The organisation shard region (null on a test without one).</summary>
    private readonly IActorRef? _orgs;
    /// <summary>Who whispered to this character last (for <c>reply</c>); in memory, gone with a passivation.</summary>
    private PlayerId? _lastWhisperer;
    /// <summary>The inbox shard region: offline whispers become notifications there (null on a test without one).</summary>
    private readonly IActorRef? _inboxes;
    /// <summary>
    /// Offline whispers kept here and sent to the inbox, by the notification's command id, until the inbox has stored
    /// them: only then is the sender told. Bounded (<see cref="MaxPendingOfflineWhispers"/>); a full table answers <c>busy</c>.
    /// </summary>
    private readonly Dictionary<string, ChatCommands.DeliverWhisper> _offlineWhispers = new();
    private const int MaxPendingOfflineWhispers = 32;

    /// <param name="fighting">The character's combat numbers, death effect, regeneration and disconnect grace.</param>
    /// <param name="players">The player shard region (whispers go through it to the recipient's entity).</param>
    /// <param name="crews">The crew shard region (crew requests go there; null on a test without one).</param>
    /// <param name="teams">The team shard region (team requests go there; null on a test without one).</param>
    /// <param name="orgs">The organisation shard region (org chat and history go there; null on a test without one).</param>
    public PlayerEntity(string entityId, WorldSettings settings, WorldMap map, IActorRef districts, PlayerFighting fighting, IActorRef? combat,
        IActorRef? players = null, IActorRef? crews = null, IActorRef? teams = null, IActorRef? inboxes = null, IActorRef? orgs = null,
        PlayerMissions? missions = null, IActorRef? scheduler = null)
        : base("player-" + entityId, PlayerState.Empty(new PlayerId(entityId)), settings.SnapshotEvery)
    {
        _players = players;
        _crews = crews;
        _teams = teams;
        _inboxes = inboxes;
        _orgs = orgs;
        _missionPlay = missions;
        _scheduler = scheduler;
        _fighting = fighting;
        _combat = combat;
        _deathEffect = fighting.DeathEffect;
        _settings = settings;
        _map = map;
        _movement = new MovementSettings
        {
            MaxSpeed = settings.MaxSpeed, JitterAllowance = settings.MovementJitter, OffenceWindow = settings.StrikeWindow,
        };
        _districts = districts;

        Command<PlayerCommands.Attach>(HandleAttach);
        Command<PlayerCommands.Detach>(cmd => DetachSession(cmd.Session));
        Command<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_districtEntity)) DistrictLost();
            else DetachSession(t.ActorRef);
        });
        Command<PlayerCommands.Resume>(HandleResume);
        Command<PlayerCommands.Kick>(HandleKick);
        TracedCommand<PlayerCommands.EnterDistrict>(HandleEnter);
        TracedCommand<PlayerCommands.Teleport>(HandleTeleport);
        TracedCommand<PlayerCommands.Reconstruct>(HandleReconstruct);
        Command<PlayerCommands.TakeCombatRound>(HandleCombatRound);
        Command<PlayerCommands.Engage>(HandleEngage);
        Command<PlayerCommands.AnswerDuel>(HandleAnswerDuel);
        Command<ForfeitDue>(_ => HandleForfeitDue());
        TracedCommand<DistrictReplies.Joined>(HandleJoined);
        Command<DistrictReplies.JoinRefused>(HandleJoinRefused);
        Command<EnterTimedOut>(HandleEnterTimedOut);
        Command<PlayerCommands.Move>(HandleMove);
        TracedCommand<PlayerCommands.Say>(HandleSay);
        Command<ChatCommands.Whisper>(cmd => HandleWhisper(cmd.CommandId, PlayerId.FromName(cmd.To), cmd.Text));
        Command<ChatCommands.Reply>(HandleReply);
        Command<ChatCommands.DeliverWhisper>(HandleDeliverWhisper);
        Command<ChatCommands.Emote>(HandleEmote);
        Command<ChatCommands.Ignore>(HandleIgnore);
        Command<CrewCommands.FromPlayer>(HandleCrewRequest);
        Command<CrewCommands.Deliver>(HandleCrewDelivery);
        Command<Protocol.Teams.TeamCommands.FromPlayer>(HandleTeamRequest);
        Command<Protocol.Teams.TeamCommands.Deliver>(HandleTeamDelivery);
        Command<WhisperCommands.Delivered>(HandleWhisperDelivered);
        Command<WhisperCommands.History>(HandleWhisperHistory);
        Command<WhisperCommands.SetOfflineWhispers>(HandleSetOfflineWhispers);
        Command<Mxo.Protocol.Notifications.InboxReplies.Notified>(n => OfflineWhisperStored(n.CommandId, null));
        Command<Replies.Rejected>(r => OfflineWhisperStored(r.CommandId, r));
        Command<Mxo.Protocol.Moderation.ModerationCommands.ToPlayer>(HandleModeration);
        Command<OrgCommands.FromPlayer>(HandleOrgRequest);
        Command<ChatCommands.GetIgnores>(cmd => Sender.Tell(new ChatReplies.Ignores(cmd.CommandId, [.. State.Ignored])));
        TracedCommand<PlayerCommands.Interact>(HandleInteract);
        TracedCommand<PlayerCommands.JackOut>(HandleJackOut);
        TracedCommand<JackOutDue>(HandleJackOutDue);
        Command<PlayerCommands.GetState>(_ => Sender.Tell(State with { Position = _livePosition }));
        Command<CheckpointDue>(_ => Checkpoint());
        RegisterMissionCommands();
        CommandStop();
        Command<ReceiveTimeout>(_ =>
        {
            if (_session is null && _offlineWhispers.Count == 0) RequestPassivation();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string entityId, WorldSettings settings, WorldMap map, IActorRef districts, PlayerFighting? fighting = null,
        IActorRef? combat = null, IActorRef? players = null, IActorRef? crews = null, IActorRef? teams = null, IActorRef? inboxes = null, IActorRef? orgs = null,
        PlayerMissions? missions = null, IActorRef? scheduler = null)
    {
        var numbers = fighting ?? PlayerFighting.Default;
        return Props.Create(() => new PlayerEntity(entityId, settings, map, districts, numbers, combat, players, crews, teams, inboxes, orgs, missions, scheduler));
    }

    private sealed class ForfeitDue
    {
        public static readonly ForfeitDue Instance = new();
    }

    /// <summary>Health and inner strength now, regenerated out of combat (<see cref="PlayerRules.Vitals"/>).</summary>
    private (int Health, int InnerStrength) VitalsNow() => PlayerRules.Vitals(State, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        _fighting.HealthRegenPerSecond, _fighting.InnerStrengthRegenPerSecond);

    protected override PlayerState Apply(PlayerState state, IMxoEvent @event) => PlayerRules.Apply(state, @event);

    protected override void OnRecovered()
    {
        _livePosition = State.Position;
        RefreshReachWatch();
        // A mute outlives the entity: what is left of it (wall clock) goes on on this incarnation's monotonic clock.
        if (State.MutedUntilMs > 0)
            _chat.Restore(Environment.TickCount64 + (State.MutedUntilMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), State.MuteLevel);
        Context.SetReceiveTimeout(_settings.PlayerIdleTimeout);
    }

    /// <summary>Hand-off (node leaving) or passivation: checkpoint, then stop.</summary>
    protected override void OnStop() => CheckpointThen(() => Context.Stop(Self));

    private void HandleKick(PlayerCommands.Kick cmd)
    {
        if (cmd.CloseCode == 0)
        {
            _session?.Tell(new SessionPushes.Revoked(State.PlayerId, cmd.Reason));
            return;
        }
        if (_session is null)
        {
            Sender.Tell(new Replies.Rejected("", ErrorCodes.NotAttached, $"{State.PlayerId} is not online"));
            return;
        }
        Log.Info("Session of {0} closed by an operator ({1}): {2}", State.PlayerId, cmd.CloseCode, cmd.Reason);
        _session.Tell(new SessionPushes.Disconnect(State.PlayerId, cmd.CloseCode, cmd.Reason));
        Sender.Tell(new Replies.Acknowledged(""));
    }

    private void HandleAttach(PlayerCommands.Attach cmd)
    {
        // A replaced session's late attach, or a resync's while a login holds the character (the login is newer: the
        // resyncing session was cut off by its entity's loss before it), must not take the character from that login.
        if (_replacedSessions.Contains(cmd.Session) || (cmd.Resync && _session is not null && !_session.Equals(cmd.Session)))
        {
            cmd.Session.Tell(new SessionPushes.Replaced(State.PlayerId));
            return;
        }
        Timers.Cancel(ForfeitTimer); // back within the grace period: it fights on
        if (_session is not null && !_session.Equals(cmd.Session))
        {
            if (_replacedSessions.Count == ReplacedSessionsKept) _replacedSessions.Dequeue();
            _replacedSessions.Enqueue(_session);
            // One live session per character: the newest wins, the old one is told to close and leaves the district.
            LeaveDistrictPresence();
            Context.Unwatch(_session);
            _session.Tell(new SessionPushes.Replaced(State.PlayerId));
        }
        // The movement budget and the last accepted position survive a new session (a reconnect must not refill
        // the budget): only the clock the moves are stamped with changes.
        if (!cmd.Session.Equals(_session)) _trackerNeedsRebase = true;
        _session = cmd.Session;
        _disconnectSent = false;
        // A session that dies without detaching (its edge node crashed) must not keep the character online.
        Context.Watch(_session);
        Context.SetReceiveTimeout(null);
        ReportPresence(true);
        var replyTo = Sender;
        var events = PlayerRules.DecideAttach(State, cmd.Name, cmd.Org);
        if (events.Count == 0)
        {
            replyTo.Tell(new PlayerReplies.Attached(PlayerRules.Sheet(State, _livePosition, VitalsNow())));
            return;
        }
        PersistThen(events, () => replyTo.Tell(new PlayerReplies.Attached(PlayerRules.Sheet(State, _livePosition, VitalsNow()))),
            _ => replyTo.Tell(new Replies.Rejected(PlayerReplies.AttachCommandId, ErrorCodes.Unavailable, JournalDown)));
    }

    /// <summary>What a client is told when the journal refused the write its request needed (nothing was stored).</summary>
    private const string JournalDown = Districts.DistrictEntity.JournalDown;

    private void DetachSession(IActorRef session)
    {
        if (_session is null || !_session.Equals(session)) return;
        Context.Unwatch(_session);
        CancelJackOut(null);
        LeaveDistrictPresence();
        _session = null;
        ReportPresence(false);
        if (State.Encounter is not null) Timers.StartSingleTimer(ForfeitTimer, ForfeitDue.Instance, _fighting.DisconnectGrace);
        CheckpointThen(() => Context.SetReceiveTimeout(_settings.PlayerIdleTimeout));
    }

    private void HandleEnter(PlayerCommands.EnterDistrict cmd)
    {
        if (RefuseOverRate(cmd.CommandId, "travel", _settings.TravelRate) || RefuseWhileBusy(cmd.CommandId)) return;
        // Decide on the live position: a re-entry must not rewind movement that is not checkpointed yet.
        Admit(PlayerRules.DecideEnter(State with { Position = _livePosition }, _map, cmd.District, cmd.CommandId),
            cmd.CommandId, Sender, Admission.Enter);
    }

    private void HandleTeleport(PlayerCommands.Teleport cmd)
    {
        if (RefuseOverRate(cmd.CommandId, "travel", _settings.TravelRate) || RefuseWhileBusy(cmd.CommandId)) return;
        if (!_present)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        if (RefuseWhileDerezzed(cmd.CommandId)) return;
        Admit(PlayerRules.DecideTeleport(State, _map, cmd.Hardline), cmd.CommandId, Sender, Admission.Teleport);
    }

    private bool RefuseWhileDerezzed(string commandId)
    {
        if (!State.Derezzed) return false;
        Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.Derezzed, "you were derezzed: reconstruct first"));
        return true;
    }

    private void HandleReconstruct(PlayerCommands.Reconstruct cmd)
    {
        if (RefuseOverRate(cmd.CommandId, "travel", _settings.TravelRate) || RefuseWhileBusy(cmd.CommandId)) return;
        if (!_present)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        Admit(PlayerRules.DecideReconstruct(State, _map, cmd.Hardline, _livePosition), cmd.CommandId, Sender, Admission.Reconstruct);
    }

    /// <summary>
    /// A combat round's result: persisted, then acknowledged (a repeat is acknowledged without a write, so an encounter
    /// that did not hear the first answer may ask again). The round that derezzes the character tells its session.
    /// </summary>
    private void HandleCombatRound(PlayerCommands.TakeCombatRound cmd)
    {
        var replyTo = Sender;
        var taken = new CombatReplies.RoundTaken(cmd.EncounterId, cmd.PlayerId.Value, cmd.Round);
        if (PlayerRules.DecideCombatRound(State, cmd, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) is not { } round)
        {
            replyTo.Tell(taken);
            return;
        }
        var wasDerezzed = State.Derezzed;
        PersistThen(round, _ =>
        {
            replyTo.Tell(taken);
            if (cmd.Played is { } played) _session?.Tell(played);
            if (State.Derezzed && !wasDerezzed)
            {
                CancelJackOut(null);
                _session?.Tell(new PlayerReplies.Derezzed(cmd.EncounterId, cmd.Round));
            }
            if (cmd.Ended)
            {
                Timers.Cancel(ForfeitTimer);
                _session?.Tell(new CombatPushes.Ended(cmd.EncounterId, cmd.Winner, cmd.Reason, cmd.Round));
                CountFightWon(cmd);
            }
            // A round of a fight whose fighter is away (it disconnected, or this entity restarted without a session).
            else if (_session is null && !Timers.IsTimerActive(ForfeitTimer))
                Timers.StartSingleTimer(ForfeitTimer, ForfeitDue.Instance, _fighting.DisconnectGrace);
        }, _ => replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, JournalDown)));
    }

    /// <summary>Away past the grace period in a fight: the character forfeits (the encounter ends it, the other side wins).</summary>
    private void HandleForfeitDue()
    {
        if (_session is not null || State.Encounter is not { } encounter || _combat is null) return;
        Log.Info("{0} stayed away from encounter {1} past the grace period: it forfeits", State.PlayerId, encounter);
        _combat.Tell(new CombatCommands.Forfeit(encounter, State.PlayerId.Value));
    }

    private void HandleEngage(PlayerCommands.Engage cmd)
    {
        if (!MayFight(cmd.CommandId, out var district)) return;
        _districts.Tell(new DistrictCommands.Engage(district, State.PlayerId, cmd.Target, FightingStatsNow(), _session!, cmd.CommandId));
    }

    private void HandleAnswerDuel(PlayerCommands.AnswerDuel cmd)
    {
        if (cmd.Accept ? !MayFight(cmd.CommandId, out var district) : !MayAnswer(cmd.CommandId, out district)) return;
        _districts.Tell(new DistrictCommands.AnswerDuel(district, State.PlayerId, cmd.Challenger, cmd.Accept, FightingStatsNow(), _session!, cmd.CommandId));
    }

    private bool MayAnswer(string commandId, out DistrictId district)
    {
        district = default;
        if (RefuseWhileBusy(commandId)) return false;
        if (!_present || State.District is not { } here)
        {
            Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return false;
        }
        district = here;
        return true;
    }

    /// <summary>Only a character present in a district, not derezzed and not already fighting may start a fight.</summary>
    private bool MayFight(string commandId, out DistrictId district)
    {
        if (!MayAnswer(commandId, out district) || RefuseWhileDerezzed(commandId)) return false;
        if (State.Encounter is { } encounter)
        {
            Sender.Tell(new Replies.Rejected(commandId, CombatErrorCodes.InCombat, $"you are already fighting (encounter {encounter})"));
            return false;
        }
        return true;
    }

    private FighterStatsData FightingStatsNow()
    {
        var (health, innerStrength) = VitalsNow();
        return _fighting.StatsNow(health, innerStrength, State.DeathEffectUntilMs > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    private bool RefuseWhileBusy(string commandId)
    {
        if (_session is null)
        {
            Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.NotAttached, "no session is attached to this character"));
            return true;
        }
        if (_pendingEnter is not null)
        {
            Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.Busy, "a district change is still in progress"));
            return true;
        }
        if (_jackOut is not null)
        {
            Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.JackingOut, "jacking out; move to cancel it first"));
            return true;
        }
        return false;
    }

    private void Admit(EnterDecision decision, string commandId, IActorRef replyTo, Admission kind)
    {
        switch (decision)
        {
            case EnterDecision.Refuse refuse:
                replyTo.Tell(new Replies.Rejected(commandId, refuse.Code, refuse.Message));
                return;
            case EnterDecision.Admit admit:
                _pendingEnter = new PendingEnter(admit, commandId, replyTo, kind);
                _resyncJoinRetry = default;
                SendJoin(_pendingEnter);
                return;
        }
    }

    /// <summary>
    /// A re-join after a failure asks again until the district answers (on <see cref="FailoverRetry"/>'s schedule): the
    /// region may still route the first ask to the dead node, where it is lost, and the character must not stay out of
    /// its district.
    /// </summary>
    private FailoverRetry _resyncJoinRetry;

    private void SendJoin(PendingEnter pending)
    {
        var admit = pending.Decision;
        _districts.Tell(new DistrictCommands.Join(admit.District, State.PlayerId, State.Name, admit.Position, _session!, pending.CommandId));
        var wait = pending.Kind == Admission.Resync && _resyncJoinRetry.Delay < _settings.EnterTimeout ? _resyncJoinRetry.Delay : _settings.EnterTimeout;
        Timers.StartSingleTimer("enter", new EnterTimedOut(pending.CommandId), wait);
    }

    private void HandleJoined(DistrictReplies.Joined joined)
    {
        if (_pendingEnter is not { } pending || pending.CommandId != joined.CommandId) return;
        Timers.Cancel("enter");
        _pendingEnter = null;
        var admit = pending.Decision;
        WatchDistrict(Sender);

        void Complete()
        {
            _present = true;
            _livePosition = admit.Position;
            if (pending.Kind == Admission.Resync)
            {
                pending.ReplyTo.Tell(new PlayerReplies.Resynced(admit.District, admit.Position, joined.Occupants, joined.Environment));
                return;
            }
            // Only a relocation by the server (spawning in another district, a teleport) starts a new movement
            // budget. Re-entering the district one is in and walking across an edge keep it: the tracker already
            // holds the position, and a fresh budget there is how the speed limit was bypassed (issue 7).
            if (admit.IsNew && pending.Kind != Admission.Handover) _trackerNeedsStart = true;
            var entered = new PlayerReplies.EnteredDistrict(pending.CommandId, admit.District, admit.Position, joined.Occupants,
                joined.Environment);
            pending.ReplyTo.Tell(pending.Kind == Admission.Reconstruct
                ? new PlayerReplies.Reconstructed(pending.CommandId, entered, State.Health, State.InnerStrength, State.DeathEffectUntilMs)
                : entered);
            UnlockNearbyHardlines(admit.Position);
        }

        if (!admit.IsNew)
        {
            Complete();
            return;
        }
        // A reconstruction is the arrival and the recovery in one write: never back at full health somewhere else, nor
        // moved while still derezzed.
        IMxoEvent[] events = pending.Kind == Admission.Reconstruct
            ? [new PlayerEvents.EnteredDistrict(admit.District, admit.Position, pending.CommandId),
                new PlayerEvents.Reconstructed(CharacterRules.StartingHealth, CharacterRules.StartingInnerStrength,
                    DateTimeOffset.UtcNow.Add(_deathEffect).ToUnixTimeMilliseconds())]
            : [new PlayerEvents.EnteredDistrict(admit.District, admit.Position, pending.CommandId)];
        PersistThen(events, () =>
        {
            // Leave the old district only once the new one is durable: the character is never in neither.
            if (admit.Previous is { } previous) _districts.Tell(new DistrictCommands.Leave(previous, State.PlayerId));
            Complete();
        }, _ =>
        {
            // Not durable: the character stays where it was, and the district that admitted it lets it go.
            _districts.Tell(new DistrictCommands.Depart(admit.District, State.PlayerId));
            NotAdmitted(pending, ErrorCodes.Unavailable, JournalDown);
        });
    }

    /// <summary>
    /// A session that lost this character's previous incarnation (its node died) attached again: back into the district
    /// the character is in, at the position this incarnation has (its checkpoint, or a newer move). A character in no
    /// district is told so at once.
    /// </summary>
    private void HandleResume(PlayerCommands.Resume cmd)
    {
        if (RefuseWhileBusy(cmd.CommandId)) return;
        if (State.District is not { } district)
        {
            Sender.Tell(new PlayerReplies.Resynced(null, _livePosition, []));
            return;
        }
        Admit(new EnterDecision.Admit(district, _livePosition, IsNew: false, Previous: null), cmd.CommandId, Sender, Admission.Resync);
    }

    /// <summary>
    /// The district entity that admitted the character stopped: its node died or it moved to another node. The presence
    /// it held is gone, so the character joins the district's new incarnation (the shard region holds the join until the
    /// district is back) and the session is told where it is and who is in view.
    /// </summary>
    private void DistrictLost()
    {
        _districtEntity = null;
        if (!_present || _session is null || State.District is not { } district || _pendingEnter is not null) return;
        // Still "present" while the join is pending: moves are dropped meanwhile (a district change is in progress), and a
        // session that leaves now still departs.
        Log.Info("District {0} of {1} stopped; joining it again", district, State.PlayerId);
        Admit(new EnterDecision.Admit(district, _livePosition, IsNew: false, Previous: null), "resync-" + Guid.NewGuid().ToString("N"),
            _session, Admission.Resync);
    }

    private void WatchDistrict(IActorRef district)
    {
        if (district.Equals(_districtEntity) || district.IsNobody()) return;
        if (_districtEntity is not null) Context.Unwatch(_districtEntity);
        _districtEntity = district;
        Context.Watch(district);
    }

    private void HandleJoinRefused(DistrictReplies.JoinRefused refused)
    {
        if (_pendingEnter is not { } pending || pending.CommandId != refused.CommandId) return;
        // A district busy with its journal refuses what it cannot queue; a re-join after a failure is not given up for
        // that: the retry timer asks again (a player put in no district by a busy moment would have to enter again).
        if (pending.Kind == Admission.Resync && refused.Code is ErrorCodes.Busy or ErrorCodes.Unavailable && _session is not null) return;
        Timers.Cancel("enter");
        _pendingEnter = null;
        NotAdmitted(pending, refused.Code, refused.Message);
    }

    /// <summary>The district change <paramref name="pending"/> did not happen: the player is told, and stays where it is.</summary>
    private void NotAdmitted(PendingEnter pending, string code, string message)
    {
        if (pending.Kind == Admission.Handover)
        {
            // Walking into a full district: the player stays on this side of the edge, with what is left of its budget.
            _tracker = _tracker with { Position = _livePosition };
            pending.ReplyTo.Tell(new PlayerReplies.PositionCorrected(_livePosition, code));
            pending.ReplyTo.Tell(new Replies.Rejected("", code, message));
            return;
        }
        pending.ReplyTo.Tell(new Replies.Rejected(pending.CommandId, code, message));
    }

    private void HandleEnterTimedOut(EnterTimedOut timeout)
    {
        if (_pendingEnter is not { } pending || pending.CommandId != timeout.CommandId) return;
        if (pending.Kind == Admission.Resync && _session is not null)
        {
            _resyncJoinRetry = _resyncJoinRetry.Next();
            SendJoin(pending);
            return;
        }
        _pendingEnter = null;
        Log.Warning("District {0} did not admit {1} in time", pending.Decision.District, State.PlayerId);
        if (pending.Kind == Admission.Handover)
        {
            _tracker = _tracker with { Position = _livePosition };
            pending.ReplyTo.Tell(new PlayerReplies.PositionCorrected(_livePosition, ErrorCodes.Timeout));
        }
        else
            pending.ReplyTo.Tell(new Replies.Rejected(pending.CommandId, ErrorCodes.Timeout,
                "the district did not answer in time; retry with the same id"));
    }

    private void HandleMove(PlayerCommands.Move cmd)
    {
        if (!_present || State.District is not { } district)
        {
            Sender.Tell(new Replies.Rejected("", ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        // A district change is in flight: the player is where it was until it completes.
        if (_pendingEnter is not null) return;
        if (State.Derezzed)
        {
            Sender.Tell(new PlayerReplies.PositionCorrected(_livePosition, ErrorCodes.Derezzed));
            return;
        }

        var localMs = Environment.TickCount64;
        var now = TimeSpan.FromMilliseconds(cmd.ReceivedAtMs > 0 ? cmd.ReceivedAtMs : localMs);
        if (_trackerNeedsStart)
        {
            // A teleport keeps the offence record; only the very first start has none.
            _tracker = _lastMoveLocalMs == 0
                ? MovementTracker.Start(_livePosition, now, _movement)
                : MovementRules.Teleport(_tracker, _livePosition, now, _movement);
            _trackerNeedsStart = false;
        }
        else if (_trackerNeedsRebase)
        {
            // Same budget, same last accepted position; its time moved onto the new session's clock, using how long
            // ago this entity judged the last move.
            _tracker = _tracker with { At = now - TimeSpan.FromMilliseconds(Math.Max(0, localMs - _lastMoveLocalMs)) };
        }
        _trackerNeedsRebase = false;
        _lastMoveLocalMs = localMs;
        if (_map.DistrictAt(cmd.Position) is not { } target)
        {
            Sender.Tell(new PlayerReplies.PositionCorrected(_livePosition, "outside_world"));
            return;
        }
        var decision = MovementRules.Decide(_tracker, cmd.Position, now, _movement);
        _tracker = decision.Tracker;
        if (!decision.Accepted)
        {
            Sender.Tell(new PlayerReplies.PositionCorrected(_livePosition, "too_fast"));
            if (decision.ShouldLog)
                Log.Warning("{0} moves faster than {1} u/s: {2} refused moves within {3} s ({4} in all); logged once per window",
                    State.PlayerId, _movement.MaxSpeed, _tracker.RecentOffences, _movement.OffenceWindow.TotalSeconds, _tracker.TotalOffences);
            if (_tracker.RecentOffences >= _settings.MaxRefusedMoves)
                Disconnect(WireProtocol.CloseCodes.MovementRefused,
                    $"{_tracker.RecentOffences} refused moves within {_movement.OffenceWindow.TotalSeconds:0} s");
            return;
        }
        if (cmd.Position != _livePosition) CancelJackOut("you moved");

        if (target.Id != district)
        {
            // Crossing the edge: the neighbouring district admits the player first (it may live on another node).
            Admit(new EnterDecision.Admit(target.Id, cmd.Position, IsNew: true, Previous: district),
                "handover-" + Guid.NewGuid().ToString("N"), Sender, Admission.Handover);
            return;
        }
        _livePosition = cmd.Position;
        _districts.Tell(new DistrictCommands.UpdatePosition(district, State.PlayerId, cmd.Position));
        if (_reachWatch.Length > 0) CheckReach(district, cmd.Position);
        if (!Timers.IsTimerActive("checkpoint"))
            Timers.StartSingleTimer("checkpoint", new CheckpointDue(), _settings.CheckpointInterval);
        UnlockNearbyHardlines(cmd.Position);
    }

    /// <summary>
    /// While the character re-joins a district that died (<see cref="DistrictLost"/>) there is nobody to take a request
    /// for it: refused with <c>resyncing</c> at once (the session hears <c>resynced</c> when the district is back) instead
    /// of timing out in a district that is not there.
    /// </summary>
    private bool RefuseWhileRejoining(string commandId)
    {
        if (_pendingEnter is not { Kind: Admission.Resync }) return false;
        Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.Resyncing, "your district is being restored; retry after resynced"));
        return true;
    }

    /// <summary>
    /// The per-character limit on durable requests (each one is journaled): refuses with <c>rate_limited</c> and the
    /// time to wait, and disconnects a client that keeps going after being told.
    /// </summary>
    private bool RefuseOverRate(string commandId, string bucketName, RateLimit limit)
    {
        var now = Environment.TickCount64;
        var bucket = _buckets.TryGetValue(bucketName, out var kept) ? kept : TokenBucket.Full(limit, now);
        var (allowed, next, wait) = bucket.Take(limit, now);
        _buckets[bucketName] = next;
        if (allowed) return false;
        var waitMs = (long)Math.Ceiling(wait.TotalMilliseconds);
        Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.RateLimited,
            $"too many {bucketName} requests (at most {limit.PerSecond:0.##}/s, bursts of {limit.Burst}); retry in {waitMs} ms", waitMs));
        Strike(now);
        return true;
    }

    /// <summary>One more request refused for going too fast: the client is disconnected once it has been told often enough.</summary>
    private void Strike(long now)
    {
        (_rateStrikes, var exceeded) = _rateStrikes.Strike(now, _settings.StrikeWindow, _settings.MaxRateLimitStrikes);
        if (exceeded)
            Disconnect(WireProtocol.CloseCodes.RateLimitExceeded,
                $"{_rateStrikes.Count} requests refused as rate_limited or muted within {_settings.StrikeWindow.TotalSeconds:0} s");
    }

    /// <summary>Tells the session to close its socket with <paramref name="code"/> (once per session) and logs it once.</summary>
    private void Disconnect(int code, string reason)
    {
        if (_disconnectSent || _session is null) return;
        _disconnectSent = true;
        Log.Warning("Closing the session of {0} with {1}: {2}", State.PlayerId, code, reason);
        _session.Tell(new SessionPushes.Disconnect(State.PlayerId, code, reason));
    }

    private void UnlockNearbyHardlines(Vec3 position)
    {
        var unlocks = PlayerRules.DecideUnlocks(State, _map, position, _settings.HardlineUnlockRadius);
        if (unlocks.Count == 0) return;
        foreach (var unlock in unlocks)
            PersistThen(unlock, e => _session?.Tell(new PlayerReplies.HardlineUnlocked(e.Hardline, _map.Hardline(e.Hardline)?.Name ?? e.Hardline)));
    }

    private void HandleSay(PlayerCommands.Say cmd)
    {
        if (RefuseWhileMuted(cmd.CommandId) || RefuseOverRate(cmd.CommandId, "say", _settings.SayRate) || RefuseWhileRejoining(cmd.CommandId)) return;
        if (!_present || State.District is not { } district)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        var districtWide = cmd.Channel == ChatChannels.District;
        if (districtWide ? RefuseOverChatLimit(cmd.CommandId, ChatChannels.District, _settings.ChatDistrictRate)
            : RefuseOverChatLimit(cmd.CommandId, ChatChannels.Say, _settings.ChatSayRate)) return;
        // The district persists the line and acknowledges to the original sender.
        _districts.Forward(new DistrictCommands.Say(district, State.PlayerId, cmd.Text, cmd.CommandId)
        {
            Channel = districtWide ? ChatChannels.District : null,
        });
    }

    /// <summary>
    /// The channel limits on top of the per-character <see cref="WorldSettings.SayRate"/> (issue 12): refuses with
    /// <c>rate_limited</c> or <c>muted</c> and the time to wait (<see cref="ChatGuard"/>). Each refusal also counts as a
    /// rate-limit strike, so a client flooding chat is still disconnected with 4008 as before.
    /// </summary>
    private bool RefuseOverChatLimit(string commandId, string channelClass, RateLimit limit)
    {
        var now = Environment.TickCount64;
        return RefuseChat(commandId, channelClass, limit, _chat.Check(channelClass, limit, _settings.ChatMute, now), now);
    }

    /// <summary>
    /// A muted sender is told so before any other check, the general <see cref="WorldSettings.SayRate"/> included:
    /// whatever else would refuse the line, the mute is what it must wait for.
    /// </summary>
    private bool RefuseWhileMuted(string commandId)
    {
        var now = Environment.TickCount64;
        var left = _chat.MutedForMs(now);
        return left > 0 && RefuseChat(commandId, "chat", _settings.ChatSayRate, new ChatVerdict(ChatErrorCodes.Muted, left, false), now);
    }

    private bool RefuseChat(string commandId, string channelClass, RateLimit limit, ChatVerdict verdict, long now)
    {
        if (verdict.Allowed) return false;
        var message = verdict.Code != ChatErrorCodes.Muted
            ? $"too many {channelClass} lines (at most {limit.Burst} per {limit.Burst / limit.PerSecond:0.#} s); retry in {verdict.RetryAfterMs} ms"
            : State.MuteReason is { Length: > 0 } reason && !verdict.MutedNow
                ? $"a moderator muted you for {verdict.RetryAfterMs / 1000.0:0.#} s more: {reason}"
                : $"you are muted for {verdict.RetryAfterMs / 1000.0:0.#} s more for going on after rate_limited";
        Sender.Tell(new Replies.Rejected(commandId, verdict.Code!, message, verdict.RetryAfterMs));
        // The mute outlives this incarnation: it is written in the background (the refusal does not wait for it; the
        // guard holds the mute meanwhile), and a restarted entity restores it (OnRecovered).
        if (verdict.MutedNow)
        {
            PersistInBackground(new ChatEvents.Muted(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + verdict.RetryAfterMs, _chat.Level, "", ""));
            Log.Info("{0} muted on chat for {1:0.#} s (mute {2} in a row)", State.PlayerId, verdict.RetryAfterMs / 1000.0, _chat.Level);
        }
        Strike(now);
        return true;
    }

    /// <summary>
    /// A whisper: limited like a chat line, then sent to the recipient's entity wherever it lives (the player region
    /// routes it across nodes), which answers the sender's session itself: delivered (ack), not online, or unknown.
    /// </summary>
    private void HandleWhisper(string commandId, PlayerId to, string text)
    {
        if (RefuseWhileMuted(commandId) || RefuseOverRate(commandId, "say", _settings.SayRate)) return;
        if (to == State.PlayerId)
        {
            Sender.Tell(new Replies.Rejected(commandId, ChatErrorCodes.SelfTarget, "you cannot whisper to yourself"));
            return;
        }
        if (RefuseOverChatLimit(commandId, "whisper", _settings.ChatWhisperRate)) return;
        if (_players is null)
        {
            Sender.Tell(new Replies.Rejected(commandId, ErrorCodes.Unavailable, "whispers are not served here"));
            return;
        }
        _players.Tell(new ChatCommands.DeliverWhisper(to, State.PlayerId, State.Name, text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            commandId, Sender) { WhisperId = WhisperRules.NewId(State.PlayerId) });
    }

    private void HandleReply(ChatCommands.Reply cmd)
    {
        if (_lastWhisperer is not { } to)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ChatErrorCodes.NoReplyTarget, "nobody has whispered to you yet"));
            return;
        }
        HandleWhisper(cmd.CommandId, to, cmd.Text);
    }

    /// <summary>
    /// A whisper for this character. A name never played is <c>unknown_recipient</c> (this entity was started just to
    /// answer: it has no journal); a character without a session is <c>not_online</c>, unless it opted in to offline
    /// whispers. A sender on the ignore list is acknowledged but not kept, delivered or notified: whether one is ignored
    /// is not told.
    /// <para>
    /// Where whispers are kept: each character's entity keeps its own side (<see cref="PlayerState.Whispers"/>), the
    /// recipient's here before it is delivered, the sender's when this entity answers it
    /// (<see cref="WhisperCommands.Delivered"/>) before the sender is acknowledged. Both entities are on the whisper's
    /// way anyway (no extra hop, no other entity to keep alive), each history is its owner's to page, purge and snapshot,
    /// and it is bounded (200) so the player snapshot stays bounded too. The inbox is not used: it holds what is waiting
    /// to be read, with other rules (expiry, read marks), and a whisper sent is not a notification of its sender's.
    /// </para>
    /// </summary>
    private void HandleDeliverWhisper(ChatCommands.DeliverWhisper cmd)
    {
        if (!State.Created)
        {
            cmd.ReplyTo.Tell(new Replies.Rejected(cmd.CommandId, ChatErrorCodes.UnknownRecipient, $"there is no character called '{cmd.PlayerId}'"));
            return;
        }
        if (State.Ignored.Contains(cmd.From.Value))
        {
            WhisperHandedOver(cmd);
            return;
        }
        var offline = _session is null;
        if (offline && (!State.OfflineWhispers || _inboxes is null))
        {
            cmd.ReplyTo.Tell(new Replies.Rejected(cmd.CommandId, ChatErrorCodes.NotOnline, $"{State.Name} is not online"));
            return;
        }
        if (offline && _offlineWhispers.Count >= MaxPendingOfflineWhispers)
        {
            cmd.ReplyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Busy, $"{State.Name} has too many whispers on their way to its inbox; retry"));
            return;
        }
        var id = cmd.WhisperId.Length > 0 ? cmd.WhisperId : WhisperRules.NewId(cmd.From);
        PersistThen(PlayerRules.KeepWhisper(State, id, cmd.From, cmd.FromName, outgoing: false, cmd.Text, cmd.UnixTimeMs), _ =>
        {
            if (_session is not null)
            {
                _lastWhisperer = cmd.From;
                _session.Tell(new ChatPushes.Whispered(cmd.From, cmd.FromName, cmd.Text, cmd.UnixTimeMs) { Id = id });
                WhisperHandedOver(cmd with { WhisperId = id });
                return;
            }
            if (!State.OfflineWhispers || _inboxes is null)
            {
                cmd.ReplyTo.Tell(new Replies.Rejected(cmd.CommandId, ChatErrorCodes.NotOnline, $"{State.Name} is not online"));
                return;
            }
            // Offline, opted in: a persistent notification; the sender is told once the inbox has stored it.
            var notify = Notifications.OfflineWhisperNotification.For(State.PlayerId, cmd with { WhisperId = id });
            _offlineWhispers[notify.CommandId] = cmd with { WhisperId = id };
            _inboxes.Tell(notify);
        }, _ => cmd.ReplyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, JournalDown)));
    }

    /// <summary>The inbox answered an offline whisper's notification: stored (the sender is told it was delivered) or refused.</summary>
    private void OfflineWhisperStored(string commandId, Replies.Rejected? refused)
    {
        if (!_offlineWhispers.Remove(commandId, out var cmd)) return;
        if (refused is null) WhisperHandedOver(cmd);
        else cmd.ReplyTo.Tell(new Replies.Rejected(cmd.CommandId, refused.Code, refused.Message));
    }

    /// <summary>The whisper is kept here and handed over: the sender's entity keeps its side, then acknowledges the sender.</summary>
    private void WhisperHandedOver(ChatCommands.DeliverWhisper cmd)
    {
        var answer = new WhisperCommands.Delivered(cmd.From, State.PlayerId, State.Name, cmd.WhisperId, cmd.Text, cmd.UnixTimeMs, cmd.CommandId, cmd.ReplyTo);
        if (_players is null) cmd.ReplyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
        else _players.Tell(answer);
    }

    /// <summary>The recipient kept and handed over a whisper of this character's: its side is kept, then the sender is acknowledged.</summary>
    private void HandleWhisperDelivered(WhisperCommands.Delivered d)
    {
        var id = d.Id.Length > 0 ? d.Id : WhisperRules.NewId(State.PlayerId);
        PersistThen(PlayerRules.KeepWhisper(State, id, d.To, d.ToName, outgoing: true, d.Text, d.UnixTimeMs),
            _ => d.ReplyTo.Tell(new Replies.Acknowledged(d.CommandId)),
            _ => d.ReplyTo.Tell(new Replies.Rejected(d.CommandId, ErrorCodes.Unavailable,
                "the whisper was delivered, but your copy of it could not be stored")));
    }

    private void HandleWhisperHistory(WhisperCommands.History cmd)
    {
        if (PlayerRules.WhisperPage(State, cmd.Cursor, cmd.Limit) is not { } page)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, Mxo.Protocol.Crews.CrewErrorCodes.BadCursor, "the cursor is not one your whisper history gave"));
            return;
        }
        Sender.Tell(new WhisperReplies.History(cmd.CommandId, page.Next) { Whispers = page.Whispers });
    }

    private void HandleSetOfflineWhispers(WhisperCommands.SetOfflineWhispers cmd)
    {
        if (RefuseOverRate(cmd.CommandId, "settings", _settings.InteractRate)) return;
        var replyTo = Sender;
        if (State.OfflineWhispers == cmd.Enabled)
        {
            replyTo.Tell(new WhisperReplies.Settings(cmd.CommandId, State.OfflineWhispers));
            return;
        }
        PersistThen(new ChatEvents.OfflineWhispersSet(cmd.Enabled), _ => replyTo.Tell(new WhisperReplies.Settings(cmd.CommandId, State.OfflineWhispers)),
            _ => replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, JournalDown)));
    }

    /// <summary>
    /// A moderator's action, recorded by the moderation log first (<c>src/Mxo.Actors/Moderation/ModerationLogEntity.cs</c>):
    /// mute, unmute, delete one kept whisper (here and, told once, on the other side), purge this character's whispers
    /// (here, from the histories of those it whispered to, and its crew's lines). The fan-out to other entities carries
    /// no reply-to and is not acknowledged: the moderator is told once this character's part is durable.
    /// </summary>
    private void HandleModeration(Mxo.Protocol.Moderation.ModerationCommands.ToPlayer cmd)
    {
        var (action, replyTo) = (cmd.Action, cmd.ReplyTo);
        void Done(IMxoEvent _) => replyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
        void Refused(Exception _) => replyTo?.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, JournalDown));
        if (!State.Created)
        {
            replyTo?.Tell(new Replies.Rejected(cmd.CommandId, ChatErrorCodes.UnknownRecipient, $"there is no character called '{action.Target}'"));
            return;
        }
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        switch (action.Kind)
        {
            case Mxo.Protocol.Moderation.ModerationKinds.Mute:
                var lengthMs = action.Seconds * 1000;
                PersistThen<IMxoEvent>(new ChatEvents.Muted(nowMs + lengthMs, State.MuteLevel, action.Reason, action.By), e =>
                {
                    // The moderator's word is the mute: it replaces whatever the chat limits gave.
                    _chat.Lift(Environment.TickCount64);
                    _chat.Restore(Environment.TickCount64 + lengthMs, State.MuteLevel);
                    Log.Info("{0} muted for {1} s by {2}: {3}", State.PlayerId, action.Seconds, action.By, action.Reason);
                    Done(e);
                }, Refused);
                return;
            case Mxo.Protocol.Moderation.ModerationKinds.Unmute:
                PersistThen<IMxoEvent>(new ChatEvents.Unmuted(action.By), e =>
                {
                    _chat.Lift(Environment.TickCount64);
                    Done(e);
                }, Refused);
                return;
            case Mxo.Protocol.Moderation.ModerationKinds.Delete:
                if (State.Whispers.FirstOrDefault(w => w.Id == action.MessageId) is not { } whisper)
                {
                    replyTo?.Tell(new Replies.Rejected(cmd.CommandId, Mxo.Protocol.Moderation.ModerationErrorCodes.UnknownMessage,
                        $"{State.Name} keeps no whisper '{action.MessageId}'"));
                    return;
                }
                PersistThen<IMxoEvent>(new ChatEvents.WhisperDeleted(whisper.Id), e =>
                {
                    // The other side's copy goes too; only the first entity tells the other (it has a reply-to).
                    if (replyTo is not null) _players?.Tell(cmd with { PlayerId = new PlayerId(whisper.Other), ReplyTo = null, CommandId = "" });
                    Done(e);
                }, Refused);
                return;
            case Mxo.Protocol.Moderation.ModerationKinds.Purge:
                var author = PlayerId.FromName(action.Target);
                if (author != State.PlayerId)
                {
                    // Fan-out of another character's purge: its whispers go from this history.
                    if (State.Whispers.Any(w => !w.Outgoing && w.Other == author.Value))
                        PersistThen<IMxoEvent>(new ChatEvents.WhispersPurged(author), Done, Refused);
                    else replyTo?.Tell(new Replies.Acknowledged(cmd.CommandId));
                    return;
                }
                var others = State.Whispers.Where(w => w.Outgoing).Select(w => w.Other).Distinct().ToArray();
                PersistThen<IMxoEvent>(new ChatEvents.WhispersPurged(author), e =>
                {
                    foreach (var other in others) _players?.Tell(cmd with { PlayerId = new PlayerId(other), ReplyTo = null, CommandId = "" });
                    if (State.Crew is { } crew)
                        _crews?.Tell(new Mxo.Protocol.Moderation.ModerationCommands.ToCrew(new Mxo.Protocol.Crews.CrewId(crew), action, "", null));
                    // Its organisation's kept lines too (the organisation's answer, a count, is not awaited: the purge is recorded).
                    if (State.Org is { } org) _orgs?.Tell(new OrgCommands.PurgePlayer(org, author, action.By), ActorRefs.NoSender);
                    Done(e);
                }, Refused);
                return;
            default:
                replyTo?.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.InvalidField, $"unknown moderation action '{action.Kind}'"));
                return;
        }
    }

    private void HandleEmote(ChatCommands.Emote cmd)
    {
        if (RefuseWhileMuted(cmd.CommandId) || RefuseOverRate(cmd.CommandId, "say", _settings.SayRate) || RefuseWhileRejoining(cmd.CommandId)) return;
        if (!_present || State.District is not { } district)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        if (RefuseOverChatLimit(cmd.CommandId, ChatChannels.Say, _settings.ChatSayRate)) return;
        _districts.Forward(new ChatCommands.DistrictEmote(district, State.PlayerId, cmd.Name, cmd.CommandId));
    }

    /// <summary>The ignore list is the character's: persisted, and answered with the whole list so the session's filter follows it.</summary>
    private void HandleIgnore(ChatCommands.Ignore cmd)
    {
        if (RefuseOverRate(cmd.CommandId, "ignore", _settings.InteractRate)) return;
        var replyTo = Sender;
        var (e, code, message) = PlayerRules.DecideIgnore(State, PlayerId.FromName(cmd.Name), cmd.Add, _settings.MaxIgnored);
        if (code is not null)
        {
            replyTo.Tell(new Replies.Rejected(cmd.CommandId, code, message!));
            return;
        }
        if (e is null)
        {
            replyTo.Tell(new ChatReplies.Ignores(cmd.CommandId, [.. State.Ignored]));
            return;
        }
        PersistThen(e, _ => replyTo.Tell(new ChatReplies.Ignores(cmd.CommandId, [.. State.Ignored])),
            _ => replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, JournalDown)));
    }

    /// <summary>
    /// A crew request from the session. The character's entity vouches for who asks (the crew takes requests only from
    /// here) and checks what its own copy of the membership can: no crew (<c>not_in_crew</c>), or one already
    /// (<c>already_in_crew</c>). The crew answers the session itself. An invite goes to the invitee's entity first,
    /// which knows whether the character exists and is free (<see cref="CrewDeliveryKinds.CheckInvitee"/>).
    /// </summary>
    private void HandleCrewRequest(CrewCommands.FromPlayer cmd)
    {
        if (_crews is null || _players is null)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, "crews are not served here"));
            return;
        }
        var say = cmd.Kind == CrewRequestKinds.Say;
        // Changes are journaled, so they share the per-character limit on durable requests; info and history only
        // read the crew and are left to the edge's frame limits.
        var reads = cmd.Kind is CrewRequestKinds.Info or CrewRequestKinds.History;
        if (say ? RefuseWhileMuted(cmd.CommandId) || RefuseOverRate(cmd.CommandId, "say", _settings.SayRate)
                : !reads && RefuseOverRate(cmd.CommandId, "crew", _settings.InteractRate)) return;
        var crew = State.Crew is { } id ? new CrewId(id) : (CrewId?)null;
        switch (cmd.Kind)
        {
            case CrewRequestKinds.Create or CrewRequestKinds.Accept:
                if (crew is not null)
                {
                    Sender.Tell(new Replies.Rejected(cmd.CommandId, CrewErrorCodes.AlreadyInCrew, $"you are in the crew '{State.CrewName}'; leave it first"));
                    return;
                }
                _crews.Tell(ToCrew(CrewId.FromName(cmd.Arg), cmd));
                return;
            case CrewRequestKinds.Decline:
                _crews.Tell(ToCrew(CrewId.FromName(cmd.Arg), cmd));
                return;
        }
        if (crew is not { } mine)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, CrewErrorCodes.NotInCrew, "you are not in a crew"));
            return;
        }
        if (say && RefuseOverChatLimit(cmd.CommandId, ChatChannels.Crew, _settings.ChatCrewRate)) return;
        if (cmd.Kind != CrewRequestKinds.Invite)
        {
            _crews.Tell(ToCrew(mine, cmd));
            return;
        }
        var invitee = PlayerId.FromName(cmd.Arg);
        if (invitee == State.PlayerId)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, CrewErrorCodes.AlreadyInCrew, "you are in the crew already"));
            return;
        }
        _players.Tell(new CrewCommands.Deliver(invitee, CrewDeliveryKinds.CheckInvitee, mine, State.CrewName ?? mine.Value, cmd.CommandId, Sender)
        {
            From = State.PlayerId, FromName = State.Name,
        });
    }

    /// <summary>
    /// An org request from the session: the character's entity vouches for who asks and knows its organisation (none:
    /// <c>no_org</c>). A line is limited like crew lines, on the org class (1 per 10 s by default); history only reads
    /// and is left to the edge's frame limits. The organisation answers the session itself.
    /// </summary>
    private void HandleOrgRequest(OrgCommands.FromPlayer cmd)
    {
        if (_orgs is null)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, "organisations are not served here"));
            return;
        }
        var say = cmd.Kind == OrgRequestKinds.Say;
        if (say && (RefuseWhileMuted(cmd.CommandId) || RefuseOverRate(cmd.CommandId, "say", _settings.SayRate))) return;
        if (State.Org is not { } org)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, OrgErrorCodes.NoOrg, "your character is in no organisation"));
            return;
        }
        if (say && RefuseOverChatLimit(cmd.CommandId, ChatChannels.Org, _settings.ChatOrgRate)) return;
        _orgs.Tell(new OrgCommands.Request(org, cmd.Kind, State.PlayerId, State.Name, cmd.Arg, cmd.Limit, cmd.CommandId, Sender));
    }

    /// <summary>Tells the character's crew that its session attached or detached (for <c>crew_info</c>'s <c>online</c>).</summary>
    private void ReportPresence(bool online)
    {
        if (State.Crew is { } crew)
            _crews?.Tell(new CrewCommands.Request(new CrewId(crew), CrewRequestKinds.Presence, State.PlayerId, State.Name, online ? "1" : "0", 0, "", null));
    }

    private CrewCommands.Request ToCrew(CrewId crew, CrewCommands.FromPlayer cmd) =>
        new(crew, cmd.Kind, State.PlayerId, State.Name, cmd.Arg, cmd.Limit, cmd.CommandId, Sender);

    /// <summary>What a crew (or a captain's entity) tells this character: see <see cref="CrewDeliveryKinds"/>.</summary>
    private void HandleCrewDelivery(CrewCommands.Deliver d)
    {
        switch (d.Kind)
        {
            case CrewDeliveryKinds.Joined:
                if (State.Crew is { } other && other != d.CrewId.Value)
                {
                    // Two joins raced (two accepts, or a create and an accept): the first recorded here wins, the other crew lets go.
                    _crews?.Tell(new CrewCommands.Request(d.CrewId, CrewRequestKinds.Leave, State.PlayerId, State.Name, "", 0, "", null));
                    d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, CrewErrorCodes.AlreadyInCrew, $"you are in the crew '{State.CrewName}'; leave it first"));
                    return;
                }
                if (State.Crew is not null)
                {
                    if (d.Info is { } known) d.ReplyTo?.Tell(known);
                    return;
                }
                PersistThen(new PlayerEvents.CrewJoined(d.CrewId.Value, d.CrewName), _ =>
                {
                    if (d.Info is { } info) d.ReplyTo?.Tell(info);
                }, _ => d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, ErrorCodes.Unavailable, JournalDown)));
                return;
            case CrewDeliveryKinds.Left:
                if (State.Crew != d.CrewId.Value)
                {
                    if (d.CommandId.Length > 0) d.ReplyTo?.Tell(new Replies.Acknowledged(d.CommandId));
                    return;
                }
                PersistThen(new PlayerEvents.CrewLeft(d.CrewId.Value), _ =>
                {
                    if (d.CommandId.Length > 0) d.ReplyTo?.Tell(new Replies.Acknowledged(d.CommandId));
                }, _ => d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, ErrorCodes.Unavailable, JournalDown)));
                return;
            case CrewDeliveryKinds.CheckInvitee:
                if (!State.Created)
                    d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, ChatErrorCodes.UnknownRecipient, $"there is no character called '{d.PlayerId}'"));
                else if (State.Crew is not null)
                    d.ReplyTo?.Tell(new Replies.Rejected(d.CommandId, CrewErrorCodes.AlreadyInCrew, $"{State.Name} is in a crew already"));
                else
                    _crews?.Tell(new CrewCommands.Request(d.CrewId, CrewRequestKinds.Invite, d.From, d.FromName, State.PlayerId.Value, 0, d.CommandId,
                        d.ReplyTo, ArgName: State.Name));
                return;
            case CrewDeliveryKinds.Invite:
                _session?.Tell(new CrewPushes.Invited(d.CrewId, d.CrewName, d.From, d.FromName, d.UnixTimeMs));
                return;
            case CrewDeliveryKinds.Line:
                // A line of a crew this character is no longer in (it left while the line was on its way) is dropped.
                if (State.Crew == d.CrewId.Value) _session?.Tell(new CrewPushes.Line(d.CrewId, d.From, d.FromName, d.Text, d.UnixTimeMs));
                return;
            case CrewDeliveryKinds.PresenceQuery:
                if (_session is not null && State.Crew == d.CrewId.Value) ReportPresence(true);
                return;
            case CrewDeliveryKinds.Update:
                _session?.Tell(new CrewPushes.Updated(d.CrewId, d.Text, d.From, d.FromName, d.Captain));
                return;
        }
    }

    private void HandleInteract(PlayerCommands.Interact cmd)
    {
        if (RefuseOverRate(cmd.CommandId, "interact", _settings.InteractRate) || RefuseWhileRejoining(cmd.CommandId)
            || RefuseWhileDerezzed(cmd.CommandId)) return;
        if (!_present || State.District is not { } district)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        _districts.Forward(new DistrictCommands.Interact(district, State.PlayerId, cmd.ObjectId, cmd.Action, cmd.CommandId));
    }

    private void HandleJackOut(PlayerCommands.JackOut cmd)
    {
        if (RefuseOverRate(cmd.CommandId, "travel", _settings.TravelRate) || RefuseWhileBusy(cmd.CommandId)) return;
        if (!_present)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        _jackOut = new PendingJackOut(cmd.CommandId, Sender);
        Timers.StartSingleTimer("jackout", new JackOutDue(cmd.CommandId), _settings.JackOutDuration);
    }

    private void HandleJackOutDue(JackOutDue due)
    {
        if (_jackOut is not { } jackOut || jackOut.CommandId != due.CommandId) return;
        _jackOut = null;
        // Durable first: a jack-out the journal refused leaves the player where it was, told so.
        CheckpointThen(() =>
        {
            LeaveDistrictPresence();
            jackOut.ReplyTo.Tell(new PlayerReplies.JackedOut(jackOut.CommandId));
        }, () => jackOut.ReplyTo.Tell(new Replies.Rejected(jackOut.CommandId, ErrorCodes.Unavailable, JournalDown)));
    }

    private void CancelJackOut(string? reason)
    {
        if (_jackOut is not { } jackOut) return;
        _jackOut = null;
        Timers.Cancel("jackout");
        if (reason is not null)
            jackOut.ReplyTo.Tell(new Replies.Rejected(jackOut.CommandId, ErrorCodes.JackOutCancelled, "jack-out cancelled: " + reason));
    }

    private void LeaveDistrictPresence()
    {
        if (_present && State.District is { } district)
            _districts.Tell(new DistrictCommands.Depart(district, State.PlayerId));
        _present = false;
    }

    /// <summary>
    /// The periodic checkpoint: written in the background, so the player's moves are not stashed behind the write (they
    /// were, and a crowd's moves waited on SQLite: docs/benchmarks.md, "Moves never wait for a checkpoint"). A later
    /// checkpoint, stop or jack-out compares with the last durable position and at worst writes the same one again.
    /// </summary>
    private void Checkpoint()
    {
        Timers.Cancel("checkpoint");
        if (PlayerRules.DecideCheckpoint(State, _livePosition) is { } e) PersistInBackground(e);
    }

    /// <summary>Checkpoints now, then runs <paramref name="then"/>; or <paramref name="refused"/> (by default <paramref name="then"/> too) if the journal refuses the checkpoint.</summary>
    private void CheckpointThen(Action then, Action? refused = null)
    {
        Timers.Cancel("checkpoint");
        if (PlayerRules.DecideCheckpoint(State, _livePosition) is { } e)
            PersistThen(e, _ => then(), _ => (refused ?? then)());
        else
            then();
    }
}

using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence;
using Mxo.Actors.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;

namespace Mxo.Actors.Players;

/// <summary>
/// One character: sharded, persistent. Thin shell around <see cref="PlayerRules"/>: it persists, applies, replies,
/// snapshots and passivates. Movement is held in memory and checkpointed (DESIGN.md decision 8).
/// </summary>
public sealed class PlayerEntity : ReceivePersistentActor, IWithTimers
{
    /// <summary>Sent by the shard on hand-off (node leaving): checkpoint, then stop.</summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    private sealed record CheckpointDue;
    private sealed record EnterTimedOut(string CommandId);
    private sealed record PendingEnter(EnterDecision.Admit Decision, string CommandId, IActorRef ReplyTo);

    private readonly WorldSettings _settings;
    private readonly IActorRef _districts;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private PlayerState _state;
    private IActorRef? _session;
    private Vec3 _livePosition;
    private bool _present;
    private PendingEnter? _pendingEnter;

    public PlayerEntity(string entityId, WorldSettings settings, IActorRef districts)
    {
        _settings = settings;
        _districts = districts;
        _state = PlayerState.Empty(new PlayerId(entityId));
        PersistenceId = "player-" + entityId;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is PlayerState snapshot) _state = snapshot;
        });
        Recover<IMxoEvent>(e => _state = PlayerRules.Apply(_state, e));
        Recover<RecoveryCompleted>(_ =>
        {
            _livePosition = _state.Position;
            Context.SetReceiveTimeout(_settings.PlayerIdleTimeout);
        });

        Command<PlayerCommands.Attach>(HandleAttach);
        Command<PlayerCommands.Detach>(cmd => DetachSession(cmd.Session));
        Command<Terminated>(t => DetachSession(t.ActorRef));
        Command<PlayerCommands.Kick>(cmd => _session?.Tell(new SessionPushes.Revoked(_state.PlayerId, cmd.Reason)));
        Command<PlayerCommands.EnterDistrict>(HandleEnter);
        Command<DistrictReplies.Joined>(HandleJoined);
        Command<EnterTimedOut>(HandleEnterTimedOut);
        Command<PlayerCommands.Move>(HandleMove);
        Command<PlayerCommands.Say>(HandleSay);
        Command<PlayerCommands.GetState>(_ => Sender.Tell(_state with { Position = _livePosition }));
        Command<CheckpointDue>(_ => Checkpoint());
        Command<Stop>(_ => CheckpointThen(() => Context.Stop(Self)));
        Command<ReceiveTimeout>(_ =>
        {
            if (_session is null) Context.Parent.Tell(new Passivate(Stop.Instance));
        });
        Command<SaveSnapshotSuccess>(s =>
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old snapshots of {0} failed", PersistenceId));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(string entityId, WorldSettings settings, IActorRef districts) =>
        Props.Create(() => new PlayerEntity(entityId, settings, districts));

    private void HandleAttach(PlayerCommands.Attach cmd)
    {
        if (_session is not null && !_session.Equals(cmd.Session))
        {
            // One live session per character: the newest wins, the old one is told to close and leaves the district.
            LeaveDistrictPresence();
            Context.Unwatch(_session);
            _session.Tell(new SessionPushes.Replaced(_state.PlayerId));
        }
        _session = cmd.Session;
        // A session that dies without detaching (its edge node crashed) must not keep the character online.
        Context.Watch(_session);
        Context.SetReceiveTimeout(null);
        var replyTo = Sender;
        var events = PlayerRules.DecideAttach(_state, cmd.Name);
        if (events.Count == 0)
        {
            replyTo.Tell(new PlayerReplies.Attached(PlayerRules.Sheet(_state, _livePosition)));
            return;
        }
        PersistAll(events, e =>
        {
            ApplyPersisted(e);
            replyTo.Tell(new PlayerReplies.Attached(PlayerRules.Sheet(_state, _livePosition)));
        });
    }

    private void DetachSession(IActorRef session)
    {
        if (_session is null || !_session.Equals(session)) return;
        Context.Unwatch(_session);
        LeaveDistrictPresence();
        _session = null;
        CheckpointThen(() => Context.SetReceiveTimeout(_settings.PlayerIdleTimeout));
    }

    private void HandleEnter(PlayerCommands.EnterDistrict cmd)
    {
        if (_session is null)
        {
            Sender.Tell(new PlayerReplies.Rejected(cmd.CommandId, ErrorCodes.NotAttached, "no session is attached to this character"));
            return;
        }
        if (_pendingEnter is not null)
        {
            Sender.Tell(new PlayerReplies.Rejected(cmd.CommandId, ErrorCodes.Busy, "an enter request is still in progress"));
            return;
        }
        // Decide on the live position: a re-entry must not rewind movement that is not checkpointed yet.
        switch (PlayerRules.DecideEnter(_state with { Position = _livePosition }, cmd.District, cmd.CommandId))
        {
            case EnterDecision.Refuse refuse:
                Sender.Tell(new PlayerReplies.Rejected(cmd.CommandId, refuse.Code, refuse.Message));
                return;
            case EnterDecision.Admit admit:
                _pendingEnter = new PendingEnter(admit, cmd.CommandId, Sender);
                _districts.Tell(new DistrictCommands.Join(admit.District, _state.PlayerId, _state.Name, admit.Position, _session, cmd.CommandId));
                Timers.StartSingleTimer("enter", new EnterTimedOut(cmd.CommandId), _settings.EnterTimeout);
                return;
        }
    }

    private void HandleJoined(DistrictReplies.Joined joined)
    {
        if (_pendingEnter is not { } pending || pending.CommandId != joined.CommandId) return;
        Timers.Cancel("enter");
        _pendingEnter = null;
        var admit = pending.Decision;

        void Complete()
        {
            _present = true;
            _livePosition = admit.Position;
            pending.ReplyTo.Tell(new PlayerReplies.EnteredDistrict(pending.CommandId, admit.District, admit.Position, joined.Occupants));
        }

        if (!admit.IsNew)
        {
            Complete();
            return;
        }
        Persist(new PlayerEvents.EnteredDistrict(admit.District, admit.Position, pending.CommandId), e =>
        {
            ApplyPersisted(e);
            // Leave the old district only once the new one is durable: never in neither.
            if (admit.Previous is { } previous) _districts.Tell(new DistrictCommands.Leave(previous, _state.PlayerId));
            Complete();
        });
    }

    private void HandleEnterTimedOut(EnterTimedOut timeout)
    {
        if (_pendingEnter is not { } pending || pending.CommandId != timeout.CommandId) return;
        _pendingEnter = null;
        _log.Warning("District {0} did not admit {1} in time", pending.Decision.District, _state.PlayerId);
        pending.ReplyTo.Tell(new PlayerReplies.Rejected(pending.CommandId, ErrorCodes.Timeout,
            "the district did not answer in time; retry with the same id"));
    }

    private void HandleMove(PlayerCommands.Move cmd)
    {
        if (!_present || _state.District is not { } district)
        {
            Sender.Tell(new PlayerReplies.Rejected("", ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        _livePosition = cmd.Position;
        _districts.Tell(new DistrictCommands.UpdatePosition(district, _state.PlayerId, cmd.Position));
        if (!Timers.IsTimerActive("checkpoint"))
            Timers.StartSingleTimer("checkpoint", new CheckpointDue(), _settings.CheckpointInterval);
    }

    private void HandleSay(PlayerCommands.Say cmd)
    {
        if (!_present || _state.District is not { } district)
        {
            Sender.Tell(new PlayerReplies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "enter a district first"));
            return;
        }
        // The district persists the line and acknowledges to the original sender.
        _districts.Forward(new DistrictCommands.Say(district, _state.PlayerId, cmd.Text, cmd.CommandId));
    }

    private void LeaveDistrictPresence()
    {
        if (_present && _state.District is { } district)
            _districts.Tell(new DistrictCommands.Depart(district, _state.PlayerId));
        _present = false;
    }

    private void Checkpoint() => CheckpointThen(() => { });

    private void CheckpointThen(Action then)
    {
        Timers.Cancel("checkpoint");
        if (PlayerRules.DecideCheckpoint(_state, _livePosition) is { } e)
            Persist(e, persisted =>
            {
                ApplyPersisted(persisted);
                then();
            });
        else
            then();
    }

    private void ApplyPersisted(IMxoEvent e)
    {
        _state = PlayerRules.Apply(_state, e);
        if (LastSequenceNr % _settings.SnapshotEvery == 0) SaveSnapshot(_state);
    }
}

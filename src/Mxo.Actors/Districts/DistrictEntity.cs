using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;

namespace Mxo.Actors.Districts;

/// <summary>
/// One district: sharded, persistent, remembered. Its residents (who is located here) are durable; who is present
/// right now, with their session and live position, is held in memory and relayed naively to everyone present.
/// </summary>
public sealed class DistrictEntity : ReceivePersistentActor
{
    private sealed record Presence(string Name, IActorRef Session, Vec3 Position);

    private readonly WorldSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<PlayerId, Presence> _present = new();
    private DistrictState _state;

    public DistrictEntity(string entityId, WorldSettings settings)
    {
        _settings = settings;
        _state = DistrictState.Empty(new DistrictId(entityId));
        PersistenceId = "district-" + entityId;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is DistrictState snapshot) _state = snapshot;
        });
        Recover<IMxoEvent>(e => _state = DistrictRules.Apply(_state, e));

        Command<DistrictCommands.Join>(HandleJoin);
        Command<DistrictCommands.Leave>(HandleLeave);
        Command<DistrictCommands.Depart>(cmd => RemovePresence(cmd.PlayerId));
        Command<DistrictCommands.UpdatePosition>(HandleUpdatePosition);
        Command<DistrictCommands.Say>(HandleSay);
        Command<DistrictCommands.GetOccupancy>(_ =>
            Sender.Tell(new DistrictReplies.Occupancy(_state.District, _state.Residents.Count, Occupants(except: null))));
        Command<Terminated>(t =>
        {
            // A session died without departing (its edge node crashed): it is no longer present.
            foreach (var (player, presence) in _present.ToArray())
                if (presence.Session.Equals(t.ActorRef)) RemovePresence(player);
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old snapshots of {0} failed", PersistenceId));
    }

    public override string PersistenceId { get; }

    public static Props PropsFor(string entityId, WorldSettings settings) =>
        Props.Create(() => new DistrictEntity(entityId, settings));

    private void HandleJoin(DistrictCommands.Join cmd)
    {
        var replyTo = Sender;

        void Admit()
        {
            if (_present.Remove(cmd.PlayerId, out var old) && !old.Session.Equals(cmd.Session))
                Context.Unwatch(old.Session);
            var others = Occupants(except: cmd.PlayerId);
            _present[cmd.PlayerId] = new Presence(cmd.Name, cmd.Session, cmd.Position);
            Context.Watch(cmd.Session);
            Broadcast(new SessionPushes.OccupantEntered(_state.District, new Occupant(cmd.PlayerId, cmd.Name, cmd.Position)), except: cmd.PlayerId);
            replyTo.Tell(new DistrictReplies.Joined(_state.District, cmd.PlayerId, cmd.CommandId, others));
        }

        if (DistrictRules.DecideJoin(_state, cmd.PlayerId, cmd.Name) is { } entered)
            Persist(entered, e =>
            {
                ApplyPersisted(e);
                Admit();
            });
        else
            Admit();
    }

    private void HandleLeave(DistrictCommands.Leave cmd)
    {
        RemovePresence(cmd.PlayerId);
        if (DistrictRules.DecideLeave(_state, cmd.PlayerId) is { } left)
            Persist(left, ApplyPersisted);
    }

    private void HandleUpdatePosition(DistrictCommands.UpdatePosition cmd)
    {
        if (!_present.TryGetValue(cmd.PlayerId, out var presence)) return;
        _present[cmd.PlayerId] = presence with { Position = cmd.Position };
        Broadcast(new SessionPushes.OccupantMoved(_state.District, cmd.PlayerId, cmd.Position), except: cmd.PlayerId);
    }

    private void HandleSay(DistrictCommands.Say cmd)
    {
        var replyTo = Sender;
        if (!_present.TryGetValue(cmd.PlayerId, out var presence))
        {
            replyTo.Tell(new PlayerReplies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "you are not present in this district"));
            return;
        }
        var line = DistrictRules.DecideSay(_state, cmd.PlayerId, presence.Name, cmd.Text, cmd.CommandId,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (line is null)
        {
            replyTo.Tell(new PlayerReplies.Acknowledged(cmd.CommandId));
            return;
        }
        Persist(line, e =>
        {
            ApplyPersisted(e);
            Broadcast(new SessionPushes.ChatLine(_state.District, e.PlayerId, e.Name, e.Text, e.UnixTimeMs), except: null);
            replyTo.Tell(new PlayerReplies.Acknowledged(e.CommandId));
        });
    }

    private void RemovePresence(PlayerId player)
    {
        if (!_present.Remove(player, out var presence)) return;
        Context.Unwatch(presence.Session);
        Broadcast(new SessionPushes.OccupantLeft(_state.District, player), except: null);
    }

    private Occupant[] Occupants(PlayerId? except) =>
        _present.Where(kv => kv.Key != except).Select(kv => new Occupant(kv.Key, kv.Value.Name, kv.Value.Position)).ToArray();

    private void Broadcast(ISessionPush push, PlayerId? except)
    {
        foreach (var (player, presence) in _present)
            if (player != except) presence.Session.Tell(push, ActorRefs.NoSender);
    }

    private void ApplyPersisted(IMxoEvent e)
    {
        _state = DistrictRules.Apply(_state, e);
        if (LastSequenceNr % _settings.SnapshotEvery == 0) SaveSnapshot(_state);
    }
}

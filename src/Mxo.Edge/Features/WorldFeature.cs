using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// The world at the edge: entering districts, moving, chat in the district (<c>say</c>, <c>chat</c>, <c>emote</c>:
/// frames in <see cref="ChatFrames"/>), hardlines, jacking out, world objects (frames in <see cref="WorldFrames"/>), all
/// routed to the player entity. It knows which district the session is in, holds a
/// district's environment until <c>entered</c> is written, and merges a slow client's views.
/// </summary>
public sealed class WorldFeature(IActorRef players) : ISessionFeature
{
    private readonly ViewConflation _pendingView = new();
    private SessionPushes.Environment? _heldEnvironment;
    private bool _viewInFlight;
    private DistrictId? _district;

    public void OnAttached(SessionContext session) => _district = null;

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        var player = session.Player;
        if (session.Resyncing)
        {
            // The character's world node failed and the session is re-attaching: moves are dropped (the next one after
            // "resynced" carries the position), everything else is refused and changed nothing.
            if (request is MoveRequest) return true;
            if (request is not (EnterRequest or TeleportRequest or InteractRequest or JackOutRequest or SayRequest or EmoteRequest
                or ReconstructRequest)) return false;
            session.SendError(ErrorCodes.Resyncing, "your character's world node failed and is being moved; retry in a moment", request.Id);
            return true;
        }
        switch (request)
        {
            case EnterRequest enter:
                if (session.Begin(enter.Id) is { } enterId)
                    players.Tell(new PlayerCommands.EnterDistrict(player, enter.District, enterId), session.Self);
                return true;
            case MoveRequest move:
                if (_district is null)
                    session.SendError(ErrorCodes.NotInDistrict, "enter a district first", move.Id);
                else
                    // Speed is judged on when the server received the move, never on the client's word.
                    players.Tell(new PlayerCommands.Move(player, move.Position, session.ReceivedAtMs), session.Self);
                return true;
            case TeleportRequest teleport:
                if (session.Begin(teleport.Id) is { } teleportId)
                    players.Tell(new PlayerCommands.Teleport(player, teleport.Hardline, teleportId), session.Self);
                return true;
            case ReconstructRequest reconstruct:
                if (session.Begin(reconstruct.Id) is { } reconstructId)
                    players.Tell(new PlayerCommands.Reconstruct(player, reconstruct.Hardline, reconstructId), session.Self);
                return true;
            case InteractRequest interact:
                if (session.Begin(interact.Id) is { } interactId)
                    players.Tell(new PlayerCommands.Interact(player, interact.Object, interact.Action, interactId), session.Self);
                return true;
            case JackOutRequest jackOut:
                // The answer comes after the jack-out delay, so the usual request timeout would fire first.
                if (session.Begin(jackOut.Id, session.Options.RequestTimeout * 3) is { } jackOutId)
                    players.Tell(new PlayerCommands.JackOut(player, jackOutId), session.Self);
                return true;
            case SayRequest say:
                if (_district is null)
                    session.SendError(ErrorCodes.NotInDistrict, "enter a district first", say.Id);
                else if (session.Begin(say.Id) is { } sayId)
                    players.Tell(new PlayerCommands.Say(player, say.Text, sayId)
                    {
                        Channel = say.Channel == ChatChannels.District ? ChatChannels.District : null,
                    }, session.Self);
                return true;
            case EmoteRequest emote:
                if (_district is null)
                    session.SendError(ErrorCodes.NotInDistrict, "enter a district first", emote.Id);
                else if (session.Begin(emote.Id) is { } emoteId)
                    players.Tell(new ChatCommands.Emote(player, emote.Name, emoteId), session.Self);
                return true;
            default:
                return false;
        }
    }

    public bool TryReceive(object message, SessionContext session)
    {
        switch (message)
        {
            case PlayerReplies.EnteredDistrict e:
                _district = e.District;
                session.Send(ServerFrames.Entered(session.Complete(e.CommandId), e));
                var environment = e.Environment;
                if (_heldEnvironment is { } held && held.District == e.District) environment ??= held.Current;
                _heldEnvironment = null;
                if (environment is not null) session.Send(ServerFrames.Environment(new SessionPushes.Environment(e.District, environment)));
                return true;
            case PlayerReplies.Reconstructed r:
                _district = r.Entered.District;
                session.Send(ServerFrames.Reconstructed(session.Complete(r.CommandId), r));
                return true;
            case PlayerReplies.Resynced r:
                _district = r.District;
                _heldEnvironment = null;
                // Views from the old incarnation's district may still be merged here: they describe a presence that is gone.
                _pendingView.Take();
                session.Send(ServerFrames.Resynced(r));
                if (r.District is { } district && r.Environment is { } env)
                    session.Send(ServerFrames.Environment(new SessionPushes.Environment(district, env)));
                return true;
            case SessionPushes.Environment p:
                // A district's news may overtake the reply that says we are in it: hold it until "entered" is sent.
                if (p.District == _district) session.Send(ServerFrames.Environment(p));
                else _heldEnvironment = p;
                return true;
            case PlayerReplies.JackedOut j:
                session.Send(ServerFrames.JackedOut(session.Complete(j.CommandId)));
                session.Close(WireProtocol.CloseCodes.Normal, "jacked out");
                return true;
            case SessionPushes.ViewUpdate v:
                if (!_viewInFlight && _pendingView.IsEmpty)
                {
                    // The client keeps up: the update goes out as it came, without merging it into nothing.
                    SendView(session, v);
                    return true;
                }
                if (_viewInFlight) EdgeMetrics.ViewConflations.Inc();
                _pendingView.Add(v);
                SendPendingView(session);
                return true;
            case SessionProtocol.ViewWritten:
                _viewInFlight = false;
                SendPendingView(session);
                return true;
            default:
                return false;
        }
    }

    /// <summary>At most one view frame is queued for the writer; later ticks merge into the next one meanwhile.</summary>
    private void SendPendingView(SessionContext session)
    {
        if (!_viewInFlight && !session.Closing && _pendingView.Take() is { } view) SendView(session, view);
    }

    private void SendView(SessionContext session, SessionPushes.ViewUpdate view)
    {
        if (session.Closing) return;
        _viewInFlight = true;
        session.SendPaced(ServerFrames.View(view));
    }
}

using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Missions;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Missions at the edge (frames in <see cref="MissionFrames"/>): every request goes to the character's entity, which
/// holds the character's missions and hears the events that move them (its moves, its fights). Answers and pushes are
/// frames the entity rendered (<see cref="MissionReplies.Frame"/>, an <see cref="IClientBound"/>).
/// </summary>
public sealed class MissionFeature(IActorRef players) : ISessionFeature
{
    public void OnAttached(SessionContext session)
    {
    }

    public void OnWelcome(PlayerReplies.CharacterSheet character)
    {
    }

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        if (request is not MissionRequest mission) return false;
        if (session.Resyncing)
        {
            session.SendError(ErrorCodes.Resyncing, "your character's world node failed and is being moved; retry in a moment", request.Id);
            return true;
        }
        if (session.Begin(request.Id) is not { } commandId) return true;
        players.Tell(new MissionCommands.FromPlayer(session.Player, mission.Kind, mission.Arg, mission.Arg2, commandId), session.Self);
        return true;
    }

    public bool TryReceive(object message, SessionContext session) => false;
}

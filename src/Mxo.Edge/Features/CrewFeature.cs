using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Crews at the edge (frames in <see cref="CrewFrames"/>, and <c>chat</c> on channel <c>crew</c>, which needs no
/// district): every request goes to the character's entity, which vouches for who asks and sends it on to the crew
/// (docs/architecture.md, "Crews"). The answers and pushes are frames of their own (<see cref="IClientBound"/>); crew
/// lines pass through <see cref="ChatFeature"/>, which drops those of ignored speakers.
/// </summary>
public sealed class CrewFeature(IActorRef players) : ISessionFeature
{
    public void OnAttached(SessionContext session)
    {
    }

    public void OnWelcome(PlayerReplies.CharacterSheet character)
    {
    }

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        var crewRequest = request switch
        {
            CrewRequest crew => crew,
            SayRequest { Channel: ChatChannels.Crew } say => new CrewRequest(say.Id, CrewRequestKinds.Say, say.Text),
            _ => null,
        };
        if (crewRequest is null) return false;
        if (session.Resyncing)
        {
            session.SendError(ErrorCodes.Resyncing, "your character's world node failed and is being moved; retry in a moment", request.Id);
            return true;
        }
        if (session.Begin(request.Id) is not { } commandId) return true;
        players.Tell(new CrewCommands.FromPlayer(session.Player, crewRequest.Kind, crewRequest.Arg, crewRequest.Limit, commandId), session.Self);
        return true;
    }

    public bool TryReceive(object message, SessionContext session) => false;
}

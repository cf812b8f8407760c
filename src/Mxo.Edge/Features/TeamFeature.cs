using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Players;
using Mxo.Protocol.Teams;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Teams at the edge (frames in <see cref="TeamFrames"/>, and <c>chat</c> on channel <c>team</c>, which needs no
/// district), as <see cref="CrewFeature"/> does crews: every request goes to the character's entity, which vouches for
/// who asks and sends it on to the team. Answers and pushes are frames of their own (<see cref="IClientBound"/>); team
/// lines pass through <see cref="ChatFeature"/>, which drops those of ignored speakers.
/// </summary>
public sealed class TeamFeature(IActorRef players) : ISessionFeature
{
    public void OnAttached(SessionContext session)
    {
    }

    public void OnWelcome(PlayerReplies.CharacterSheet character)
    {
    }

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        var teamRequest = request switch
        {
            TeamRequest team => team,
            SayRequest { Channel: ChatChannels.Team } say => new TeamRequest(say.Id, TeamRequestKinds.Say, say.Text),
            _ => null,
        };
        if (teamRequest is null) return false;
        if (session.Resyncing)
        {
            session.SendError(ErrorCodes.Resyncing, "your character's world node failed and is being moved; retry in a moment", request.Id);
            return true;
        }
        if (session.Begin(request.Id) is not { } commandId) return true;
        players.Tell(new TeamCommands.FromPlayer(session.Player, teamRequest.Kind, teamRequest.Arg, commandId), session.Self);
        return true;
    }

    public bool TryReceive(object message, SessionContext session) => false;
}

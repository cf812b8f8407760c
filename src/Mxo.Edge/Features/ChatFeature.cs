using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Chat at the edge (frames in <see cref="ChatFrames"/>; <c>say</c>, <c>chat</c> and <c>emote</c>, which need a
/// district, are sent by <see cref="WorldFeature"/>, which knows whether the session is in one). Whispers, replies and
/// the ignore list go to the player entity. Every chat line and emote a district pushes passes through here, and one
/// from a character on the ignore list is dropped: the session holds a copy of the list (from <c>welcome</c>, then
/// from every answer to <c>ignore</c> and <c>unignore</c>, which carries the whole list), so filtering costs one hash
/// lookup at the listener's edge instead of a per-listener check in the district's broadcast loop. Whispers are
/// filtered by the recipient's entity, which has the list anyway and must not remember an ignored whisperer for
/// <c>reply</c>.
/// </summary>
public sealed class ChatFeature(IActorRef players) : ISessionFeature
{
    private HashSet<string> _ignored = new(StringComparer.Ordinal);

    public void OnAttached(SessionContext session)
    {
    }

    public void OnWelcome(PlayerReplies.CharacterSheet character) => _ignored = new HashSet<string>(character.Ignored, StringComparer.Ordinal);

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        if (request is not (WhisperRequest or ReplyRequest or IgnoreRequest or IgnoresRequest)) return false;
        if (session.Resyncing)
        {
            session.SendError(ErrorCodes.Resyncing, "your character's world node failed and is being moved; retry in a moment", request.Id);
            return true;
        }
        if (session.Begin(request.Id) is not { } commandId) return true;
        var player = session.Player;
        object command = request switch
        {
            WhisperRequest whisper => new ChatCommands.Whisper(player, whisper.To, whisper.Text, commandId),
            ReplyRequest reply => new ChatCommands.Reply(player, reply.Text, commandId),
            IgnoreRequest ignore => new ChatCommands.Ignore(player, ignore.Name, ignore.Ignore, commandId),
            _ => new ChatCommands.GetIgnores(player, commandId),
        };
        players.Tell(command, session.Self);
        return true;
    }

    public bool TryReceive(object message, SessionContext session)
    {
        switch (message)
        {
            case SessionPushes.ChatLine line:
                if (!_ignored.Contains(line.PlayerId.Value)) session.Send(ServerFrames.Chat(line));
                return true;
            case Mxo.Protocol.Crews.CrewPushes.Line crewLine:
                if (!_ignored.Contains(crewLine.From.Value)) session.Send(ServerFrames.CrewChat(crewLine));
                return true;
            case Mxo.Protocol.Teams.TeamPushes.Line teamLine:
                if (!_ignored.Contains(teamLine.From.Value)) session.Send(ServerFrames.TeamChat(teamLine));
                return true;
            case ChatPushes.Emoted emote:
                if (!_ignored.Contains(emote.From.Value)) session.Send(ServerFrames.Emote(emote));
                return true;
            case ChatReplies.Ignores ignores:
                _ignored = new HashSet<string>(ignores.Players, StringComparer.Ordinal);
                session.Send(ServerFrames.Ignores(session.Complete(ignores.CommandId), ignores.Players));
                return true;
            default:
                return false;
        }
    }
}

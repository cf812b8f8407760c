using Akka.Actor;
using Mxo.Edge.Auth;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Moderation;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Kept whispers, chat settings and moderation at the edge (frames in <see cref="WhisperFrames"/>).
/// <c>whisper_history</c> and <c>chat_settings</c> go to the character's entity. The <c>mod_*</c> frames are taken only
/// from a session whose token carries <c>gm</c> or <c>admin</c> (<c>forbidden</c> otherwise, checked here, where the
/// token is); they go to the moderation log, which records each before the entity concerned does it and answers.
/// </summary>
public sealed class ModerationFeature(IActorRef players, IActorRef log) : ISessionFeature
{
    public void OnAttached(SessionContext session)
    {
    }

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        if (request is not (WhisperHistoryRequest or ChatSettingsRequest or ModerationRequest)) return false;
        if (request is ModerationRequest && !session.Permissions.Any(p => p is Permissions.Gm or Permissions.Admin))
        {
            session.SendError(ModerationErrorCodes.Forbidden, "moderation needs a token with the gm or admin permission", request.Id);
            return true;
        }
        if (session.Resyncing)
        {
            session.SendError(ErrorCodes.Resyncing, "your character's world node failed and is being moved; retry in a moment", request.Id);
            return true;
        }
        if (request is ModerationRequest && log.IsNobody())
        {
            session.SendError(ErrorCodes.Unavailable, "moderation is not served here", request.Id);
            return true;
        }
        if (session.Begin(request.Id) is not { } commandId) return true;
        var player = session.Player;
        switch (request)
        {
            case WhisperHistoryRequest history:
                players.Tell(new WhisperCommands.History(player, history.Cursor, history.Limit, commandId), session.Self);
                break;
            case ChatSettingsRequest settings:
                players.Tell(new WhisperCommands.SetOfflineWhispers(player, settings.OfflineWhispers, commandId), session.Self);
                break;
            case ModerationRequest moderation:
                log.Tell(new ModerationCommands.Act(ModerationRules.LogId, moderation.Action with { By = player.Value }, commandId, session.Self));
                break;
        }
        return true;
    }

    public bool TryReceive(object message, SessionContext session) => false;
}

using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Combat at the edge (frames in <see cref="CombatFrames"/>): <c>engage</c> and duel answers go to the player entity,
/// which adds the character's numbers and asks its district; <c>tactic</c>, <c>ability</c> and <c>withdraw</c> go
/// straight to the encounter the session is fighting in, which this feature learns from <c>combat_started</c> and
/// <c>round</c> and forgets at <c>combat_ended</c>. The encounter checks the fighter is its own: a session names only
/// its authenticated character.
/// </summary>
public sealed class CombatFeature(IActorRef players, IActorRef encounters) : ISessionFeature
{
    private string? _encounter;

    public void OnAttached(SessionContext session) => _encounter = null;

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        if (request is not (EngageRequest or TacticRequest or AbilityRequest or WithdrawRequest or DuelAnswerRequest)) return false;
        if (session.Resyncing)
        {
            session.SendError(ErrorCodes.Resyncing, "your character's world node failed and is being moved; retry in a moment", request.Id);
            return true;
        }
        var player = session.Player;
        switch (request)
        {
            case EngageRequest engage:
                if (session.Begin(engage.Id) is { } engageId) players.Tell(new PlayerCommands.Engage(player, engage.Target, engageId), session.Self);
                return true;
            case DuelAnswerRequest answer:
                if (session.Begin(answer.Id) is { } answerId)
                    players.Tell(new PlayerCommands.AnswerDuel(player, answer.From, answer.Accept, answerId), session.Self);
                return true;
        }
        if (_encounter is not { } encounter)
        {
            session.SendError(CombatErrorCodes.NotInEncounter, "you are not in a fight", request.Id);
            return true;
        }
        if (session.Begin(request.Id) is not { } commandId) return true;
        object command = request switch
        {
            TacticRequest tactic => new CombatCommands.ChooseTactic(encounter, player.Value, tactic.Name, commandId),
            AbilityRequest ability => new CombatCommands.UseAbility(encounter, player.Value, ability.Ability, commandId),
            _ => new CombatCommands.Withdraw(encounter, player.Value, commandId),
        };
        encounters.Tell(command, session.Self);
        return true;
    }

    public bool TryReceive(object message, SessionContext session)
    {
        switch (message)
        {
            case CombatPushes.Started started:
                _encounter = started.EncounterId;
                session.Send(ServerFrames.CombatStarted(started.CommandId is { } command ? session.Complete(command) : null, started));
                return true;
            case CombatPushes.RoundPlayed round:
                _encounter = round.EncounterId;
                session.Send(ServerFrames.Round(round));
                return true;
            case CombatPushes.Ended ended:
                if (_encounter == ended.EncounterId) _encounter = null;
                session.Send(ServerFrames.CombatEnded(ended));
                return true;
            case CombatReplies.Accepted accepted:
                session.Send(ServerFrames.Ack(session.Complete(accepted.CommandId)));
                return true;
            default:
                return false;
        }
    }
}

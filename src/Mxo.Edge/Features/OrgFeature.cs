using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Orgs;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Organisations and the system channel at the edge (frames in <see cref="OrgFrames"/>, and <c>chat</c> on channel
/// <c>org</c>, which needs no district). When the session is welcomed into a character of an organisation it subscribes
/// to the organisation's distributed pub-sub topic with this node's mediator: the subscription is local to the node
/// (the mediator gossips only that this node has the topic), the topic actor watches the session and drops it when it
/// stops, and a line is one message per edge node however many members each holds (docs/architecture.md,
/// "Organisations"). Lines and history requests go to the character's entity, which vouches for who asks and knows its
/// organisation; the lines pushed back pass through <see cref="ChatFeature"/>, which drops those of ignored speakers.
/// <c>announce</c> is published on the system topic, for tokens with <c>gm</c> or <c>admin</c> only.
/// </summary>
/// <param name="mediator">This node's distributed pub-sub mediator (Nobody in tests without a cluster: org lines are not heard, announce is unavailable).</param>
public sealed class OrgFeature(IActorRef players, IActorRef mediator) : ISessionFeature
{
    private SessionContext? _session;
    /// <summary>The organisation whose topic this session subscribed to (a character's organisation never changes).</summary>
    private string? _subscribed;

    public void OnAttached(SessionContext session) => _session = session;

    public void OnWelcome(PlayerReplies.CharacterSheet character)
    {
        if (character.Org is not { } org || org == _subscribed || mediator.IsNobody() || _session is null) return;
        _subscribed = org;
        mediator.Tell(new Subscribe(Organisations.Topic(org), _session.Self));
    }

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        switch (request)
        {
            case AnnounceRequest announce:
                Announce(announce, session);
                return true;
            case SayRequest { Channel: ChatChannels.Org } say:
                return Send(new OrgRequest(say.Id, OrgRequestKinds.Say, say.Text), session);
            case OrgRequest org:
                return Send(org, session);
            default:
                return false;
        }
    }

    private bool Send(OrgRequest request, SessionContext session)
    {
        if (session.Resyncing)
        {
            session.SendError(ErrorCodes.Resyncing, "your character's world node failed and is being moved; retry in a moment", request.Id);
            return true;
        }
        if (session.Begin(request.Id) is not { } commandId) return true;
        players.Tell(new OrgCommands.FromPlayer(session.Player, request.Kind, request.Arg, request.Limit, commandId), session.Self);
        return true;
    }

    /// <summary>
    /// An announcement from a game master or administrator: published once on the system topic, which one actor per edge
    /// node subscribes to (<see cref="SessionsActor"/>), and acknowledged. Not kept: a player who is not online misses it.
    /// </summary>
    private void Announce(AnnounceRequest announce, SessionContext session)
    {
        if (!session.Permissions.Any(p => p is Auth.Permissions.Gm or Auth.Permissions.Admin))
        {
            session.SendError(OrgErrorCodes.Forbidden, "only game masters and administrators announce", announce.Id);
            return;
        }
        if (mediator.IsNobody())
        {
            session.SendError(ErrorCodes.Unavailable, "announcements are not served here", announce.Id);
            return;
        }
        mediator.Tell(new Publish(SystemChannel.Topic,
            new SystemChannel.Announcement(announce.Text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null)));
        session.Send(ServerFrames.Ack(announce.Id));
    }

    public bool TryReceive(object message, SessionContext session) =>
        // The mediator's answer to the subscription: nothing to do (the topic actor watches the session itself).
        message is SubscribeAck;
}

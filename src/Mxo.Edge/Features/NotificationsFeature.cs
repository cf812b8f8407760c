using Akka.Actor;
using Mxo.Protocol.Notifications;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Notifications at the edge (frames in <see cref="NotificationFrames"/>). When the session attaches its character it
/// subscribes to the character's inbox and holds the welcome until the inbox answers, so <c>welcome</c> carries the
/// unread count; the notifications no session was handed yet follow it, in order, then every new one as the inbox
/// pushes it. The inbox entity that answered is watched: when it stops (its node died, or its shard moved) the session
/// subscribes again. A stored notification is written at most once per session, whatever the inbox sends again after
/// such a move (<see cref="_lastPushed"/>). Listing, read and delete go to the inbox with the authenticated character.
/// </summary>
public sealed class NotificationsFeature(IActorRef inboxes) : ISessionFeature
{
    private sealed class SubscribeDue
    {
        public static readonly SubscribeDue Instance = new();
    }

    private const string SubscribeTimer = "inbox-subscribe";

    /// <summary>The inbox incarnation that answered the last subscription (null while none has).</summary>
    private IActorRef? _inbox;
    private readonly HashSet<IActorRef> _watched = [];
    private bool _welcomeHeld;
    /// <summary>The highest seq of a stored notification written to this client: one already written is not written again.</summary>
    private long _lastPushed;

    public void OnAttached(SessionContext session)
    {
        if (inboxes.IsNobody()) return;
        _welcomeHeld = session.HoldWelcome();
        Subscribe(session);
    }

    /// <summary>Asks the inbox for this session's notifications; asked again after the request timeout until it answers.</summary>
    private void Subscribe(SessionContext session)
    {
        inboxes.Tell(new InboxCommands.Subscribe(session.Player, session.Self), session.Self);
        session.StartTimer(SubscribeTimer, SubscribeDue.Instance, session.Options.RequestTimeout);
    }

    public bool TryHandle(ClientRequest request, SessionContext session)
    {
        if (request is not (NotificationsRequest or NotificationReadRequest or NotificationDeleteRequest)) return false;
        if (session.Begin(request.Id) is not { } commandId) return true;
        var player = session.Player;
        IInboxCommand command = request switch
        {
            NotificationsRequest list => new InboxCommands.List(player, list.Cursor, list.Limit, commandId),
            NotificationReadRequest read => new InboxCommands.Mark(player, read.Ids, Delete: false, commandId),
            NotificationDeleteRequest delete => new InboxCommands.Mark(player, delete.Ids, Delete: true, commandId),
            _ => throw new InvalidOperationException("unreachable"),
        };
        inboxes.Tell(command, session.Self);
        return true;
    }

    public bool TryReceive(object message, SessionContext session)
    {
        switch (message)
        {
            case InboxReplies.Subscribed subscribed:
                session.CancelTimer(SubscribeTimer);
                _inbox = session.Sender;
                if (_watched.Add(_inbox)) session.Watch(_inbox);
                if (_welcomeHeld)
                {
                    _welcomeHeld = false;
                    var unread = subscribed.Unread;
                    session.ReleaseWelcome(w => w.WriteNumber("unreadNotifications", unread));
                }
                foreach (var pending in subscribed.Pending) Push(pending, session);
                return true;
            case InboxPushes.Pushed pushed:
                Push(pushed.Notification, session);
                return true;
            case InboxReplies.Page page:
                session.Send(ServerFrames.Notifications(session.Complete(page.CommandId), page));
                return true;
            case SubscribeDue:
                if (_welcomeHeld || _inbox is null) Subscribe(session);
                return true;
            case Terminated terminated when _watched.Remove(terminated.ActorRef):
                if (!terminated.ActorRef.Equals(_inbox)) return true;
                _inbox = null;
                if (!session.Closing) Subscribe(session);
                return true;
            default:
                return false;
        }
    }

    private void Push(Notification notification, SessionContext session)
    {
        if (notification.Persistent)
        {
            if (notification.Seq <= _lastPushed) return;
            _lastPushed = notification.Seq;
        }
        session.Send(ServerFrames.Notification(notification));
    }
}

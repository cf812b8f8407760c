using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Notifications;
using Mxo.Protocol.Wire;

namespace Mxo.Edge.Features;

/// <summary>
/// Notifications at the edge (frames in <see cref="NotificationFrames"/>). When the session asks to attach its
/// character it also subscribes to the character's inbox (in parallel, so the login waits for the slower of the two,
/// not for both in turn) and holds the welcome until the inbox answers, so <c>welcome</c> carries the unread count;
/// the notifications no session was handed yet follow it, in order, then every new one as the inbox pushes it. The
/// inbox entity that answered is watched: when it stops (its node died, or its shard moved) the session subscribes
/// again. A stored notification is written at most once per session, whatever the inbox sends again after such a move
/// (<see cref="_lastPushed"/>). Listing, read and delete go to the inbox with the authenticated character.
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
    /// <summary>The subscription's answer when it came before the attachment did.</summary>
    private InboxReplies.Subscribed? _early;
    /// <summary>Pushes that came after an early answer, before the attachment: written after the welcome.</summary>
    private readonly List<Notification> _earlyPushes = [];
    private bool _attached;
    private bool _subscribing;
    private PlayerId _player;
    /// <summary>Tries of the subscription not answered yet: asked again on <see cref="FailoverRetry"/>'s schedule.</summary>
    private FailoverRetry _retry;

    public void OnAttaching(PlayerId player, SessionContext session)
    {
        _attached = false;
        if (inboxes.IsNobody() || _early is not null || _subscribing) return;
        Subscribe(player, session);
    }

    public void OnAttached(SessionContext session)
    {
        if (inboxes.IsNobody()) return;
        _attached = true;
        _welcomeHeld = session.HoldWelcome();
        if (_early is { } early)
        {
            _early = null;
            Deliver(early, session);
            foreach (var pushed in _earlyPushes) Push(pushed, session);
            _earlyPushes.Clear();
        }
        else if (_inbox is null && !_subscribing) Subscribe(session.Player, session);
    }

    /// <summary>
    /// Asks the inbox for this session's notifications, again on <see cref="FailoverRetry"/>'s schedule until it answers:
    /// right after a world node died the region may send it to that node's region, where it is lost, and the welcome
    /// waits for the answer.
    /// </summary>
    private void Subscribe(PlayerId player, SessionContext session)
    {
        _player = player;
        _subscribing = true;
        inboxes.Tell(new InboxCommands.Subscribe(player, session.Self), session.Self);
        session.StartTimer(SubscribeTimer, SubscribeDue.Instance, _retry.Delay);
        _retry = _retry.Next();
    }

    /// <summary>The welcome's unread count (when it is still held), then the pending ones in order.</summary>
    private void Deliver(InboxReplies.Subscribed subscribed, SessionContext session)
    {
        if (_welcomeHeld)
        {
            _welcomeHeld = false;
            var unread = subscribed.Unread;
            session.ReleaseWelcome(w => w.WriteNumber("unreadNotifications", unread));
        }
        foreach (var pending in subscribed.Pending) Push(pending, session);
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
                _retry = default;
                _subscribing = false;
                _inbox = session.Sender;
                if (_watched.Add(_inbox)) session.Watch(_inbox);
                if (_attached) Deliver(subscribed, session);
                // The welcome is not due yet: it takes this when it is. A retried subscribe's answer may come first too,
                // and the inbox hands each stored notification to a session once, so the earlier answer's pending ones
                // are kept (Push drops a repeat by its number), not replaced.
                else _early = _early is null ? subscribed : subscribed with { Pending = [.. _early.Pending, .. subscribed.Pending] };
                return true;
            case InboxPushes.Pushed pushed:
                if (_early is not null) _earlyPushes.Add(pushed.Notification);
                else Push(pushed.Notification, session);
                return true;
            case InboxReplies.Page page:
                session.Send(ServerFrames.Notifications(session.Complete(page.CommandId), page));
                return true;
            case SubscribeDue:
                if (_subscribing) Subscribe(_player, session);
                return true;
            case Terminated terminated when _watched.Remove(terminated.ActorRef):
                if (!terminated.ActorRef.Equals(_inbox)) return true;
                _inbox = null;
                if (!session.Closing) Subscribe(_player, session);
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

using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Notifications;

namespace Mxo.Actors.Notifications;

/// <summary>
/// One character's inbox: sharded (type <c>inbox</c>, keyed by the character's id), persistent, a thin shell around
/// <see cref="InboxRules"/>. Sessions subscribe to it (the edge's notifications feature, when its character attaches);
/// it watches them and pushes each new notification to every one subscribed. Persistent notifications are stored
/// before anyone is told; non-persistent ones are never stored, and reach only a session subscribed at that moment.
/// A login's subscription is answered with the unread count and the stored notifications no session was handed yet;
/// handing them over is recorded (<see cref="InboxEvents.Delivered"/>), so the next login does not push them again.
/// </summary>
public sealed class InboxEntity : MxoEntity<InboxState>
{
    private readonly NotificationSettings _settings;
    private readonly HashSet<IActorRef> _sessions = [];

    /// <summary>The highest seq handed to a session, durable or not yet: a second subscriber meanwhile is not handed it again.</summary>
    private long _handedUpTo;

    public InboxEntity(string entityId, NotificationSettings settings)
        : base("inbox-" + entityId, InboxState.Empty(new PlayerId(entityId)), settings.SnapshotEvery)
    {
        _settings = settings;
        Command<InboxCommands.Notify>(HandleNotify);
        Command<InboxCommands.Subscribe>(HandleSubscribe);
        Command<Terminated>(t => Drop(t.ActorRef));
        Command<InboxCommands.List>(HandleList);
        Command<InboxCommands.Mark>(HandleMark);
        Command<InboxCommands.GetInbox>(_ => Sender.Tell(State));
        CommandStop();
        Command<ReceiveTimeout>(_ =>
        {
            if (_sessions.Count == 0) RequestPassivation();
        });
    }

    public static Props PropsFor(string entityId, NotificationSettings settings) =>
        Props.Create(() => new InboxEntity(entityId, settings));

    protected override InboxState Apply(InboxState state, IMxoEvent @event) => InboxRules.Apply(state, @event);

    protected override void OnRecovered()
    {
        _handedUpTo = State.DeliveredUpTo;
        Context.SetReceiveTimeout(_settings.IdleTimeout);
    }

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private const string JournalDown = "the server could not store this right now; retry";

    private void HandleNotify(InboxCommands.Notify cmd)
    {
        var replyTo = Sender;
        var now = NowMs;
        if (Problem(cmd, now) is { } problem)
        {
            replyTo.Tell(new Replies.Rejected(cmd.CommandId, NotificationErrorCodes.InvalidNotification, problem));
            return;
        }
        if (!cmd.Persistent)
        {
            // Never stored: only a session subscribed now hears it (an offline character's is dropped).
            var transient = new Notification(0, cmd.Code, cmd.Subject, cmd.Content, cmd.Sender ?? "", now, cmd.ExpiresMs, Persistent: false, Read: false);
            replyTo.Tell(new InboxReplies.Notified(cmd.CommandId, State.Owner, null, Stored: false, Pushed: Push(transient)));
            return;
        }
        if (State.RecentCommandIds.Contains(cmd.CommandId))
        {
            // A retried send (its answer was lost): stored once, and not pushed again.
            replyTo.Tell(new InboxReplies.Notified(cmd.CommandId, State.Owner, null, Stored: true, Pushed: false));
            return;
        }
        var added = InboxRules.DecideAdd(State, cmd, now, _settings.MaxKept);
        PersistThen(added, e =>
        {
            var pushed = Push(e.Notification);
            if (pushed) Handed(e.Notification.Seq);
            replyTo.Tell(new InboxReplies.Notified(cmd.CommandId, State.Owner, e.Notification.Id, Stored: true, Pushed: pushed));
        }, _ => replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, JournalDown)));
    }

    /// <summary>Why a notification is refused whoever sends it, or null.</summary>
    private static string? Problem(InboxCommands.Notify cmd, long nowMs) =>
        NotificationRules.Validate(cmd.Subject, cmd.Content)
        ?? (cmd.Code < 0 && !string.IsNullOrEmpty(cmd.Sender) ? "codes below zero are reserved for the system" : null)
        ?? (cmd.ExpiresMs > 0 && cmd.ExpiresMs <= nowMs ? "it has already expired" : null);

    /// <summary>Sends <paramref name="notification"/> to every subscribed session; false when there is none.</summary>
    private bool Push(Notification notification)
    {
        foreach (var session in _sessions) session.Tell(new InboxPushes.Pushed(State.Owner, notification));
        return _sessions.Count > 0;
    }

    /// <summary>
    /// Stored notifications up to <paramref name="seq"/> were handed to a session: recorded in the background (commands
    /// go on meanwhile; <see cref="_handedUpTo"/> already counts them). Lost with a crash before it is durable, a later
    /// login pushes them again: the session's feature drops what it already pushed, and a new session shows them once.
    /// </summary>
    private void Handed(long seq)
    {
        if (seq <= _handedUpTo) return;
        _handedUpTo = seq;
        PersistInBackground(new InboxEvents.Delivered(seq));
    }

    private void HandleSubscribe(InboxCommands.Subscribe cmd)
    {
        if (_sessions.Add(cmd.Session)) Context.Watch(cmd.Session);
        Context.SetReceiveTimeout(null);
        var now = NowMs;
        var pending = InboxRules.Pending(State, now).Where(n => n.Seq > _handedUpTo).ToArray();
        Sender.Tell(new InboxReplies.Subscribed(State.Owner, InboxRules.Unread(State, now), pending));
        if (pending.Length > 0) Handed(pending[^1].Seq);
    }

    private void Drop(IActorRef session)
    {
        if (!_sessions.Remove(session)) return;
        Context.Unwatch(session);
        if (_sessions.Count == 0) Context.SetReceiveTimeout(_settings.IdleTimeout);
    }

    private void HandleList(InboxCommands.List cmd)
    {
        var now = NowMs;
        var limit = Math.Clamp(cmd.Limit, 1, NotificationRules.MaxPageSize);
        if (InboxRules.Page(State, cmd.Cursor, limit, now) is not { } page)
        {
            Sender.Tell(new Replies.Rejected(cmd.CommandId, NotificationErrorCodes.BadCursor, "this cursor was not given by your inbox"));
            return;
        }
        Sender.Tell(new InboxReplies.Page(cmd.CommandId, page.Items, page.Next, InboxRules.Unread(State, now)));
    }

    /// <summary>Marks read or deletes: every id must name a live notification, or nothing changes.</summary>
    private void HandleMark(InboxCommands.Mark cmd)
    {
        var (replyTo, commandId) = (Sender, cmd.CommandId);
        var (seqs, unknown) = InboxRules.Resolve(State, cmd.Ids, NowMs);
        if (unknown is not null)
        {
            replyTo.Tell(new Replies.Rejected(commandId, NotificationErrorCodes.UnknownNotification, $"no notification '{unknown}' in your inbox; nothing changed"));
            return;
        }
        if (!cmd.Delete) seqs = [.. seqs.Where(s => State.Items.Any(n => n.Seq == s && !n.Read))];
        if (seqs.Length == 0)
        {
            replyTo.Tell(new Replies.Acknowledged(commandId)); // already so: nothing to store
            return;
        }
        PersistThen(new InboxEvents.Marked(seqs, cmd.Delete), _ => replyTo.Tell(new Replies.Acknowledged(commandId)),
            _ => replyTo.Tell(new Replies.Rejected(commandId, ErrorCodes.Unavailable, JournalDown)));
    }
}

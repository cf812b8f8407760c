using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using ProtoBuf;

namespace Mxo.Protocol.Notifications;

/// <summary>Routed by the inbox shard region on <see cref="PlayerId"/> (an inbox is keyed by its character's id, as the player entity is).</summary>
public interface IInboxCommand : IMxoMessage
{
    PlayerId PlayerId { get; }
}

/// <summary>
/// One notification in a character's inbox. <see cref="Seq"/> is its number in that inbox (1, 2, … never reused): the
/// order of delivery, and its wire id (<see cref="Id"/>). <see cref="Sender"/> empty or null is the system.
/// <see cref="ExpiresMs"/> 0 never expires.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record Notification(
    [property: ProtoMember(1)] long Seq,
    [property: ProtoMember(2)] int Code,
    [property: ProtoMember(3)] string Subject,
    [property: ProtoMember(4)] string Content,
    [property: ProtoMember(5)] string? Sender,
    [property: ProtoMember(6)] long CreatedMs,
    [property: ProtoMember(7)] long ExpiresMs,
    [property: ProtoMember(8)] bool Persistent,
    [property: ProtoMember(9)] bool Read) : IMxoMessage
{
    /// <summary>The id clients see and name: the sequence number in decimal. Non-persistent ones are never stored, and have none (0).</summary>
    public string Id => Seq.ToString(CultureInfo.InvariantCulture);

    public bool ExpiredAt(long nowMs) => ExpiresMs > 0 && ExpiresMs <= nowMs;
}

/// <summary>What anyone may send to an inbox, and what the session and the client ask of it.</summary>
public static class InboxCommands
{
    /// <summary>
    /// The one entry point for every source (operators, duel challenges, later whispers, crew invites): a notification
    /// for <see cref="PlayerId"/>. A persistent one is stored first (its <see cref="CommandId"/> makes a retry store it
    /// once), then pushed to the character's session if one is subscribed; a non-persistent one is only pushed, and
    /// dropped when nobody is subscribed. Reply: <see cref="InboxReplies.Notified"/>, or <see cref="Replies.Rejected"/>
    /// (<c>invalid_notification</c>, <c>unavailable</c>).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Notify(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] int Code,
        [property: ProtoMember(3)] string Subject,
        [property: ProtoMember(4)] string Content,
        [property: ProtoMember(5)] string? Sender,
        [property: ProtoMember(6)] long ExpiresMs,
        [property: ProtoMember(7)] bool Persistent,
        [property: ProtoMember(8)] string CommandId) : IInboxCommand;

    /// <summary>
    /// A session of the character wants its notifications: the inbox watches it and pushes it every new one
    /// (<see cref="InboxPushes.Pushed"/>). Reply: <see cref="InboxReplies.Subscribed"/> with the unread count and the
    /// persistent notifications not yet delivered to any session (in order); they count as delivered from then on. The
    /// inbox forgets the session when it stops (it is watched, on whatever node it runs).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Subscribe(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] IActorRef Session) : IInboxCommand;

    /// <summary>A page newest-first from <see cref="Cursor"/> (null: the newest). Reply: <see cref="InboxReplies.Page"/> or Rejected (<c>bad_cursor</c>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record List(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string? Cursor,
        [property: ProtoMember(3)] int Limit,
        [property: ProtoMember(4)] string CommandId) : IInboxCommand;

    /// <summary>
    /// Marks the notifications read, or with <see cref="Delete"/> deletes them. Reply: Acknowledged once persisted, or
    /// Rejected (<c>unknown_notification</c>: nothing changed).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Mark(
        [property: ProtoMember(1)] PlayerId PlayerId,
        string[] Ids,
        [property: ProtoMember(3)] bool Delete,
        [property: ProtoMember(4)] string CommandId) : IInboxCommand
    {
        [ProtoMember(2)]
        public string[] Ids { get => _ids ?? []; init => _ids = value; }
        private string[]? _ids = Ids;
    }

    /// <summary>Reply: the <see cref="InboxState"/> (operators, tests).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetInbox([property: ProtoMember(1)] PlayerId PlayerId) : IInboxCommand;
}

/// <summary>Persisted by <c>InboxEntity</c>.</summary>
public static class InboxEvents
{
    /// <summary>
    /// A persistent notification was stored; <see cref="Dropped"/> are the ones removed to keep the inbox within its bound
    /// (decided when it was written, so replay does not depend on the setting).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Added(
        [property: ProtoMember(1)] Notification Notification,
        [property: ProtoMember(2)] string CommandId,
        long[] Dropped) : IMxoEvent
    {
        [ProtoMember(3)]
        public long[] Dropped { get => _dropped ?? []; init => _dropped = value; }
        private long[]? _dropped = Dropped;
    }

    /// <summary>The notifications were marked read, or with <see cref="Deleted"/> removed.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Marked(long[] Seqs, [property: ProtoMember(2)] bool Deleted) : IMxoEvent
    {
        [ProtoMember(1)]
        public long[] Seqs { get => _seqs ?? []; init => _seqs = value; }
        private long[]? _seqs = Seqs;
    }

    /// <summary>Every stored notification up to <see cref="UpTo"/> has been handed to a session: a later login does not push it again.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Delivered([property: ProtoMember(1)] long UpTo) : IMxoEvent;
}

/// <summary>The durable state of one inbox: its notifications oldest first, and how far delivery has gone.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record InboxState(
    [property: ProtoMember(1)] PlayerId Owner,
    [property: ProtoMember(2)] long LastSeq,
    [property: ProtoMember(3)] long DeliveredUpTo,
    ImmutableList<Notification> Items,
    ImmutableList<string> RecentCommandIds) : IMxoMessage
{
    /// <summary>Stored notifications, oldest (lowest <see cref="Notification.Seq"/>) first.</summary>
    [ProtoMember(4)]
    public ImmutableList<Notification> Items { get => _items ?? []; init => _items = value; }
    private ImmutableList<Notification>? _items = Items;

    /// <summary>Ids of the last notifications' commands, newest last, so a retried send is stored once.</summary>
    [ProtoMember(5)]
    public ImmutableList<string> RecentCommandIds { get => _recent ?? []; init => _recent = value; }
    private ImmutableList<string>? _recent = RecentCommandIds;

    public static InboxState Empty(PlayerId owner) => new(owner, 0, 0, [], []);
}

/// <summary>What an <c>InboxEntity</c> answers.</summary>
public static class InboxReplies
{
    /// <summary>
    /// The notification was taken: <see cref="Stored"/> (persistent: kept until deleted or expired) and/or
    /// <see cref="Pushed"/> (a session was subscribed and was sent it). Neither: a non-persistent one for an offline
    /// character, dropped. <see cref="Id"/> is null for one that was not stored, and for a retried send (stored by the first try).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Notified(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string? Id,
        [property: ProtoMember(4)] bool Stored,
        [property: ProtoMember(5)] bool Pushed) : IMxoMessage;

    /// <summary>Answers <see cref="InboxCommands.Subscribe"/>: what the welcome says, and what to push right after it, in order.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Subscribed(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] int Unread,
        Notification[] Pending) : IMxoMessage
    {
        [ProtoMember(3)]
        public Notification[] Pending { get => _pending ?? []; init => _pending = value; }
        private Notification[]? _pending = Pending;
    }

    /// <summary>One page, newest first; <see cref="Next"/> is the cursor of the next (older) page, null on the last.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Page(
        [property: ProtoMember(1)] string CommandId,
        Notification[] Items,
        [property: ProtoMember(3)] string? Next,
        [property: ProtoMember(4)] int Unread) : IMxoMessage
    {
        [ProtoMember(2)]
        public Notification[] Items { get => _items ?? []; init => _items = value; }
        private Notification[]? _items = Items;
    }
}

/// <summary>What an inbox sends its subscribed sessions.</summary>
public static class InboxPushes
{
    /// <summary>A new notification for the subscribed session. Not an <see cref="IClientBound"/>: the session's feature drops one it already pushed.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Pushed(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] Notification Notification) : IMxoMessage;
}

/// <summary>The limits of notifications: the same for every source. Documented in docs/protocol.md.</summary>
public static class NotificationRules
{
    /// <summary>A subject is 1 to this many characters.</summary>
    public const int MaxSubjectLength = 200;

    /// <summary>The JSON content is at most this many UTF-8 bytes.</summary>
    public const int MaxContentBytes = 4096;

    /// <summary>A page has at most this many notifications.</summary>
    public const int MaxPageSize = 100;

    /// <summary>A page's size when the client names none.</summary>
    public const int DefaultPageSize = 20;

    /// <summary>notification_read and notification_delete name at most this many ids.</summary>
    public const int MaxIdsPerRequest = 100;

    /// <summary>The codes below zero are the system's (duel challenges, operators' messages); other senders use zero or above.</summary>
    public const int DuelChallengeCode = -1;

    /// <summary>An operator's message (<c>world notify</c>, <c>world notify-all</c>) when the operator names no code.</summary>
    public const int OperatorMessageCode = -2;

    /// <summary>A whisper that reached a character while it was offline (it opted in with <c>chat_settings</c>).</summary>
    public const int WhisperCode = -3;

    /// <summary>An invite to a crew (persistent until the invite expires, so an offline invitee sees it at its next login).</summary>
    public const int CrewInviteCode = -4;

    /// <summary>Why a notification is refused, or null: a subject, a JSON object as content, within the limits.</summary>
    public static string? Validate(string subject, string content)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength)
            return $"the subject must be 1-{MaxSubjectLength} characters";
        if (subject.Any(char.IsControl)) return "the subject must not hold control characters";
        if (System.Text.Encoding.UTF8.GetByteCount(content) > MaxContentBytes)
            return $"the content must be at most {MaxContentBytes} bytes of UTF-8";
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(content);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object) return "the content must be a JSON object";
        }
        catch (System.Text.Json.JsonException)
        {
            return "the content must be valid JSON";
        }
        return null;
    }
}

/// <summary>Why an inbox refuses a request: the error frame's <c>code</c>. Documented in docs/protocol.md (checked by <c>ProtocolDocsTests</c>).</summary>
public static class NotificationErrorCodes
{
    /// <summary>An id in notification_read or notification_delete is not in the inbox (never was, deleted, or expired). Nothing changed.</summary>
    public const string UnknownNotification = "unknown_notification";

    /// <summary>The cursor is not one this inbox gave (another player's, or garbage).</summary>
    public const string BadCursor = "bad_cursor";

    /// <summary>A notification a sender tried to store breaks a rule (subject, content size, JSON).</summary>
    public const string InvalidNotification = "invalid_notification";
}

using System.Text.Json;
using Mxo.Protocol.Notifications;
using static Mxo.Protocol.Wire.ClientFrameParser;

namespace Mxo.Protocol.Wire;

/// <summary><c>notifications {cursor?, limit?}</c>: a page of the inbox, newest first.</summary>
public sealed record NotificationsRequest(string? Id, string? Cursor, int Limit) : ClientRequest(Id);

/// <summary><c>notification_read {ids}</c>.</summary>
public sealed record NotificationReadRequest(string? Id, string[] Ids) : ClientRequest(Id);

/// <summary><c>notification_delete {ids}</c>.</summary>
public sealed record NotificationDeleteRequest(string? Id, string[] Ids) : ClientRequest(Id);

/// <summary>The notifications feature's client frames (docs/protocol.md, "Notifications").</summary>
public static class NotificationFrames
{
    /// <summary>The longest cursor a client may send back (the server's are far shorter).</summary>
    public const int MaxCursorLength = 256;

    /// <summary>The longest notification id (a decimal number).</summary>
    public const int MaxIdLength = 20;

    public static IReadOnlyList<FrameType> All { get; } =
    [
        new("notifications", (frame, id) => frame.TryGetProperty("data", out _)
            ? WithData(frame, id, data => ReadList(data, id))
            : Ok(new NotificationsRequest(id, null, NotificationRules.DefaultPageSize))),
        new("notification_read", (frame, id) => WithData(frame, id, data => ReadIds(data, id) is var (ids, e) && e is not null
            ? Fail(e) : Ok(new NotificationReadRequest(id, ids!)))),
        new("notification_delete", (frame, id) => WithData(frame, id, data => ReadIds(data, id) is var (ids, e) && e is not null
            ? Fail(e) : Ok(new NotificationDeleteRequest(id, ids!)))),
    ];

    private static (ClientRequest?, WireError?) ReadList(JsonElement data, string? id)
    {
        string? cursor = null;
        if (data.TryGetProperty("cursor", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind != JsonValueKind.String) return Fail(ErrorCodes.InvalidField, "'data.cursor' must be a string", id);
            cursor = c.GetString()!;
            if (cursor.Length is 0 or > MaxCursorLength)
                return Fail(ErrorCodes.InvalidField, $"'data.cursor' must be 1-{MaxCursorLength} characters", id);
        }
        var limit = NotificationRules.DefaultPageSize;
        if (data.TryGetProperty("limit", out var l) && l.ValueKind != JsonValueKind.Null)
        {
            if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out limit) || limit is < 1 or > NotificationRules.MaxPageSize)
                return Fail(ErrorCodes.InvalidField, $"'data.limit' must be an integer 1-{NotificationRules.MaxPageSize}", id);
        }
        return Ok(new NotificationsRequest(id, cursor, limit));
    }

    private static (string[]? Ids, WireError? Error) ReadIds(JsonElement data, string? id)
    {
        if (!data.TryGetProperty("ids", out var el)) return (null, new WireError(ErrorCodes.MissingField, "'data.ids' is required", id));
        if (el.ValueKind != JsonValueKind.Array) return (null, new WireError(ErrorCodes.InvalidField, "'data.ids' must be an array of ids", id));
        var count = el.GetArrayLength();
        if (count is 0 or > NotificationRules.MaxIdsPerRequest)
            return (null, new WireError(ErrorCodes.InvalidField, $"'data.ids' must hold 1-{NotificationRules.MaxIdsPerRequest} ids", id));
        var ids = new string[count];
        var i = 0;
        foreach (var item in el.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 and <= MaxIdLength } one)
                return (null, new WireError(ErrorCodes.InvalidField, $"'data.ids' must hold strings of 1-{MaxIdLength} characters", id));
            ids[i++] = one;
        }
        return (ids, null);
    }
}

public static partial class ServerFrames
{
    /// <summary>A notification pushed to the client (new, or pending at login).</summary>
    public static byte[] Notification(Notification n) => Frame(ServerFrameTypes.Notification, null, w => WriteNotification(w, n));

    /// <summary>The answer to <c>notifications</c>: a page newest first, the next page's cursor (null on the last), the unread count.</summary>
    public static byte[] Notifications(string? id, InboxReplies.Page page) => Frame(ServerFrameTypes.Notifications, id, w =>
    {
        w.WriteStartArray("items");
        foreach (var n in page.Items)
        {
            w.WriteStartObject();
            WriteNotification(w, n);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (page.Next is { } next) w.WriteString("next", next); else w.WriteNull("next");
        w.WriteNumber("unread", page.Unread);
    });

    private static void WriteNotification(Utf8JsonWriter w, Notification n)
    {
        // A non-persistent notification is never stored: it has no id to read or delete.
        if (n.Persistent) w.WriteString("id", n.Id); else w.WriteNull("id");
        w.WriteNumber("code", n.Code);
        w.WriteString("subject", n.Subject);
        w.WritePropertyName("content");
        // Checked to be a JSON object when it was sent (NotificationRules.Validate): written as it is, not as a string.
        w.WriteRawValue(n.Content is { Length: > 0 } content ? content : "{}", skipInputValidation: false);
        w.WriteString("sender", n.Sender ?? "");
        w.WriteNumber("createdAt", n.CreatedMs);
        if (n.ExpiresMs > 0) w.WriteNumber("expiresAt", n.ExpiresMs); else w.WriteNull("expiresAt");
        w.WriteBoolean("persistent", n.Persistent);
        w.WriteBoolean("read", n.Read);
    }
}

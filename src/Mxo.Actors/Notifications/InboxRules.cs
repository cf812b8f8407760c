using System.Buffers.Text;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Mxo.Protocol;
using Mxo.Protocol.Notifications;

namespace Mxo.Actors.Notifications;

/// <summary>The pure rules of an inbox: what each command decides and how each event changes the state.</summary>
public static class InboxRules
{
    /// <summary>How many recent send command ids an inbox remembers (a retried send within them is stored once).</summary>
    public const int RecentCommands = 64;

    public static InboxState Apply(InboxState state, IMxoEvent e) => e switch
    {
        InboxEvents.Added added => state with
        {
            LastSeq = Math.Max(state.LastSeq, added.Notification.Seq),
            Items = Without(state.Items, added.Dropped).Add(added.Notification),
            RecentCommandIds = RecentIds.Remember(state.RecentCommandIds, added.CommandId, RecentCommands),
        },
        InboxEvents.Marked { Deleted: true } deleted => state with { Items = Without(state.Items, deleted.Seqs) },
        InboxEvents.Marked read => state with
        {
            Items = state.Items.Select(n => !n.Read && read.Seqs.Contains(n.Seq) ? n with { Read = true } : n).ToImmutableList(),
        },
        InboxEvents.Delivered delivered => state with { DeliveredUpTo = Math.Max(state.DeliveredUpTo, delivered.UpTo) },
        _ => state,
    };

    private static ImmutableList<Notification> Without(ImmutableList<Notification> items, long[] seqs) =>
        seqs.Length == 0 ? items : items.RemoveAll(n => seqs.Contains(n.Seq));

    /// <summary>
    /// The event that stores <paramref name="notify"/> as the next notification, with the ones dropped to keep at most
    /// <paramref name="maxKept"/>: first expired ones, then the oldest read ones, then the oldest unread ones.
    /// </summary>
    public static InboxEvents.Added DecideAdd(InboxState state, InboxCommands.Notify notify, long nowMs, int maxKept)
    {
        var notification = new Notification(state.LastSeq + 1, notify.Code, notify.Subject, notify.Content, notify.Sender ?? "", nowMs,
            notify.ExpiresMs, Persistent: true, Read: false);
        var excess = state.Items.Count + 1 - maxKept;
        var dropped = new List<long>();
        if (excess > 0)
        {
            // Oldest first within each class: expired, read, unread.
            foreach (var n in state.Items.Where(n => n.ExpiredAt(nowMs))
                         .Concat(state.Items.Where(n => !n.ExpiredAt(nowMs) && n.Read))
                         .Concat(state.Items.Where(n => !n.ExpiredAt(nowMs) && !n.Read)))
            {
                if (dropped.Count == excess) break;
                dropped.Add(n.Seq);
            }
        }
        else
        {
            // Within the bound, expired ones still go when something is written anyway: they are never shown again.
            dropped.AddRange(state.Items.Where(n => n.ExpiredAt(nowMs)).Select(n => n.Seq));
        }
        return new InboxEvents.Added(notification, notify.CommandId, [.. dropped]);
    }

    /// <summary>Live (not expired) notifications, oldest first.</summary>
    public static IEnumerable<Notification> Live(InboxState state, long nowMs) => state.Items.Where(n => !n.ExpiredAt(nowMs));

    public static int Unread(InboxState state, long nowMs) => Live(state, nowMs).Count(n => !n.Read);

    /// <summary>The persistent notifications no session has been handed yet, in order: a login pushes these after welcome.</summary>
    public static Notification[] Pending(InboxState state, long nowMs) =>
        [.. Live(state, nowMs).Where(n => n.Seq > state.DeliveredUpTo && !n.Read)];

    /// <summary>
    /// The seqs <paramref name="ids"/> name, or the first id that names no live notification (then nothing is to change).
    /// Repeated ids count once.
    /// </summary>
    public static (long[] Seqs, string? Unknown) Resolve(InboxState state, IReadOnlyList<string> ids, long nowMs)
    {
        var live = Live(state, nowMs).Select(n => n.Seq).ToHashSet();
        var seqs = new List<long>(ids.Count);
        foreach (var id in ids)
        {
            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || !live.Contains(seq)
                || id != seq.ToString(CultureInfo.InvariantCulture))
                return ([], id);
            if (!seqs.Contains(seq)) seqs.Add(seq);
        }
        return ([.. seqs], null);
    }

    // ---------------------------------------------------------------- paging

    /// <summary>
    /// A page of at most <paramref name="limit"/> live notifications newest first, older than the cursor's position; null
    /// when the cursor is not one this inbox gave.
    /// </summary>
    public static (Notification[] Items, string? Next)? Page(InboxState state, string? cursor, int limit, long nowMs)
    {
        var before = long.MaxValue;
        if (cursor is not null)
        {
            if (ReadCursor(state.Owner, cursor) is not { } seq) return null;
            before = seq;
        }
        var older = Live(state, nowMs).Where(n => n.Seq < before).Reverse().Take(limit + 1).ToList();
        var more = older.Count > limit;
        if (more) older.RemoveAt(limit);
        return ([.. older], more ? MakeCursor(state.Owner, older[^1].Seq) : null);
    }

    /// <summary>
    /// Opaque to clients: base64url of the inbox's owner and the seq to continue below. Another inbox's cursor names
    /// another owner and is refused, as is anything that does not decode.
    /// </summary>
    public static string MakeCursor(PlayerId owner, long seq)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"n1|{owner.Value}|{seq}"));
        return Base64Url.EncodeToString(bytes);
    }

    public static long? ReadCursor(PlayerId owner, string cursor)
    {
        if (cursor.Length is 0 or > 256) return null;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return null;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            return null;
        }
        var parts = text.Split('|');
        return parts.Length == 3 && parts[0] == "n1" && parts[1] == owner.Value
               && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
            ? seq
            : null;
    }
}

/// <summary>The notification a duel challenge also is: not persistent (it expires with the challenge, 30 s), so only an online target hears it.</summary>
public static class DuelNotification
{
    public static InboxCommands.Notify For(PlayerId target, PlayerId challenger, string name, long expiresAtMs) => new(target,
        NotificationRules.DuelChallengeCode, "Duel challenge from " + name,
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["from"] = challenger.Value, ["name"] = name, ["expiresAt"] = expiresAtMs }),
        "", expiresAtMs, Persistent: false, CommandId: $"duel-{challenger.Value}-{expiresAtMs}");
}

/// <summary>
/// The notification an offline whisper becomes (its recipient opted in): persistent, so it waits for the next login;
/// its command id is the whisper's id, so a retried send is stored once.
/// </summary>
public static class OfflineWhisperNotification
{
    public static InboxCommands.Notify For(PlayerId recipient, Protocol.Chat.ChatCommands.DeliverWhisper whisper) => new(recipient,
        NotificationRules.WhisperCode, "Whisper from " + whisper.FromName,
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = whisper.WhisperId, ["from"] = whisper.From.Value, ["name"] = whisper.FromName, ["text"] = whisper.Text, ["at"] = whisper.UnixTimeMs,
        }),
        "", 0, Persistent: true, CommandId: "whisper-" + whisper.WhisperId);
}

/// <summary>The notification a crew invite also is: persistent until the invite expires, so an offline invitee sees it at its next login.</summary>
public static class CrewInviteNotification
{
    public static InboxCommands.Notify For(PlayerId invitee, Protocol.Crews.CrewId crew, string crewName, PlayerId from, string fromName,
        long expiresAtMs) => new(invitee,
        NotificationRules.CrewInviteCode, $"{fromName} invites you to the crew {crewName}",
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["crew"] = crew.Value, ["name"] = crewName, ["from"] = from.Value, ["fromName"] = fromName, ["expires"] = expiresAtMs,
        }),
        "", expiresAtMs, Persistent: true, CommandId: $"crew-invite-{crew.Value}-{invitee.Value}-{expiresAtMs}");
}

using System.Globalization;
using System.Text;
using Akka.Actor;
using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Chat;

/// <summary>
/// Paging of kept lines (crew lines, whispers): newest first, at most <see cref="MaxPage"/> per page, with an opaque
/// cursor naming its owner and the sequence number the next page starts below. One scheme for every kept channel, so a
/// cursor of one owner (a crew, a character's whispers) is refused by every other.
/// </summary>
public static class KeptPages
{
    public const int MaxPage = 100;

    /// <summary>base64url of "owner\nseq": opaque to clients.</summary>
    public static string Cursor(string owner, long beforeSeq) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{owner}\n{beforeSeq.ToString(CultureInfo.InvariantCulture)}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The sequence number a cursor of <paramref name="owner"/> starts below; null for another owner's cursor or garbage.</summary>
    public static long? ReadCursor(string owner, string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(b64));
            var cut = text.LastIndexOf('\n');
            if (cut < 0 || text[..cut] != owner) return null;
            return long.TryParse(text[(cut + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// A page of <paramref name="items"/> (oldest first, by rising <paramref name="seqOf"/>): newest first below
    /// <paramref name="beforeSeq"/> (null: from the newest), at most <paramref name="limit"/> (1 to <see cref="MaxPage"/>),
    /// and the cursor of the next page (null on the last).
    /// </summary>
    public static (T[] Items, string? Next) Page<T>(IReadOnlyList<T> items, Func<T, long> seqOf, string owner, long? beforeSeq, int limit)
    {
        limit = Math.Clamp(limit, 1, MaxPage);
        var start = items.Count - 1;
        if (beforeSeq is { } before)
            while (start >= 0 && seqOf(items[start]) >= before) start--;
        var page = new List<T>(Math.Min(limit, start + 1));
        for (var i = start; i >= 0 && page.Count < limit; i--) page.Add(items[i]);
        var more = start - page.Count >= 0;
        return ([.. page], more && page.Count > 0 ? Cursor(owner, seqOf(page[^1])) : null);
    }
}

/// <summary>
/// One whisper as a character keeps it (issue 12): its side of it, sent (<see cref="Outgoing"/>) or received.
/// <see cref="Seq"/> numbers the character's history (for cursors); <see cref="Id"/> is the whisper's id, the same on
/// both sides (moderators name it in <c>mod_delete</c>).
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record KeptWhisper(
    [property: ProtoMember(1)] long Seq,
    [property: ProtoMember(2)] string Id,
    [property: ProtoMember(3)] string Other,
    [property: ProtoMember(4)] string OtherName,
    [property: ProtoMember(5)] bool Outgoing,
    [property: ProtoMember(6)] string Text,
    [property: ProtoMember(7)] long UnixTimeMs) : IMxoMessage;

/// <summary>The limits of kept whispers (docs/protocol.md, "Chat").</summary>
public static class WhisperRules
{
    /// <summary>A character keeps its last this many whispers, sent and received together.</summary>
    public const int Kept = 200;

    /// <summary>The cursor owner of a character's whisper history: never a crew's (those carry no prefix).</summary>
    public static string CursorOwner(PlayerId player) => "w:" + player.Value;

    /// <summary>A new whisper id: unique enough to name one whisper (12 hex digits of a GUID, and the sender).</summary>
    public static string NewId(PlayerId sender) => sender.Value + "." + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Whisper history, the offline-whisper setting, and the whisper's way back to its sender (issue 12).</summary>
public static class WhisperCommands
{
    /// <summary>To the character's entity: a page of its kept whispers. Reply <see cref="WhisperReplies.History"/> or Rejected (<c>bad_cursor</c>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record History(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Cursor,
        [property: ProtoMember(3)] int Limit,
        [property: ProtoMember(4)] string CommandId) : IPlayerCommand;

    /// <summary>To the character's entity: let whispers reach it while offline, as notifications (or not). Reply <see cref="WhisperReplies.Settings"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record SetOfflineWhispers(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] bool Enabled,
        [property: ProtoMember(3)] string CommandId) : IPlayerCommand;

    /// <summary>
    /// From the recipient's entity back to the sender's (<see cref="PlayerId"/>): the whisper was kept on the recipient's
    /// side and handed over (to its session, or its inbox). The sender's entity keeps its side, then acknowledges
    /// <see cref="ReplyTo"/> (the sender's session).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Delivered(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] PlayerId To,
        [property: ProtoMember(3)] string ToName,
        [property: ProtoMember(4)] string Id,
        [property: ProtoMember(5)] string Text,
        [property: ProtoMember(6)] long UnixTimeMs,
        [property: ProtoMember(7)] string CommandId,
        [property: ProtoMember(8)] IActorRef ReplyTo) : IPlayerCommand;
}

public static class WhisperReplies
{
    /// <summary>A page of kept whispers, newest first (frame <c>whisper_history</c>); <see cref="Next"/> null on the last.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record History(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] string? Next) : IClientBound
    {
        [ProtoMember(3)]
        public KeptWhisper[] Whispers { get => _whispers ?? []; init => _whispers = value; }
        private KeptWhisper[]? _whispers;

        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.WhisperHistory(requestId, this);
    }

    /// <summary>The character's chat settings now (frame <c>chat_settings</c>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Settings(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] bool OfflineWhispers) : IClientBound
    {
        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.ChatSettings(requestId, this);
    }
}

/// <summary>The chat events a character's entity persists beyond its ignore list (issue 12).</summary>
public static class ChatEvents
{
    /// <summary>A whisper kept on this character's side (the oldest goes beyond <see cref="WhisperRules.Kept"/>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record WhisperKept([property: ProtoMember(1)] KeptWhisper Whisper) : IMxoEvent;

    /// <summary>A moderator deleted the kept whisper <see cref="Id"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record WhisperDeleted([property: ProtoMember(1)] string Id) : IMxoEvent;

    /// <summary>A moderator purged <see cref="Author"/>'s whispers from this character's history (its own when it is the author).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record WhispersPurged([property: ProtoMember(1)] PlayerId Author) : IMxoEvent;

    /// <summary>The character lets whispers reach it while offline (as notifications), or no longer.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record OfflineWhispersSet([property: ProtoMember(1)] bool Enabled) : IMxoEvent;

    /// <summary>
    /// The character may not chat until <see cref="UntilUnixMs"/>: muted by its chat limits (<see cref="By"/> empty,
    /// <see cref="Level"/> the mute's rank in a row) or by a moderator (<see cref="By"/> its character id).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Muted(
        [property: ProtoMember(1)] long UntilUnixMs,
        [property: ProtoMember(2)] int Level,
        [property: ProtoMember(3)] string Reason,
        [property: ProtoMember(4)] string By) : IMxoEvent;

    /// <summary>A moderator lifted the character's mute.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Unmuted([property: ProtoMember(1)] string By) : IMxoEvent;
}

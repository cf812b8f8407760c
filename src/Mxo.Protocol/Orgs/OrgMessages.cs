using System.Collections.Immutable;
using Akka.Actor;
using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Orgs;

/// <summary>
/// The organisations of the Matrix (issue 12): a character may join one at creation, and then speaks and hears on the
/// <c>org</c> chat channel with every other member online.
/// </summary>
public static class Organisations
{
    public const string Zion = "zion";
    public const string Machines = "machines";
    public const string Merovingian = "merovingian";

    public static readonly IReadOnlyList<string> All = [Zion, Machines, Merovingian];

    /// <summary>The organisation as listed (lower case) for <paramref name="name"/> in any case, or null when there is none of that name.</summary>
    public static string? Find(string? name)
    {
        if (name is null) return null;
        var key = name.Trim().ToLowerInvariant();
        return All.Contains(key) ? key : null;
    }

    /// <summary>The distributed pub-sub topic the organisation's lines are published on (docs/architecture.md, "Organisations").</summary>
    public static string Topic(string org) => "org-" + org;
}

/// <summary>Commands the org shard region routes by <see cref="Org"/>.</summary>
public interface IOrgCommand : IMxoMessage
{
    string Org { get; }
}

/// <summary>What an org request asks (<see cref="OrgCommands.FromPlayer"/> and <see cref="OrgCommands.Request"/>).</summary>
public static class OrgRequestKinds
{
    public const string Say = "say";
    public const string History = "history";
}

public static class OrgCommands
{
    /// <summary>
    /// From the session to the character's entity: say <see cref="Arg"/> on the org channel, or read its history
    /// (<see cref="Arg"/> the cursor, <see cref="Limit"/> the page size). The entity knows the character's organisation.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record FromPlayer(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] string Arg,
        [property: ProtoMember(4)] int Limit,
        [property: ProtoMember(5)] string CommandId) : IPlayerCommand;

    /// <summary>From a member's entity to its organisation: one request by <see cref="By"/>, answered to <see cref="ReplyTo"/> (the session).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Request(
        [property: ProtoMember(1)] string Org,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] PlayerId By,
        [property: ProtoMember(4)] string ByName,
        [property: ProtoMember(5)] string Arg,
        [property: ProtoMember(6)] int Limit,
        [property: ProtoMember(7)] string CommandId,
        [property: ProtoMember(8)] IActorRef? ReplyTo) : IOrgCommand;

    /// <summary>Moderation (operators): delete the kept line <see cref="Seq"/>. Reply: <see cref="OrgReplies.Moderated"/> (0 removed when there is no such line).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record DeleteLine(
        [property: ProtoMember(1)] string Org,
        [property: ProtoMember(2)] long Seq,
        [property: ProtoMember(3)] string By) : IOrgCommand;

    /// <summary>Moderation (operators): delete every kept line of <see cref="Player"/>. Reply: <see cref="OrgReplies.Moderated"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PurgePlayer(
        [property: ProtoMember(1)] string Org,
        [property: ProtoMember(2)] PlayerId Player,
        [property: ProtoMember(3)] string By) : IOrgCommand;
}

/// <summary>A kept org line: <see cref="Seq"/> is its id within the organisation (moderation deletes by it).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record OrgLine(
    [property: ProtoMember(1)] long Seq,
    [property: ProtoMember(2)] string PlayerId,
    [property: ProtoMember(3)] string Name,
    [property: ProtoMember(4)] string Text,
    [property: ProtoMember(5)] long UnixTimeMs) : IMxoMessage;

/// <summary>The organisation as its journal knows it: the last <see cref="OrgRules.KeptLines"/> lines. Persisted as a snapshot.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record OrgState(
    [property: ProtoMember(1)] string Org,
    [property: ProtoMember(2)] long NextSeq) : IMxoMessage
{
    [ProtoMember(3)]
    public ImmutableList<OrgLine> Lines { get => _lines ?? []; init => _lines = value; }
    private ImmutableList<OrgLine>? _lines;

    public static OrgState Empty(string org) => new(org, 1);
}

public static class OrgEvents
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record LineRecorded(
        [property: ProtoMember(1)] long Seq,
        [property: ProtoMember(2)] PlayerId Player,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string Text,
        [property: ProtoMember(5)] long AtMs,
        [property: ProtoMember(6)] string CommandId) : IMxoEvent;

    /// <summary>Moderation: the kept line <see cref="Seq"/> was deleted by <see cref="By"/> (an operator's name), recorded as such.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record LineDeleted(
        [property: ProtoMember(1)] long Seq,
        [property: ProtoMember(2)] string By,
        [property: ProtoMember(3)] long AtMs) : IMxoEvent;

    /// <summary>Moderation: every kept line of <see cref="Player"/> was deleted by <see cref="By"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PlayerPurged(
        [property: ProtoMember(1)] PlayerId Player,
        [property: ProtoMember(2)] string By,
        [property: ProtoMember(3)] long AtMs) : IMxoEvent;
}

public static class OrgReplies
{
    /// <summary>A page of org lines, newest first, and the cursor of the next (older) page, null at the end (frame <c>org_history</c>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record History(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] string Org,
        [property: ProtoMember(3)] string? Next) : IClientBound
    {
        [ProtoMember(4)]
        public OrgLine[] Lines { get => _lines ?? []; init => _lines = value; }
        private OrgLine[]? _lines;

        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.OrgHistory(requestId, this);
    }

    /// <summary>The answer to a moderation command: how many kept lines it removed (persisted first when more than 0).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Moderated(
        [property: ProtoMember(1)] string Org,
        [property: ProtoMember(2)] int Removed) : IMxoMessage;
}

public static class OrgPushes
{
    /// <summary>
    /// An org line, published by the organisation to its members' sessions (frame <c>chat</c>, channel <c>org</c>). Not
    /// <see cref="IClientBound"/>: the session's chat feature drops it when it ignores the speaker, as it does crew lines.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Line(
        [property: ProtoMember(1)] string Org,
        [property: ProtoMember(2)] PlayerId From,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string Text,
        [property: ProtoMember(5)] long UnixTimeMs,
        [property: ProtoMember(6)] long Seq) : Districts.ISessionPush;
}

/// <summary>The organisation rules that need no actor.</summary>
public static class OrgRules
{
    public const int KeptLines = 200;
    public const int MaxPage = 100;

    public static OrgState Apply(OrgState state, IMxoEvent @event) => @event switch
    {
        OrgEvents.LineRecorded e => state with
        {
            NextSeq = e.Seq + 1,
            Lines = Chat.KeptLines.Append(state.Lines, new OrgLine(e.Seq, e.Player.Value, e.Name, e.Text, e.AtMs), KeptLines),
        },
        OrgEvents.LineDeleted e => state with { Lines = state.Lines.RemoveAll(l => l.Seq == e.Seq) },
        OrgEvents.PlayerPurged e => state with { Lines = state.Lines.RemoveAll(l => l.PlayerId == e.Player.Value) },
        _ => throw new ArgumentException($"OrgEntity cannot apply {@event.GetType().Name}", nameof(@event)),
    };

    /// <summary>A page of history (<see cref="Chat.KeptLines.Page{T}"/>); the cursor names the organisation.</summary>
    public static (OrgLine[] Lines, string? Next) Page(OrgState state, long? beforeSeq, int limit) =>
        Chat.KeptLines.Page(state.Lines, l => l.Seq, "org:" + state.Org, beforeSeq, limit, MaxPage);

    /// <summary>The sequence number a cursor of <paramref name="org"/> starts below; null for another organisation's cursor (or a crew's) or garbage.</summary>
    public static long? ReadCursor(string org, string cursor) => Chat.KeptLines.ReadCursor("org:" + org, cursor);
}

/// <summary>Why an org request is refused (the error frame's <c>code</c>), documented in docs/protocol.md.</summary>
public static class OrgErrorCodes
{
    /// <summary><c>chat</c> on channel <c>org</c> or <c>org_history</c> from a character created without an organisation.</summary>
    public const string NoOrg = "no_org";

    /// <summary><c>announce</c> from a token without the <c>gm</c> or <c>admin</c> permission.</summary>
    public const string Forbidden = "forbidden";
}

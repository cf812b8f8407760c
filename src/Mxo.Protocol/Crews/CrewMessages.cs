using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Crews;

/// <summary>A crew's id: its name normalised (trimmed, lower case), as <see cref="PlayerId.FromName"/> is a character's.</summary>
[ProtoContract]
public readonly record struct CrewId([property: ProtoMember(1)] string Value)
{
    public static CrewId FromName(string name) => new(name.Trim().ToLowerInvariant());
    public override string ToString() => Value;
}

/// <summary>Commands the crew shard region routes by <see cref="CrewId"/>.</summary>
public interface ICrewCommand : IMxoMessage
{
    CrewId CrewId { get; }
}

/// <summary>What a crew request asks (<see cref="CrewCommands.FromPlayer"/> and <see cref="CrewCommands.Request"/>).</summary>
public static class CrewRequestKinds
{
    public const string Create = "create";
    public const string Invite = "invite";
    public const string Accept = "accept";
    public const string Decline = "decline";
    public const string Leave = "leave";
    public const string Kick = "kick";
    public const string Captain = "captain";
    public const string Info = "info";
    public const string Say = "say";
    public const string History = "history";
}

/// <summary>What a <see cref="CrewCommands.Deliver"/> brings to a character's entity.</summary>
public static class CrewDeliveryKinds
{
    /// <summary>The character joined (or created) the crew: persist it, then answer with <see cref="CrewCommands.Deliver.Info"/>.</summary>
    public const string Joined = "joined";
    /// <summary>The character is no longer in the crew (left, kicked, or the crew disbanded): persist it, then answer.</summary>
    public const string Left = "left";
    /// <summary>A captain invites this character: check it may be invited, then send the invite on to the crew.</summary>
    public const string CheckInvitee = "check_invitee";
    /// <summary>An invite, persisted by the crew: pushed to the session as <c>crew_invite</c>.</summary>
    public const string Invite = "invite";
    /// <summary>A crew line, persisted by the crew: pushed to the session as <c>chat</c> (channel <c>crew</c>).</summary>
    public const string Line = "line";
    /// <summary>A membership change: pushed to the session as <c>crew_update</c>.</summary>
    public const string Update = "update";
}

/// <summary>The kinds of <c>crew_update</c>.</summary>
public static class CrewUpdateKinds
{
    public const string Joined = "joined";
    public const string Left = "left";
    public const string Kicked = "kicked";
    public const string Captain = "captain";
    public const string Disbanded = "disbanded";
}

public static class CrewCommands
{
    /// <summary>
    /// From the session to the character's entity: one crew request (<see cref="CrewRequestKinds"/>). <see cref="Arg"/> is
    /// the crew name (create, accept, decline), the character name (invite, kick, captain), the text (say) or the cursor
    /// (history); <see cref="Limit"/> is history's page size.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record FromPlayer(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] string Arg,
        [property: ProtoMember(4)] int Limit,
        [property: ProtoMember(5)] string CommandId) : IPlayerCommand;

    /// <summary>
    /// From a character's entity to the crew: one crew request by <see cref="By"/>, answered to <see cref="ReplyTo"/>
    /// (the session; null when nobody waits, e.g. a character leaving a crew it could not record joining).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Request(
        [property: ProtoMember(1)] CrewId CrewId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] PlayerId By,
        [property: ProtoMember(4)] string ByName,
        [property: ProtoMember(5)] string Arg,
        [property: ProtoMember(6)] int Limit,
        [property: ProtoMember(7)] string CommandId,
        [property: ProtoMember(8)] IActorRef? ReplyTo,
        [property: ProtoMember(9)] string ArgName = "") : ICrewCommand;

    /// <summary>
    /// From the crew (or a captain's entity) to a character's entity (<see cref="PlayerId"/>): see
    /// <see cref="CrewDeliveryKinds"/>. Only the fields the kind needs are set.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Deliver(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] CrewId CrewId,
        [property: ProtoMember(4)] string CrewName,
        [property: ProtoMember(5)] string CommandId,
        [property: ProtoMember(6)] IActorRef? ReplyTo) : IPlayerCommand
    {
        /// <summary>Joined: the crew as it is now, the answer to <c>crew_create</c> and <c>crew_accept</c>.</summary>
        [ProtoMember(7)] public CrewReplies.Info? Info { get; init; }
        /// <summary>Line and update: who said it or whom the change is about (invite, check_invitee: who invites).</summary>
        [ProtoMember(8)] public PlayerId From { get; init; }
        [ProtoMember(9)] public string FromName { get; init; } = "";
        /// <summary>Line: the text; update: the update's kind (<see cref="CrewUpdateKinds"/>).</summary>
        [ProtoMember(10)] public string Text { get; init; } = "";
        [ProtoMember(11)] public long UnixTimeMs { get; init; }
        /// <summary>Update: the captain after the change.</summary>
        [ProtoMember(12)] public PlayerId Captain { get; init; }
        /// <summary>Line: its sequence number in the crew.</summary>
        [ProtoMember(13)] public long Seq { get; init; }
    }
}

/// <summary>A member as the crew keeps it: id, name as spelt, and when it joined (Unix ms; the oldest member first).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record CrewMember(
    [property: ProtoMember(1)] string PlayerId,
    [property: ProtoMember(2)] string Name,
    [property: ProtoMember(3)] long JoinedAtMs) : IMxoMessage;

/// <summary>An invite: the invited character, and until when it may accept (Unix ms).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record CrewInvite(
    [property: ProtoMember(1)] string PlayerId,
    [property: ProtoMember(2)] string Name,
    [property: ProtoMember(3)] long ExpiresAtMs) : IMxoMessage;

/// <summary>A kept crew line.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record CrewLine(
    [property: ProtoMember(1)] long Seq,
    [property: ProtoMember(2)] string PlayerId,
    [property: ProtoMember(3)] string Name,
    [property: ProtoMember(4)] string Text,
    [property: ProtoMember(5)] long UnixTimeMs) : IMxoMessage;

/// <summary>
/// The crew as its journal knows it. Persisted as a snapshot, so its field numbers are a schema. Members in the order
/// they joined (the captain's successor is the oldest other member); the last <see cref="CrewRules.KeptLines"/> lines.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record CrewState(
    [property: ProtoMember(1)] CrewId CrewId,
    [property: ProtoMember(2)] string Name,
    [property: ProtoMember(3)] bool Created,
    [property: ProtoMember(4)] bool Disbanded,
    [property: ProtoMember(5)] string Captain,
    [property: ProtoMember(9)] long NextSeq) : IMxoMessage
{
    [ProtoMember(6)]
    public ImmutableList<CrewMember> Members { get => _members ?? []; init => _members = value; }
    private ImmutableList<CrewMember>? _members;

    [ProtoMember(7)]
    public ImmutableList<CrewInvite> Invites { get => _invites ?? []; init => _invites = value; }
    private ImmutableList<CrewInvite>? _invites;

    [ProtoMember(8)]
    public ImmutableList<CrewLine> Lines { get => _lines ?? []; init => _lines = value; }
    private ImmutableList<CrewLine>? _lines;

    public static CrewState Empty(CrewId id) => new(id, "", false, false, "", 1);

    public bool IsMember(PlayerId player) => Members.Any(m => m.PlayerId == player.Value);
}

public static class CrewEvents
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record Created(
        [property: ProtoMember(1)] string Name,
        [property: ProtoMember(2)] PlayerId Captain,
        [property: ProtoMember(3)] string CaptainName,
        [property: ProtoMember(4)] long AtMs) : IMxoEvent;

    /// <summary>An invite (replacing an earlier one for the same character); expired invites are dropped with it.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Invited(
        [property: ProtoMember(1)] PlayerId Player,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] long ExpiresAtMs,
        [property: ProtoMember(4)] long AtMs) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record InviteDeclined([property: ProtoMember(1)] PlayerId Player) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record Joined(
        [property: ProtoMember(1)] PlayerId Player,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] long AtMs) : IMxoEvent;

    /// <summary>A member left or was kicked. A captain leaving hands over to the oldest other member; the last member leaving disbands the crew.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Left(
        [property: ProtoMember(1)] PlayerId Player,
        [property: ProtoMember(2)] bool Kicked) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record CaptainChanged([property: ProtoMember(1)] PlayerId Captain) : IMxoEvent;

    /// <summary>A moderator deleted the kept line <see cref="Seq"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record LineDeleted([property: ProtoMember(1)] long Seq) : IMxoEvent;

    /// <summary>A moderator purged <see cref="Author"/>'s kept lines.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record LinesPurged([property: ProtoMember(1)] PlayerId Author) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record LineRecorded(
        [property: ProtoMember(1)] long Seq,
        [property: ProtoMember(2)] PlayerId Player,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string Text,
        [property: ProtoMember(5)] long AtMs,
        [property: ProtoMember(6)] string CommandId) : IMxoEvent;
}

public static class CrewReplies
{
    /// <summary>The crew: answer to <c>crew_create</c>, <c>crew_accept</c> and <c>crew_info</c> (frame <c>crew</c>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Info(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] CrewId CrewId,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string Captain) : IClientBound
    {
        [ProtoMember(5)]
        public CrewMember[] Members { get => _members ?? []; init => _members = value; }
        private CrewMember[]? _members;

        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.Crew(requestId, this);
    }

    /// <summary>A page of crew lines, newest first, and the cursor of the next (older) page, null at the end.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record History(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] CrewId CrewId,
        [property: ProtoMember(3)] string? Next) : IClientBound
    {
        [ProtoMember(4)]
        public CrewLine[] Lines { get => _lines ?? []; init => _lines = value; }
        private CrewLine[]? _lines;

        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.CrewHistory(requestId, this);
    }
}

public static class CrewPushes
{
    /// <summary>Frame <c>crew_invite</c>: a captain invites this character.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Invited(
        [property: ProtoMember(1)] CrewId CrewId,
        [property: ProtoMember(2)] string CrewName,
        [property: ProtoMember(3)] PlayerId From,
        [property: ProtoMember(4)] string FromName,
        [property: ProtoMember(5)] long ExpiresAtMs) : IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.CrewInvite(this);
    }

    /// <summary>Frame <c>crew_update</c>: someone joined, left or was kicked, the captain changed, or the crew disbanded.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Updated(
        [property: ProtoMember(1)] CrewId CrewId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] PlayerId Player,
        [property: ProtoMember(4)] string Name,
        [property: ProtoMember(5)] PlayerId Captain) : IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.CrewUpdate(this);
    }

    /// <summary>
    /// A crew line for this character (frame <c>chat</c>, channel <c>crew</c>). Not <see cref="IClientBound"/>: the
    /// session's chat feature drops it when it ignores the speaker, as it does district lines.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Line(
        [property: ProtoMember(1)] CrewId CrewId,
        [property: ProtoMember(2)] PlayerId From,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string Text,
        [property: ProtoMember(5)] long UnixTimeMs) : Districts.ISessionPush;
}

/// <summary>The crew rules that need no actor: names, sizes, history cursors.</summary>
public static class CrewRules
{
    public const int MaxMembers = 12;
    public const int KeptLines = 200;
    public const int MaxPage = Chat.KeptPages.MaxPage;
    public const int MinNameLength = 3;
    public const int MaxNameLength = 24;

    /// <summary>
    /// Null when <paramref name="name"/> may name a crew: 3–24 characters once trimmed, ASCII letters, digits, spaces,
    /// '-' and '_', starting with a letter, no two spaces in a row. Otherwise why not.
    /// </summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "crew name is required";
        var trimmed = name.Trim();
        if (trimmed.Length is < MinNameLength or > MaxNameLength) return $"crew name must be {MinNameLength}-{MaxNameLength} characters";
        if (!char.IsAsciiLetter(trimmed[0])) return "crew name must start with a letter";
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c == ' ' && trimmed[i - 1] == ' ') return "crew name must not have two spaces in a row";
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or ' '))
                return "crew name may contain only letters, digits, spaces, '-' and '_'";
        }
        return null;
    }

    /// <summary>An opaque cursor: the crew and the sequence number the next page starts below (<see cref="Chat.KeptPages"/>).</summary>
    public static string Cursor(CrewId crew, long beforeSeq) => Chat.KeptPages.Cursor(crew.Value, beforeSeq);

    /// <summary>The sequence number a cursor of <paramref name="crew"/> starts below; null for another crew's cursor or garbage.</summary>
    public static long? ReadCursor(CrewId crew, string cursor) => Chat.KeptPages.ReadCursor(crew.Value, cursor);

    public static CrewState Apply(CrewState state, IMxoEvent @event) => @event switch
    {
        CrewEvents.Created e => state with
        {
            Name = e.Name, Created = true, Captain = e.Captain.Value,
            Members = [new CrewMember(e.Captain.Value, e.CaptainName, e.AtMs)],
        },
        CrewEvents.Invited e => state with
        {
            Invites = state.Invites.RemoveAll(i => i.PlayerId == e.Player.Value || i.ExpiresAtMs <= e.AtMs)
                .Add(new CrewInvite(e.Player.Value, e.Name, e.ExpiresAtMs)),
        },
        CrewEvents.InviteDeclined e => state with { Invites = state.Invites.RemoveAll(i => i.PlayerId == e.Player.Value) },
        CrewEvents.Joined e => state with
        {
            Members = state.Members.Add(new CrewMember(e.Player.Value, e.Name, e.AtMs)),
            Invites = state.Invites.RemoveAll(i => i.PlayerId == e.Player.Value),
        },
        CrewEvents.Left e => ApplyLeft(state, e.Player),
        CrewEvents.CaptainChanged e => state with { Captain = e.Captain.Value },
        CrewEvents.LineDeleted e => state with { Lines = state.Lines.RemoveAll(l => l.Seq == e.Seq) },
        CrewEvents.LinesPurged e => state with { Lines = state.Lines.RemoveAll(l => l.PlayerId == e.Author.Value) },
        CrewEvents.LineRecorded e => state with
        {
            NextSeq = e.Seq + 1,
            Lines = (state.Lines.Count >= KeptLines ? state.Lines.RemoveRange(0, state.Lines.Count - KeptLines + 1) : state.Lines)
                .Add(new CrewLine(e.Seq, e.Player.Value, e.Name, e.Text, e.AtMs)),
        },
        _ => throw new ArgumentException($"CrewEntity cannot apply {@event.GetType().Name}", nameof(@event)),
    };

    /// <summary>The captain leaving hands over to the oldest other member; the last one leaving disbands the crew (name kept).</summary>
    private static CrewState ApplyLeft(CrewState state, PlayerId player)
    {
        var members = state.Members.RemoveAll(m => m.PlayerId == player.Value);
        if (members.Count == 0) return state with { Members = members, Disbanded = true, Captain = "", Invites = [] };
        return state with { Members = members, Captain = state.Captain == player.Value ? members[0].PlayerId : state.Captain };
    }

    /// <summary>A page of history: newest first below <paramref name="beforeSeq"/> (null: from the newest), at most <paramref name="limit"/>.</summary>
    public static (CrewLine[] Lines, string? Next) Page(CrewState state, long? beforeSeq, int limit) =>
        Chat.KeptPages.Page(state.Lines, l => l.Seq, state.CrewId.Value, beforeSeq, limit);
}

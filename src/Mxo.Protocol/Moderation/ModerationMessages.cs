using System.Collections.Immutable;
using Akka.Actor;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Moderation;

/// <summary>What a moderator does (<see cref="ModerationAction.Kind"/>): the frames <c>mod_mute</c>, <c>mod_unmute</c>, <c>mod_delete</c>, <c>mod_purge</c>.</summary>
public static class ModerationKinds
{
    public const string Mute = "mute";
    public const string Unmute = "unmute";
    public const string Delete = "delete";
    public const string Purge = "purge";
}

/// <summary>
/// The kept channels a moderator deletes from (<c>mod_delete</c>'s <c>channel</c>). A channel string, not a type per
/// channel: another kept channel is one more value here and one more case where the moderation log dispatches
/// (<c>src/Mxo.Actors/Moderation/ModerationLogEntity.cs</c>).
/// </summary>
public static class ModerationChannels
{
    public const string Crew = "crew";
    public const string Whisper = "whisper";
    public const string Org = "org";

    public static readonly IReadOnlyList<string> All = [Crew, Whisper, Org];
}

/// <summary>Why a moderation request is refused: the error frame's <c>code</c>. Documented in docs/protocol.md (checked by <c>ProtocolDocsTests</c>).</summary>
public static class ModerationErrorCodes
{
    /// <summary>A moderation frame (<c>mod_*</c>) from a session whose token has neither <c>gm</c> nor <c>admin</c>.</summary>
    public const string Forbidden = "forbidden";

    /// <summary><c>mod_delete</c> naming a message the channel does not keep (never was, deleted, or rolled out).</summary>
    public const string UnknownMessage = "unknown_message";
}

/// <summary>The limits of moderation (docs/protocol.md, "Moderation").</summary>
public static class ModerationRules
{
    /// <summary>The longest mute a moderator gives: 30 days.</summary>
    public const long MaxMuteSeconds = 30L * 24 * 3600;

    /// <summary>A reason is at most this many characters.</summary>
    public const int MaxReasonLength = 200;

    /// <summary>The moderation log keeps this many recent entries in its state for <c>world modlog</c> (its journal keeps every one).</summary>
    public const int KeptEntries = 1000;

    /// <summary>The one moderation log entity's id.</summary>
    public const string LogId = "log";
}

/// <summary>
/// One moderation action as it is recorded and dispatched. <see cref="Target"/> is the character's name (mute, unmute,
/// purge, delete on <c>whisper</c>) or the crew's name (delete on <c>crew</c>); <see cref="MessageId"/> names the kept
/// message (a whisper's id, a crew line's id). <see cref="By"/> is the moderator's character id.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ModerationAction(
    [property: ProtoMember(1)] string Kind,
    [property: ProtoMember(2)] string Target,
    [property: ProtoMember(3)] string Channel,
    [property: ProtoMember(4)] string MessageId,
    [property: ProtoMember(5)] long Seconds,
    [property: ProtoMember(6)] string Reason,
    [property: ProtoMember(7)] string By,
    [property: ProtoMember(8)] long AtMs) : IMxoMessage;

/// <summary>A recorded action and its number in the log (1, 2, …).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ModerationEntry(
    [property: ProtoMember(1)] long Seq,
    [property: ProtoMember(2)] ModerationAction Action) : IMxoMessage;

/// <summary>Routed by the moderation log shard region on <see cref="LogId"/>.</summary>
public interface IModerationLogCommand : IMxoMessage
{
    string LogId { get; }
}

public static class ModerationCommands
{
    /// <summary>
    /// From a moderator's session: record <see cref="Action"/>, then have it done. The log answers nothing itself: the
    /// entity that does it answers <see cref="ReplyTo"/> (Acknowledged, or Rejected).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Act(
        [property: ProtoMember(1)] string LogId,
        [property: ProtoMember(2)] ModerationAction Action,
        [property: ProtoMember(3)] string CommandId,
        [property: ProtoMember(4)] IActorRef ReplyTo) : IModerationLogCommand;

    /// <summary>The newest <see cref="Limit"/> entries, newest first. Reply <see cref="ModerationReplies.Entries"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Read(
        [property: ProtoMember(1)] string LogId,
        [property: ProtoMember(2)] int Limit) : IModerationLogCommand;

    /// <summary>A recorded action for a character's entity; <see cref="ReplyTo"/> null when nobody waits (a purge's fan-out).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ToPlayer(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] ModerationAction Action,
        [property: ProtoMember(3)] string CommandId,
        [property: ProtoMember(4)] IActorRef? ReplyTo) : IPlayerCommand;

    /// <summary>A recorded action for a crew: delete one line, or purge an author's lines.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ToCrew(
        [property: ProtoMember(1)] CrewId CrewId,
        [property: ProtoMember(2)] ModerationAction Action,
        [property: ProtoMember(3)] string CommandId,
        [property: ProtoMember(4)] IActorRef? ReplyTo) : ICrewCommand;
}

public static class ModerationEvents
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record Recorded([property: ProtoMember(1)] ModerationEntry Entry) : IMxoEvent;
}

public static class ModerationReplies
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record Entries(ModerationEntry[] Items) : IMxoMessage
    {
        [ProtoMember(1)]
        public ModerationEntry[] Items { get => _items ?? []; init => _items = value; }
        private ModerationEntry[]? _items = Items;
    }
}

/// <summary>The moderation log's state: how many entries it has recorded, and the newest <see cref="ModerationRules.KeptEntries"/>.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ModerationLogState([property: ProtoMember(1)] long LastSeq, ImmutableList<ModerationEntry> Recent) : IMxoMessage
{
    [ProtoMember(2)]
    public ImmutableList<ModerationEntry> Recent { get => _recent ?? []; init => _recent = value; }
    private ImmutableList<ModerationEntry>? _recent = Recent;

    public static ModerationLogState Empty => new(0, []);

    public ModerationLogState Apply(IMxoEvent e) => e switch
    {
        ModerationEvents.Recorded r => new ModerationLogState(r.Entry.Seq,
            (Recent.Count >= ModerationRules.KeptEntries ? Recent.RemoveRange(0, Recent.Count - ModerationRules.KeptEntries + 1) : Recent).Add(r.Entry)),
        _ => throw new ArgumentException($"the moderation log cannot apply {e.GetType().Name}", nameof(e)),
    };
}

using Akka.Actor;
using ProtoBuf;

namespace Mxo.Protocol.Chat;

/// <summary>
/// The system channel (issue 12): operators' announcements to everyone online, on every edge node. Not kept. Published on
/// one distributed pub-sub topic that one actor per edge node subscribes to (the node's sessions parent), which tells
/// each of its sessions (docs/architecture.md, "The system channel").
/// </summary>
public static class SystemChannel
{
    /// <summary>The distributed pub-sub topic of announcements.</summary>
    public const string Topic = "system";

    /// <summary>Who an announcement is from: no character may be called this (<see cref="CharacterRules.ReservedNames"/>).</summary>
    public const string Speaker = "system";

    public const string SpeakerName = "System";

    /// <summary>An announcement, published on <see cref="Topic"/>; each edge node answers <see cref="ReplyTo"/> (when set) how many sessions it told.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Announcement(
        [property: ProtoMember(1)] string Text,
        [property: ProtoMember(2)] long UnixTimeMs,
        [property: ProtoMember(3)] IActorRef? ReplyTo) : IMxoMessage;

    /// <summary>An edge node told <see cref="Sessions"/> of its sessions an announcement (the answer to <see cref="Announcement.ReplyTo"/>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Told(
        [property: ProtoMember(1)] string Node,
        [property: ProtoMember(2)] int Sessions) : IMxoMessage;
}

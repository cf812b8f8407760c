using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Missions;

/// <summary>What a mission request asks (<see cref="MissionCommands.FromPlayer"/>; frames in docs/protocol.md, "Missions").</summary>
public static class MissionRequestKinds
{
    /// <summary>Talk to a contact or NPC spawn (<c>Arg</c>): offers, and <c>talk</c> objectives.</summary>
    public const string Talk = "talk";
    /// <summary>Accept an offered mission (<c>Arg</c>).</summary>
    public const string Accept = "accept";
    /// <summary>Abandon an active mission (<c>Arg</c>).</summary>
    public const string Abandon = "abandon";
    /// <summary>Take the item a world object (<c>Arg</c>) holds: <c>get</c> objectives.</summary>
    public const string Get = "get";
    /// <summary>Hand item <c>Arg</c> to contact or NPC spawn <c>Arg2</c>: <c>give</c> objectives.</summary>
    public const string Give = "give";
    /// <summary>The character's missions, level, experience, info and reputation.</summary>
    public const string List = "list";
    /// <summary>The character's quest items.</summary>
    public const string Inventory = "inventory";

    /// <summary>The kinds that change the character's missions (rate limited, deduplicated by command id).</summary>
    public static bool Changes(string kind) => kind is Talk or Accept or Abandon or Get or Give;
}

public static class MissionCommands
{
    /// <summary>From the session to the character's entity: one mission request (<see cref="MissionRequestKinds"/>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record FromPlayer(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Kind,
        [property: ProtoMember(3)] string Arg,
        [property: ProtoMember(4)] string Arg2,
        [property: ProtoMember(5)] string CommandId) : IPlayerCommand;
}

public static class MissionReplies
{
    /// <summary>
    /// A mission frame for the client, rendered by the character's entity, which alone has the mission table, the NPCs
    /// and the map at hand to describe objectives and where their targets stand: <see cref="Data"/> is the frame's
    /// <c>data</c> object as UTF-8 JSON (written by <c>Wire.MissionFrames</c>). An answer when <see cref="CommandId"/> is
    /// set, otherwise a push.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Frame(
        [property: ProtoMember(1)] string Type,
        [property: ProtoMember(2)] string? CommandId,
        byte[] Data) : IClientBound
    {
        [ProtoMember(3)]
        public byte[] Data { get => _data ?? []; init => _data = value; }
        private byte[]? _data = Data;

        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.Raw(Type, requestId, Data);
    }
}

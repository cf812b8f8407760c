using Akka.Actor;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Chat;

/// <summary>
/// Chat commands beyond <c>say</c> (which is <see cref="PlayerCommands.Say"/>): all routed by the player shard region on
/// <see cref="IPlayerCommand.PlayerId"/>, except <see cref="Emote"/> which a player entity sends on to its district.
/// </summary>
public static class ChatCommands
{
    /// <summary>
    /// To the sender's entity: whisper <see cref="To"/> (a character name). The entity checks its limits and sends
    /// <see cref="DeliverWhisper"/> to the recipient's entity, which answers the session (<see cref="DeliverWhisper.ReplyTo"/>).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Whisper(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string To,
        [property: ProtoMember(3)] string Text,
        [property: ProtoMember(4)] string CommandId) : IPlayerCommand;

    /// <summary>To the sender's entity: whisper whoever whispered to it last (refused with <c>no_reply_target</c> when nobody has).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Reply(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Text,
        [property: ProtoMember(3)] string CommandId) : IPlayerCommand;

    /// <summary>
    /// To the recipient's entity (<see cref="PlayerId"/>), on whichever node it lives: tell its session, then answer
    /// <see cref="ReplyTo"/> (the sender's session) <see cref="Replies.Acknowledged"/>; or refuse with
    /// <c>unknown_recipient</c> (no such character) or <c>not_online</c> (no session attached).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record DeliverWhisper(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] PlayerId From,
        [property: ProtoMember(3)] string FromName,
        [property: ProtoMember(4)] string Text,
        [property: ProtoMember(5)] long UnixTimeMs,
        [property: ProtoMember(6)] string CommandId,
        [property: ProtoMember(7)] IActorRef ReplyTo) : IPlayerCommand
    {
        /// <summary>The whisper's id (<see cref="WhisperRules.NewId"/>), kept on both sides.</summary>
        [ProtoMember(8)] public string WhisperId { get; init; } = "";
    }

    /// <summary>To the sender's entity: an emote of the fixed list, sent on to its district (<see cref="DistrictEmote"/>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Emote(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] string CommandId) : IPlayerCommand;

    /// <summary>
    /// An emote, told to those present within the interest radius of the player (not journaled: it changes no state).
    /// Reply: <see cref="Replies.Acknowledged"/> once told.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record DistrictEmote(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string CommandId) : IDistrictCommand;

    /// <summary>
    /// Put <see cref="Name"/> on the ignore list (<see cref="Add"/>) or take it off. Persisted; reply
    /// <see cref="ChatReplies.Ignores"/> with the list as it is now, or Rejected (<c>ignore_list_full</c>, <c>self_target</c>).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Ignore(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] bool Add,
        [property: ProtoMember(4)] string CommandId) : IPlayerCommand;

    /// <summary>Reply: <see cref="ChatReplies.Ignores"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetIgnores(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string CommandId) : IPlayerCommand;
}

public static class ChatReplies
{
    /// <summary>The ignore list now (player ids, oldest first): the answer to <c>ignore</c>, <c>unignore</c> and <c>ignores</c>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Ignores(
        [property: ProtoMember(1)] string CommandId,
        string[] Players) : IMxoMessage
    {
        [ProtoMember(2)]
        public string[] Players { get => _players ?? []; init => _players = value; }
        private string[]? _players = Players;
    }
}

public static class ChatPushes
{
    /// <summary>A whisper for this character (frame <c>whisper</c>); already checked against its ignore list.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Whispered(
        [property: ProtoMember(1)] PlayerId From,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] string Text,
        [property: ProtoMember(4)] long UnixTimeMs) : IClientBound
    {
        /// <summary>The whisper's id, as <c>whisper_history</c> shows it.</summary>
        [ProtoMember(5)] public string Id { get; init; } = "";

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.Whisper(this);
    }

    /// <summary>Someone within the interest radius emoted (frame <c>emote</c>); the session drops it when it ignores them.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Emoted(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId From,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string Emote,
        [property: ProtoMember(5)] long UnixTimeMs) : ISessionPush;
}

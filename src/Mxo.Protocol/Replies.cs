using ProtoBuf;
using Mxo.Protocol.Wire;

namespace Mxo.Protocol;

/// <summary>
/// A reply or push that a session writes to its client as one frame, whichever entity or feature it comes from. The
/// session needs no handler per message type: it completes the request the message answers (if any) and writes the
/// frame.
/// </summary>
public interface IClientBound : IMxoMessage
{
    /// <summary>The command id of the durable request this completes; null for a push.</summary>
    string? CompletesCommand => null;

    /// <param name="requestId">The id the client gave the request this completes (null when none, or for a push).</param>
    byte[] ToFrame(string? requestId);
}

/// <summary>The answers every entity gives to a durable request: done, or refused.</summary>
public static class Replies
{
    /// <summary>The command is done (a durable one: persisted).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Acknowledged([property: ProtoMember(1)] string CommandId) : IClientBound
    {
        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => ServerFrames.Ack(requestId);
    }

    /// <summary>
    /// A command was refused; <see cref="Code"/> is one of <see cref="ErrorCodes"/>. Nothing changed.
    /// <see cref="RetryAfterMs"/> is set with <see cref="ErrorCodes.RateLimited"/>: how long until the request would be taken.
    /// An empty <see cref="CommandId"/> answers a request that was not durable (a move).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Rejected(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] string Code,
        [property: ProtoMember(3)] string Message,
        [property: ProtoMember(4)] long RetryAfterMs = 0) : IClientBound
    {
        public string? CompletesCommand => CommandId;

        public byte[] ToFrame(string? requestId) => ServerFrames.Error(Code, Message, requestId, RetryAfterMs, 0);
    }
}

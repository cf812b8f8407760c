namespace Mxo.Edge;

/// <summary>Local messages between a connection's stream stages and its <see cref="SessionActor"/>. Never leave the node.</summary>
public static class SessionProtocol
{
    public sealed class StreamInit { public static readonly StreamInit Instance = new(); }
    public sealed class StreamAck { public static readonly StreamAck Instance = new(); }
    public sealed class StreamCompleted { public static readonly StreamCompleted Instance = new(); }
    public sealed record StreamFailed(Exception Cause);

    /// <summary>What the socket reader produced.</summary>
    public abstract record Inbound;
    /// <param name="ReceivedAtMs">When the reader took the frame off the socket (Environment.TickCount64): movement speed
    /// is judged on this, so frames that queue up behind a busy session do not look bunched.</param>
    public sealed record TextFrame(ReadOnlyMemory<byte> Utf8, long ReceivedAtMs = 0) : Inbound;
    public sealed record FrameTooBig(int Limit) : Inbound;
    public sealed record BinaryFrame : Inbound;

    /// <summary>Client frames read while the session was busy with the previous batch, in the order read; one ack for all.</summary>
    public sealed class InboundBatch
    {
        private readonly List<Inbound> _frames;

        public InboundBatch(Inbound first) => _frames = [first];

        public IReadOnlyList<Inbound> Frames => _frames;

        public InboundBatch Add(Inbound next)
        {
            _frames.Add(next);
            return this;
        }
    }

    /// <summary>What the socket writer sends.</summary>
    public abstract record Outbound;
    /// <param name="NotifyWritten">Tell the session <see cref="ViewWritten"/> once the frame is on the wire (view pacing).</param>
    public sealed record SendFrame(byte[] Utf8, bool NotifyWritten = false) : Outbound;

    /// <summary>The writer sent the last view frame: the session may send the next (conflated) one. The last one of a
    /// connection often reaches a session that has already stopped, an expected end: not logged as a dead letter.</summary>
    public sealed class ViewWritten : Akka.Event.IDeadLetterSuppression { public static readonly ViewWritten Instance = new(); }
    public sealed record CloseSocket(int Code, string Reason) : Outbound;

    /// <summary>Close the session's socket with this code (node shutdown: 1001).</summary>
    public sealed record Shutdown(int Code, string Reason);
}

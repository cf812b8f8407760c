using System.Buffers;
using System.IO;
using System.Net.WebSockets;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Mxo.Protocol.Wire;
using Microsoft.Extensions.Logging;
using static Mxo.Edge.SessionProtocol;

namespace Mxo.Edge;

/// <summary>
/// Runs one accepted WebSocket as an Akka.Streams graph around a <see cref="SessionActor"/>:
/// socket reader → bounded batch → ack-based sink into the session (backpressure reaches TCP), and
/// session → bounded <c>Source.ActorRef</c> (overflow fails the writer: the client is closed with 1013) → socket writer.
/// </summary>
public sealed class WebSocketConnection
{
    private readonly WebSocket _socket;
    private readonly EdgeOptions _options;
    private readonly ILogger _logger;
    private readonly int _maxFrameBytes;
    private readonly UpgradedStream? _transport;
    private IActorRef _session = ActorRefs.Nobody;

    /// <param name="transport">The stream under <paramref name="socket"/>, when it runs on one (see <see cref="GuardedUpgradeFeature"/>).</param>
    public WebSocketConnection(WebSocket socket, EdgeOptions options, ILogger logger, int maxFrameBytes, UpgradedStream? transport = null)
    {
        _socket = socket;
        _transport = transport;
        _options = options;
        _logger = logger;
        _maxFrameBytes = maxFrameBytes;
    }

    /// <param name="spawnSession">Creates the session actor for the writer ref it is given.</param>
    public async Task RunAsync(IMaterializer materializer, Func<IActorRef, Task<IActorRef>> spawnSession, CancellationToken aborted)
    {
        var (outbound, written) = Source.ActorRef<Outbound>(_options.OutboundBuffer, OverflowStrategy.Fail)
            .SelectAsync(1, WriteAsync)
            .TakeWhile(o => o is not CloseSocket, inclusive: true)
            .ToMaterialized(Sink.Ignore<Outbound>(), Keep.Both)
            .Run(materializer);

        IActorRef session;
        try
        {
            session = await spawnSession(outbound);
            _session = session;
        }
        catch (AskTimeoutException)
        {
            // The node is too busy to start a session in time (a reconnect storm): the client hears "try again later"
            // and retries, and the log gets one line, not a stack per socket.
            outbound.Tell(PoisonPill.Instance);
            _logger.LogWarning("No session started within {Timeout}: closing the socket with {Code}", _options.RequestTimeout,
                WireProtocol.CloseCodes.TryAgainLater);
            await TryCloseAsync((WebSocketCloseStatus)WireProtocol.CloseCodes.TryAgainLater, "server busy, try again later");
            return;
        }
        catch
        {
            outbound.Tell(PoisonPill.Instance);
            throw;
        }

        var read = Source.FromGraph(new SocketReadSource(() => ReadAsync(aborted)))
            // At most InboundBuffer frames wait for the session; when that many do, the socket is not read (TCP
            // backpressure). They wait as one batch: a session still busy with the last batch gets every frame that
            // arrived meanwhile in one message and acknowledges them with one ack (a message each way per batch, not
            // per frame). The sink holds at most one batch (its default buffer would hold 16 more, unbounded in frames).
            .Batch(_options.InboundBuffer, first => new InboundBatch(first), (batch, next) => batch.Add(next))
            .WatchTermination(Keep.Right)
            .To(Sink.ActorRefWithAck<InboundBatch>(session, StreamInit.Instance, StreamAck.Instance, StreamCompleted.Instance,
                ex => new StreamFailed(ex)).WithAttributes(Attributes.CreateInputBuffer(1, 1)))
            .Run(materializer);

        try
        {
            await written;
        }
        catch (Exception e) when (Unwrap(e) is BufferOverflowException)
        {
            _logger.LogInformation("Closing a client that cannot keep up ({Limit} frames queued)", _options.OutboundBuffer);
            await TryCloseAsync((WebSocketCloseStatus)WireProtocol.CloseCodes.TryAgainLater, "outgoing queue overflow");
        }
        catch (Exception e) when (IsPeerGone(e))
        {
            // The peer vanished while we were writing (a reset arrives wrapped in an AggregateException by the stream).
        }

        // Let the reader see the peer's close frame (completing the handshake), but not forever.
        var finished = await Task.WhenAny(read, Task.Delay(_options.CloseTimeout, aborted).ContinueWith(_ => { }, TaskScheduler.Default));
        // After a too-big or binary frame the reader has stopped while the peer may still be sending: discard the
        // rest until its close frame, so the peer reads our close code instead of a reset.
        if (finished == read && _socket.State == WebSocketState.CloseSent)
            await DrainUntilCloseAsync();
        // The WebSocket refused what the peer sent (not UTF-8: 1007; a protocol violation: 1002), wrote its close frame
        // and aborted: keep the connection until the peer has read the close and answered it.
        else if (finished == read && _socket.State == WebSocketState.Aborted && _transport is { CloseFrameWritten: true } transport)
            await transport.WaitForPeerCloseAsync(_options.CloseTimeout);
        if (finished != read || _socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
            _socket.Abort();
    }

    /// <summary>The one exception inside the wrappers a faulted stream stage or task puts around it.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerExceptions[0];
        return e;
    }

    /// <summary>True for what a connection the peer reset or closed under us throws, however it is wrapped.</summary>
    public static bool IsPeerGone(Exception e) => e switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsPeerGone),
        WebSocketException or OperationCanceledException or ObjectDisposedException or IOException => true,
        _ => false,
    };

    private async Task DrainUntilCloseAsync()
    {
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        using var timeout = new CancellationTokenSource(_options.CloseTimeout);
        try
        {
            while (_socket.State == WebSocketState.CloseSent)
                if ((await _socket.ReceiveAsync(scratch.AsMemory(), timeout.Token)).MessageType == WebSocketMessageType.Close)
                    return;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the peer never closed; the caller aborts
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Reads one whole message; null when the socket is done. A too-big or binary marker ends the reading
    /// (<see cref="SocketReadSource"/> completes after it).
    /// </summary>
    private async ValueTask<Inbound?> ReadAsync(CancellationToken aborted)
    {
        // An idle socket waits with a zero-byte read, holding no buffer: a rented 4 KiB buffer per waiting reader was
        // the largest share of an idle player's memory (docs/benchmarks.md, "Idle sockets"). The buffer is rented
        // once the next message's header has arrived.
        byte[]? rented = null;
        // Only a message that spans several reads needs a buffer of its own; most fit in one.
        ArrayBufferWriter<byte>? writer = null;
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await _socket.ReceiveAsync(rented is null ? Memory<byte>.Empty : rented.AsMemory(), aborted);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                    return null;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                    return null;
                if (result.MessageType == WebSocketMessageType.Binary)
                    return new BinaryFrame();
                if ((writer?.WrittenCount ?? 0) + result.Count > _maxFrameBytes)
                    return new FrameTooBig(_maxFrameBytes);
                if (rented is null)
                {
                    // The zero-byte read: a message has begun (or an empty one has arrived whole); now read its bytes.
                    if (result.EndOfMessage) return new TextFrame(ReadOnlyMemory<byte>.Empty, Environment.TickCount64);
                    rented = ArrayPool<byte>.Shared.Rent(4096);
                    continue;
                }
                // The whole message in one read: a copy of exactly its bytes (it outlives the rented buffer).
                if (result.EndOfMessage && writer is null)
                    return new TextFrame(rented.AsSpan(0, result.Count).ToArray(), Environment.TickCount64);
                writer ??= new ArrayBufferWriter<byte>(2 * rented.Length);
                writer.Write(rented.AsSpan(0, result.Count));
                if (result.EndOfMessage)
                    return new TextFrame(writer.WrittenMemory, Environment.TickCount64);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private async Task<Outbound> WriteAsync(Outbound outbound)
    {
        switch (outbound)
        {
            case SendFrame frame:
                await _socket.SendAsync(frame.Utf8, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                EdgeMetrics.FramesSent.Inc();
                if (frame.NotifyWritten) _session.Tell(ViewWritten.Instance);
                break;
            case CloseSocket close:
                await TryCloseAsync((WebSocketCloseStatus)close.Code, close.Reason);
                break;
        }
        return outbound;
    }

    private async Task TryCloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        EdgeMetrics.SocketCloses.WithLabels(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        using var timeout = new CancellationTokenSource(_options.CloseTimeout);
        try
        {
            await _socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        // InvalidOperationException: a send that overflowed is still pending, so no close frame can be written.
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            _socket.Abort();
        }
    }
}

using System.Buffers;
using System.IO;
using System.Net.WebSockets;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using Mxo.Protocol.Wire;
using Microsoft.Extensions.Logging;
using static Mxo.Edge.SessionProtocol;

namespace Mxo.Edge;

/// <summary>
/// Runs one accepted WebSocket as an Akka.Streams graph around a <see cref="SessionActor"/>:
/// socket reader → bounded buffer → ack-based sink into the session (backpressure reaches TCP), and
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
        catch
        {
            outbound.Tell(PoisonPill.Instance);
            throw;
        }

        var read = Source.UnfoldAsync(false, async done => done ? Option<(bool, Inbound)>.None : await ReadAsync(aborted))
            .Buffer(_options.InboundBuffer, OverflowStrategy.Backpressure)
            .WatchTermination(Keep.Right)
            .To(Sink.ActorRefWithAck<Inbound>(session, StreamInit.Instance, StreamAck.Instance, StreamCompleted.Instance,
                ex => new StreamFailed(ex)))
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

    /// <summary>Reads one whole message. Yields at most one too-big or binary marker and then ends the stream.</summary>
    private async Task<Option<(bool, Inbound)>> ReadAsync(CancellationToken aborted)
    {
        var rented = ArrayPool<byte>.Shared.Rent(4096);
        var writer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await _socket.ReceiveAsync(rented.AsMemory(), aborted);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                    return Option<(bool, Inbound)>.None;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                    return Option<(bool, Inbound)>.None;
                if (result.MessageType == WebSocketMessageType.Binary)
                    return (true, new BinaryFrame());
                if (writer.WrittenCount + result.Count > _maxFrameBytes)
                    return (true, new FrameTooBig(_maxFrameBytes));
                writer.Write(rented.AsSpan(0, result.Count));
                if (result.EndOfMessage)
                    return (false, new TextFrame(writer.WrittenMemory, Environment.TickCount64));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
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

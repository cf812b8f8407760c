using System.Buffers;
using System.Buffers.Binary;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace Mxo.Edge;

/// <summary>
/// Hands the WebSocket an <see cref="UpgradedStream"/> instead of Kestrel's upgraded stream. Installed before
/// <c>UseWebSockets</c>, which captures the upgrade feature when the request starts.
/// </summary>
public sealed class GuardedUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    /// <summary>The stream the WebSocket runs on, once upgraded.</summary>
    public UpgradedStream? Stream { get; private set; }

    public async Task<Stream> UpgradeAsync() => Stream = new UpgradedStream(await inner.UpgradeAsync());

    /// <summary>Installs the feature on every HTTP/1.1 upgrade request (call before <c>UseWebSockets</c>).</summary>
    public static IApplicationBuilder Install(IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            context.Features.Set<IHttpUpgradeFeature>(new GuardedUpgradeFeature(upgrade));
        return next(context);
    });
}

/// <summary>
/// The upgraded connection under a server WebSocket, passed through unchanged except for two things (issue 7: invalid
/// UTF-8 and protocol violations dropped the TCP connection without a close frame):
/// <list type="bullet">
/// <item>it notices when the WebSocket has written a close frame, and</item>
/// <item>disposing it does nothing: Kestrel owns the connection and ends it when the request ends.</item>
/// </list>
/// .NET's WebSocket answers a text frame that is not UTF-8 with close 1007, and a protocol violation with close 1002,
/// and then aborts itself; the connection ending right after would reset it, and a peer's kernel discards unread data
/// on a reset, close frame included. <see cref="WaitForPeerCloseAsync"/> lets the peer read the close and answer it.
/// </summary>
public sealed class UpgradedStream(Stream inner) : Stream
{
    private const byte FinClose = 0x88;

    /// <summary>A close frame has been written (by the WebSocket, for whatever reason).</summary>
    public bool CloseFrameWritten { get; private set; }

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Notice(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Notice(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    /// <summary>The WebSocket writes each frame (header and payload) in one write; a server frame is unmasked.</summary>
    private void Notice(ReadOnlySpan<byte> frame)
    {
        if (frame.Length >= 2 && frame[0] == FinClose && (frame[1] & 0x7F) <= 125 && (frame[1] & 0x7F) + 2 == frame.Length)
            CloseFrameWritten = true;
    }

    /// <summary>Kestrel ends the connection when the request ends; a WebSocket that aborts must not end it sooner.</summary>
    protected override void Dispose(bool disposing)
    {
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// After the WebSocket gave up on a connection it had sent a close frame on: reads and discards the peer's frames
    /// until its close frame (true), the end of the stream or <paramref name="timeout"/> (false).
    /// </summary>
    public async Task<bool> WaitForPeerCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var header = new byte[8];
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (true)
            {
                await inner.ReadExactlyAsync(header.AsMemory(0, 2), cts.Token);
                var opcode = header[0] & 0x0F;
                var masked = (header[1] & 0x80) != 0;
                ulong length = (ulong)(header[1] & 0x7F);
                if (length == 126)
                {
                    await inner.ReadExactlyAsync(header.AsMemory(0, 2), cts.Token);
                    length = BinaryPrimitives.ReadUInt16BigEndian(header);
                }
                else if (length == 127)
                {
                    await inner.ReadExactlyAsync(header.AsMemory(0, 8), cts.Token);
                    length = BinaryPrimitives.ReadUInt64BigEndian(header);
                }
                if (masked) length += 4;
                while (length > 0)
                {
                    var chunk = (int)Math.Min(length, (ulong)scratch.Length);
                    await inner.ReadExactlyAsync(scratch.AsMemory(0, chunk), cts.Token);
                    length -= (ulong)chunk;
                }
                if (opcode == 0x8) return true;
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}

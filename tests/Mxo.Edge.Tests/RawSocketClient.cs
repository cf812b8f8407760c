using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Mxo.Edge.Tests;

/// <summary>
/// A WebSocket client over a bare TCP socket, for what <see cref="System.Net.WebSockets.ClientWebSocket"/> will not do:
/// send frames that break the protocol, and reset the connection (RST) instead of closing it.
/// </summary>
internal sealed class RawSocketClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawSocketClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawSocketClient> ConnectAsync(Uri ws, CancellationToken ct)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(ws.Host, ws.Port, ct);
        var client = new RawSocketClient(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {ws.AbsolutePath} HTTP/1.1\r\nHost: {ws.Host}:{ws.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await client._stream.ReadAsync(one, ct) == 0) throw new IOException("closed during the handshake");
            head.Append((char)one[0]);
        }
        if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new IOException("upgrade refused: " + head);
        return client;
    }

    /// <summary>Sends one client frame: <paramref name="first"/> is the FIN/RSV/opcode byte; the payload is masked.</summary>
    public async Task SendFrameAsync(byte first, byte[] payload, CancellationToken ct)
    {
        if (payload.Length > 125) throw new ArgumentOutOfRangeException(nameof(payload));
        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = first;
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        await _stream.WriteAsync(frame, ct);
    }

    public Task SendTextAsync(string text, CancellationToken ct) => SendFrameAsync(0x81, Encoding.UTF8.GetBytes(text), ct);

    /// <summary>Sends several text frames (each under 126 bytes) in one write, as a client that pipelines requests does.</summary>
    public async Task SendTextsTogetherAsync(IEnumerable<string> texts, CancellationToken ct)
    {
        var all = new MemoryStream();
        foreach (var text in texts)
        {
            var payload = Encoding.UTF8.GetBytes(text);
            if (payload.Length > 125) throw new ArgumentOutOfRangeException(nameof(texts));
            var mask = RandomNumberGenerator.GetBytes(4);
            all.WriteByte(0x81);
            all.WriteByte((byte)(0x80 | payload.Length));
            all.Write(mask);
            for (var i = 0; i < payload.Length; i++) all.WriteByte((byte)(payload[i] ^ mask[i % 4]));
        }
        await _stream.WriteAsync(all.ToArray(), ct);
    }

    /// <summary>Reads the next server frame, which must be a whole text frame under 64 KiB; returns its payload.</summary>
    public async Task<byte[]> ReadTextFrameAsync(CancellationToken ct)
    {
        var header = new byte[2];
        await _stream.ReadExactlyAsync(header, ct);
        if (header[0] != 0x81) throw new IOException($"expected a final text frame, got first byte 0x{header[0]:x2}");
        var length = header[1] & 0x7F;
        if (length == 127) throw new IOException("a text frame over 64 KiB");
        if (length == 126)
        {
            await _stream.ReadExactlyAsync(header, ct);
            length = (header[0] << 8) | header[1];
        }
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, ct);
        return payload;
    }

    /// <summary>Reads server frames until a close frame; returns its status code, or null if the connection ended without one.</summary>
    public async Task<int?> ReadUntilCloseAsync(CancellationToken ct)
    {
        var header = new byte[8];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header.AsMemory(0, 2), ct);
                var opcode = header[0] & 0x0F;
                long length = header[1] & 0x7F;
                if (length == 126)
                {
                    await _stream.ReadExactlyAsync(header.AsMemory(0, 2), ct);
                    length = (header[0] << 8) | header[1];
                }
                else if (length == 127)
                {
                    await _stream.ReadExactlyAsync(header.AsMemory(0, 8), ct);
                    length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(header);
                }
                var payload = new byte[length];
                await _stream.ReadExactlyAsync(payload, ct);
                if (opcode == 0x8) return payload.Length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Reads and discards <paramref name="count"/> bytes of whatever the server sends.</summary>
    public async Task ReadBytesAsync(int count, CancellationToken ct)
    {
        var buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, ct);
    }

    /// <summary>Ends the connection with a TCP reset, as a client that vanishes mid-write does.</summary>
    public void Reset()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public void Dispose() => _tcp.Dispose();
}

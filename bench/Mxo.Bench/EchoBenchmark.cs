using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mxo.Bench;

/// <summary>
/// <c>echo</c> and <c>echo-server</c> (issue 10, edge throughput): request/response frames per second through a socket,
/// against a bare Kestrel WebSocket echo (<c>echo-server</c>, the baseline) or a <c>--dev</c> node's edge
/// (<c>ping</c> → <c>pong</c>). Both targets get the same clients and the same request bytes; the edge answers a
/// different but same-shaped frame. Each client keeps <c>--inflight</c> requests outstanding (1 = strict
/// request/response): every answer is matched to its request by the sequence number in its id and immediately replaced
/// by the next request (answers read together are replaced by one send). The client is kept cheap so that it is not
/// what is measured: a raw-socket WebSocket client (<see cref="EchoClient"/>), reused buffers, the answer checked by its
/// bytes (prefix and id digits, no JSON parse), latencies kept as integers. bench/echo-measure.sh
/// starts the two servers pinned to core 0 and runs this on core 1.
/// </summary>
internal static class EchoBenchmark
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    // The request, and what each target answers, up to the id's digits: `{"type":"ping","v":1,"id":"p0000000001"}`.
    // The edge writes type, v, id in this order (src/Mxo.Protocol/Wire/ServerFrames.cs, Frame), then an empty data.
    private static readonly byte[] RequestPrefix = """{"type":"ping","v":1,"id":"p"""u8.ToArray();
    private static readonly byte[] RequestSuffix = "\"}"u8.ToArray();
    private static readonly byte[] PongPrefix = """{"type":"pong","v":1,"id":"p"""u8.ToArray();
    private static readonly byte[] WelcomePrefix = """{"type":"welcome","""u8.ToArray();
    private const int SeqDigits = 10;

    private sealed class Options
    {
        public Uri? Url { get; set; }
        public string Target { get; set; } = "";
        public int Clients { get; set; } = 50;
        public int InFlight { get; set; } = 1;
        public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);
        public TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(3);
        public int ServerPid { get; set; }
        public int ClockTicks { get; set; } = 100;
    }

    // ---- the baseline server ----

    /// <summary><c>echo-server --url http://127.0.0.1:PORT</c>: GET /ws echoes every message back; GET /health/ready answers 200.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        if (args.Length != 2 || args[0] != "--url" || !Uri.TryCreate(args[1], UriKind.Absolute, out var url) || !IsLoopback(url))
            return Program.Usage("echo-server: --url http://127.0.0.1:PORT is required (loopback only)");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url.ToString());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        // The same keep-alive as the edge (src/Mxo.Edge/EdgeEndpoints.cs, MapPlayerSocket).
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.MapGet("/health/ready", () => "ok");
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var r = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                        return;
                    }
                    await socket.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // the client went away
            }
        });
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    // ---- the load generator ----

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--url" when Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme == "ws" && IsLoopback(u):
                    o.Url = u;
                    break;
                case "--target" when value is "bare" or "edge":
                    o.Target = value;
                    break;
                case "--clients" when int.TryParse(value, NumberStyles.None, C, out var n) && n is >= 1 and <= 10_000:
                    o.Clients = n;
                    break;
                case "--inflight" when int.TryParse(value, NumberStyles.None, C, out var w) && w is >= 1 and <= 1_000:
                    o.InFlight = w;
                    break;
                case "--duration" when double.TryParse(value?.TrimEnd('s'), NumberStyles.Float, C, out var d) && d is > 0 and <= 3600:
                    o.Duration = TimeSpan.FromSeconds(d);
                    break;
                case "--warmup" when double.TryParse(value?.TrimEnd('s'), NumberStyles.Float, C, out var wu) && wu is >= 0 and <= 600:
                    o.Warmup = TimeSpan.FromSeconds(wu);
                    break;
                case "--server-pid" when int.TryParse(value, NumberStyles.None, C, out var pid) && pid > 0:
                    o.ServerPid = pid;
                    break;
                case "--clk-tck" when int.TryParse(value, NumberStyles.None, C, out var tck) && tck > 0:
                    o.ClockTicks = tck;
                    break;
                default:
                    return Program.Usage($"echo: bad or incomplete option '{args[i]}'");
            }
            i++;
        }
        if (o.Url is null || o.Target.Length == 0) return Program.Usage("echo: --url ws://127.0.0.1:PORT/ws and --target bare|edge are required");

        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        var clients = Enumerable.Range(0, o.Clients).Select(_ => new EchoClient(o.Target == "edge", o.InFlight)).ToArray();
        try
        {
            // Connect (and, on the edge, say hello) ten at a time: the upgrade is not what is measured.
            for (var i = 0; i < clients.Length; i += 10)
                await Task.WhenAll(Enumerable.Range(i, Math.Min(10, clients.Length - i))
                    .Select(k => clients[k].ConnectAsync(o.Url, $"Echo{tag}{k}"))).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"echo: connecting failed: {e.Message}");
            foreach (var c in clients) c.Dispose();
            return 1;
        }

        var start = Stopwatch.GetTimestamp();
        var from = start + (long)(o.Warmup.TotalSeconds * Stopwatch.Frequency);
        var until = from + (long)(o.Duration.TotalSeconds * Stopwatch.Frequency);
        var window = new Window(from, until);
        var runs = clients.Select(c => Task.Run(() => c.RunAsync(window))).ToArray();

        await Task.Delay(o.Warmup).ConfigureAwait(false);
        var (self0, server0, t0) = (CpuTicks(Environment.ProcessId), o.ServerPid > 0 ? CpuTicks(o.ServerPid) : 0, Stopwatch.GetTimestamp());
        await Task.Delay(o.Duration).ConfigureAwait(false);
        var (self1, server1, t1) = (CpuTicks(Environment.ProcessId), o.ServerPid > 0 ? CpuTicks(o.ServerPid) : 0, Stopwatch.GetTimestamp());

        string? failure = null;
        try
        {
            await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e.Message;
        }
        foreach (var c in clients) await c.CloseAsync().ConfigureAwait(false);

        var latencies = clients.SelectMany(c => c.Latencies).ToArray();
        Array.Sort(latencies);
        var answers = latencies.Length;
        var seconds = o.Duration.TotalSeconds;
        var wall = (t1 - t0) / (double)Stopwatch.Frequency;
        double Pct(long ticks) => 100.0 * ticks / o.ClockTicks / wall;
        var unexpected = clients.Sum(c => c.Unexpected);
        Console.WriteLine(string.Create(C, $"echo {o.Target}: {o.Url}, {o.Clients} clients x {o.InFlight} in flight, {o.Warmup.TotalSeconds:0.#} s warm-up, {seconds:0.#} s measured"));
        Console.WriteLine(string.Create(C, $"answers: {answers} ({answers / seconds:0} frames/s)"));
        if (answers > 0)
            Console.WriteLine(string.Create(C, $"latency: p50 {Percentile(latencies, 0.50)} us, p99 {Percentile(latencies, 0.99)} us, max {latencies[^1]} us"));
        Console.WriteLine(string.Create(C, $"load generator CPU: {Pct(self1 - self0):0}% of one core"));
        if (o.ServerPid > 0) Console.WriteLine(string.Create(C, $"server CPU (pid {o.ServerPid}): {Pct(server1 - server0):0}% of one core"));
        Console.WriteLine($"unexpected frames: {unexpected}{(clients.FirstOrDefault(c => c.FirstUnexpected is not null)?.FirstUnexpected is { } first ? $" (first: {first})" : "")}");
        if (failure is not null) Console.WriteLine($"failure: {failure}");
        // One line for bench/echo-measure.sh.
        Console.WriteLine(string.Create(C,
            $"result target={o.Target} fps={answers / seconds:0} p50_us={(answers > 0 ? Percentile(latencies, 0.50) : 0)} p99_us={(answers > 0 ? Percentile(latencies, 0.99) : 0)} server_cpu={(o.ServerPid > 0 ? Pct(server1 - server0) : 0):0} loadgen_cpu={Pct(self1 - self0):0} unexpected={unexpected}"));
        foreach (var c in clients) c.Dispose();
        return failure is null && unexpected == 0 && answers > 0 ? 0 : 1;
    }

    private static int Percentile(int[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static bool IsLoopback(Uri uri) => IPAddress.TryParse(uri.Host, out var a) && IPAddress.IsLoopback(a);

    /// <summary>utime + stime of a process in clock ticks, as bench/lib.sh <c>cpu_ticks</c> reads them.</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], C) + long.Parse(fields[12], C); // fields 14 and 15 of the whole line
    }

    /// <summary>Answers received between <see cref="From"/> and <see cref="Until"/> (Stopwatch ticks) count; none are sent after.</summary>
    private sealed record Window(long From, long Until);

    /// <summary>
    /// A minimal WebSocket client on a raw socket (RFC 6455: the upgrade, masked client frames, unmasked server frames),
    /// so that a frame costs the load generator less than it costs the server: one receive can hold many answers, and
    /// the requests that replace them leave in one send. .NET's ClientWebSocket costs about what the server's socket
    /// does per frame, which on one core made the load generator the bottleneck.
    /// </summary>
    private sealed class EchoClient(bool edge, int inFlight) : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        private readonly byte[] _send = new byte[Math.Max(256, inFlight * 64)];
        private readonly byte[] _receive = new byte[64 * 1024];
        private readonly byte[] _mask = RandomNumberGenerator.GetBytes(4);
        /// <summary>Received bytes not yet parsed: _receive[_start.._end].</summary>
        private int _start, _end;
        /// <summary>When request n was sent, at n % inFlight: answers come back in order, so one slot per request in flight.</summary>
        private readonly long[] _sentAt = new long[inFlight];
        private readonly byte[] _answerPrefix = edge ? PongPrefix : RequestPrefix;
        private bool _closed;

        public List<int> Latencies { get; } = new(1 << 16);
        public int Unexpected { get; private set; }
        public string? FirstUnexpected { get; private set; }

        public async Task ConnectAsync(Uri url, string name)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _socket.ConnectAsync(IPAddress.Parse(url.Host), url.Port, timeout.Token).ConfigureAwait(false);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var upgrade = Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\n" +
                $"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
            await _socket.SendAsync(upgrade, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            int headerEnd;
            while ((headerEnd = _receive.AsSpan(0, _end).IndexOf("\r\n\r\n"u8)) < 0)
            {
                var n = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0) throw new InvalidOperationException("the server closed the connection during the upgrade");
                _end += n;
            }
            if (!_receive.AsSpan(0, headerEnd).StartsWith("HTTP/1.1 101"u8))
                throw new InvalidOperationException("upgrade refused: " + Encoding.ASCII.GetString(_receive, 0, headerEnd));
            _start = headerEnd + 4; // anything after the headers is already frames

            if (!edge) return;
            // --dev identity: the edge answers ping before hello too, but a real client is identified.
            var hello = Encoding.UTF8.GetBytes("{\"type\":\"hello\",\"v\":1,\"id\":\"h\",\"data\":{\"name\":\"" + name + "\"}}");
            var length = WriteFrame(_send, 0, 0x1, hello);
            await _socket.SendAsync(_send.AsMemory(0, length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            while (true)
            {
                var frame = await NextFrameAsync(timeout.Token).ConfigureAwait(false);
                if (frame.Length == 0) throw new InvalidOperationException("the edge closed the socket before welcome");
                var payload = _receive.AsSpan(frame.Offset, frame.Length);
                if (payload.StartsWith(WelcomePrefix)) return;
                if (payload.StartsWith("""{"type":"error","""u8))
                    throw new InvalidOperationException("hello refused: " + Encoding.UTF8.GetString(payload));
            }
        }

        /// <summary>Sends requests, keeping <c>inFlight</c> outstanding, until the window ends; then collects the last answers.</summary>
        public async Task RunAsync(Window window)
        {
            long sent = 0, answered = 0;
            var batch = 0;
            for (; sent < inFlight; sent++) batch = AppendRequest(batch, sent);
            await _socket.SendAsync(_send.AsMemory(0, batch), SocketFlags.None).ConfigureAwait(false);
            while (answered < sent)
            {
                await FillAsync(CancellationToken.None).ConfigureAwait(false);
                var now = Stopwatch.GetTimestamp();
                batch = 0;
                // Every whole frame received: the requests that replace the answers leave together.
                while (TryTakeFrame(out var offset, out var length, out var opcode))
                {
                    if (opcode == 0x8) throw new InvalidOperationException("the server closed the socket");
                    if (opcode != 0x1) continue; // keep-alive pings and pongs
                    var frame = _receive.AsSpan(offset, length);
                    if (!IsAnswerTo(frame, answered))
                    {
                        Unexpected++;
                        FirstUnexpected ??= Encoding.UTF8.GetString(frame);
                        continue;
                    }
                    if (now >= window.From && now < window.Until)
                        Latencies.Add((int)Math.Min(int.MaxValue, (now - _sentAt[answered % inFlight]) * 1_000_000 / Stopwatch.Frequency));
                    answered++;
                    if (now < window.Until) batch = AppendRequest(batch, sent++);
                }
                if (batch > 0) await _socket.SendAsync(_send.AsMemory(0, batch), SocketFlags.None).ConfigureAwait(false);
            }
        }

        private bool IsAnswerTo(ReadOnlySpan<byte> frame, long seq) =>
            frame.StartsWith(_answerPrefix)
            && frame.Length >= _answerPrefix.Length + SeqDigits
            && Utf8Parser.TryParse(frame.Slice(_answerPrefix.Length, SeqDigits), out long got, out var used)
            && used == SeqDigits && got == seq;

        /// <summary>Writes request <paramref name="seq"/> as a masked frame at <paramref name="at"/> of the send buffer; returns the new end.</summary>
        private int AppendRequest(int at, long seq)
        {
            Span<byte> payload = stackalloc byte[RequestPrefix.Length + SeqDigits + RequestSuffix.Length];
            RequestPrefix.CopyTo(payload);
            // Fixed-width digits: every request is the same size, and the answer's id sits at a known offset.
            seq.TryFormat(payload[RequestPrefix.Length..], out _, "D10", C);
            RequestSuffix.CopyTo(payload[(RequestPrefix.Length + SeqDigits)..]);
            _sentAt[seq % inFlight] = Stopwatch.GetTimestamp();
            return WriteFrame(_send, at, 0x1, payload);
        }

        /// <summary>A final, masked client frame (payload under 126 bytes) at <paramref name="at"/>; returns its end.</summary>
        private int WriteFrame(byte[] buffer, int at, int opcode, ReadOnlySpan<byte> payload)
        {
            if (payload.Length > 125) throw new ArgumentException("frame too long for this client", nameof(payload));
            buffer[at] = (byte)(0x80 | opcode);
            buffer[at + 1] = (byte)(0x80 | payload.Length);
            _mask.CopyTo(buffer, at + 2);
            at += 6;
            for (var i = 0; i < payload.Length; i++) buffer[at + i] = (byte)(payload[i] ^ _mask[i & 3]);
            return at + payload.Length;
        }

        /// <summary>The next whole frame's payload (offset and length in the receive buffer), reading as needed; length 0 at a close.</summary>
        private async ValueTask<(int Offset, int Length)> NextFrameAsync(CancellationToken token)
        {
            while (true)
            {
                while (TryTakeFrame(out var offset, out var length, out var opcode))
                {
                    if (opcode == 0x8) return (0, 0);
                    if (opcode == 0x1) return (offset, length);
                }
                await FillAsync(token).ConfigureAwait(false);
            }
        }

        /// <summary>Parses one whole server frame (unmasked, final) off the buffer, if there is one.</summary>
        private bool TryTakeFrame(out int offset, out int length, out int opcode)
        {
            (offset, length, opcode) = (0, 0, 0);
            var available = _end - _start;
            if (available < 2) return false;
            var b0 = _receive[_start];
            var len = _receive[_start + 1] & 0x7F;
            var header = 2;
            if (len == 126)
            {
                if (available < 4) return false;
                len = (_receive[_start + 2] << 8) | _receive[_start + 3];
                header = 4;
            }
            else if (len == 127) throw new InvalidOperationException("a server frame over 64 KiB");
            if ((b0 & 0x80) == 0) throw new InvalidOperationException("a fragmented server frame (not expected for small answers)");
            if (available < header + len) return false;
            (offset, length, opcode) = (_start + header, len, b0 & 0x0F);
            _start += header + len;
            return true;
        }

        /// <summary>Reads more bytes, first moving a partial frame to the start of the buffer.</summary>
        private async ValueTask FillAsync(CancellationToken token)
        {
            if (_start == _end) _start = _end = 0;
            else if (_end == _receive.Length)
            {
                Buffer.BlockCopy(_receive, _start, _receive, 0, _end - _start);
                (_end, _start) = (_end - _start, 0);
            }
            var n = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0) throw new InvalidOperationException("the server closed the connection");
            _end += n;
        }

        /// <summary>Close handshake: our close frame, then the server's (or 5 s).</summary>
        public async Task CloseAsync()
        {
            if (_closed) return;
            _closed = true;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                var length = WriteFrame(_send, 0, 0x8, [0x03, 0xE8]); // 1000
                await _socket.SendAsync(_send.AsMemory(0, length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                while ((await NextFrameAsync(timeout.Token).ConfigureAwait(false)).Length > 0)
                {
                }
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
            {
                // closing is best effort; the counts are taken
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}

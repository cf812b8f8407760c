using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mxo.Bench;

/// <summary>
/// <c>flood</c> command (issue 7): hostile clients against a node that is already running (this starts nothing; see
/// <c>bench/flood-measure.sh</c>). Socket modes (<c>say</c>, <c>interact</c>, <c>moves</c>, <c>frames</c>) need a
/// <c>--dev</c> node: one client identifies with <c>hello</c>, enters a district and sends one kind of frame as fast as
/// the socket takes them (or at <c>--rate</c>) for <c>--duration</c>, counting every answer, every error code and the
/// close code. <c>register</c> bursts <c>POST /auth/register</c> from several loopback addresses while an innocent
/// client from another address logs in once a second (against a node without <c>--dev</c>, whose per-address limits
/// apply). Every loop is bounded by the duration plus fixed grace periods.
/// </summary>
internal static class FloodBenchmark
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private sealed class Options
    {
        public Uri? Url { get; set; }
        public Uri? Http { get; set; }
        public string Mode { get; set; } = "";
        public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(20);
        public double Rate { get; set; }
        public string District { get; set; } = "downtown";
        public IPAddress[] Addresses { get; set; } = [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.3")];
        public int PerAddress { get; set; } = 100;
        public IPAddress Innocent { get; set; } = IPAddress.Parse("127.0.0.4");
        public IPAddress Checker { get; set; } = IPAddress.Parse("127.0.0.5");
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--url" when Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == "ws" || u.Scheme == "wss") && IsLoopback(u):
                    o.Url = u;
                    break;
                case "--http" when Uri.TryCreate(value, UriKind.Absolute, out var h) && (h.Scheme == Uri.UriSchemeHttp || h.Scheme == Uri.UriSchemeHttps) && IsLoopback(h):
                    o.Http = h;
                    break;
                case "--mode" when value is "say" or "interact" or "moves" or "frames" or "register":
                    o.Mode = value;
                    break;
                case "--duration" when double.TryParse(value?.TrimEnd('s'), NumberStyles.Float, C, out var d) && d is > 0 and <= 3600:
                    o.Duration = TimeSpan.FromSeconds(d);
                    break;
                case "--rate" when double.TryParse(value, NumberStyles.Float, C, out var r) && r is > 0 and <= 1_000_000:
                    o.Rate = r;
                    break;
                case "--district" when value is { Length: >= 1 and <= 64 }:
                    o.District = value;
                    break;
                case "--addresses" when ParseAddresses(value) is { Length: >= 1 and <= 16 } list:
                    o.Addresses = list;
                    break;
                case "--per-address" when int.TryParse(value, NumberStyles.None, C, out var n) && n is >= 1 and <= 10_000:
                    o.PerAddress = n;
                    break;
                case "--innocent" when IPAddress.TryParse(value, out var a) && IPAddress.IsLoopback(a):
                    o.Innocent = a;
                    break;
                case "--checker" when IPAddress.TryParse(value, out var k) && IPAddress.IsLoopback(k):
                    o.Checker = k;
                    break;
                default:
                    return Program.Usage($"flood: bad or incomplete option '{args[i]}'");
            }
            i++;
        }
        if (o.Mode.Length == 0) return Program.Usage("flood: --mode is required (say, interact, moves, frames, register)");
        if (o.Mode == "register")
            return o.Http is null ? Program.Usage("flood: register needs --http") : await RegisterAsync(o, o.Http).ConfigureAwait(false);
        if (o.Url is null) return Program.Usage("flood: --url is required (e.g. --url ws://127.0.0.1:5080/ws)");
        if (o.Mode == "interact" && o.Http is null) return Program.Usage("flood: interact needs --http (to find a terminal)");
        return await SocketFloodAsync(o, o.Url).ConfigureAwait(false);
    }

    /// <summary>Hostile load goes to this machine only: the node's URL must name a loopback address.</summary>
    private static bool IsLoopback(Uri uri) => IPAddress.TryParse(uri.Host, out var a) && IPAddress.IsLoopback(a);

    private static IPAddress[]? ParseAddresses(string? value)
    {
        if (value is null) return null;
        var list = new List<IPAddress>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPAddress.TryParse(part, out var a) || !IPAddress.IsLoopback(a)) return null; // loopback only
            list.Add(a);
        }
        return [.. list];
    }

    // ---- socket modes ----

    private static async Task<int> SocketFloodAsync(Options o, Uri url)
    {
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        Console.WriteLine(string.Create(C, $"flood {o.Mode}: {url}, district {o.District}, {o.Duration.TotalSeconds:0.#} s, rate {(o.Rate > 0 ? o.Rate.ToString("0.#", C) + "/s" : "unlimited")}"));

        await using var flooder = new FloodClient("flooder");
        await using var listener = o.Mode == "say" ? new FloodClient("listener") : null;
        var problem = await flooder.JoinAsync(url, $"Flood{tag}", o.District).ConfigureAwait(false);
        if (problem is null && listener is not null) problem = await listener.JoinAsync(url, $"Ear{tag}", o.District).ConfigureAwait(false);
        if (problem is not null)
        {
            Console.Error.WriteLine($"flood: {problem}");
            return 1;
        }

        Func<long, ReadOnlyMemory<byte>> next;
        switch (o.Mode)
        {
            case "say":
                next = n => flooder.Frame("say", $"s{n}", w => w.WriteString("text", $"flood line {tag} #{n}"));
                break;
            case "interact":
                var target = await NearestTerminalAsync(o.Http!, o.District, flooder.Position).ConfigureAwait(false);
                if (target is null)
                {
                    Console.Error.WriteLine($"flood: no terminal in {o.District} (GET /world/districts/{o.District})");
                    return 1;
                }
                Console.WriteLine(string.Create(C, $"walking to {target.Value.Id} at ({target.Value.At.X:0.#}, {target.Value.At.Z:0.#}) from ({flooder.Position.X:0.#}, {flooder.Position.Z:0.#})"));
                var walk = await flooder.WalkToAsync(target.Value.At).ConfigureAwait(false);
                if (walk is not null)
                {
                    Console.Error.WriteLine($"flood: {walk}");
                    return 1;
                }
                var objectId = target.Value.Id;
                next = n => flooder.Frame("interact", $"i{n}", w =>
                {
                    w.WriteString("object", objectId);
                    w.WriteString("action", "use");
                });
                break;
            case "moves":
                next = n =>
                {
                    var p = flooder.Position; // the last accepted (or corrected) position: +50 units is always too fast
                    return flooder.Frame("move", $"m{n}", w =>
                    {
                        w.WriteNumber("x", Math.Round(p.X + 50, 2));
                        w.WriteNumber("y", Math.Round(p.Y, 2));
                        w.WriteNumber("z", Math.Round(p.Z, 2));
                    });
                };
                break;
            default:
                next = n => flooder.Frame("ping", $"p{n}", null);
                break;
        }

        var result = await flooder.FloodAsync(next, o.Duration, o.Rate).ConfigureAwait(false);
        await flooder.CloseAsync().ConfigureAwait(false);
        if (listener is not null) await listener.CloseAsync().ConfigureAwait(false);

        var seconds = result.Elapsed.TotalSeconds;
        Console.WriteLine("summary:");
        Console.WriteLine($"mode: {o.Mode}");
        Console.WriteLine(string.Create(C, $"duration: {seconds:0.000} s"));
        Console.WriteLine($"frames sent: {result.Sent}");
        Console.WriteLine(string.Create(C, $"rate: {result.Sent / Math.Max(seconds, 0.001):0.0} frames/s"));
        Console.WriteLine($"acks: {flooder.Count("ack")}");
        Console.WriteLine($"pongs: {flooder.Count("pong")}");
        Console.WriteLine($"position_corrected: {flooder.Count("position_corrected")}");
        Console.WriteLine($"chat received by flooder: {flooder.Count("chat")}");
        Console.WriteLine($"object_changed received by flooder: {flooder.Count("object_changed")}");
        Console.WriteLine($"errors: {flooder.Errors}");
        Console.WriteLine($"error codes: {flooder.ErrorCodes()}");
        Console.WriteLine($"error codes without id (frame-rate drops and the like): {flooder.AnonymousErrorCodes()}");
        Console.WriteLine($"error frames left out by the server (sum of suppressed): {flooder.Suppressed}");
        Console.WriteLine($"frames received by flooder: {flooder.FramesReceived} ({flooder.Types()})");
        Console.WriteLine($"close: {flooder.CloseSummary()}");
        if (result.SendFailure is not null) Console.WriteLine($"send stopped: {result.SendFailure}");
        Console.WriteLine($"unanswered at close: {result.Unanswered}");
        if (listener is not null)
        {
            Console.WriteLine($"listener chat frames: {listener.Count("chat")}");
            Console.WriteLine($"listener frames received: {listener.FramesReceived} ({listener.Types()})");
            Console.WriteLine($"listener close: {listener.CloseSummary()}");
        }
        return 0;
    }

    private static async Task<(string Id, Position At)?> NearestTerminalAsync(Uri http, string district, Position from)
    {
        using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(30) };
        using var doc = JsonDocument.Parse(await client.GetByteArrayAsync(new Uri($"world/districts/{district}", UriKind.Relative)).ConfigureAwait(false));
        (string Id, Position At)? best = null;
        foreach (var obj in doc.RootElement.GetProperty("objects").EnumerateArray())
        {
            if (obj.GetProperty("kind").GetString() != "terminal") continue;
            var p = obj.GetProperty("position");
            var at = new Position(p.GetProperty("x").GetDouble(), p.GetProperty("y").GetDouble(), p.GetProperty("z").GetDouble());
            if (best is null || at.FlatDistance(from) < best.Value.At.FlatDistance(from)) best = (obj.GetProperty("id").GetString()!, at);
        }
        return best;
    }

    // ---- register mode ----

    private static async Task<int> RegisterAsync(Options o, Uri http)
    {
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant();
        var password = "flood-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
        var burstTimeout = o.Duration + TimeSpan.FromSeconds(60);
        Console.WriteLine(string.Create(C, $"flood register: {http}, {o.Addresses.Length} addresses x {o.PerAddress} registrations, innocent {o.Innocent}, accounts fl{tag}-*"));

        using var innocent = HttpFrom(o.Innocent, http, TimeSpan.FromSeconds(30));
        var innocentUser = $"fl{tag}-innocent";
        var (status, code, _) = await AuthLoadBenchmark.PostAsync(innocent, "auth/register", innocentUser, password).ConfigureAwait(false);
        if (status != HttpStatusCode.Created)
        {
            Console.Error.WriteLine($"flood: registering the innocent account failed: {Key(status, code)}");
            return 1;
        }
        var baseline = await AuthLoadBenchmark.PostAsync(innocent, "auth/login", innocentUser, password).ConfigureAwait(false);
        Console.WriteLine(string.Create(C, $"innocent baseline login: {Key(baseline.Status, baseline.Code)} in {baseline.Elapsed.TotalMilliseconds:0} ms"));

        var clients = o.Addresses.Select(a => HttpFrom(a, http, burstTimeout)).ToArray();
        var statuses = o.Addresses.Select(_ => new ConcurrentDictionary<string, long>(StringComparer.Ordinal)).ToArray();
        var unavailable = new ConcurrentBag<string>();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var burst = Task.WhenAll(o.Addresses.SelectMany((_, a) => Enumerable.Range(0, o.PerAddress).Select(async i =>
            {
                await Task.Yield();
                var user = $"fl{tag}-{a}-{i}";
                var r = await AuthLoadBenchmark.PostAsync(clients[a], "auth/register", user, password).ConfigureAwait(false);
                statuses[a].AddOrUpdate(Key(r.Status, r.Code), 1, (_, n) => n + 1);
                if (r.Status == HttpStatusCode.ServiceUnavailable) unavailable.Add(user);
            })));

            // The last answer's time, and a task that completes with the burst without throwing.
            var burstEnded = burst.ContinueWith(_ => Stopwatch.GetElapsedTime(started), TaskScheduler.Default);

            // The innocent client starts a login every second (not waiting for the previous one) until the burst is
            // answered and the duration has passed.
            var logins = new List<Task<(double At, string Status, double Ms)>>();
            for (var k = 0; ; k++)
            {
                var due = TimeSpan.FromSeconds(k);
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (due > elapsed)
                {
                    var wait = Task.Delay(due - elapsed);
                    // Wake early when the burst ends, so the loop stops then if the duration has passed.
                    await (burst.IsCompleted ? wait : Task.WhenAny(burstEnded, wait)).ConfigureAwait(false);
                    elapsed = Stopwatch.GetElapsedTime(started);
                }
                if ((burst.IsCompleted && elapsed >= o.Duration) || elapsed >= burstTimeout) break;
                if (elapsed < due)
                {
                    k--; // woken by the end of the burst: wait for this second again
                    continue;
                }
                logins.Add(InnocentLoginAsync(innocent, innocentUser, password, elapsed.TotalSeconds));
            }
            var burstSeconds = (await burstEnded.ConfigureAwait(false)).TotalSeconds;
            await burst.ConfigureAwait(false);
            var done = (await Task.WhenAll(logins).ConfigureAwait(false)).ToList();

            // Which of the registrations answered 503 created the account anyway? Log in from another address,
            // retrying 503 (the account may still be busy with the hash), all within one minute.
            var sample = unavailable.Take(10).ToArray();
            using var checker = HttpFrom(o.Checker, http, TimeSpan.FromSeconds(30));
            var created = 0;
            var checkDeadline = Stopwatch.GetTimestamp() + (long)(60 * Stopwatch.Frequency);
            var checkResults = new List<string>();
            foreach (var user in sample)
            {
                (HttpStatusCode Status, string? Code, TimeSpan Elapsed) r;
                do r = await AuthLoadBenchmark.PostAsync(checker, "auth/login", user, password).ConfigureAwait(false);
                while (r.Status == HttpStatusCode.ServiceUnavailable && Stopwatch.GetTimestamp() < checkDeadline);
                if (r.Status == HttpStatusCode.OK) created++;
                checkResults.Add(Key(r.Status, r.Code));
            }

            Console.WriteLine("summary:");
            Console.WriteLine("mode: register");
            Console.WriteLine(string.Create(C, $"duration: {burstSeconds:0.0} s (burst sent at once, last answer at +{burstSeconds:0.0} s)"));
            Console.WriteLine($"registrations sent: {o.Addresses.Length * o.PerAddress}");
            for (var a = 0; a < o.Addresses.Length; a++)
                Console.WriteLine($"status {o.Addresses[a]}: {Counts(statuses[a])}");
            var oks = done.Where(l => l.Status == "200").Select(l => l.Ms).Order().ToArray();
            var all = done.Select(l => l.Ms).Order().ToArray();
            Console.WriteLine(string.Create(C, $"innocent baseline: {Key(baseline.Status, baseline.Code)} {baseline.Elapsed.TotalMilliseconds:0} ms"));
            Console.WriteLine($"innocent logins: {done.Count} ({Counts(done.GroupBy(l => l.Status).ToDictionary(g => g.Key, g => (long)g.Count()))})");
            if (all.Length > 0)
                Console.WriteLine(string.Create(C, $"innocent latency: p50 {AuthLoadBenchmark.Percentile(all, 0.5):0} ms, max {all[^1]:0} ms (200 only: p50 {(oks.Length > 0 ? AuthLoadBenchmark.Percentile(oks, 0.5) : 0):0} ms, max {(oks.Length > 0 ? oks[^1] : 0):0} ms)"));
            Console.WriteLine($"503 registrations: {unavailable.Count}; sampled {sample.Length}, can log in afterwards: {created} ({string.Join(", ", checkResults)})");
            return 0;
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    private static async Task<(double At, string Status, double Ms)> InnocentLoginAsync(HttpClient client, string user, string password, double at)
    {
        var r = await AuthLoadBenchmark.PostAsync(client, "auth/login", user, password).ConfigureAwait(false);
        Console.WriteLine(string.Create(C, $"innocent login at +{at:0.0} s: {Key(r.Status, r.Code)} in {r.Elapsed.TotalMilliseconds:0} ms"));
        return (at, Key(r.Status, r.Code), r.Elapsed.TotalMilliseconds);
    }

    /// <summary>An HTTP client whose connections leave from <paramref name="local"/> (any 127.x.y.z works on Linux loopback).</summary>
    private static HttpClient HttpFrom(IPAddress local, Uri http, TimeSpan timeout) =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    EndPoint remote = IPAddress.TryParse(context.DnsEndPoint.Host, out var ip)
                        ? new IPEndPoint(ip, context.DnsEndPoint.Port)
                        : context.DnsEndPoint;
                    await socket.ConnectAsync(remote, token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = http,
            Timeout = timeout,
        };

    private static string Key(HttpStatusCode status, string? code) => code is null ? $"{(int)status}" : $"{(int)status} {code}";

    internal static string Counts(IReadOnlyDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} x{kv.Value}"));
}

internal readonly record struct Position(double X, double Y, double Z)
{
    public double FlatDistance(Position other) => Math.Sqrt((X - other.X) * (X - other.X) + (Z - other.Z) * (Z - other.Z));
}

internal sealed record FloodResult(long Sent, TimeSpan Elapsed, string? SendFailure, long Unanswered);

/// <summary>
/// One socket of the <c>flood</c> command: a receive loop that counts every server frame by type, every error by code
/// and the close status; handshake requests (hello, enter) wait for their reply. Counters are written by the receive
/// loop only and read after <see cref="CloseAsync"/>; the position is shared with the sender under a lock.
/// </summary>
internal sealed class FloodClient(string role) : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the flooder waits after the flood for answers still on their way (the edge's request timeout is 10 s).</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(12);

    /// <summary>
    /// Walking to an object: at most 1.8 units every 100 ms (18 units/s, under the 20 units/s limit of
    /// docs/protocol.md, Movement) until within 6 units (the reach is 10), giving up after a minute.
    /// </summary>
    private static readonly TimeSpan WalkInterval = TimeSpan.FromMilliseconds(100);
    private const double WalkStep = 1.8;
    private const double WalkUntil = 6;
    private static readonly TimeSpan WalkTimeout = TimeSpan.FromSeconds(60);

    private readonly ClientWebSocket _socket = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Dictionary<string, long> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _anonymousErrors = new(StringComparer.Ordinal);
    private readonly Lock _positionLock = new();
    private Utf8JsonWriter? _writer;
    private Task _receive = Task.CompletedTask;
    private volatile Waiting? _waiting;
    private Position _position;
    private long _answers;
    private long _corrections;
    private long _drainTarget = long.MaxValue;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _floodStarted;
    private long _closedAt;
    private volatile bool _closing;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;
    private bool _closedByServer;
    private string? _receiveFailure;

    public Position Position
    {
        get { lock (_positionLock) return _position; }
        private set { lock (_positionLock) _position = value; }
    }

    public long FramesReceived { get; private set; }
    public long Errors { get; private set; }

    /// <summary>
    /// Error frames the server says it left out (the sum of their <c>suppressed</c> counts: the edge's error rate,
    /// docs/protocol.md, Rate limits); they are in no other count.
    /// </summary>
    public long Suppressed { get; private set; }

    /// <summary>Corrections received: the walker restarts from the corrected position when this changes.</summary>
    public long Corrections => Interlocked.Read(ref _corrections);

    public long Count(string type) => _types.GetValueOrDefault(type);
    public string Types() => FloodBenchmark.Counts(_types);
    public string ErrorCodes() => FloodBenchmark.Counts(_errors);
    public string AnonymousErrorCodes() => FloodBenchmark.Counts(_anonymousErrors);

    /// <summary>Opens the socket, says hello with <paramref name="name"/> and enters <paramref name="district"/>; returns the problem or null.</summary>
    public async Task<string?> JoinAsync(Uri url, string name, string district)
    {
        try
        {
            using var timeout = new CancellationTokenSource(HandshakeTimeout);
            await _socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            return $"{role}: cannot open {url}: {e.Message}";
        }
        _receive = ReceiveLoopAsync();
        var hello = await RequestAsync(Frame("hello", "h", w => w.WriteString("name", name)), "h").ConfigureAwait(false);
        if (hello != "welcome") return $"{role}: hello answered {hello}";
        var enter = await RequestAsync(Frame("enter", "e", w => w.WriteString("district", district)), "e").ConfigureAwait(false);
        return enter == "entered" ? null : $"{role}: enter {district} answered {enter}";
    }

    /// <summary>Walks in steps of at most <see cref="WalkStep"/> units every <see cref="WalkInterval"/> until within reach of <paramref name="target"/>.</summary>
    public async Task<string?> WalkToAsync(Position target)
    {
        var started = Stopwatch.GetTimestamp();
        var seenCorrections = Corrections;
        var at = Position;
        using var timer = new PeriodicTimer(WalkInterval);
        var n = 0;
        while (at.FlatDistance(target) > WalkUntil)
        {
            if (Stopwatch.GetElapsedTime(started) > WalkTimeout) return $"{role}: still {at.FlatDistance(target):0.#} units away after {WalkTimeout.TotalSeconds:0} s";
            if (_closeStatus is not null || _receive.IsCompleted) return $"{role}: closed while walking: {CloseSummary()}";
            if (!await timer.WaitForNextTickAsync().ConfigureAwait(false)) return $"{role}: walk timer stopped";
            if (Corrections != seenCorrections)
            {
                seenCorrections = Corrections;
                at = Position; // the server put us back: walk on from there
            }
            var distance = at.FlatDistance(target);
            var step = Math.Min(WalkStep, distance);
            at = new Position(at.X + (target.X - at.X) / distance * step, at.Y, at.Z + (target.Z - at.Z) / distance * step);
            await SendAsync(Frame("move", $"w{++n}", w =>
            {
                w.WriteNumber("x", Math.Round(at.X, 2));
                w.WriteNumber("y", Math.Round(at.Y, 2));
                w.WriteNumber("z", Math.Round(at.Z, 2));
            }), CancellationToken.None).ConfigureAwait(false);
        }
        Position = at;
        // One more interval so the last move is through before the flood's frames (the edge keeps frame order anyway).
        await timer.WaitForNextTickAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Sends <paramref name="next"/>(n) back to back (or paced at <paramref name="rate"/> per second) for
    /// <paramref name="duration"/> or until the server closes, then waits up to 12 s for the answers still on their way.
    /// A send still blocked at the deadline (the server stopped reading) is cancelled, which aborts the socket.
    /// </summary>
    public async Task<FloodResult> FloodAsync(Func<long, ReadOnlyMemory<byte>> next, TimeSpan duration, double rate)
    {
        var baseAnswers = Interlocked.Read(ref _answers);
        _floodStarted = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(duration);
        long sent = 0;
        string? failure = null;
        try
        {
            while (!deadline.IsCancellationRequested && !_receive.IsCompleted)
            {
                if (rate > 0)
                {
                    var due = TimeSpan.FromSeconds(sent / rate);
                    var elapsed = Stopwatch.GetElapsedTime(_floodStarted);
                    if (due > elapsed) await Task.Delay(due - elapsed, deadline.Token).ConfigureAwait(false);
                }
                await SendAsync(next(sent + 1), deadline.Token).ConfigureAwait(false);
                sent++;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            if (_socket.State == WebSocketState.Aborted) failure = "a send was still blocked at the deadline (the server was not reading): socket aborted";
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            failure = $"send failed after {Stopwatch.GetElapsedTime(_floodStarted).TotalSeconds:0.0} s: {e.Message}";
        }
        var floodElapsed = Stopwatch.GetElapsedTime(_floodStarted);

        // Wait for the answers (ack, pong, position_corrected, error) to the frames sent, bounded.
        Interlocked.Exchange(ref _drainTarget, baseAnswers + sent);
        if (Interlocked.Read(ref _answers) >= baseAnswers + sent || _receive.IsCompleted) _drained.TrySetResult();
        await Task.WhenAny(_drained.Task, _receive, Task.Delay(DrainTimeout)).ConfigureAwait(false);
        return new FloodResult(sent, floodElapsed, failure, Math.Max(0, baseAnswers + sent - Interlocked.Read(ref _answers)));
    }

    public string CloseSummary()
    {
        if (_closeStatus is { } s)
        {
            var when = _floodStarted == 0 || _closedAt == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" at +{Stopwatch.GetElapsedTime(_floodStarted, _closedAt).TotalSeconds:0.000} s");
            return $"{(int)s} \"{_closeDescription}\" by {(_closedByServer ? "the server" : "the client")}{when}";
        }
        return _receiveFailure is not null ? $"no close frame ({_receiveFailure})" : "open until the client closed";
    }

    public ReadOnlyMemory<byte> Frame(string type, string id, Action<Utf8JsonWriter>? data)
    {
        _buffer.ResetWrittenCount();
        if (_writer is null) _writer = new Utf8JsonWriter(_buffer);
        else _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("type", type);
        _writer.WriteNumber("v", 1);
        _writer.WriteString("id", id);
        _writer.WriteStartObject("data");
        data?.Invoke(_writer);
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenMemory;
    }

    /// <summary>Closes gracefully (bounded by 5 s), aborts otherwise, and waits for the receive loop.</summary>
    public async Task CloseAsync()
    {
        _closing = true;
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "flood done", timeout.Token).ConfigureAwait(false);
            }
            await _receive.WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException or InvalidOperationException)
        {
            // no answer to the close: abort below
        }
        if (!_receive.IsCompleted) _socket.Abort();
        await _receive.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived) await CloseAsync().ConfigureAwait(false);
        _socket.Dispose();
        _writer?.Dispose();
    }

    private Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken token) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, token).AsTask();

    private async Task<string> RequestAsync(ReadOnlyMemory<byte> frame, string id)
    {
        var waiting = new Waiting(id, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        _waiting = waiting;
        try
        {
            await SendAsync(frame, CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAny(waiting.Reply.Task, _receive).WaitAsync(HandshakeTimeout).ConfigureAwait(false);
            return waiting.Reply.Task.IsCompleted ? waiting.Reply.Task.Result : $"nothing: closed ({CloseSummary()})";
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or InvalidOperationException)
        {
            return $"nothing: {e.Message}";
        }
        finally
        {
            _waiting = null;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024 + 1];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closedAt = Stopwatch.GetTimestamp();
                    _closeStatus = _socket.CloseStatus;
                    _closeDescription = _socket.CloseStatusDescription;
                    _closedByServer = !_closing;
                    return;
                }
                FramesReceived++;
                Handle(buffer.AsSpan(0, count));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            if (!_closing) _closedAt = Stopwatch.GetTimestamp();
            _receiveFailure = e.Message;
        }
        finally
        {
            _drained.TrySetResult();
        }
    }

    private void Handle(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!JsonDocument.TryParseValue(ref reader, out var doc))
        {
            Bump(_types, "(not json)");
            return;
        }
        using (doc)
        {
            var root = doc.RootElement;
            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "(no type)";
            var id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            Bump(_types, type);
            var detail = type;
            switch (type)
            {
                case "entered" or "position_corrected" when data.ValueKind == JsonValueKind.Object && data.TryGetProperty("position", out var p):
                    Position = new Position(p.GetProperty("x").GetDouble(), p.GetProperty("y").GetDouble(), p.GetProperty("z").GetDouble());
                    if (type == "position_corrected") Interlocked.Increment(ref _corrections);
                    break;
                case "error":
                    Errors++;
                    var code = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("code", out var c) ? c.GetString() ?? "(null)" : "(no code)";
                    Bump(_errors, code);
                    if (id is null) Bump(_anonymousErrors, code);
                    if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("suppressed", out var left) && left.ValueKind == JsonValueKind.Number && left.TryGetInt64(out var n)) Suppressed += n;
                    detail = $"error {code}";
                    break;
            }
            if (type is "ack" or "pong" or "position_corrected" or "error")
            {
                var answers = Interlocked.Increment(ref _answers);
                if (answers >= Interlocked.Read(ref _drainTarget)) _drained.TrySetResult();
            }
            if (id is not null && _waiting is { } w && w.Id == id) w.Reply.TrySetResult(detail);
        }
    }

    private static void Bump(Dictionary<string, long> counts, string key)
    {
        if (!counts.ContainsKey(key) && counts.Count >= 64) key = "(other)";
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    private sealed record Waiting(string Id, TaskCompletionSource<string> Reply);
}

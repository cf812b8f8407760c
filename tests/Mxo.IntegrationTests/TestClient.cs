using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Mxo.IntegrationTests;

/// <summary>A real WebSocket client speaking docs/protocol.md.</summary>
public sealed class TestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15 * TimeFactor);

    private readonly ClientWebSocket _socket = new();
    private readonly byte[] _buffer = new byte[128 * 1024];
    private int _counter;

    // A receive that outlived its caller's timeout, and how much of a message was read before it. Cancelling a
    // ClientWebSocket receive aborts the socket, so a wait that times out leaves the receive running for the next wait
    // instead: a test may wait briefly for a frame that does not come and go on using the socket.
    private Task<ValueWebSocketReceiveResult>? _pending;
    private int _received;

    /// <summary>The akka.test.timefactor equivalent for these tests (env MXO_TEST_TIMEFACTOR, default 1).</summary>
    public static double TimeFactor => Mxo.TestSupport.TestTime.Factor;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? SubProtocol => _socket.SubProtocol;

    public static async Task<TestClient> ConnectAsync(Uri ws, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new TestClient();
        configure?.Invoke(client._socket.Options);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await client._socket.ConnectAsync(ws, timeout.Token);
        return client;
    }

    /// <summary>An upgrade that the server refuses: its HTTP status and JSON body.</summary>
    public static async Task<(int Status, string Body)> RefusedUpgradeAsync(Uri ws, Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await socket.ConnectAsync(ws, timeout.Token);
        }
        catch (WebSocketException)
        {
            return ((int)socket.HttpStatusCode, "");
        }
        throw new InvalidOperationException("the upgrade was accepted");
    }

    public string NextId() => $"t{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..20];

    public async Task SendRawAsync(string text)
    {
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    public async Task<string> SendAsync(string type, string? dataJson = null, string? id = null)
    {
        id ??= NextId();
        var data = dataJson is null ? "" : $",\"data\":{dataJson}";
        await SendRawAsync($"{{\"type\":\"{type}\",\"v\":1,\"id\":\"{id}\"{data}}}");
        return id;
    }

    /// <summary>Receives frames until one matches; frames before it are skipped. Throws on close or timeout.</summary>
    public async Task<JsonElement> ExpectAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null, string what = "frame")
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var frame = await ReceiveAsync(cts.Token) ?? throw new InvalidOperationException(
                $"socket closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}) while waiting for {what}");
            if (match(frame)) return frame;
        }
    }

    public Task<JsonElement> ExpectTypeAsync(string type, string? id = null, TimeSpan? timeout = null) =>
        ExpectAsync(f => f.GetProperty("type").GetString() == type
                         && (id is null || (f.TryGetProperty("id", out var i) && i.GetString() == id)), timeout, $"'{type}' {id}");

    /// <summary>The next frame, or null when the server closed the socket. Cancelling <paramref name="ct"/> does not abort the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken ct)
    {
        while (true)
        {
            _pending ??= _socket.ReceiveAsync(_buffer.AsMemory(_received), CancellationToken.None).AsTask();
            var result = await _pending.WaitAsync(ct);
            _pending = null;
            if (result.MessageType == WebSocketMessageType.Close)
            {
                _received = 0;
                if (_socket.State == WebSocketState.CloseReceived)
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                return null;
            }
            _received += result.Count;
            if (result.EndOfMessage) break;
        }
        var count = _received;
        _received = 0;
        using var doc = JsonDocument.Parse(_buffer.AsMemory(0, count));
        return doc.RootElement.Clone();
    }

    /// <summary>Waits for the server's close frame and returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ExpectCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (await ReceiveAsync(cts.Token) is not null)
        {
        }
        return _socket.CloseStatus;
    }

    public async Task<JsonElement> HelloAsync(string name)
    {
        var id = await SendAsync("hello", $"{{\"name\":\"{name}\"}}");
        return await ExpectTypeAsync("welcome", id);
    }

    public async Task<JsonElement> EnterAsync(string district)
    {
        var id = await SendAsync("enter", $"{{\"district\":\"{district}\"}}");
        return await ExpectTypeAsync("entered", id);
    }

    public Task<string> MoveAsync(double x, double y, double z) =>
        SendAsync("move", FormattableString.Invariant($"{{\"x\":{x},\"y\":{y},\"z\":{z}}}"));

    public async Task CloseAsync()
    {
        if (_socket.State != WebSocketState.Open) return;
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        try
        {
            while (await ReceiveAsync(cts.Token) is not null)
            {
            }
        }
        catch (WebSocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        _socket.Dispose();
    }
}

public static class Frames
{
    /// <summary>A view frame that says <paramref name="id"/> entered view.</summary>
    public static bool SeesEnter(JsonElement frame, string id) =>
        Type(frame) == "view" && Data(frame).GetProperty("entered").EnumerateArray().Any(o => o.GetProperty("id").GetString() == id);

    /// <summary>The position a view frame reports for <paramref name="id"/> (moved or entered), if any.</summary>
    public static (double X, double Y, double Z)? SeenAt(JsonElement frame, string id)
    {
        if (Type(frame) != "view") return null;
        foreach (var list in new[] { "moved", "entered" })
            foreach (var o in Data(frame).GetProperty(list).EnumerateArray())
                if (o.GetProperty("id").GetString() == id) return Position(o.GetProperty("position"));
        return null;
    }

    public static (double X, double Y, double Z) Position(JsonElement e) =>
        (e.GetProperty("x").GetDouble(), e.GetProperty("y").GetDouble(), e.GetProperty("z").GetDouble());

    public static string Type(JsonElement frame) => frame.GetProperty("type").GetString()!;

    public static JsonElement Data(JsonElement frame) => frame.GetProperty("data");
}

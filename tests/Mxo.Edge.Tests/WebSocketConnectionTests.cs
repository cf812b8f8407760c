using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Streams;
using Akka.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;
using Mxo.TestSupport;
using Xunit;
using static Mxo.Edge.Tests.EdgeTestConfig;

namespace Mxo.Edge.Tests;

/// <summary>Real Kestrel and a real <see cref="ClientWebSocket"/> around one <see cref="WebSocketConnection"/>, without the rest of the node.</summary>
public sealed class WebSocketConnectionTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly DistrictId Downtown = new("downtown");

    /// <summary>Stand-in for the player shard region.</summary>
    private readonly TestProbe _players;
    private readonly Channel<ServerSide> _accepted = Channel.CreateUnbounded<ServerSide>();
    private readonly List<ClientWebSocket> _clients = [];
    private WebApplication? _app;
    private IActorRef? _sessions;
    private Uri _uri = null!;

    public WebSocketConnectionTests() : base(EdgeTestConfig.Hocon)
    {
        _players = CreateTestProbe("players");
    }

    /// <summary>What the server knows about one accepted connection.</summary>
    private sealed class ServerSide
    {
        public TaskCompletionSource<IActorRef> Session { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when <see cref="WebSocketConnection.RunAsync"/> returns (faults if it throws).</summary>
        public TaskCompletionSource Handler { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static EdgeOptions Options(Func<EdgeOptions, EdgeOptions>? change = null)
    {
        var options = new EdgeOptions
        {
            DevMode = true,
            RequestTimeout = TimeSpan.FromSeconds(5),
            CloseTimeout = TimeSpan.FromSeconds(2),
        };
        return change is null ? options : change(options);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Abort();
            client.Dispose();
        }
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
    }

    private async Task StartAsync(EdgeOptions options)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePorts.Tcp();
            var app = BuildApp(options, port);
            try
            {
                await app.StartAsync();
                _app = app;
                _uri = new Uri($"ws://127.0.0.1:{port}/ws");
                return;
            }
            catch (IOException) when (attempt < 3)
            {
                await app.DisposeAsync(); // somebody took the port between FreePorts.Tcp() and bind
            }
        }
    }

    private WebApplication BuildApp(EdgeOptions options, int port)
    {
        _sessions ??= Sys.ActorOf(SessionsActor.PropsFor(_players.Ref, options, WorldFeatures(_players.Ref)), "sessions");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        GuardedUpgradeFeature.Install(app);
        app.UseWebSockets();
        var materializer = Sys.Materializer();
        app.Map("/ws", context => AcceptAsync(context, options, materializer));
        return app;
    }

    private async Task AcceptAsync(HttpContext context, EdgeOptions options, IMaterializer materializer)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var server = new ServerSide();
        _accepted.Writer.TryWrite(server);
        async Task<IActorRef> SpawnSession(IActorRef outbound)
        {
            // as the node does: sessions are children of SessionsActor (which stops, never restarts, a failing one)
            var session = await _sessions!.Ask<IActorRef>(new SessionsActor.Spawn(outbound), Timeout());
            server.Session.TrySetResult(session);
            return session;
        }
        try
        {
            await new WebSocketConnection(socket, options, NullLogger.Instance, WireProtocol.MaxFrameBytes,
                    (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>() as GuardedUpgradeFeature)?.Stream)
                .RunAsync(materializer, SpawnSession, context.RequestAborted);
            server.Handler.TrySetResult();
        }
        catch (Exception e)
        {
            server.Handler.TrySetException(e);
        }
    }

    private TimeSpan Timeout(double seconds = 3) => Dilated(TimeSpan.FromSeconds(seconds));

    private async Task<(ClientWebSocket Client, ServerSide Server)> ConnectAsync()
    {
        var client = new ClientWebSocket();
        _clients.Add(client);
        using var cts = new CancellationTokenSource(Timeout());
        await client.ConnectAsync(_uri, cts.Token);
        var server = await _accepted.Reader.ReadAsync(cts.Token);
        await server.Session.Task.WaitAsync(Timeout());
        return (client, server);
    }

    private async Task SendTextAsync(ClientWebSocket client, string json)
    {
        using var cts = new CancellationTokenSource(Timeout());
        await client.SendAsync(Utf8(json), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
    }

    private async Task<Frame> ReceiveFrameAsync(ClientWebSocket client)
    {
        using var cts = new CancellationTokenSource(Timeout());
        var message = new MemoryStream();
        var chunk = new byte[8192];
        while (true)
        {
            var result = await client.ReceiveAsync(chunk, cts.Token);
            Assert.True(result.MessageType == WebSocketMessageType.Text,
                $"expected a text frame, got {result.MessageType} {result.CloseStatus} {result.CloseStatusDescription}");
            message.Write(chunk, 0, result.Count);
            if (result.EndOfMessage) return Frame.Parse(message.ToArray());
        }
    }

    /// <summary>Reads (and drops) data until the server's close frame arrives.</summary>
    private async Task<WebSocketReceiveResult> ReceiveCloseAsync(ClientWebSocket client)
    {
        using var cts = new CancellationTokenSource(Timeout());
        var chunk = new byte[8192];
        while (true)
        {
            var result = await client.ReceiveAsync(chunk, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return result;
        }
    }

    private async Task HelloAsync(ClientWebSocket client)
    {
        await SendTextAsync(client, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();
        _players.Reply(new PlayerReplies.Attached(new PlayerReplies.CharacterSheet(Neo, "Neo", null, default, 500, 200, 1000)));
        var welcome = await ReceiveFrameAsync(client);
        Assert.Equal(("welcome", "h1"), (welcome.Type, welcome.Id));
    }

    [Fact]
    public async Task Ping_is_answered_over_the_socket()
    {
        await StartAsync(Options());
        var (client, _) = await ConnectAsync();

        await SendTextAsync(client, """{"type":"ping","v":1,"id":"p1"}""");

        var pong = await ReceiveFrameAsync(client);
        Assert.Equal(("pong", "p1"), (pong.Type, pong.Id));
    }

    /// <summary>Sends 70,000 bytes as one text message in 16 KiB pieces.</summary>
    private async Task SendTooBigAsync(ClientWebSocket client)
    {
        var payload = new byte[70_000];
        Array.Fill(payload, (byte)' ');
        using var cts = new CancellationTokenSource(Timeout());
        for (var offset = 0; offset < payload.Length; offset += 16_384)
        {
            var count = Math.Min(16_384, payload.Length - offset);
            await client.SendAsync(payload.AsMemory(offset, count), WebSocketMessageType.Text,
                endOfMessage: offset + count == payload.Length, cts.Token);
        }
    }

    /// <summary>The client's half of a server-initiated close handshake.</summary>
    private async Task AnswerCloseAsync(ClientWebSocket client)
    {
        using var cts = new CancellationTokenSource(Timeout());
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        Assert.Equal(WebSocketState.Closed, client.State);
    }

    [Fact]
    public async Task Frames_sent_together_are_all_answered_in_order_past_the_inbound_buffer()
    {
        // 100 pings in one TCP write, 4 frames of inbound buffer: the reader takes what the WebSocket has buffered
        // without waiting, stops when 4 wait for the session, and goes on as the session takes them in batches.
        await StartAsync(Options(o => o with { InboundBuffer = 4 }));
        var (client, _) = await ConnectRawAsync();
        using var _client = client;
        using var cts = new CancellationTokenSource(Timeout(10));
        var ids = Enumerable.Range(1, 100).Select(i => $"p{i}").ToArray();

        await client.SendTextsTogetherAsync(ids.Select(id => $$"""{"type":"ping","v":1,"id":"{{id}}"}"""), cts.Token);

        foreach (var id in ids)
        {
            var pong = Frame.Parse(await client.ReadTextFrameAsync(cts.Token));
            Assert.Equal(("pong", id), (pong.Type, pong.Id));
        }
    }

    [Fact]
    public async Task A_text_frame_over_64_KiB_closes_with_1009_and_ends_the_session()
    {
        // a long close timeout: the handler must end because the client answered the close, not by timing out
        await StartAsync(Options(o => o with { CloseTimeout = TimeSpan.FromSeconds(30) }));
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        await SendTooBigAsync(client);

        var close = await ReceiveCloseAsync(client);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, close.CloseStatus);
        Assert.Equal(1009, (int)close.CloseStatus!.Value);
        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        ExpectTerminated(session);
        await AnswerCloseAsync(client);
        await server.Handler.Task.WaitAsync(Timeout());
    }

    [Fact]
    public async Task A_text_frame_of_almost_64_KiB_is_accepted()
    {
        await StartAsync(Options());
        var (client, _) = await ConnectAsync();

        var padding = new string('x', WireProtocol.MaxFrameBytes - 100);
        var json = $$"""{"type":"ping","v":1,"id":"big","pad":"{{padding}}"}""";
        Assert.True(Encoding.UTF8.GetByteCount(json) <= WireProtocol.MaxFrameBytes);
        await SendTextAsync(client, json);

        var pong = await ReceiveFrameAsync(client);
        Assert.Equal(("pong", "big"), (pong.Type, pong.Id));
    }

    [Fact]
    public async Task A_binary_frame_closes_with_1003_and_ends_the_session()
    {
        await StartAsync(Options(o => o with { CloseTimeout = TimeSpan.FromSeconds(30) }));
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        using (var cts = new CancellationTokenSource(Timeout()))
            await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, endOfMessage: true, cts.Token);

        var close = await ReceiveCloseAsync(client);
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, close.CloseStatus);
        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        ExpectTerminated(session);
        await AnswerCloseAsync(client);
        await server.Handler.Task.WaitAsync(Timeout());
    }

    [Fact]
    public async Task Malformed_json_is_an_error_frame_and_the_socket_stays_open()
    {
        await StartAsync(Options());
        var (client, _) = await ConnectAsync();

        await SendTextAsync(client, """{"type": "ping", "v": 1,""");
        var error = await ReceiveFrameAsync(client);
        Assert.Equal(("error", "malformed_json"), (error.Type, error.ErrorCode));

        await SendTextAsync(client, """{"type":"ping","v":1,"id":"p2"}""");
        var pong = await ReceiveFrameAsync(client);
        Assert.Equal(("pong", "p2"), (pong.Type, pong.Id));
        Assert.Equal(WebSocketState.Open, client.State);
    }

    [Fact]
    public async Task A_client_that_does_not_read_a_burst_is_cut_off_instead_of_buffered_without_bound()
    {
        var options = Options(o => o with { OutboundBuffer = 8, CloseTimeout = TimeSpan.FromSeconds(1) });
        await StartAsync(options);
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        // 10,000 pushes at once: far faster than the writer sends, so the queue of 8 overflows. Small ones (~1 MB in all):
        // the writer must not fill the socket before the overflow, or no close frame could be written. With 4,000-byte
        // pushes a few dozen filled a non-reading client's buffers, and on a loaded machine the writer sometimes sent that
        // many before the queue overflowed (the socket was then aborted: the next test's case).
        var text = new string('w', 100);
        for (var i = 0; i < 10_000; i++)
            session.Tell(new SessionPushes.ChatLine(Downtown, new PlayerId("smith"), "Smith", text, i));

        // The server gives up on the connection: the handler returns, the session stops and the player is detached.
        await server.Handler.Task.WaitAsync(Timeout(5));
        ExpectTerminated(session, Timeout(5));
        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);

        // The writer was not blocked when the queue overflowed (a burst, not a full socket), so the close frame was
        // written: when the client finally reads, it finds the few frames that were sent and then close 1013.
        var frames = 0;
        Assert.Equal("close 1013", await DrainAsync(client, () => frames++));
        Assert.True(frames < 10_000, $"{frames} frames were delivered: the queue was not bounded");
    }

    [Fact]
    public async Task A_client_that_does_not_read_while_pushes_trickle_in_is_aborted_once_its_socket_is_full()
    {
        var options = Options(o => o with { OutboundBuffer = 8, CloseTimeout = TimeSpan.FromSeconds(1) });
        await StartAsync(options);
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        // 256 KiB every 10 ms: slow enough for the writer to keep up until the socket buffers are full and a send
        // blocks; then the queue of 8 overflows while a send is pending, so no close frame can be written.
        var push = new SessionPushes.ChatLine(Downtown, new PlayerId("smith"), "Smith", new string('w', 256 * 1024), 0);
        var pushes = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.Zero, TimeSpan.FromMilliseconds(10), session, push, ActorRefs.NoSender);
        try
        {
            await server.Handler.Task.WaitAsync(Timeout(5));
            ExpectTerminated(session);
        }
        finally
        {
            pushes.Cancel();
        }
        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);

        var outcome = await DrainAsync(client);
        Assert.True(outcome is "close 1013" or "aborted", $"unexpected outcome: {outcome}");
    }

    /// <summary>Reads until the connection ends; "close NNNN" or "aborted".</summary>
    private async Task<string> DrainAsync(ClientWebSocket client, Action? onMessage = null)
    {
        using var cts = new CancellationTokenSource(Timeout(5));
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await client.ReceiveAsync(chunk, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    return $"close {(int?)result.CloseStatus}";
                if (result.EndOfMessage) onMessage?.Invoke();
            }
        }
        catch (WebSocketException)
        {
            return "aborted";
        }
    }

    [Fact]
    public async Task Shutdown_closes_with_1001_and_the_handler_ends_after_the_close_handshake()
    {
        // a long close timeout: the handler must end because the client answered, not because the timeout fired
        await StartAsync(Options(o => o with { CloseTimeout = TimeSpan.FromSeconds(30) }));
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        session.Tell(new SessionProtocol.Shutdown(WireProtocol.CloseCodes.GoingAway, "server shutting down"));

        var close = await ReceiveCloseAsync(client);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, close.CloseStatus);
        Assert.Equal("server shutting down", close.CloseStatusDescription);
        Assert.False(server.Handler.Task.IsCompleted, "the server must wait for the client's close frame");

        using (var cts = new CancellationTokenSource(Timeout()))
            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);

        await server.Handler.Task.WaitAsync(Timeout());
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        ExpectTerminated(session);
    }

    [Fact]
    public async Task Closing_all_sessions_sends_1001_and_reports_all_closed_once_clients_answer()
    {
        await StartAsync(Options(o => o with { CloseTimeout = TimeSpan.FromSeconds(30) }));
        var (first, _) = await ConnectAsync();
        var (second, _) = await ConnectAsync();

        var allClosed = _sessions!.Ask<SessionsActor.AllClosed>(SessionsActor.ShuttingDown, Timeout(5));

        foreach (var client in new[] { first, second })
        {
            var close = await ReceiveCloseAsync(client);
            Assert.Equal((WebSocketCloseStatus.EndpointUnavailable, "server shutting down"), (close.CloseStatus, close.CloseStatusDescription));
        }
        Assert.False(allClosed.IsCompleted, "sessions end only when their clients answer the close");
        await AnswerCloseAsync(first);
        await AnswerCloseAsync(second);
        await allClosed;
        Assert.Equal(0, await _sessions.Ask<int>(SessionsActor.Count.Instance, Timeout()));
    }

    [Fact]
    public async Task A_client_close_detaches_the_player_and_completes_the_handshake()
    {
        await StartAsync(Options(o => o with { CloseTimeout = TimeSpan.FromSeconds(30) }));
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        using (var cts = new CancellationTokenSource(Timeout()))
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);

        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        ExpectTerminated(session);
        await server.Handler.Task.WaitAsync(Timeout());
    }

    [Fact]
    public async Task A_vanished_client_detaches_the_player()
    {
        await StartAsync(Options());
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        client.Abort();

        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        ExpectTerminated(session);
        await server.Handler.Task.WaitAsync(Timeout());
    }

    [Fact]
    public async Task A_lone_surrogate_escape_is_an_error_frame_and_the_socket_stays_open()
    {
        await StartAsync(Options());
        var (client, _) = await ConnectAsync();

        // valid UTF-8 and valid JSON syntax, but not a valid UTF-16 string
        await SendTextAsync(client, """{"type":"ping","v":1,"id":"\ud800"}""");
        Assert.Equal("error", (await ReceiveFrameAsync(client)).Type);

        await SendTextAsync(client, """{"type":"ping","v":1,"id":"p2"}""");
        var pong = await ReceiveFrameAsync(client);
        Assert.Equal(("pong", "p2"), (pong.Type, pong.Id));
    }

    [Fact]
    public async Task A_session_that_dies_ends_its_connection_and_detaches_the_player()
    {
        await StartAsync(Options());
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        Sys.Stop(session);
        ExpectTerminated(session);

        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        var outcome = await DrainAsync(client);
        Assert.StartsWith("close", outcome);
        await server.Handler.Task.WaitAsync(Timeout());
    }

    [Fact]
    public async Task Invalid_utf8_in_a_text_frame_ends_the_connection()
    {
        await StartAsync(Options());
        var (client, server) = await ConnectAsync();
        await HelloAsync(client);
        var session = await server.Session.Task;
        Watch(session);

        using (var cts = new CancellationTokenSource(Timeout()))
            await client.SendAsync(new byte[] { (byte)'"', 0xC3, 0x28, (byte)'"' }, WebSocketMessageType.Text, endOfMessage: true, cts.Token);

        // The server's WebSocket rejects the payload itself with close 1007: the frame never reaches the session's JSON parser.
        // Issue 7: the close frame used to be lost to a reset; now the peer always reads it.
        var outcome = await DrainAsync(client);
        Assert.Equal("close 1007", outcome);
        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        ExpectTerminated(session);
        await server.Handler.Task.WaitAsync(Timeout());
    }

    private async Task<(RawSocketClient Client, ServerSide Server)> ConnectRawAsync()
    {
        using var cts = new CancellationTokenSource(Timeout());
        var client = await RawSocketClient.ConnectAsync(_uri, cts.Token);
        var server = await _accepted.Reader.ReadAsync(cts.Token);
        await server.Session.Task.WaitAsync(Timeout());
        return (client, server);
    }

    [Fact]
    public async Task A_protocol_violation_is_closed_with_1002_and_the_peer_reads_it()
    {
        await StartAsync(Options());
        var (client, server) = await ConnectRawAsync();
        using (client)
        {
            using var cts = new CancellationTokenSource(Timeout(5));
            // RSV1 set without a negotiated extension (RFC 6455 section 5.2).
            await client.SendFrameAsync(0xC1, "{}"u8.ToArray(), cts.Token);
            Assert.Equal(1002, await client.ReadUntilCloseAsync(cts.Token));
            await client.SendFrameAsync(0x88, [0x03, 0xEA], cts.Token);
            await server.Handler.Task.WaitAsync(Timeout());
        }
    }

    [Fact]
    public async Task A_client_reset_while_the_server_writes_ends_the_connection_quietly()
    {
        await StartAsync(Options(o => o with { CloseTimeout = TimeSpan.FromSeconds(1) }));
        var (client, server) = await ConnectRawAsync();
        using (client)
        {
            using (var cts = new CancellationTokenSource(Timeout()))
                await client.SendTextAsync("""{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""", cts.Token);
            _players.ExpectMsg<PlayerCommands.Attach>();
            _players.Reply(new PlayerReplies.Attached(new PlayerReplies.CharacterSheet(Neo, "Neo", null, default, 500, 200, 1000)));
            var session = await server.Session.Task;
            Watch(session);

            // The client never reads: the server keeps writing 64 KiB lines until the socket is full, then the client resets.
            var push = new SessionPushes.ChatLine(Downtown, new PlayerId("smith"), "Smith", new string('w', 64 * 1024), 0);
            var pushes = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.Zero, TimeSpan.FromMilliseconds(5), session, push, ActorRefs.NoSender);
            try
            {
                // The first 64 KiB arriving proves the writes are flowing; then the client resets with more in flight.
                using (var cts = new CancellationTokenSource(Timeout()))
                    await client.ReadBytesAsync(64 * 1024, cts.Token);
                client.Reset();
                // Issue 7: the write's failure came wrapped in an AggregateException and escaped RunAsync.
                await server.Handler.Task.WaitAsync(Timeout(5));
            }
            finally
            {
                pushes.Cancel();
            }
            ExpectTerminated(session);
        }
    }

    [Theory]
    [InlineData(typeof(WebSocketException))]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(OperationCanceledException))]
    public void A_wrapped_reset_counts_as_the_peer_gone(Type inner)
    {
        var cause = (Exception)Activator.CreateInstance(inner)!;
        Assert.True(WebSocketConnection.IsPeerGone(new AggregateException(cause)));
        Assert.True(WebSocketConnection.IsPeerGone(new AggregateException(new AggregateException(cause))));
        Assert.False(WebSocketConnection.IsPeerGone(new AggregateException(cause, new InvalidOperationException())));
        Assert.False(WebSocketConnection.IsPeerGone(new InvalidOperationException()));
    }
}

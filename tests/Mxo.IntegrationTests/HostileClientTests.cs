using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Akka.Actor;
using Mxo.Edge.Auth;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Xunit;
using Mxo.Actors.Accounts;

namespace Mxo.IntegrationTests;

/// <summary>
/// A production-mode node (no --dev, so no loopback exemption) with the default world rules, played by the hostile
/// clients of issue 7 over real sockets. Only the socket limit per address is lowered, to 3.
/// </summary>
public sealed class HostileNodeFixture : IAsyncLifetime
{
    private readonly TempData _data = new();
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync([
        .. _data.SqliteArgs, "--Mxo:Jwt:SigningKey=" + TestNode.SigningKey,
        "--Mxo:Accounts:PasswordIterations=1000", // fast hashing for tests only
        "--Mxo:Edge:MaxSocketsPerAddress=3",
    ]);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>A socket playing a new character, after its welcome.</summary>
    public async Task<(TestClient Client, string Character)> NewPlayerAsync()
    {
        var character = await NewCharacterAsync();
        return (await ConnectAsync(character), character);
    }

    /// <summary>Opens a socket for <paramref name="character"/> with a valid access token and waits for its welcome.</summary>
    public async Task<TestClient> ConnectAsync(string character)
    {
        var client = await TestClient.ConnectAsync(Node.Ws, Bearer(character));
        await client.ExpectTypeAsync("welcome");
        return client;
    }

    public Action<ClientWebSocketOptions> Bearer(string character)
    {
        string account;
        lock (_accounts) account = _accounts[character];
        var token = SecureNodeFixture.Token(account, character);
        return o => o.SetRequestHeader("Authorization", "Bearer " + token);
    }

    private readonly Dictionary<string, string> _accounts = new();

    /// <summary>Registers an account with one new character; returns the character's name.</summary>
    public async Task<string> NewCharacterAsync()
    {
        var (account, character) = await SecureNodeFixture.NewPlayerAsync(Node, "host", "Hostile");
        lock (_accounts) _accounts[character] = account;
        return character;
    }
}

public sealed class HostileClientTests(HostileNodeFixture fixture) : IClassFixture<HostileNodeFixture>
{
    private static readonly (double X, double Y, double Z) Spawn = (1500, 0, 0);

    private static string Code(JsonElement frame) => Frames.Data(frame).GetProperty("code").GetString()!;

    /// <summary>Where the server has the player: the position an "entered" for the district it is in reports.</summary>
    private static async Task<double> AuthoritativeXAsync(TestClient client) =>
        Frames.Position(Frames.Data(await client.EnterAsync("downtown")).GetProperty("position")).X;

    [Fact]
    public async Task Re_entering_the_district_does_not_refill_the_movement_budget()
    {
        var (client, _) = await fixture.NewPlayerAsync();
        await using (client)
        {
            var clock = Stopwatch.StartNew();
            await client.EnterAsync("downtown");
            var x = Spawn.X;
            // The probe's attack: move almost a whole burst budget, enter the same district, repeat (21x the limit).
            for (var i = 0; i < 3; i++)
            {
                x += 8.9;
                await client.MoveAsync(x, 0, 0);
                await client.EnterAsync("downtown");
            }
            var reached = await AuthoritativeXAsync(client) - Spawn.X;
            // At most one burst (9 units) plus 20 units/s of the time that really passed.
            Assert.InRange(reached, 0, 9 + 20 * clock.Elapsed.TotalSeconds + 0.01);
        }
    }

    [Fact]
    public async Task Reconnecting_does_not_refill_the_movement_budget()
    {
        var (first, character) = await fixture.NewPlayerAsync();
        var clock = Stopwatch.StartNew();
        await using (first)
        {
            await first.EnterAsync("downtown");
            await first.MoveAsync(Spawn.X + 8.9, 0, 0);
            await first.CloseAsync();
        }
        // The probe reconnected to get a fresh budget (176 u/s).
        await using var second = await fixture.ConnectAsync(character);
        await second.EnterAsync("downtown");
        await second.MoveAsync(Spawn.X + 17.8, 0, 0);
        var reached = await AuthoritativeXAsync(second) - Spawn.X;
        Assert.InRange(reached, 0, 9 + 20 * clock.Elapsed.TotalSeconds + 0.01);
    }

    [Fact]
    public async Task A_chat_flood_is_rate_limited_with_the_time_to_wait_and_then_closed_with_4008()
    {
        var (flooder, _) = await fixture.NewPlayerAsync();
        await using (flooder)
        {
            await flooder.EnterAsync("downtown");
            // The probe said 532-833 lines a second, every one journaled and broadcast. Ten at once: the burst of
            // five is taken, the rest are refused with the time to wait and never reach the district.
            for (var i = 0; i < 10; i++) await flooder.SendAsync("say", """{"text":"spam"}""");
            var acked = 0;
            var limited = new List<JsonElement>();
            await flooder.ExpectAsync(f =>
            {
                if (Frames.Type(f) == "ack") acked++;
                if (Frames.Type(f) == "error" && Code(f) == ErrorCodes.RateLimited) limited.Add(f);
                return acked + limited.Count == 10;
            }, what: "ten answers");
            // A token or two of the per-character say rate may refill while the ten are read; never anywhere near all
            // ten, and never more than nearby chat's five per 10 s (issue 12), whose bucket says 2 s when it is the
            // one that refuses.
            Assert.InRange(acked, 5, 7);
            Assert.All(limited, f => Assert.InRange(Frames.Data(f).GetProperty("retryAfterMs").GetInt64(), 1, 2_000));

            // Going on regardless: 20 refusals within 10 s close the socket.
            for (var i = 0; i < 30; i++) await flooder.SendAsync("say", """{"text":"spam"}""");
            Assert.Equal((WebSocketCloseStatus)4008, await flooder.ExpectCloseAsync());
        }
    }

    [Fact]
    public async Task A_burst_of_bad_frames_is_answered_in_part_and_does_not_overflow_a_reading_client()
    {
        var (client, _) = await fixture.NewPlayerAsync();
        await using (client)
        {
            // 350 bad frames at once: before issue 7 each got its error frame, and 256 of them overflowed the
            // outgoing queue (1013) although the client reads.
            for (var i = 0; i < 350; i++) await client.SendRawAsync("not json");
            var errors = 0;
            var suppressed = 0;
            // Keep pinging until a pong comes back: the frame bucket refills at 60/s.
            var pong = client.NextId();
            var sender = Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await client.SendAsync("ping", id: pong);
                    await Task.Delay(100);
                }
            });
            await client.ExpectAsync(f =>
            {
                if (Frames.Type(f) == "error")
                {
                    errors++;
                    if (Frames.Data(f).TryGetProperty("suppressed", out var s)) suppressed += s.GetInt32();
                }
                return Frames.Type(f) == "pong";
            }, what: "a pong after the burst");
            Assert.Null(client.CloseStatus);
            Assert.InRange(errors, 1, 30);
            await sender;
        }
    }

    [Fact]
    public async Task A_flood_of_cheap_frames_is_closed_with_4008()
    {
        var (client, _) = await fixture.NewPlayerAsync();
        await using (client)
        {
            // 120 frames of burst, then 300 dropped within 10 s close the socket; the rest go unread.
            for (var i = 0; i < 1_000; i++) await client.SendRawAsync("""{"type":"ping","v":1}""");
            Assert.Equal((WebSocketCloseStatus)4008, await client.ExpectCloseAsync());
        }
    }

    [Fact]
    public async Task Refused_moves_without_end_close_the_socket_with_4009()
    {
        var (client, _) = await fixture.NewPlayerAsync();
        await using (client)
        {
            await client.EnterAsync("downtown");
            // 100 refused moves within 10 s by default; 60 frames/s with a burst of 120 lets them through in time.
            for (var i = 1; i <= 110; i++) await client.MoveAsync(Spawn.X + 50 * (i % 5 + 1), 0, 0);
            Assert.Equal((WebSocketCloseStatus)4009, await client.ExpectCloseAsync());
        }
    }

    [Fact]
    public async Task An_address_may_hold_only_so_many_sockets()
    {
        var players = new List<TestClient>();
        try
        {
            // Three at most (the fixture's limit); the fourth upgrade from the same address is refused with 429.
            for (var i = 0; i < 3; i++) players.Add((await fixture.NewPlayerAsync()).Client);
            var fourth = await fixture.NewCharacterAsync();
            var (status, _) = await TestClient.RefusedUpgradeAsync(fixture.Node.Ws, fixture.Bearer(fourth));
            Assert.Equal(429, status);

            // Closing one frees its place (the count drops when the server has finished with the socket).
            await players[0].DisposeAsync();
            players.RemoveAt(0);
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    players.Add(await fixture.ConnectAsync(fourth));
                    break;
                }
                catch (WebSocketException) when (deadline.Elapsed < TestClient.DefaultTimeout)
                {
                    await Task.Delay(50); // polling the server's bookkeeping, bounded by the deadline
                }
            }
        }
        finally
        {
            foreach (var p in players) await p.DisposeAsync();
        }
    }
}

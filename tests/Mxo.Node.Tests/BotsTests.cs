using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Mxo.Node.Bots;
using Xunit;

namespace Mxo.Node.Tests;

public class BotsTests
{
    private static readonly Regex NamePattern = new("^[A-Za-z][A-Za-z0-9_-]{2,23}$");

    [Fact]
    public void No_arguments_gives_the_documented_defaults()
    {
        Assert.True(BotsCommand.TryParse([], out var options, out var error), error);
        Assert.Equal(50, options.Count);
        Assert.Equal(new Uri("ws://127.0.0.1:5080/ws"), options.Url);
        Assert.Null(options.Duration);
        Assert.Equal("downtown", options.District);
        Assert.Equal(5, options.MoveHz);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ChatEvery);
        Assert.Equal("bot", options.NamePrefix);
        Assert.Null(options.Ramp);
        Assert.Equal(10, options.ConnectBatchSize);
    }

    [Fact]
    public void Every_option_is_parsed()
    {
        string[] args =
        [
            "--count", "7", "--url", "ws://10.0.0.5:6000/ws", "--duration", "2m", "--district", "Richland",
            "--move-hz", "2.5", "--chat-every", "1500ms", "--name-prefix", "load_t", "--ramp=3s",
        ];
        Assert.True(BotsCommand.TryParse(args, out var options, out var error), error);
        Assert.Equal(7, options.Count);
        Assert.Equal(new Uri("ws://10.0.0.5:6000/ws"), options.Url);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Duration);
        Assert.Equal("richland", options.District);
        Assert.Equal(2.5, options.MoveHz);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ChatEvery);
        Assert.Equal("load_t", options.NamePrefix);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Ramp);
    }

    [Theory]
    [InlineData("--count")]                                  // no value
    [InlineData("--count", "0")]
    [InlineData("--count", "-3")]
    [InlineData("--count", "many")]
    [InlineData("--count", "100001")]
    [InlineData("--url", "http://127.0.0.1:5080/ws")]
    [InlineData("--url", "not a url")]
    [InlineData("--duration", "0")]
    [InlineData("--duration", "-5s")]
    [InlineData("--duration", "soon")]
    [InlineData("--district", "zion")]
    [InlineData("--move-hz", "-1")]
    [InlineData("--move-hz", "1000")]
    [InlineData("--move-hz", "fast")]
    [InlineData("--chat-every", "often")]
    [InlineData("--name-prefix", "9lives")]
    [InlineData("--name-prefix", "bad name")]
    [InlineData("--name-prefix", "waytoolongforacharacter")]
    [InlineData("--ramp", "-1s")]
    [InlineData("--bogus", "1")]
    [InlineData("stray")]
    public async Task A_bad_option_prints_usage_and_exits_2_without_connecting(params string[] args)
    {
        using var output = new StringWriter();

        var exit = await BotsCommand.RunAsync(args, output, CancellationToken.None);

        Assert.Equal(2, exit);
        var text = output.ToString();
        Assert.Contains("usage: mxo-node bots", text);
        Assert.DoesNotContain("requested", text); // no swarm ran
    }

    [Fact]
    public async Task Help_prints_usage_and_exits_0()
    {
        using var output = new StringWriter();
        Assert.Equal(0, await BotsCommand.RunAsync(["--help"], output, CancellationToken.None));
        Assert.Contains("usage: mxo-node bots", output.ToString());
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("45", 45_000)]
    [InlineData("0.25", 250)]
    [InlineData(" 10S ", 10_000)]
    [InlineData("00:01:30", 90_000)]
    [InlineData("0", 0)]
    public void Durations_parse(string text, double expectedMs)
    {
        Assert.True(BotsCommand.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("ms")]
    [InlineData("-1s")]
    [InlineData("1e3")]
    [InlineData("ten seconds")]
    [InlineData("5 s")]
    [InlineData("3d")]
    [InlineData("NaN")]
    [InlineData("99999999999h")]
    public void Bad_durations_are_refused(string? text)
    {
        Assert.False(BotsCommand.TryParseDuration(text, out _));
    }

    [Fact]
    public void Bot_names_are_valid_character_names_and_unique()
    {
        var swarm = new BotSwarm(new BotOptions { Count = 12_345, NamePrefix = "loadbot", Seed = 42 });

        Assert.Matches("^[a-z0-9]{4}$", swarm.RunTag);
        Assert.Equal($"loadbot-{swarm.RunTag}-00007", swarm.Names[7]);
        Assert.All(swarm.Names, name => Assert.Matches(NamePattern, name));
        Assert.Equal(swarm.Names.Count, swarm.Names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.NotEqual(new BotSwarm(new BotOptions { Seed = 1 }).RunTag, new BotSwarm(new BotOptions { Seed = 2 }).RunTag);
    }

    [Fact]
    public async Task Without_a_server_every_bot_fails_to_connect_and_the_exit_code_is_1()
    {
        using var dead = new DeadPort();
        var port = dead.Port;
        using var output = new StringWriter();

        var exit = await BotsCommand.RunAsync(
            ["--count", "3", "--url", $"ws://127.0.0.1:{port}/ws", "--duration", "1s"], output, CancellationToken.None);

        var text = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains("bots: 3 requested, 0 connected, 3 failed to connect, 0 disconnected early", text);
        Assert.Contains("connect failures:", text);
        Assert.Contains("frames: 0 sent, 0 received", text);
        Assert.Contains("errors: 0", text);
        Assert.Contains("duration:", text);
    }

    [Fact]
    public async Task A_swarm_cancelled_before_it_starts_reports_every_bot_as_not_started()
    {
        using var dead = new DeadPort();
        var swarm = new BotSwarm(new BotOptions { Count = 4, Url = new Uri($"ws://127.0.0.1:{dead.Port}/ws") });

        var report = await swarm.RunAsync(new CancellationToken(canceled: true));

        Assert.Equal(4, report.Requested);
        Assert.Equal(4, report.NotStarted);
        Assert.Equal(0, report.Connected + report.FailedToConnect);
        Assert.Equal(1, report.ExitCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => swarm.RunAsync());
    }

    [Fact]
    public void The_summary_lists_counts_latency_and_first_errors()
    {
        var report = new BotReport
        {
            RunTag = "k3f9",
            Requested = 50,
            Connected = 49,
            FailedToConnect = 1,
            DisconnectedEarly = 2,
            NotStarted = 0,
            ConnectFailures = new Dictionary<string, int> { ["no welcome within 10 s"] = 1 },
            Disconnects = new Dictionary<string, int> { ["1001 going away \"node shutting down\""] = 2 },
            FramesSent = 12345,
            FramesReceived = 67890,
            ReceivedByType = new Dictionary<string, long>
            {
                ["welcome"] = 50, ["entered"] = 49, ["moved"] = 60000, ["chat"] = 500, ["ack"] = 250, ["error"] = 1, ["pong"] = 3,
            },
            Said = 250,
            Acked = 250,
            Echoed = 249,
            EchoLatencyP50Ms = 3.14,
            EchoLatencyP99Ms = 12.0,
            EchoLatencyMaxMs = 20.0,
            Errors = 1,
            ErrorsByCode = new Dictionary<string, long> { ["busy"] = 1 },
            FirstErrors = ["bot-k3f9-0003: busy: still working (id 3-9)"],
            Duration = TimeSpan.FromSeconds(30.04),
        };

        var lines = report.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(new[]
        {
            "bots: 50 requested, 49 connected, 1 failed to connect, 2 disconnected early",
            "connect failures: no welcome within 10 s x1",
            "disconnects: 1001 going away \"node shutting down\" x2",
            "frames: 12345 sent, 67890 received (welcome 50, entered 49, moved 60000, chat 500, ack 250, error 1, pong 3)",
            "chat: 250 said, 250 acked, 249 echoed, echo latency p50 3.1 ms, p99 12.0 ms, max 20.0 ms",
            "errors: 1 (busy x1); first: bot-k3f9-0003: busy: still working (id 3-9)",
            "duration: 30.0 s",
        }, lines);
        Assert.False(report.Succeeded);
        Assert.Equal(1, report.ExitCode);
        Assert.Equal(0, (report with { Errors = 0 }).ExitCode);
        Assert.Equal(1, (report with { Errors = 0, Connected = 0 }).ExitCode);
    }

    /// <summary>
    /// A loopback port that is bound but not listening, held until disposed: connections to it are refused, and no
    /// other test running in parallel can start a server on it.
    /// </summary>
    private sealed class DeadPort : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public DeadPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

        public void Dispose() => _socket.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Mxo.Bots;
using Xunit;

namespace Mxo.Bots.Tests;

public partial class BotsTests
{
    private static readonly Regex NamePattern = new("^[A-Za-z][A-Za-z0-9_-]{2,23}$");
    private static readonly TimeSpan Timeout = Mxo.TestSupport.TestTime.Scaled(TimeSpan.FromSeconds(60));

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
        Assert.Null(options.Warmup);
        Assert.Equal(10, options.ConnectBatchSize);
        Assert.False(options.Hello);
        Assert.Null(options.HttpUrl);
        Assert.Equal(new Uri("http://127.0.0.1:5080/"), options.HttpBaseUrl);
        Assert.Null(options.Password);
        Assert.Null(options.RunTag);
        Assert.Equal(0.8, options.RefreshFraction);
        Assert.Empty(options.ReconnectUrls);
        Assert.False(options.RetryConnect);
    }

    [Fact]
    public void Reconnect_urls_are_read_from_repeated_options_and_comma_separated_lists_in_order()
    {
        string[] args = ["--reconnect-url", "ws://10.0.0.6:5081/ws, ws://10.0.0.7:5082/ws", "--reconnect-url=wss://edge3.example.com/ws"];

        Assert.True(BotsCommand.TryParse(args, out var options, out var error), error);

        Assert.Equal(
            new[] { new Uri("ws://10.0.0.6:5081/ws"), new Uri("ws://10.0.0.7:5082/ws"), new Uri("wss://edge3.example.com/ws") },
            options.ReconnectUrls);
        Assert.Equal(BotOptions.DefaultUrl, options.Url); // the first socket is still --url's
    }

    [Theory]
    [InlineData("http://10.0.0.6:5081/ws", "http://10.0.0.6:5081/ws")]
    [InlineData("ws://10.0.0.6:5081/ws,edge2:5082", "edge2:5082")]
    [InlineData("ws://10.0.0.6:5081/ws,", "")]
    public void A_reconnect_url_that_is_not_a_socket_url_is_refused_by_name(string value, string bad)
    {
        Assert.False(BotsCommand.TryParse(["--reconnect-url", value], out _, out var error));
        Assert.Equal($"--reconnect-url must be ws:// or wss:// urls, not '{bad}'", error);
    }

    [Fact]
    public void The_account_options_are_parsed()
    {
        string[] args = ["--http", "https://api.example.com:8443", "--password=s3cret-pass word", "--run-tag", "Ab12", "--hello"];
        Assert.True(BotsCommand.TryParse(args, out var options, out var error), error);
        Assert.Equal(new Uri("https://api.example.com:8443/"), options.HttpBaseUrl);
        Assert.Equal("s3cret-pass word", options.Password);
        Assert.Equal("Ab12", options.RunTag);
        Assert.True(options.Hello);

        Assert.True(BotsCommand.TryParse(["--hello", "--count", "3"], out options, out error), error); // a flag takes no value
        Assert.True(options.Hello);
        Assert.Equal(3, options.Count);
        Assert.True(BotsCommand.TryParse(["--hello=false"], out options, out error), error);
        Assert.False(options.Hello);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:5080/ws", "http://127.0.0.1:5080/")]
    [InlineData("ws://10.0.0.5:6000/some/path?x=1", "http://10.0.0.5:6000/")]
    [InlineData("wss://game.example.com/ws", "https://game.example.com/")]
    [InlineData("wss://game.example.com:8443/ws", "https://game.example.com:8443/")]
    [InlineData("ws://game.example.com/ws", "http://game.example.com/")]
    public void The_http_url_is_derived_from_the_socket_url(string socket, string http)
    {
        Assert.True(BotsCommand.TryParse(["--url", socket], out var options, out var error), error);
        Assert.Equal(new Uri(http), options.HttpBaseUrl);
    }

    [Fact]
    public void Every_option_is_parsed()
    {
        string[] args =
        [
            "--count", "7", "--url", "ws://10.0.0.5:6000/ws", "--duration", "2m", "--district", "Richland",
            "--move-hz", "2.5", "--chat-every", "1500ms", "--name-prefix", "load_t", "--ramp=3s", "--watchers", "3", "--warmup", "30s",
            "--connect-batch", "250", "--retry-connect", "--district-chat", "0.25", "--whisper-every", "20s", "--crews", "--teams", "--org-chat",
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
        Assert.Equal(3, options.Watchers);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Warmup);
        Assert.Equal(250, options.ConnectBatchSize);
        Assert.True(options.RetryConnect);
        Assert.Equal(0.25, options.DistrictChatShare);
        Assert.Equal(TimeSpan.FromSeconds(20), options.WhisperEvery);
        Assert.True(options.Crews);
        Assert.True(options.Teams);
        Assert.True(options.OrgChat);
    }

    [Theory]
    [InlineData("--district-chat", "1.5")]
    [InlineData("--district-chat", "-0.1")]
    [InlineData("--whisper-every", "soon")]
    public void Bad_chat_options_are_refused(string option, string value) =>
        Assert.False(BotsCommand.TryParse([option, value], out _, out _));

    [Fact]
    public async Task Bots_whisper_each_other_by_name_and_say_district_lines()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), dev: true);
        using var cts = new CancellationTokenSource();
        var swarm = new BotSwarm(new BotOptions
        {
            Count = 2, Hello = true, Url = node.SocketUrl, MoveHz = 0, Seed = 5, ChatEvery = TimeSpan.FromMilliseconds(100),
            DistrictChatShare = 1, WhisperEvery = TimeSpan.FromMilliseconds(100),
        });
        var names = swarm.Names.Select(n => n.ToLowerInvariant()).ToArray();
        var run = swarm.RunAsync(cts.Token);
        // Each bot whispered the other (never itself), and said district lines.
        await node.Until(f => names.All(n => f.Any(x => x.Type == "whisper" && x.Player == n)) && f.Count(x => x.Type == "chat") >= 2)
            .WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        Assert.All(node.Frames.Where(x => x.Type == "whisper"),
            x => Assert.Equal(names.Single(n => n != x.Player), x.Data.GetProperty("to").GetString()!.ToLowerInvariant()));
        Assert.All(node.Frames.Where(x => x.Type == "chat"), x => Assert.Equal("district", x.Data.GetProperty("channel").GetString()));
        Assert.DoesNotContain(node.Frames, x => x.Type == "say");
        Assert.True(report.Whispered >= 2 && report.WhispersAcked >= 1 && report.WhispersHeard >= 1,
            $"{report.Whispered} whispered, {report.WhispersAcked} acked, {report.WhispersHeard} heard");
        Assert.Equal(report.Said, report.SaidDistrictWide);
        Assert.Equal(0, report.Errors);
        Assert.Contains("whispers: ", report.ToString());
    }

    [Fact]
    public void Moves_sent_during_the_warm_up_are_not_counted()
    {
        var warmingUp = new MoveWitness(countFrom: System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency * 3600);
        var counting = new MoveWitness();
        foreach (var witness in new[] { warmingUp, counting })
        {
            witness.Sent("neo", 1500, 3);
            witness.Seen("neo", 1500, 3);
        }
        Assert.Equal((0, 1), (warmingUp.Latency.Count, counting.Latency.Count));
    }

    [Fact]
    public void A_stamped_line_heard_gives_one_delivery_sample_under_its_channel_and_anything_else_none()
    {
        var delivery = new ChatDelivery();
        delivery.Heard("crew", ChatDelivery.Stamp("hello (crew, from bot-1)"));
        delivery.Heard("say", "no stamp at all");
        delivery.Heard("say", "a tilde ~ but no time");
        delivery.Heard("say", "~-5");
        var warmingUp = new ChatDelivery(countFrom: System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency * 3600);
        warmingUp.Heard("say", ChatDelivery.Stamp("too early"));

        var crew = Assert.Single(delivery.Figures());
        Assert.Equal(("crew", 1L), (crew.Channel, crew.Samples));
        Assert.InRange(crew.P99Ms, 0, 60_000);
        Assert.Empty(warmingUp.Figures());
        var report = new BotReport
        {
            RunTag = "t", Requested = 1, Connected = 1, FailedToConnect = 0, DisconnectedEarly = 0, NotStarted = 0,
            ConnectFailures = new Dictionary<string, int>(), Disconnects = new Dictionary<string, int>(), FramesSent = 0, FramesReceived = 0,
            ReceivedByType = new Dictionary<string, long>(), Said = 0, Acked = 0, Echoed = 0, EchoLatencyP50Ms = null,
            EchoLatencyP99Ms = null, EchoLatencyMaxMs = null, Errors = 0, ErrorsByCode = new Dictionary<string, long>(), FirstErrors = [],
            Duration = TimeSpan.FromSeconds(1),
            ChatDelivery = [new ChannelDelivery("say", 10, 1.5, 9.5, 12), new ChannelDelivery("team", 3, 2, 4, 5)],
        };
        Assert.Contains("chat delivery: say p50 1.5 ms, p99 9.5 ms, max 12.0 ms (10 heard), team p50 2.0 ms, p99 4.0 ms, max 5.0 ms (3 heard)",
            report.ToString());
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
    [InlineData("--connect-batch", "0")]
    [InlineData("--connect-batch", "100001")]
    [InlineData("--warmup", "-1s")]
    [InlineData("--warmup", "30s", "--duration", "30s")]
    [InlineData("--http", "ws://127.0.0.1:5080")]
    [InlineData("--http", "/auth")]
    [InlineData("--http")]
    [InlineData("--password", "short")]
    [InlineData("--password", "           ")]
    [InlineData("--run-tag", "toolongtag")]
    [InlineData("--run-tag", "a-b")]
    [InlineData("--hello=maybe")]
    [InlineData("--watchers", "-1")]
    [InlineData("--watchers", "many")]
    [InlineData("--reconnect-url")]
    [InlineData("--fight-every", "0")]
    [InlineData("--fight-every", "soon")]
    [InlineData("--fight=maybe")]
    [InlineData("--reconnect-url", "/ws")]
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

    [Fact]
    public async Task Help_lists_every_option_with_its_default()
    {
        using var output = new StringWriter();
        Assert.Equal(0, await BotsCommand.RunAsync(["--help"], output, CancellationToken.None));
        var help = output.ToString();

        var options = BotsCommand.Create().Options.Where(o => o is not System.CommandLine.Help.HelpOption).ToList();
        Assert.Equal(29, options.Count);
        foreach (var option in options)
            Assert.Contains(option.Name + " ", help);
        // One row per option, each with its default (and the help option's row).
        var rows = Mxo.TestSupport.HelpText.Rows(help).Where(r => !r.StartsWith("-?", StringComparison.Ordinal)).ToList();
        Assert.Equal(options.Count, rows.Count);
        Assert.All(rows, row => Assert.Contains("[default: ", row));
        Assert.Contains("[default: 50]", help);
        Assert.Contains("[default: ws://127.0.0.1:5080/ws]", help);
        Assert.Contains("[default: none, a dropped bot stays out]", help);
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
    public async Task Without_a_server_the_hello_flow_fails_to_connect_without_http()
    {
        using var dead = new DeadPort();
        using var output = new StringWriter();

        var exit = await BotsCommand.RunAsync(
            ["--hello", "--count", "2", "--url", $"ws://127.0.0.1:{dead.Port}/ws", "--duration", "1m"], output, CancellationToken.None);

        var text = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains("[hello (dev, no accounts)]", text);
        Assert.Contains("bots: 2 requested, 0 connected, 2 failed to connect", text);
        Assert.DoesNotContain("http:", text);
    }

    [Fact]
    public async Task An_unreachable_http_api_is_reported_per_endpoint_and_code()
    {
        using var deadHttp = new DeadPort();
        using var output = new StringWriter();

        // The swarm ends as soon as every bot has failed: the 1 minute is never waited for.
        var exit = await BotsCommand.RunAsync(
            ["--count", "3", "--url", "ws://127.0.0.1:1/ws", "--http", $"http://127.0.0.1:{deadHttp.Port}", "--duration", "1m"],
            output, CancellationToken.None);

        var text = output.ToString();
        Assert.Equal(1, exit);
        Assert.Contains($"[accounts via http://127.0.0.1:{deadHttp.Port}/]", text);
        Assert.Contains("bots: 3 requested, 0 connected, 3 failed to connect, 0 disconnected early", text);
        Assert.Contains("connect failures: register: connection_refused (", text);
        Assert.Contains("http: 3 requests (register 3), 3 failed (register connection_refused x3)", text);
        Assert.Contains("logins: 0 ok, latency n/a", text);
        Assert.Contains("frames: 0 sent, 0 received", text);
        Assert.Contains("errors: 0", text);
        Assert.DoesNotContain("Exception", text);
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
                ["welcome"] = 50, ["entered"] = 49, ["view"] = 60000, ["chat"] = 500, ["ack"] = 250, ["error"] = 1, ["pong"] = 3,
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
            Cpu = TimeSpan.FromSeconds(7.5),
        };

        var lines = report.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(new[]
        {
            "bots: 50 requested, 49 connected, 1 failed to connect, 2 disconnected early",
            "connect failures: no welcome within 10 s x1",
            "disconnects: 1001 going away \"node shutting down\" x2",
            "frames: 12345 sent, 67890 received (welcome 50, entered 49, view 60000, chat 500, ack 250, error 1, pong 3)",
            "chat: 250 said, 250 acked, 249 echoed, echo latency p50 3.1 ms, p99 12.0 ms, max 20.0 ms",
            "errors: 1 (busy x1); first: bot-k3f9-0003: busy: still working (id 3-9)",
            "duration: 30.0 s",
            $"load generator CPU: 7.50 s (25% of one core, {Environment.ProcessorCount} cores here)",
        }, lines);
        Assert.False(report.Succeeded);
        Assert.Equal(1, report.ExitCode);
        Assert.Equal(0, (report with { Errors = 0 }).ExitCode);
        Assert.Equal(1, (report with { Errors = 0, Connected = 0 }).ExitCode);
    }

    [Fact]
    public void The_summary_says_how_many_bots_were_resynced_and_when_the_last_was()
    {
        var report = new BotReport
        {
            RunTag = "k3f9", Requested = 2, Connected = 2, FailedToConnect = 0, DisconnectedEarly = 0, NotStarted = 0,
            ConnectFailures = new Dictionary<string, int>(), Disconnects = new Dictionary<string, int>(),
            FramesSent = 1, FramesReceived = 1, ReceivedByType = new Dictionary<string, long> { ["resynced"] = 2 },
            Said = 0, Acked = 0, Echoed = 0, EchoLatencyP50Ms = null, EchoLatencyP99Ms = null, EchoLatencyMaxMs = null,
            Errors = 0, ErrorsByCode = new Dictionary<string, long>(), FirstErrors = [], Duration = TimeSpan.FromSeconds(1),
            ResyncedBots = 2, LastResyncedAt = new DateTimeOffset(2026, 12, 2, 14, 3, 7, 250, TimeSpan.Zero),
        };
        var text = report.ToString();
        Assert.Contains("resynced 2", text);
        Assert.Contains("resynced: 2 bots after a world node failed, the last at 14:03:07.250 UTC", text);
        Assert.DoesNotContain("resynced:", (report with { ResyncedBots = 0, LastResyncedAt = null }).ToString());
    }

    [Fact]
    public void The_summary_says_how_many_bots_reconnected_when_the_last_was_back_and_what_was_lost_in_flight()
    {
        var report = new BotReport
        {
            RunTag = "k3f9", Requested = 3, Connected = 3, FailedToConnect = 0, DisconnectedEarly = 1, NotStarted = 0,
            ConnectFailures = new Dictionary<string, int>(), Disconnects = new Dictionary<string, int> { ["connection lost: reset"] = 1 },
            FramesSent = 10, FramesReceived = 10, ReceivedByType = new Dictionary<string, long> { ["welcome"] = 5, ["entered"] = 5 },
            Said = 9, Acked = 6, Echoed = 0, EchoLatencyP50Ms = null, EchoLatencyP99Ms = null, EchoLatencyMaxMs = null,
            Errors = 0, ErrorsByCode = new Dictionary<string, long>(), FirstErrors = [], Duration = TimeSpan.FromSeconds(30),
            Drops = new Dictionary<string, long> { ["connection lost: reset"] = 2, ["1001 going away"] = 1 },
            Reconnected = 2, Reconnections = 2, ReconnectAttemptsFailed = 3,
            ReconnectFailures = new Dictionary<string, long> { ["Connection refused (127.0.0.1:5081)"] = 3 },
            FirstDropAt = new DateTimeOffset(2026, 12, 2, 14, 3, 3, 50, TimeSpan.Zero),
            LastBackAt = new DateTimeOffset(2026, 12, 2, 14, 3, 7, 250, TimeSpan.Zero),
            LongestOutage = TimeSpan.FromSeconds(3.94),
            SaysLostInFlight = 2,
        };

        var lines = report.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("bots: 3 requested, 3 connected, 0 failed to connect, 1 disconnected early", lines[0]);
        Assert.Equal("disconnects: connection lost: reset x1", lines[1]);
        Assert.Equal("drops: 3, the first at 14:03:03.050 UTC (connection lost: reset x2, 1001 going away x1)", lines[2]);
        Assert.Equal("reconnected: 2 bots, the last back 4.2 s after the first socket dropped (at 14:03:07.250 UTC), the longest " +
                     "outage 3.9 s; 3 attempts failed (Connection refused (127.0.0.1:5081) x3)", lines[3]);
        Assert.Contains("chat: 9 said, 6 acked, 2 lost in flight, 0 echoed, echo latency n/a", lines);
        Assert.Contains("reconnected: 2 bots (3 times), ", (report with { Reconnections = 3 }).ToString());
    }

    [Theory]
    [InlineData("""{"type":"view","v":1,"data":{"moved":[]}}""", true)]
    [InlineData("""{"type":"chat","v":1,"data":{}}""", false)]
    [InlineData("""{"v":1,"type":"view","data":{}}""", false)]   // not first: the full parse decides
    [InlineData("""{"type":"viewer"}""", false)]
    [InlineData("""{"type":"view" """, true)]                   // counted as a view; its body is not read
    [InlineData("""["type","view"]""", false)]
    [InlineData("""not json""", false)]
    public void Only_a_view_frame_with_type_first_skips_the_full_parse(string frame, bool skipped) =>
        Assert.Equal(skipped, Bot.IsUnreadView(System.Text.Encoding.UTF8.GetBytes(frame)));

    [Fact]
    public void The_summary_lists_http_requests_failures_and_login_latency()
    {
        var report = new BotReport
        {
            RunTag = "k3f9", Requested = 2, Connected = 2, FailedToConnect = 0, DisconnectedEarly = 0, NotStarted = 0,
            ConnectFailures = new Dictionary<string, int>(), Disconnects = new Dictionary<string, int>(),
            FramesSent = 4, FramesReceived = 4, ReceivedByType = new Dictionary<string, long> { ["welcome"] = 2, ["entered"] = 2 },
            Said = 0, Acked = 0, Echoed = 0, EchoLatencyP50Ms = null, EchoLatencyP99Ms = null, EchoLatencyMaxMs = null,
            Errors = 0, ErrorsByCode = new Dictionary<string, long>(), FirstErrors = [], Duration = TimeSpan.FromSeconds(2),
            HttpRequests = new Dictionary<string, long> { ["refresh"] = 1, ["login"] = 5, ["register"] = 2, ["socket"] = 2, ["characters"] = 2 },
            HttpFailures = new Dictionary<string, long> { ["login 429 rate_limited"] = 1 },
            ExistingAccounts = 0,
            Logins = 4, LoginLatencyP50Ms = 150.04, LoginLatencyP99Ms = 420.0, LoginLatencyMaxMs = 421.0,
            TokenRefreshes = 1, TokensSent = 1, TokensAcked = 1,
        };

        var lines = report.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("http: 12 requests (register 2, login 5, characters 2, socket 2, refresh 1), 1 failed (login 429 rate_limited x1)", lines);
        Assert.Contains("logins: 4 ok, latency p50 150.0 ms, p99 420.0 ms, max 421.0 ms; tokens: 1 refreshed, 1 auth sent, 1 acked", lines);
        Assert.Equal(0, report.ExitCode); // HTTP failures that were retried do not fail the run
    }

    [Fact]
    public async Task Bots_register_log_in_create_their_character_open_the_socket_with_the_token_and_refresh_it()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromSeconds(1));
        var swarm = new BotSwarm(new BotOptions
        {
            Count = 2, Url = node.SocketUrl, MoveHz = 0, ChatEvery = TimeSpan.Zero, Seed = 7, Password = "correct horse battery",
        });
        using var cts = new CancellationTokenSource();

        var run = swarm.RunAsync(cts.Token);
        await node.AuthAcked(2).WaitAsync(TimeSpan.FromSeconds(60)); // every bot renewed its token at least once
        cts.Cancel();
        var report = await run;

        Assert.True(report.Connected == 2, report.ToString());
        Assert.Equal(0, report.Errors);
        Assert.Equal(0, report.HttpFailed);
        Assert.Equal(2, report.HttpRequests["register"]);
        Assert.Equal(4, report.HttpRequests["login"]);     // without a character, then with it
        Assert.Equal(2, report.HttpRequests["characters"]); // created
        Assert.True(report.TokenRefreshes >= 2, report.ToString());
        Assert.True(report.TokensAcked >= 2, report.ToString());
        Assert.Equal(4, report.Logins);
        Assert.NotNull(report.LoginLatencyP99Ms);
        Assert.Equal(2, report.Received("welcome"));
        Assert.Equal(2, report.Received("entered"));
        Assert.Equal(0, report.Acked); // auth acks are not chat acks
        Assert.Equal(swarm.Names.Select(n => n.ToLowerInvariant()).Order(), node.Characters.Order());
        Assert.All(node.SocketPlayers, p => Assert.Contains(p, swarm.Names.Select(n => n.ToLowerInvariant())));
    }

    [Fact]
    public async Task A_second_run_with_the_same_run_tag_and_password_logs_straight_into_the_existing_characters()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15));
        var options = new BotOptions
        {
            Count = 2, Url = node.SocketUrl, MoveHz = 50, ChatEvery = TimeSpan.Zero, RunTag = "again", Password = "correct horse battery",
        };

        for (var round = 1; round <= 2; round++)
        {
            using var cts = new CancellationTokenSource();
            var run = new BotSwarm(options).RunAsync(cts.Token);
            await node.Moved(2 * round).WaitAsync(TimeSpan.FromSeconds(60));
            cts.Cancel();
            var report = await run;

            Assert.True(report.Connected == 2, report.ToString());
            Assert.Equal(0, report.HttpFailed);
            Assert.Equal(round == 1 ? 0 : 2, report.ExistingAccounts);
            Assert.Equal(round == 1 ? 4 : 2, report.HttpRequests["login"]);
            Assert.Equal(round == 1 ? 2 : 0, report.HttpRequests.GetValueOrDefault("characters"));
        }
    }

    [Fact]
    public async Task Refused_http_requests_and_upgrades_are_counted_by_status_and_code_and_retried_after_retry_after()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), rateLimitFirstLogins: 2, rateLimitFirstSockets: 1);
        var swarm = new BotSwarm(new BotOptions { Count = 1, Url = node.SocketUrl, MoveHz = 50, ChatEvery = TimeSpan.Zero });
        using var cts = new CancellationTokenSource();

        var run = swarm.RunAsync(cts.Token);
        await node.Moved(1).WaitAsync(TimeSpan.FromSeconds(60));
        cts.Cancel();
        var report = await run;

        Assert.True(report.Connected == 1, report.ToString());
        Assert.Equal(new Dictionary<string, long> { ["login 429 rate_limited"] = 2, ["socket 429"] = 1 }, report.HttpFailures);
        Assert.Equal(4, report.HttpRequests["login"]);
        Assert.Contains("http: 8 requests (register 1, login 4, characters 1, socket 2), 3 failed (login 429 rate_limited x2, socket 429 x1)",
            report.ToString());
    }

    [Fact]
    public async Task A_refused_socket_upgrade_fails_the_bot_with_its_status()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), refuseSockets: true);

        var report = await new BotSwarm(new BotOptions { Count = 2, Url = node.SocketUrl }).RunAsync();

        Assert.Equal(2, report.FailedToConnect);
        Assert.Equal(new Dictionary<string, int> { ["socket upgrade refused: 401"] = 2 }, report.ConnectFailures);
        Assert.Equal(new Dictionary<string, long> { ["socket 401"] = 2 }, report.HttpFailures);
        Assert.Equal(2, report.HttpRequests["socket"]); // not retried
    }

    [Fact]
    public async Task A_wrong_password_for_an_existing_account_fails_the_bot_with_the_http_code()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15));
        var options = new BotOptions { Count = 1, Url = node.SocketUrl, MoveHz = 50, ChatEvery = TimeSpan.Zero, RunTag = "pw" };
        using (var cts = new CancellationTokenSource())
        {
            var first = new BotSwarm(options with { Password = "first password" }).RunAsync(cts.Token);
            await node.Moved(1).WaitAsync(TimeSpan.FromSeconds(60));
            cts.Cancel();
            Assert.Equal(1, (await first).Connected);
        }

        var report = await new BotSwarm(options with { Password = "other password" }).RunAsync();

        Assert.Equal(1, report.FailedToConnect);
        Assert.Equal(new Dictionary<string, int> { ["login: 401 invalid_credentials"] = 1 }, report.ConnectFailures);
        Assert.Equal(new Dictionary<string, long> { ["login 401 invalid_credentials"] = 1 }, report.HttpFailures);
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public async Task A_bot_whose_edge_dies_says_hello_as_itself_on_the_next_edge_enters_again_and_walks_on_from_where_the_world_has_it()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), edges: 2, dev: true);
        using var dead = new DeadPort(); // an edge that died earlier: the first reconnect url refuses
        const double moveHz = 20;
        var swarm = new BotSwarm(new BotOptions
        {
            Count = 1, Hello = true, Url = node.SocketUrls[0], MoveHz = moveHz, ChatEvery = TimeSpan.FromMilliseconds(200),
            ReconnectUrls = [new Uri($"ws://127.0.0.1:{dead.Port}/ws"), node.SocketUrls[1]],
        });
        var player = swarm.Names[0].ToLowerInvariant();
        using var cts = new CancellationTokenSource();

        var run = swarm.RunAsync(cts.Token);
        await node.Until(f => f.Any(x => x is { Edge: 0, Type: "move" })).WaitAsync(Timeout);
        // The world has the character elsewhere than the bot last walked (a checkpoint): the next entered says where.
        var placed = (X: swarm.District.Spawn.X + 37.5, Z: swarm.District.Spawn.Z - 21.25);
        node.Place(player, placed.X, placed.Z);
        node.Silence(0);
        var heard = node.Frames.Count(x => x is { Edge: 0, Type: "say" }); // the ones before the silence may have been acked
        await node.Until(f => f.Count(x => x is { Edge: 0, Type: "say" }) > heard).WaitAsync(Timeout); // never acked: in flight
        node.Kill(0);
        await node.Until(f => f.Count(x => x is { Edge: 1, Type: "move" }) >= 3 && f.Any(x => x is { Edge: 1, Type: "say" }))
            .WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        var onA = node.Frames.Where(f => f.Edge == 0).ToList();
        var onB = node.Frames.Where(f => f.Edge == 1).ToList();
        Assert.Equal(["hello", "enter"], onB.Take(2).Select(f => f.Type));
        Assert.Equal(swarm.Names[0], onB[0].Data.GetProperty("name").GetString());
        Assert.Equal("downtown", onB[1].Data.GetProperty("district").GetString());
        Assert.All(onA.Concat(onB), f => Assert.Equal(player, f.Player));
        var maxStep = new BotOptions().MaxSpeed / moveHz + 0.02; // rounded to 2 decimals on the wire
        Assert.True(Distance(onA.Last(f => f.Type == "move").Data, placed) > 100 * maxStep); // the check below means something
        var fromPlaced = Distance(onB.First(f => f.Type == "move").Data, placed);
        Assert.True(fromPlaced <= maxStep, $"the first move on the new edge is {fromPlaced} from where the world had the character");

        Assert.True(report.Reconnected == 1, report.ToString());
        Assert.Equal(1, report.Reconnections);
        Assert.Equal(1, report.Connected);
        Assert.Equal(0, report.DisconnectedEarly);
        Assert.Empty(report.Disconnects);
        Assert.StartsWith("connection lost: ", Assert.Single(report.Drops).Key);
        Assert.Equal(1, report.ReconnectAttemptsFailed); // the dead edge, then at once the live one
        Assert.Equal(0, report.Errors);
        Assert.True(report.SaysLostInFlight >= 1, report.ToString());
        Assert.True(report.Acked >= 1, report.ToString());
        Assert.Equal(2, report.Received("welcome"));
        Assert.Equal(2, report.Received("entered"));
        Assert.True(report.FirstDropAt <= report.LastBackAt);
        Assert.True(report.LongestOutage > TimeSpan.Zero);
        var text = report.ToString();
        Assert.Contains("reconnected: 1 bots, the last back ", text);
        Assert.Contains($"(at {report.LastBackAt:HH:mm:ss.fff} UTC)", text);
        Assert.Contains(" lost in flight, ", text);
    }

    [Fact]
    public async Task A_signed_in_bot_reconnects_with_the_token_it_holds_and_renews_it_through_refresh_when_the_new_edge_refuses_it()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), edges: 2);
        var swarm = new BotSwarm(new BotOptions
        {
            Count = 1, Url = node.SocketUrls[0], MoveHz = 20, ChatEvery = TimeSpan.Zero, Password = "correct horse battery",
            ReconnectUrls = [node.SocketUrls[1]],
        });
        using var cts = new CancellationTokenSource();

        var run = swarm.RunAsync(cts.Token);
        await node.Moved(1).WaitAsync(Timeout);
        node.ExpireTokens();
        node.Kill(0);
        await node.Until(f => f.Any(x => x is { Edge: 1, Type: "move" })).WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        Assert.True(report.Reconnected == 1, report.ToString());
        Assert.Equal(0, report.DisconnectedEarly);
        Assert.Equal(new Dictionary<string, long> { ["socket upgrade refused: 401"] = 1 }, report.ReconnectFailures);
        Assert.Equal(2, report.HttpRequests["login"]); // the first sign-in's only: no second login
        Assert.Equal(1, report.TokenRefreshes);
        Assert.Equal(3, report.HttpRequests["socket"]); // edge A, edge B with the old token, edge B with the new one
        Assert.Equal("enter", node.Frames.First(f => f.Edge == 1).Type); // the token socket is welcomed without hello
        Assert.Equal(0, report.Errors);
    }

    [Fact]
    public async Task Without_reconnect_urls_a_bot_whose_edge_dies_is_disconnected_early_and_stays_out()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), edges: 2, dev: true);
        var swarm = new BotSwarm(new BotOptions { Count = 1, Hello = true, Url = node.SocketUrls[0], MoveHz = 20, ChatEvery = TimeSpan.Zero });

        var run = swarm.RunAsync(); // ends by itself once its only bot is out
        await node.Moved(1).WaitAsync(Timeout);
        node.Kill(0);
        var report = await run.WaitAsync(Timeout);

        Assert.Equal(1, report.DisconnectedEarly);
        Assert.StartsWith("connection lost: ", Assert.Single(report.Disconnects).Key);
        Assert.Equal((0, 0L), (report.Reconnected, report.ReconnectAttemptsFailed));
        Assert.Empty(report.Drops);
        Assert.DoesNotContain(node.Frames, f => f.Edge == 1);
        var text = report.ToString();
        Assert.Contains("bots: 1 requested, 1 connected, 0 failed to connect, 1 disconnected early", text);
        Assert.DoesNotContain("reconnected:", text);
        Assert.DoesNotContain("drops:", text);
    }

    [Fact]
    public async Task A_bot_still_reconnecting_when_the_run_ends_counts_as_disconnected_early_with_its_failed_attempts()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), edges: 2, dev: true);
        using var dead = new DeadPort();
        node.Silence(1); // takes the socket, never answers hello
        var swarm = new BotSwarm(new BotOptions
        {
            Count = 1, Hello = true, Url = node.SocketUrls[0], MoveHz = 20, ChatEvery = TimeSpan.Zero, HandshakeTimeout = Timeout,
            ReconnectUrls = [new Uri($"ws://127.0.0.1:{dead.Port}/ws"), node.SocketUrls[1]],
        });
        using var cts = new CancellationTokenSource();

        var run = swarm.RunAsync(cts.Token);
        await node.Moved(1).WaitAsync(Timeout);
        node.Kill(0);
        await node.Until(f => f.Any(x => x is { Edge: 1, Type: "hello" })).WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        Assert.Equal((1, 0, 1L), (report.DisconnectedEarly, report.Reconnected, report.ReconnectAttemptsFailed));
        var drop = Assert.Single(report.Drops).Key;
        Assert.Equal(drop, Assert.Single(report.Disconnects).Key);
        Assert.Null(report.LastBackAt);
        var lines = report.ToString().Split(Environment.NewLine);
        Assert.Contains(lines, l => l.StartsWith("reconnected: 0 bots; 1 attempts failed (", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"drops: 1, the first at {report.FirstDropAt:HH:mm:ss.fff} UTC (connection lost: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_retry_connect_a_first_connect_that_fails_is_tried_again_until_it_gets_in()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), dev: true);
        node.Silence(0); // an edge too busy to answer: hello goes unanswered
        var swarm = new BotSwarm(new BotOptions
        {
            Count = 1, Hello = true, Url = node.SocketUrl, MoveHz = 20, ChatEvery = TimeSpan.Zero,
            HandshakeTimeout = TimeSpan.FromMilliseconds(300), RetryConnect = true,
        });
        using var cts = new CancellationTokenSource();

        var run = swarm.RunAsync(cts.Token);
        await node.Until(f => f.Count(x => x.Type == "hello") >= 2).WaitAsync(Timeout); // the first timed out, tried again
        node.Speak(0);
        await node.Moved(1).WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        Assert.Equal((1, 0), (report.Connected, report.FailedToConnect));
        Assert.True(report.ConnectRetries >= 1, report.ToString());
        Assert.Equal("no welcome within 0.3 s", Assert.Single(report.ConnectRetryReasons).Key);
        Assert.Contains(report.ToString().Split(Environment.NewLine),
            l => l.StartsWith($"first connects retried: {report.ConnectRetries} attempts failed (no welcome within 0.3 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_retry_connect_a_first_connect_that_fails_is_final()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), dev: true);
        node.Silence(0);
        var report = await new BotSwarm(new BotOptions
        {
            Count = 1, Hello = true, Url = node.SocketUrl, HandshakeTimeout = TimeSpan.FromMilliseconds(300),
        }).RunAsync().WaitAsync(Timeout);

        Assert.Equal((0, 1, 0L), (report.Connected, report.FailedToConnect, report.ConnectRetries));
        Assert.Single(node.Frames, x => x.Type == "hello");
    }

    private static double Distance(JsonElement move, (double X, double Z) to) =>
        Math.Sqrt(Math.Pow(move.GetProperty("x").GetDouble() - to.X, 2) + Math.Pow(move.GetProperty("z").GetDouble() - to.Z, 2));

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

    /// <summary>
    /// A minimal stand-in for a node's HTTP API and socket (docs/protocol.md, "HTTP API" and "Opening the socket"):
    /// accounts with a password and characters, opaque tokens, single-use refresh tokens, a socket that needs a bearer
    /// token naming a character (or, when <c>dev</c>, none and a <c>hello</c>), sends <c>welcome</c> without an id,
    /// answers <c>enter</c> with where it has the character and acks <c>say</c>, <c>chat</c> and <c>auth</c>; a <c>whisper</c>
    /// goes to the named player's socket as a push and is acked (<c>not_online</c> without one). For fights it acks
    /// <c>tactic</c>, <c>ability</c> and <c>duel_decline</c>, answers <c>engage</c> on an NPC with <c>combat_started</c>
    /// (on a player with <c>ack</c>) and <c>reconstruct</c> with <c>reconstructed</c> where it has the character; a test
    /// pushes the rest (<see cref="PushAsync"/>). With several <c>edges</c> it listens on that many ports sharing one
    /// world, and an edge can go silent or die under its sockets. Tests wait on its counters and the frames it got (<see cref="Moved"/>, <see cref="Until"/>), never on time.
    /// </summary>
    private sealed class FakeNode : IAsyncDisposable
    {
        private readonly object _gate = new();
        private readonly TimeSpan _tokenLifetime;
        private readonly Dictionary<string, (string Password, List<string> Characters)> _accounts = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, (string User, string? Character)> _tokens = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string User, string? Character)> _refreshTokens = new(StringComparer.Ordinal);
        private readonly List<string> _socketPlayers = [];
        private readonly HashSet<string> _authAckedPlayers = new(StringComparer.Ordinal);
        private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _waiters = [];
        private readonly List<Frame> _frames = [];
        private readonly List<(int Edge, HttpContext Context)> _open = [];
        private readonly HashSet<int> _silentEdges = [];
        private readonly Dictionary<string, (double X, double Z)> _positions = new(StringComparer.Ordinal);
        private readonly Dictionary<string, WebSocket> _sockets = new(StringComparer.Ordinal);
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<WebSocket, SemaphoreSlim> _sending = new();
        private List<int> _ports = [];
        private bool _dev;
        private int _rateLimitLogins;
        private int _rateLimitSockets;
        private bool _refuseSockets;
        private int _movedSockets;
        private WebApplication _app = null!;

        private FakeNode(TimeSpan tokenLifetime, int rateLimitFirstLogins)
        {
            _tokenLifetime = tokenLifetime;
            _rateLimitLogins = rateLimitFirstLogins;
        }

        public Uri SocketUrl => SocketUrls[0];

        /// <summary>One socket url per edge.</summary>
        public IReadOnlyList<Uri> SocketUrls { get; private set; } = [];

        /// <summary>Every character created, lower-cased.</summary>
        public IReadOnlyList<string> Characters
        {
            get { lock (_gate) return _accounts.Values.SelectMany(a => a.Characters).Select(c => c.ToLowerInvariant()).ToArray(); }
        }

        /// <summary>The player id of every socket opened.</summary>
        public IReadOnlyList<string> SocketPlayers
        {
            get { lock (_gate) return _socketPlayers.ToArray(); }
        }

        /// <summary>
        /// Completes once <paramref name="count"/> moves from different sockets have arrived (over the node's life). A
        /// bot moves only once it is in its district, so by then it counts as connected.
        /// </summary>
        public Task Moved(int count) => When(() => _movedSockets >= count);

        /// <summary>Completes once <paramref name="players"/> different players have had an <c>auth</c> frame acked.</summary>
        public Task AuthAcked(int players) => When(() => _authAckedPlayers.Count >= players);

        /// <summary>Completes once the frames received so far (at most <see cref="MaxFrames"/>) satisfy <paramref name="done"/>.</summary>
        public Task Until(Func<IReadOnlyList<Frame>, bool> done) => When(() => done(_frames));

        public const int MaxFrames = 10_000;

        public IReadOnlyList<Frame> Frames
        {
            get { lock (_gate) return _frames.ToArray(); }
        }

        /// <summary>From now on <paramref name="edge"/> answers no frame (a hung edge: says stay unacked).</summary>
        public void Silence(int edge)
        {
            lock (_gate) _silentEdges.Add(edge);
        }

        /// <summary>From now on <paramref name="edge"/> answers again (the hung edge has recovered).</summary>
        public void Speak(int edge)
        {
            lock (_gate) _silentEdges.Remove(edge);
        }

        /// <summary>The edge node dies: every socket on it is cut without a close frame.</summary>
        public void Kill(int edge)
        {
            lock (_gate)
                foreach (var (_, context) in _open.Where(o => o.Edge == edge)) context.Abort();
        }

        /// <summary>Where the world has <paramref name="player"/>: the position the next <c>entered</c> answers with.</summary>
        public void Place(string player, double x, double z)
        {
            lock (_gate) _positions[player] = (x, z);
        }

        /// <summary>Sends <paramref name="player"/>'s latest socket a server frame without an id (a push, as the world's).</summary>
        public Task PushAsync(string player, string type, JsonObject data)
        {
            WebSocket socket;
            lock (_gate) socket = _sockets[player];
            return SendAsync(socket, Reply(type, null, data), CancellationToken.None);
        }

        /// <summary>Every access token issued so far stops working (refresh tokens still do).</summary>
        public void ExpireTokens()
        {
            lock (_gate) _tokens.Clear();
        }

        /// <param name="rateLimitFirstLogins">The first this many logins answer 429 rate_limited with Retry-After: 0.</param>
        /// <param name="rateLimitFirstSockets">The first this many socket upgrades answer the same.</param>
        /// <param name="refuseSockets">Every socket upgrade answers 401 invalid_signature.</param>
        /// <param name="edges">Ports to listen on, each an edge node of the same world.</param>
        /// <param name="dev">Sockets without a token are accepted and identify with <c>hello</c>.</param>
        public static async Task<FakeNode> StartAsync(TimeSpan tokenLifetime, int rateLimitFirstLogins = 0, int rateLimitFirstSockets = 0,
            bool refuseSockets = false, int edges = 1, bool dev = false)
        {
            var node = new FakeNode(tokenLifetime, rateLimitFirstLogins)
            {
                _rateLimitSockets = rateLimitFirstSockets, _refuseSockets = refuseSockets, _dev = dev,
            };
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k =>
            {
                for (var i = 0; i < edges; i++) k.Listen(IPAddress.Loopback, 0);
            });
            var app = builder.Build();
            app.UseWebSockets();
            app.MapPost("/auth/register", node.RegisterAsync);
            app.MapPost("/auth/login", node.LoginAsync);
            app.MapPost("/auth/refresh", node.RefreshAsync);
            app.MapGet("/characters", node.ListCharactersAsync);
            app.MapPost("/characters", node.CreateCharacterAsync);
            app.Map("/ws", node.SocketAsync);
            await app.StartAsync();
            node._app = app;
            node._ports = app.Urls.Select(u => new Uri(u).Port).ToList();
            node.SocketUrls = node._ports.Select(port => new Uri($"ws://127.0.0.1:{port}/ws")).ToArray();
            return node;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private Task When(Func<bool> done)
        {
            lock (_gate)
            {
                if (done()) return Task.CompletedTask;
                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((done, signal));
                return signal.Task;
            }
        }

        /// <summary>Call under the lock after a counter changed.</summary>
        private void Signal()
        {
            foreach (var waiter in _waiters.Where(w => w.Done()).ToArray())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        private async Task RegisterAsync(HttpContext context)
        {
            var body = await ReadAsync(context);
            var (user, password) = (Field(body, "username"), Field(body, "password"));
            if (user is null || password is null) { await ErrorAsync(context, 400, "missing_field"); return; }
            lock (_gate)
            {
                if (_accounts.ContainsKey(user)) user = null;
                else _accounts[user] = (password, []);
            }
            if (user is null) await ErrorAsync(context, 409, "name_taken");
            else await JsonAsync(context, 201, new JsonObject { ["account_id"] = user.ToLowerInvariant(), ["username"] = user });
        }

        private async Task LoginAsync(HttpContext context)
        {
            var body = await ReadAsync(context);
            var (user, password, character) = (Field(body, "username"), Field(body, "password"), Field(body, "character"));
            if (Interlocked.Decrement(ref _rateLimitLogins) >= 0)
            {
                context.Response.Headers.RetryAfter = "0";
                await ErrorAsync(context, 429, "rate_limited");
                return;
            }
            JsonObject? grant = null;
            var error = (Status: 401, Code: "invalid_credentials");
            lock (_gate)
            {
                if (user is not null && _accounts.TryGetValue(user, out var account) && account.Password == password)
                {
                    var own = character is null ? null : account.Characters.FirstOrDefault(c => c.Equals(character, StringComparison.OrdinalIgnoreCase));
                    if (character is not null && own is null) error = (404, "unknown_character");
                    else grant = Grant(user, own, account.Characters);
                }
            }
            if (grant is null) await ErrorAsync(context, error.Status, error.Code);
            else await JsonAsync(context, 200, grant);
        }

        private async Task RefreshAsync(HttpContext context)
        {
            var body = await ReadAsync(context);
            var refresh = Field(body, "refresh_token") ?? "";
            JsonObject? grant = null;
            lock (_gate)
            {
                if (_refreshTokens.Remove(refresh, out var family)) // single use
                    grant = Grant(family.User, Field(body, "character") ?? family.Character, _accounts[family.User].Characters);
            }
            if (grant is null) await ErrorAsync(context, 401, "invalid_token");
            else await JsonAsync(context, 200, grant);
        }

        private async Task ListCharactersAsync(HttpContext context)
        {
            if (Bearer(context) is not { } token) { await ErrorAsync(context, 401, "missing_token"); return; }
            JsonArray list;
            lock (_gate)
                list = new JsonArray(_accounts[token.User].Characters
                    .Select(c => (JsonNode)new JsonObject { ["id"] = c.ToLowerInvariant(), ["name"] = c }).ToArray());
            await JsonAsync(context, 200, new JsonObject { ["characters"] = list });
        }

        private async Task CreateCharacterAsync(HttpContext context)
        {
            if (Bearer(context) is not { } token) { await ErrorAsync(context, 401, "missing_token"); return; }
            var name = Field(await ReadAsync(context), "name");
            if (name is null) { await ErrorAsync(context, 400, "missing_field"); return; }
            bool taken;
            lock (_gate)
            {
                taken = _accounts.Values.Any(a => a.Characters.Contains(name, StringComparer.OrdinalIgnoreCase));
                if (!taken) _accounts[token.User].Characters.Add(name);
            }
            if (taken) await ErrorAsync(context, 409, "name_taken");
            else await JsonAsync(context, 201, new JsonObject { ["id"] = name.ToLowerInvariant(), ["name"] = name });
        }

        private async Task SocketAsync(HttpContext context)
        {
            if (!context.WebSockets.IsWebSocketRequest) { await ErrorAsync(context, 400, "not_a_websocket"); return; }
            if (_refuseSockets) { await ErrorAsync(context, 401, "invalid_signature"); return; }
            if (Interlocked.Decrement(ref _rateLimitSockets) >= 0)
            {
                context.Response.Headers.RetryAfter = "0";
                await ErrorAsync(context, 429, "rate_limited");
                return;
            }
            var bearer = Bearer(context);
            if (bearer is not { Character: not null } && !(_dev && string.IsNullOrEmpty(context.Request.Headers.Authorization)))
            {
                await ErrorAsync(context, 401, "missing_token");
                return;
            }
            var edge = _ports.IndexOf(context.Connection.LocalPort);
            string? character = bearer?.Character;
            string? player = character?.ToLowerInvariant();

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            lock (_gate) _open.Add((edge, context));
            var ct = context.RequestAborted;
            if (player is not null) await WelcomeAsync(socket, player, character!, null, ct);

            var buffer = new byte[64 * 1024];
            var moved = false;
            try
            {
                while (true)
                {
                    var count = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        result = await socket.ReceiveAsync(buffer.AsMemory(count), ct);
                        count += result.Count;
                    } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
                        return;
                    }

                    using var frame = JsonDocument.Parse(buffer.AsMemory(0, count));
                    var type = frame.RootElement.GetProperty("type").GetString()!;
                    var id = frame.RootElement.TryGetProperty("id", out var idEl) ? idEl.GetString() : null;
                    var data = frame.RootElement.TryGetProperty("data", out var d) ? d : default;
                    bool silent;
                    lock (_gate)
                    {
                        if (type == "hello" && player is null)
                        {
                            character = data.GetProperty("name").GetString()!;
                            player = character.ToLowerInvariant();
                        }
                        if (_frames.Count < MaxFrames)
                            _frames.Add(new Frame(edge, player, type, data.Clone()) { At = System.Diagnostics.Stopwatch.GetTimestamp() });
                        Signal();
                        silent = _silentEdges.Contains(edge);
                    }
                    if (silent) continue;
                    switch (type)
                    {
                        case "hello":
                            await WelcomeAsync(socket, player!, character!, id, ct);
                            break;
                        case "enter":
                            (double X, double Z) at;
                            lock (_gate) at = _positions.GetValueOrDefault(player!);
                            await SendAsync(socket, Reply("entered", id, new JsonObject
                            {
                                ["district"] = data.GetProperty("district").GetString(),
                                ["position"] = new JsonObject { ["x"] = at.X, ["y"] = 0, ["z"] = at.Z },
                                ["occupants"] = new JsonArray(),
                            }), ct);
                            break;
                        case "move":
                            if (!moved)
                            {
                                moved = true;
                                lock (_gate) { _movedSockets++; Signal(); }
                            }
                            break;
                        case "say" or "chat" or "tactic" or "ability" or "duel_decline" or "notification_read":
                            await SendAsync(socket, Reply("ack", id, []), ct);
                            break;
                        case "whisper":
                            // Handed to the recipient's latest socket, then acknowledged; nobody there: not_online.
                            WebSocket? recipient;
                            lock (_gate) _sockets.TryGetValue(data.GetProperty("to").GetString()!.ToLowerInvariant(), out recipient);
                            if (recipient is null)
                            {
                                await SendAsync(socket, Reply("error", id, new JsonObject { ["code"] = "not_online", ["message"] = "no" }), ct);
                                break;
                            }
                            await SendAsync(recipient, Reply("whisper", null, new JsonObject
                            {
                                ["from"] = player, ["name"] = character, ["text"] = data.GetProperty("text").GetString(), ["at"] = 1,
                            }), ct);
                            await SendAsync(socket, Reply("ack", id, []), ct);
                            break;
                        case "engage":
                            // An NPC fights at once; a player is challenged (docs/protocol.md, "Combat").
                            var target = data.GetProperty("target").GetString()!;
                            await SendAsync(socket, target.StartsWith("npc:", StringComparison.Ordinal)
                                ? Reply("combat_started", id, new JsonObject
                                {
                                    ["encounter"] = "e-" + target,
                                    ["opponent"] = new JsonObject { ["id"] = target, ["name"] = target, ["kind"] = "agent" },
                                    ["roundMs"] = 1000,
                                })
                                : Reply("ack", id, []), ct);
                            break;
                        case "reconstruct":
                            (double X, double Z) back;
                            lock (_gate) back = _positions.GetValueOrDefault(player!);
                            await SendAsync(socket, Reply("reconstructed", id, new JsonObject
                            {
                                ["district"] = "downtown",
                                ["position"] = new JsonObject { ["x"] = back.X, ["y"] = 0, ["z"] = back.Z },
                                ["occupants"] = new JsonArray(),
                                ["health"] = 100,
                                ["innerStrength"] = 100,
                                ["deathEffectUntil"] = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(),
                            }), ct);
                            break;
                        case "auth":
                            bool same;
                            lock (_gate)
                                same = _tokens.TryGetValue(data.GetProperty("token").GetString() ?? "", out var t)
                                       && string.Equals(t.Character, character, StringComparison.OrdinalIgnoreCase);
                            if (!same)
                            {
                                await SendAsync(socket, Reply("error", id, new JsonObject { ["code"] = "wrong_character", ["message"] = "no" }), ct);
                                break;
                            }
                            await SendAsync(socket, Reply("ack", id, []), ct);
                            lock (_gate) { _authAckedPlayers.Add(player!); Signal(); }
                            break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // the bot went away, or the edge was killed under it
            }
            finally
            {
                lock (_gate) _open.Remove((edge, context));
            }
        }

        private Task WelcomeAsync(WebSocket socket, string player, string character, string? id, CancellationToken ct)
        {
            lock (_gate)
            {
                _socketPlayers.Add(player);
                _sockets[player] = socket;
            }
            return SendAsync(socket, Reply("welcome", id, new JsonObject
            {
                ["player"] = new JsonObject { ["id"] = player, ["name"] = character },
            }), ct);
        }

        private JsonObject Grant(string user, string? character, List<string> characters)
        {
            var token = $"at-{Guid.NewGuid():N}";
            var refresh = $"rt-{Guid.NewGuid():N}";
            _tokens[token] = (user, character);
            _refreshTokens[refresh] = (user, character);
            return new JsonObject
            {
                ["token"] = token,
                ["refresh_token"] = refresh,
                ["expires_at"] = DateTimeOffset.UtcNow.Add(_tokenLifetime).ToString("O"),
                ["player_id"] = character?.ToLowerInvariant(),
                ["permissions"] = new JsonArray("player"),
                ["characters"] = new JsonArray(characters.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
            };
        }

        private (string User, string? Character)? Bearer(HttpContext context)
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return null;
            lock (_gate) return _tokens.TryGetValue(header["Bearer ".Length..], out var t) ? t : null;
        }

        /// <summary>A frame the node got on <see cref="Edge"/> (an index into <see cref="SocketUrls"/>) from <see cref="Player"/>.</summary>
        public sealed record Frame(int Edge, string? Player, string Type, JsonElement Data)
        {
            /// <summary>When the node read it (<see cref="System.Diagnostics.Stopwatch"/>): the server judges intervals on arrival.</summary>
            public long At { get; init; }
        }

        private static JsonObject Reply(string type, string? id, JsonObject data) =>
            new() { ["type"] = type, ["v"] = 1, ["id"] = id, ["data"] = data };

        /// <summary>One send at a time per socket: replies and a test's pushes share it.</summary>
        private async Task SendAsync(WebSocket socket, JsonObject frame, CancellationToken ct)
        {
            var sending = _sending.GetValue(socket, _ => new SemaphoreSlim(1, 1));
            await sending.WaitAsync(ct);
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, ct);
            }
            finally
            {
                sending.Release();
            }
        }

        private static async Task<JsonElement> ReadAsync(HttpContext context)
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body);
            return doc.RootElement.Clone();
        }

        private static string? Field(JsonElement body, string name) =>
            body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static Task ErrorAsync(HttpContext context, int status, string code) =>
            JsonAsync(context, status, new JsonObject { ["error"] = code, ["message"] = code });

        private static Task JsonAsync(HttpContext context, int status, JsonObject body)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(body.ToJsonString());
        }
    }
}

using System.CommandLine;
using System.Globalization;
using Mxo.Protocol;

namespace Mxo.Bots;

/// <summary>The node binary's <c>bots</c> command: parses options, runs a <see cref="BotSwarm"/>, prints its report.</summary>
public static class BotsCommand
{
    public const string Usage =
        "usage: mxo-node bots [--count N] [--url ws://127.0.0.1:5080/ws] [--duration 30s] [--district downtown] " +
        "[--move-hz 5] [--chat-every 10s] [--name-prefix bot] [--ramp 10s] [--http http://127.0.0.1:5080] " +
        "[--password P] [--run-tag T] [--hello] [--wander 200] [--reconnect-url ws://127.0.0.1:5081/ws,...] [--fight] [--fight-every 3s] [--notifications] [--missions] [--stop-after-missions N]";

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageExitCode = 2;

    /// <summary>args = everything after "bots". Returns the process exit code: 0 ok, 1 no bot got in or errors, 2 bad usage.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);

        if (args.Any(a => a is "-h" or "-?" or "--help"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return await Parse(Create(), ["--help"]).InvokeAsync(new InvocationConfiguration { Output = output }, cancellationToken)
                .ConfigureAwait(false);
        }
        if (!TryParse(args, out var options, out var error))
        {
            await output.WriteLineAsync($"bots: {error}").ConfigureAwait(false);
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return UsageExitCode;
        }

        var swarm = new BotSwarm(options);
        var until = options.Duration is { } d ? $"for {FormatDuration(d)}" : "until cancelled";
        var flow = options.Hello ? "hello (dev, no accounts)" : $"accounts via {options.HttpBaseUrl}";
        var reconnect = options.ReconnectUrls.Count > 0 ? $", reconnecting to {string.Join(", ", options.ReconnectUrls)}" : "";
        await output.WriteLineAsync(
            $"bots: {options.Count} bots '{options.NamePrefix}-{swarm.RunTag}-*' -> {options.Url}{reconnect} [{flow}] district {swarm.District.Id} {until}")
            .ConfigureAwait(false);
        var report = await swarm.RunAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(report.ToString()).ConfigureAwait(false);
        if (report.HttpFailures.Keys.Any(k => k.Contains(" 429", StringComparison.Ordinal)))
            await output.WriteLineAsync(
                "hint: the node limits requests per client address (Mxo:Security:RateLimit, 100 a minute by default); for load " +
                "runs start it with --Mxo:Security:RateLimit:PerMinute=0 --Mxo:Security:RateLimit:PerHour=0").ConfigureAwait(false);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return report.ExitCode;
    }

    /// <summary>The <c>bots</c> command with every option and its default (System.CommandLine); <c>--help</c> prints it.</summary>
    public static Command Create() => new Definition().Command;

    /// <summary>Parses <c>--name value</c> or <c>--name=value</c> options; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out BotOptions options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = new BotOptions();
        error = null;
        var d = new Definition();
        var result = Parse(d.Command, args);
        if (result.Errors.Count > 0) return Fail(string.Join("; ", result.Errors.Select(e => e.Message)), out error);
        if (result.UnmatchedTokens.FirstOrDefault() is { } stray)
            return Fail(stray.StartsWith("--", StringComparison.Ordinal) ? $"unknown option '{stray.Split('=', 2)[0]}'" : $"unexpected argument '{stray}'", out error);

        options = options with
        {
            Count = result.GetRequiredValue(d.Count),
            Url = result.GetRequiredValue(d.Url),
            ReconnectUrls = result.GetValue(d.ReconnectUrls) ?? [],
            Duration = result.GetValue(d.Duration),
            District = result.GetRequiredValue(d.District).Trim().ToLowerInvariant(),
            MoveHz = result.GetRequiredValue(d.MoveHz),
            ChatEvery = result.GetRequiredValue(d.ChatEvery),
            DistrictChatShare = result.GetRequiredValue(d.DistrictChat),
            WhisperEvery = result.GetRequiredValue(d.WhisperEvery),
            NamePrefix = result.GetRequiredValue(d.NamePrefix),
            Hello = result.GetValue(d.Hello),
            RetryConnect = result.GetValue(d.RetryConnect),
            HttpUrl = result.GetValue(d.Http),
            Password = result.GetValue(d.Password),
            RunTag = result.GetValue(d.RunTag),
            Ramp = result.GetValue(d.Ramp),
            ConnectBatchSize = result.GetRequiredValue(d.ConnectBatch),
            Warmup = result.GetValue(d.Warmup),
            WanderRadius = result.GetRequiredValue(d.Wander),
            Watchers = result.GetRequiredValue(d.Watchers),
            Fight = result.GetValue(d.Fight),
            Notifications = result.GetValue(d.Notifications),
            OfflineWhispers = result.GetValue(d.OfflineWhispers),
            Crews = result.GetValue(d.Crews),
            Teams = result.GetValue(d.Teams),
            OrgChat = result.GetValue(d.OrgChat),
            FightEvery = result.GetRequiredValue(d.FightEvery),
            Missions = result.GetValue(d.Missions),
            StopAfterMissions = result.GetRequiredValue(d.StopAfterMissions),
        };
        var problems = options.Validate();
        return problems.Count == 0 || Fail(string.Join("; ", problems), out error);
    }

    // '@file' is an ordinary token (no response files); unknown tokens are reported by TryParse in its own words.
    private static ParseResult Parse(Command command, IReadOnlyList<string> args) =>
        command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    private delegate bool TryParser<T>(string text, out T value);

    /// <summary>The options; defaults are <see cref="BotOptions"/>'s, so help shows what applies.</summary>
    private sealed class Definition
    {
        private static readonly BotOptions Defaults = new();

        public readonly Command Command = new("bots", "Runs a swarm of bot players against a running node and prints a report.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };

        public readonly Option<int> Count;
        public readonly Option<Uri> Url;
        public readonly Option<Uri[]?> ReconnectUrls;
        public readonly Option<TimeSpan?> Duration;
        public readonly Option<string> District;
        public readonly Option<double> MoveHz;
        public readonly Option<TimeSpan> ChatEvery;
        public readonly Option<double> DistrictChat;
        public readonly Option<TimeSpan> WhisperEvery;
        public readonly Option<string> NamePrefix;
        public readonly Option<bool> Hello;
        public readonly Option<bool> RetryConnect;
        public readonly Option<Uri?> Http;
        public readonly Option<string?> Password;
        public readonly Option<string?> RunTag;
        public readonly Option<TimeSpan?> Ramp;
        public readonly Option<int> ConnectBatch;
        public readonly Option<TimeSpan?> Warmup;
        public readonly Option<double> Wander;
        public readonly Option<int> Watchers;
        public readonly Option<bool> Fight;
        public readonly Option<bool> Notifications;
        public readonly Option<bool> OfflineWhispers;
        public readonly Option<bool> Crews;
        public readonly Option<bool> Teams;
        public readonly Option<bool> OrgChat;
        public readonly Option<TimeSpan> FightEvery;
        public readonly Option<bool> Missions;
        public readonly Option<int> StopAfterMissions;

        public Definition()
        {
            Count = Add("--count", $"Number of bots (WebSocket connections), 1-{BotOptions.MaxCount}.", Defaults.Count,
                (string t, out int v) => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v) && v is >= 1 and <= BotOptions.MaxCount,
                $"a whole number from 1 to {BotOptions.MaxCount}");
            Url = Add("--url", "The node's socket, ws:// or wss://.", Defaults.Url,
                (string t, out Uri v) => Uri.TryCreate(t, UriKind.Absolute, out v!) && BotOptions.IsSocketUrl(v), "a ws:// or wss:// url");
            ReconnectUrls = new Option<Uri[]?>("--reconnect-url")
            {
                Description = "Edge sockets (ws:// or wss://) a bot whose socket drops early reconnects to, tried in turn from the " +
                              "first until the run ends; repeat the option or separate them with commas. [default: none, a dropped bot stays out]",
                DefaultValueFactory = _ => null,
                CustomParser = result =>
                {
                    var urls = new List<Uri>();
                    foreach (var text in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries)))
                    {
                        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && BotOptions.IsSocketUrl(url)) urls.Add(url);
                        else result.AddError($"--reconnect-url must be ws:// or wss:// urls, not '{text}'");
                    }
                    return urls.ToArray();
                },
            };
            Command.Options.Add(ReconnectUrls);
            Http = Add<Uri?>("--http", "The HTTP API's base URL. [default: from --url, ws->http, wss->https, path /]", null,
                (string t, out Uri? v) => Uri.TryCreate(t, UriKind.Absolute, out v) && (v.Scheme == Uri.UriSchemeHttp || v.Scheme == Uri.UriSchemeHttps),
                "an http:// or https:// url");
            Hello = Flag("--hello", Defaults.Hello,
                "The development flow: no accounts, open the socket without a token and send hello (a --dev node only). [default: off]");
            RetryConnect = Flag("--retry-connect", false,
                "Retry a failed first connect with backoff and jitter until the run ends, as clients coming back " +
                "after an edge restart do (the reconnect storm). [default: off, a failed connect is final]");
            Password = Add<string?>("--password", "Every bot account's password (10-128 characters). [default: random per run]", null, Accept, "");
            RunTag = Add<string?>("--run-tag", "The run tag in bot names, 1-8 ASCII letters or digits. [default: random]", null, Accept, "");
            Wander = Add("--wander", "Bots walk within +-N units (1-1000) of the district's spawn on x and z.", Defaults.WanderRadius,
                (string t, out double v) => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v) && v > 0 && v <= 1000,
                "a number of units from 1 to 1000");
            Duration = Add<TimeSpan?>("--duration", "How long the bots stay, e.g. 30s, 2m, 500ms. [default: until Ctrl+C]", null,
                (string t, out TimeSpan? v) => TryParseSome(t, out v) && v > TimeSpan.Zero, "a positive time like 30s, 2m or 500ms");
            District = Add("--district", "The district every bot enters: an id of the world map (world/districts.json beside the binary).",
                Defaults.District, Accept, "");
            MoveHz = Add("--move-hz", $"Moves per second per bot, 0-{BotOptions.MaxMoveHz}; 0 disables walking.", Defaults.MoveHz,
                (string t, out double v) => double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out v) && v <= BotOptions.MaxMoveHz,
                $"a number from 0 to {BotOptions.MaxMoveHz}");
            ChatEvery = Add("--chat-every", "Mean interval between a bot's chat lines (+-20 % jitter); 0 disables chat.", Defaults.ChatEvery,
                TryParseDuration, "a time like 10s (0 disables chat)");
            DistrictChat = Add("--district-chat", "The share (0-1) of chat lines said district-wide instead of nearby (the server takes 1 per 10 s).",
                Defaults.DistrictChatShare,
                (string t, out double v) => double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out v) && v <= 1,
                "a number from 0 to 1");
            WhisperEvery = Add("--whisper-every", "Mean interval (+-20 %) between a bot's whispers to a random other bot, by name; 0 disables them.",
                Defaults.WhisperEvery, TryParseDuration, "a time like 20s (0 disables whispers)");
            NamePrefix = Add("--name-prefix", "Bots are named <prefix>-<run tag>-<n>.", Defaults.NamePrefix, Accept, "");
            Watchers = Add("--watchers", "How many bots read their view frames to measure move-to-neighbour latency (the others only count them).",
                Defaults.Watchers, (string t, out int v) => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v),
                "a whole number, 0 or more");
            Ramp = Add<TimeSpan?>("--ramp", $"Spread connection starts evenly over this time. [default: none, batches of {Defaults.ConnectBatchSize}]", null,
                TryParseSome, "a time like 10s");
            ConnectBatch = Add("--connect-batch", "Without --ramp, this many bots connect at once; the next batch starts when they are in.",
                Defaults.ConnectBatchSize,
                (string t, out int v) => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v) && v is >= 1 and <= BotOptions.MaxCount,
                $"a whole number from 1 to {BotOptions.MaxCount}");
            Warmup = Add<TimeSpan?>("--warmup", "Count move-to-neighbour samples (and mission request latency) only after this much of the run (the steady state). " +
                "[default: from the start]", null,
                TryParseSome, "a time like 30s");
            Fight = Flag("--fight", Defaults.Fight,
                "Bots fight: engage NPCs and each other (walking up to them), answer duel challenges, pick tactics " +
                "and abilities, reconstruct when derezzed. [default: off]");
            Notifications = Flag("--notifications", Defaults.Notifications,
                "Bots list their notifications after each welcome and mark read what they list unread and what they are pushed " +
                "(without it they only count the ones pushed to them). [default: off]");
            OfflineWhispers = Flag("--offline-whispers", Defaults.OfflineWhispers,
                "Bots opt in to offline whispers (chat_settings) at their first welcome: whispers to a bot that is offline " +
                "become notifications in its inbox instead of not_online. [default: off]");

            Crews = Flag("--crews", Defaults.Crews,
                "Bots form crews of four (one captain invites three) and say a crew line with every chat line. [default: off]");
            Teams = Flag("--teams", Defaults.Teams,
                "Bots form teams of three (one leader invites two) and say a team line with every chat line. [default: off]");

            OrgChat = Flag("--org-chat", Defaults.OrgChat,
                "Bots create their characters in an organisation (zion, machines, merovingian in turn) and say an org line " +
                "with a chat line, at most one per 10 s. Needs accounts (not --hello). [default: off]");
            FightEvery = Add("--fight-every", "With --fight: how often (+-20 %) a bot out of a fight looks for someone to engage.",
                Defaults.FightEvery, (string t, out TimeSpan v) => TryParseDuration(t, out v) && v > TimeSpan.Zero, "a positive time like 3s");
            Missions = Flag("--missions", Defaults.Missions,
                "Bots play missions: walk to a contact of their district, take an offer, play its objectives (fighting the " +
                "NPCs it wants) until completed, abandon what they cannot do and take another. [default: off]");
            StopAfterMissions = Add("--stop-after-missions", "With --missions: end the run once the bots have completed this many missions; 0 never.",
                Defaults.StopAfterMissions,
                (string t, out int v) => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out v),
                "a whole number, 0 or more");
            Command.Options.Add(new System.CommandLine.Help.HelpOption());
        }

        private static bool TryParseSome(string text, out TimeSpan? value)
        {
            value = TryParseDuration(text, out var parsed) ? parsed : null;
            return value is not null;
        }

        private static bool Accept<T>(string text, out T value)
        {
            value = (T)(object)text;
            return true;
        }

        /// <summary>A bare flag (<c>--fight</c>, or <c>--fight=false</c>); its description says its default.</summary>
        private Option<bool> Flag(string name, bool defaultValue, string description)
        {
            var option = new Option<bool>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
            Command.Options.Add(option);
            return option;
        }

        private Option<T> Add<T>(string name, string description, T defaultValue, TryParser<T> parse, string expected)
        {
            var option = new Option<T>(name)
            {
                Description = description,
                DefaultValueFactory = _ => defaultValue,
                CustomParser = result =>
                {
                    var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                    if (parse(text, out var value)) return value;
                    result.AddError($"{name} must be {expected}, not '{text}'");
                    return defaultValue;
                },
            };
            Command.Options.Add(option);
            return option;
        }
    }

    /// <summary>
    /// Parses "500ms", "30s", "2m", "1h", "1.5s", plain (decimal) seconds, or a TimeSpan like "00:00:30".
    /// Negative, non-finite and absurdly large values are refused; zero is allowed (callers decide).
    /// </summary>
    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().ToLowerInvariant();
        if (s.Contains(':', StringComparison.Ordinal))
            return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;

        (string number, double msPerUnit) = s switch
        {
            _ when s.EndsWith("ms", StringComparison.Ordinal) => (s[..^2], 1.0),
            _ when s.EndsWith('s') => (s[..^1], 1_000.0),
            _ when s.EndsWith('m') => (s[..^1], 60_000.0),
            _ when s.EndsWith('h') => (s[..^1], 3_600_000.0),
            _ => (s, 1_000.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
            return false;
        var ms = n * msPerUnit;
        if (ms > TimeSpan.FromDays(365).TotalMilliseconds) return false;
        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    private static string FormatDuration(TimeSpan d) =>
        d.TotalSeconds >= 1 ? $"{d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s" : $"{d.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}

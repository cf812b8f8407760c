using System.Globalization;

namespace Mxo.Bots;

/// <summary>The node binary's <c>bots</c> command: parses options, runs a <see cref="BotSwarm"/>, prints its report.</summary>
public static class BotsCommand
{
    public const string Usage =
        "usage: mxo-node bots [--count N] [--url ws://127.0.0.1:5080/ws] [--duration 30s] [--district downtown] " +
        "[--move-hz 5] [--chat-every 10s] [--name-prefix bot] [--ramp 10s] [--http http://127.0.0.1:5080] " +
        "[--password P] [--run-tag T] [--hello] [--wander 200]";

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageExitCode = 2;

    /// <summary>args = everything after "bots". Returns the process exit code: 0 ok, 1 no bot got in or errors, 2 bad usage.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);

        if (args.Any(a => a is "-h" or "--help"))
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
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
        await output.WriteLineAsync(
            $"bots: {options.Count} bots '{options.NamePrefix}-{swarm.RunTag}-*' -> {options.Url} [{flow}] district {swarm.District.Id} {until}")
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

    /// <summary>Parses <c>--name value</c> or <c>--name=value</c> options; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out BotOptions options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        options = new BotOptions();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            string? value;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = arg[..eq];
                value = arg[(eq + 1)..];
            }
            else if (arg == "--hello")
            {
                name = arg;
                value = "true"; // a flag: takes no value
            }
            else
            {
                name = arg;
                value = i + 1 < args.Count ? args[++i] : null;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
                return Fail($"unexpected argument '{arg}'", out error);
            if (value is null)
                return Fail($"{name} needs a value", out error);

            switch (name)
            {
                case "--count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > BotOptions.MaxCount)
                        return Fail($"--count must be a whole number from 1 to {BotOptions.MaxCount}, not '{value}'", out error);
                    options = options with { Count = count };
                    break;
                case "--url":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != "ws" && url.Scheme != "wss"))
                        return Fail($"--url must be a ws:// or wss:// url, not '{value}'", out error);
                    options = options with { Url = url };
                    break;
                case "--duration":
                    if (!TryParseDuration(value, out var duration) || duration <= TimeSpan.Zero)
                        return Fail($"--duration must be a positive time like 30s, 2m or 500ms, not '{value}'", out error);
                    options = options with { Duration = duration };
                    break;
                case "--district":
                    options = options with { District = value.Trim().ToLowerInvariant() };
                    break;
                case "--move-hz":
                    if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var hz) || hz > BotOptions.MaxMoveHz)
                        return Fail($"--move-hz must be a number from 0 to {BotOptions.MaxMoveHz}, not '{value}'", out error);
                    options = options with { MoveHz = hz };
                    break;
                case "--chat-every":
                    if (!TryParseDuration(value, out var chatEvery))
                        return Fail($"--chat-every must be a time like 10s (0 disables chat), not '{value}'", out error);
                    options = options with { ChatEvery = chatEvery };
                    break;
                case "--name-prefix":
                    options = options with { NamePrefix = value };
                    break;
                case "--hello":
                    if (!bool.TryParse(value, out var hello))
                        return Fail($"--hello takes no value (or true/false), not '{value}'", out error);
                    options = options with { Hello = hello };
                    break;
                case "--http":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var http) || (http.Scheme != Uri.UriSchemeHttp && http.Scheme != Uri.UriSchemeHttps))
                        return Fail($"--http must be an http:// or https:// url, not '{value}'", out error);
                    options = options with { HttpUrl = http };
                    break;
                case "--password":
                    options = options with { Password = value };
                    break;
                case "--run-tag":
                    options = options with { RunTag = value };
                    break;
                case "--ramp":
                    if (!TryParseDuration(value, out var ramp))
                        return Fail($"--ramp must be a time like 10s, not '{value}'", out error);
                    options = options with { Ramp = ramp };
                    break;
                case "--wander":
                    if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var wander)
                        || !double.IsFinite(wander) || wander <= 0 || wander > 1000)
                        return Fail($"--wander must be a number of units from 1 to 1000, not '{value}'", out error);
                    options = options with { WanderRadius = wander };
                    break;
                default:
                    return Fail($"unknown option '{name}'", out error);
            }
        }

        var problems = options.Validate();
        return problems.Count == 0 || Fail(string.Join("; ", problems), out error);
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

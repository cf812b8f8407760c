using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mxo.Bench;

/// <summary>
/// <c>auth-load</c> command (issue 3): end-to-end <c>POST /auth/login</c> throughput and latency against a node that
/// is already running (this starts nothing). Registers one account per client first (not timed; 409 name_taken is
/// fine), then K clients log in back to back, each with its own account, for D seconds.
/// The node's rate limits (100 requests a minute per address by default) stop a load test within seconds: start the
/// node with <c>--Mxo:Security:RateLimit:PerMinute=0 --Mxo:Security:RateLimit:PerHour=0</c>.
/// </summary>
internal static class AuthLoadBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        Uri? http = null;
        var clients = 4;
        var duration = TimeSpan.FromSeconds(10);
        string? password = null;
        var prefix = "load";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--http" when Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps):
                    http = u;
                    break;
                case "--clients" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= 1000:
                    clients = k;
                    break;
                case "--duration" when double.TryParse(value?.TrimEnd('s'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is > 0 and <= 3600:
                    duration = TimeSpan.FromSeconds(d);
                    break;
                case "--password" when value is { Length: >= 10 and <= 128 }:
                    password = value;
                    break;
                case "--prefix" when value is { Length: >= 1 and <= 16 } && char.IsAsciiLetter(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'):
                    prefix = value;
                    break;
                default:
                    return Program.Usage($"auth-load: bad or incomplete option '{args[i]}'");
            }
            i++;
        }
        if (http is null) return Program.Usage("auth-load: --http is required (e.g. --http http://127.0.0.1:5080)");

        // A fresh tag and password per run unless --password is given (then the same accounts can be reused with --prefix).
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(2)).ToLowerInvariant();
        password ??= "load-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15));
        var users = Enumerable.Range(0, clients).Select(i => $"{prefix}-{tag}-{i:0000}").ToArray();

        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = http,
            Timeout = TimeSpan.FromSeconds(60),
        };
        Console.WriteLine($"auth-load: {clients} clients x {duration.TotalSeconds:0.#} s against {http} (accounts {prefix}-{tag}-*)");

        var setup = Stopwatch.StartNew();
        foreach (var user in users)
        {
            var (status, code, _) = await PostAsync(client, "auth/register", user, password).ConfigureAwait(false);
            if (status != HttpStatusCode.Created && !(status == HttpStatusCode.Conflict && code == "name_taken"))
            {
                Console.Error.WriteLine($"auth-load: register {user} failed: {(int)status} {code}");
                return 1;
            }
        }
        Console.WriteLine($"registered {clients} accounts in {setup.Elapsed.TotalSeconds:0.0} s (not timed)");

        var failures = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new List<double>[clients];
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, clients).Select(async i =>
        {
            await Task.Yield();
            var mine = latencies[i] = [];
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var (status, code, elapsed) = await PostAsync(client, "auth/login", users[i], password).ConfigureAwait(false);
                if (status == HttpStatusCode.OK) mine.Add(elapsed.TotalMilliseconds);
                else failures.AddOrUpdate(status == 0 ? code ?? "no answer" : $"{(int)status} {code}", 1, (_, n) => n + 1);
            }
        }).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var all = latencies.SelectMany(l => l).Order().ToArray();
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"logins: {all.Length} ok in {seconds:0.0} s = {all.Length / seconds:0.0} logins/s; " +
                                           $"failed: {failures.Values.Sum()}"));
        if (!failures.IsEmpty)
            Console.WriteLine("failures: " + string.Join(", ", failures.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} x{kv.Value}")));
        if (all.Length > 0)
            Console.WriteLine(string.Create(c, $"latency: p50 {Percentile(all, 0.50):0.0} ms, p99 {Percentile(all, 0.99):0.0} ms, max {all[^1]:0.0} ms"));
        return all.Length > 0 && failures.IsEmpty ? 0 : 1;
    }

    internal static async Task<(HttpStatusCode Status, string? Code, TimeSpan Elapsed)> PostAsync(HttpClient client, string path, string user, string password)
    {
        var body = new JsonObject { ["username"] = user, ["password"] = password }.ToJsonString();
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(path, content).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            string? code = null;
            if (!response.IsSuccessStatusCode)
            {
                try
                {
                    using var doc = JsonDocument.Parse(bytes);
                    code = doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
                }
                catch (JsonException)
                {
                    // not JSON: status only
                }
            }
            return (response.StatusCode, code, elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (0, e.GetType().Name, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Nearest rank.</summary>
    internal static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

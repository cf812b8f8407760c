using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mxo.Bench;

/// <summary>
/// <c>operator</c> command (issue 9): what an operator's commands and a Prometheus scrape cost, against a node that is
/// already running with its operator listener on (this starts nothing). Each case runs back to back K times after a
/// short warm-up; the baseline is <c>GET /pbm/help</c> on the same listener, which does no actor work, so the
/// difference is what the command itself costs. bench/operator-measure.sh starts a node with bots and runs this.
/// </summary>
internal static class OperatorBenchmark
{
    private sealed record Case(string Name, string? Palette, string? Command, string[] Args, string? Get);

    private static readonly Case[] Cases =
    [
        new("baseline: GET /pbm/help", null, null, [], "pbm/help"),
        new("cluster show", "cluster", "show", [], null),
        new("cluster-sharding region-stats -r player", "cluster-sharding", "region-stats", ["-r", "player"], null),
        new("cluster-sharding shard-stats -r player", "cluster-sharding", "shard-stats", ["-r", "player"], null),
        new("world districts", "world", "districts", [], null),
        new("world players -v", "world", "players", ["-v"], null),
        new("GET /metrics", null, null, [], "metrics"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        Uri? url = null;
        var requests = 200;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--url" when Uri.TryCreate(value, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttp && u.IsLoopback:
                    url = u;
                    break;
                case "--requests" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 10 and <= 100_000:
                    requests = n;
                    break;
                default:
                    return Program.Usage($"operator: bad or incomplete option '{args[i]}'");
            }
            i++;
        }
        if (url is null) return Program.Usage("operator: --url is required, a loopback address (e.g. --url http://127.0.0.1:9110)");

        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        if (Environment.GetEnvironmentVariable("MXO__Operator__Key") is { Length: > 0 } key)
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        Console.WriteLine($"operator: {requests} requests per case, one at a time, against {url}");
        Console.WriteLine($"{"case",-42} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"req/s",8} {"bytes",9}");
        foreach (var c in Cases)
        {
            for (var i = 0; i < Math.Max(5, requests / 10); i++) await SendAsync(http, c).ConfigureAwait(false); // warm-up
            var latencies = new double[requests];
            long bytes = 0;
            var total = Stopwatch.StartNew();
            for (var i = 0; i < requests; i++)
            {
                var one = Stopwatch.StartNew();
                bytes = await SendAsync(http, c).ConfigureAwait(false);
                latencies[i] = one.Elapsed.TotalMilliseconds;
            }
            var seconds = total.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name,-42} {Percentile(latencies, 0.50),8:0.00} {Percentile(latencies, 0.99),8:0.00} {latencies[^1],8:0.00} {requests / seconds,8:0} {bytes,9}"));
        }
        return 0;
    }

    /// <summary>One request; the answer's size in bytes. A failed command stops the run: its figures would mean nothing.</summary>
    private static async Task<long> SendAsync(HttpClient http, Case c)
    {
        using var response = c.Get is { } path
            ? await http.GetAsync(path).ConfigureAwait(false)
            : await http.PostAsJsonAsync("pbm", new { palette = c.Palette, command = c.Command, args = c.Args }).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{c.Name}: {(int)response.StatusCode} {JsonSerializer.Serialize(System.Text.Encoding.UTF8.GetString(body))}");
        return body.Length;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}

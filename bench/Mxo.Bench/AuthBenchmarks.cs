using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Mxo.Actors.Accounts;
using Mxo.Edge.Auth;
using Mxo.Protocol.Accounts;

namespace Mxo.Bench;

/// <summary>
/// PBKDF2 at the production default (<see cref="AccountSettings"/>: PBKDF2-HMAC-SHA256, 600,000 iterations).
/// A login costs one <see cref="PasswordHasher.Verify(string, PasswordHash, AccountSettings)"/>, a registration one
/// <see cref="PasswordHasher.Hash(string, AccountSettings)"/>.
/// </summary>
[MemoryDiagnoser]
public class PasswordBenchmarks
{
    private const string Password = "correct-horse-battery";
    private readonly AccountSettings _settings = new();
    private PasswordHash _stored = null!;

    [GlobalSetup]
    public void Setup() => _stored = PasswordHasher.Hash(Password, _settings);

    [Benchmark(Description = "PasswordHasher.Hash")]
    public PasswordHash Hash() => PasswordHasher.Hash(Password, _settings);

    [Benchmark(Description = "PasswordHasher.Verify")]
    public PasswordVerification Verify() => PasswordHasher.Verify(Password, _stored, _settings);
}

/// <summary>HS256 access tokens as the edge issues them (a character selected, permission "player").</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private TokenService _service = null!;
    private string _token = null!;

    internal static readonly AccountClaims Claims = new("bench.account", "benchchar", [Mxo.Edge.Auth.Permissions.Player], null);

    [GlobalSetup]
    public void Setup()
    {
        _service = NewService();
        _token = _service.Issue(Claims).Token;
    }

    [Benchmark(Description = "TokenService.Issue")]
    public string Issue() => _service.Issue(Claims).Token;

    [Benchmark(Description = "TokenService.Validate")]
    public TokenValidation Validate() => _service.Validate(_token);

    /// <summary>Default <see cref="JwtOptions"/> (15 min, 30 s skew) with a random 32-byte key.</summary>
    internal static TokenService NewService() =>
        new(new JwtOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(JwtOptions.MinKeyBytes)) });
}

/// <summary>
/// <c>auth</c> command (issue 3): logins per second (dominated by PBKDF2) and token validations per second.
/// BenchmarkDotNet measures one thread with a short job; then every core runs the same operations for a few seconds
/// to give the machine's ceiling.
/// </summary>
internal static class AuthBenchmark
{
    public static int Run(string[] args)
    {
        var seconds = 5.0;
        var runBdn = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length
                                      && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
                                      && s is > 0 and <= 600:
                    seconds = s;
                    i++;
                    break;
                case "--parallel-only":
                    runBdn = false;
                    break;
                default:
                    return Program.Usage($"auth: unexpected argument '{args[i]}'");
            }
        }

        Console.WriteLine($"auth benchmark: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, " +
                          $"PBKDF2 {new AccountSettings().PasswordAlgorithm} x {new AccountSettings().PasswordIterations:N0}");
        if (runBdn)
        {
            var config = ManualConfig.Create(DefaultConfig.Instance)
                .AddJob(Job.ShortRun.WithId("ShortRun")) // 1 launch, 3 warm-up and 3 measured iterations
                .AddDiagnoser(MemoryDiagnoser.Default)
                .AddColumn(StatisticColumn.Min, StatisticColumn.OperationsPerSecond)
                .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
            var summaries = BenchmarkRunner.Run([typeof(PasswordBenchmarks), typeof(TokenBenchmarks)], config);
            PrintSingleThreaded(summaries);
        }

        PrintParallel(seconds);
        return 0;
    }

    private static void PrintSingleThreaded(IEnumerable<Summary> summaries)
    {
        Console.WriteLine();
        Console.WriteLine("one thread (BenchmarkDotNet, ShortRun):");
        Console.WriteLine("| operation | mean | min | per second (1 thread, 1/mean) | allocated |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            var name = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo;
            if (report.ResultStatistics is not { } stats)
            {
                Console.WriteLine($"| {name} | failed | | | |");
                continue;
            }
            var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {FormatTime(stats.Mean)} | {FormatTime(stats.Min)} | {1e9 / stats.Mean:N1} | {(allocated is { } b ? $"{b:N0} B" : "?")} |"));
        }
    }

    private static void PrintParallel(double seconds)
    {
        var threads = Environment.ProcessorCount;
        var settings = new AccountSettings();
        const string password = "correct-horse-battery";
        var stored = PasswordHasher.Hash(password, settings);
        var service = TokenBenchmarks.NewService();
        var token = service.Issue(TokenBenchmarks.Claims).Token;
        if (!PasswordHasher.Verify(password, stored, settings).Ok || !service.Validate(token).IsValid)
            throw new InvalidOperationException("self-check failed");

        var tokenSeconds = Math.Min(seconds, 2);
        Console.WriteLine();
        Console.WriteLine($"all cores ({threads} threads in parallel, {seconds:0.#} s each for PBKDF2, {tokenSeconds:0.#} s for tokens):");
        Console.WriteLine("| operation | operations | per second (all threads) | per second per thread |");
        Console.WriteLine("|---|---:|---:|---:|");
        Parallel("PasswordHasher.Verify (= logins)", threads, seconds, () => PasswordHasher.Verify(password, stored, settings));
        Parallel("PasswordHasher.Hash (= registrations)", threads, seconds, () => PasswordHasher.Hash(password, settings));
        Parallel("TokenService.Issue", threads, tokenSeconds, () => service.Issue(TokenBenchmarks.Claims));
        Parallel("TokenService.Validate", threads, tokenSeconds, () => service.Validate(token));
    }

    /// <summary>Runs <paramref name="op"/> on <paramref name="threads"/> dedicated threads for about <paramref name="seconds"/>.</summary>
    private static void Parallel<T>(string name, int threads, double seconds, Func<T> op)
    {
        for (var i = 0; i < 3; i++) op(); // JIT and caches
        var counts = new long[threads];
        var rates = new double[threads];
        using var start = new Barrier(threads + 1);
        var duration = TimeSpan.FromSeconds(seconds);
        long startedAt = 0;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait(); // startedAt is written before the barrier opens
            long n = 0;
            while (Stopwatch.GetElapsedTime(startedAt) < duration)
            {
                GC.KeepAlive(op());
                n++;
            }
            // Each thread's own rate: the last operation runs past the deadline, so divide by this thread's own time.
            counts[t] = n;
            rates[t] = n / Stopwatch.GetElapsedTime(startedAt).TotalSeconds;
        }) { IsBackground = true, Name = $"bench-{t}" }).ToArray();
        foreach (var w in workers) w.Start();
        startedAt = Stopwatch.GetTimestamp();
        start.SignalAndWait();
        foreach (var w in workers) w.Join();
        var total = counts.Sum();
        var rate = rates.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {total:N0} | {rate:N1} | {rate / threads:N1} |"));
    }

    private static string FormatTime(double ns) => ns switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:N1} ms"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:N2} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns:N0} ns"),
    };
}

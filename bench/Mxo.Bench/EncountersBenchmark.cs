using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mxo.Actors;
using Mxo.Actors.Combat;
using Mxo.Actors.Hosting;
using Mxo.Node.Fencing;
using Mxo.Node.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Serialization;
using Mxo.TestSupport;
using Npgsql;
using Prometheus;

namespace Mxo.Bench;

/// <summary>
/// <c>encounters</c> load command (issue 11): N combat encounters at once on one node, each resolving a round every round
/// length, for S seconds. The node's parts are the real ones: the combat shard region
/// (<see cref="CombatRegistration.AddCombatEncounterEntity"/>) in a one-node cluster with hocon/akka.conf and the write
/// fence, the node's journal (<see cref="PersistenceSetup.AddJournal"/>) on a throwaway PostgreSQL, MxoSerializer.
/// Round lateness is the encounter's own: every round in the journal carries its time from the start, and a round is due
/// one round length after the previous one (<see cref="EncounterRules.NextRoundDue"/>), so the journal gives each round's
/// lateness exactly as <see cref="CombatEncounterEntity"/> observes it into <c>mxo_combat_round_lateness_seconds</c>.
/// </summary>
internal static class EncountersBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Health a run does not use up: about 35 damage a round each way is some 28,000 rounds (a day at 3 s). A fight that
    /// ends anyway is counted in the report.
    /// </summary>
    private static readonly FighterStatsData Fighter = new(1_000_000, 1_000_000, 200, 200, 20, 50, 50, 10);

    private const string IdPrefix = "bench-";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);
    private const int StartsInFlight = 200;
    private const int Kib = 1024;

    private sealed record Options(int Encounters, int Seconds, int? RoundMs, int? RampSeconds, int? PinPostgres, JournalTuning Journal);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var o, out var problem)) return Program.Usage(problem);
        CombatTable table;
        try
        {
            table = Table(o.RoundMs);
        }
        catch (CombatTableException e)
        {
            return Program.Usage("encounters: --round-ms: " + e.Message);
        }
        var round = table.Settings.Round;
        var ramp = o.RampSeconds is { } r ? TimeSpan.FromSeconds(r) : round;
        // Everything is bounded: start, ramp, settle, measure and the checks at the end.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10) + ramp + 2 * round + TimeSpan.FromSeconds(o.Seconds));
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunCoreAsync(o, table, ramp, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("encounters: cancelled or timed out");
            return 130;
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException or InvalidOperationException)
        {
            // A node that cannot keep up (starts or the hand-off not answered in time): said, not a crash.
            Console.Error.WriteLine($"encounters: failed: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>world/combat.json, with another round length if asked (the table's own validation decides whether it may).</summary>
    private static CombatTable Table(int? roundMs)
    {
        if (roundMs is null) return CombatTable.Load(CombatTable.DefaultPath);
        var json = JsonNode.Parse(File.ReadAllText(CombatTable.DefaultPath))!;
        json["settings"]!["roundMs"] = roundMs.Value;
        return CombatTable.Parse(json.ToJsonString());
    }

    private static async Task<int> RunCoreAsync(Options o, CombatTable table, TimeSpan ramp, CancellationToken ct)
    {
        await using var server = await PostgresServer.StartAsync(ct).ConfigureAwait(false);
        var postmaster = PersistenceBenchmark.Postmaster(server);
        if (o.PinPostgres is { } pinned) PersistenceBenchmark.Pin(postmaster, pinned);
        var cs = await server.CreateDatabaseAsync("bench_encounters").ConfigureAwait(false);
        var round = table.Settings.Round;

        using var host = BuildNode(o, table, cs);
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            await BenchNode.UpAsync(system, ct).ConfigureAwait(false);
            var region = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<CombatRegion>(ct).ConfigureAwait(false);
            var tally = new Tally(o.Encounters);
            var collector = system.ActorOf(Props.Create(() => new Collector(tally)), "collector");

            var started = await RampAsync(region, collector, o.Encounters, ramp, ct).ConfigureAwait(false);
            Console.Error.WriteLine(string.Create(Inv, $"encounters: {o.Encounters:N0} started in {started.TotalSeconds:0.0} s; settling, then {o.Seconds} s measured"));
            // Two round lengths: every encounter has played a round, and the ramp's recoveries and first writes are over.
            await Task.Delay(2 * round, ct).ConfigureAwait(false);

            var cpu = PersistenceBenchmark.CpuSample.Take(postmaster);
            var before = Sample.Take(cs);
            var peak = new Peak();
            var window = Stopwatch.StartNew();
            while (window.Elapsed < TimeSpan.FromSeconds(o.Seconds))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                peak.Observe();
            }
            var after = Sample.Take(cs);
            var (nodeCpu, postgresSeconds) = cpu.Since(postmaster);

            Console.Error.WriteLine("encounters: stopping the encounters, then reading the journal");
            // Stop every encounter through its shard's hand-off (an encounter finishes the write it is in first), so
            // every round it persisted has been pushed before the collector is asked.
            region.Tell(GracefulShutdown.Instance);
            await region.WatchAsync(ct).WaitAsync(AskTimeout, ct).ConfigureAwait(false);
            await collector.Ask<Collector.Done>(Collector.Finish.Instance, AskTimeout, ct).ConfigureAwait(false);
            var stored = await Journal.ReadAsync(system, cs, o.Encounters, round, before.Utc, after.Utc, ct).ConfigureAwait(false);
            var used = new Used(nodeCpu.TotalSeconds, postgresSeconds, peak);
            return Report(o, table, ramp, started, before, after, used, tally, stored);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A world node as <c>MxoNode</c> builds one, with only what an encounter touches (<see cref="BenchNode.Build"/>).</summary>
    private static IHost BuildNode(Options o, CombatTable table, string cs) =>
        BenchNode.Build(PersistenceSetup.From(new PersistenceOptions { Provider = "postgresql", ConnectionString = cs, Journal = o.Journal },
            Environment.CurrentDirectory), akka => akka.AddCombatEncounterEntity(new WorldSettings(), table, hostsWorld: true));

    private static string EncounterId(int i) => IdPrefix + i.ToString(Inv);

    /// <summary>
    /// Starts the encounters evenly over <paramref name="ramp"/> (by default one round length, so their rounds are spread
    /// evenly over it too), at most <see cref="StartsInFlight"/> unanswered at a time, and waits until each has answered.
    /// A new encounter is recovered from the journal and its shard remembers it before it starts, which a busy node does
    /// more slowly than the ramp asks; then the starts, and so the rounds, spread over the time they took.
    /// </summary>
    /// <returns>How long the starts took in all.</returns>
    private static async Task<TimeSpan> RampAsync(IActorRef region, IActorRef collector, int count, TimeSpan ramp, CancellationToken ct)
    {
        var answers = new Task<object>[count];
        using var inFlight = new SemaphoreSlim(StartsInFlight);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = ramp * i / count;
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct).ConfigureAwait(false);
            await inFlight.WaitAsync(ct).ConfigureAwait(false);
            var start = new CombatCommands.StartEncounter(EncounterId(i), "a" + i.ToString(Inv), Fighter, "b" + i.ToString(Inv), Fighter,
                5, (ulong)i, [collector]);
            answers[i] = StartAsync(start);
        }
        var replies = await Task.WhenAll(answers).ConfigureAwait(false);
        var refused = replies.OfType<Replies.Rejected>().ToList();
        if (refused.Count > 0)
            throw new InvalidOperationException($"{refused.Count} encounters did not start, e.g. {refused[0].Code}: {refused[0].Message}");
        return clock.Elapsed;

        async Task<object> StartAsync(CombatCommands.StartEncounter start)
        {
            try
            {
                return await region.Ask<object>(start, AskTimeout, ct).ConfigureAwait(false);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    /// <summary>What the encounters pushed: per encounter, how many rounds and the last round number; ends.</summary>
    private sealed class Tally(int encounters)
    {
        public readonly int[] Pushed = new int[encounters];
        public readonly int[] LastRound = new int[encounters];
        public int Ended;
        public int Misnumbered;
    }

    /// <summary>Every encounter's notify ref. Its tally is read only after it answers <see cref="Finish"/>.</summary>
    private sealed class Collector : ReceiveActor
    {
        public sealed class Finish { public static readonly Finish Instance = new(); }
        public sealed class Done { public static readonly Done Instance = new(); }

        public Collector(Tally tally)
        {
            Receive<CombatPushes.RoundPlayed>(p =>
            {
                var i = int.Parse(p.EncounterId.AsSpan(IdPrefix.Length), Inv);
                if (p.Round != tally.LastRound[i] + 1) tally.Misnumbered++;
                tally.Pushed[i]++;
                tally.LastRound[i] = p.Round;
            });
            Receive<CombatEvents.EncounterEnded>(_ => tally.Ended++);
            Receive<Finish>(_ => Sender.Tell(Done.Instance));
        }
    }

    private static readonly Histogram.Child Persists = WorldMetrics.PersistDuration.WithLabels(CombatRegistration.TypeName);

    /// <summary>The node's counters and the journal's rows at one moment.</summary>
    private sealed record Sample(DateTimeOffset Utc, long Timestamp, double Rounds, long Rows, int Gen0, int Gen1, int Gen2,
        TimeSpan GcPause, double LoadAverage, long Rss, double Within50Ms, double Observed, Dictionary<int, long> RunQueue, double StalledSeconds,
        long Writes, double WriteSeconds, double Failures, long Allocated)
    {
        public static Sample Take(string cs)
        {
            var rows = Journal.CountRows(cs);
            using var self = Process.GetCurrentProcess();
            var (within, observed) = LatenessHistogram();
            return new Sample(DateTimeOffset.UtcNow, Stopwatch.GetTimestamp(), WorldMetrics.CombatRounds.Value, rows, GC.CollectionCount(0),
                GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), ReadLoadAverage(), self.WorkingSet64, within, observed,
                ReadRunQueueWaits(), ReadStalledSeconds(), Persists.Count, Persists.Sum,
                WorldMetrics.PersistFailures.WithLabels(CombatRegistration.TypeName, "failed").Value
                + WorldMetrics.PersistFailures.WithLabels(CombatRegistration.TypeName, "rejected").Value, GC.GetTotalAllocatedBytes());
        }

        public double SecondsSince(Sample before) => Stopwatch.GetElapsedTime(before.Timestamp, Timestamp).TotalSeconds;
    }

    /// <summary>
    /// From <c>mxo_combat_round_lateness_seconds</c>: the rounds in its 50 ms bucket (cumulative, so 50 ms or less) and all
    /// rounds. prometheus-net shows its buckets only in the text exposition, as a scrape reads them.
    /// </summary>
    private static (double Within50Ms, double Observed) LatenessHistogram()
    {
        using var text = new MemoryStream();
        Metrics.DefaultRegistry.CollectAndExportAsTextAsync(text).GetAwaiter().GetResult();
        double Bucket(string le) => System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n')
            .Where(line => line.StartsWith($"mxo_combat_round_lateness_seconds_bucket{{le=\"{le}\"}} ", StringComparison.Ordinal))
            .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], Inv))
            .Single();
        return (Bucket("0.05"), Bucket("+Inf"));
    }

    private static double ReadLoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], Inv) : double.NaN;

    /// <summary>
    /// How long each of this process's threads has waited, runnable, for a CPU (the second field of its
    /// <c>/proc/self/task/TID/schedstat</c>, in ns), by thread id: on a shared machine, the time others' work held the node back.
    /// </summary>
    private static Dictionary<int, long> ReadRunQueueWaits()
    {
        var waits = new Dictionary<int, long>();
        if (!Directory.Exists("/proc/self/task")) return waits;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                waits[int.Parse(Path.GetFileName(task), Inv)] = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[1], Inv);
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return waits;
    }

    /// <summary>The run-queue wait since <paramref name="before"/>, of the threads alive now (a thread that ended takes its share with it).</summary>
    private static double RunQueueSecondsSince(Dictionary<int, long> before, Dictionary<int, long> after) =>
        after.Sum(t => t.Value - before.GetValueOrDefault(t.Key)) / 1e9;

    /// <summary>The machine's CPU pressure: the time at least one task waited for a CPU (<c>/proc/pressure/cpu</c>, "some total", µs).</summary>
    private static double ReadStalledSeconds()
    {
        if (!File.Exists("/proc/pressure/cpu")) return double.NaN;
        var some = File.ReadLines("/proc/pressure/cpu").First();
        return long.Parse(some[(some.LastIndexOf('=') + 1)..], Inv) / 1e6;
    }

    /// <summary>CPU seconds of the node (this process) and of PostgreSQL over the window, and what <see cref="Peak"/> saw.</summary>
    private sealed record Used(double NodeSeconds, double PostgresSeconds, Peak Peak);

    /// <summary>The largest resident set and thread pool seen, sampled once a second over the window.</summary>
    private sealed class Peak
    {
        public long Rss { get; private set; }
        public long QueuedWork { get; private set; }
        public int PoolThreads { get; private set; }

        public void Observe()
        {
            using var self = Process.GetCurrentProcess();
            Rss = Math.Max(Rss, self.WorkingSet64);
            QueuedWork = Math.Max(QueuedWork, ThreadPool.PendingWorkItemCount);
            PoolThreads = Math.Max(PoolThreads, ThreadPool.ThreadCount);
        }
    }

    /// <summary>What the journal holds of the encounters, read back after they stopped.</summary>
    private sealed record Stored(int[] Rounds, int Gaps, int Ended, double[] LatenessMs)
    {
        public long Total => Rounds.Sum(r => (long)r);
    }

    private static class Journal
    {
        public static long CountRows(string cs)
        {
            using var connection = new NpgsqlConnection(cs);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT count(*) FROM journal WHERE persistence_id LIKE 'combat-%'", connection);
            return (long)command.ExecuteScalar()!;
        }

        /// <summary>
        /// Every encounter's events in order: rounds stored, gaps in their numbers, ends, and the lateness of each round
        /// resolved between <paramref name="from"/> and <paramref name="until"/> (its time from the start beyond one
        /// round length after the previous round's).
        /// </summary>
        public static async Task<Stored> ReadAsync(ActorSystem system, string cs, int encounters, TimeSpan round, DateTimeOffset from,
            DateTimeOffset until, CancellationToken ct)
        {
            var rounds = new int[encounters];
            var lateness = new List<double>();
            int gaps = 0, ended = 0;
            var serialization = system.Serialization;
            await using var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "SELECT persistence_id, identifier, manifest, message FROM journal WHERE persistence_id LIKE 'combat-%' " +
                "ORDER BY persistence_id, sequence_number", connection);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            string? current = null;
            long startedAt = 0, lastAt = 0;
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (id != current) (current, startedAt, lastAt) = (id, 0, 0);
                var i = int.Parse(id.AsSpan(("combat-" + IdPrefix).Length), Inv);
                switch (serialization.Deserialize((byte[])reader[3], reader.GetInt32(1), reader.GetString(2)))
                {
                    case CombatEvents.EncounterBegan began:
                        startedAt = began.StartedAtUtcTicks;
                        break;
                    case CombatEvents.RoundResolved resolved:
                        if (resolved.Round != rounds[i] + 1) gaps++;
                        rounds[i]++;
                        var at = startedAt + resolved.AtTicks;
                        if (at >= from.UtcTicks && at < until.UtcTicks)
                            lateness.Add(TimeSpan.FromTicks(resolved.AtTicks - lastAt - round.Ticks).TotalMilliseconds);
                        lastAt = resolved.AtTicks;
                        break;
                    case CombatEvents.EncounterEnded:
                        ended++;
                        break;
                }
            }
            var sorted = lateness.ToArray();
            Array.Sort(sorted);
            return new Stored(rounds, gaps, ended, sorted);
        }
    }

    private static int Report(Options o, CombatTable table, TimeSpan ramp, TimeSpan startedIn, Sample before, Sample after, Used used,
        Tally tally, Stored stored)
    {
        var seconds = after.SecondsSince(before);
        var rounds = after.Rounds - before.Rounds;
        var rows = after.Rows - before.Rows;
        var late = stored.LatenessMs;
        double P(double p) => late.Length == 0 ? double.NaN : AuthLoadBenchmark.Percentile(late, p);
        var within = late.Length == 0 ? double.NaN : 100.0 * late.Count(l => l <= 50) / late.Length;
        var mismatched = Enumerable.Range(0, o.Encounters).Count(i => tally.Pushed[i] != stored.Rounds[i]);
        var persisted = mismatched == 0 && stored.Gaps == 0 && tally.Misnumbered == 0;
        var met = late.Length > 0 && P(0.99) <= 50 && persisted;
        var cpu = 100 * used.NodeSeconds / seconds;
        var pgCpu = 100 * used.PostgresSeconds / seconds;
        var peak = used.Peak;
        // The node's own histogram over the same window, as a scrape would show it.
        var histogramRounds = after.Observed - before.Observed;
        var histogramWithin = 100 * (after.Within50Ms - before.Within50Ms) / histogramRounds;

        Console.WriteLine(string.Create(Inv,
            $"encounters: {o.Encounters:N0} started over {startedIn.TotalSeconds:0.0} s (ramp {ramp.TotalSeconds:0.0} s), round {table.Settings.Round.TotalMilliseconds:0} ms, measured {seconds:0.0} s after {2 * table.Settings.Round.TotalSeconds:0} s settling"));
        Console.WriteLine(string.Create(Inv,
            $"rounds: {rounds:N0} ({rounds / seconds:N1}/s, mxo_combat_rounds_total); persisted events: {rows:N0} ({rows / seconds:N1}/s, journal rows)"));
        Console.WriteLine(string.Create(Inv,
            $"round lateness ({late.Length:N0} rounds resolved in the window, from the journal): p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, p99.9 {P(0.999):0.0} ms, max {(late.Length > 0 ? late[^1] : double.NaN):0.0} ms; <= 50 ms: {within:0.00} %"));
        Console.WriteLine(string.Create(Inv,
            $"node histogram mxo_combat_round_lateness_seconds over the window: {histogramRounds:N0} rounds, <= 50 ms: {histogramWithin:0.00} %"));
        Console.WriteLine(string.Create(Inv,
            $"every round persisted: {(persisted ? "yes" : "NO")} ({tally.Pushed.Sum(p => (long)p):N0} rounds pushed, {stored.Total:N0} stored, {mismatched} encounters differ, {stored.Gaps} gaps, {tally.Misnumbered} out of order; {stored.Ended} fights ended)"));
        Console.WriteLine(string.Create(Inv,
            $"node CPU: {cpu:0} % of one core (user+sys / wall); RSS {after.Rss / Kib / Kib} MiB at the end, peak {peak.Rss / Kib / Kib:0} MiB; allocated {(after.Allocated - before.Allocated) / seconds / Kib / Kib:0.0} MiB/s ({(after.Allocated - before.Allocated) / Math.Max(1, rounds) / Kib:0.0} KiB a round); GC gen0/1/2 {after.Gen0 - before.Gen0}/{after.Gen1 - before.Gen1}/{after.Gen2 - before.Gen2}, pause {(after.GcPause - before.GcPause).TotalMilliseconds:0} ms; thread pool up to {peak.PoolThreads} threads, {peak.QueuedWork} queued"));
        var writes = after.Writes - before.Writes;
        Console.WriteLine(string.Create(Inv,
            $"journal writes: {writes:N0}, {1000 * (after.WriteSeconds - before.WriteSeconds) / Math.Max(1, writes):0.0} ms each on average (persist call to handler, mxo_persist_duration_seconds); failed or refused: {after.Failures - before.Failures:0}"));
        Console.WriteLine(string.Create(Inv,
            $"PostgreSQL CPU: {pgCpu:0} % of one core{(o.PinPostgres is { } pin ? $" (pinned to CPU {pin})" : "")}; journal parallelism {o.Journal.Parallelism}, batch-size {o.Journal.BatchSize}, buffer-size {o.Journal.BufferSize}"));
        Console.WriteLine(string.Create(Inv,
            $"waiting for a CPU: the node's threads {100 * RunQueueSecondsSince(before.RunQueue, after.RunQueue) / seconds:0} % of the window (summed over its threads); some task on the machine {100 * (after.StalledSeconds - before.StalledSeconds) / seconds:0} % of it (/proc/pressure/cpu)"));
        Console.WriteLine(string.Create(Inv,
            $"machine: {Environment.ProcessorCount} cores visible to the node, load average {before.LoadAverage:0.0} at the start and {after.LoadAverage:0.0} at the end of the window, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}"));
        Console.WriteLine(string.Create(Inv,
            $"target p99 <= 50 ms with every round persisted: {(met ? "met" : "NOT met")}"));
        Console.WriteLine(string.Create(Inv,
            $"result encounters={o.Encounters} rounds_per_s={rounds / seconds:0.0} events_per_s={rows / seconds:0.0} p50_ms={P(0.50):0.0} p99_ms={P(0.99):0.0} max_ms={(late.Length > 0 ? late[^1] : double.NaN):0.0} cpu_pct={cpu:0} pg_cpu_pct={pgCpu:0} rss_mib={peak.Rss / Kib / Kib} persisted={persisted.ToString().ToLowerInvariant()}"));
        return persisted ? 0 : 1;
    }

    private static bool TryParse(string[] args, out Options options, out string? problem)
    {
        var o = new Options(5000, 60, null, null, null, new JournalTuning());
        problem = BenchArgs.Parse("encounters", args, (name, text) => name switch
        {
            "--encounters" => BenchArgs.Int(name, text, v => o = o with { Encounters = v }),
            "--seconds" => BenchArgs.Int(name, text, v => o = o with { Seconds = v }),
            "--round-ms" => BenchArgs.Int(name, text, v => o = o with { RoundMs = v }),
            "--ramp-seconds" => BenchArgs.Int(name, text, v => o = o with { RampSeconds = v }, min: 0),
            "--pin-postgres" => BenchArgs.Int(name, text, v => o = o with { PinPostgres = v }, min: 0),
            _ when BenchArgs.Journal(name, o.Journal) is { } set => BenchArgs.Int(name, text, set),
            _ => $"unknown option '{name}'",
        });
        options = o;
        return problem is null;
    }
}

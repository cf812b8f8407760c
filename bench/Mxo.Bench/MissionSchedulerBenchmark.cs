using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mxo.Actors.Missions;
using Mxo.Node.Hosting;
using Mxo.Protocol.Missions;

namespace Mxo.Bench;

/// <summary>
/// <c>mission-scheduler</c>: N one-shot timers (default 100,000) scheduled into a <see cref="MissionScheduler"/> on an
/// in-process actor system with the node's journal on a throwaway SQLite file, due evenly over S seconds (default 20)
/// starting L seconds (default 30) after the run starts, in a shuffled order. Prints schedule throughput, process memory
/// with them all pending, the time a new incarnation takes to recover them (snapshot plus journal tail), and fire
/// lateness p50/p99/max as the receiver sees it (its clock minus the timer's due time).
/// </summary>
public static class MissionSchedulerBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);
    private const double Mib = 1024 * 1024;

    private sealed class Options
    {
        public int Timers = 100_000;
        public int SpreadSeconds = 20;
        public int LeadSeconds = 30;
        public int InFlight = 1_000;
        public int SnapshotEvery = new MissionSchedulerSettings().SnapshotEvery;
    }

    /// <summary>Records each fire's lateness; completes when all have arrived.</summary>
    private sealed class Receiver : ReceiveActor
    {
        public Receiver(double[] lateMs, TaskCompletionSource all)
        {
            var count = 0;
            Receive<TimerFired>(f =>
            {
                var late = (DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(f.DueUnixMs)).TotalMilliseconds;
                if (count < lateMs.Length) lateMs[count] = late;
                if (++count == lateMs.Length) all.TrySetResult();
            });
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Options();
        if (BenchArgs.Parse("mission-scheduler", args, (name, value) => name switch
            {
                "--timers" => BenchArgs.Int(name, value, v => o.Timers = v),
                "--spread-seconds" => BenchArgs.Int(name, value, v => o.SpreadSeconds = v),
                "--lead-seconds" => BenchArgs.Int(name, value, v => o.LeadSeconds = v),
                "--inflight" => BenchArgs.Int(name, value, v => o.InFlight = v),
                "--snapshot-every" => BenchArgs.Int(name, value, v => o.SnapshotEvery = v),
                _ => $"unknown option {name}",
            }) is { } problem)
            return Program.Usage(problem);

        var dir = Path.Combine(Path.GetTempPath(), "mxo-bench-scheduler-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            return await RunCoreAsync(o, Path.Combine(dir, "mxo.db")).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<int> RunCoreAsync(Options o, string sqliteFile)
    {
        var setup = PersistenceSetup.From(new PersistenceOptions { Provider = "sqlite", ConnectionString = $"Data Source={sqliteFile}" },
            Environment.CurrentDirectory);
        using var host = BenchNode.Build(setup, _ => { });
        await host.StartAsync().ConfigureAwait(false);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            await BenchNode.UpAsync(system, CancellationToken.None).ConfigureAwait(false);

            var lateMs = new double[o.Timers];
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var receiver = system.ActorOf(Props.Create(() => new Receiver(lateMs, all)), "receiver");
            var settings = new MissionSchedulerSettings { MaxPendingTimers = Math.Max(o.Timers, 200_000), SnapshotEvery = o.SnapshotEvery };
            var scheduler = system.ActorOf(MissionScheduler.PropsFor(settings, _ => TimerTargets.To(receiver)), "scheduler-1");

            // Due evenly over the spread, scheduled in a shuffled order (the index sorts them, not the arrival order).
            var firstDue = DateTimeOffset.UtcNow.AddSeconds(o.LeadSeconds);
            var order = Enumerable.Range(0, o.Timers).ToArray();
            new Random(13).Shuffle(order);
            var spreadMs = o.SpreadSeconds * 1000.0;
            Console.Error.WriteLine(string.Create(Inv, $"mission-scheduler: scheduling {o.Timers:N0} timers due from {firstDue:HH:mm:ss} over {o.SpreadSeconds} s"));
            var scheduling = Stopwatch.StartNew();
            using (var inFlight = new SemaphoreSlim(o.InFlight))
            {
                var answers = new List<Task>(o.Timers);
                foreach (var i in order)
                {
                    await inFlight.WaitAsync().ConfigureAwait(false);
                    var due = firstDue.ToUnixTimeMilliseconds() + (long)(i * spreadMs / o.Timers);
                    var command = new MissionSchedulerCommands.Schedule($"bench/{i.ToString(Inv)}", due, "bench", i.ToString(Inv), "");
                    answers.Add(scheduler.Ask<MissionSchedulerReplies.Accepted>(command, AskTimeout).ContinueWith(
                        t =>
                        {
                            inFlight.Release();
                            return t;
                        }, TaskScheduler.Default).Unwrap());
                }
                await Task.WhenAll(answers).ConfigureAwait(false);
            }
            scheduling.Stop();
            var rate = o.Timers / scheduling.Elapsed.TotalSeconds;

            // Memory with every timer pending, after a full collection (what stays, not what scheduling allocated).
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            var rss = self.WorkingSet64;
            var status = await scheduler.Ask<MissionSchedulerReplies.Status>(new MissionSchedulerCommands.GetStatus(0), AskTimeout).ConfigureAwait(false);

            // A new incarnation: the snapshot plus the events after it, not one event per pending timer.
            var recovery = Stopwatch.StartNew();
            await scheduler.GracefulStop(AskTimeout, Mxo.Actors.EntityStop.Instance).ConfigureAwait(false);
            scheduler = system.ActorOf(MissionScheduler.PropsFor(settings, _ => TimerTargets.To(receiver)), "scheduler-2");
            var recovered = await scheduler.Ask<MissionSchedulerReplies.Status>(new MissionSchedulerCommands.GetStatus(0), AskTimeout).ConfigureAwait(false);
            recovery.Stop();
            var margin = firstDue - DateTimeOffset.UtcNow;

            Console.Error.WriteLine("mission-scheduler: waiting for the fires");
            await all.Task.WaitAsync(TimeSpan.FromSeconds(o.LeadSeconds + o.SpreadSeconds + 120)).ConfigureAwait(false);
            Array.Sort(lateMs);
            double P(double p) => AuthLoadBenchmark.Percentile(lateMs, p);
            Console.WriteLine(string.Create(Inv, $"""
                mission-scheduler: {o.Timers:N0} timers due over {o.SpreadSeconds} s, SQLite journal, snapshot every {o.SnapshotEvery:N0} events, {Environment.ProcessorCount} cores
                  schedule: {scheduling.Elapsed.TotalSeconds:0.00} s, {rate:N0} timers/s ({o.InFlight} in flight; each answered once persisted)
                  pending {status.PendingTimers:N0}: GC heap {heap / Mib:0.0} MiB, RSS {rss / Mib:0.0} MiB
                  recovery of a new incarnation with {recovered.PendingTimers:N0} pending: {recovery.Elapsed.TotalMilliseconds:0} ms (first due {margin.TotalSeconds:0.0} s later)
                  fire lateness: p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {lateMs[^1]:0.0} ms, min {lateMs[0]:0.0} ms
                """));
            if (margin < TimeSpan.Zero)
                Console.WriteLine("  warning: scheduling and recovery ran past the first due time; raise --lead-seconds");
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Mxo.Bench;

/// <summary>
/// Entry point: the first argument picks the benchmark. Load commands (<c>persistence</c>, <c>encounters</c>, <c>auth-load</c>, <c>flood</c>) run here
/// directly; <c>auth</c> runs BenchmarkDotNet suites.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "";
        var rest = args.Length > 0 ? args[1..] : [];
        return command switch
        {
            "persistence" => await PersistenceBenchmark.RunAsync(rest).ConfigureAwait(false),
            "encounters" => await EncountersBenchmark.RunAsync(rest).ConfigureAwait(false),
            "auth" => AuthBenchmark.Run(rest),
            "auth-load" => await AuthLoadBenchmark.RunAsync(rest).ConfigureAwait(false),
            "tick" => RunSuite<TickBenchmarks>(rest),
            "crowd-join" => RunSuite<CrowdJoinBenchmarks>(rest),
            "metrics" => RunSuite<MetricsBenchmarks>(rest),
            "flood" => await FloodBenchmark.RunAsync(rest).ConfigureAwait(false),
            "operator" => await OperatorBenchmark.RunAsync(rest).ConfigureAwait(false),
            "echo" => await EchoBenchmark.RunAsync(rest).ConfigureAwait(false),
            "echo-server" => await EchoBenchmark.ServeAsync(rest).ConfigureAwait(false),
            "mission-scheduler" => await MissionSchedulerBenchmark.RunAsync(rest).ConfigureAwait(false),
            _ => Usage(command),
        };
    }

    /// <summary>
    /// A BenchmarkDotNet suite (<c>tick</c>: <see cref="TickBenchmarks"/>, issue 4; <c>metrics</c>: <see cref="MetricsBenchmarks"/>);
    /// extra arguments go to BenchmarkDotNet (e.g. <c>--filter *Grid*</c>).
    /// </summary>
    private static int RunSuite<T>(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        var summary = BenchmarkRunner.Run<T>(config, args);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }

    internal static int Usage(string? problem = null)
    {
        if (!string.IsNullOrEmpty(problem))
        {
            Console.Error.WriteLine($"Unknown or invalid arguments: {problem}");
        }

        Console.Error.WriteLine(
            """
            Usage: dotnet run -c Release --project bench/Mxo.Bench -- <command> [options]

            Commands:
              persistence [--shape combat|chat|all] [--seconds S] [--entities M] [--districts D] [--players P]
                          [--window W] [--pin-postgres CPU] [--parallelism N] [--batch-size N] [--buffer-size N]
                  The node's journal (PersistenceSetup.AddJournal: tagged events) on a throwaway PostgreSQL
                  vs raw batched Npgsql inserts of the same rows, S seconds per side (default 10) after a 2 s warm-up.
                  combat: M entities (default 100), one event per command; chat: the real district entity, D districts
                  (default 4, at most 4) x P players (default 25) saying lines. W commands in flight per entity or
                  player (default 4). --pin-postgres pins the server to one CPU (taskset); the journal settings
                  default to the node's (Mxo:Persistence:Journal). Run it pinned: taskset -c 1 dotnet bench/...
              encounters [--encounters N] [--seconds S] [--round-ms R] [--ramp-seconds T] [--pin-postgres CPU]
                         [--parallelism N] [--batch-size N] [--buffer-size N]
                  N combat encounters (default 5,000) in the node's combat shard region (one-node cluster, the node's
                  journal on a throwaway PostgreSQL), started evenly over T seconds (default one round), fighters that
                  outlast the run; after two rounds of settling, S seconds measured (default 60). Prints rounds/s,
                  persisted events/s, round lateness p50/p99/max from the journal (the encounters' own round times) and
                  from mxo_combat_round_lateness_seconds, node CPU and RSS, and checks that every round pushed is stored.
                  R replaces world/combat.json's roundMs (within the table's limits). Run it pinned:
                  taskset -c 0 dotnet bench/... encounters --pin-postgres 1
              auth [--seconds S] [--parallel-only]
                  BenchmarkDotNet (ShortRun): PasswordHasher.Hash/Verify at 600,000 PBKDF2-SHA256 iterations,
                  TokenService.Issue/Validate; then the same on every core in parallel for S seconds (default 5).
              tick [--filter '*TickBenchmarks.Grid*']
                  BenchmarkDotNet: one district tick (interest management, view messages) for 100 to 5,000 players.
              crowd-join
                  BenchmarkDotNet: 10 players joining a crowd of 1,000 or 2,500 standing on one point, and one tick.
              metrics
                  BenchmarkDotNet: what the world's metrics add to a persist, a tick and a presence change.
              auth-load --http http://127.0.0.1:5080 [--clients K] [--duration D] [--password P] [--prefix load]
                  End to end against a running node (starts nothing): registers K accounts, then K clients call
                  POST /auth/login back to back for D seconds (default 4 clients, 10 s); prints logins/s, p50/p99.
                  Start the node with --Mxo:Security:RateLimit:PerMinute=0 --Mxo:Security:RateLimit:PerHour=0.
              flood --mode say|interact|moves|frames --url ws://127.0.0.1:5080/ws [--http URL] [--duration D] [--rate N]
                    [--district downtown]
                  Hostile client against a running --dev node (starts nothing): hello, enter, then one kind of frame as
                  fast as the socket takes them (or N a second) for D seconds (default 20): say (plus a listener that
                  counts the chat it gets), interact use on the nearest terminal (walks there first; needs --http),
                  moves 50 units too far, or ping. Prints frames sent, frames/s, acks, errors by code, the close code.
              flood --mode register --http http://127.0.0.1:5080 [--addresses 127.0.0.1,127.0.0.2,127.0.0.3]
                    [--per-address 100] [--innocent 127.0.0.4] [--checker 127.0.0.5] [--duration D]
                  One burst of POST /auth/register from each address while the innocent address starts a login every
                  second (for D seconds and until the burst is answered); then logs in, from the checker address, to
                  up to 10 accounts whose registration answered 503. Meant for a node without --dev.
                  Every flood targets and binds loopback addresses only (127.x.y.z, ::1).
              operator --url http://127.0.0.1:9110 [--requests K]
                  Against a running node's operator listener (loopback only; starts nothing): each operator command
                  and GET /metrics K times one at a time (default 200), against GET /pbm/help as the baseline; prints
                  p50/p99/max, requests/s, answer bytes. bench/operator-measure.sh starts a node with bots and runs it.
                  bench/flood-measure.sh MODE starts a node, runs this and reports the node's costs.
              echo --target bare|edge --url ws://127.0.0.1:PORT/ws [--clients C] [--inflight W] [--duration D]
                   [--warmup S] [--server-pid PID] [--clk-tck T]
                  Request/response frames per second (starts nothing): C clients (default 50) each keep W requests
                  in flight (default 1: strict request/response) for D seconds (default 10) after S seconds of warm-up
                  (default 3); bare: the same ping frame echoed by `echo-server`; edge: ping -> pong on a --dev node,
                  after hello. Prints frames/s, latency p50/p99, its own CPU and (with --server-pid) the server's.
              echo-server --url http://127.0.0.1:PORT
                  The baseline: a bare Kestrel WebSocket echo on GET /ws (and GET /health/ready).
                  bench/echo-measure.sh runs both servers on core 0 and the echo command on core 1, three times.
              mission-scheduler [--timers N] [--spread-seconds S] [--lead-seconds L] [--inflight W] [--snapshot-every E]
                  N one-shot timers (default 100,000) into a mission scheduler on an in-process actor system with the
                  node's journal on a throwaway SQLite file, W schedules in flight (default 1,000), due evenly over S
                  seconds (default 20) from L seconds after the start (default 30). Prints schedule throughput, GC heap
                  and RSS with all pending, a new incarnation's recovery time, and fire lateness p50/p99/max.
            """);
        return 2;
    }
}

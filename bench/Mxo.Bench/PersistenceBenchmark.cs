using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mxo.Actors;
using Mxo.Actors.Districts;
using Mxo.Node.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.Serialization;
using Mxo.Protocol.World;
using Mxo.TestSupport;
using Npgsql;

namespace Mxo.Bench;

/// <summary>
/// <c>persistence</c> load command (issues 2 and 10): persisted events per second through the node's own journal
/// (<see cref="PersistenceSetup.AddJournal"/>: Akka.Persistence.Sql, tagged events, MxoSerializer) on a
/// throwaway PostgreSQL, against raw batched Npgsql inserts of the same rows (journal row and its tags) into the
/// same tables, each side for the same number of seconds. Shapes:
/// <list type="bullet">
/// <item><c>combat</c>: M persistent entities, one event per command (Persist), as combat rounds will write;</item>
/// <item><c>chat</c>: the real <see cref="DistrictEntity"/>, P present players per district each keeping W says in
/// flight (the edge allows 16 per session). An interact is the same write (one district event, one tag instead of two).</item>
/// </list>
/// </summary>
internal static class PersistenceBenchmark
{
    private const int RawBatchEvents = 100;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    // The machine is shared: the two sides take turns in slices of this length, so load from elsewhere falls on both.
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(2);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Options(string[] Shapes, int Seconds, int Entities, int Districts, int Players, int Window,
        int? PinPostgres, JournalTuning Journal);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var options, out var problem)) return Program.Usage(problem);
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            await RunCoreAsync(options, cts.Token).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task RunCoreAsync(Options o, CancellationToken ct)
    {
        await using var server = await PostgresServer.StartAsync(ct).ConfigureAwait(false);
        var postmaster = Postmaster(server);
        if (o.PinPostgres is { } cpu) Pin(postmaster, cpu);
        var results = new List<string>();
        foreach (var shape in o.Shapes)
        {
            // A database per shape: each starts with empty tables.
            var cs = await server.CreateDatabaseAsync("bench_" + shape).ConfigureAwait(false);
            var (akka, raw) = await RunShapeAsync(o, shape, cs, postmaster, ct).ConfigureAwait(false);
            results.Add(string.Format(Inv, "| {0} | {1:N0} | {2:N0} | {3:0.00} | {4:0}% / {5:0}% | {6:0}% / {7:0}% | {8} |",
                shape, akka.Rate, raw.Rate, akka.Rate / raw.Rate, akka.BenchCpu, akka.PostgresCpu, raw.BenchCpu, raw.PostgresCpu,
                akka.Note));
        }

        var pgVersion = await ScalarAsync<string>(server.ConnectionString, "SHOW server_version", ct).ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine("| shape | akka events/s | raw events/s | ratio | CPU akka (bench / postgres) | CPU raw (bench / postgres) | akka writes |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|---|");
        foreach (var line in results) Console.WriteLine(line);
        Console.WriteLine();
        Console.WriteLine(string.Format(Inv,
            "{0} s per side, alternating akka and raw every {10} s, after {1} s warm-up each; journal: parallelism {2}, batch-size {3}, buffer-size {4}; combat {5} entities, " +
            "chat {6} districts x {7} players; {8} commands in flight per entity/player; raw: NpgsqlBatch of {9} events " +
            "(the same journal rows and tags as the journal writes), 1 connection", o.Seconds, WarmUp.TotalSeconds, o.Journal.Parallelism,
            o.Journal.BatchSize, o.Journal.BufferSize, o.Entities, o.Districts, o.Players, o.Window, RawBatchEvents, Slice.TotalSeconds));
        Console.WriteLine(
            $"machine: {Environment.ProcessorCount} cores visible, {RuntimeInformation.OSDescription}, " +
            $"{RuntimeInformation.FrameworkDescription}, PostgreSQL {pgVersion} (fsync=off, synchronous_commit=off, " +
            $"full_page_writes=off){(o.PinPostgres is { } p ? $" pinned to CPU {p}" : "")}; CPU in % of one core");
    }

    private sealed record Side(double Rate, double BenchCpu, double PostgresCpu, string Note);

    // ---------------------------------------------------------------- Akka side

    private static async Task<(Side Akka, Side Raw)> RunShapeAsync(Options o, string shape, string cs, int postmaster, CancellationToken ct)
    {
        var setup = PersistenceSetup.From(new PersistenceOptions
        {
            Provider = "postgresql", ConnectionString = cs, Journal = o.Journal,
        }, Environment.CurrentDirectory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("bench", akka =>
        {
            akka.ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel)
                .WithCustomSerializer("mxo", [typeof(IMxoMessage)], system => new MxoSerializer(system));
            setup.AddJournal(akka);
        });
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var journal = system.Settings.Config.GetConfig("akka.persistence.journal.sql");
            if (journal.GetInt("parallelism") != o.Journal.Parallelism || journal.GetInt("batch-size") != o.Journal.BatchSize)
                throw new InvalidOperationException("the journal did not take PersistenceSetup's settings");
            var counter = new Counter();
            var drivers = shape == "chat"
                ? await StartChatAsync(system, o, counter, ct).ConfigureAwait(false)
                : StartCombat(system, o, counter);
            await MeasureAsync(drivers, counter, WarmUp, postmaster, ct).ConfigureAwait(false);
            await using var raw = await RawWriter.OpenAsync(o, shape, cs, ct).ConfigureAwait(false);
            await raw.MeasureAsync(WarmUp, postmaster, ct).ConfigureAwait(false);

            var writesBefore = WorldMetrics.PersistDuration.WithLabels("district").Count;
            Measured a = new(0, TimeSpan.Zero, TimeSpan.Zero, 0), r = a;
            for (var slice = 0; slice < Math.Ceiling(o.Seconds / Slice.TotalSeconds); slice++)
            {
                a += await MeasureAsync(drivers, counter, Slice, postmaster, ct).ConfigureAwait(false);
                r += await raw.MeasureAsync(Slice, postmaster, ct).ConfigureAwait(false);
            }
            var writes = WorldMetrics.PersistDuration.WithLabels("district").Count - writesBefore;
            var note = shape == "chat"
                ? string.Format(Inv, "{0:N0} writes, {1:0.0} events each", writes, a.Events / Math.Max(1, writes))
                : "one per event (Persist)";
            Console.WriteLine(string.Format(Inv, "{0} akka: {1:N0} events in {2:0.0} s", shape, a.Events, a.Elapsed.TotalSeconds));
            Console.WriteLine(string.Format(Inv, "{0} raw:  {1:N0} events in {2:0.0} s ({3} tags each)", shape, r.Events,
                r.Elapsed.TotalSeconds, raw.TagsPerEvent));
            return (a.ToSide(note), r.ToSide(""));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Events written in <paramref name="Elapsed"/>, with the CPU time this process and PostgreSQL spent meanwhile.</summary>
    private sealed record Measured(long Events, TimeSpan Elapsed, TimeSpan BenchCpu, double PostgresCpuSeconds)
    {
        public static Measured operator +(Measured a, Measured b) =>
            new(a.Events + b.Events, a.Elapsed + b.Elapsed, a.BenchCpu + b.BenchCpu, a.PostgresCpuSeconds + b.PostgresCpuSeconds);

        public Side ToSide(string note) => new(Events / Elapsed.TotalSeconds, 100 * BenchCpu.TotalSeconds / Elapsed.TotalSeconds,
            100 * PostgresCpuSeconds / Elapsed.TotalSeconds, note);
    }

    /// <summary>Lets the drivers run for <paramref name="duration"/>, then stops them and waits for what is in flight.</summary>
    private static async Task<Measured> MeasureAsync(IActorRef[] drivers, Counter counter, TimeSpan duration, int postmaster,
        CancellationToken ct)
    {
        var cpu = CpuSample.Take(postmaster);
        var before = counter.Acked;
        var sw = Stopwatch.StartNew();
        foreach (var d in drivers) d.Tell(Driver.Go.Instance);
        await Task.Delay(duration, ct).ConfigureAwait(false);
        var stops = drivers.Select(d => d.Ask<Driver.Stopped>(Driver.Stop.Instance, DrainTimeout)).ToArray();
        await Task.WhenAll(stops).ConfigureAwait(false);
        var elapsed = sw.Elapsed;
        var (bench, pg) = cpu.Since(postmaster);
        // Every acknowledged event counts, the drained ones included: they were written within the elapsed time.
        return new Measured(counter.Acked - before, elapsed, bench, pg);
    }

    private static IActorRef[] StartCombat(ActorSystem system, Options o, Counter counter) =>
        Enumerable.Range(0, o.Entities).Select(i =>
        {
            var entity = system.ActorOf(Props.Create(() => new CombatEntity("combat-" + i.ToString(Inv))), "combat-" + i.ToString(Inv));
            Func<long, (IActorRef, object)> command = n => (entity, new Hit(n));
            return system.ActorOf(Props.Create(() => new Driver(o.Window, counter, command)));
        }).ToArray();

    private static async Task<IActorRef[]> StartChatAsync(ActorSystem system, Options o, Counter counter, CancellationToken ct)
    {
        var map = WorldMap.Load(WorldMap.DefaultPath);
        var settings = new WorldSettings();
        var sessions = system.ActorOf(Props.Create(() => new Sink()), "sessions");
        var drivers = new List<IActorRef>();
        foreach (var data in map.All.Take(o.Districts))
        {
            var district = system.ActorOf(DistrictEntity.PropsFor(data.Id.Value, settings, map), "district-" + data.Id.Value);
            for (var p = 0; p < o.Players; p++)
            {
                var player = new PlayerId(data.Id.Value + "-p" + p.ToString(Inv));
                await district.Ask<DistrictReplies.Joined>(
                    new DistrictCommands.Join(data.Id, player, player.Value, data.Spawn, sessions, "join"),
                    TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
                Func<long, (IActorRef, object)> command =
                    n => (district, new DistrictCommands.Say(data.Id, player, "There is no spoon, line " + n.ToString(Inv), "s" + n.ToString(Inv)));
                drivers.Add(system.ActorOf(Props.Create(() => new Driver(o.Window, counter, command))));
            }
        }
        return [.. drivers];
    }

    /// <summary>A shared count of acknowledged (durable) commands.</summary>
    private sealed class Counter
    {
        private long _acked;
        public long Acked => Interlocked.Read(ref _acked);
        public void Ack() => Interlocked.Increment(ref _acked);
    }

    /// <summary>
    /// One client: keeps <c>window</c> commands in flight while running; each answer counts one durable event (a chat
    /// line or a combat event) and sends the next command.
    /// </summary>
    private sealed class Driver : ReceiveActor
    {
        public sealed class Go { public static readonly Go Instance = new(); }
        public sealed class Stop { public static readonly Stop Instance = new(); }
        public sealed class Stopped { public static readonly Stopped Instance = new(); }

        private long _next;
        private int _inFlight;
        private bool _running;
        private IActorRef? _stopRequester;

        public Driver(int window, Counter counter, Func<long, (IActorRef Target, object Command)> command)
        {
            void Send()
            {
                var (target, message) = command(_next++);
                target.Tell(message);
                _inFlight++;
            }

            Receive<Go>(_ =>
            {
                _running = true;
                _stopRequester = null;
                while (_inFlight < window) Send();
            });
            Receive<Stop>(_ =>
            {
                _running = false;
                if (_inFlight == 0) Sender.Tell(Stopped.Instance);
                else _stopRequester = Sender;
            });
            Receive<Replies.Acknowledged>(_ =>
            {
                _inFlight--;
                counter.Ack();
                if (_running) Send();
                else if (_inFlight == 0) _stopRequester?.Tell(Stopped.Instance);
            });
            Receive<Replies.Rejected>(r => throw new InvalidOperationException($"refused: {r.Code} {r.Message}"));
        }
    }

    /// <summary>The sessions of every benchmark player: the district's pushes end here.</summary>
    private sealed class Sink : ReceiveActor
    {
        public Sink() => ReceiveAny(_ => { });
    }

    private sealed record Hit(long N);

    /// <summary>The combat shape: one real MXO event (a player's, tagged "player") per command, Persist then answer.</summary>
    private sealed class CombatEntity : ReceivePersistentActor
    {
        public CombatEntity(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<IMxoEvent>(_ => { });
            Command<Hit>(h =>
            {
                var replyTo = Sender;
                Persist(new PlayerEvents.PositionCheckpointed(new Vec3(h.N % 1000, 0, 7)),
                    _ => replyTo.Tell(new Replies.Acknowledged(h.N.ToString(Inv))));
            });
        }

        public override string PersistenceId { get; }
    }

    // ---------------------------------------------------------------- raw side

    /// <summary>
    /// The same rows the journal writes — one journal row per event with the same serializer id, manifest and payload
    /// bytes, and its tags (the row's <c>tags</c> column: the journal's CSV tag mode) — with NpgsqlBatch,
    /// <see cref="RawBatchEvents"/> events per round trip, on one connection.
    /// </summary>
    private sealed class RawWriter : IAsyncDisposable
    {
        private const string Sql =
            "INSERT INTO journal (persistence_id, sequence_number, deleted, message, manifest, identifier, created, writer_uuid, tags) " +
            "VALUES ($1, $2, false, $3, $4, $5, $6, $7, $8)";

        private readonly NpgsqlConnection _connection;
        private readonly string _manifest;
        private readonly int _identifier;
        private readonly byte[] _message;
        private readonly string? _tags;
        private readonly string[] _ids;
        private readonly long[] _seq;
        private readonly string _writer = Guid.NewGuid().ToString("N");
        private long _events;

        private RawWriter(NpgsqlConnection connection, string manifest, int identifier, byte[] message, string? tags, int streams, string shape)
        {
            (_connection, _manifest, _identifier, _message, _tags) = (connection, manifest, identifier, message, tags);
            _ids = Enumerable.Range(0, streams).Select(i => "raw-" + shape + "-" + i.ToString(Inv)).ToArray();
            _seq = new long[streams];
        }

        /// <summary>Tags per event (the journal row's <c>;tag1;tag2;</c> column).</summary>
        public int TagsPerEvent => _tags?.Split(';', StringSplitOptions.RemoveEmptyEntries).Length ?? 0;

        /// <summary>Copies the columns of the latest row the journal wrote for this shape.</summary>
        public static async Task<RawWriter> OpenAsync(Options o, string shape, string cs, CancellationToken ct)
        {
            var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand(
                "SELECT j.manifest, j.identifier, j.message, j.tags " +
                "FROM journal j WHERE j.persistence_id LIKE $1 ORDER BY j.ordering DESC LIMIT 1", connection)
            {
                Parameters = { new NpgsqlParameter<string> { TypedValue = shape == "chat" ? "district-%" : "combat-%" } },
            };
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw new InvalidOperationException("the journal wrote nothing");
            return new RawWriter(connection, reader.GetString(0), reader.GetInt32(1), (byte[])reader[2],
                reader.IsDBNull(3) ? null : reader.GetString(3), shape == "chat" ? o.Districts : o.Entities, shape);
        }

        public async Task<Measured> MeasureAsync(TimeSpan duration, int postmaster, CancellationToken ct)
        {
            var cpu = CpuSample.Take(postmaster);
            var before = _events;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < duration)
            {
                await using var batch = new NpgsqlBatch(_connection);
                for (var i = 0; i < RawBatchEvents; i++)
                {
                    var stream = (int)(_events++ % _ids.Length);
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string> { TypedValue = _ids[stream] },
                            new NpgsqlParameter<long> { TypedValue = ++_seq[stream] },
                            new NpgsqlParameter<byte[]> { TypedValue = _message },
                            new NpgsqlParameter<string> { TypedValue = _manifest },
                            new NpgsqlParameter<int> { TypedValue = _identifier },
                            new NpgsqlParameter<long> { TypedValue = DateTime.UtcNow.Ticks },
                            new NpgsqlParameter<string> { TypedValue = _writer },
                            new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)_tags ?? DBNull.Value },
                        },
                    });
                }
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var elapsed = sw.Elapsed;
            var (bench, pg) = cpu.Since(postmaster);
            return new Measured(_events - before, elapsed, bench, pg);
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }

    // ---------------------------------------------------------------- CPU and pinning

    /// <summary>CPU time of this process and of the PostgreSQL server (postmaster, its live children, its reaped ones).</summary>
    internal sealed record CpuSample(TimeSpan Bench, double PostgresTicks)
    {
        private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

        public static CpuSample Take(int postmaster) =>
            new(Process.GetCurrentProcess().TotalProcessorTime, PostgresTicksOf(postmaster));

        /// <returns>CPU time of each since this sample.</returns>
        public (TimeSpan Bench, double PostgresSeconds) Since(int postmaster) =>
            (Process.GetCurrentProcess().TotalProcessorTime - Bench, (PostgresTicksOf(postmaster) - PostgresTicks) / TicksPerSecond);

        private static double PostgresTicksOf(int postmaster)
        {
            if (postmaster <= 0 || !OperatingSystem.IsLinux()) return double.NaN;
            var total = 0.0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                string stat;
                try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
                catch (IOException) { continue; }
                catch (UnauthorizedAccessException) { continue; }
                // Fields after the command name "(...)": state ppid ... utime(14) stime(15) cutime(16) cstime(17).
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ppid = int.Parse(fields[1], Inv);
                if (pid != postmaster && ppid != postmaster) continue;
                total += long.Parse(fields[11], Inv) + long.Parse(fields[12], Inv);
                if (pid == postmaster) total += long.Parse(fields[13], Inv) + long.Parse(fields[14], Inv);
            }
            return total;
        }
    }

    internal static int Postmaster(PostgresServer server)
    {
        var file = Directory.EnumerateFiles(server.RootDirectory, "postmaster.pid", SearchOption.AllDirectories).FirstOrDefault();
        return file is null ? -1 : int.Parse(File.ReadLines(file).First(), Inv);
    }

    /// <summary>Pins the postmaster (and so every backend it forks from now on) to one CPU.</summary>
    internal static void Pin(int postmaster, int cpu)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-cp", cpu.ToString(Inv), postmaster.ToString(Inv)])
        {
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("taskset did not start");
        taskset.WaitForExit();
        if (taskset.ExitCode != 0) throw new InvalidOperationException($"taskset exited with {taskset.ExitCode}");
    }

    private static async Task<T> ScalarAsync<T>(string cs, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, conn);
        var result = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return (T)Convert.ChangeType(result!, typeof(T), Inv);
    }

    private static bool TryParse(string[] args, out Options options, out string? problem)
    {
        var o = new Options(["combat", "chat"], 10, 100, 4, 25, 4, null, new JournalTuning());
        problem = BenchArgs.Parse("persistence", args, (name, text) => name switch
        {
            "--shape" => text switch
            {
                "combat" or "chat" => Shape([text]),
                "all" => Shape(["combat", "chat"]),
                _ => "--shape is combat, chat or all",
            },
            "--seconds" => BenchArgs.Int(name, text, v => o = o with { Seconds = v }),
            "--entities" => BenchArgs.Int(name, text, v => o = o with { Entities = v }),
            "--districts" => BenchArgs.Int(name, text, v => o = o with { Districts = Math.Min(v, 4) }),
            "--players" => BenchArgs.Int(name, text, v => o = o with { Players = v }),
            "--window" => BenchArgs.Int(name, text, v => o = o with { Window = v }),
            "--pin-postgres" => BenchArgs.Int(name, text, v => o = o with { PinPostgres = v }, min: 0),
            _ when BenchArgs.Journal(name, o.Journal) is { } set => BenchArgs.Int(name, text, set),
            _ => $"unknown option '{name}'",
        });
        options = o;
        return problem is null;

        string? Shape(string[] shapes)
        {
            o = o with { Shapes = shapes };
            return null;
        }
    }
}

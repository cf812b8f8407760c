using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mxo.TestSupport;
using Npgsql;

namespace Mxo.Bench;

/// <summary>
/// <c>persistence</c> load command (issue 2): how many events/s does Akka.Persistence.Sql sustain against a local
/// PostgreSQL when M persistent actors each persist K one-event commands, compared with raw Npgsql batched inserts
/// of the same rows into the same server. A baseline, not a target.
/// </summary>
internal static class PersistenceBenchmark
{
    private const int PayloadBytes = 64;
    private const int RawBatchRows = 100;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var entities, out var events, out var problem))
        {
            return Program.Usage(problem);
        }

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            await RunCoreAsync(entities, events, cts.Token).ConfigureAwait(false);
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

    private static async Task RunCoreAsync(int m, int k, CancellationToken ct)
    {
        var rows = (long)m * k;
        Console.WriteLine($"persistence benchmark: {m} entities x {k} events = {rows} rows, {PayloadBytes}-byte payloads");

        var sw = Stopwatch.StartNew();
        await using var server = await PostgresServer.StartAsync(ct).ConfigureAwait(false);
        var cs = await server.CreateDatabaseAsync("bench").ConfigureAwait(false);
        var pgVersion = await ScalarAsync<string>(cs, "SHOW server_version", ct).ConfigureAwait(false);
        Console.WriteLine($"PostgreSQL {pgVersion} on 127.0.0.1:{server.Port} up in {sw.ElapsedMilliseconds} ms");

        // --- Akka.Persistence.Sql ---
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("bench", akka =>
        {
            akka.ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel);
            akka.WithSqlPersistence(cs, ProviderName.PostgreSQL15, autoInitialize: true);
        });
        using var host = builder.Build();
        await host.StartAsync(ct).ConfigureAwait(false);
        AkkaResult akka;
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            // Warm-up: JIT, connection pool, journal table auto-creation. Different persistence ids.
            await RunAkkaAsync(system, "warmup-", Math.Min(m, 20), Math.Min(k, 20), ct).ConfigureAwait(false);
            akka = await RunAkkaAsync(system, "bench-", m, k, ct).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var journalRows = await ScalarAsync<long>(
            cs, "SELECT count(*) FROM journal WHERE persistence_id LIKE 'bench-%'", ct).ConfigureAwait(false);

        // --- raw Npgsql ---
        await ExecAsync(cs,
            "CREATE TABLE bench_raw (persistence_id text NOT NULL, seq bigint NOT NULL, payload bytea NOT NULL, " +
            "PRIMARY KEY (persistence_id, seq))", ct).ConfigureAwait(false);
        await RunRawAsync(cs, "warmup-", Math.Min(m, 20), Math.Min(k, 20), ct).ConfigureAwait(false);
        var raw = await RunRawAsync(cs, "bench-", m, k, ct).ConfigureAwait(false);
        var rawRows = await ScalarAsync<long>(
            cs, "SELECT count(*) FROM bench_raw WHERE persistence_id LIKE 'bench-%'", ct).ConfigureAwait(false);

        if (journalRows != rows || rawRows != rows)
        {
            throw new InvalidOperationException(
                $"Row count mismatch: expected {rows}, journal has {journalRows}, bench_raw has {rawRows}.");
        }

        var akkaRate = rows / akka.Write.TotalSeconds;
        var rawRate = rows / raw.TotalSeconds;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("| rows | akka events/s | raw rows/s | ratio akka/raw |");
        Console.WriteLine("|-----:|--------------:|-----------:|---------------:|");
        Console.WriteLine(string.Format(inv, "| {0:N0} | {1:N0} | {2:N0} | {3:0.00} |", rows, akkaRate, rawRate, akkaRate / rawRate));
        Console.WriteLine();
        Console.WriteLine(string.Format(inv,
            "akka: {0:N0} ms writing ({1} actors recovered in {2:N0} ms beforehand, not counted); " +
            "journal rows verified: {3:N0}", akka.Write.TotalMilliseconds, m, akka.Recovery.TotalMilliseconds, journalRows));
        Console.WriteLine(string.Format(inv,
            "raw:  {0:N0} ms; NpgsqlBatch of {1} single-row INSERTs per round trip (implicit transaction per batch), " +
            "1 connection, sequential; rows verified: {2:N0}", raw.TotalMilliseconds, RawBatchRows, rawRows));
        Console.WriteLine(
            $"machine: {Environment.ProcessorCount} cores, " +
            $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB visible to .NET, " +
            $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
            $"PostgreSQL {pgVersion} (fsync=off, synchronous_commit=off, full_page_writes=off)");
    }

    private static async Task<AkkaResult> RunAkkaAsync(ActorSystem system, string prefix, int m, int k, CancellationToken ct)
    {
        var recovered = new Countdown(m);
        var persisted = new Countdown(m);
        var actors = new IActorRef[m];

        var sw = Stopwatch.StartNew();
        for (var i = 0; i < m; i++)
        {
            var id = prefix + i.ToString(CultureInfo.InvariantCulture);
            actors[i] = system.ActorOf(Props.Create(() => new BenchEntity(id, k, recovered, persisted)), id);
        }

        await recovered.Task.WaitAsync(PhaseTimeout, ct).ConfigureAwait(false);
        var recovery = sw.Elapsed;

        var payloads = new Write[m];
        for (var i = 0; i < m; i++)
        {
            var bytes = new byte[PayloadBytes];
            Random.Shared.NextBytes(bytes);
            payloads[i] = new Write(bytes);
        }

        sw.Restart();
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < k; j++)
            {
                actors[i].Tell(payloads[i]);
            }
        }

        await persisted.Task.WaitAsync(PhaseTimeout, ct).ConfigureAwait(false);
        var write = sw.Elapsed;

        foreach (var actor in actors)
        {
            system.Stop(actor);
        }

        return new AkkaResult(recovery, write);
    }

    private static async Task<TimeSpan> RunRawAsync(string cs, string prefix, int m, int k, CancellationToken ct)
    {
        var ids = Enumerable.Range(0, m).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var payload = new byte[PayloadBytes];
        Random.Shared.NextBytes(payload);

        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct).ConfigureAwait(false);

        var sw = Stopwatch.StartNew();
        var batch = new NpgsqlBatch(conn);
        try
        {
            // Same arrival order as the actors see it overall: every entity's first event, then every second, ...
            for (var seq = 1L; seq <= k; seq++)
            {
                foreach (var id in ids)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(
                        "INSERT INTO bench_raw (persistence_id, seq, payload) VALUES ($1, $2, $3)")
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string> { TypedValue = id },
                            new NpgsqlParameter<long> { TypedValue = seq },
                            new NpgsqlParameter<byte[]> { TypedValue = payload },
                        },
                    });
                    if (batch.BatchCommands.Count == RawBatchRows)
                    {
                        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                        await batch.DisposeAsync().ConfigureAwait(false);
                        batch = new NpgsqlBatch(conn);
                    }
                }
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await batch.DisposeAsync().ConfigureAwait(false);
        }

        return sw.Elapsed;
    }

    private static async Task ExecAsync(string cs, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(string cs, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, conn);
        var result = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return (T)Convert.ChangeType(result!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static bool TryParse(string[] args, out int entities, out int events, out string? problem)
    {
        entities = 100;
        events = 100;
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is not ("--entities" or "--events"))
            {
                problem = $"persistence: unknown option '{name}'";
                return false;
            }

            if (i + 1 >= args.Length
                || !int.TryParse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                || value <= 0)
            {
                problem = $"persistence: {name} needs a positive integer";
                return false;
            }

            if (name == "--entities")
            {
                entities = value;
            }
            else
            {
                events = value;
            }
        }

        return true;
    }

    private sealed record AkkaResult(TimeSpan Recovery, TimeSpan Write);

    /// <summary>A write command; the actor persists its 64-byte payload as the event (ByteArraySerializer).</summary>
    private sealed record Write(byte[] Payload);

    /// <summary>Completes when <c>count</c> signals arrived; fails on the first reported failure.</summary>
    private sealed class Countdown(int count)
    {
        private readonly TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = count;

        public Task Task => _tcs.Task;

        public void Signal()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _tcs.TrySetResult();
            }
        }

        public void Fail(Exception e) => _tcs.TrySetException(e);
    }

    /// <summary>One persistent entity: each <see cref="Write"/> command persists exactly one event (Persist, not PersistAll).</summary>
    private sealed class BenchEntity : ReceivePersistentActor
    {
        private readonly int _expected;
        private readonly Countdown _recovered;
        private readonly Countdown _persisted;
        private int _count;

        public BenchEntity(string persistenceId, int expected, Countdown recovered, Countdown persisted)
        {
            PersistenceId = persistenceId;
            _expected = expected;
            _recovered = recovered;
            _persisted = persisted;

            Recover<byte[]>(_ => _count++);
            Recover<RecoveryCompleted>(_ => _recovered.Signal());
            Command<Write>(w => Persist(w.Payload, _ =>
            {
                if (++_count == _expected)
                {
                    _persisted.Signal();
                }
            }));
        }

        public override string PersistenceId { get; }

        protected override void OnRecoveryFailure(Exception reason, object? message = null)
        {
            _recovered.Fail(new InvalidOperationException($"{PersistenceId}: recovery failed", reason));
            base.OnRecoveryFailure(reason, message);
        }

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            _persisted.Fail(new InvalidOperationException($"{PersistenceId}: persist #{sequenceNr} failed", cause));
            base.OnPersistFailure(cause, @event, sequenceNr);
        }

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            _persisted.Fail(new InvalidOperationException($"{PersistenceId}: persist #{sequenceNr} rejected", cause));
            base.OnPersistRejected(cause, @event, sequenceNr);
        }
    }
}

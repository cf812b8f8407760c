using System.Data.Common;
using System.Globalization;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using Mxo.Actors.Hosting;
using Mxo.Node.Fencing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Mxo.Node.Hosting;

/// <summary>Resolves the journal's provider and connection string, and checks the database is reachable.</summary>
public sealed class PersistenceSetup : IHealthCheck
{
    public const string DefaultSqliteFile = "data/mxo.db";

    /// <summary>Where SQLite's blocking journal calls run (hocon/akka.conf: <c>akka.persistence.sqlite-dispatcher</c>).</summary>
    public const string SqliteDispatcher = "akka.persistence.sqlite-dispatcher";

    private PersistenceSetup(string linqProvider, string connectionString, string description, Func<DbConnection> open,
        JournalTuning journal, string journalHocon = "")
    {
        Journal = journal;
        _journalHocon = journalHocon;
        LinqProvider = linqProvider;
        ConnectionString = connectionString;
        Description = description;
        _open = open;
    }

    private readonly Func<DbConnection> _open;
    private readonly string _journalHocon; // provider-specific journal settings (empty when the defaults fit)

    public string LinqProvider { get; }
    public JournalTuning Journal { get; }
    public string ConnectionString { get; }


    /// <summary>Human-readable location of the data, for the start-up banner (no password).</summary>
    public string Description { get; }

    /// <summary>The readiness check's name (<c>GET /health/ready</c>).</summary>
    public const string CheckName = "journal";

    /// <param name="baseDirectory">Relative SQLite paths resolve against this (the working directory).</param>
    public static PersistenceSetup From(PersistenceOptions options, string baseDirectory)
    {
        switch (options.Provider.Trim().ToLowerInvariant())
        {
            case "sqlite":
            {
                var builder = new SqliteConnectionStringBuilder(
                    string.IsNullOrWhiteSpace(options.ConnectionString) ? $"Data Source={DefaultSqliteFile}" : options.ConnectionString);
                if (!Path.IsPathRooted(builder.DataSource) && builder.DataSource != ":memory:")
                    builder.DataSource = Path.GetFullPath(Path.Combine(baseDirectory, builder.DataSource));
                Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
                builder.DefaultTimeout = 30; // seconds a writer waits for SQLite's file lock
                var cs = builder.ToString();
                EnableWriteAheadLog(cs);
                return new PersistenceSetup(ProviderName.SQLiteMS, cs, $"SQLite {builder.DataSource}", () => new SqliteConnection(cs),
                    options.Journal, $$"""
                    akka.persistence.journal.sql.materializer-dispatcher = "{{SqliteDispatcher}}"
                    """);
            }
            case "postgresql" or "postgres":
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                    throw new InvalidOperationException("Mxo:Persistence:ConnectionString is required when the provider is postgresql");
                var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                var cs = builder.ToString();
                return new PersistenceSetup(ProviderName.PostgreSQL15, cs,
                    $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}", () => new NpgsqlConnection(cs), options.Journal);
            }
            default:
                throw new InvalidOperationException(
                    $"Unknown Mxo:Persistence:Provider '{options.Provider}'; use 'sqlite' or 'postgresql'");
        }
    }

    /// <summary>
    /// The node's journal and snapshot store: Akka.Persistence.Sql on this database, tables created on first start, every
    /// event tagged (<see cref="EventTagging"/>) in the journal row's tags column (CSV tag mode: a batch is one multi-row
    /// insert; docs/configuration.md, "Tags"), and the write pipeline of <see cref="Journal"/>.
    /// The journal is <see cref="FencedSqlWriteJournal"/>: a node out of contact with a majority of the cluster writes
    /// nothing (docs/architecture.md, "Failure and load"). The persistence benchmark (bench/Mxo.Bench/PersistenceBenchmark.cs)
    /// calls this too, so it measures these settings; without clustering its fence is always open.
    /// </summary>
    public AkkaConfigurationBuilder AddJournal(AkkaConfigurationBuilder akka)
    {
        var inv = CultureInfo.InvariantCulture;
        return akka
            .WithSqlPersistence(ConnectionString, LinqProvider, autoInitialize: true,
                journalBuilder: journal => journal.AddEventTagging(), tagStorageMode: Akka.Persistence.Sql.Config.TagMode.Csv)
            .AddHocon(string.Create(inv, $$"""
                akka.persistence.journal.sql {
                  # Behind the write fence (src/Mxo.Node/Fencing): prepended, so it wins over the plugin class
                  # Akka.Persistence.Sql.Hosting generates.
                  class = "{{typeof(FencedSqlWriteJournal).FullName}}, {{typeof(FencedSqlWriteJournal).Assembly.GetName().Name}}"
                  parallelism = {{Journal.Parallelism}}
                  batch-size = {{Journal.BatchSize}}
                  buffer-size = {{Journal.BufferSize}}
                }
                """), HoconAddMode.Prepend)
            .AddHocon(_journalHocon, HoconAddMode.Prepend);
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var connection = _open();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database went away: the pool's idle connections are dead, and each would fail one journal write
            // (src/Mxo.Node/Fencing/JournalOutage.cs). Dropping them here makes the next writes find the outage cleanly.
            if (connection is NpgsqlConnection postgres) NpgsqlConnection.ClearPool(postgres);
            return HealthCheckResult.Unhealthy($"{Description}: {e.Message}", e);
        }
    }

    /// <summary>WAL lets readers (recovery) and the writer work at once; the setting is stored in the file.</summary>
    private static void EnableWriteAheadLog(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}

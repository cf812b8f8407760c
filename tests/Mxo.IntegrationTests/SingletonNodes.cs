using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using LinqToDB;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mxo.Actors.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Serialization;
using Mxo.TestSupport;

namespace Mxo.IntegrationTests;

/// <summary>
/// A world node on loopback for the singletons' failover tests (WorldClockFailoverTests, MissionSchedulerFailoverTests):
/// a plain Akka.Hosting host with clustering (role world), the SQL journal on a shared SQLite file, and what the test
/// adds (one singleton's registration).
/// </summary>
internal sealed class SingletonNode(IHost host, string systemName, int port) : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TestTime.Scaled(TimeSpan.FromSeconds(45));

    private const string Hocon = """
        akka.loglevel = WARNING
        akka.log-dead-letters-during-shutdown = off
        akka.cluster.singleton-proxy.singleton-identification-interval = 200ms
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """;

    private bool _stopped;

    public ActorSystem System => host.Services.GetRequiredService<ActorSystem>();
    public string Address => $"akka.tcp://{systemName}@127.0.0.1:{port}";

    /// <summary>Starts a node that joins <paramref name="seed"/> (itself when null) and waits until it is Up.</summary>
    public static async Task<SingletonNode> StartAsync(string systemName, string connectionString, string? seed,
        Func<AkkaConfigurationBuilder, AkkaConfigurationBuilder> singleton)
    {
        var port = FreePorts.Tcp();
        var self = $"akka.tcp://{systemName}@127.0.0.1:{port}";
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAkka(systemName, (akka, _) =>
        {
            akka.AddHocon(Hocon, HoconAddMode.Prepend)
                .WithRemoting("127.0.0.1", port)
                .WithClustering(new ClusterOptions { Roles = [ShardedEntity.WorldRole], SeedNodes = [seed ?? self] })
                .WithCustomSerializer("mxo", [typeof(IMxoMessage)], system => new MxoSerializer(system))
                .WithSqlPersistence(connectionString, ProviderName.SQLiteMS, autoInitialize: true);
            singleton(akka)
                // Anything crossing the nodes without a real serializer fails loudly.
                .AddHocon(FallbackGuardSerializer.Hocon, HoconAddMode.Prepend);
        });
        var host = builder.Build();
        await host.StartAsync();
        var node = new SingletonNode(host, systemName, port);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cluster = Cluster.Get(node.System);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (cluster.SelfMember.Status == MemberStatus.Up) up.TrySetResult();
        await up.Task.WaitAsync(Deadline);
        return node;
    }

    /// <summary>A SQLite file in write-ahead-log mode, so two nodes' journals can share it.</summary>
    public static string SqliteConnectionString(TempData data)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = data.SqliteFile, DefaultTimeout = 30 }.ToString();
        using var connection = new SqliteConnection(cs);
        connection.Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteNonQuery();
        return cs;
    }

    /// <summary>Polls until <paramref name="attempt"/> succeeds, or fails with the last error at the deadline.</summary>
    public static async Task<T> Eventually<T>(string what, Func<Task<T>> attempt)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (Exception e)
            {
                throw new TimeoutException($"{what} did not happen within {Deadline}", e);
            }
        }
    }

    /// <summary>Waits until both nodes see two Up members.</summary>
    public static Task BothUp(SingletonNode first, SingletonNode second) =>
        Eventually("both nodes Up", () =>
            Cluster.Get(second.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 2
            && Cluster.Get(first.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 2
                ? Task.FromResult(true)
                : throw new InvalidOperationException("not yet"));

    /// <summary>Whether the singleton <paramref name="singletonName"/> (its supervisor under the singleton manager) runs on this node.</summary>
    public async Task<bool> Hosts(string singletonName)
    {
        var path = $"/user/{singletonName}/{singletonName}";
        var identity = await System.ActorSelection(path).Ask<ActorIdentity>(new Identify(path), TimeSpan.FromSeconds(3));
        return identity.Subject is not null;
    }

    /// <summary>The oldest Up member with the world role, as this node sees it: where singletons run.</summary>
    public Member Oldest() =>
        Cluster.Get(System).State.Members
            .Where(m => m.Status == MemberStatus.Up && m.HasRole(ShardedEntity.WorldRole))
            .OrderBy(m => m, Member.AgeOrdering)
            .First();

    /// <summary>Every event of <paramref name="persistenceId"/>'s journal, ignoring snapshots.</summary>
    public async Task<IReadOnlyList<IMxoEvent>> JournalOf(string persistenceId)
    {
        var done = new TaskCompletionSource<IReadOnlyList<IMxoEvent>>(TaskCreationOptions.RunContinuationsAsynchronously);
        System.ActorOf(Props.Create(() => new JournalReader(persistenceId, done)));
        return await done.Task.WaitAsync(Deadline);
    }

    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await host.StopAsync();
        host.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private sealed class JournalReader : ReceivePersistentActor
    {
        public JournalReader(string persistenceId, TaskCompletionSource<IReadOnlyList<IMxoEvent>> done)
        {
            PersistenceId = persistenceId;
            var events = new List<IMxoEvent>();
            Recover<IMxoEvent>(events.Add);
            Recover<RecoveryCompleted>(_ =>
            {
                done.TrySetResult(events);
                Context.Stop(Self);
            });
        }

        public override string PersistenceId { get; }

        public override Recovery Recovery => new(SnapshotSelectionCriteria.None);
    }
}

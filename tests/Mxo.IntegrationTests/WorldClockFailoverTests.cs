using System.Collections.Concurrent;
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
using Mxo.Actors.World;
using Mxo.Protocol;
using Mxo.Protocol.Serialization;
using Mxo.Protocol.World;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Two world nodes on loopback sharing one SQLite journal, each hosting only the world clock (self-contained: plain
/// Akka.Hosting hosts with clustering, SQL persistence and <see cref="WorldClockRegistration.AddWorldClock"/>). The
/// oldest node hosts the singleton; when it leaves, the clock moves to the other node and game time keeps increasing.
/// </summary>
public sealed class WorldClockFailoverTests
{
    private const string SystemName = "mxo-clock";
    private static readonly TimeSpan Deadline = TestTime.Scaled(TimeSpan.FromSeconds(45));

    private static readonly WorldClockSettings Settings = new()
    {
        TickInterval = TimeSpan.FromMilliseconds(200),
        ResubscribeInterval = TimeSpan.FromMilliseconds(500),
        MinRestartBackoff = TimeSpan.FromMilliseconds(200),
        MaxRestartBackoff = TimeSpan.FromSeconds(2),
    };

    private const string Hocon = """
        akka.loglevel = WARNING
        akka.log-dead-letters-during-shutdown = off
        akka.cluster.singleton-proxy.singleton-identification-interval = 200ms
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """;

    private sealed class ClockNode(IHost host, int port) : IAsyncDisposable
    {
        private bool _stopped;

        public ActorSystem System => host.Services.GetRequiredService<ActorSystem>();
        public string Address => $"akka.tcp://{SystemName}@127.0.0.1:{port}";
        public IActorRef Clock => ActorRegistry.For(System).Get<WorldClockKey>();

        public async Task StopAsync()
        {
            if (_stopped) return;
            _stopped = true;
            await host.StopAsync();
            host.Dispose();
        }

        public async ValueTask DisposeAsync() => await StopAsync();
    }

    private static async Task<ClockNode> StartNodeAsync(string connectionString, string? seed)
    {
        var port = FreePorts.Tcp();
        var self = $"akka.tcp://{SystemName}@127.0.0.1:{port}";
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAkka(SystemName, (akka, _) =>
        {
            akka.AddHocon(Hocon, HoconAddMode.Prepend)
                .WithRemoting("127.0.0.1", port)
                .WithClustering(new ClusterOptions { Roles = [ShardedEntity.WorldRole], SeedNodes = [seed ?? self] })
                .WithCustomSerializer("mxo", [typeof(IMxoMessage)], system => new MxoSerializer(system))
                .WithSqlPersistence(connectionString, ProviderName.SQLiteMS, autoInitialize: true)
                .AddWorldClock(Settings, hostsWorld: true)
                // Anything crossing the nodes without a real serializer fails loudly.
                .AddHocon(FallbackGuardSerializer.Hocon, HoconAddMode.Prepend);
        });
        var host = builder.Build();
        await host.StartAsync();
        var node = new ClockNode(host, port);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cluster = Cluster.Get(node.System);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (cluster.SelfMember.Status == MemberStatus.Up) up.TrySetResult();
        await up.Task.WaitAsync(Deadline);
        return node;
    }

    private static string SqliteConnectionString(TempData data)
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
    private static async Task<T> Eventually<T>(string what, Func<Task<T>> attempt)
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

    private static Task<WorldEnvironment> AskClock(ClockNode node) =>
        node.Clock.Ask<WorldEnvironment>(WorldClockCommands.GetEnvironment.Instance, TimeSpan.FromSeconds(1));

    /// <summary>Whether the singleton (the clock's supervisor under the singleton manager) runs on this node.</summary>
    private static async Task<bool> HostsClock(ClockNode node)
    {
        var path = $"/user/{WorldClockRegistration.SingletonName}/{WorldClockRegistration.SingletonName}";
        var identity = await node.System.ActorSelection(path).Ask<ActorIdentity>(new Identify(path), TimeSpan.FromSeconds(3));
        return identity.Subject is not null;
    }

    private static Member Oldest(ClockNode node) =>
        Cluster.Get(node.System).State.Members
            .Where(m => m.Status == MemberStatus.Up && m.HasRole(ShardedEntity.WorldRole))
            .OrderBy(m => m, Member.AgeOrdering)
            .First();

    /// <summary>Collects what the clock publishes to a subscriber on one node.</summary>
    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<WorldEnvironment> received) =>
            Receive<WorldClockEvents.EnvironmentChanged>(e => received.Enqueue(e.Environment));
    }

    /// <summary>Replays the clock's whole journal (ignoring snapshots) on a node.</summary>
    private sealed class JournalReader : ReceivePersistentActor
    {
        public JournalReader(TaskCompletionSource<IReadOnlyList<IMxoEvent>> done)
        {
            var events = new List<IMxoEvent>();
            Recover<IMxoEvent>(events.Add);
            Recover<RecoveryCompleted>(_ =>
            {
                done.TrySetResult(events);
                Context.Stop(Self);
            });
        }

        public override string PersistenceId => WorldClock.PersistenceIdValue;

        public override Recovery Recovery => new(SnapshotSelectionCriteria.None);
    }

    [Fact]
    public async Task The_clock_moves_to_the_other_node_when_its_node_leaves_and_game_time_keeps_increasing()
    {
        using var data = new TempData();
        var connectionString = SqliteConnectionString(data);
        var first = await StartNodeAsync(connectionString, seed: null);
        await using var second = await StartNodeAsync(connectionString, seed: first.Address);
        try
        {
            await Eventually("both nodes Up", () =>
                Cluster.Get(second.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 2
                    ? Task.FromResult(true)
                    : throw new InvalidOperationException("not yet"));

            // A subscriber on the second node, kept subscribed by the helper across the failover.
            var received = new ConcurrentQueue<WorldEnvironment>();
            var collector = second.System.ActorOf(Props.Create(() => new Collector(received)), "collector");
            second.System.ActorOf(WorldClockSubscriber.PropsFor(second.Clock, collector, Settings.ResubscribeInterval), "clock-subscriber");

            var before = await Eventually("the clock answering through the second node's proxy", () => AskClock(second));
            Assert.Equal(WorldClockRules.PhaseAt(before.Time), before.Phase);

            // The singleton lives on the oldest world node: the first one.
            Assert.Equal(Cluster.Get(first.System).SelfAddress, Oldest(second).Address);
            Assert.True(await HostsClock(first), "the clock should run on the oldest node");
            Assert.False(await HostsClock(second), "the clock should not run on the younger node");
            await Eventually("the subscriber hearing the environment", () =>
                received.IsEmpty ? throw new InvalidOperationException("nothing yet") : Task.FromResult(true));

            // The hosting node leaves gracefully (cluster leave, singleton hand-over, system terminated).
            await first.StopAsync();
            var heardBeforeFailover = received.Count;

            var after = await Eventually("the clock answering again after the failover", async () =>
            {
                var env = await AskClock(second);
                return env.Time.TotalSeconds > before.Time.TotalSeconds ? env : throw new InvalidOperationException($"game time {env.Time} not past {before.Time}");
            });
            Assert.True(after.Time.TotalSeconds > before.Time.TotalSeconds, $"game time went from {before.Time} to {after.Time}");
            Assert.True(after.AtUnixMs > before.AtUnixMs);
            Assert.True(await HostsClock(second), "the clock should now run on the remaining node");

            // The subscriber re-subscribed to the new instance and hears it.
            await Eventually("the subscriber hearing the moved clock", () =>
                received.Count > heardBeforeFailover
                    ? Task.FromResult(true)
                    : throw new InvalidOperationException("nothing from the new clock yet"));

            // One start, and weather rolls only ever forward: the failover replayed nothing.
            var journal = new TaskCompletionSource<IReadOnlyList<IMxoEvent>>(TaskCreationOptions.RunContinuationsAsynchronously);
            second.System.ActorOf(Props.Create(() => new JournalReader(journal)));
            var events = await journal.Task.WaitAsync(Deadline);
            Assert.IsType<WorldClockEvents.ClockStarted>(events[0]);
            Assert.Single(events.OfType<WorldClockEvents.ClockStarted>());
            var rolls = events.OfType<WorldClockEvents.WeatherChanged>().Select(r => r.AtGameMinute).ToArray();
            Assert.NotEmpty(rolls);
            Assert.Equal(rolls.Distinct().Order(), rolls);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }
}

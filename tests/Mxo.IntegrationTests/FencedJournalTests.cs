using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Remote.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mxo.Node.Fencing;
using Mxo.Node.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Serialization;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// The fenced journal (src/Mxo.Node/Fencing) on a real SQLite file, in a real two-node cluster on loopback: the node
/// with the higher address loses its majority when the other node's contact monitor stops answering (keep-majority's
/// tie rule keeps the lower address), and its journal refuses writes until the monitor answers again.
/// </summary>
public sealed class FencedJournalTests
{
    private const string SystemName = "mxo-fence";
    private static readonly TimeSpan Deadline = TestTime.Scaled(TimeSpan.FromSeconds(30));

    // A short window so the test is quick; the rule is the same as with the defaults (hocon/akka.conf).
    private const string Hocon = """
        akka.loglevel = WARNING
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        mxo.write-fence { interval = 100ms, contact-within = 1s }
        # PersistenceSetup runs SQLite's journal streams here; the node defines it in hocon/akka.conf.
        akka.persistence.sqlite-dispatcher {
          type = ForkJoinDispatcher
          dedicated-thread-pool.thread-count = 2
        }
        """;

    private sealed class FenceNode(IHost host, int port) : IAsyncDisposable
    {
        public ActorSystem System => host.Services.GetRequiredService<ActorSystem>();
        public string Address => $"akka.tcp://{SystemName}@127.0.0.1:{port}";
        public IActorRef Journal => Persistence.Instance.Apply(System).JournalFor(null);

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static async Task<FenceNode> StartNodeAsync(TempData data, int port, string? seed)
    {
        var self = $"akka.tcp://{SystemName}@127.0.0.1:{port}";
        var persistence = PersistenceSetup.From(new PersistenceOptions { Provider = "sqlite", ConnectionString = $"Data Source={data.SqliteFile}" },
            data.Directory);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAkka(SystemName, (akka, _) =>
        {
            akka.AddHocon(Hocon, HoconAddMode.Prepend)
                .WithRemoting("127.0.0.1", port)
                .WithClustering(new ClusterOptions { Roles = ["world"], SeedNodes = [seed ?? self] })
                .WithCustomSerializer("mxo", [typeof(IMxoMessage)], system => new MxoSerializer(system))
                .AddWriteFence()
                // The pings and pongs crossing the nodes go through the real serializer, or fail loudly.
                .AddHocon(FallbackGuardSerializer.Hocon, HoconAddMode.Prepend);
            persistence.AddJournal(akka);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new FenceNode(host, port);
    }

    /// <summary>Persists each string it is sent and answers "ok"; a rejected persist is reported and the writer goes on.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        private readonly TaskCompletionSource<Exception> _rejected;

        public Writer(TaskCompletionSource<Exception> rejected)
        {
            _rejected = rejected;
            Command<string>(text => Persist(text, _ => Sender.Tell("ok")));
        }

        public override string PersistenceId => "fence-writer";

        protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
        {
            _rejected.TrySetResult(cause);
            base.OnPersistRejected(cause, @event, sequenceNr);
        }
    }

    private static long Rows(TempData data)
    {
        using var db = new SqliteConnection($"Data Source={data.SqliteFile};Mode=ReadOnly");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = 'fence-writer'";
        return (long)command.ExecuteScalar()!;
    }

    private static async Task<FenceDecision> AwaitFence(FenceNode node, bool open)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            // Only the fenced journal answers this: a plain SqlWriteJournal would leave the ask to time out.
            var decision = await node.Journal.Ask<FenceDecision>(FencedSqlWriteJournal.GetFence.Instance, TimeSpan.FromSeconds(5));
            if (decision.Open == open) return decision;
            Assert.True(DateTime.UtcNow < deadline, $"the fence did not become {(open ? "open" : "closed")}: {decision.Describe()}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_journal_refuses_writes_while_the_fence_is_closed_and_takes_them_again_once_it_is_open()
    {
        using var data = new TempData();
        int[] ports = [FreePorts.Tcp(), FreePorts.Tcp()];
        Array.Sort(ports);
        await using var low = await StartNodeAsync(data, ports[0], seed: null);
        await using var high = await StartNodeAsync(data, ports[1], seed: low.Address);
        foreach (var node in new[] { low, high })
        {
            var deadline = DateTime.UtcNow + Deadline;
            while (Cluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up) != 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "the two nodes did not form a cluster");
                await Task.Delay(100);
            }
        }
        await AwaitFence(high, open: true);

        var rejected = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = high.System.ActorOf(Props.Create(() => new Writer(rejected)));
        Assert.Equal("ok", await writer.Ask<string>("before", Deadline));
        Assert.Equal(1, Rows(data));

        // The low node's monitor stops answering: the high node is now half the cluster without the lowest address.
        var monitor = await low.System.ActorSelection(ContactMonitor.Path).ResolveOne(TimeSpan.FromSeconds(5));
        await monitor.GracefulStop(TimeSpan.FromSeconds(5));
        var closed = await AwaitFence(high, open: false);
        Assert.Equal((1, 2), (closed.Heard, closed.Counted));
        Assert.True((await AwaitFence(low, open: true)).Open); // the lowest address keeps its half

        var refusedBefore = WriteFence.Refused.Value;
        writer.Tell("during");
        var cause = await rejected.Task.WaitAsync(Deadline);
        Assert.IsType<WriteFenceClosedException>(cause);
        Assert.StartsWith("write refused: this node has not been in contact with a majority of the cluster for 1 s", cause.Message);
        Assert.True(WriteFence.Refused.Value > refusedBefore);
        Assert.Equal(1, Rows(data)); // the database was not touched

        // The monitor answers again: the fence opens and the same entity, which went on, writes.
        low.System.ActorOf(ContactMonitor.Props(), ContactMonitor.Name);
        await AwaitFence(high, open: true);
        Assert.Equal("ok", await writer.Ask<string>("after", Deadline));
        Assert.Equal(2, Rows(data));

        // What keeps a write that passed the fence just before a freeze from forking a history (docs/architecture.md).
        using var db = new SqliteConnection($"Data Source={data.SqliteFile};Mode=ReadOnly");
        db.Open();
        using var unique = db.CreateCommand();
        unique.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' " +
                             "AND sql LIKE 'CREATE UNIQUE INDEX % (persistence_id, sequence_number)'";
        Assert.Equal(1L, (long)unique.ExecuteScalar()!);
    }

    [Fact]
    public async Task A_real_node_runs_the_fenced_journal_and_a_node_alone_is_open()
    {
        using var data = new TempData();
        await using var node = await TestNode.StartAsync(["--dev", .. data.SqliteArgs]);
        var journal = Persistence.Instance.Apply(node.System).JournalFor(null);
        var decision = await journal.Ask<FenceDecision>(FencedSqlWriteJournal.GetFence.Instance, TimeSpan.FromSeconds(10));
        Assert.True(decision.Open, decision.Describe());
        Assert.NotNull(await node.System.ActorSelection(ContactMonitor.Path).ResolveOne(TimeSpan.FromSeconds(5)));
    }
}

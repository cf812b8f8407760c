using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Mxo.Actors.Missions;
using Mxo.Protocol;
using Mxo.Protocol.Missions;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Two world nodes on loopback sharing one SQLite journal, each hosting only the mission scheduler
/// (<see cref="SingletonNode"/> with <see cref="MissionSchedulerRegistration.AddMissionScheduler"/>). Both read one
/// manual clock, and the scheduler re-looks at it only hourly, so time can pass "while no node hosts it": the first node's
/// scheduler sleeps through the jump, then hands over; what fell due in between fires exactly once, on the second node.
/// </summary>
public sealed class MissionSchedulerFailoverTests
{
    private const string SystemName = "mxo-scheduler";

    private static readonly MissionSchedulerSettings Settings = new()
    {
        RecheckInterval = TimeSpan.FromHours(1),
        SnapshotEvery = 4,
        MinRestartBackoff = TimeSpan.FromMilliseconds(200),
        MaxRestartBackoff = TimeSpan.FromSeconds(2),
    };

    /// <summary>Collects the fires delivered on one node, with the node's name.</summary>
    private sealed class Collector : ReceiveActor
    {
        public Collector(string node, ConcurrentQueue<(string Node, TimerFired Fired)> received) =>
            Receive<TimerFired>(f => received.Enqueue((node, f)));
    }

    private static Task<SingletonNode> StartNodeAsync(string name, string connectionString, string? seed, TimeProvider time,
        ConcurrentQueue<(string Node, TimerFired Fired)> received) =>
        // Without the daily reset a node sets at start: the manual clock walks three hours of today, which may hold 04:00,
        // and the test counts every fire.
        SingletonNode.StartAsync(SystemName, connectionString, seed, akka => akka.AddMissionScheduler(Settings, hostsWorld: true,
            system => TimerTargets.To(system.ActorOf(Props.Create(() => new Collector(name, received)))), time, setDailyReset: false));

    private static IActorRef Scheduler(SingletonNode node) => ActorRegistry.For(node.System).Get<MissionSchedulerKey>();

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static async Task<T> Ask<T>(SingletonNode node, object command) =>
        await SingletonNode.Eventually($"{typeof(T).Name} through {node.Address}'s proxy",
            () => Scheduler(node).Ask<T>(command, TimeSpan.FromSeconds(2)));

    /// <summary>Waits until <paramref name="received"/> holds at least <paramref name="count"/> fires.</summary>
    private static Task Received(ConcurrentQueue<(string Node, TimerFired Fired)> received, int count, string what) =>
        SingletonNode.Eventually(what, () => received.Count >= count
            ? Task.FromResult(true)
            : throw new InvalidOperationException($"{received.Count} fires so far: {string.Join(", ", received.Select(r => r.Fired.Id))}"));

    [Fact]
    public async Task Timers_due_while_the_scheduler_moves_fire_exactly_once_on_the_new_node_and_a_missed_reset_once()
    {
        using var data = new TempData();
        var connectionString = SingletonNode.SqliteConnectionString(data);
        // One second past a whole hour, so the hourly schedule's next occurrence is an hour away.
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 1, TimeSpan.Zero);
        var time = new ManualTime(start);
        var received = new ConcurrentQueue<(string Node, TimerFired Fired)>();
        var first = await StartNodeAsync("first", connectionString, null, time, received);
        await using var second = await StartNodeAsync("second", connectionString, first.Address, time, received);
        try
        {
            await SingletonNode.BothUp(first, second);
            Assert.Equal(Cluster.Get(first.System).SelfAddress, second.Oldest().Address);

            // Through the second node's proxy: one timer due now, two due later, and an hourly reset.
            await Ask<MissionSchedulerReplies.Accepted>(second, new MissionSchedulerCommands.Schedule("now", Ms(start), "player", "neo", "a"));
            await Ask<MissionSchedulerReplies.Accepted>(second, new MissionSchedulerCommands.Schedule("gap", Ms(start.AddMinutes(5)), "player", "neo", "b"));
            await Ask<MissionSchedulerReplies.Accepted>(second, new MissionSchedulerCommands.Schedule("later", Ms(start.AddHours(2)), "player", "trinity", "c"));
            await Ask<MissionSchedulerReplies.Accepted>(second, new MissionSchedulerCommands.Schedule("cancelled", Ms(start.AddMinutes(6)), "player", "neo", "d"));
            await Ask<MissionSchedulerReplies.Cancelled>(second, new MissionSchedulerCommands.Cancel("cancelled"));
            await Ask<MissionSchedulerReplies.ScheduleSet>(second, new MissionSchedulerCommands.SetRecurring("hourly-reset", "0 * * * *", "", "world", "", "reset"));
            await Received(received, 1, "the timer due now firing on the first node");
            Assert.Equal(("first", "now"), (received.Single().Node, received.Single().Fired.Id));
            Assert.True(await first.Hosts(MissionSchedulerRegistration.SingletonName), "the scheduler should run on the oldest node");

            // Three hours pass; the first node's scheduler sleeps through them (it re-looks hourly), then its node leaves.
            time.Advance(TimeSpan.FromHours(3));
            await first.StopAsync();

            await Received(received, 4, "the timers due during the gap firing on the second node");
            Assert.True(await second.Hosts(MissionSchedulerRegistration.SingletonName), "the scheduler should now run on the remaining node");
            var status = await Ask<MissionSchedulerReplies.Status>(second, new MissionSchedulerCommands.GetStatus(10));
            Assert.Equal(0, status.PendingTimers);
            var fires = received.ToArray();
            Assert.Equal(
                [("first", "now"), ("second", "gap"), ("second", "hourly-reset"), ("second", "later")],
                fires.Select(f => (f.Node, f.Fired.Id)).OrderBy(f => f.Node).ThenBy(f => f.Id, StringComparer.Ordinal));
            // The reset missed three hours fires once, for the latest hour.
            var reset = fires.Single(f => f.Fired.Id == "hourly-reset").Fired;
            Assert.Equal((TimerFireKind.Recurring, Ms(start.AddHours(3).AddSeconds(-1))), (reset.Kind, reset.DueUnixMs));

            // The journal agrees: every timer's fire was written once, and the reset's once.
            var journal = await second.JournalOf(MissionScheduler.PersistenceIdValue);
            var fired = journal.OfType<MissionSchedulerEvents.Fired>().ToArray();
            Assert.Equal(["gap", "later", "now"], fired.SelectMany(f => f.TimerIds).Order(StringComparer.Ordinal));
            Assert.Single(fired.SelectMany(f => f.Occurrences));

        }
        finally
        {
            await first.DisposeAsync();
        }
    }
}

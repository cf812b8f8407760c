using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Mxo.Actors.World;
using Mxo.Protocol.World;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// Two world nodes on loopback sharing one SQLite journal, each hosting only the world clock (<see cref="SingletonNode"/>
/// with <see cref="WorldClockRegistration.AddWorldClock"/>). The oldest node hosts the singleton; when it leaves, the clock moves to the other node and game time keeps increasing.
/// </summary>
public sealed class WorldClockFailoverTests
{
    private const string SystemName = "mxo-clock";

    private static readonly WorldClockSettings Settings = new()
    {
        TickInterval = TimeSpan.FromMilliseconds(200),
        ResubscribeInterval = TimeSpan.FromMilliseconds(500),
        MinRestartBackoff = TimeSpan.FromMilliseconds(200),
        MaxRestartBackoff = TimeSpan.FromSeconds(2),
    };

    private static Task<SingletonNode> StartNodeAsync(string connectionString, string? seed) =>
        SingletonNode.StartAsync(SystemName, connectionString, seed, akka => akka.AddWorldClock(Settings, hostsWorld: true));

    private static IActorRef Clock(SingletonNode node) => ActorRegistry.For(node.System).Get<WorldClockKey>();

    private static Task<WorldEnvironment> AskClock(SingletonNode node) =>
        Clock(node).Ask<WorldEnvironment>(WorldClockCommands.GetEnvironment.Instance, TimeSpan.FromSeconds(1));

    /// <summary>Collects what the clock publishes to a subscriber on one node.</summary>
    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<WorldEnvironment> received) =>
            Receive<WorldClockEvents.EnvironmentChanged>(e => received.Enqueue(e.Environment));
    }

    [Fact]
    public async Task The_clock_moves_to_the_other_node_when_its_node_leaves_and_game_time_keeps_increasing()
    {
        using var data = new TempData();
        var connectionString = SingletonNode.SqliteConnectionString(data);
        var first = await StartNodeAsync(connectionString, seed: null);
        await using var second = await StartNodeAsync(connectionString, seed: first.Address);
        try
        {
            await SingletonNode.BothUp(first, second);

            // A subscriber on the second node, kept subscribed by the helper across the failover.
            var received = new ConcurrentQueue<WorldEnvironment>();
            var collector = second.System.ActorOf(Props.Create(() => new Collector(received)), "collector");
            second.System.ActorOf(WorldClockSubscriber.PropsFor(Clock(second), collector, Settings.ResubscribeInterval), "clock-subscriber");

            var before = await SingletonNode.Eventually("the clock answering through the second node's proxy", () => AskClock(second));
            Assert.Equal(WorldClockRules.PhaseAt(before.Time), before.Phase);

            // The singleton lives on the oldest world node: the first one.
            Assert.Equal(Cluster.Get(first.System).SelfAddress, second.Oldest().Address);
            Assert.True(await first.Hosts(WorldClockRegistration.SingletonName), "the clock should run on the oldest node");
            Assert.False(await second.Hosts(WorldClockRegistration.SingletonName), "the clock should not run on the younger node");
            await SingletonNode.Eventually("the subscriber hearing the environment", () =>
                received.IsEmpty ? throw new InvalidOperationException("nothing yet") : Task.FromResult(true));

            // The hosting node leaves gracefully (cluster leave, singleton hand-over, system terminated).
            await first.StopAsync();
            var heardBeforeFailover = received.Count;

            var after = await SingletonNode.Eventually("the clock answering again after the failover", async () =>
            {
                var env = await AskClock(second);
                return env.Time.TotalSeconds > before.Time.TotalSeconds ? env : throw new InvalidOperationException($"game time {env.Time} not past {before.Time}");
            });
            Assert.True(after.Time.TotalSeconds > before.Time.TotalSeconds, $"game time went from {before.Time} to {after.Time}");
            Assert.True(after.AtUnixMs > before.AtUnixMs);
            Assert.True(await second.Hosts(WorldClockRegistration.SingletonName), "the clock should now run on the remaining node");

            // The subscriber re-subscribed to the new instance and hears it.
            await SingletonNode.Eventually("the subscriber hearing the moved clock", () =>
                received.Count > heardBeforeFailover
                    ? Task.FromResult(true)
                    : throw new InvalidOperationException("nothing from the new clock yet"));

            // One start, and weather rolls only ever forward: the failover replayed nothing.
            var events = await second.JournalOf(WorldClock.PersistenceIdValue);
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

using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Actors.Missions;
using Mxo.Protocol.Missions;
using Mxo.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Mxo.IntegrationTests;

/// <summary>
/// The mission scheduler singleton's node killed with SIGKILL (the graceful hand-over is MissionSchedulerFailoverTests):
/// two world nodes as real child processes sharing one SQLite journal, and an edge node in this process that reaches
/// the scheduler through its proxy (and makes the survivor a majority of three, for the split-brain resolver and the
/// write fence, hocon/akka.conf). Timers fall due on the wall clock before the kill, between the kill and the takeover,
/// and after it; the journal shows each fired exactly once, by the incarnation hosting it then, and a cancelled one never.
/// </summary>
public sealed class MissionSchedulerKillTests(ITestOutputHelper output)
{
    /// <summary>
    /// A kind the node's routes (MissionSchedulerRegistration.NodeTargets) do not know: its fires are persisted like any,
    /// then logged and dropped, so firing them touches nothing else in the node.
    /// </summary>
    private const string Kind = "kill-test";

    private const string Singleton = MissionSchedulerRegistration.SingletonName;

    private static readonly TimeSpan AskTimeout = TestTime.Scaled(TimeSpan.FromSeconds(2));

    private static IActorRef Scheduler(TestNode edge) => ActorRegistry.For(edge.System).Get<MissionSchedulerKey>();

    /// <summary>
    /// Asks through the edge's proxy until answered. A retry after an answer was lost changes nothing: a timer id still
    /// pending is accepted again unchanged, a cancel of one no longer pending is answered without a write. (A timer
    /// scheduled again after it fired would fire twice, and fail the journal check, not pass it.)
    /// </summary>
    private static Task<T> Ask<T>(TestNode edge, object command) =>
        SingletonNode.Eventually($"{typeof(T).Name} through the edge's proxy", () => Scheduler(edge).Ask<T>(command, AskTimeout));

    private static Task<MissionSchedulerReplies.Status> Status(TestNode edge) =>
        Ask<MissionSchedulerReplies.Status>(edge, new MissionSchedulerCommands.GetStatus(100));

    private static async Task<HashSet<string>> Pending(TestNode edge) =>
        (await Status(edge)).Earliest.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);

    private static async Task Schedule(TestNode edge, string id, DateTimeOffset due) =>
        await Ask<MissionSchedulerReplies.Accepted>(edge,
            new MissionSchedulerCommands.Schedule(id, due.ToUnixTimeMilliseconds(), Kind, id, ""));

    /// <summary>Whether the scheduler (its supervisor under the singleton manager) runs on <paramref name="node"/>, asked from the edge.</summary>
    private static async Task<bool> Hosts(TestNode edge, NodeProcess node)
    {
        var path = $"{node.Address}/user/{Singleton}/{Singleton}";
        var identity = await edge.System.ActorSelection(path).Ask<ActorIdentity>(new Identify(path), AskTimeout);
        return identity.Subject is not null;
    }

    private static Task Up(TestNode edge, NodeProcess node) =>
        SingletonNode.Eventually($"{node.Address} Up", () =>
            Cluster.Get(edge.System).State.Members.Any(m => m.Address.ToString() == node.Address && m.Status == MemberStatus.Up)
                ? Task.FromResult(true)
                : throw new InvalidOperationException("not yet:\n" + node.Output()));

    private static Task Until(string what, Func<Task<bool>> condition) =>
        SingletonNode.Eventually(what, async () => await condition() ? true : throw new InvalidOperationException("not yet"));

    [Fact]
    public async Task After_kill_9_of_the_node_hosting_the_scheduler_every_timer_fires_exactly_once_and_a_cancelled_one_never()
    {
        var wall = Stopwatch.StartNew();
        using var data = new TempData();
        string[] world = ["--roles", "world", .. data.SqliteArgs];
        // Both world nodes start at once (each start is seconds of CPU): the first forms the cluster alone, the second
        // joins it, and the edge joins once the first is ready (its own start waits only so long for Up).
        await using var first = NodeProcess.Start(data.Directory, FreePorts.Tcp(), FreePorts.Tcp(), world);
        await using var second = NodeProcess.Start(data.Directory, FreePorts.Tcp(), FreePorts.Tcp(), [.. world, "--seeds", first.Address]);
        await first.WaitReadyAsync();
        await using var edge = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", first.Address);
        await second.WaitReadyAsync();
        await Up(edge, first);
        await Up(edge, second);
        // The singleton runs on the oldest world member; which one that is the cluster decides, and the test follows.
        var oldest = Cluster.Get(edge.System).State.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole(ShardedEntity.WorldRole))
            .OrderBy(m => m, Member.AgeOrdering).First().Address.ToString();
        var (victim, survivor) = oldest == first.Address ? (first, second) : (second, first);
        await Until("the scheduler running on the oldest node", () => Hosts(edge, victim));
        Assert.False(await Hosts(edge, survivor), "the scheduler should run on the oldest world node only");
        output.WriteLine($"three nodes Up after {wall.Elapsed.TotalSeconds:0.0} s; the oldest is the {(victim == first ? "first" : "second")} started");

        // Due before the kill: fired by the oldest node's scheduler.
        var now = DateTimeOffset.UtcNow;
        string[] before = ["before-1", "before-2"];
        await Schedule(edge, before[0], now.AddSeconds(1));
        await Schedule(edge, before[1], now.AddSeconds(1.5));
        await Until("the timers due before the kill fired", async () => !(await Pending(edge)).Overlaps(before));

        // Pending across the kill. Due after the takeover, by far more than the ~6 s the cluster takes to replace a dead
        // node (hocon/akka.conf); one cancelled before its due time; and, scheduled last so they are due only after the
        // kill, two due well within that time.
        now = DateTimeOffset.UtcNow;
        string[] after = ["after-1", "after-2"];
        var afterDue = now + TestTime.Scaled(TimeSpan.FromSeconds(12));
        await Schedule(edge, after[0], afterDue);
        await Schedule(edge, after[1], afterDue.AddSeconds(0.5));
        var cancelledDue = now.AddSeconds(1.5);
        await Schedule(edge, "cancelled", cancelledDue);
        await Ask<MissionSchedulerReplies.Cancelled>(edge, new MissionSchedulerCommands.Cancel("cancelled"));
        Assert.True(DateTimeOffset.UtcNow < cancelledDue, "the cancel was answered only after the timer was due");
        now = DateTimeOffset.UtcNow;
        string[] gap = ["gap-1", "gap-2"];
        var gapDue = (First: now.AddSeconds(1.5), Last: now.AddSeconds(2.5));
        await Schedule(edge, gap[0], gapDue.First);
        await Schedule(edge, gap[1], gapDue.Last);
        Assert.Equal([.. after, .. gap], (await Pending(edge)).Order(StringComparer.Ordinal));

        var killedAt = DateTimeOffset.UtcNow;
        Assert.True(killedAt < gapDue.First, $"the kill came {(killedAt - gapDue.First).TotalSeconds:0.0} s after the first gap timer was due");
        var killedAfter = wall.Elapsed;
        await victim.KillAsync();
        var sinceKill = Stopwatch.StartNew();

        // Nobody hosts the scheduler until the others have downed the dead node. The survivor answers that it does
        // not host it until it does; the last such answer, asked after the gap timers were due, shows they fell due
        // while no node hosted the scheduler.
        DateTimeOffset? lastNotHostingAsked = null;
        DateTimeOffset hostingSeen = default;
        await Until("the scheduler running on the surviving node", async () =>
        {
            var asked = DateTimeOffset.UtcNow;
            if (await Hosts(edge, survivor))
            {
                hostingSeen = DateTimeOffset.UtcNow;
                return true;
            }
            lastNotHostingAsked = asked;
            return false;
        });
        var takeover = sinceKill.Elapsed;
        Assert.True(lastNotHostingAsked > gapDue.Last,
            $"the survivor was last seen not hosting the scheduler at {lastNotHostingAsked:O}, before the gap timers were due ({gapDue.Last:O})");
        Assert.True(hostingSeen < afterDue, $"the takeover came after the timers meant to be due after it ({takeover.TotalSeconds:0.0} s after the kill)");

        // Through the proxy, now answered by the survivor: the later timers are still pending, then fire there.
        Assert.Superset(after.ToHashSet(), await Pending(edge));
        await Until("every timer fired", async () => (await Pending(edge)).Count == 0);
        var allFired = sinceKill.Elapsed;

        // The journal: every timer fired exactly once, the cancelled one never; before the kill by the killed node's
        // scheduler (which also wrote the schedules), after it by the survivor's. Sequence numbers run on without a gap or
        // a repeat across the two incarnations.
        var rows = CombatJournal.Rows(data, MissionScheduler.PersistenceIdValue);
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(n => (long)n), rows.Select(r => r.SequenceNumber));
        var killedWriter = Assert.Single(rows.Where(r => r.Event is MissionSchedulerEvents.TimerScheduled or MissionSchedulerEvents.TimerCancelled)
            .Select(r => r.WriterUuid).Distinct());
        var fires = rows.SelectMany(r => r.Event is MissionSchedulerEvents.Fired f ? f.TimerIds.Select(id => (Id: id, r.WriterUuid)) : []).ToList();
        Assert.Equal([.. after, .. before, .. gap], fires.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.All(fires.Where(f => before.Contains(f.Id)), f => Assert.Equal(killedWriter, f.WriterUuid));
        var survivorWriter = Assert.Single(fires.Where(f => !before.Contains(f.Id)).Select(f => f.WriterUuid).Distinct());
        Assert.NotEqual(killedWriter, survivorWriter);
        Assert.Equal([killedWriter, survivorWriter], rows.Select(r => r.WriterUuid).Distinct());
        Assert.Contains(rows, r => r.Event is MissionSchedulerEvents.TimerCancelled { Id: "cancelled" });

        output.WriteLine($"killed at {killedAfter.TotalSeconds:0.0} s; takeover seen {takeover.TotalSeconds:0.0} s after the kill, every timer fired {allFired.TotalSeconds:0.0} s after it; " +
                         $"{rows.Count} journal rows; {wall.Elapsed.TotalSeconds:0.0} s so far");
        // The edge leaves while the survivor still runs: a leave with an unreachable member waits for its downing.
        await edge.StopAsync();
    }
}

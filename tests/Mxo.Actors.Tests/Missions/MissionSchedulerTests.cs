using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Missions;
using Mxo.Actors.Tests.World;
using Mxo.Protocol.Missions;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Actors.Tests.Missions;

/// <summary>
/// The <see cref="MissionScheduler"/> actor on the gated in-memory journal (tests/Mxo.Actors.Tests/World/WorldClockTestSupport.cs),
/// with time that moves only when the test says so; fired timers go to a probe. A restart is a new incarnation in the
/// same actor system, recovering from the same journal and snapshots (the SQLite journal's proof is
/// tests/Mxo.IntegrationTests/MissionSchedulerFailoverTests.cs).
/// </summary>
public sealed class MissionSchedulerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 30, TimeSpan.Zero);

    private static readonly MissionSchedulerSettings Settings = new()
    {
        RecheckInterval = TimeSpan.FromMilliseconds(20),
        SnapshotEvery = 3,
        MinRestartBackoff = TimeSpan.FromMilliseconds(100),
        MaxRestartBackoff = TimeSpan.FromSeconds(1),
    };

    private readonly ManualTime _time = new(Start);
    private readonly TestProbe _targets;

    public MissionSchedulerTests() : base(WorldClockTestConfig.Hocon)
    {
        _targets = CreateTestProbe();
    }

    private IActorRef StartScheduler(MissionSchedulerSettings? settings = null)
    {
        var targets = _targets.Ref;
        return Sys.ActorOf(MissionScheduler.PropsFor(settings ?? Settings, _ => TimerTargets.To(targets), _time));
    }

    private void StopGracefully(IActorRef scheduler)
    {
        Watch(scheduler);
        scheduler.Tell(EntityStop.Instance);
        ExpectTerminated(scheduler);
        Unwatch(scheduler);
    }

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private MissionSchedulerReplies.Accepted Schedule(IActorRef scheduler, string id, TimeSpan after)
    {
        scheduler.Tell(new MissionSchedulerCommands.Schedule(id, Ms(Start + after), "player", "neo", $"payload of {id}"));
        return ExpectMsg<MissionSchedulerReplies.Accepted>();
    }

    private MissionSchedulerReplies.Status Status(IActorRef scheduler)
    {
        scheduler.Tell(new MissionSchedulerCommands.GetStatus(10));
        return ExpectMsg<MissionSchedulerReplies.Status>();
    }

    private string[] FiredIds(int count) => [.. Enumerable.Range(0, count).Select(_ => _targets.ExpectMsg<TimerFired>().Id)];

    [Fact]
    public void Timers_fire_in_due_order_with_their_target_and_payload_once_due()
    {
        var scheduler = StartScheduler();
        Schedule(scheduler, "c", TimeSpan.FromSeconds(3));
        Schedule(scheduler, "a", TimeSpan.FromSeconds(1));
        Schedule(scheduler, "b", TimeSpan.FromSeconds(2));
        _targets.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new TimerFired("a", "player", "neo", "payload of a", Ms(Start.AddSeconds(1)), TimerFireKind.Once), _targets.ExpectMsg<TimerFired>());
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["b", "c"], FiredIds(2));
        _targets.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, Status(scheduler).PendingTimers);
    }

    [Fact]
    public void A_cancelled_timer_does_not_fire_and_cancelling_again_says_it_was_not_pending()
    {
        var scheduler = StartScheduler();
        Schedule(scheduler, "keep", TimeSpan.FromSeconds(2));
        Schedule(scheduler, "drop", TimeSpan.FromSeconds(1));
        scheduler.Tell(new MissionSchedulerCommands.Cancel("drop"));
        Assert.Equal(new MissionSchedulerReplies.Cancelled("drop", true), ExpectMsg<MissionSchedulerReplies.Cancelled>());
        scheduler.Tell(new MissionSchedulerCommands.Cancel("drop"));
        Assert.Equal(new MissionSchedulerReplies.Cancelled("drop", false), ExpectMsg<MissionSchedulerReplies.Cancelled>());

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("keep", _targets.ExpectMsg<TimerFired>().Id);
        _targets.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_repeated_schedule_is_answered_the_same_and_beyond_the_bound_the_answer_is_scheduler_full()
    {
        var scheduler = StartScheduler(Settings with { MaxPendingTimers = 2 });
        var first = Schedule(scheduler, "a", TimeSpan.FromMinutes(1));
        Schedule(scheduler, "b", TimeSpan.FromMinutes(1));
        Assert.Equal(first, Schedule(scheduler, "a", TimeSpan.FromMinutes(7)));
        scheduler.Tell(new MissionSchedulerCommands.Schedule("c", Ms(Start), "player", "neo", ""));
        Assert.Equal(SchedulerErrorCodes.SchedulerFull, ExpectMsg<MissionSchedulerReplies.Refused>().Code);

        var status = Status(scheduler);
        Assert.Equal((2, 2, Ms(Start.AddMinutes(1))), (status.PendingTimers, status.MaxPendingTimers, status.NextDueUnixMs));
        Assert.Equal(["a", "b"], status.Earliest.Select(t => t.Id));
    }

    [Fact]
    public void A_new_incarnation_rearms_every_pending_timer_from_its_journal_and_fires_none_twice()
    {
        var scheduler = StartScheduler();
        for (var i = 1; i <= 5; i++) Schedule(scheduler, $"t{i}", TimeSpan.FromMinutes(i));
        _time.Advance(TimeSpan.FromMinutes(2.5));
        Assert.Equal(["t1", "t2"], FiredIds(2));
        StopGracefully(scheduler);

        // t3 and t4 fall due while no scheduler runs; the next one fires them at once, and t1, t2 never again.
        _time.Advance(TimeSpan.FromMinutes(2));
        var next = StartScheduler();
        Assert.Equal(["t3", "t4"], FiredIds(2));
        _targets.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(1, Status(next).PendingTimers);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("t5", _targets.ExpectMsg<TimerFired>().Id);

        // Once more: nothing is left to fire, whatever the journal replays.
        StopGracefully(next);
        var third = StartScheduler();
        Assert.Equal(0, Status(third).PendingTimers);
        _targets.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_recurring_schedule_that_missed_several_periods_fires_once_on_start_then_at_its_next_occurrence()
    {
        var scheduler = StartScheduler();
        scheduler.Tell(new MissionSchedulerCommands.SetRecurring("every-minute", "* * * * *", "", "world", "", "tick"));
        var set = ExpectMsg<MissionSchedulerReplies.ScheduleSet>();
        Assert.Equal(Ms(new DateTimeOffset(2026, 12, 3, 12, 1, 0, TimeSpan.Zero)), set.NextUnixMs);
        StopGracefully(scheduler);

        _time.Advance(TimeSpan.FromMinutes(10)); // 12:10:30: ten occurrences missed
        StartScheduler();
        var fired = _targets.ExpectMsg<TimerFired>();
        Assert.Equal((TimerFireKind.Recurring, Ms(new DateTimeOffset(2026, 12, 3, 12, 10, 0, TimeSpan.Zero))), (fired.Kind, fired.DueUnixMs));
        _targets.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(Ms(new DateTimeOffset(2026, 12, 3, 12, 11, 0, TimeSpan.Zero)), _targets.ExpectMsg<TimerFired>().DueUnixMs);
    }

    [Fact]
    public void A_live_event_window_fires_opened_then_closed_and_is_gone()
    {
        var scheduler = StartScheduler();
        scheduler.Tell(new MissionSchedulerCommands.SetWindow("event/blue-pill", Ms(Start.AddMinutes(1)), Ms(Start.AddMinutes(2)), "world", "", "{}"));
        Assert.Equal(Ms(Start.AddMinutes(1)), ExpectMsg<MissionSchedulerReplies.ScheduleSet>().NextUnixMs);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimerFireKind.WindowOpened, _targets.ExpectMsg<TimerFired>().Kind);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimerFireKind.WindowClosed, _targets.ExpectMsg<TimerFired>().Kind);
        Assert.Empty(Status(scheduler).Schedules);
    }

    [Fact]
    public void On_hand_over_a_fire_being_written_is_delivered_before_the_scheduler_stops()
    {
        var scheduler = StartScheduler();
        Schedule(scheduler, "last", TimeSpan.FromSeconds(1));
        var gate = JournalGate.For(Sys);
        gate.Close();
        _time.Advance(TimeSpan.FromSeconds(1));
        _targets.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // decided, but not durable: not delivered

        Watch(scheduler);
        scheduler.Tell(EntityStop.Instance);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        gate.Open();
        Assert.Equal("last", _targets.ExpectMsg<TimerFired>().Id);
        ExpectTerminated(scheduler);

        StartScheduler();
        _targets.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}

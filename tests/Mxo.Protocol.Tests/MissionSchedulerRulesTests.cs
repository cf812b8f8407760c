using Mxo.Protocol.Missions;
using Xunit;
using SchedulerCommands = Mxo.Protocol.Missions.MissionSchedulerCommands;
using SchedulerEvents = Mxo.Protocol.Missions.MissionSchedulerEvents;
using SchedulerReplies = Mxo.Protocol.Missions.MissionSchedulerReplies;

namespace Mxo.Protocol.Tests;

/// <summary>
/// The mission scheduler's rules (src/Mxo.Protocol/Missions/MissionSchedulerRules.cs): cron in a time zone, missed
/// periods firing once, idempotent commands, the bound, and a property-style run (fixed seeds) of random commands and
/// wakes against a plain model.
/// </summary>
public sealed class MissionSchedulerRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static MissionSchedulerState Applied(MissionSchedulerState state, (IMxoEvent? Event, IMxoMessage Reply) decision) =>
        decision.Event is { } e ? MissionSchedulerRules.Apply(state, e) : state;

    private static ScheduleEntry Cron(string cron, string zone = "", DateTimeOffset? created = null, long lastFired = 0) =>
        new("daily-reset", cron, zone, 0, 0, "world", "", "reset", Ms(created ?? T0), lastFired);

    [Fact]
    public void The_daily_reset_is_at_four_in_the_configured_zone_daylight_saving_included()
    {
        // 2026-12-03 is winter in Paris (UTC+1): 04:00 there is 03:00 UTC; on 2026-07-01 (UTC+2) it is 02:00 UTC.
        var winter = MissionSchedulerRules.NextOccurrence(Cron("0 4 * * *"), Paris);
        Assert.Equal(new Occurrence(Ms(new DateTimeOffset(2026, 12, 4, 3, 0, 0, TimeSpan.Zero)), TimerFireKind.Recurring), winter);
        var summer = MissionSchedulerRules.NextOccurrence(Cron("0 4 * * *", created: new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero)), Paris);
        Assert.Equal(Ms(new DateTimeOffset(2026, 7, 1, 2, 0, 0, TimeSpan.Zero)), summer!.Value.AtUnixMs);
        // The entry's own zone wins over the configured one; UTC when neither says otherwise.
        Assert.Equal(winter, MissionSchedulerRules.NextOccurrence(Cron("0 4 * * *", "Europe/Paris"), Utc));
        Assert.Equal(Ms(new DateTimeOffset(2026, 12, 4, 4, 0, 0, TimeSpan.Zero)), MissionSchedulerRules.NextOccurrence(Cron("0 4 * * *"), Utc)!.Value.AtUnixMs);
    }

    [Fact]
    public void A_schedule_that_missed_several_periods_fires_once_for_the_latest_then_continues_at_its_next()
    {
        var entry = Cron("0 4 * * *", created: T0);
        var now = T0.AddDays(5).AddHours(1); // 2026-12-08 13:00 UTC: five resets missed (4th..8th at 04:00 UTC)
        var due = MissionSchedulerRules.DueOccurrence(entry, Utc, Ms(now));
        Assert.Equal(new Occurrence(Ms(new DateTimeOffset(2026, 12, 8, 4, 0, 0, TimeSpan.Zero)), TimerFireKind.Recurring), due);

        var state = MissionSchedulerRules.Apply(MissionSchedulerState.Empty, new SchedulerEvents.ScheduleSet(entry));
        var fire = MissionSchedulerRules.DecideFire(state, [new DueKey(0, true, entry.Id)], Ms(now), Utc)!.Value;
        Assert.Single(fire.Deliveries);
        state = MissionSchedulerRules.Apply(state, fire.Event);
        Assert.Null(MissionSchedulerRules.DueOccurrence(state.Schedules[entry.Id], Utc, Ms(now)));
        Assert.Equal(Ms(new DateTimeOffset(2026, 12, 9, 4, 0, 0, TimeSpan.Zero)),
            MissionSchedulerRules.NextOccurrence(state.Schedules[entry.Id], Utc)!.Value.AtUnixMs);
    }

    [Fact]
    public void A_minutely_schedule_missed_for_a_month_fires_once_for_the_last_minute()
    {
        var entry = Cron("* * * * *", created: T0);
        var now = T0.AddDays(31).AddSeconds(30);
        Assert.Equal(Ms(T0.AddDays(31)), MissionSchedulerRules.DueOccurrence(entry, Utc, Ms(now))!.Value.AtUnixMs);
    }

    [Fact]
    public void A_window_fires_opened_then_closed_and_one_missed_from_end_to_end_fires_only_its_closing()
    {
        var window = new ScheduleEntry("event/blue-pill", "", "", Ms(T0.AddHours(1)), Ms(T0.AddHours(3)), "world", "", "", Ms(T0), 0);
        Assert.Null(MissionSchedulerRules.DueOccurrence(window, Utc, Ms(T0)));
        Assert.Equal(new Occurrence(Ms(T0.AddHours(1)), TimerFireKind.WindowOpened), MissionSchedulerRules.DueOccurrence(window, Utc, Ms(T0.AddHours(2))));
        Assert.Equal(new Occurrence(Ms(T0.AddHours(3)), TimerFireKind.WindowClosed), MissionSchedulerRules.DueOccurrence(window, Utc, Ms(T0.AddHours(4))));

        var state = MissionSchedulerRules.Apply(MissionSchedulerState.Empty, new SchedulerEvents.ScheduleSet(window));
        state = MissionSchedulerRules.Apply(state, new SchedulerEvents.Fired([], [new ScheduleOccurrence(window.Id, Ms(T0.AddHours(1)))]));
        Assert.Equal(Ms(T0.AddHours(3)), MissionSchedulerRules.NextOccurrence(state.Schedules[window.Id], Utc)!.Value.AtUnixMs);
        state = MissionSchedulerRules.Apply(state, new SchedulerEvents.Fired([], [new ScheduleOccurrence(window.Id, Ms(T0.AddHours(3)))]));
        Assert.Empty(state.Schedules);
    }

    [Fact]
    public void Scheduling_an_id_already_pending_is_answered_the_same_without_a_change()
    {
        var schedule = new SchedulerCommands.Schedule("offer-expiry/neo/7", Ms(T0.AddMinutes(5)), "player", "neo", "{}");
        var first = MissionSchedulerRules.DecideSchedule(MissionSchedulerState.Empty, schedule, 10);
        Assert.IsType<SchedulerEvents.TimerScheduled>(first.Event);
        var state = Applied(MissionSchedulerState.Empty, first);
        var again = MissionSchedulerRules.DecideSchedule(state, schedule with { DueUnixMs = Ms(T0.AddMinutes(9)) }, 10);
        Assert.Null(again.Event);
        Assert.Equal(first.Reply, again.Reply);

        var recurring = new SchedulerCommands.SetRecurring("daily-reset", "0 4 * * *", "", "world", "", "reset");
        var set = MissionSchedulerRules.DecideSetRecurring(state, recurring, Ms(T0), 10, Paris);
        state = Applied(state, set);
        var setAgain = MissionSchedulerRules.DecideSetRecurring(state, recurring, Ms(T0.AddMinutes(1)), 10, Paris);
        Assert.Null(setAgain.Event);
        Assert.Equal(set.Reply, setAgain.Reply);
    }

    [Fact]
    public void Beyond_the_bound_a_timer_is_refused_with_scheduler_full_and_a_cancel_makes_room()
    {
        var state = MissionSchedulerState.Empty;
        for (var i = 0; i < 3; i++)
            state = Applied(state, MissionSchedulerRules.DecideSchedule(state, new SchedulerCommands.Schedule($"t{i}", Ms(T0), "player", "neo", ""), 3));
        var refused = MissionSchedulerRules.DecideSchedule(state, new SchedulerCommands.Schedule("t3", Ms(T0), "player", "neo", ""), 3);
        Assert.Null(refused.Event);
        Assert.Equal(SchedulerErrorCodes.SchedulerFull, Assert.IsType<SchedulerReplies.Refused>(refused.Reply).Code);
        // A retry of a pending one is still answered: the bound refuses only new timers.
        Assert.IsType<SchedulerReplies.Accepted>(MissionSchedulerRules.DecideSchedule(state, new SchedulerCommands.Schedule("t0", Ms(T0), "player", "neo", ""), 3).Reply);

        state = Applied(state, MissionSchedulerRules.DecideCancel(state, new SchedulerCommands.Cancel("t1")));
        Assert.IsType<SchedulerEvents.TimerScheduled>(MissionSchedulerRules.DecideSchedule(state, new SchedulerCommands.Schedule("t3", Ms(T0), "player", "neo", ""), 3).Event);
        Assert.Equal(new SchedulerReplies.Cancelled("t1", false), MissionSchedulerRules.DecideCancel(state, new SchedulerCommands.Cancel("t1")).Reply);
    }

    [Theory]
    [InlineData("not a cron", "")]
    [InlineData("0 4 * * *", "Mars/Olympus_Mons")]
    [InlineData("0 0 30 2 *", "")]
    public void A_schedule_that_does_not_parse_or_never_occurs_is_refused(string cron, string zone)
    {
        var decision = MissionSchedulerRules.DecideSetRecurring(MissionSchedulerState.Empty,
            new SchedulerCommands.SetRecurring("bad", cron, zone, "world", "", ""), Ms(T0), 10, Utc);
        Assert.Null(decision.Event);
        Assert.Equal(SchedulerErrorCodes.InvalidSchedule, Assert.IsType<SchedulerReplies.Refused>(decision.Reply).Code);
    }

    [Fact]
    public void A_window_that_is_over_or_ends_before_it_starts_is_refused()
    {
        foreach (var (start, end) in new[] { (T0.AddHours(-3), T0.AddHours(-1)), (T0.AddHours(2), T0.AddHours(1)) })
        {
            var decision = MissionSchedulerRules.DecideSetWindow(MissionSchedulerState.Empty,
                new SchedulerCommands.SetWindow("w", Ms(start), Ms(end), "world", "", ""), Ms(T0), 10, Utc);
            Assert.Equal(SchedulerErrorCodes.InvalidSchedule, Assert.IsType<SchedulerReplies.Refused>(decision.Reply).Code);
        }
    }

    [Fact]
    public void An_open_window_given_a_new_end_is_not_opened_again_and_an_end_now_closes_it_at_once()
    {
        var open = new SchedulerCommands.SetWindow("event:blue-moon", Ms(T0), Ms(T0.AddHours(1)), "event", "blue-moon", "Blue Moon");
        var state = Applied(MissionSchedulerState.Empty, MissionSchedulerRules.DecideSetWindow(MissionSchedulerState.Empty, open, Ms(T0) - 1000, 10, Utc));
        // Its opening not fired yet (due, the wake not come): an end now is refused like any window that is over.
        Assert.IsType<SchedulerReplies.Refused>(MissionSchedulerRules.DecideSetWindow(state, open with { EndUnixMs = Ms(T0) + 5 }, Ms(T0) + 5, 10, Utc).Reply);
        state = MissionSchedulerRules.Apply(state, new SchedulerEvents.Fired([], [new ScheduleOccurrence(open.Id, Ms(T0))])); // opened

        var now = Ms(T0.AddMinutes(10));
        var later = MissionSchedulerRules.DecideSetWindow(state, open with { EndUnixMs = Ms(T0.AddHours(2)) }, now, 10, Utc);
        var moved = Assert.IsType<SchedulerEvents.ScheduleSet>(later.Event).Entry;
        Assert.Equal(Ms(T0), moved.LastFiredUnixMs);
        Assert.Equal(new Occurrence(Ms(T0.AddHours(2)), TimerFireKind.WindowClosed), MissionSchedulerRules.NextOccurrence(moved, Utc));

        var stop = MissionSchedulerRules.DecideSetWindow(state, open with { EndUnixMs = now }, now, 10, Utc);
        Assert.Equal(new SchedulerReplies.ScheduleSet(open.Id, now), stop.Reply);
        state = Applied(state, stop);
        var index = new DueIndex();
        index.Rebuild(state, Utc);
        var fire = MissionSchedulerRules.DecideFire(state, index.TakeDue(now, 10), now, Utc);
        Assert.Equal([new TimerFired(open.Id, "event", "blue-moon", "Blue Moon", now, TimerFireKind.WindowClosed)], fire!.Value.Deliveries);
        Assert.Empty(MissionSchedulerRules.Apply(state, fire.Value.Event).Schedules);

        // Another start is a new window: it opens again (and an end in the past is refused for it).
        var other = MissionSchedulerRules.DecideSetWindow(state, open with { StartUnixMs = now, EndUnixMs = now + 60_000 }, now, 10, Utc);
        Assert.Equal(0, Assert.IsType<SchedulerEvents.ScheduleSet>(other.Event).Entry.LastFiredUnixMs);
        Assert.IsType<SchedulerReplies.Refused>(MissionSchedulerRules.DecideSetWindow(state, open with { StartUnixMs = now - 2, EndUnixMs = now - 1 }, now, 10, Utc).Reply);
    }

    /// <summary>
    /// Random schedules, cancels and wakes at increasing times, many seeds: every timer not cancelled fires exactly once,
    /// at or after its due time, in due order; the index kept up to date event by event equals one rebuilt from the state.
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_commands_and_wakes_fire_each_uncancelled_timer_exactly_once_in_due_order(int seed)
    {
        var random = new Random(seed);
        var state = MissionSchedulerState.Empty;
        var index = new DueIndex();
        var now = Ms(T0);
        var model = new Dictionary<string, long>(); // what the plain model says is pending: id -> due

        void Decide(IMxoEvent? e)
        {
            if (e is null) return;
            var before = state;
            state = MissionSchedulerRules.Apply(state, e);
            index.Update(before, state, e, Utc);
        }

        void Wake(int max)
        {
            var keys = index.TakeDue(now, max);
            if (MissionSchedulerRules.DecideFire(state, keys, now, Utc) is not { } fire) return;
            var dues = fire.Deliveries.Select(f => f.DueUnixMs).ToArray();
            Assert.Equal(dues.Order(), dues); // earliest first
            foreach (var f in fire.Deliveries)
            {
                Assert.True(f.DueUnixMs <= now);
                Assert.True(model.Remove(f.Id, out var due), $"{f.Id} fired but was not pending (fired twice, or cancelled)");
                Assert.Equal(due, f.DueUnixMs);
            }
            // A batch below its limit leaves nothing due behind.
            if (fire.Deliveries.Count < max) Assert.DoesNotContain(model.Values, due => due <= now);
            Decide(fire.Event);
        }

        for (var step = 0; step < 400; step++)
        {
            switch (random.Next(10))
            {
                case < 5:
                    var id = $"t{random.Next(150)}";
                    var due = now + random.Next(-1_000, 60_000);
                    var (e, reply) = MissionSchedulerRules.DecideSchedule(state, new SchedulerCommands.Schedule(id, due, "player", "neo", ""), 100);
                    if (model.TryGetValue(id, out var pending)) Assert.Equal(new SchedulerReplies.Accepted(id, pending), reply);
                    else if (model.Count >= 100) Assert.Equal(SchedulerErrorCodes.SchedulerFull, Assert.IsType<SchedulerReplies.Refused>(reply).Code);
                    else model[id] = due;
                    Decide(e);
                    break;
                case < 7:
                    var victim = $"t{random.Next(150)}";
                    var cancel = MissionSchedulerRules.DecideCancel(state, new SchedulerCommands.Cancel(victim));
                    Assert.Equal(new SchedulerReplies.Cancelled(victim, model.Remove(victim)), cancel.Reply);
                    Decide(cancel.Event);
                    break;
                default:
                    now += random.Next(0, 20_000);
                    Wake(random.Next(1, 20));
                    break;
            }
            Assert.Equal(model.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)),
                state.Timers.Values.Select(t => (t.Id, t.DueUnixMs)));
            var rebuilt = new DueIndex();
            rebuilt.Rebuild(state, Utc);
            Assert.Equal(rebuilt.InOrder, index.InOrder);
        }
        // Drain: everything left fires, once.
        now += 120_000;
        while (index.Count > 0) Wake(7);
        Assert.Empty(model);
        Assert.Empty(state.Timers);
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 25)];
}

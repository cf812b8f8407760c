using System.Diagnostics;
using Mxo.Actors.Districts;
using Xunit;

namespace Mxo.Actors.Tests;

public sealed class TickScheduleTests
{
    private static long Ms(double ms) => (long)(ms / 1000 * Stopwatch.Frequency);

    [Fact]
    public void Lateness_is_measured_against_the_fixed_rate_schedule_and_a_stall_is_counted_once()
    {
        var schedule = new TickSchedule(TimeSpan.FromMilliseconds(50));
        var start = Ms(10_000);
        double Late(double atMs) => schedule.Observe(start + Ms(atMs)).TotalMilliseconds;

        Assert.Equal(0, Late(0), 3);      // the first tick defines the schedule
        Assert.Equal(3, Late(53), 3);     // due at 50
        Assert.Equal(0, Late(99), 3);     // early (due at 100): not negative
        Assert.Equal(7, Late(157), 3);    // due at 150: a late tick does not move the schedule
        Assert.Equal(180, Late(380), 3);  // due at 200: a stall longer than a tick...
        Assert.Equal(1, Late(431), 3);    // ...restarts the schedule from itself (due at 430), not 231 ms again
    }

    [Fact]
    public void A_restarted_timer_is_on_time()
    {
        var schedule = new TickSchedule(TimeSpan.FromMilliseconds(50));
        schedule.Observe(Ms(1_000));
        schedule.Restart();
        Assert.Equal(TimeSpan.Zero, schedule.Observe(Ms(9_000)));
    }
}

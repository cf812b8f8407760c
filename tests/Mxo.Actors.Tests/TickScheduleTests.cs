using System.Diagnostics;
using Mxo.Actors.Districts;
using Xunit;

namespace Mxo.Actors.Tests;

public sealed class TickScheduleTests
{
    private static long Ms(double ms) => (long)(ms / 1000 * Stopwatch.Frequency);

    [Fact]
    public void Lateness_is_the_time_beyond_one_interval_since_the_previous_tick_and_a_stall_is_counted_once()
    {
        var schedule = new TickSchedule(TimeSpan.FromMilliseconds(50));
        var start = Ms(10_000);
        double Late(double atMs) => schedule.Observe(start + Ms(atMs)).TotalMilliseconds;

        Assert.Equal(0, Late(0), 3);      // the first tick after a start is on time
        Assert.Equal(3, Late(53), 3);
        Assert.Equal(0, Late(99), 3);     // early: not negative
        Assert.Equal(0, Late(148), 3);    // a timer that runs early does not hide...
        Assert.Equal(7, Late(205), 3);    // ...a later delay
        Assert.Equal(175, Late(430), 3);  // a stall is counted in the tick it delayed...
        Assert.Equal(0, Late(480), 3);    // ...and not again in the next
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

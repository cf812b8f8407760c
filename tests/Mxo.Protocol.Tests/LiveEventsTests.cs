using Mxo.Protocol.Missions;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>Which live events are open, from the mission scheduler's schedules (src/Mxo.Protocol/Missions/LiveEvents.cs).</summary>
public sealed class LiveEventsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static ScheduleEntry Window(string id, DateTimeOffset start, DateTimeOffset end, long lastFired = 0) =>
        new(id, "", "", Ms(start), Ms(end), LiveEvents.TargetKind, id, "", Ms(start) - 1000, lastFired);

    [Fact]
    public void The_schedule_id_of_an_event()
    {
        Assert.Equal("event:blue-moon", LiveEvents.ScheduleId("blue-moon"));
        Assert.Equal("event", LiveEvents.TargetKind);
    }

    [Fact]
    public void An_event_is_open_from_its_windows_start_included_to_its_end_excluded()
    {
        ScheduleEntry[] schedules = [Window(LiveEvents.ScheduleId("blue-moon"), T0, T0.AddHours(1))];
        Assert.Empty(LiveEvents.OpenAt(schedules, T0.AddMilliseconds(-1)));
        Assert.Equal(["blue-moon"], LiveEvents.OpenAt(schedules, T0));
        Assert.Equal(["blue-moon"], LiveEvents.OpenAt(schedules, T0.AddHours(1).AddMilliseconds(-1)));
        Assert.Empty(LiveEvents.OpenAt(schedules, T0.AddHours(1)));
        // The window's times decide, not whether its opening has fired yet.
        Assert.Equal(["blue-moon"], LiveEvents.OpenAt([Window("event:blue-moon", T0, T0.AddHours(1), Ms(T0))], T0.AddMinutes(1)));
    }

    [Fact]
    public void Only_event_windows_count()
    {
        ScheduleEntry[] schedules =
        [
            Window("event:blue-moon", T0, T0.AddHours(1)),
            Window("event:red-moon", T0.AddMinutes(10), T0.AddHours(1)),      // not started yet
            Window("festival", T0, T0.AddHours(1)),                           // a window, but not an event's
            Window("event:", T0, T0.AddHours(1)),                             // no event id
            new("event:green-moon", "0 4 * * *", "", 0, 0, "event", "green-moon", "", Ms(T0) - 1000, 0), // a cron, not a window
        ];
        Assert.Equal(["blue-moon"], LiveEvents.OpenAt(schedules, T0.AddMinutes(5)));
        Assert.Equal(["blue-moon", "red-moon"], LiveEvents.OpenAt(schedules, T0.AddMinutes(10)).Order(StringComparer.Ordinal));
        Assert.Empty(LiveEvents.OpenAt([], T0));
    }
}

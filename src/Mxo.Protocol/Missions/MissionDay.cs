using Cronos;

namespace Mxo.Protocol.Missions;

/// <summary>
/// The mission day: it starts at the daily reset (a cron expression in a time zone, 04:00 by default), so a daily limit
/// counts accepts since the last reset. Computed from the clock alone, so the limit resets on time whether or not the
/// scheduler singleton that announces the reset is running at that moment.
/// </summary>
public static class MissionDay
{
    /// <summary>
    /// The start (Unix ms) of the mission day holding <paramref name="now"/>: the latest occurrence of
    /// <paramref name="cron"/> at or before it (looked for within the last 8 days; a cron that never fires within a
    /// week gives the Unix epoch: one day for ever).
    /// </summary>
    public static long StartMs(CronExpression cron, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var last = DateTimeOffset.UnixEpoch;
        foreach (var occurrence in cron.GetOccurrences(now.AddDays(-8), now, zone, fromInclusive: true, toInclusive: true))
            last = occurrence;
        return last.ToUnixTimeMilliseconds();
    }
}

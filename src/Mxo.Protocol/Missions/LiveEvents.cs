namespace Mxo.Protocol.Missions;

/// <summary>
/// Which live events are open, read from the mission scheduler's schedules (docs/architecture.md, "Live events and the
/// daily reset"). An event is open while its window schedule (id <see cref="ScheduleId"/>) holds the instant: the
/// operator commands <c>world event-start</c> and <c>world event-stop</c> set that window (src/Mxo.Node/Operator/OperatorCommands.cs),
/// and whoever offers missions asks the scheduler's <see cref="MissionSchedulerCommands.GetStatus"/> and passes its
/// <see cref="MissionSchedulerReplies.Status.Schedules"/> here, then the result to <see cref="MissionRules.Offers"/> and
/// <see cref="MissionRules.Accept"/>. Pure: the time is passed in.
/// </summary>
public static class LiveEvents
{
    /// <summary>The prefix of a live event's schedule id.</summary>
    public const string SchedulePrefix = "event:";

    /// <summary>The scheduler's target kind of a live event's window: its fires announce the event's start and end.</summary>
    public const string TargetKind = "event";

    /// <summary>The id of the scheduler window of the live event <paramref name="eventId"/>.</summary>
    public static string ScheduleId(string eventId) => SchedulePrefix + eventId;

    /// <summary>
    /// The ids of the events whose window is open at <paramref name="now"/>: a window schedule (empty cron) with id
    /// <c>event:&lt;id&gt;</c>, started at or before <paramref name="now"/> and ending after it. Whether the scheduler has
    /// fired the opening yet does not matter: the window's times are the truth, its fires only announce them.
    /// </summary>
    public static IReadOnlySet<string> OpenAt(IEnumerable<ScheduleEntry> schedules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        var at = now.ToUnixTimeMilliseconds();
        var open = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in schedules)
            if (entry is { IsWindow: true } && entry.Id.StartsWith(SchedulePrefix, StringComparison.Ordinal) && entry.Id.Length > SchedulePrefix.Length
                && entry.WindowStartUnixMs <= at && at < entry.WindowEndUnixMs)
                open.Add(entry.Id[SchedulePrefix.Length..]);
        return open;
    }
}

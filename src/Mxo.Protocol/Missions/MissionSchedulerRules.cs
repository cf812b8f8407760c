using Cronos;

namespace Mxo.Protocol.Missions;

/// <summary>When something in the scheduler is next due: a one-shot timer, or a schedule's next occurrence. Ordered by due time, then timers before schedules, then id (ordinal).</summary>
public readonly record struct DueKey(long DueUnixMs, bool Schedule, string Id) : IComparable<DueKey>
{
    public int CompareTo(DueKey other)
    {
        var byDue = DueUnixMs.CompareTo(other.DueUnixMs);
        if (byDue != 0) return byDue;
        var byKind = Schedule.CompareTo(other.Schedule);
        return byKind != 0 ? byKind : string.CompareOrdinal(Id, other.Id);
    }
}

/// <summary>A schedule's occurrence: when, and what it stands for.</summary>
public readonly record struct Occurrence(long AtUnixMs, TimerFireKind Kind);

/// <summary>
/// The scheduler's one sorted view of everything pending, earliest first: what lets one Akka timer (for the earliest)
/// stand for any number of timers (docs/architecture.md, "Mission scheduler"). Derived from the state, never persisted:
/// rebuilt after recovery, kept up to date with each decided event (<see cref="Update"/>).
/// </summary>
public sealed class DueIndex
{
    private readonly SortedSet<DueKey> _keys = [];

    public int Count => _keys.Count;

    /// <summary>Everything pending, earliest first.</summary>
    public IEnumerable<DueKey> InOrder => _keys;

    public bool TryPeek(out DueKey first)
    {
        if (_keys.Count == 0)
        {
            first = default;
            return false;
        }
        first = _keys.Min;
        return true;
    }

    /// <summary>Removes and returns the keys due at <paramref name="nowUnixMs"/>, earliest first, at most <paramref name="max"/>.</summary>
    public List<DueKey> TakeDue(long nowUnixMs, int max)
    {
        var due = new List<DueKey>();
        while (due.Count < max && _keys.Count > 0 && _keys.Min is var first && first.DueUnixMs <= nowUnixMs)
        {
            _keys.Remove(first);
            due.Add(first);
        }
        return due;
    }

    public void Rebuild(MissionSchedulerState state, TimeZoneInfo fallbackZone)
    {
        _keys.Clear();
        foreach (var timer in state.Timers.Values) _keys.Add(KeyOf(timer));
        foreach (var entry in state.Schedules.Values)
            if (KeyOf(entry, fallbackZone) is { } key) _keys.Add(key);
    }

    /// <summary>Brings the index from <paramref name="before"/> to <paramref name="after"/>, the state after <paramref name="event"/>.</summary>
    public void Update(MissionSchedulerState before, MissionSchedulerState after, IMxoEvent @event, TimeZoneInfo fallbackZone)
    {
        switch (@event)
        {
            case MissionSchedulerEvents.TimerScheduled e:
                if (before.Timers.TryGetValue(e.Timer.Id, out var replaced)) _keys.Remove(KeyOf(replaced));
                _keys.Add(KeyOf(e.Timer));
                break;
            case MissionSchedulerEvents.TimerCancelled e:
                if (before.Timers.TryGetValue(e.Id, out var cancelled)) _keys.Remove(KeyOf(cancelled));
                break;
            case MissionSchedulerEvents.ScheduleSet e:
                ReplaceSchedule(before, after, e.Entry.Id, fallbackZone);
                break;
            case MissionSchedulerEvents.ScheduleRemoved e:
                ReplaceSchedule(before, after, e.Id, fallbackZone);
                break;
            case MissionSchedulerEvents.Fired e:
                foreach (var id in e.TimerIds)
                    if (before.Timers.TryGetValue(id, out var fired)) _keys.Remove(KeyOf(fired));
                foreach (var occurrence in e.Occurrences) ReplaceSchedule(before, after, occurrence.Id, fallbackZone);
                break;
        }
    }

    private void ReplaceSchedule(MissionSchedulerState before, MissionSchedulerState after, string id, TimeZoneInfo fallbackZone)
    {
        if (before.Schedules.TryGetValue(id, out var old) && KeyOf(old, fallbackZone) is { } oldKey) _keys.Remove(oldKey);
        if (after.Schedules.TryGetValue(id, out var now) && KeyOf(now, fallbackZone) is { } newKey) _keys.Add(newKey);
    }

    private static DueKey KeyOf(PendingTimer timer) => new(timer.DueUnixMs, false, timer.Id);

    private static DueKey? KeyOf(ScheduleEntry entry, TimeZoneInfo fallbackZone) =>
        MissionSchedulerRules.NextOccurrence(entry, fallbackZone) is { } next ? new DueKey(next.AtUnixMs, true, entry.Id) : null;
}

/// <summary>
/// The mission scheduler's rules as pure functions (docs/architecture.md, "Mission scheduler"): what a command decides
/// (an event to persist and the answer), when a schedule is next due, what fires at an instant, and how an event
/// changes the state.
/// </summary>
public static class MissionSchedulerRules
{
    public const int MaxIdLength = 200;
    public const int MaxTargetLength = 200;
    public const int MaxPayloadLength = 4096;

    private static readonly long DayMs = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    /// <summary>
    /// The zone named by <paramref name="id"/> (an IANA id; empty for <paramref name="fallback"/>), or false when the
    /// machine does not know it.
    /// </summary>
    public static bool TryZone(string? id, TimeZoneInfo fallback, out TimeZoneInfo zone)
    {
        zone = fallback;
        if (string.IsNullOrEmpty(id)) return true;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone!);
    }

    /// <summary>A five-field cron expression (minute hour day-of-month month day-of-week), or null when it does not parse.</summary>
    public static CronExpression? ParseCron(string? expression) =>
        !string.IsNullOrWhiteSpace(expression) && CronExpression.TryParse(expression, CronFormat.Standard, out var cron) ? cron : null;

    private static DateTime Utc(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;

    private static long UnixMs(DateTime utc) => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    /// <summary>The first occurrence after the last one fired (or after the entry was created), due or not; null when none is left.</summary>
    public static Occurrence? NextOccurrence(ScheduleEntry entry, TimeZoneInfo fallbackZone)
    {
        if (entry.IsWindow)
        {
            if (entry.LastFiredUnixMs < entry.WindowStartUnixMs) return new Occurrence(entry.WindowStartUnixMs, TimerFireKind.WindowOpened);
            if (entry.LastFiredUnixMs < entry.WindowEndUnixMs) return new Occurrence(entry.WindowEndUnixMs, TimerFireKind.WindowClosed);
            return null;
        }
        if (ParseCron(entry.Cron) is not { } cron || !TryZone(entry.TimeZone, fallbackZone, out var zone)) return null;
        var anchor = Math.Max(entry.CreatedUnixMs, entry.LastFiredUnixMs);
        return cron.GetNextOccurrence(Utc(anchor), zone) is { } next ? new Occurrence(UnixMs(next), TimerFireKind.Recurring) : null;
    }

    /// <summary>
    /// The occurrence to fire at <paramref name="nowUnixMs"/>, if one is due: however many periods were missed (no node
    /// hosted the scheduler), only the latest fires, once; a window missed from end to end fires only its closing.
    /// </summary>
    public static Occurrence? DueOccurrence(ScheduleEntry entry, TimeZoneInfo fallbackZone, long nowUnixMs)
    {
        if (NextOccurrence(entry, fallbackZone) is not { } next || next.AtUnixMs > nowUnixMs) return null;
        if (entry.IsWindow)
            return entry.WindowEndUnixMs <= nowUnixMs ? new Occurrence(entry.WindowEndUnixMs, TimerFireKind.WindowClosed) : next;
        var cron = ParseCron(entry.Cron)!;
        TryZone(entry.TimeZone, fallbackZone, out var zone);
        // Occurrences are walked forward only: look in the last day first, so a minutely schedule down for a month
        // does not walk 40,000 of them; a sparser one has few to walk anyway.
        long? LastIn(long fromMs) =>
            cron.GetOccurrences(Utc(fromMs), Utc(nowUnixMs), zone, fromInclusive: true, toInclusive: true)
                .Select(o => (long?)UnixMs(o)).LastOrDefault();
        var latest = (nowUnixMs - DayMs > next.AtUnixMs ? LastIn(nowUnixMs - DayMs) : null) ?? LastIn(next.AtUnixMs) ?? next.AtUnixMs;
        return new Occurrence(latest, TimerFireKind.Recurring);
    }

    private static string? TargetProblem(string id, string targetKind, string targetId, string payload) =>
        string.IsNullOrEmpty(id) || id.Length > MaxIdLength ? $"the id must be 1..{MaxIdLength} characters"
        : string.IsNullOrEmpty(targetKind) || targetKind.Length > MaxTargetLength ? $"the target kind must be 1..{MaxTargetLength} characters"
        : (targetId ?? "").Length > MaxTargetLength ? $"the target id must be at most {MaxTargetLength} characters"
        : (payload ?? "").Length > MaxPayloadLength ? $"the payload must be at most {MaxPayloadLength} characters"
        : null;

    /// <summary>A one-shot timer: idempotent for an id already pending; refused beyond <paramref name="maxPending"/>.</summary>
    public static (IMxoEvent? Event, IMxoMessage Reply) DecideSchedule(MissionSchedulerState state, MissionSchedulerCommands.Schedule cmd, int maxPending)
    {
        if (TargetProblem(cmd.Id, cmd.TargetKind, cmd.TargetId, cmd.Payload) is { } problem)
            return (null, new MissionSchedulerReplies.Refused(cmd.Id ?? "", SchedulerErrorCodes.InvalidTimer, problem));
        if (state.Timers.TryGetValue(cmd.Id, out var pending)) return (null, new MissionSchedulerReplies.Accepted(cmd.Id, pending.DueUnixMs));
        if (state.Timers.Count >= maxPending)
            return (null, new MissionSchedulerReplies.Refused(cmd.Id, SchedulerErrorCodes.SchedulerFull, $"{state.Timers.Count} timers are pending already (the bound)"));
        var timer = new PendingTimer(cmd.Id, cmd.DueUnixMs, cmd.TargetKind, cmd.TargetId ?? "", cmd.Payload ?? "");
        return (new MissionSchedulerEvents.TimerScheduled(timer), new MissionSchedulerReplies.Accepted(cmd.Id, cmd.DueUnixMs));
    }

    public static (IMxoEvent? Event, IMxoMessage Reply) DecideCancel(MissionSchedulerState state, MissionSchedulerCommands.Cancel cmd) =>
        state.Timers.ContainsKey(cmd.Id ?? "")
            ? (new MissionSchedulerEvents.TimerCancelled(cmd.Id!), new MissionSchedulerReplies.Cancelled(cmd.Id!, true))
            : (null, new MissionSchedulerReplies.Cancelled(cmd.Id ?? "", false));

    public static (IMxoEvent? Event, IMxoMessage Reply) DecideRemoveSchedule(MissionSchedulerState state, MissionSchedulerCommands.RemoveSchedule cmd) =>
        state.Schedules.ContainsKey(cmd.Id ?? "")
            ? (new MissionSchedulerEvents.ScheduleRemoved(cmd.Id!), new MissionSchedulerReplies.Cancelled(cmd.Id!, true))
            : (null, new MissionSchedulerReplies.Cancelled(cmd.Id ?? "", false));

    public static (IMxoEvent? Event, IMxoMessage Reply) DecideSetRecurring(MissionSchedulerState state, MissionSchedulerCommands.SetRecurring cmd,
        long nowUnixMs, int maxSchedules, TimeZoneInfo fallbackZone)
    {
        if (TargetProblem(cmd.Id, cmd.TargetKind, cmd.TargetId, cmd.Payload) is { } problem)
            return (null, new MissionSchedulerReplies.Refused(cmd.Id ?? "", SchedulerErrorCodes.InvalidTimer, problem));
        if (ParseCron(cmd.Cron) is null)
            return (null, new MissionSchedulerReplies.Refused(cmd.Id, SchedulerErrorCodes.InvalidSchedule, $"'{cmd.Cron}' is not a five-field cron expression"));
        if (!TryZone(cmd.TimeZone, fallbackZone, out _))
            return (null, new MissionSchedulerReplies.Refused(cmd.Id, SchedulerErrorCodes.InvalidSchedule, $"unknown time zone '{cmd.TimeZone}'"));
        var entry = new ScheduleEntry(cmd.Id, cmd.Cron, cmd.TimeZone ?? "", 0, 0, cmd.TargetKind, cmd.TargetId ?? "", cmd.Payload ?? "", nowUnixMs, 0);
        return DecideSet(state, entry, maxSchedules, fallbackZone);
    }

    public static (IMxoEvent? Event, IMxoMessage Reply) DecideSetWindow(MissionSchedulerState state, MissionSchedulerCommands.SetWindow cmd,
        long nowUnixMs, int maxSchedules, TimeZoneInfo fallbackZone)
    {
        if (TargetProblem(cmd.Id, cmd.TargetKind, cmd.TargetId, cmd.Payload) is { } problem)
            return (null, new MissionSchedulerReplies.Refused(cmd.Id ?? "", SchedulerErrorCodes.InvalidTimer, problem));
        var entry = new ScheduleEntry(cmd.Id, "", "", cmd.StartUnixMs, cmd.EndUnixMs, cmd.TargetKind, cmd.TargetId ?? "", cmd.Payload ?? "", nowUnixMs, 0);
        if (state.Schedules.TryGetValue(cmd.Id, out var existing) && existing.SameDefinition(entry)) return (null, SetReply(existing, fallbackZone));
        // An open window given a new end (same start, its opening fired) keeps what it has fired, so it is not opened
        // again; an end at or before now then closes it at once: its closing fires at the next wake (world event-stop,
        // src/Mxo.Node/Operator/OperatorCommands.cs). Any other replacement starts afresh.
        var opened = existing is { IsWindow: true } && existing.WindowStartUnixMs == cmd.StartUnixMs
            && existing.LastFiredUnixMs >= existing.WindowStartUnixMs;
        if (opened) entry = entry with { LastFiredUnixMs = existing!.LastFiredUnixMs };
        if (cmd.StartUnixMs <= 0 || cmd.EndUnixMs <= cmd.StartUnixMs || (cmd.EndUnixMs <= nowUnixMs && !opened))
            return (null, new MissionSchedulerReplies.Refused(cmd.Id, SchedulerErrorCodes.InvalidSchedule, "a window must end after it starts, and in the future"));
        return DecideSet(state, entry, maxSchedules, fallbackZone);
    }

    private static (IMxoEvent? Event, IMxoMessage Reply) DecideSet(MissionSchedulerState state, ScheduleEntry entry, int maxSchedules, TimeZoneInfo fallbackZone)
    {
        if (state.Schedules.TryGetValue(entry.Id, out var existing))
        {
            if (existing.SameDefinition(entry)) return (null, SetReply(existing, fallbackZone));
        }
        else if (state.Schedules.Count >= maxSchedules)
        {
            return (null, new MissionSchedulerReplies.Refused(entry.Id, SchedulerErrorCodes.SchedulerFull, $"{state.Schedules.Count} schedules are set already (the bound)"));
        }
        if (!entry.IsWindow && NextOccurrence(entry, fallbackZone) is null)
            return (null, new MissionSchedulerReplies.Refused(entry.Id, SchedulerErrorCodes.InvalidSchedule, $"'{entry.Cron}' never occurs"));
        return (new MissionSchedulerEvents.ScheduleSet(entry), SetReply(entry, fallbackZone));
    }

    private static MissionSchedulerReplies.ScheduleSet SetReply(ScheduleEntry entry, TimeZoneInfo fallbackZone) =>
        new(entry.Id, NextOccurrence(entry, fallbackZone)?.AtUnixMs ?? 0);

    /// <summary>
    /// What fires for <paramref name="due"/> (taken from the <see cref="DueIndex"/>) at <paramref name="nowUnixMs"/>: one
    /// <see cref="MissionSchedulerEvents.Fired"/> to persist first, and the messages to deliver once it is durable. Null
    /// when nothing is left to fire (a key whose timer was cancelled meanwhile).
    /// </summary>
    public static (MissionSchedulerEvents.Fired Event, IReadOnlyList<TimerFired> Deliveries)? DecideFire(MissionSchedulerState state,
        IEnumerable<DueKey> due, long nowUnixMs, TimeZoneInfo fallbackZone)
    {
        var timerIds = new List<string>();
        var occurrences = new List<ScheduleOccurrence>();
        var deliveries = new List<TimerFired>();
        foreach (var key in due)
        {
            if (!key.Schedule)
            {
                if (!state.Timers.TryGetValue(key.Id, out var timer)) continue;
                timerIds.Add(timer.Id);
                deliveries.Add(new TimerFired(timer.Id, timer.TargetKind, timer.TargetId, timer.Payload, timer.DueUnixMs, TimerFireKind.Once));
            }
            else if (state.Schedules.TryGetValue(key.Id, out var entry) && DueOccurrence(entry, fallbackZone, nowUnixMs) is { } occurrence)
            {
                occurrences.Add(new ScheduleOccurrence(entry.Id, occurrence.AtUnixMs));
                deliveries.Add(new TimerFired(entry.Id, entry.TargetKind, entry.TargetId, entry.Payload, occurrence.AtUnixMs, occurrence.Kind));
            }
        }
        return deliveries.Count == 0 ? null : (new MissionSchedulerEvents.Fired([.. timerIds], [.. occurrences]), deliveries);
    }

    /// <summary>For operators: the count, the earliest due time and up to <paramref name="limit"/> (at most 100) earliest timers, every schedule.</summary>
    public static MissionSchedulerReplies.Status StatusOf(MissionSchedulerState state, DueIndex index, int limit, int maxPending)
    {
        var earliest = index.InOrder.Where(k => !k.Schedule).Take(Math.Clamp(limit, 0, 100))
            .Select(k => state.Timers.GetValueOrDefault(k.Id)).OfType<PendingTimer>().ToArray();
        var next = index.TryPeek(out var first) ? first.DueUnixMs : 0;
        return new MissionSchedulerReplies.Status(state.Timers.Count, maxPending, next, earliest, [.. state.Schedules.Values]);
    }

    public static MissionSchedulerState Apply(MissionSchedulerState state, IMxoEvent @event) => @event switch
    {
        MissionSchedulerEvents.TimerScheduled e => state with { Timers = state.Timers.SetItem(e.Timer.Id, e.Timer) },
        MissionSchedulerEvents.TimerCancelled e => state with { Timers = state.Timers.Remove(e.Id) },
        MissionSchedulerEvents.ScheduleSet e => state with { Schedules = state.Schedules.SetItem(e.Entry.Id, e.Entry) },
        MissionSchedulerEvents.ScheduleRemoved e => state with { Schedules = state.Schedules.Remove(e.Id) },
        MissionSchedulerEvents.Fired e => state with
        {
            Timers = e.TimerIds.Length == 0 ? state.Timers : state.Timers.RemoveRange(e.TimerIds),
            Schedules = e.Occurrences.Aggregate(state.Schedules, (schedules, o) =>
                !schedules.TryGetValue(o.Id, out var entry) ? schedules
                : entry.IsWindow && o.AtUnixMs >= entry.WindowEndUnixMs ? schedules.Remove(o.Id)
                : schedules.SetItem(o.Id, entry with { LastFiredUnixMs = o.AtUnixMs })),
        },
        _ => throw new ArgumentException($"MissionScheduler cannot apply {@event.GetType().Name}", nameof(@event)),
    };
}

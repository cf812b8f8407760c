using System.Collections.Immutable;
using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Missions;

/// <summary>Why the mission scheduler refuses a command (the <see cref="MissionSchedulerReplies.Refused.Code"/>). Stable.</summary>
public static class SchedulerErrorCodes
{
    /// <summary>The scheduler holds its bound of pending timers (<c>Mxo:Missions:MaxPendingTimers</c>) or schedules.</summary>
    public const string SchedulerFull = "scheduler_full";

    /// <summary>An id, target or payload is empty or too long.</summary>
    public const string InvalidTimer = "invalid_timer";

    /// <summary>A cron expression or time zone that does not parse, or a live-event window that ends before it starts or is over (unless it closes an open one).</summary>
    public const string InvalidSchedule = "invalid_schedule";

    /// <summary>The journal refused the write: nothing changed, retry later.</summary>
    public const string Unavailable = "unavailable";
}

/// <summary>What a delivered <see cref="TimerFired"/> stands for. Values are a schema: never renumber.</summary>
public enum TimerFireKind
{
    /// <summary>A one-shot timer (<see cref="MissionSchedulerCommands.Schedule"/>).</summary>
    Once = 0,

    /// <summary>An occurrence of a cron schedule (a missed run of them fires once, for the latest).</summary>
    Recurring = 1,

    /// <summary>A live event's window opened.</summary>
    WindowOpened = 2,

    /// <summary>A live event's window closed (when the scheduler missed both ends, only this fires).</summary>
    WindowClosed = 3,
}

/// <summary>A pending one-shot timer: due at <see cref="DueUnixMs"/> (UTC), for the entity (<see cref="TargetKind"/>, <see cref="TargetId"/>).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record PendingTimer(
    [property: ProtoMember(1)] string Id,
    [property: ProtoMember(2)] long DueUnixMs,
    [property: ProtoMember(3)] string TargetKind,
    [property: ProtoMember(4)] string TargetId,
    [property: ProtoMember(5)] string Payload);

/// <summary>
/// A recurring schedule or a live event's window, re-armed from the journal like a timer. A cron schedule has a
/// <see cref="Cron"/> (five fields, evaluated in <see cref="TimeZone"/>: an IANA id, or empty for the scheduler's
/// configured zone); a window has an empty <see cref="Cron"/> and fires at <see cref="WindowStartUnixMs"/> (opened)
/// and <see cref="WindowEndUnixMs"/> (closed), then is gone. <see cref="LastFiredUnixMs"/> is the last occurrence
/// fired (0: none yet); occurrences are counted from after <see cref="CreatedUnixMs"/>.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ScheduleEntry(
    [property: ProtoMember(1)] string Id,
    [property: ProtoMember(2)] string Cron,
    [property: ProtoMember(3)] string TimeZone,
    [property: ProtoMember(4)] long WindowStartUnixMs,
    [property: ProtoMember(5)] long WindowEndUnixMs,
    [property: ProtoMember(6)] string TargetKind,
    [property: ProtoMember(7)] string TargetId,
    [property: ProtoMember(8)] string Payload,
    [property: ProtoMember(9)] long CreatedUnixMs,
    [property: ProtoMember(10)] long LastFiredUnixMs)
{
    public bool IsWindow => string.IsNullOrEmpty(Cron);

    /// <summary>Same definition (what a repeated command would set), whatever has fired since.</summary>
    public bool SameDefinition(ScheduleEntry other) =>
        (Id, Cron ?? "", TimeZone ?? "", WindowStartUnixMs, WindowEndUnixMs, TargetKind, TargetId, Payload)
        == (other.Id, other.Cron ?? "", other.TimeZone ?? "", other.WindowStartUnixMs, other.WindowEndUnixMs, other.TargetKind, other.TargetId, other.Payload);
}

/// <summary>One schedule occurrence recorded as fired: schedule <see cref="Id"/>'s occurrence at <see cref="AtUnixMs"/>.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ScheduleOccurrence(
    [property: ProtoMember(1)] string Id,
    [property: ProtoMember(2)] long AtUnixMs);

/// <summary>
/// Delivered to a timer's target (through the node's timer target router) after the fire is persisted. A nudge, not a
/// deadline: the receiver keeps the real deadline in its own state and checks it (docs/architecture.md, "Mission scheduler").
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record TimerFired(
    [property: ProtoMember(1)] string Id,
    [property: ProtoMember(2)] string TargetKind,
    [property: ProtoMember(3)] string TargetId,
    [property: ProtoMember(4)] string Payload,
    [property: ProtoMember(5)] long DueUnixMs,
    [property: ProtoMember(6)] TimerFireKind Kind) : IMxoMessage;

/// <summary>A <see cref="TimerFired"/> for a character, routed by the player shard region (target kind <c>player</c>).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record PlayerTimerFired(
    [property: ProtoMember(1)] PlayerId PlayerId,
    [property: ProtoMember(2)] TimerFired Timer) : IPlayerCommand;

/// <summary>Sent to the <c>MissionScheduler</c> singleton through its proxy (registry key <c>MissionSchedulerKey</c>).</summary>
public static class MissionSchedulerCommands
{
    /// <summary>
    /// A one-shot timer. Answered once persisted: <see cref="MissionSchedulerReplies.Accepted"/>; an id already pending is
    /// answered the same without a change (a retry); <see cref="MissionSchedulerReplies.Refused"/> with
    /// <see cref="SchedulerErrorCodes.SchedulerFull"/> beyond the bound. A due time in the past fires at once.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Schedule(
        [property: ProtoMember(1)] string Id,
        [property: ProtoMember(2)] long DueUnixMs,
        [property: ProtoMember(3)] string TargetKind,
        [property: ProtoMember(4)] string TargetId,
        [property: ProtoMember(5)] string Payload) : IMxoMessage;

    /// <summary>Cancels a pending timer; answered once persisted with <see cref="MissionSchedulerReplies.Cancelled"/> (also when none was pending).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Cancel([property: ProtoMember(1)] string Id) : IMxoMessage;

    /// <summary>
    /// Sets (or replaces) a cron schedule: five fields, in <paramref name="TimeZone"/> (IANA id; empty for
    /// <c>Mxo:Missions:TimeZone</c>). Answered once persisted with <see cref="MissionSchedulerReplies.ScheduleSet"/>; the same
    /// definition again changes nothing and is answered the same.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record SetRecurring(
        [property: ProtoMember(1)] string Id,
        [property: ProtoMember(2)] string Cron,
        [property: ProtoMember(3)] string TimeZone,
        [property: ProtoMember(4)] string TargetKind,
        [property: ProtoMember(5)] string TargetId,
        [property: ProtoMember(6)] string Payload) : IMxoMessage;

    /// <summary>
    /// Sets (or replaces) a live event's window: fires opened at the start, closed at the end. Answered like
    /// <see cref="SetRecurring"/>. A window that has opened, given the same start and a new end, is not opened again; an
    /// end at or before now closes it at once (otherwise an end in the past is refused).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record SetWindow(
        [property: ProtoMember(1)] string Id,
        [property: ProtoMember(2)] long StartUnixMs,
        [property: ProtoMember(3)] long EndUnixMs,
        [property: ProtoMember(4)] string TargetKind,
        [property: ProtoMember(5)] string TargetId,
        [property: ProtoMember(6)] string Payload) : IMxoMessage;

    /// <summary>Removes a schedule or window; answered once persisted with <see cref="MissionSchedulerReplies.Cancelled"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RemoveSchedule([property: ProtoMember(1)] string Id) : IMxoMessage;

    /// <summary>For operators: <see cref="MissionSchedulerReplies.Status"/> with up to <paramref name="Limit"/> (at most 100) earliest timers.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetStatus([property: ProtoMember(1)] int Limit) : IMxoMessage;
}

/// <summary>What the <c>MissionScheduler</c> answers.</summary>
public static class MissionSchedulerReplies
{
    /// <summary>The timer <paramref name="Id"/> is pending, due at <paramref name="DueUnixMs"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Accepted(
        [property: ProtoMember(1)] string Id,
        [property: ProtoMember(2)] long DueUnixMs) : IMxoMessage;

    /// <summary>Nothing changed; <paramref name="Code"/> is one of <see cref="SchedulerErrorCodes"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Refused(
        [property: ProtoMember(1)] string Id,
        [property: ProtoMember(2)] string Code,
        [property: ProtoMember(3)] string Message) : IMxoMessage;

    /// <summary>A timer or schedule is no longer pending; <paramref name="WasPending"/> false when there was none by that id.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Cancelled(
        [property: ProtoMember(1)] string Id,
        [property: ProtoMember(2)] bool WasPending) : IMxoMessage;

    /// <summary>The schedule is set; its next occurrence is at <paramref name="NextUnixMs"/> (0: none left).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ScheduleSet(
        [property: ProtoMember(1)] string Id,
        [property: ProtoMember(2)] long NextUnixMs) : IMxoMessage;

    /// <summary>Pending timers and their earliest due time (0: none), the earliest ones, and every schedule.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Status(
        [property: ProtoMember(1)] int PendingTimers,
        [property: ProtoMember(2)] int MaxPendingTimers,
        [property: ProtoMember(3)] long NextDueUnixMs,
        PendingTimer[] Earliest,
        ScheduleEntry[] Schedules) : IMxoMessage
    {
        [ProtoMember(4)]
        public PendingTimer[] Earliest { get => _earliest ?? []; init => _earliest = value; }
        private PendingTimer[]? _earliest = Earliest;

        [ProtoMember(5)]
        public ScheduleEntry[] Schedules { get => _schedules ?? []; init => _schedules = value; }
        private ScheduleEntry[]? _schedules = Schedules;
    }
}

/// <summary>Persisted by the <c>MissionScheduler</c> (journal <c>mission-scheduler</c>).</summary>
public static class MissionSchedulerEvents
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record TimerScheduled([property: ProtoMember(1)] PendingTimer Timer) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record TimerCancelled([property: ProtoMember(1)] string Id) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record ScheduleSet([property: ProtoMember(1)] ScheduleEntry Entry) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record ScheduleRemoved([property: ProtoMember(1)] string Id) : IMxoEvent;

    /// <summary>
    /// One batch of fires, persisted before any of them is delivered: the one-shot timers (gone once fired) and the
    /// schedule occurrences (each schedule's last fired occurrence; a window's closing removes it).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Fired(string[] TimerIds, ScheduleOccurrence[] Occurrences) : IMxoEvent
    {
        [ProtoMember(1)]
        public string[] TimerIds { get => _timerIds ?? []; init => _timerIds = value; }
        private string[]? _timerIds = TimerIds;

        [ProtoMember(2)]
        public ScheduleOccurrence[] Occurrences { get => _occurrences ?? []; init => _occurrences = value; }
        private ScheduleOccurrence[]? _occurrences = Occurrences;
    }
}

/// <summary>
/// The scheduler as its journal knows it: pending timers and schedules by id (ordinal). Immutable; changed only by
/// <c>MissionSchedulerRules.Apply</c>. Persisted as a snapshot (lists, in id order), so its field numbers are a schema.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record MissionSchedulerState : IMxoMessage
{
    private static readonly ImmutableSortedDictionary<string, PendingTimer> NoTimers =
        ImmutableSortedDictionary.Create<string, PendingTimer>(StringComparer.Ordinal);

    private static readonly ImmutableSortedDictionary<string, ScheduleEntry> NoSchedules =
        ImmutableSortedDictionary.Create<string, ScheduleEntry>(StringComparer.Ordinal);

    public static readonly MissionSchedulerState Empty = new(NoTimers, NoSchedules);

    private ImmutableSortedDictionary<string, PendingTimer>? _timers;
    private ImmutableSortedDictionary<string, ScheduleEntry>? _schedules;

    public MissionSchedulerState(ImmutableSortedDictionary<string, PendingTimer> timers, ImmutableSortedDictionary<string, ScheduleEntry> schedules)
    {
        _timers = timers.WithComparers(StringComparer.Ordinal);
        _schedules = schedules.WithComparers(StringComparer.Ordinal);
    }

    public MissionSchedulerState(IEnumerable<PendingTimer> timers, IEnumerable<ScheduleEntry> schedules)
        : this(timers.ToImmutableSortedDictionary(t => t.Id, t => t, StringComparer.Ordinal),
            schedules.ToImmutableSortedDictionary(s => s.Id, s => s, StringComparer.Ordinal))
    {
    }

    public ImmutableSortedDictionary<string, PendingTimer> Timers { get => _timers ?? NoTimers; init => _timers = value; }

    public ImmutableSortedDictionary<string, ScheduleEntry> Schedules { get => _schedules ?? NoSchedules; init => _schedules = value; }

    // The stored form: plain lists in id order (a sorted dictionary would come back with the culture's comparer).
    [ProtoMember(1, OverwriteList = true)]
    private PendingTimer[] TimerList
    {
        get => [.. Timers.Values];
        set => _timers = value.ToImmutableSortedDictionary(t => t.Id, t => t, StringComparer.Ordinal);
    }

    [ProtoMember(2, OverwriteList = true)]
    private ScheduleEntry[] ScheduleList
    {
        get => [.. Schedules.Values];
        set => _schedules = value.ToImmutableSortedDictionary(s => s.Id, s => s, StringComparer.Ordinal);
    }
}

using Mxo.Protocol.Missions;

namespace Mxo.Actors.Missions;

/// <summary>Tuning of the <see cref="MissionScheduler"/> singleton. Bind from the <c>Mxo:Missions</c> configuration section.</summary>
public sealed record MissionSchedulerSettings : ICheckedSettings
{
    /// <summary>Bound on pending one-shot timers; a schedule beyond it is refused with <see cref="SchedulerErrorCodes.SchedulerFull"/>.</summary>
    public int MaxPendingTimers { get; init; } = 200_000;

    /// <summary>Bound on recurring schedules and live-event windows together.</summary>
    public int MaxSchedules { get; init; } = 10_000;

    /// <summary>
    /// IANA time zone in which cron schedules without a zone of their own are evaluated (the daily reset "0 4 * * *" is
    /// 04:00 there, daylight saving included).
    /// </summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>
    /// When daily mission limits reset: a five-field cron expression in <see cref="TimeZone"/> (04:00 every day by
    /// default). Each world node sets it as the recurring schedule <c>daily-reset</c> when it starts
    /// (<see cref="MissionSchedulerRegistration.DailyReset"/>); its fire is announced to everyone online.
    /// </summary>
    public string DailyReset { get; init; } = "0 4 * * *";

    /// <summary>
    /// The scheduler snapshots its pending set every this many persisted events, so a start replays at most this many
    /// events after the snapshot, however many timers are pending.
    /// </summary>
    public int SnapshotEvery { get; init; } = 10_000;

    /// <summary>At most this many timers fire in one persisted batch; the rest of those due follow at once in the next.</summary>
    public int MaxFireBatch { get; init; } = 1_000;

    /// <summary>
    /// The one Akka timer is never armed for longer than this, so a jump of the system clock (or a test's manual time)
    /// is noticed within it.
    /// </summary>
    public TimeSpan RecheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Restart back-off of the scheduler after a journal failure stopped it.</summary>
    public TimeSpan MinRestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The configured <see cref="TimeZone"/>; UTC when unknown (<see cref="Problems"/> reports it).</summary>
    public TimeZoneInfo Zone => MissionSchedulerRules.TryZone(TimeZone, TimeZoneInfo.Utc, out var zone) ? zone : TimeZoneInfo.Utc;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxPendingTimers < 1) problems.Add("Mxo:Missions:MaxPendingTimers must be at least 1");
        if (MaxSchedules < 1) problems.Add("Mxo:Missions:MaxSchedules must be at least 1");
        if (!MissionSchedulerRules.TryZone(TimeZone, TimeZoneInfo.Utc, out _)) problems.Add($"Mxo:Missions:TimeZone '{TimeZone}' is not a known time zone");
        if (MissionSchedulerRules.ParseCron(DailyReset) is not { } reset)
            problems.Add($"Mxo:Missions:DailyReset '{DailyReset}' is not a five-field cron expression (minute hour day-of-month month day-of-week)");
        else if (reset.GetNextOccurrence(DateTime.UtcNow, Zone) is null)
            problems.Add($"Mxo:Missions:DailyReset '{DailyReset}' never occurs"); // the scheduler would refuse it
        if (SnapshotEvery < 1) problems.Add("Mxo:Missions:SnapshotEvery must be at least 1");
        if (MaxFireBatch < 1) problems.Add("Mxo:Missions:MaxFireBatch must be at least 1");
        if (RecheckInterval <= TimeSpan.Zero) problems.Add("Mxo:Missions:RecheckInterval must be positive");
        if (MinRestartBackoff <= TimeSpan.Zero || MaxRestartBackoff < MinRestartBackoff)
            problems.Add("Mxo:Missions:MinRestartBackoff must be positive and at most MaxRestartBackoff");
        return problems;
    }
}

using Cronos;
using Mxo.Protocol.Missions;

namespace Mxo.Actors.Missions;

/// <summary>
/// How characters play missions (issue 13). Bound from the <c>Mxo:Missions</c> configuration section, beside the
/// scheduler's own settings (<see cref="MissionSchedulerSettings"/>).
/// </summary>
public sealed record MissionPlaySettings : ICheckedSettings
{
    /// <summary>Active missions a character may have at once (finished ones awaiting payment are paid at once, so never count long).</summary>
    public int MaxActiveMissions { get; init; } = 3;

    /// <summary>How long a contact's offer can be accepted: the 5 minutes.</summary>
    public TimeSpan OfferLifetime { get; init; } = MissionRules.DefaultOfferLifetime;

    /// <summary>Quest items a character can hold.</summary>
    public int InventoryCap { get; init; } = MissionRules.DefaultInventoryCap;

    /// <summary>Missions a character may accept per mission day (from one daily reset to the next).</summary>
    public int DailyLimit { get; init; } = 20;

    public IReadOnlyList<string> Problems() => new ProblemList("Mxo:Missions")
        .Require(MaxActiveMissions is >= 1 and <= 20, "MaxActiveMissions must be 1 to 20")
        .Require(OfferLifetime > TimeSpan.Zero, "OfferLifetime must be positive")
        .Require(InventoryCap is >= 1 and <= 100, "InventoryCap must be 1 to 100")
        .Require(DailyLimit >= 1, "DailyLimit must be at least 1")
        .ToList();
}

/// <summary>What a character's entity needs to play missions: the content, where things stand, the settings and the mission day.</summary>
/// <param name="DailyReset">The daily reset (cron), evaluated in <paramref name="Zone"/>: a mission day starts at each occurrence.</param>
public sealed record PlayerMissions(MissionWorld World, MissionPlaySettings Settings, CronExpression DailyReset, TimeZoneInfo Zone)
{
    /// <summary>The live events' windows (kept current by a <see cref="LiveEventWatcher"/> on each world node).</summary>
    public LiveEventWindows Windows { get; init; } = new();

    /// <summary>The clock of offers, deadlines and the mission day (a test's manual clock, else real time).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often a world node re-reads the live events' windows from the scheduler.</summary>
    public TimeSpan WindowsInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Missions as the node plays them: the daily reset and its zone are the scheduler's (<c>Mxo:Missions:DailyReset</c>, <c>TimeZone</c>).</summary>
    public static PlayerMissions From(MissionWorld world, MissionPlaySettings settings, MissionSchedulerSettings scheduler) =>
        new(world, settings, MissionSchedulerRules.ParseCron(scheduler.DailyReset)
            ?? throw new InvalidOperationException($"Mxo:Missions:DailyReset '{scheduler.DailyReset}' does not parse"), scheduler.Zone);

    public long DayStartMs(DateTimeOffset now) => MissionDay.StartMs(DailyReset, Zone, now);
}

namespace Mxo.Actors.World;

/// <summary>Tuning of the <see cref="WorldClock"/> singleton. Bind from the <c>Mxo:WorldClock</c> configuration section.</summary>
public sealed record WorldClockSettings : ICheckedSettings
{
    /// <summary>How often the clock looks at real time to notice a phase change or a weather boundary.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The weather is rolled at every multiple of this many game hours (3 game hours = 15 real minutes).</summary>
    public int WeatherPeriodGameHours { get; init; } = 3;

    /// <summary>The game hour the world shows when the clock starts for the very first time (the seed starts at noon).</summary>
    public int InitialGameHour { get; init; } = 12;

    /// <summary>Seed of the weather's random source on the very first start; random when unset. Persisted, so later starts ignore it.</summary>
    public ulong? Seed { get; init; }

    /// <summary>The clock snapshots its state every this many persisted events.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>Bound on the subscriber set (districts); a subscribe beyond it is refused with a warning in the log.</summary>
    public int MaxSubscribers { get; init; } = 1000;

    /// <summary>How often a <see cref="WorldClockSubscriber"/> re-sends its subscribe (survives a singleton failover).</summary>
    public TimeSpan ResubscribeInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Restart back-off of the clock after a journal failure stopped it.</summary>
    public TimeSpan MinRestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>What is wrong with these settings (empty when they are usable).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (TickInterval <= TimeSpan.Zero) problems.Add("Mxo:WorldClock:TickInterval must be positive");
        if (WeatherPeriodGameHours < 1) problems.Add("Mxo:WorldClock:WeatherPeriodGameHours must be at least 1");
        if (InitialGameHour is < 0 or > 23) problems.Add("Mxo:WorldClock:InitialGameHour must be 0..23");
        if (SnapshotEvery < 1) problems.Add("Mxo:WorldClock:SnapshotEvery must be at least 1");
        if (MaxSubscribers < 1) problems.Add("Mxo:WorldClock:MaxSubscribers must be at least 1");
        if (ResubscribeInterval <= TimeSpan.Zero) problems.Add("Mxo:WorldClock:ResubscribeInterval must be positive");
        if (MinRestartBackoff <= TimeSpan.Zero || MaxRestartBackoff < MinRestartBackoff)
            problems.Add("Mxo:WorldClock:MinRestartBackoff must be positive and at most MaxRestartBackoff");
        return problems;
    }
}

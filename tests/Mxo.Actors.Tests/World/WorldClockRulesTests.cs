using Mxo.Actors.World;
using Mxo.Protocol.World;
using Xunit;

namespace Mxo.Actors.Tests.World;

public sealed class WorldClockRulesTests
{
    private const long Epoch = 1_795_000_000_000;

    private static WorldClockState Started(ulong seed = 42) =>
        WorldClockRules.Apply(WorldClockState.Empty, new WorldClockEvents.ClockStarted(Epoch, seed));

    [Fact]
    public void Game_time_runs_twelve_times_faster_than_real_time()
    {
        Assert.Equal(0, WorldClockRules.GameTimeAt(Epoch, Epoch).TotalSeconds);
        Assert.Equal(12, WorldClockRules.GameTimeAt(Epoch, Epoch + 1_000).TotalSeconds);
        // 1 game hour = 5 real minutes; 24 game hours = 2 real hours.
        Assert.Equal(GameTime.FromHours(1), WorldClockRules.GameTimeAt(Epoch, Epoch + (long)TimeSpan.FromMinutes(5).TotalMilliseconds));
        var day = WorldClockRules.GameTimeAt(Epoch, Epoch + (long)TimeSpan.FromHours(2).TotalMilliseconds);
        Assert.Equal((1L, 0, 0), (day.Day, day.Hour, day.Minute));
        // Whole game seconds, rounded down; never before the epoch.
        Assert.Equal(1, WorldClockRules.GameTimeAt(Epoch, Epoch + 100).TotalSeconds);
        Assert.Equal(0, WorldClockRules.GameTimeAt(Epoch, Epoch - 60_000).TotalSeconds);
    }

    [Fact]
    public void The_epoch_makes_the_first_start_read_the_initial_hour()
    {
        var now = Epoch + 123_456;
        var time = WorldClockRules.GameTimeAt(WorldClockRules.EpochFor(now, 12), now);
        Assert.Equal((0L, 12, 0, 0), (time.Day, time.Hour, time.Minute, time.Second));
        Assert.Equal(12.0, time.TimeOfDay);
    }

    [Theory]
    [InlineData(0, 0, DayPhase.Night)]
    [InlineData(5, 59, DayPhase.Night)]
    [InlineData(6, 0, DayPhase.Sunrise)]
    [InlineData(7, 59, DayPhase.Sunrise)]
    [InlineData(8, 0, DayPhase.Daylight)]
    [InlineData(12, 0, DayPhase.Daylight)]
    [InlineData(17, 59, DayPhase.Daylight)]
    [InlineData(18, 0, DayPhase.Sunset)]
    [InlineData(19, 59, DayPhase.Sunset)]
    [InlineData(20, 0, DayPhase.Night)]
    [InlineData(23, 59, DayPhase.Night)]
    public void Phases_follow_the_seed_lighting(int hour, int minute, DayPhase expected)
    {
        Assert.Equal(expected, WorldClockRules.PhaseAt(GameTime.FromMinutes(hour * 60 + minute)));
        // Same on any later day.
        Assert.Equal(expected, WorldClockRules.PhaseAt(GameTime.FromMinutes(3 * 24 * 60 + hour * 60 + minute)));
    }

    [Fact]
    public void The_random_source_replays_the_same_for_a_seed()
    {
        static List<Weather> Rolls(ulong seed)
        {
            var list = new List<Weather>();
            var state = seed;
            for (var i = 0; i < 200; i++)
            {
                (var weather, state) = WorldClockRules.RollWeather(state);
                list.Add(weather);
            }
            return list;
        }

        Assert.Equal(Rolls(42), Rolls(42));
        Assert.NotEqual(Rolls(42), Rolls(43));
        // Every weather occurs, clear (the most likely) most often.
        var counts = Rolls(7).Concat(Rolls(8)).GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enum.GetValues<Weather>().Length, counts.Count);
        Assert.Equal(Weather.Clear, counts.MaxBy(kv => kv.Value).Key);
    }

    [Fact]
    public void The_first_start_fixes_epoch_and_seed_once()
    {
        var started = WorldClockRules.DecideStart(WorldClockState.Empty, Epoch + 3_600_000, 12, 99);
        Assert.NotNull(started);
        Assert.Equal((Epoch, 99UL), (started.EpochUnixMs, started.Seed));
        var state = WorldClockRules.Apply(WorldClockState.Empty, started);
        Assert.Equal((true, 99UL), (state.Started, state.RngState));
        Assert.Null(WorldClockRules.DecideStart(state, Epoch + 9_999_999, 0, 1));
    }

    [Fact]
    public void Weather_is_rolled_once_per_period_boundary_from_the_persisted_random_state()
    {
        var state = Started();
        Assert.Null(WorldClockRules.DecideWeather(WorldClockState.Empty, GameTime.FromHours(5), 3));

        var first = WorldClockRules.DecideWeather(state, GameTime.FromMinutes(12 * 60 + 30), 3);
        Assert.NotNull(first);
        Assert.Equal(12 * 60, first.AtGameMinute);
        Assert.Equal(WorldClockRules.RollWeather(42), (first.Weather, first.NextRngState));
        state = WorldClockRules.Apply(state, first);
        Assert.Equal((first.Weather, true, 12 * 60L), (state.Weather, state.WeatherRolled, state.WeatherSinceGameMinute));

        // Within the period: nothing. At the next boundary: one roll from the new random state.
        Assert.Null(WorldClockRules.DecideWeather(state, GameTime.FromMinutes(14 * 60 + 59), 3));
        var second = WorldClockRules.DecideWeather(state, GameTime.FromHours(15), 3);
        Assert.NotNull(second);
        Assert.Equal(15 * 60, second.AtGameMinute);
        Assert.Equal(WorldClockRules.RollWeather(first.NextRngState), (second.Weather, second.NextRngState));
    }

    [Fact]
    public void After_a_long_outage_there_is_one_roll_for_the_latest_boundary()
    {
        var state = WorldClockRules.Apply(Started(), new WorldClockEvents.WeatherChanged(12 * 60, Weather.Rain, 7));
        var roll = WorldClockRules.DecideWeather(state, GameTime.FromMinutes(5 * 24 * 60 + 10 * 60 + 17), 3);
        Assert.NotNull(roll);
        Assert.Equal(5 * 24 * 60 + 9 * 60, roll.AtGameMinute);
        state = WorldClockRules.Apply(state, roll);
        Assert.Null(WorldClockRules.DecideWeather(state, GameTime.FromMinutes(5 * 24 * 60 + 10 * 60 + 17), 3));
    }

    [Fact]
    public void Game_time_never_goes_below_the_floor_or_the_last_roll()
    {
        var state = WorldClockRules.Apply(Started(), new WorldClockEvents.WeatherChanged(15 * 60, Weather.Fog, 7));
        Assert.Equal(GameTime.FromHours(15), WorldClockRules.Floor(state));
        Assert.Equal(GameTime.FromHours(0), WorldClockRules.Floor(Started()));

        // A node whose clock reads 1 real minute after the epoch (game 00:12) still shows at least the last roll.
        Assert.Equal(GameTime.FromHours(15), WorldClockRules.TimeAt(state, Epoch + 60_000, default));
        // And at least what was shown before.
        Assert.Equal(GameTime.FromHours(16), WorldClockRules.TimeAt(state, Epoch + 60_000, GameTime.FromHours(16)));
        // Once real time is past both, it runs normally again.
        var later = Epoch + (long)TimeSpan.FromMinutes(5 * 17).TotalMilliseconds;
        Assert.Equal(GameTime.FromHours(17), WorldClockRules.TimeAt(state, later, GameTime.FromHours(16)));

        var times = Enumerable.Range(0, 50).Select(i => Epoch + (i % 7) * 10_000L + i * 1_000L).ToArray();
        var floor = default(GameTime);
        foreach (var t in times)
        {
            var next = WorldClockRules.TimeAt(state, t, floor);
            Assert.True(next.TotalSeconds >= floor.TotalSeconds);
            floor = next;
        }
    }

    [Fact]
    public void The_environment_carries_time_phase_and_weather()
    {
        var state = WorldClockRules.Apply(Started(), new WorldClockEvents.WeatherChanged(18 * 60, Weather.Storm, 7));
        var env = WorldClockRules.EnvironmentAt(state, GameTime.FromMinutes(18 * 60 + 30), 123);
        Assert.Equal(new WorldEnvironment(GameTime.FromMinutes(18 * 60 + 30), DayPhase.Sunset, Weather.Storm, 123), env);
    }

    [Fact]
    public void Settings_problems_are_reported()
    {
        Assert.Empty(new WorldClockSettings().Problems());
        var bad = new WorldClockSettings { TickInterval = TimeSpan.Zero, WeatherPeriodGameHours = 0, InitialGameHour = 24, SnapshotEvery = 0 };
        Assert.Equal(4, bad.Problems().Count);
    }
}

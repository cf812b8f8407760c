using Mxo.Protocol;
using Mxo.Protocol.World;

namespace Mxo.Actors.World;

/// <summary>
/// The world clock's rules as pure functions (docs/architecture.md, decision 4). Game time is not stored: it is derived from the
/// persisted epoch (the real UTC instant of game time 0) and real time, at 12 game seconds per real second
/// (1 game hour = 5 real minutes, 1 game day = 2 real hours). The weather is rolled at fixed game-time boundaries
/// from a seeded random source whose state is persisted with each roll, so the journal replays identically.
/// </summary>
public static class WorldClockRules
{
    /// <summary>Game seconds per real second: 1 game hour (3600 s) per 5 real minutes (300 s).</summary>
    public const int GameSecondsPerRealSecond = 12;

    public static readonly TimeSpan RealTimePerGameHour = TimeSpan.FromMinutes(5);

    /// <summary>Relative odds of each weather at a roll (they sum to 100).</summary>
    public static readonly IReadOnlyList<(Weather Weather, int Weight)> WeatherOdds =
    [
        (Weather.Clear, 40),
        (Weather.Overcast, 25),
        (Weather.Rain, 15),
        (Weather.Fog, 10),
        (Weather.Storm, 10),
    ];

    private static readonly int TotalOdds = WeatherOdds.Sum(o => o.Weight);

    /// <summary>The epoch that makes "now" read <paramref name="initialGameHour"/>:00 on day 0.</summary>
    public static long EpochFor(long nowUnixMs, int initialGameHour) =>
        nowUnixMs - initialGameHour * (long)RealTimePerGameHour.TotalMilliseconds;

    /// <summary>Game time at a real instant: real milliseconds since the epoch × 12, in whole game seconds; never negative.</summary>
    public static GameTime GameTimeAt(long epochUnixMs, long nowUnixMs)
    {
        var elapsedMs = nowUnixMs - epochUnixMs;
        return elapsedMs <= 0 ? new GameTime(0) : new GameTime(elapsedMs * GameSecondsPerRealSecond / 1000);
    }

    /// <summary>The seed's lighting: sunrise [06, 08), daylight [08, 18), sunset [18, 20), night [20, 06).</summary>
    public static DayPhase PhaseAt(GameTime time) => time.Hour switch
    {
        >= 6 and < 8 => DayPhase.Sunrise,
        >= 8 and < 18 => DayPhase.Daylight,
        >= 18 and < 20 => DayPhase.Sunset,
        _ => DayPhase.Night,
    };

    /// <summary>Monotonic guard: a time below <paramref name="floor"/> (a node whose clock is behind) reads as the floor.</summary>
    public static GameTime NotBefore(GameTime computed, GameTime floor) =>
        computed.TotalSeconds >= floor.TotalSeconds ? computed : floor;

    /// <summary>
    /// The lowest game time the journal proves was reached: the start of the last weather roll. A recovered clock never
    /// shows less, even if its node's real-time clock is behind the previous node's.
    /// </summary>
    public static GameTime Floor(WorldClockState state) =>
        state.WeatherRolled ? GameTime.FromMinutes(state.WeatherSinceGameMinute) : new GameTime(0);

    /// <summary>Game time for <paramref name="state"/> at a real instant, guarded by <paramref name="floor"/>.</summary>
    public static GameTime TimeAt(WorldClockState state, long nowUnixMs, GameTime floor) =>
        NotBefore(GameTimeAt(state.EpochUnixMs, nowUnixMs), NotBefore(Floor(state), floor));

    public static WorldEnvironment EnvironmentAt(WorldClockState state, GameTime time, long atUnixMs) =>
        new(time, PhaseAt(time), state.Weather, atUnixMs);

    /// <summary>The very first start fixes the epoch and the random seed; afterwards nothing.</summary>
    public static WorldClockEvents.ClockStarted? DecideStart(WorldClockState state, long nowUnixMs, int initialGameHour, ulong seed) =>
        state.Started ? null : new WorldClockEvents.ClockStarted(EpochFor(nowUnixMs, initialGameHour), seed);

    /// <summary>
    /// A roll is due when <paramref name="now"/> has reached a period boundary later than the last roll's. However many
    /// boundaries passed (the world was down for hours), there is one roll, for the latest boundary.
    /// </summary>
    public static WorldClockEvents.WeatherChanged? DecideWeather(WorldClockState state, GameTime now, int periodGameHours)
    {
        if (!state.Started) return null;
        var periodMinutes = periodGameHours * 60L;
        var boundary = now.TotalMinutes / periodMinutes * periodMinutes;
        if (state.WeatherRolled && boundary <= state.WeatherSinceGameMinute) return null;
        var (weather, next) = RollWeather(state.RngState);
        return new WorldClockEvents.WeatherChanged(boundary, weather, next);
    }

    public static WorldClockState Apply(WorldClockState state, IMxoEvent @event) => @event switch
    {
        WorldClockEvents.ClockStarted e => state with
        {
            Started = true, EpochUnixMs = e.EpochUnixMs, Seed = e.Seed, RngState = e.Seed,
        },
        WorldClockEvents.WeatherChanged e => state with
        {
            Weather = e.Weather, RngState = e.NextRngState, WeatherRolled = true, WeatherSinceGameMinute = e.AtGameMinute,
        },
        _ => throw new ArgumentException($"WorldClock cannot apply {@event.GetType().Name}", nameof(@event)),
    };

    /// <summary>One weather roll from the random source's state: the weather and the source's next state.</summary>
    public static (Weather Weather, ulong NextState) RollWeather(ulong rngState)
    {
        var (value, next) = NextRandom(rngState);
        var pick = (int)(value % (ulong)TotalOdds);
        foreach (var (weather, weight) in WeatherOdds)
        {
            if (pick < weight) return (weather, next);
            pick -= weight;
        }
        return (WeatherOdds[^1].Weather, next);
    }

    /// <summary>SplitMix64: a tiny, well-mixed generator whose whole state is one <see cref="ulong"/>.</summary>
    public static (ulong Value, ulong NextState) NextRandom(ulong state)
    {
        unchecked
        {
            var next = state + 0x9E3779B97F4A7C15UL;
            var z = next;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (z ^ (z >> 31), next);
        }
    }
}

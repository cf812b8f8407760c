using Akka.Actor;
using ProtoBuf;

namespace Mxo.Protocol.World;

/// <summary>The seed's lighting phases (calculateLighting): sunrise 06–08, daylight 08–18, sunset 18–20, night 20–06.</summary>
public enum DayPhase
{
    Night = 0,
    Sunrise = 1,
    Daylight = 2,
    Sunset = 3,
}

/// <summary>What the sky over every district is doing. Values are a schema: never renumber.</summary>
public enum Weather
{
    Clear = 0,
    Overcast = 1,
    Rain = 2,
    Fog = 3,
    Storm = 4,
}

/// <summary>
/// Game time as whole game seconds since the clock's epoch (day 0, 00:00:00). One game hour is five real minutes,
/// so one real second is twelve game seconds.
/// </summary>
[ProtoContract]
public readonly record struct GameTime([property: ProtoMember(1)] long TotalSeconds)
{
    public const long SecondsPerMinute = 60;
    public const long SecondsPerHour = 3600;
    public const long SecondsPerDay = 86_400;

    public long Day => TotalSeconds / SecondsPerDay;
    public int Hour => (int)(TotalSeconds % SecondsPerDay / SecondsPerHour);
    public int Minute => (int)(TotalSeconds % SecondsPerHour / SecondsPerMinute);
    public int Second => (int)(TotalSeconds % SecondsPerMinute);

    /// <summary>Hours since midnight as a fraction, 0 ≤ value &lt; 24 (the seed's <c>TimeOfDay</c>).</summary>
    public double TimeOfDay => TotalSeconds % SecondsPerDay / (double)SecondsPerHour;

    public long TotalMinutes => TotalSeconds / SecondsPerMinute;

    public static GameTime FromMinutes(long minutes) => new(minutes * SecondsPerMinute);

    public static GameTime FromHours(long hours) => new(hours * SecondsPerHour);

    public override string ToString() => $"day {Day} {Hour:00}:{Minute:00}:{Second:00}";
}

/// <summary>
/// A snapshot of the world's environment as the clock saw it at <see cref="AtUnixMs"/> (real UTC). A receiver can
/// extrapolate the game time by itself: 12 game seconds per real second since <see cref="AtUnixMs"/>.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record WorldEnvironment(
    [property: ProtoMember(1)] GameTime Time,
    [property: ProtoMember(2)] DayPhase Phase,
    [property: ProtoMember(3)] Weather Weather,
    [property: ProtoMember(4)] long AtUnixMs) : IMxoMessage;

/// <summary>Sent to the <c>WorldClock</c> singleton through its proxy (registry key <c>WorldClockKey</c>).</summary>
public static class WorldClockCommands
{
    /// <summary>
    /// Register <paramref name="Subscriber"/> for <see cref="WorldClockEvents.EnvironmentChanged"/>. Idempotent: a
    /// repeated subscribe changes nothing but is answered, like the first one, with the current environment (that
    /// answer is the acknowledgement). The subscription lives in the singleton's memory only: a subscriber re-sends
    /// this periodically so it is known again to a singleton that moved to another node.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Subscribe([property: ProtoMember(1)] IActorRef Subscriber) : IMxoMessage;

    /// <summary>Stop sending to <paramref name="Subscriber"/>. No reply. A terminated subscriber is removed anyway.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Unsubscribe([property: ProtoMember(1)] IActorRef Subscriber) : IMxoMessage;

    /// <summary>Reply: the current <see cref="WorldEnvironment"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetEnvironment : IMxoMessage
    {
        public static readonly GetEnvironment Instance = new();
    }
}

/// <summary>
/// <see cref="ClockStarted"/> and <see cref="WeatherChanged"/> are persisted by the <c>WorldClock</c> (journal
/// <c>world-clock</c>); <see cref="EnvironmentChanged"/> is only published to subscribers.
/// </summary>
public static class WorldClockEvents
{
    /// <summary>The clock's first start: game time 0 was at <paramref name="EpochUnixMs"/> (real UTC); the weather's random source starts at <paramref name="Seed"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ClockStarted(
        [property: ProtoMember(1)] long EpochUnixMs,
        [property: ProtoMember(2)] ulong Seed) : IMxoEvent;

    /// <summary>
    /// The weather roll for the period starting at game minute <paramref name="AtGameMinute"/>. Every roll is recorded,
    /// also one that keeps the weather, so the random source (<paramref name="NextRngState"/>) replays identically.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record WeatherChanged(
        [property: ProtoMember(1)] long AtGameMinute,
        [property: ProtoMember(2)] Weather Weather,
        [property: ProtoMember(3)] ulong NextRngState) : IMxoEvent;

    /// <summary>Published (not persisted) to subscribers when the phase or the weather changes, and in answer to a subscribe.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record EnvironmentChanged([property: ProtoMember(1)] WorldEnvironment Environment) : IMxoMessage;
}

/// <summary>
/// The clock as its journal knows it. Immutable; changed only by <c>WorldClockRules.Apply</c>. Persisted as a
/// snapshot, so its field numbers are a schema (golden bytes in the tests).
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record WorldClockState(
    [property: ProtoMember(1)] bool Started,
    [property: ProtoMember(2)] long EpochUnixMs,
    [property: ProtoMember(3)] ulong Seed,
    [property: ProtoMember(4)] ulong RngState,
    [property: ProtoMember(5)] Weather Weather,
    [property: ProtoMember(6)] bool WeatherRolled,
    [property: ProtoMember(7)] long WeatherSinceGameMinute) : IMxoMessage
{
    public static readonly WorldClockState Empty = new(false, 0, 0, 0, Weather.Clear, false, 0);
}

using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Mxo.Actors.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.World;

namespace Mxo.Actors.World;

/// <summary>
/// The world's clock and weather: a cluster singleton (role "world"), persistent (id <see cref="PersistenceIdValue"/>).
/// Thin shell around <see cref="WorldClockRules"/>.
/// <list type="bullet">
/// <item>Game time is derived from the persisted epoch and real time, so a clock that moved to another node resumes
/// where the old one was, without replaying anything. It assumes the nodes' real-time clocks roughly agree (NTP);
/// as a guard, the clock never shows a game time below the last one it showed, nor below the start of the last
/// persisted weather roll (after a failover to a node whose clock is behind, game time stands still until real
/// time catches up, instead of going back).</item>
/// <item>A weather roll is persisted before anyone hears of it, and the roll is due only for a period boundary
/// later than the last persisted one, so a failover can neither undo nor repeat a weather change. The journal's
/// unique (persistence id, sequence number) key rejects a second writer should two instances ever overlap.</item>
/// <item>Phase changes are derived from game time and are not persisted.</item>
/// <item>Subscribers are held in memory and watched. After a failover the new instance knows none: subscribers
/// re-send <see cref="WorldClockCommands.Subscribe"/> periodically (<see cref="WorldClockSubscriber"/> does it for
/// them); a repeated subscribe is idempotent and answered with the current environment.</item>
/// </list>
/// </summary>
public sealed class WorldClock : MxoEntity<WorldClockState>, IWithTimers
{
    public const string PersistenceIdValue = "world-clock";

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
        private Tick() { }
    }

    private readonly WorldClockSettings _settings;
    private readonly TimeProvider _time;
    private readonly HashSet<IActorRef> _subscribers = [];
    private GameTime _floor;
    private (DayPhase Phase, Weather Weather)? _published;

    public WorldClock(WorldClockSettings settings, TimeProvider time)
        : base(PersistenceIdValue, WorldClockState.Empty, settings.SnapshotEvery)
    {
        _settings = settings;
        _time = time;

        Command<Tick>(_ => Advance(null));
        Command<WorldClockCommands.GetEnvironment>(_ =>
        {
            var replyTo = Sender;
            Advance(env => replyTo.Tell(env));
        });
        Command<WorldClockCommands.Subscribe>(HandleSubscribe);
        Command<WorldClockCommands.Unsubscribe>(cmd =>
        {
            if (_subscribers.Remove(cmd.Subscriber)) Context.Unwatch(cmd.Subscriber);
        });
        Command<Terminated>(t => _subscribers.Remove(t.ActorRef));
        // The singleton's termination message on hand-over: pending persists finish first (they stash it).
        CommandStop();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The clock itself (tests, or a host that supervises it).</summary>
    public static Props PropsFor(WorldClockSettings settings, TimeProvider? time = null) =>
        Props.Create(() => new WorldClock(settings, time ?? TimeProvider.System));

    /// <summary>
    /// What the singleton manager runs: the clock under a back-off supervisor, so a journal outage stops it only for a
    /// while. <see cref="Stop"/> (the hand-over termination message) stops both.
    /// </summary>
    public static Props SupervisedPropsFor(WorldClockSettings settings, TimeProvider? time = null) =>
        WorldSingleton.Supervised(PropsFor(settings, time), "clock", settings.MinRestartBackoff, settings.MaxRestartBackoff);

    private long NowUnixMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    protected override WorldClockState Apply(WorldClockState state, IMxoEvent @event) => WorldClockRules.Apply(state, @event);

    protected override void OnRecovered()
    {
        Timers.StartPeriodicTimer("tick", Tick.Instance, _settings.TickInterval);
        var seed = _settings.Seed ?? (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        if (WorldClockRules.DecideStart(State, NowUnixMs, _settings.InitialGameHour, seed) is { } started)
        {
            PersistThen(started, e =>
            {
                Log.Info("World clock started: epoch {0:o}", DateTimeOffset.FromUnixTimeMilliseconds(e.EpochUnixMs));
                Advance(null);
            });
            return;
        }
        Log.Info("World clock resumed at {0} (weather {1})", WorldClockRules.TimeAt(State, NowUnixMs, _floor), State.Weather);
        Advance(null);
    }

    private void HandleSubscribe(WorldClockCommands.Subscribe cmd)
    {
        var subscriber = cmd.Subscriber;
        if (!_subscribers.Contains(subscriber) && _subscribers.Count >= _settings.MaxSubscribers)
        {
            Log.Warning("World clock refused subscriber {0}: {1} subscribers already", subscriber, _subscribers.Count);
            return;
        }
        // Added only after a pending weather roll is published, so a new subscriber hears the environment once.
        Advance(env =>
        {
            if (_subscribers.Add(subscriber)) Context.Watch(subscriber);
            subscriber.Tell(new WorldClockEvents.EnvironmentChanged(env));
        });
    }

    /// <summary>Brings the clock to "now": persists a due weather roll first, then publishes any change, then <paramref name="then"/>.</summary>
    private void Advance(Action<WorldEnvironment>? then)
    {
        var now = NowUnixMs;
        var time = WorldClockRules.TimeAt(State, now, _floor);
        if (WorldClockRules.DecideWeather(State, time, _settings.WeatherPeriodGameHours) is { } roll)
        {
            PersistThen(roll, _ => Complete(now, then));
            return;
        }
        Complete(now, then);
    }

    private void Complete(long now, Action<WorldEnvironment>? then)
    {
        var time = WorldClockRules.TimeAt(State, now, _floor);
        _floor = time;
        var env = WorldClockRules.EnvironmentAt(State, time, now);
        var current = (env.Phase, env.Weather);
        if (_published is { } previous && previous != current)
        {
            var changed = new WorldClockEvents.EnvironmentChanged(env);
            foreach (var subscriber in _subscribers) subscriber.Tell(changed);
        }
        _published = current;
        then?.Invoke(env);
    }
}

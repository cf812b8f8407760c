using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.World;
using Mxo.Protocol;
using Mxo.Protocol.World;
using Mxo.TestSupport;
using Xunit;
using static Mxo.Actors.Tests.World.WorldClockTestConfig;

namespace Mxo.Actors.Tests.World;

public sealed class WorldClockTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly ManualTime _time = new(Start);

    public WorldClockTests() : base(Hocon)
    {
    }

    private IActorRef StartClock(WorldClockSettings? settings = null) =>
        Sys.ActorOf(WorldClock.PropsFor(settings ?? ClockSettings, _time));

    private void StopGracefully(IActorRef clock)
    {
        Watch(clock);
        clock.Tell(EntityStop.Instance);
        ExpectTerminated(clock);
        Unwatch(clock);
    }

    private WorldEnvironment Ask(IActorRef clock)
    {
        var probe = CreateTestProbe();
        clock.Tell(WorldClockCommands.GetEnvironment.Instance, probe.Ref);
        return probe.ExpectMsg<WorldEnvironment>();
    }

    private IReadOnlyList<IMxoEvent> Journal()
    {
        var probe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new WorldClockJournalReader(probe.Ref)));
        return probe.ExpectMsg<WorldClockJournalReader.Contents>().Events;
    }

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    /// <summary>A seed whose second roll differs from its first, so a boundary visibly changes the weather.</summary>
    private static ulong SeedWhereTheSecondRollChanges()
    {
        for (ulong seed = 1; ; seed++)
        {
            var (first, next) = WorldClockRules.RollWeather(seed);
            if (WorldClockRules.RollWeather(next).Weather != first) return seed;
        }
    }

    [Fact]
    public void First_start_persists_the_epoch_and_a_weather_roll_and_a_subscriber_hears_the_current_environment_at_once()
    {
        var clock = StartClock();
        var subscriber = CreateTestProbe();
        clock.Tell(new WorldClockCommands.Subscribe(subscriber.Ref));
        var env = subscriber.ExpectMsg<WorldClockEvents.EnvironmentChanged>().Environment;

        var (weather, next) = WorldClockRules.RollWeather(42);
        Assert.Equal(new WorldEnvironment(GameTime.FromHours(12), DayPhase.Daylight, weather, Ms(Start)), env);
        Assert.Equal<IMxoEvent>(
            [
                new WorldClockEvents.ClockStarted(Ms(Start) - (long)TimeSpan.FromHours(1).TotalMilliseconds, 42),
                new WorldClockEvents.WeatherChanged(12 * 60, weather, next),
            ],
            Journal());
    }

    [Fact]
    public void Game_time_runs_at_twelve_times_real_time()
    {
        var clock = StartClock();
        Assert.Equal(GameTime.FromHours(12), Ask(clock).Time);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(GameTime.FromHours(13), Ask(clock).Time);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(GameTime.FromHours(13).TotalSeconds + 12, Ask(clock).Time.TotalSeconds);
        _time.Advance(TimeSpan.FromHours(2));
        var time = Ask(clock).Time;
        Assert.Equal((1L, 13, 0, 12), (time.Day, time.Hour, time.Minute, time.Second));
    }

    [Fact]
    public void Subscribers_hear_phase_changes_once_and_only_when_the_phase_changes()
    {
        // One weather roll a game day (at midnight), so between 12:00 and 23:59 only the phase changes.
        var clock = StartClock(ClockSettings with { WeatherPeriodGameHours = 24 });
        var subscriber = CreateTestProbe();
        clock.Tell(new WorldClockCommands.Subscribe(subscriber.Ref));
        // A repeated subscribe (a periodic re-subscribe) is answered again but does not subscribe twice.
        clock.Tell(new WorldClockCommands.Subscribe(subscriber.Ref));
        var first = subscriber.ExpectMsg<WorldClockEvents.EnvironmentChanged>().Environment;
        Assert.Equal(first with { AtUnixMs = 0 }, subscriber.ExpectMsg<WorldClockEvents.EnvironmentChanged>().Environment with { AtUnixMs = 0 });

        _time.Set(RealTimeFor(new TimeSpan(17, 59, 0)));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        _time.Set(RealTimeFor(new TimeSpan(18, 0, 0)));
        var sunset = subscriber.ExpectMsg<WorldClockEvents.EnvironmentChanged>().Environment;
        Assert.Equal((DayPhase.Sunset, 18, first.Weather), (sunset.Phase, sunset.Time.Hour, sunset.Weather));
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        _time.Set(RealTimeFor(new TimeSpan(20, 0, 30)));
        var night = subscriber.ExpectMsg<WorldClockEvents.EnvironmentChanged>().Environment;
        Assert.Equal((DayPhase.Night, 20), (night.Phase, night.Time.Hour));

        // Phases are derived: nothing but the first start and its roll is in the journal.
        Assert.Equal(2, Journal().Count);

        clock.Tell(new WorldClockCommands.Unsubscribe(subscriber.Ref));
        _time.Set(RealTimeFor(new TimeSpan(1, 6, 0, 0)));
        Assert.Equal(DayPhase.Sunrise, Ask(clock).Phase);
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_weather_change_is_persisted_before_anyone_hears_of_it()
    {
        var seed = SeedWhereTheSecondRollChanges();
        var clock = StartClock(ClockSettings with { Seed = seed });
        var subscriber = CreateTestProbe();
        clock.Tell(new WorldClockCommands.Subscribe(subscriber.Ref));
        var before = subscriber.ExpectMsg<WorldClockEvents.EnvironmentChanged>().Environment;

        var gate = JournalGate.For(Sys);
        gate.Close();
        _time.Set(RealTimeFor(new TimeSpan(15, 0, 5)));
        var asker = CreateTestProbe();
        clock.Tell(WorldClockCommands.GetEnvironment.Instance, asker.Ref);
        // The roll is waiting for the journal: neither the subscriber nor the asker hears anything yet.
        subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        asker.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        gate.Open();
        var after = subscriber.ExpectMsg<WorldClockEvents.EnvironmentChanged>().Environment;
        Assert.NotEqual(before.Weather, after.Weather);
        Assert.Equal(after.Weather, asker.ExpectMsg<WorldEnvironment>().Weather);
        var roll = Assert.IsType<WorldClockEvents.WeatherChanged>(Journal()[^1]);
        Assert.Equal((15 * 60L, after.Weather), (roll.AtGameMinute, roll.Weather));
    }

    [Fact]
    public void A_restarted_clock_resumes_the_same_epoch_and_weather_without_repeating_a_roll()
    {
        var settings = ClockSettings with { SnapshotEvery = 2 };
        var clock = StartClock(settings);
        Assert.Equal(GameTime.FromHours(12), Ask(clock).Time);
        _time.Set(RealTimeFor(new TimeSpan(15, 30, 0)));
        var before = Ask(clock);
        var journal = Journal();
        Assert.Equal(3, journal.Count);
        StopGracefully(clock);

        // Another seed and start hour in the settings change nothing: the journal (and snapshot) decide.
        var restarted = StartClock(settings with { Seed = 7, InitialGameHour = 3 });
        var after = Ask(restarted);
        Assert.Equal(before with { AtUnixMs = 0 }, after with { AtUnixMs = 0 });
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(GameTime.FromMinutes(16 * 60 + 30), Ask(restarted).Time);
        Assert.Equal(journal, Journal());
        Assert.Single(Journal().OfType<WorldClockEvents.ClockStarted>());

        // The next boundary rolls once, from the persisted random state.
        _time.Set(RealTimeFor(new TimeSpan(18, 0, 0)));
        Assert.Equal(18, Ask(restarted).Time.Hour);
        var rolls = Journal().OfType<WorldClockEvents.WeatherChanged>().ToArray();
        Assert.Equal([12 * 60L, 15 * 60L, 18 * 60L], rolls.Select(r => r.AtGameMinute));
        Assert.Equal(WorldClockRules.RollWeather(rolls[1].NextRngState), (rolls[2].Weather, rolls[2].NextRngState));
    }

    [Fact]
    public void Game_time_never_goes_back_even_when_real_time_does()
    {
        var clock = StartClock();
        Assert.Equal(GameTime.FromHours(12), Ask(clock).Time);
        _time.Set(RealTimeFor(new TimeSpan(17, 0, 0)));
        Assert.Equal(GameTime.FromHours(17), Ask(clock).Time);
        // This node's clock jumps back half a real hour (6 game hours): the game time stands still.
        _time.Advance(TimeSpan.FromMinutes(-30));
        Assert.Equal(GameTime.FromHours(17), Ask(clock).Time);
        StopGracefully(clock);

        // A node whose clock is far behind takes over: it shows at least the start of the last persisted roll.
        _time.Set(Start - TimeSpan.FromHours(1));
        var restarted = StartClock();
        Assert.Equal(GameTime.FromHours(15), Ask(restarted).Time);
        Assert.Equal(3, Journal().Count);
        // ...and runs on once real time catches up.
        _time.Set(RealTimeFor(new TimeSpan(18, 0, 0)));
        Assert.Equal(GameTime.FromHours(18), Ask(restarted).Time);
    }

    [Fact]
    public void After_a_long_outage_the_clock_rolls_the_weather_once_for_now()
    {
        var clock = StartClock();
        Ask(clock);
        StopGracefully(clock);
        _time.Advance(TimeSpan.FromHours(10)); // 120 game hours = 40 weather periods

        var restarted = StartClock();
        var env = Ask(restarted);
        Assert.Equal((5L, 12), (env.Time.Day, env.Time.Hour));
        var journal = Journal();
        Assert.Equal(3, journal.Count);
        Assert.Equal(5 * 24 * 60 + 12 * 60, Assert.IsType<WorldClockEvents.WeatherChanged>(journal[^1]).AtGameMinute);
    }

    [Fact]
    public void The_supervised_clock_answers_and_stops_on_the_hand_over_message()
    {
        var supervisor = Sys.ActorOf(WorldClock.SupervisedPropsFor(ClockSettings, _time));
        supervisor.Tell(WorldClockCommands.GetEnvironment.Instance);
        Assert.Equal(GameTime.FromHours(12), ExpectMsg<WorldEnvironment>().Time);
        Watch(supervisor);
        supervisor.Tell(EntityStop.Instance);
        ExpectTerminated(supervisor);
    }

    [Fact]
    public void A_subscriber_helper_subscribes_its_target_again_and_again_and_unsubscribes_on_stop()
    {
        var clock = CreateTestProbe();
        var target = CreateTestProbe();
        var helper = Sys.ActorOf(WorldClockSubscriber.PropsFor(clock.Ref, target.Ref, TimeSpan.FromMilliseconds(100)));
        for (var i = 0; i < 3; i++)
            Assert.Equal(target.Ref, clock.ExpectMsg<WorldClockCommands.Subscribe>().Subscriber);
        Sys.Stop(helper);
        clock.FishForMessage(m => m is WorldClockCommands.Unsubscribe u && u.Subscriber.Equals(target.Ref));
    }
}

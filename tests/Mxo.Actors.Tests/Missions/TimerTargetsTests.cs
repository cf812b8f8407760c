using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Mxo.Actors.Missions;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Missions;
using Xunit;

namespace Mxo.Actors.Tests.Missions;

/// <summary>
/// The node's timer routes (<see cref="MissionSchedulerRegistration.NodeTargets"/>): players to the player region, live
/// events' windows and the daily reset to the system channel, anything else nowhere.
/// </summary>
public sealed class TimerTargetsTests : Akka.TestKit.Xunit2.TestKit
{
    public TimerTargetsTests() : base(ActorTestConfig.Hocon)
    {
    }

    private static TimerFired Fired(string kind, string id) => new("offer-expiry/neo/7", kind, id, "{}", 1_795_000_300_000, TimerFireKind.Once);

    [Fact]
    public void A_player_timer_goes_to_the_player_region_once_it_is_registered_and_other_kinds_are_refused()
    {
        var targets = MissionSchedulerRegistration.NodeTargets(Sys);
        Assert.False(targets.Deliver(Fired("player", "neo")), "no player region registered yet");

        var players = CreateTestProbe();
        ActorRegistry.For(Sys).Register<PlayerRegion>(players.Ref);
        Assert.True(targets.Deliver(Fired("player", "neo")));
        Assert.Equal(new PlayerTimerFired(new PlayerId("neo"), Fired("player", "neo")), players.ExpectMsg<PlayerTimerFired>());

        Assert.False(targets.Deliver(Fired("player", "")));
        Assert.False(targets.Deliver(Fired("dragon", "neo")));
        players.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private static TimerFired Window(string eventId, string payload, TimerFireKind kind) =>
        new(LiveEvents.ScheduleId(eventId), "event", eventId, payload, 1_795_000_300_000, kind);

    /// <summary>The announcement published on the system topic, once, for nobody to answer.</summary>
    private static string Announced(Akka.TestKit.TestProbe mediator)
    {
        var publish = mediator.ExpectMsg<Publish>();
        Assert.Equal(SystemChannel.Topic, publish.Topic);
        var announcement = Assert.IsType<SystemChannel.Announcement>(publish.Message);
        Assert.Null(announcement.ReplyTo);
        return announcement.Text;
    }

    [Fact]
    public void A_live_events_opening_and_closing_and_the_daily_reset_are_announced_on_the_system_channel()
    {
        var targets = MissionSchedulerRegistration.NodeTargets(Sys);
        Assert.False(targets.Deliver(Window("blue-moon", "Blue Moon", TimerFireKind.WindowOpened)), "no mediator registered yet");

        var mediator = CreateTestProbe();
        ActorRegistry.For(Sys).Register<DistributedPubSub>(mediator.Ref);
        Assert.True(targets.Deliver(Window("blue-moon", "Blue Moon", TimerFireKind.WindowOpened)));
        Assert.Equal("Live event Blue Moon has begun", Announced(mediator));
        Assert.True(targets.Deliver(Window("blue-moon", "Blue Moon", TimerFireKind.WindowClosed)));
        Assert.Equal("Live event Blue Moon has ended", Announced(mediator));
        Assert.True(targets.Deliver(Window("blue-moon", "", TimerFireKind.WindowClosed))); // no name given: the id
        Assert.Equal("Live event blue-moon has ended", Announced(mediator));

        var reset = new TimerFired("daily-reset", "world", "daily-reset", "", 1_795_000_300_000, TimerFireKind.Recurring);
        Assert.Equal(reset, new TimerFired(MissionSchedulerRegistration.DailyResetId, MissionSchedulerRegistration.WorldTarget,
            MissionSchedulerRegistration.DailyResetId, "", 1_795_000_300_000, TimerFireKind.Recurring));
        Assert.True(targets.Deliver(reset));
        Assert.Equal("Daily mission limits have reset.", Announced(mediator));

        // An event's timer that is not a window's end, or a world timer that is not the daily reset: nobody to tell.
        Assert.False(targets.Deliver(Window("blue-moon", "Blue Moon", TimerFireKind.Recurring)));
        Assert.False(targets.Deliver(reset with { TargetId = "weekly-reset" }));
        mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void The_daily_reset_is_the_settings_cron_in_the_settings_zone_for_the_world()
    {
        Assert.Equal(new MissionSchedulerCommands.SetRecurring("daily-reset", "0 4 * * *", "UTC", "world", "daily-reset", ""),
            MissionSchedulerRegistration.DailyReset(new MissionSchedulerSettings()));
        Assert.Equal(new MissionSchedulerCommands.SetRecurring("daily-reset", "30 5 * * *", "Europe/Paris", "world", "daily-reset", ""),
            MissionSchedulerRegistration.DailyReset(new MissionSchedulerSettings { DailyReset = "30 5 * * *", TimeZone = "Europe/Paris" }));
        Assert.Empty(new MissionSchedulerSettings().Problems());
        Assert.Equal(["Mxo:Missions:DailyReset 'daily' is not a five-field cron expression (minute hour day-of-month month day-of-week)"],
            new MissionSchedulerSettings { DailyReset = "daily" }.Problems());
        Assert.Equal(["Mxo:Missions:DailyReset '0 4 31 2 *' never occurs"], new MissionSchedulerSettings { DailyReset = "0 4 31 2 *" }.Problems());
    }
}

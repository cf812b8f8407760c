using Akka.Hosting;
using Mxo.Actors.Missions;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Missions;
using Xunit;

namespace Mxo.Actors.Tests.Missions;

/// <summary>The node's timer routes (<see cref="MissionSchedulerRegistration.NodeTargets"/>): players to the player region, anything else nowhere.</summary>
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
}

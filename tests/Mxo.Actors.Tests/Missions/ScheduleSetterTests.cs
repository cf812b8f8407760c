using Akka.Actor;
using Mxo.Actors.Missions;
using Mxo.Protocol.Missions;
using Xunit;

namespace Mxo.Actors.Tests.Missions;

/// <summary>
/// <see cref="ScheduleSetter"/>: the daily reset's schedule set through the scheduler's proxy at node start, again on
/// FailoverRetry's schedule (src/Mxo.Protocol/FailoverRetry.cs) until answered, bounded. A probe stands for the proxy.
/// </summary>
public sealed class ScheduleSetterTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly MissionSchedulerCommands.SetRecurring Reset = MissionSchedulerRegistration.DailyReset(new MissionSchedulerSettings());

    public ScheduleSetterTests() : base(ActorTestConfig.Hocon)
    {
    }

    private (Akka.TestKit.TestProbe Scheduler, IActorRef Setter) Start(int maxTries = ScheduleSetter.MaxTries)
    {
        var scheduler = CreateTestProbe();
        var setter = Sys.ActorOf(ScheduleSetter.PropsFor(scheduler.Ref, Reset, maxTries));
        Watch(setter);
        return (scheduler, setter);
    }

    [Fact]
    public void It_sends_again_until_the_scheduler_answers_then_stops()
    {
        var (scheduler, setter) = Start();
        Assert.Equal(Reset, scheduler.ExpectMsg<MissionSchedulerCommands.SetRecurring>());
        Assert.Equal(Reset, scheduler.ExpectMsg<MissionSchedulerCommands.SetRecurring>()); // not answered: sent again
        scheduler.Reply(new MissionSchedulerReplies.Refused(Reset.Id, SchedulerErrorCodes.Unavailable, "journal down"));
        Assert.Equal(Reset, scheduler.ExpectMsg<MissionSchedulerCommands.SetRecurring>()); // the journal refused: again
        scheduler.Reply(new MissionSchedulerReplies.ScheduleSet("something-else", 1)); // not its answer
        scheduler.Reply(new MissionSchedulerReplies.ScheduleSet(Reset.Id, 1_795_000_000_000));
        ExpectTerminated(setter);
    }

    [Fact]
    public void A_refused_definition_is_not_sent_again()
    {
        var (scheduler, setter) = Start();
        scheduler.ExpectMsg<MissionSchedulerCommands.SetRecurring>();
        scheduler.Reply(new MissionSchedulerReplies.Refused(Reset.Id, SchedulerErrorCodes.InvalidSchedule, "never occurs"));
        ExpectTerminated(setter);
        scheduler.ExpectNoMsg(TimeSpan.FromSeconds(1)); // longer than the first retry's half second
    }

    [Fact]
    public void It_gives_up_after_its_tries()
    {
        var (scheduler, setter) = Start(maxTries: 3);
        for (var i = 0; i < 3; i++) scheduler.ExpectMsg<MissionSchedulerCommands.SetRecurring>();
        ExpectTerminated(setter);
        scheduler.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }
}

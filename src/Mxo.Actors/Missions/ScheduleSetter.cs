using Akka.Actor;
using Akka.Event;
using Mxo.Protocol;
using Mxo.Protocol.Missions;

namespace Mxo.Actors.Missions;

/// <summary>
/// Sets one recurring schedule through the mission scheduler's proxy when a node starts (the daily reset,
/// <see cref="MissionSchedulerRegistration.DailyReset"/>), then stops. The singleton may not be running yet (the cluster
/// is forming, or it is handing over), so the command is sent again on <see cref="FailoverRetry"/>'s schedule until the
/// scheduler answers, as a session re-attaches (src/Mxo.Edge/SessionActor.cs); sending it twice is harmless, since
/// the same definition changes nothing. Bounded: after <see cref="MaxTries"/> unanswered tries it logs an error and
/// gives up (the next node start tries again). A refusal other than <see cref="SchedulerErrorCodes.Unavailable"/>
/// (the journal refused the write: worth another try) is a configuration mistake: logged, not retried.
/// </summary>
public sealed class ScheduleSetter : ReceiveActor, IWithTimers
{
    /// <summary>Tries before giving up: about four minutes on <see cref="FailoverRetry"/>'s schedule.</summary>
    public const int MaxTries = 60;

    private sealed class Retry
    {
        public static readonly Retry Instance = new();
        private Retry() { }
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _scheduler;
    private readonly MissionSchedulerCommands.SetRecurring _command;
    private readonly int _maxTries;
    private FailoverRetry _retry;

    public ScheduleSetter(IActorRef scheduler, MissionSchedulerCommands.SetRecurring command, int maxTries)
    {
        _scheduler = scheduler;
        _command = command;
        _maxTries = maxTries;
        Receive<MissionSchedulerReplies.ScheduleSet>(set => set.Id == _command.Id, set =>
        {
            _log.Info("Mission schedule {0} set: cron '{1}' ({2}), next at {3}", set.Id, _command.Cron,
                _command.TimeZone is { Length: > 0 } zone ? zone : "the scheduler's zone",
                set.NextUnixMs == 0 ? "never" : DateTimeOffset.FromUnixTimeMilliseconds(set.NextUnixMs).ToString("o"));
            Context.Stop(Self);
        });
        Receive<MissionSchedulerReplies.Refused>(refused => refused.Id == _command.Id, refused =>
        {
            if (refused.Code == SchedulerErrorCodes.Unavailable) return; // the retry already armed sends it again
            _log.Error("Mission schedule {0} refused ({1}): {2}", refused.Id, refused.Code, refused.Message);
            Context.Stop(Self);
        });
        Receive<Retry>(_ =>
        {
            if (_retry.Tries >= _maxTries)
            {
                _log.Error("Mission schedule {0} not set: the mission scheduler did not answer {1} tries; the next node start tries again",
                    _command.Id, _retry.Tries);
                Context.Stop(Self);
                return;
            }
            Send();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(IActorRef scheduler, MissionSchedulerCommands.SetRecurring command, int maxTries = MaxTries) =>
        Props.Create(() => new ScheduleSetter(scheduler, command, maxTries));

    protected override void PreStart() => Send();

    private void Send()
    {
        _scheduler.Tell(_command);
        Timers.StartSingleTimer("retry", Retry.Instance, _retry.Delay);
        _retry = _retry.Next();
    }
}

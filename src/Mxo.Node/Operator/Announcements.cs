using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Mxo.Protocol.Chat;

namespace Mxo.Node.Operator;

/// <summary>
/// <c>world announce</c>: an announcement published once on the system topic (<see cref="SystemChannel.Topic"/>), which
/// one actor per edge node subscribes to; each edge node answers how many sessions it told, and the command waits for
/// every Up edge node's answer (or the operator timeout) to say who heard it (docs/operations.md).
/// </summary>
public static class Announcements
{
    /// <summary>The answers of the edge nodes that told their sessions (node address, sessions), by the time all answered or the timeout.</summary>
    public static async Task<IReadOnlyList<SystemChannel.Told>?> PublishAsync(ActorSystem system, string text, TimeSpan timeout)
    {
        if (!ActorRegistry.For(system).TryGet<DistributedPubSub>(out var mediator)) return null;
        var edges = Cluster.Get(system).State.Members.Count(m => m.Status == MemberStatus.Up && m.HasRole("edge"));
        var done = new TaskCompletionSource<IReadOnlyList<SystemChannel.Told>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = system.ActorOf(Props.Create(() => new Collector(edges, timeout, done)));
        mediator.Tell(new Publish(SystemChannel.Topic, new SystemChannel.Announcement(text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), collector)));
        return await done.Task;
    }

    /// <summary>Gathers the edge nodes' answers to one announcement until <c>expected</c> came or the time is up, then stops.</summary>
    private sealed class Collector : ReceiveActor, IWithTimers
    {
        private sealed class TimeUp
        {
            public static readonly TimeUp Instance = new();
        }

        private readonly List<SystemChannel.Told> _told = [];

        public Collector(int expected, TimeSpan timeout, TaskCompletionSource<IReadOnlyList<SystemChannel.Told>> done)
        {
            Receive<SystemChannel.Told>(told =>
            {
                _told.Add(told);
                if (_told.Count >= expected) Finish(done);
            });
            Receive<TimeUp>(_ => Finish(done));
            if (expected == 0) Self.Tell(TimeUp.Instance);
            _timeout = timeout;
        }

        private readonly TimeSpan _timeout;

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart() => Timers.StartSingleTimer("time-up", TimeUp.Instance, _timeout);

        private void Finish(TaskCompletionSource<IReadOnlyList<SystemChannel.Told>> done)
        {
            done.TrySetResult([.. _told]);
            Context.Stop(Self);
        }
    }
}

using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;
using Mxo.Protocol.Fencing;

namespace Mxo.Node.Fencing;

/// <summary>
/// Started on every node, whatever its roles, at <see cref="Path"/>. Every <see cref="WriteFenceSettings.Interval"/>
/// it pings the contact monitor of every other member the split-brain resolver counts, and tells the
/// <see cref="WriteFence"/> which of them answered and when it asked them. It answers other nodes' pings itself,
/// unless it considers the asker down or does not know it: a node the others have downed hears nothing back, so its
/// fence stays closed even if its own view of the cluster is stale.
/// </summary>
public sealed class ContactMonitor : ReceiveActor, IWithTimers
{
    public const string Name = "contact-monitor";
    public const string Path = "/user/" + Name;

    private sealed record Round
    {
        public static readonly Round Instance = new();
    }

    private readonly WriteFence _fence;
    private readonly Cluster _cluster;

    public ContactMonitor()
    {
        _fence = WriteFence.Get(Context.System);
        _cluster = Cluster.Get(Context.System);

        Receive<Round>(_ => PingAll());
        // A member that just came Up (this node included) is asked at once: a node that joins may write as soon as a
        // majority has answered, not one interval later.
        Receive<ClusterEvent.MemberUp>(_ => PingAll());
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => PingAll());
        Receive<ContactPing>(ping =>
        {
            var asker = Sender.Path.Address;
            var member = _cluster.State.Members.FirstOrDefault(m => m.Address == asker);
            if (member is not null && member.Status != MemberStatus.Down) Sender.Tell(new ContactPong(ping.SentAt));
        });
        Receive<ContactPong>(pong => _fence.Heard(Sender.Path.Address, TimeSpan.FromTicks(pong.SentAt)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// The monitor runs on a thread of its own (<see cref="WriteFenceSettings.Dispatcher"/>, a pinned dispatcher): on a
    /// node whose thread pool is starved by load, pings and pongs still go out and are read on time, so a busy node
    /// is not fenced for being slow and does not make its peers look silent.
    /// </summary>
    public static Props Props() => Akka.Actor.Props.Create<ContactMonitor>().WithDispatcher(WriteFenceSettings.Dispatcher);

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("round", Round.Instance, _fence.Settings.Interval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void PingAll()
    {
        var members = _cluster.State.Members;
        _fence.Forget(members.Select(m => m.Address));
        var ping = new ContactPing(WriteFence.Now().Ticks);
        foreach (var member in members)
        {
            if (member.Address == _cluster.SelfAddress || !WriteFenceRules.Counts(member.Status)) continue;
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / Name).Tell(ping, Self);
        }
    }
}

public static class WriteFenceHosting
{
    /// <summary>
    /// The fence's defaults (as a fallback under hocon/akka.conf) and the contact monitor, on every node. The journal
    /// side is <see cref="Hosting.PersistenceSetup.AddJournal"/>, on world nodes.
    /// </summary>
    public static AkkaConfigurationBuilder AddWriteFence(this AkkaConfigurationBuilder akka) => akka
        .AddHocon(WriteFenceSettings.DefaultHocon, HoconAddMode.Append)
        .WithActors((system, _) => StartMonitor(system));

    private static void StartMonitor(ActorSystem system)
    {
        WriteFence.Refused.Inc(0); // the counter exists, at 0, on every node from the start
        system.ActorOf(ContactMonitor.Props(), ContactMonitor.Name);
    }
}

using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Mxo.Edge.Features;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Wire;

namespace Mxo.Edge;

/// <summary>
/// Parent of every <see cref="SessionActor"/> on this edge node. A failing session is stopped, never restarted (its
/// socket state cannot be rebuilt), and on shutdown every session is closed with 1001 before the node leaves. It is
/// also the node's one subscriber to the system channel (<see cref="SystemChannel.Topic"/>): an announcement reaches
/// each edge node once, and this actor tells each of its sessions, instead of every session subscribing on its own
/// (docs/architecture.md, "The system channel").
/// </summary>
public sealed class SessionsActor : ReceiveActor
{
    /// <param name="Identity">From the upgrade's access token; null only for a --dev socket without one.</param>
    /// <param name="Upgrade">The upgrade request's span, which the session's request spans link to.</param>
    public sealed record Spawn(IActorRef Outbound, SessionIdentity? Identity = null, System.Diagnostics.ActivityContext Upgrade = default);
    public sealed record CloseAll(int Code, string Reason);
    public sealed class AllClosed { public static readonly AllClosed Instance = new(); }
    public sealed class Count { public static readonly Count Instance = new(); }

    private readonly List<IActorRef> _waitingForClose = new();
    private int _live;

    private readonly IActorRef? _mediator;

    /// <param name="mediator">The node's distributed pub-sub mediator: announcements come through it (null in tests without a cluster).</param>
    public SessionsActor(IActorRef players, EdgeOptions options, SessionFeatureSet features, Func<string, SessionIdentity?>? validateToken = null,
        IActorRef? mediator = null)
    {
        _mediator = mediator;
        Receive<Spawn>(s =>
        {
            var session = Context.ActorOf(SessionActor.PropsFor(players, s.Outbound, options, features, s.Identity, validateToken, s.Upgrade));
            Context.Watch(session);
            _live++;
            EdgeMetrics.Sessions.Inc();
            Sender.Tell(session);
        });
        Receive<Terminated>(_ =>
        {
            _live--;
            EdgeMetrics.Sessions.Dec();
            if (_live == 0) ReleaseWaiters();
        });
        Receive<CloseAll>(c =>
        {
            _waitingForClose.Add(Sender);
            foreach (var child in Context.GetChildren()) child.Tell(new SessionProtocol.Shutdown(c.Code, c.Reason));
            if (_live == 0) ReleaseWaiters();
        });
        Receive<Count>(_ => Sender.Tell(_live));
        Receive<SystemChannel.Announcement>(a =>
        {
            foreach (var child in Context.GetChildren()) child.Tell(a);
            a.ReplyTo?.Tell(new SystemChannel.Told(((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString(), _live));
        });
        Receive<SubscribeAck>(_ => { });
    }

    protected override void PreStart() => _mediator?.Tell(new Subscribe(SystemChannel.Topic, Self));

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    /// <summary>Sessions whose end this actor will not see (the node stopping) leave the gauge with it.</summary>
    protected override void PostStop() => EdgeMetrics.Sessions.Dec(_live);

    public static Props PropsFor(IActorRef players, EdgeOptions options, SessionFeatureSet features,
        Func<string, SessionIdentity?>? validateToken = null, IActorRef? mediator = null) =>
        Props.Create(() => new SessionsActor(players, options, features, validateToken, mediator));

    public static CloseAll ShuttingDown { get; } = new(WireProtocol.CloseCodes.GoingAway, "server shutting down");

    private void ReleaseWaiters()
    {
        foreach (var waiter in _waitingForClose) waiter.Tell(AllClosed.Instance);
        _waitingForClose.Clear();
    }
}

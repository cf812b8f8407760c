using Akka.Actor;

namespace Mxo.Node.Hosting;

/// <summary>
/// The node's process ends with its actor system. Akka.Hosting stops the host when the actor system terminates first,
/// but silently and with exit code 0; a node the cluster downed (or that lost its membership some other way) must say
/// so and exit with <see cref="Downed"/>, so a supervisor (systemd, Kubernetes) sees a failure and starts it afresh. A
/// node stopped by its host (SIGTERM, Ctrl+C) or that left the cluster on request exits with 0.
/// </summary>
public static class NodeExit
{
    /// <summary>The process's exit code when the actor system ended without the host asking (2 is a settings problem).</summary>
    public const int Downed = 3;

    /// <summary>Whether the actor system's end was asked for (the host's stop, leaving the cluster on request).</summary>
    private static bool Asked(CoordinatedShutdown.Reason? reason) =>
        reason is CoordinatedShutdown.ClrExitReason or CoordinatedShutdown.ClusterLeavingReason;

    /// <summary>The node's actor system, once started (the process runs one node).</summary>
    private static ActorSystem? _system;

    public static void Watch(ActorSystem system, IHostApplicationLifetime lifetime, ILogger log)
    {
        _system = system;
        system.WhenTerminated.ContinueWith(_ =>
        {
            var reason = CoordinatedShutdown.Get(system).ShutdownReason;
            if (reason is CoordinatedShutdown.ClrExitReason) return; // the host's own stop (AkkaHostedService)
            if (Asked(reason))
                log.LogInformation("The actor system terminated after this node left the cluster; stopping the node");
            else
                log.LogCritical("The actor system terminated ({Reason}): this node was downed or removed from the " +
                    "cluster; stopping the node with exit code {Code}", reason?.GetType().Name ?? "no shutdown reason", Downed);
            lifetime.StopApplication();
        }, TaskScheduler.Default);
    }

    /// <summary>The process's exit code once the host has stopped: <see cref="Downed"/> if the actor system ended unasked.</summary>
    public static int Code() =>
        _system is { WhenTerminated.IsCompleted: true } system && !Asked(CoordinatedShutdown.Get(system).ShutdownReason) ? Downed : 0;
}

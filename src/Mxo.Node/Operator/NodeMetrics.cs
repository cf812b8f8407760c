using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Cluster;
using Mxo.Actors;
using Mxo.Edge;
using Prometheus;

namespace Mxo.Node.Operator;

/// <summary>
/// What <c>GET /metrics</c> serves beyond the counters the code moves as it runs (src/Mxo.Edge/EdgeMetrics.cs,
/// src/Mxo.Actors/WorldMetrics.cs): figures read when a scrape arrives, from the cluster, the shard regions and the .NET
/// runtime. prometheus-net's registry is one per process and so is this registration; a process runs one node (tests
/// start several: the latest node to map its operator listener is the one reported).
/// </summary>
internal static class NodeMetrics
{
    /// <summary>How long a scrape waits for a shard region's answer (Prometheus' default scrape timeout is 10 s).</summary>
    public static readonly TimeSpan ShardingTimeout = TimeSpan.FromSeconds(4);

    private static Func<ActorSystem?> _node = () => null;
    private static int _registered;

    public static void Register(Func<ActorSystem?> node)
    {
        Volatile.Write(ref _node, node);
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;

        // prometheus-net's defaults also start its EventCounter and .NET Meter adapters. They publish the runtime a
        // second and third time, under names promtool's lint refuses (gauges ending in _count, counters exported as
        // gauges), plus every ASP.NET Core and QUIC counter. Its own debug metrics (prometheus_net_*) are off too: one of
        // them appears or not depending on start-up order. Its process collector (process_*, dotnet_collection_count_total,
        // dotnet_total_memory_bytes) stays; RuntimeMetrics adds the GC and thread pool with Prometheus' conventions.
        // Effective only before the first scrape, which is why it is here, before MapMetrics.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressDebugMetrics = true,
            SuppressEventCounters = true,
            SuppressMeters = true,
        });
        // Every family is declared (HELP and TYPE) from the first scrape on, not only once the code first moves it.
        RuntimeHelpers.RunClassConstructor(typeof(EdgeMetrics).TypeHandle);
        RuntimeHelpers.RunClassConstructor(typeof(WorldMetrics).TypeHandle);

        Metrics.DefaultRegistry.AddBeforeCollectCallback(RuntimeMetrics.Collect);
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            if (Running() is { } system) ClusterMetrics.Collect(system);
        });
        Metrics.DefaultRegistry.AddBeforeCollectCallback(cancel =>
            Running() is { } system ? WorldMetrics.CollectShardingAsync(system, ShardingTimeout, cancel) : Task.CompletedTask);
    }

    private static ActorSystem? Running() => Volatile.Read(ref _node)() is { WhenTerminated.IsCompleted: false } system ? system : null;
}

/// <summary>The cluster as this node sees it.</summary>
internal static class ClusterMetrics
{
    private static readonly Gauge Members = Metrics.CreateGauge("mxo_cluster_members", "Cluster members by status, as this node sees them.",
        new GaugeConfiguration { LabelNames = ["status"] });

    private static readonly Gauge Unreachable = Metrics.CreateGauge("mxo_cluster_unreachable_members",
        "Members this node's failure detector marks unreachable.");

    public static void Collect(ActorSystem system)
    {
        var state = Cluster.Get(system).State;
        foreach (var status in Enum.GetValues<MemberStatus>())
            Members.WithLabels(status.ToString()).Set(state.Members.Count(m => m.Status == status));
        Unreachable.Set(state.Unreachable.Count);
    }
}

/// <summary>
/// The .NET runtime's GC and thread pool, read from the runtime's own counters at scrape time (nothing runs between
/// scrapes). Names follow prometheus-net's process collector (<c>dotnet_</c>) and Prometheus' conventions.
/// </summary>
internal static class RuntimeMetrics
{
    private static readonly Counter GcPause = Metrics.CreateCounter("dotnet_gc_pause_seconds_total",
        "Time the GC has paused the process since it started.");

    private static readonly Counter GcAllocated = Metrics.CreateCounter("dotnet_gc_allocated_bytes_total",
        "Bytes allocated on the managed heap since the process started.");

    private static readonly Gauge GcHeap = Metrics.CreateGauge("dotnet_gc_heap_size_bytes",
        "Managed heap size after the last garbage collection.");

    private static readonly Gauge PoolThreads = Metrics.CreateGauge("dotnet_threadpool_threads", "Thread pool threads that exist now.");

    private static readonly Gauge PoolQueue = Metrics.CreateGauge("dotnet_threadpool_queue_length",
        "Work items queued to the thread pool and not started yet.");

    private static readonly Counter PoolCompleted = Metrics.CreateCounter("dotnet_threadpool_completed_items_total",
        "Work items the thread pool has completed since the process started.");

    private static readonly Counter LockContentions = Metrics.CreateCounter("dotnet_monitor_lock_contentions_total",
        "Times a thread waited for a lock (Monitor) another thread held.");

    public static void Collect()
    {
        GcPause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
        GcAllocated.IncTo(GC.GetTotalAllocatedBytes());
        GcHeap.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
        PoolThreads.Set(ThreadPool.ThreadCount);
        PoolQueue.Set(ThreadPool.PendingWorkItemCount);
        PoolCompleted.IncTo(ThreadPool.CompletedWorkItemCount);
        LockContentions.IncTo(Monitor.LockContentionCount);
    }
}

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Mxo.Actors;

namespace Mxo.Bench;

/// <summary>
/// What the world's metrics (src/Mxo.Actors/WorldMetrics.cs) add to one operation, alone: a persist's timing and
/// observation (MxoEntity.PersistThen), a tick's observation (DistrictEntity.HandleTick), a presence change
/// (DistrictEntity, on join and leave). Compare with one journal write and one tick in docs/benchmarks.md.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class MetricsBenchmarks
{
    private readonly WorldMetrics.EntityMeter _player = WorldMetrics.ForEntity("player-bench");
    private readonly WorldMetrics.DistrictMeter _district = WorldMetrics.ForDistrict("bench");
    private readonly TimeSpan _tick = TimeSpan.FromMilliseconds(1.5);
    private int _present;

    /// <summary>The timestamp taken at the persist call and the observation in its handler.</summary>
    [Benchmark]
    public void PersistTimed() => _player.Persisted(Stopwatch.GetTimestamp());

    [Benchmark]
    public void TickObserved() => _district.Ticked(_tick);

    [Benchmark]
    public void PresenceChanged() => _district.Present(_present ^= 1);
}

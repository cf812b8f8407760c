using BenchmarkDotNet.Attributes;
using Mxo.Actors.World;
using Mxo.Protocol;

namespace Mxo.Bench;

/// <summary>
/// Arrivals into a crowd that stands still (issue 10: 10,000 idle players, 2,500 on each district's spawn point): a
/// crowd of <see cref="Crowd"/> players stands on one point, then each operation is <see cref="Joiners"/> new players
/// joining at that point and one <see cref="IInterestManager.Tick"/>, as a district's tick sees a stream of arrivals.
/// Every distance is 0, so every view is chosen by the id tie-break: the worst case for the view cap's selection.
/// Each iteration starts from a fresh crowd and runs 20 operations (the crowd grows by 20 × Joiners meanwhile).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: OperationsPerIteration)]
public class CrowdJoinBenchmarks
{
    private const int OperationsPerIteration = 20;
    private static readonly Vec3 Spot = new(500, 0, 0);

    private InterestManager _interest = null!;
    private int _next;

    [Params(1000, 2500)]
    public int Crowd { get; set; }

    [Params(10)]
    public int Joiners { get; set; }

    [IterationSetup]
    public void StandCrowd()
    {
        _interest = new InterestManager(InterestManager.DefaultRadius);
        for (_next = 0; _next < Crowd; _next++) _interest.Join(new PlayerId("player-" + _next), Spot);
        _interest.Tick();
    }

    /// <summary>Returns the number of batches so the work cannot be optimised away.</summary>
    [Benchmark]
    public int JoinAndTick()
    {
        for (var i = 0; i < Joiners; i++) _interest.Join(new PlayerId("player-" + _next++), Spot);
        return _interest.Tick().Count;
    }
}

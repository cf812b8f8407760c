using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Mxo.Actors;
using Mxo.Actors.World;
using Mxo.Protocol;
using Mxo.TestSupport;

namespace Mxo.Bench;

/// <summary>How players are spread over the district.</summary>
public enum TickLayout
{
    /// <summary>Uniform over the 2000 × 2000 district.</summary>
    Uniform,

    /// <summary>Five hot spots, Gaussian spread with σ = 60 units on each axis (a crowd at each hardline).</summary>
    Clustered,
}

/// <summary>
/// One district tick (issue 4): every player has moved a small step (at most 1 unit, i.e. 20 units/s × 50 ms) since the
/// last tick; the operation is recording those N moves and running one <see cref="IInterestManager.Tick"/> (interest
/// queries, view diffs and batch building). Grid = <see cref="InterestManager"/>, AllPairs = the O(n²) reference
/// <see cref="AllPairsInterest"/>, GridWithMessages = the grid tick plus copying every batch into arrays as the district
/// does to build its messages. Frames are generated up front and replayed back and forth, so every invocation
/// sees fresh moves and the crowd neither drifts nor disperses.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class TickBenchmarks
{
    public const double DistrictSize = 2000;
    private const int Frames = 16;

    private PlayerId[] _ids = [];
    private Vec3[][] _frames = [];
    private InterestManager _grid = null!;
    private AllPairsInterest _allPairs = null!;
    private int _step;

    [Params(100, 500, 1000, 2000, 5000)]
    public int Players { get; set; }

    [Params(TickLayout.Uniform, TickLayout.Clustered)]
    public TickLayout Layout { get; set; }

    [GlobalSetup(Targets = [nameof(Grid), nameof(GridWithMessages), nameof(GridWithMessagesMetered)])]
    public void SetupGrid() => _grid = Prepare(new InterestManager(InterestManager.DefaultRadius));

    [GlobalSetup(Target = nameof(AllPairs))]
    public void SetupAllPairs() => _allPairs = Prepare(new AllPairsInterest(InterestManager.DefaultRadius));

    /// <summary>Returns the number of batches so the work cannot be optimised away.</summary>
    [Benchmark(Baseline = true)]
    public int Grid() => Step(_grid).Count;

    [Benchmark]
    public int AllPairs() => Step(_allPairs).Count;

    /// <summary>
    /// The grid tick plus what the district actor does next: copy every batch out into arrays for its per-player
    /// message (the grid's batch lists are handles into a snapshot, so this is where the entries are materialised).
    /// </summary>
    [Benchmark]
    public int GridWithMessages()
    {
        var entries = 0;
        foreach (var batch in Step(_grid))
        {
            var moved = ((SeenList)batch.Moved).ToArray();
            var entered = ((SeenList)batch.Entered).ToArray();
            var left = ((ReusableList<PlayerId>)batch.Left).ToArray();
            entries += moved.Length + entered.Length + left.Length;
        }
        return entries;
    }

    private readonly WorldMetrics.DistrictMeter _meter = WorldMetrics.ForDistrict("bench");

    /// <summary>
    /// <see cref="GridWithMessages"/> timed and observed into the district tick histogram, as DistrictEntity.HandleTick does
    /// since the metrics (src/Mxo.Actors/WorldMetrics.cs): the difference to GridWithMessages is their cost, the stopwatch
    /// included (the district timed its ticks before too, so this is an upper bound).
    /// </summary>
    [Benchmark]
    public int GridWithMessagesMetered()
    {
        var started = Stopwatch.GetTimestamp();
        var entries = GridWithMessages();
        _meter.Ticked(Stopwatch.GetElapsedTime(started));
        return entries;
    }

    private T Prepare<T>(T interest) where T : IInterestManager
    {
        (_ids, _frames) = Generate(Players, Layout, seed: 42);
        for (var i = 0; i < _ids.Length; i++) interest.Join(_ids[i], _frames[0][i]);
        interest.Tick(); // everyone enters everyone's view once; the benchmark measures steady state
        _step = 0;
        return interest;
    }

    private IReadOnlyList<ViewUpdate> Step(IInterestManager interest)
    {
        // 0, 1, …, F−1, F−2, …, 1, 0, 1, … : consecutive frames always differ by one small step.
        var period = 2 * (Frames - 1);
        var k = ++_step % period;
        var frame = _frames[k < Frames ? k : period - k];
        var ids = _ids;
        for (var i = 0; i < ids.Length; i++) interest.Move(ids[i], frame[i]);
        return interest.Tick();
    }

    /// <summary>Player ids and <see cref="Frames"/> frames of positions, each a random step of at most 1 unit from the last.</summary>
    internal static (PlayerId[] Ids, Vec3[][] Frames) Generate(int players, TickLayout layout, int seed)
    {
        var rng = new Random(seed);
        var ids = new PlayerId[players];
        var frames = new Vec3[Frames][];
        for (var f = 0; f < Frames; f++) frames[f] = new Vec3[players];
        var spots = Enumerable.Range(0, 5)
            .Select(_ => (X: 200 + rng.NextDouble() * (DistrictSize - 400), Z: 200 + rng.NextDouble() * (DistrictSize - 400)))
            .ToArray();
        for (var i = 0; i < players; i++)
        {
            ids[i] = new PlayerId("player-" + i);
            double x, z;
            if (layout == TickLayout.Clustered)
            {
                var (sx, sz) = spots[i % spots.Length];
                x = sx + Gaussian(rng) * 60;
                z = sz + Gaussian(rng) * 60;
            }
            else
            {
                x = rng.NextDouble() * DistrictSize;
                z = rng.NextDouble() * DistrictSize;
            }
            var at = new Vec3(Math.Clamp(x, 0, DistrictSize), 0, Math.Clamp(z, 0, DistrictSize));
            frames[0][i] = at;
            for (var f = 1; f < Frames; f++)
            {
                var angle = rng.NextDouble() * 2 * Math.PI;
                var length = 0.2 + rng.NextDouble() * 0.8;
                at = new Vec3(at.X + Math.Cos(angle) * length, 0, at.Z + Math.Sin(angle) * length);
                frames[f][i] = at;
            }
        }
        return (ids, frames);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}

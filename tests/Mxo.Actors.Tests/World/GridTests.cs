using Mxo.Actors.World;
using Mxo.Protocol;
using Xunit;

namespace Mxo.Actors.Tests.World;

/// <summary><see cref="SpatialGrid"/>: a radius query returns exactly what checking every player would.</summary>
public sealed class GridTests
{
    private static PlayerId P(int i) => new("p" + i);

    private static List<PlayerId> Query(SpatialGrid grid, Vec3 at, double radius)
    {
        var found = new List<PlayerId>();
        grid.QueryRadius(at, radius, found);
        return found;
    }

    private static HashSet<PlayerId> AllPairs(Dictionary<PlayerId, Vec3> model, Vec3 at, double radius)
    {
        var expected = new HashSet<PlayerId>();
        foreach (var (id, p) in model)
        {
            var dx = p.X - at.X;
            var dz = p.Z - at.Z;
            if (dx * dx + dz * dz <= radius * radius) expected.Add(id);
        }
        return expected;
    }

    /// <summary>Uniform over a square, or clustered around a few hot spots; some points snapped to a 25-unit lattice so
    /// that distances of exactly the radius and points on cell borders occur often.</summary>
    private static Vec3 RandomPoint(Random rng, bool clustered, Vec3[] spots)
    {
        double x, z;
        if (clustered)
        {
            var spot = spots[rng.Next(spots.Length)];
            x = spot.X + Gaussian(rng) * 40;
            z = spot.Z + Gaussian(rng) * 40;
        }
        else
        {
            x = rng.NextDouble() * 1200 - 600; // negative coordinates too
            z = rng.NextDouble() * 1200 - 600;
        }
        if (rng.NextDouble() < 0.2)
        {
            x = Math.Round(x / 25) * 25;
            z = Math.Round(z / 25) * 25;
        }
        return new Vec3(x, rng.NextDouble() * 50, z);
    }

    internal static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    public void Queries_return_exactly_the_players_an_all_pairs_check_would(bool clustered, int seed)
    {
        var rng = new Random(seed);
        var spots = Enumerable.Range(0, 4).Select(_ => new Vec3(rng.NextDouble() * 800 - 400, 0, rng.NextDouble() * 800 - 400)).ToArray();
        for (var world = 0; world < 8; world++)
        {
            var cellSize = world % 2 == 0 ? 100 : 10 + rng.NextDouble() * 200;
            var grid = new SpatialGrid(cellSize, initialCapacity: 4);
            var model = new Dictionary<PlayerId, Vec3>();
            var count = 1 + rng.Next(500);
            var nextId = 0;
            for (var i = 0; i < count; i++)
            {
                var p = RandomPoint(rng, clustered, spots);
                grid.Add(P(nextId), p);
                model[P(nextId++)] = p;
            }
            for (var round = 0; round < 25; round++)
            {
                // Mutate: small steps, jumps across cells, removals and additions (handles get reused).
                foreach (var id in model.Keys.ToList())
                {
                    var roll = rng.NextDouble();
                    if (roll < 0.5)
                    {
                        var old = model[id];
                        var p = new Vec3(old.X + rng.NextDouble() * 4 - 2, old.Y, old.Z + rng.NextDouble() * 4 - 2);
                        Assert.True(grid.Move(id, p));
                        model[id] = p;
                    }
                    else if (roll < 0.55)
                    {
                        var p = RandomPoint(rng, clustered, spots);
                        grid.Upsert(id, p);
                        model[id] = p;
                    }
                    else if (roll < 0.58)
                    {
                        Assert.True(grid.Remove(id));
                        model.Remove(id);
                    }
                }
                for (var i = rng.Next(10); i > 0; i--)
                {
                    var p = RandomPoint(rng, clustered, spots);
                    grid.Add(P(nextId), p);
                    model[P(nextId++)] = p;
                }
                Assert.Equal(model.Count, grid.Count);

                // Every fourth round: the whole-grid pass gives every player the same answer as its own query would.
                if (round % 4 == 0)
                {
                    var allRadius = round % 8 == 0 ? cellSize : rng.NextDouble() * cellSize * 2.5;
                    var collector = new Collector(grid);
                    grid.QueryAll(allRadius, collector);
                    Assert.Equal(model.Count, collector.Seen.Count);
                    foreach (var (id, p) in model)
                    {
                        var expected = AllPairs(model, p, allRadius);
                        if (!expected.SetEquals(collector.Seen[id]))
                            Assert.Fail($"seed {seed} world {world} round {round}: QueryAll around {id} at {p} r={allRadius} differs");
                    }
                }


                for (var q = 0; q < 25; q++)
                {
                    // Query around players (as the interest manager does) and at arbitrary points, with radii below,
                    // at and above the cell size, and occasionally one that spans the whole world.
                    var at = q % 2 == 0 && model.Count > 0 ? model.ElementAt(rng.Next(model.Count)).Value : RandomPoint(rng, clustered, spots);
                    var radius = q switch { 0 => 5000, _ when q % 3 == 0 => cellSize, _ => rng.NextDouble() * cellSize * 2.5 };
                    var found = Query(grid, at, radius);
                    Assert.Equal(found.Count, found.Distinct().Count());
                    var expected = AllPairs(model, at, radius);
                    if (!expected.SetEquals(found))
                    {
                        Assert.Fail($"seed {seed} world {world} round {round}: query at {at} r={radius} cell={cellSize}: " +
                                    $"missing [{string.Join(", ", expected.Except(found))}], extra [{string.Join(", ", found.Except(expected))}]");
                    }
                }
            }
        }
    }

    private sealed class Collector(SpatialGrid grid) : INeighbourVisitor
    {
        public Dictionary<PlayerId, HashSet<PlayerId>> Seen { get; } = new();

        public void Visit(int handle, List<int> neighbours) =>
            Seen.Add(grid.IdOf(handle), neighbours.Select(grid.IdOf).ToHashSet()); // Add: each player visited once
    }

    [Fact]
    public void The_boundary_is_included_and_height_is_ignored()
    {
        var grid = new SpatialGrid(100);
        grid.Add(P(1), new Vec3(100, 0, 0));      // exactly the radius away, on a cell border
        grid.Add(P(2), new Vec3(-60, 0, -80));    // exactly the radius away, negative coordinates
        grid.Add(P(3), new Vec3(100.001, 0, 0));  // just outside
        grid.Add(P(4), new Vec3(0, 500, 0));      // straight above: the ground plane decides
        Assert.Equal([P(1), P(2), P(4)], Query(grid, new Vec3(0, 0, 0), 100).OrderBy(p => p.Value, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Handles_are_dense_and_reused_and_empty_cells_are_released()
    {
        var grid = new SpatialGrid(100);
        var a = grid.Add(P(1), new Vec3(0, 0, 0));
        var b = grid.Add(P(2), new Vec3(1000, 0, 1000));
        Assert.Equal((0, 1), (a, b));
        Assert.Equal(2, grid.CellCount);
        Assert.True(grid.Remove(P(1)));
        Assert.False(grid.Remove(P(1)));
        Assert.False(grid.IsInUse(a));
        Assert.Equal(1, grid.CellCount);
        Assert.Equal(a, grid.Add(P(3), new Vec3(5, 0, 5)));
        Assert.Equal(P(3), grid.IdOf(a));

        // A walker leaves no trail of empty cells behind.
        for (var x = 0; x < 100_000; x += 50) grid.Move(P(2), new Vec3(x, 0, 1000));
        Assert.Equal(2, grid.CellCount);
        Assert.True(grid.TryGetPosition(P(2), out var at));
        Assert.Equal(new Vec3(99_950, 0, 1000), at);
    }

    [Fact]
    public void Invalid_input_is_refused()
    {
        var grid = new SpatialGrid(100);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpatialGrid(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.Add(P(1), new Vec3(double.NaN, 0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.Add(P(1), new Vec3(2_000_000, 0, 0)));
        grid.Add(P(1), new Vec3(0, 0, 0));
        Assert.Throws<ArgumentException>(() => grid.Add(P(1), new Vec3(1, 0, 0)));
        Assert.False(grid.Move(P(2), new Vec3(1, 0, 0)));
        Assert.Empty(Query(grid, new Vec3(0, 0, 0), -1));
        Assert.Empty(Query(grid, new Vec3(double.PositiveInfinity, 0, 0), 10));
        Assert.Single(Query(grid, new Vec3(0, 0, 0), double.PositiveInfinity)); // everyone, by scanning
    }
}

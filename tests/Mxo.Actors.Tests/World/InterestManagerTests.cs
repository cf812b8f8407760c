using Mxo.Actors.World;
using Mxo.Protocol;
using Xunit;
using Mxo.TestSupport;

namespace Mxo.Actors.Tests.World;

/// <summary>
/// Interest management (issue 4): the grid-based <see cref="InterestManager"/> and the all-pairs reference
/// <see cref="AllPairsInterest"/> are driven with the same random worlds and checked, tick after tick, against a plain
/// model of the rules (and against each other).
/// </summary>
public sealed class InterestManagerTests
{
    private const double Radius = 100;
    private static readonly PlayerId Neo = new("neo");
    private static readonly PlayerId Trinity = new("trinity");
    private static readonly PlayerId Morpheus = new("morpheus");
    private static readonly PlayerId Smith = new("smith");

    public static TheoryData<string> Implementations => new() { "grid", "all-pairs" };

    private static IInterestManager Create(string kind, int maxPlayers = InterestManager.DefaultMaxPlayers) => kind switch
    {
        "grid" => new InterestManager(Radius, maxPlayers),
        _ => new AllPairsInterest(Radius, maxPlayers),
    };

    private static Dictionary<PlayerId, ViewUpdate> ByViewer(IReadOnlyList<ViewUpdate> batches) => batches.ToDictionary(b => b.Viewer);

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Players_hear_about_those_within_the_radius_only(string kind)
    {
        var interest = Create(kind);
        interest.Join(Neo, new Vec3(0, 0, 0));
        interest.Join(Trinity, new Vec3(50, 0, 0));
        interest.Join(Morpheus, new Vec3(150, 0, 0)); // 100 from Trinity (included), 150 from Neo

        var first = ByViewer(interest.Tick());
        Assert.Equal([Trinity], first[Neo].Entered.Select(s => s.Player));
        Assert.Equal([Neo, Morpheus], first[Trinity].Entered.Select(s => s.Player).OrderBy(p => p.Value == "neo" ? 0 : 1));
        Assert.Equal([new Seen(Trinity, new Vec3(50, 0, 0))], first[Morpheus].Entered);
        Assert.All(first.Values, b => Assert.Empty(b.Moved));

        // Morpheus steps closer: Trinity hears the move, Neo (130 away) hears nothing.
        interest.Move(Morpheus, new Vec3(130, 0, 0));
        var second = ByViewer(interest.Tick());
        Assert.Equal([new Seen(Morpheus, new Vec3(130, 0, 0))], second[Trinity].Moved);
        Assert.False(second.ContainsKey(Neo));
        Assert.False(second.ContainsKey(Morpheus)); // nobody near it moved

        // Nothing moved: nothing to say, no empty batches.
        Assert.Empty(interest.Tick());

        // Morpheus walks away: Trinity hears it leave; then Trinity and Neo part too.
        interest.Move(Morpheus, new Vec3(151, 0, 0));
        var third = ByViewer(interest.Tick());
        Assert.Equal([Morpheus], third[Trinity].Left);
        Assert.Equal([Trinity], third[Morpheus].Left);
        var view = new List<PlayerId>();
        interest.CopyViewTo(Trinity, view);
        Assert.Equal([Neo], view);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Joins_and_leaves_between_ticks(string kind)
    {
        var interest = Create(kind);
        interest.Join(Neo, new Vec3(0, 0, 0));
        interest.Join(Trinity, new Vec3(10, 0, 0));
        interest.Tick();

        // Here and gone within one tick: never reported.
        interest.Join(Smith, new Vec3(5, 0, 5));
        Assert.True(interest.Leave(Smith));
        Assert.False(interest.Leave(Smith));
        Assert.Empty(interest.Tick());

        // Gone and back within one tick (a reconnect): a move, not leave + enter.
        interest.Leave(Trinity);
        Assert.False(interest.Contains(Trinity));
        Assert.False(interest.Move(Trinity, new Vec3(11, 0, 0)));
        interest.Join(Trinity, new Vec3(12, 0, 0));
        var batches = ByViewer(interest.Tick());
        Assert.Equal([new Seen(Trinity, new Vec3(12, 0, 0))], batches[Neo].Moved);
        Assert.Empty(batches[Neo].Entered);
        Assert.Empty(batches[Neo].Left);

        // A real leave is heard by those who saw the player, and its view is gone.
        interest.Leave(Trinity);
        batches = ByViewer(interest.Tick());
        Assert.Equal([Trinity], batches[Neo].Left);
        Assert.Equal(1, interest.Count);
        var view = new List<PlayerId>();
        interest.CopyViewTo(Trinity, view);
        Assert.Empty(view);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_district_has_a_bound(string kind)
    {
        var interest = Create(kind, maxPlayers: 2);
        Assert.True(interest.Join(Neo, default));
        Assert.True(interest.Join(Trinity, default));
        Assert.False(interest.Join(Morpheus, default));
        Assert.True(interest.Join(Neo, new Vec3(1, 0, 1))); // already there: a move
        interest.Leave(Neo);
        Assert.False(interest.Join(Morpheus, default)); // Neo's place is free once the tick has told the others
        interest.Tick();
        Assert.True(interest.Join(Morpheus, default));
    }

    /// <summary>The rules written the obvious way, as the oracle.</summary>
    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_crowds_view_is_its_nearest_players_ties_by_id(string kind)
    {
        IInterestManager interest = kind == "grid" ? new InterestManager(Radius, viewCap: 2) : new AllPairsInterest(Radius, viewCap: 2);
        interest.Join(Neo, new Vec3(0, 0, 0));
        interest.Join(Smith, new Vec3(30, 0, 0));
        interest.Join(Trinity, new Vec3(0, 0, 20));
        interest.Join(Morpheus, new Vec3(0, 0, -20)); // as near as Trinity: "morpheus" < "trinity"

        var first = ByViewer(interest.Tick());
        Assert.Equal([Morpheus, Trinity], first[Neo].Entered.Select(s => s.Player).OrderBy(p => p.Value, StringComparer.Ordinal));

        // Smith walks up to Neo: now among the two nearest, it enters Neo's view and Trinity (the tie lost) leaves it.
        interest.Move(Smith, new Vec3(10, 0, 0));
        var second = ByViewer(interest.Tick());
        Assert.Equal([new Seen(Smith, new Vec3(10, 0, 0))], second[Neo].Entered);
        Assert.Equal([Trinity], second[Neo].Left);
        Assert.Empty(second[Neo].Moved);
        var view = new List<PlayerId>();
        interest.CopyViewTo(Neo, view);
        Assert.Equal([Morpheus, Smith], view.OrderBy(p => p.Value, StringComparer.Ordinal));

        // Morpheus leaves the district: the next nearest (Trinity) takes its place.
        interest.Leave(Morpheus);
        var third = ByViewer(interest.Tick());
        Assert.Equal([Morpheus], third[Neo].Left);
        Assert.Equal([Trinity], third[Neo].Entered.Select(s => s.Player));
    }

    [Fact]
    public void Two_thousand_on_one_spot_each_see_a_capped_view()
    {
        var interest = new InterestManager(Radius);
        for (var i = 0; i < 2_000; i++) interest.Join(new PlayerId($"p{i:D4}"), new Vec3(5, 0, 5));
        var batches = interest.Tick();
        Assert.Equal(2_000, batches.Count);
        Assert.All(batches, b => Assert.Equal(InterestManager.DefaultViewCap, b.Entered.Count));
        // All at distance 0: the ties go by id, so everyone sees the lowest ids (but never itself).
        var first = batches.Single(b => b.Viewer == new PlayerId("p0000"));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => new PlayerId($"p{i:D4}")), first.Entered.Select(s => s.Player).OrderBy(p => p.Value, StringComparer.Ordinal));
    }

    private sealed class Model(int viewCap = InterestManager.DefaultViewCap)
    {
        public readonly Dictionary<PlayerId, Vec3> Position = new();
        public readonly HashSet<PlayerId> Present = new();
        public readonly HashSet<PlayerId> Moved = new();
        public readonly Dictionary<PlayerId, HashSet<PlayerId>> View = new();

        public void Join(PlayerId id, Vec3 p)
        {
            if (!Present.Contains(id) && !View.ContainsKey(id))
            {
                // New (or gone since before the last tick): starts afresh, reported as entered.
                Present.Add(id);
                Position[id] = p;
                Moved.Remove(id);
                return;
            }
            Present.Add(id); // left since the last tick and back: it stayed
            Move(id, p);
        }

        public void Move(PlayerId id, Vec3 p)
        {
            if (Position[id] != p) Moved.Add(id);
            Position[id] = p;
        }

        public void Leave(PlayerId id) => Present.Remove(id);

        public Dictionary<PlayerId, (HashSet<Seen> Moved, HashSet<Seen> Entered, HashSet<PlayerId> Left)> Tick()
        {
            var batches = new Dictionary<PlayerId, (HashSet<Seen>, HashSet<Seen>, HashSet<PlayerId>)>();
            var views = new Dictionary<PlayerId, HashSet<PlayerId>>();
            var everyone = Present.Select(id => (Id: id, At: Position[id])).ToArray();
            foreach (var (viewer, at) in everyone)
            {
                var now = everyone
                    .Where(o => o.Id != viewer)
                    .Select(o => (o.Id, D2: (o.At.X - at.X) * (o.At.X - at.X) + (o.At.Z - at.Z) * (o.At.Z - at.Z)))
                    .Where(o => o.D2 <= Radius * Radius)
                    .OrderBy(o => o.D2).ThenBy(o => o.Id.Value, StringComparer.Ordinal)
                    .Take(viewCap)
                    .Select(o => o.Id)
                    .ToHashSet();
                var before = View.TryGetValue(viewer, out var v) ? v : [];
                var moved = now.Where(o => before.Contains(o) && Moved.Contains(o)).Select(o => new Seen(o, Position[o])).ToHashSet();
                var entered = now.Where(o => !before.Contains(o)).Select(o => new Seen(o, Position[o])).ToHashSet();
                var left = before.Where(o => !now.Contains(o)).ToHashSet();
                views[viewer] = now;
                if (moved.Count + entered.Count + left.Count > 0) batches[viewer] = (moved, entered, left);
            }
            View.Clear();
            foreach (var (k, v) in views) View[k] = v;
            Moved.Clear();
            return batches;
        }
    }

    [Theory]
    [InlineData(false, 1, int.MaxValue)]
    [InlineData(false, 2, int.MaxValue)]
    [InlineData(true, 3, int.MaxValue)]
    [InlineData(true, 4, int.MaxValue)]
    [InlineData(true, 5, InterestManager.DefaultViewCap)]
    [InlineData(true, 6, 7)]     // most views capped: who is among the nearest changes as players walk
    [InlineData(false, 7, 3)]
    [InlineData(true, 8, 1)]
    public void Grid_and_all_pairs_agree_with_the_rules_in_random_worlds(bool clustered, int seed, int viewCap)
    {
        var rng = new Random(seed);
        for (var world = 0; world < 3; world++)
        {
            var sizes = new[] { 1 + rng.Next(20), 1 + rng.Next(150), 300 + rng.Next(201) };
            var players = sizes[world];
            var spots = Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => new Vec3(rng.NextDouble() * 1000, 0, rng.NextDouble() * 1000)).ToArray();
            var grid = new InterestManager(Radius, viewCap: viewCap);
            var allPairs = new AllPairsInterest(Radius, viewCap: viewCap);
            var model = new Model(viewCap);
            var nextId = 0;
            var ids = new List<PlayerId>();

            Vec3 Spawn()
            {
                double x, z;
                if (clustered)
                {
                    var s = spots[rng.Next(spots.Length)];
                    (x, z) = (s.X + GridTests.Gaussian(rng) * 50, s.Z + GridTests.Gaussian(rng) * 50);
                }
                else
                {
                    (x, z) = (rng.NextDouble() * 1000, rng.NextDouble() * 1000);
                }
                // A lattice every 25 units makes exact-radius distances and cell-border positions common.
                if (rng.NextDouble() < 0.25) (x, z) = (Math.Round(x / 25) * 25, Math.Round(z / 25) * 25);
                return new Vec3(x, rng.NextDouble() * 30, z);
            }

            void Apply(Action<IInterestManager> op, Action<Model> onModel)
            {
                op(grid);
                op(allPairs);
                onModel(model);
            }

            for (var i = 0; i < players; i++)
            {
                var id = new PlayerId("p" + nextId++);
                ids.Add(id);
                var at = Spawn();
                Apply(m => Assert.True(m.Join(id, at)), m => m.Join(id, at));
            }

            for (var tick = 0; tick < 20; tick++)
            {
                foreach (var id in ids.ToList())
                {
                    var roll = rng.NextDouble();
                    if (!model.Present.Contains(id))
                    {
                        if (roll < 0.3)
                        {
                            var at = rng.NextDouble() < 0.5 ? model.Position[id] : Spawn(); // reconnect in place or elsewhere
                            Apply(m => m.Join(id, at), m => m.Join(id, at));
                        }
                        continue;
                    }
                    if (roll < 0.6)
                    {
                        var p = model.Position[id];
                        var step = rng.NextDouble() < 0.1 ? 0 : 1.0; // some moves go nowhere
                        var at = new Vec3(p.X + (rng.NextDouble() * 2 - 1) * step, p.Y, p.Z + (rng.NextDouble() * 2 - 1) * step);
                        Apply(m => Assert.True(m.Move(id, at)), m => m.Move(id, at));
                    }
                    else if (roll < 0.63)
                    {
                        var at = Spawn(); // hardline
                        Apply(m => Assert.True(m.Move(id, at)), m => m.Move(id, at));
                    }
                    else if (roll < 0.66)
                    {
                        Apply(m => Assert.True(m.Leave(id)), m => m.Leave(id));
                        if (rng.NextDouble() < 0.3)
                        {
                            var at = rng.NextDouble() < 0.5 ? model.Position[id] : Spawn(); // back before the tick
                            Apply(m => m.Join(id, at), m => m.Join(id, at));
                        }
                    }
                }
                for (var j = rng.Next(4); j > 0; j--)
                {
                    var id = new PlayerId("p" + nextId++);
                    ids.Add(id);
                    var at = Spawn();
                    Apply(m => m.Join(id, at), m => m.Join(id, at));
                    if (rng.NextDouble() < 0.2) Apply(m => m.Leave(id), m => m.Leave(id)); // gone before anyone noticed
                }

                var expected = model.Tick();
                var fromGrid = grid.Tick();
                var fromAllPairs = allPairs.Tick();
                var where = $"seed {seed} world {world} tick {tick}";
                AssertBatches(expected, fromGrid, where + " (grid)");
                AssertBatches(expected, fromAllPairs, where + " (all pairs)");

                Assert.Equal(model.Present.Count, grid.Count);
                Assert.Equal(model.Present.Count, allPairs.Count);
                var view = new List<PlayerId>();
                foreach (var viewer in model.Present)
                {
                    view.Clear();
                    grid.CopyViewTo(viewer, view);
                    var gridView = view.ToHashSet();
                    Assert.Equal(view.Count, gridView.Count);
                    view.Clear();
                    allPairs.CopyViewTo(viewer, view);
                    if (!gridView.SetEquals(model.View[viewer]) || !view.ToHashSet().SetEquals(model.View[viewer]))
                        Assert.Fail($"{where}: views of {viewer} differ");
                    // What an arrival at the viewer's spot is told: the same rule, asked between ticks.
                    view.Clear();
                    grid.CopyNearestTo(model.Position[viewer], viewer, view);
                    if (view.Count != model.View[viewer].Count || !view.ToHashSet().SetEquals(model.View[viewer]))
                        Assert.Fail($"{where}: the nearest to {viewer}'s spot differ from its view");
                }
            }
        }
    }

    /// <summary>
    /// Ticks after which only arrivals happened take a shorter path (InterestManager.JoinsOnlyTick: each arrival offered
    /// to the views around it): crowds standing on a few exact points (every distance tied, so the id tie-break picks
    /// the views), players arriving tick after tick, some leaving or moving before their first tick, and now and then a
    /// tick where someone already there moves or leaves (the full path). Views and batches must match the model's.
    /// </summary>
    [Theory]
    [InlineData(11, 5)]
    [InlineData(12, 7)]
    [InlineData(13, 40)]
    [InlineData(14, 1)]
    [InlineData(15, int.MaxValue)]
    public void Arrivals_into_standing_crowds_give_the_views_of_the_rules(int seed, int viewCap)
    {
        var rng = new Random(seed);
        var spots = new[] { new Vec3(100, 0, 100), new Vec3(150, 0, 100), new Vec3(100, 0, 175), new Vec3(400, 0, 400) };
        var grid = new InterestManager(Radius, viewCap: viewCap);
        var model = new Model(viewCap);
        var ids = new List<PlayerId>();
        var nextId = 0;

        Vec3 Spot()
        {
            var s = spots[rng.Next(spots.Length)];
            return rng.NextDouble() < 0.7 ? s : new Vec3(s.X + rng.Next(-3, 4) * 25, 0, s.Z + rng.Next(-3, 4) * 25);
        }

        void Apply(Action<IInterestManager> op, Action<Model> onModel)
        {
            op(grid);
            onModel(model);
        }

        var arrivalOnlyTicks = 0;
        for (var tick = 0; tick < 60; tick++)
        {
            // Ids in random order, so an arrival's id may come before or after the ids of those already in view.
            for (var j = rng.Next(1, 12); j > 0; j--)
            {
                var id = new PlayerId($"p{rng.Next(1000):D3}-{nextId++}");
                var at = Spot();
                Apply(m => Assert.True(m.Join(id, at)), m => m.Join(id, at));
                var roll = rng.NextDouble();
                if (roll < 0.1)
                {
                    Apply(m => m.Leave(id), m => m.Leave(id)); // gone before anyone noticed
                    if (rng.NextDouble() < 0.5)
                    {
                        var back = Spot();
                        Apply(m => m.Join(id, back), m => m.Join(id, back));
                    }
                }
                else if (roll < 0.2)
                {
                    var there = Spot();
                    Apply(m => m.Move(id, there), m => m.Move(id, there)); // moved before its first tick
                }
                if (model.Present.Contains(id)) ids.Add(id);
            }
            if (rng.NextDouble() < 0.25 && ids.Count > 0)
            {
                var id = ids[rng.Next(ids.Count)];
                if (rng.NextDouble() < 0.5)
                {
                    var at = Spot();
                    Apply(m => m.Move(id, at), m => m.Move(id, at));
                }
                else
                {
                    Apply(m => m.Leave(id), m => m.Leave(id));
                    ids.Remove(id);
                }
            }
            else
            {
                arrivalOnlyTicks++;
            }

            var where = $"seed {seed} tick {tick}";
            AssertBatches(model.Tick(), grid.Tick(), where);
            var view = new List<PlayerId>();
            foreach (var viewer in model.Present)
            {
                view.Clear();
                grid.CopyViewTo(viewer, view);
                if (view.Count != model.View[viewer].Count || !view.ToHashSet().SetEquals(model.View[viewer]))
                    Assert.Fail($"{where}: views of {viewer} differ");
            }
        }
        Assert.True(arrivalOnlyTicks > 30, "the test should mostly exercise ticks with arrivals only");
        Assert.True(model.Present.Count > Math.Min(viewCap, 100), "the crowds should outgrow the views");
    }

    private static void AssertBatches(
        Dictionary<PlayerId, (HashSet<Seen> Moved, HashSet<Seen> Entered, HashSet<PlayerId> Left)> expected,
        IReadOnlyList<ViewUpdate> actual,
        string where)
    {
        Assert.Equal(actual.Count, actual.Select(b => b.Viewer).Distinct().Count()); // one batch per player
        foreach (var batch in actual)
        {
            if (!expected.TryGetValue(batch.Viewer, out var e))
                Assert.Fail($"{where}: unexpected batch for {batch.Viewer}");
            Assert.True(batch.Moved.Count + batch.Entered.Count + batch.Left.Count > 0, $"{where}: empty batch");
            // Set equality, and no duplicates.
            if (batch.Moved.Count != e.Moved.Count || !e.Moved.SetEquals(batch.Moved))
                Assert.Fail($"{where}: {batch.Viewer} moved [{string.Join(", ", batch.Moved)}] expected [{string.Join(", ", e.Moved)}]");
            if (batch.Entered.Count != e.Entered.Count || !e.Entered.SetEquals(batch.Entered))
                Assert.Fail($"{where}: {batch.Viewer} entered [{string.Join(", ", batch.Entered)}] expected [{string.Join(", ", e.Entered)}]");
            if (batch.Left.Count != e.Left.Count || !e.Left.SetEquals(batch.Left))
                Assert.Fail($"{where}: {batch.Viewer} left [{string.Join(", ", batch.Left)}] expected [{string.Join(", ", e.Left)}]");
            Assert.DoesNotContain(batch.Moved, s => s.Player == batch.Viewer);
            Assert.DoesNotContain(batch.Entered, s => s.Player == batch.Viewer);
        }
        Assert.Equal(expected.Count, actual.Count);
    }

    [Fact]
    public void Nothing_beyond_the_radius_is_ever_reported()
    {
        var rng = new Random(7);
        var interest = new InterestManager(Radius);
        var positions = new Dictionary<PlayerId, Vec3>();
        for (var i = 0; i < 400; i++)
        {
            var id = new PlayerId("p" + i);
            positions[id] = new Vec3(rng.NextDouble() * 600, 0, rng.NextDouble() * 600);
            interest.Join(id, positions[id]);
        }
        for (var tick = 0; tick < 30; tick++)
        {
            foreach (var id in positions.Keys.ToList())
            {
                var p = positions[id];
                positions[id] = p with { X = p.X + rng.NextDouble() * 10 - 5, Z = p.Z + rng.NextDouble() * 10 - 5 };
                interest.Move(id, positions[id]);
            }
            foreach (var batch in interest.Tick())
            {
                var at = positions[batch.Viewer];
                foreach (var seen in batch.Moved.Concat(batch.Entered))
                {
                    Assert.Equal(positions[seen.Player], seen.Position); // the latest state
                    var dx = seen.Position.X - at.X;
                    var dz = seen.Position.Z - at.Z;
                    Assert.True(Math.Sqrt(dx * dx + dz * dz) <= Radius + 1e-9, $"{seen.Player} reported to {batch.Viewer} from afar");
                }
            }
        }
    }
}

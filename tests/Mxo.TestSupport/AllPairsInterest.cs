using Mxo.Actors.World;
using Mxo.Protocol;

namespace Mxo.TestSupport;

/// <summary>
/// The reference implementation of <see cref="IInterestManager"/>, kept with the tests (not shipped in the node): every viewer checks every other player (O(n²) per
/// tick) and keeps its view as a hash set. Written for obviousness, not speed; the property tests compare
/// <see cref="InterestManager"/> against it and the tick benchmark uses it as the baseline. Buffers are reused between
/// ticks like the grid's, so the benchmark compares the algorithms rather than the garbage collector.
/// </summary>
public sealed class AllPairsInterest : IInterestManager
{
    private readonly double _radius;
    private readonly int _maxPlayers;
    private readonly int _viewCap;
    private readonly List<(double Distance2, Entry Other)> _inRadius = new();
    private readonly Dictionary<PlayerId, Entry> _byId = new();
    private readonly List<Entry> _entries = new(); // present and departed-since-last-tick, in join order
    private readonly List<ViewUpdate> _batches = new();
    private int _departedCount;

    public AllPairsInterest(double radius = InterestManager.DefaultRadius, int maxPlayers = InterestManager.DefaultMaxPlayers,
        int viewCap = InterestManager.DefaultViewCap)
    {
        if (!double.IsFinite(radius) || radius < 1)
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be finite and at least 1");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPlayers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(viewCap, 1);
        _radius = radius;
        _maxPlayers = maxPlayers;
        _viewCap = viewCap;
    }

    public double Radius => _radius;

    public int ViewCap => _viewCap;

    public int Count => _byId.Count - _departedCount;

    public bool Contains(PlayerId player) => _byId.TryGetValue(player, out var e) && !e.Departed;

    public bool Join(PlayerId player, Vec3 position)
    {
        if (!position.IsValid) throw new ArgumentOutOfRangeException(nameof(position), position, "position must be finite and within the world limit");
        if (_byId.TryGetValue(player, out var existing))
        {
            if (existing.Departed)
            {
                existing.Departed = false;
                _departedCount--;
            }
            SetPosition(existing, position);
            return true;
        }
        if (_byId.Count >= _maxPlayers) return false;
        var entry = new Entry(player, position);
        _byId.Add(player, entry);
        _entries.Add(entry);
        return true;
    }

    public bool Move(PlayerId player, Vec3 position)
    {
        if (!position.IsValid) throw new ArgumentOutOfRangeException(nameof(position), position, "position must be finite and within the world limit");
        if (!_byId.TryGetValue(player, out var entry) || entry.Departed) return false;
        SetPosition(entry, position);
        return true;
    }

    public bool Leave(PlayerId player)
    {
        if (!_byId.TryGetValue(player, out var entry) || entry.Departed) return false;
        entry.Departed = true;
        _departedCount++;
        return true;
    }

    public IReadOnlyList<ViewUpdate> Tick()
    {
        _batches.Clear();
        var r2 = _radius * _radius;
        var entries = _entries;
        for (var v = 0; v < entries.Count; v++)
        {
            var viewer = entries[v];
            if (viewer.Departed) continue;
            viewer.Next.Clear();
            viewer.MovedOut.Clear();
            viewer.EnteredOut.Clear();
            viewer.LeftOut.Clear();
            _inRadius.Clear();
            for (var o = 0; o < entries.Count; o++)
            {
                var other = entries[o];
                if (ReferenceEquals(other, viewer) || other.Departed) continue;
                var dx = other.Position.X - viewer.Position.X;
                var dz = other.Position.Z - viewer.Position.Z;
                var d2 = dx * dx + dz * dz;
                if (d2 <= r2) _inRadius.Add((d2, other));
            }
            // The nearest ViewCap: a full sort by (squared distance, id), the obvious way.
            if (_inRadius.Count > _viewCap)
            {
                _inRadius.Sort((a, b) => a.Distance2 != b.Distance2
                    ? a.Distance2.CompareTo(b.Distance2)
                    : string.CompareOrdinal(a.Other.Id.Value, b.Other.Id.Value));
                _inRadius.RemoveRange(_viewCap, _inRadius.Count - _viewCap);
            }
            foreach (var (_, other) in _inRadius)
            {
                viewer.Next.Add(other);
                if (!viewer.View.Contains(other)) viewer.EnteredOut.Add(new Seen(other.Id, other.Position));
                else if (other.Moved) viewer.MovedOut.Add(new Seen(other.Id, other.Position));
            }
            foreach (var seen in viewer.View)
            {
                if (!viewer.Next.Contains(seen)) viewer.LeftOut.Add(seen.Id);
            }
            (viewer.View, viewer.Next) = (viewer.Next, viewer.View);
            if (viewer.MovedOut.Count + viewer.EnteredOut.Count + viewer.LeftOut.Count > 0)
                _batches.Add(new ViewUpdate(viewer.Id, viewer.MovedOut, viewer.EnteredOut, viewer.LeftOut));
        }

        if (_departedCount > 0)
        {
            entries.RemoveAll(e =>
            {
                if (!e.Departed) return false;
                _byId.Remove(e.Id);
                return true;
            });
            _departedCount = 0;
        }
        foreach (var entry in entries) entry.Moved = false;
        return _batches;
    }

    public void CopyViewTo(PlayerId viewer, List<PlayerId> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (!_byId.TryGetValue(viewer, out var entry) || entry.Departed) return;
        foreach (var other in entry.View) into.Add(other.Id);
    }

    private static void SetPosition(Entry entry, Vec3 position)
    {
        if (entry.Position == position) return;
        entry.Position = position;
        entry.Moved = true;
    }

    private sealed class Entry(PlayerId id, Vec3 position)
    {
        public PlayerId Id { get; } = id;
        public Vec3 Position { get; set; } = position;
        public bool Moved { get; set; }
        public bool Departed { get; set; }
        public HashSet<Entry> View { get; set; } = new(ReferenceEqualityComparer.Instance);
        public HashSet<Entry> Next { get; set; } = new(ReferenceEqualityComparer.Instance);
        public List<Seen> MovedOut { get; } = new();
        public List<Seen> EnteredOut { get; } = new();
        public List<PlayerId> LeftOut { get; } = new();
    }
}

using Mxo.Protocol;

namespace Mxo.Actors.World;

/// <summary>Another player as a viewer sees it: who, and where (latest position at the tick).</summary>
public readonly record struct Seen(PlayerId Player, Vec3 Position);

/// <summary>
/// One viewer's batch for one tick: players in view that moved since the last tick (latest position), players that came
/// into view (joined the district or came within the radius), and players that went out of view (left the district or
/// went beyond the radius). Never the viewer itself, never anyone beyond the radius.
/// </summary>
/// <remarks>
/// The lists are buffers owned by the interest manager and reused by its next <see cref="IInterestManager.Tick"/>:
/// read or copy them before the next tick, and never hand them to another actor as they are.
/// </remarks>
public readonly record struct ViewUpdate(
    PlayerId Viewer,
    IReadOnlyList<Seen> Moved,
    IReadOnlyList<Seen> Entered,
    IReadOnlyList<PlayerId> Left);

/// <summary>
/// A list the interest manager fills and reuses tick after tick (the buffers behind <see cref="ViewUpdate"/>).
/// Clearing it only resets the count: entries past <see cref="Count"/> keep their old values, which hold nothing but
/// player ids and positions, until they are overwritten. Not thread-safe.
/// </summary>
public sealed class ReusableList<T> : IReadOnlyList<T>
{
    private T[] _items = [];
    private int _count;

    public int Count => _count;

    public T this[int index] => (uint)index < (uint)_count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The entries as a span (valid until the list is next filled).</summary>
    public ReadOnlySpan<T> AsSpan() => _items.AsSpan(0, _count);

    public T[] ToArray() => AsSpan().ToArray();

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Reset() => _count = 0;

    internal void Add(T item)
    {
        if (_count == _items.Length) Array.Resize(ref _items, Math.Max(16, _items.Length * 2));
        _items[_count++] = item;
    }

    public struct Enumerator(ReusableList<T> list) : IEnumerator<T>
    {
        private int _index = -1;

        public readonly T Current => list._items[_index];

        readonly object? System.Collections.IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < list._count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}

/// <summary>
/// Interest management for one district (issue 4): who sees whom, and what each player must be told per tick.
/// Single-threaded; the district actor owns it.
/// </summary>
/// <remarks>
/// Semantics shared by every implementation (the property tests hold them to it):
/// <list type="bullet">
/// <item>B is in A's view after a tick when both are in the district, A ≠ B, and their ground-plane (X/Z) distance is
/// at most <see cref="Radius"/> at that tick — exact, boundary included, no hysteresis (a player walking along the
/// edge may leave and re-enter view on consecutive ticks; the batches stay small because it is one id each time).</item>
/// <item>A player who left and joined again between two ticks counts as having stayed (and moved, if its position changed).</item>
/// <item>A player who joined and left between two ticks is never reported.</item>
/// <item>A move to the same position is not a move.</item>
/// </list>
/// </remarks>
public interface IInterestManager
{
    /// <summary>The interest radius in world units (ground plane).</summary>
    double Radius { get; }

    /// <summary>Players in the district (joined and not left).</summary>
    int Count { get; }

    bool Contains(PlayerId player);

    /// <summary>
    /// Adds a player (reported as entered to those within the radius at the next tick). Joining again while present is a
    /// move. False when the district is full.
    /// </summary>
    bool Join(PlayerId player, Vec3 position);

    /// <summary>Records the player's latest position; false when it is not in the district.</summary>
    bool Move(PlayerId player, Vec3 position);

    /// <summary>Removes a player (reported as left to those who saw it, at the next tick); false when it was not there.</summary>
    bool Leave(PlayerId player);

    /// <summary>
    /// Recomputes every view and returns one batch per player that has something to hear (empty batches are skipped).
    /// The result and its lists stay valid until the next call.
    /// </summary>
    IReadOnlyList<ViewUpdate> Tick();

    /// <summary>Appends the players in <paramref name="viewer"/>'s view as of the last tick.</summary>
    void CopyViewTo(PlayerId viewer, List<PlayerId> into);
}

/// <summary>
/// Grid-based interest management: a <see cref="SpatialGrid"/> with the cell size equal to the radius, so each view is
/// computed from at most 3 × 3 cells instead of every player (looked up once per cell, see
/// <see cref="SpatialGrid.QueryAll{TVisitor}"/>). Views are lists of grid handles and the per-tick diff
/// (moved / entered / left) uses a stamp array, so a tick does no hashing, no sorting and — once the buffers have grown
/// to the district's crowd — no allocation.
/// </summary>
public sealed class InterestManager : IInterestManager
{
    /// <summary>The seed's interest radius.</summary>
    public const double DefaultRadius = 100;

    /// <summary>Bound on players per district (DESIGN.md decision 6).</summary>
    public const int DefaultMaxPlayers = 10_000;

    private readonly SpatialGrid _grid;
    private readonly double _radius;
    private readonly int _maxPlayers;
    private readonly List<ViewUpdate> _batches = new();
    private readonly TickVisitor _visitor;
    private readonly List<int> _departures = new();
    private int _departedCount;
    private long _stamp;

    // Per grid handle.
    private bool[] _moved = [];
    private bool[] _departed = [];
    private long[] _mark = [];
    private List<int>[] _view = [];
    private List<int>[] _nextView = [];
    private ReusableList<Seen>[] _movedOut = [];
    private ReusableList<Seen>[] _enteredOut = [];
    private ReusableList<PlayerId>[] _leftOut = [];

    public InterestManager(double radius = DefaultRadius, int maxPlayers = DefaultMaxPlayers)
    {
        if (!double.IsFinite(radius) || radius < 1)
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be finite and at least 1");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPlayers, 1);
        _radius = radius;
        _maxPlayers = maxPlayers;
        var capacity = Math.Min(maxPlayers, 64);
        _grid = new SpatialGrid(radius, capacity);
        _visitor = new TickVisitor(this);
        EnsureCapacity(capacity);
    }

    public double Radius => _radius;

    public int MaxPlayers => _maxPlayers;

    public int Count => _grid.Count - _departedCount;

    public bool Contains(PlayerId player) => _grid.TryGetHandle(player, out var handle) && !_departed[handle];

    public bool TryGetPosition(PlayerId player, out Vec3 position)
    {
        if (_grid.TryGetHandle(player, out var handle) && !_departed[handle])
        {
            position = _grid.PositionOf(handle);
            return true;
        }
        position = default;
        return false;
    }

    public bool Join(PlayerId player, Vec3 position)
    {
        if (_grid.TryGetHandle(player, out var handle))
        {
            if (_departed[handle])
            {
                _departed[handle] = false;
                _departedCount--;
            }
            MoveHandle(handle, position);
            return true;
        }
        // Players who left since the last tick still hold their handle until it, so they count against the bound.
        if (_grid.Count >= _maxPlayers) return false;
        handle = _grid.Add(player, position);
        EnsureCapacity(_grid.HandleCapacity);
        _moved[handle] = false; // it is "entered" for everyone, never "moved"
        _departed[handle] = false;
        _view[handle].Clear();
        return true;
    }

    public bool Move(PlayerId player, Vec3 position)
    {
        if (!_grid.TryGetHandle(player, out var handle) || _departed[handle]) return false;
        MoveHandle(handle, position);
        return true;
    }

    public bool Leave(PlayerId player)
    {
        if (!_grid.TryGetHandle(player, out var handle) || _departed[handle]) return false;
        // Stays in the grid (filtered out of every query) until the tick has told its viewers, so its handle cannot be
        // reused by a join while old views still refer to it.
        _departed[handle] = true;
        _departedCount++;
        _departures.Add(handle);
        return true;
    }

    public IReadOnlyList<ViewUpdate> Tick()
    {
        _batches.Clear();
        var capacity = _grid.HandleCapacity;
        _grid.QueryAll(_radius, _visitor);
        foreach (var handle in _departures)
        {
            if (!_departed[handle]) continue; // joined again before the tick
            _departed[handle] = false;
            _departedCount--;
            _view[handle].Clear();
            _nextView[handle].Clear();
            _movedOut[handle].Reset();
            _enteredOut[handle].Reset();
            _leftOut[handle].Reset();
            _grid.Remove(_grid.IdOf(handle));
        }
        _departures.Clear();
        Array.Clear(_moved, 0, capacity);
        return _batches;
    }

    /// <summary>One viewer's part of the tick: diff the new view against the old and fill the viewer's batch.</summary>
    private void Update(int viewer, List<int> candidates)
    {
        if (_departed[viewer]) return;
        var old = _view[viewer];
        var next = _nextView[viewer];
        var moved = _movedOut[viewer];
        var entered = _enteredOut[viewer];
        var left = _leftOut[viewer];
        next.Clear();
        moved.Reset();
        entered.Reset();
        left.Reset();

        // Old view marked with `stamp`; those found again are re-marked `stamp + 1`; the rest have left.
        _stamp += 2;
        var stamp = _stamp;
        var mark = _mark;
        var departed = _departed;
        for (var i = 0; i < old.Count; i++) mark[old[i]] = stamp;
        for (var i = 0; i < candidates.Count; i++)
        {
            var other = candidates[i];
            if (other == viewer || departed[other]) continue;
            next.Add(other);
            if (mark[other] == stamp)
            {
                mark[other] = stamp + 1;
                if (_moved[other]) moved.Add(new Seen(_grid.IdOf(other), _grid.PositionOf(other)));
            }
            else
            {
                entered.Add(new Seen(_grid.IdOf(other), _grid.PositionOf(other)));
            }
        }
        for (var i = 0; i < old.Count; i++)
        {
            if (mark[old[i]] == stamp) left.Add(_grid.IdOf(old[i]));
        }

        _view[viewer] = next;
        _nextView[viewer] = old;
        if (moved.Count + entered.Count + left.Count > 0)
            _batches.Add(new ViewUpdate(_grid.IdOf(viewer), moved, entered, left));
    }

    private sealed class TickVisitor(InterestManager owner) : INeighbourVisitor
    {
        public void Visit(int handle, List<int> neighbours) => owner.Update(handle, neighbours);
    }

    public void CopyViewTo(PlayerId viewer, List<PlayerId> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (!_grid.TryGetHandle(viewer, out var handle) || _departed[handle]) return;
        foreach (var other in _view[handle]) into.Add(_grid.IdOf(other));
    }

    private void MoveHandle(int handle, Vec3 position)
    {
        if (_grid.PositionOf(handle) == position) return;
        _grid.MoveHandle(handle, position);
        _moved[handle] = true;
    }

    private void EnsureCapacity(int needed)
    {
        var size = _moved.Length;
        if (needed <= size) return;
        var grown = Math.Max(needed, size * 2);
        Array.Resize(ref _moved, grown);
        Array.Resize(ref _departed, grown);
        Array.Resize(ref _mark, grown);
        Array.Resize(ref _view, grown);
        Array.Resize(ref _nextView, grown);
        Array.Resize(ref _movedOut, grown);
        Array.Resize(ref _enteredOut, grown);
        Array.Resize(ref _leftOut, grown);
        for (var i = size; i < grown; i++)
        {
            _view[i] = new List<int>();
            _nextView[i] = new List<int>();
            _movedOut[i] = new ReusableList<Seen>();
            _enteredOut[i] = new ReusableList<Seen>();
            _leftOut[i] = new ReusableList<PlayerId>();
        }
    }
}

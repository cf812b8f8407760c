using System.Runtime.CompilerServices;
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
/// The lists are buffers owned by the interest manager (for <see cref="InterestManager"/>: <see cref="SeenList"/> and
/// <see cref="ReusableList{T}"/>) and reused by its next <see cref="IInterestManager.Tick"/>: the district turns each
/// batch into its message (e.g. with <see cref="SeenList.ToArray"/>) right away and never hands the lists themselves
/// to another actor. Their contents do not change before the next tick, whatever moves arrive in between.
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Add(in T item)
    {
        var items = _items;
        var count = _count;
        if ((uint)count < (uint)items.Length)
        {
            items[count] = item;
            _count = count + 1;
            return;
        }
        Grow(item);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(in T item)
    {
        Array.Resize(ref _items, Math.Max(16, _items.Length * 2));
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
/// The players of one batch list (<see cref="ViewUpdate.Moved"/>, <see cref="ViewUpdate.Entered"/>): grid handles,
/// resolved when read against a snapshot of every player's id and position taken when the tick started. Filling a tick
/// therefore writes 4 bytes per entry instead of copying a 32-byte <see cref="Seen"/> with a reference in it; reading
/// costs what copying would have. Reused by the next tick, like every batch buffer.
/// </summary>
public sealed class SeenList : IReadOnlyList<Seen>
{
    private int[] _handles = [];
    private int _count;
    private Seen[] _snapshot = [];

    public int Count => _count;

    public Seen this[int index] =>
        (uint)index < (uint)_count ? _snapshot[_handles[index]] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Copies the entries out (what a district does to turn a batch into a message).</summary>
    public Seen[] ToArray()
    {
        if (_count == 0) return [];
        var result = new Seen[_count];
        CopyTo(result);
        return result;
    }

    public void CopyTo(Span<Seen> destination)
    {
        if (destination.Length < _count) throw new ArgumentException("destination is too short", nameof(destination));
        var handles = _handles;
        var snapshot = _snapshot;
        for (var i = 0; i < _count; i++) destination[i] = snapshot[handles[i]];
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Seen> IEnumerable<Seen>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Reset(Seen[] snapshot)
    {
        _count = 0;
        _snapshot = snapshot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Add(int handle)
    {
        var handles = _handles;
        var count = _count;
        if ((uint)count < (uint)handles.Length)
        {
            handles[count] = handle;
            _count = count + 1;
            return;
        }
        Grow(handle);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int handle)
    {
        Array.Resize(ref _handles, Math.Max(16, _handles.Length * 2));
        _handles[_count++] = handle;
    }

    public struct Enumerator(SeenList list) : IEnumerator<Seen>
    {
        private int _index = -1;

        public readonly Seen Current => list._snapshot[list._handles[_index]];

        readonly object System.Collections.IEnumerator.Current => Current;

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
/// <item>B is in A's view after a tick when both are in the district, A ≠ B, their ground-plane (X/Z) distance is
/// at most <see cref="Radius"/> at that tick — exact, boundary included, no hysteresis (a player walking along the
/// edge may leave and re-enter view on consecutive ticks; the batches stay small because it is one id each time) —
/// and B is one of the <see cref="ViewCap"/> nearest such players to A: ordered by squared distance
/// <c>dx² + dz²</c>, ties by player id (ordinal). A crowd's view is its nearest part, so no frame about it grows
/// with the crowd.</item>
/// <item>A player who left and joined again between two ticks counts as having stayed (and moved, if its position changed).</item>
/// <item>A player who joined and left between two ticks is never reported.</item>
/// <item>A move to the same position is not a move.</item>
/// </list>
/// </remarks>
public interface IInterestManager
{
    /// <summary>The interest radius in world units (ground plane).</summary>
    double Radius { get; }

    /// <summary>At most this many players are in one viewer's view: the nearest (see the rules above).</summary>
    int ViewCap { get; }

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
/// to the district's crowd — no allocation. Batch lists hold handles into a snapshot taken at the start of the tick
/// (<see cref="SeenList"/>).
/// </summary>
public sealed class InterestManager : IInterestManager
{
    /// <summary>The seed's interest radius.</summary>
    public const double DefaultRadius = 100;

    /// <summary>Bound on players per district (docs/architecture.md, decision 6).</summary>
    public const int DefaultMaxPlayers = 10_000;

    /// <summary>
    /// Bound on one viewer's view (the nearest players). At 100–150 bytes an entry (id, name, position), a full view's
    /// <c>entered</c> is 10–15 KiB, well under the protocol's 64 KiB frame limit, however many players stand together.
    /// </summary>
    public const int DefaultViewCap = 100;

    private readonly SpatialGrid _grid;
    private readonly double _radius;
    private readonly int _maxPlayers;
    private readonly int _viewCap;
    private Nearby[] _nearby = [];
    private readonly List<ViewUpdate> _batches = new();
    private readonly TickVisitor _visitor;
    private readonly List<int> _departures = new();
    private readonly List<int> _nearest = new();
    private readonly List<int> _queryScratch = new();
    private int _departedCount;
    private long _stamp;

    // Whether anyone joined, moved or left since the last tick. Views depend on nothing else, so a tick after none of
    // these has nothing to say and skips the whole computation: a crowd standing still costs no tick work.
    private bool _changed;

    // Whether anything but arrivals happened since the last tick: a player already in the district moved or left. Until
    // it does, every view is still the nearest part of the players it had plus those who arrived, so a tick that only
    // has arrivals updates the views around each arrival (JoinsOnlyTick) instead of recomputing every view: a crowd
    // standing on a spawn point while players keep arriving costs each arrival's neighbours, not every pair.
    private bool _othersChanged;
    private readonly List<int> _arrivals = new();
    private readonly List<int> _touched = new();
    private long _touchStamp;

    // Per grid handle. What the tick reads for every candidate pair is packed into two arrays (a 16-byte slot and the
    // 32-byte Seen), so that the ~100–500 candidates around one cell stay in L1 while its players are processed.
    private Slot[] _slots = [];
    private Seen[] _seen = [];
    private Seen[] _snapshot = [];
    private Viewer[] _viewers = [];

    public InterestManager(double radius = DefaultRadius, int maxPlayers = DefaultMaxPlayers, int viewCap = DefaultViewCap)
    {
        if (!double.IsFinite(radius) || radius < 1)
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be finite and at least 1");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPlayers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(viewCap, 1);
        _radius = radius;
        _maxPlayers = maxPlayers;
        _viewCap = viewCap;
        var capacity = Math.Min(maxPlayers, 64);
        _grid = new SpatialGrid(radius, capacity);
        _visitor = new TickVisitor(this);
        EnsureCapacity(capacity);
    }

    public double Radius => _radius;

    public int ViewCap => _viewCap;

    public int MaxPlayers => _maxPlayers;

    public int Count => _grid.Count - _departedCount;

    public bool Contains(PlayerId player) => _grid.TryGetHandle(player, out var handle) && !_slots[handle].Departed;

    public bool TryGetPosition(PlayerId player, out Vec3 position)
    {
        if (_grid.TryGetHandle(player, out var handle) && !_slots[handle].Departed)
        {
            position = _grid.PositionOf(handle);
            return true;
        }
        position = default;
        return false;
    }

    public bool Join(PlayerId player, Vec3 position)
    {
        _changed = true;
        if (_grid.TryGetHandle(player, out var handle))
        {
            if (_slots[handle].Departed)
            {
                _slots[handle].Departed = false;
                _departedCount--;
                if (!_slots[handle].Arrived) _othersChanged = true;
            }
            MoveHandle(handle, position);
            return true;
        }
        // Players who left since the last tick still hold their handle until it, so they count against the bound.
        if (_grid.Count >= _maxPlayers) return false;
        handle = _grid.Add(player, position);
        EnsureCapacity(_grid.HandleCapacity);
        _slots[handle] = new Slot { Arrived = true }; // it is "entered" for everyone, never "moved"
        _arrivals.Add(handle);
        _seen[handle] = new Seen(player, position);
        _viewers[handle].Clear();
        return true;
    }

    public bool Move(PlayerId player, Vec3 position)
    {
        if (!_grid.TryGetHandle(player, out var handle) || _slots[handle].Departed) return false;
        MoveHandle(handle, position);
        return true;
    }

    public bool Leave(PlayerId player)
    {
        if (!_grid.TryGetHandle(player, out var handle) || _slots[handle].Departed) return false;
        // Stays in the grid (skipped by every view) until the tick has told its viewers, so its handle cannot be
        // reused by a join while old views still refer to it.
        _changed = true;
        if (!_slots[handle].Arrived) _othersChanged = true;
        _slots[handle].Departed = true;
        _departedCount++;
        _departures.Add(handle);
        return true;
    }

    public IReadOnlyList<ViewUpdate> Tick()
    {
        _batches.Clear();
        if (!_changed) return _batches;
        _changed = false;
        // The batches read ids and positions from this copy, so later moves cannot change a batch already handed out.
        if (_snapshot.Length != _seen.Length) _snapshot = new Seen[_seen.Length];
        Array.Copy(_seen, _snapshot, Math.Min(_grid.HandleCapacity, _seen.Length));
        if (_othersChanged) _grid.QueryAll(_radius, _visitor);
        else JoinsOnlyTick();
        _othersChanged = false;
        foreach (var handle in _arrivals) _slots[handle].Arrived = false;
        _arrivals.Clear();
        foreach (var handle in _departures)
        {
            if (!_slots[handle].Departed) continue; // joined again before the tick
            _slots[handle] = default;
            _departedCount--;
            _viewers[handle].Clear();
            _grid.Remove(_seen[handle].Player);
            _seen[handle] = default;
        }
        _departures.Clear();
        var slots = _slots;
        var capacity = Math.Min(_grid.HandleCapacity, slots.Length);
        for (var i = 0; i < capacity; i++) slots[i].Moved = false;
        return _batches;
    }

    public void CopyViewTo(PlayerId viewer, List<PlayerId> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (!_grid.TryGetHandle(viewer, out var handle) || _slots[handle].Departed) return;
        foreach (var other in _viewers[handle].View) into.Add(_seen[other].Player);
    }

    /// <summary>One viewer's part of the tick: diff the new view against the old and fill the viewer's batch.</summary>
    private void Update(int viewer, List<int> candidates)
    {
        var slots = _slots;
        if (slots[viewer].Departed) return;
        var seen = _snapshot;
        var state = _viewers[viewer];
        state.WorstKnown = false;
        var old = state.View;
        var next = state.Next;
        var moved = state.Moved;
        var entered = state.Entered;
        var left = state.Left;
        next.Clear();
        moved.Reset(seen);
        entered.Reset(seen);
        left.Reset();

        // A crowd: only the nearest ViewCap of those within the radius are in view.
        if (candidates.Count - 1 > _viewCap) candidates = Nearest(seen, seen[viewer].Position, viewer, candidates);

        // Old view marked with `stamp`; those found again are re-marked `stamp + 1`; the rest have left.
        _stamp += 2;
        var stamp = _stamp;
        for (var i = 0; i < old.Count; i++) slots[old[i]].Mark = stamp;
        for (var i = 0; i < candidates.Count; i++)
        {
            var other = candidates[i];
            if (other == viewer) continue;
            ref var slot = ref slots[other];
            if (slot.Departed) continue;
            next.Add(other);
            if (slot.Mark == stamp)
            {
                slot.Mark = stamp + 1;
                if (slot.Moved) moved.Add(other);
            }
            else
            {
                entered.Add(other);
            }
        }
        for (var i = 0; i < old.Count; i++)
        {
            if (slots[old[i]].Mark == stamp) left.Add(seen[old[i]].Player);
        }

        state.View = next;
        state.Next = old;
        if (moved.Count + entered.Count + left.Count > 0)
            _batches.Add(new ViewUpdate(seen[viewer].Player, moved, entered, left));
    }

    /// <summary>
    /// A tick after which the only change is arrivals (nobody already in the district moved or left): each arrival's
    /// view is computed in full (<see cref="Update"/>), and each arrival is offered to the views of the players within
    /// the radius of it (the same pairs, by symmetry); everyone else's view cannot have changed. Gives the same views
    /// and batches as the full tick: those views were the nearest <see cref="ViewCap"/> of the same players at the same
    /// positions, and inserting the arrivals one at a time into a bounded nearest-set gives the nearest of the union.
    /// </summary>
    private void JoinsOnlyTick()
    {
        var slots = _slots;
        var candidates = _queryScratch;
        _touchStamp++;
        _touched.Clear();
        foreach (var arrival in _arrivals)
        {
            if (slots[arrival].Departed) continue; // joined and left between two ticks: never reported
            var at = _snapshot[arrival].Position;
            candidates.Clear();
            _grid.QueryRadius(at.X, at.Z, _radius, candidates); // the arrival itself included, as QueryAll hands them
            Update(arrival, candidates);
            for (var i = 0; i < candidates.Count; i++)
            {
                var viewer = candidates[i];
                if (viewer == arrival || slots[viewer].Arrived || slots[viewer].Departed) continue;
                Offer(viewer, arrival);
            }
        }
        candidates.Clear();
        foreach (var viewer in _touched) FinishOffers(viewer);
    }

    /// <summary>
    /// Puts <paramref name="arrival"/> into <paramref name="viewer"/>'s next view if it is among the nearest. A full view
    /// keeps its farthest player's key from one offer to the next, so an arrival that does not get in (in a crowd, most
    /// of them) costs one comparison and no copy.
    /// </summary>
    private void Offer(int viewer, int arrival)
    {
        ref var slot = ref _slots[viewer];
        var state = _viewers[viewer];
        var touched = slot.Touched == _touchStamp;
        var current = touched ? state.Next : state.View;
        var seen = _snapshot;
        var at = seen[viewer].Position;
        if (current.Count >= _viewCap)
        {
            if (!state.WorstKnown) FindWorst(state, current, seen, at);
            if (KeyOf(seen, at, arrival).CompareTo(state.WorstKey) >= 0) return;
        }
        if (!touched)
        {
            slot.Touched = _touchStamp;
            _touched.Add(viewer);
            state.Next.Clear();
            state.Next.AddRange(state.View); // same order, so a known farthest index stays valid
        }
        var next = state.Next;
        if (next.Count < _viewCap) next.Add(arrival);
        else next[state.Worst] = arrival;
        state.WorstKnown = false;
    }

    private static void FindWorst(Viewer state, List<int> view, Seen[] seen, Vec3 at)
    {
        var worst = 0;
        var worstKey = KeyOf(seen, at, view[0]);
        for (var i = 1; i < view.Count; i++)
        {
            var key = KeyOf(seen, at, view[i]);
            if (key.CompareTo(worstKey) > 0)
            {
                worst = i;
                worstKey = key;
            }
        }
        state.Worst = worst;
        state.WorstKey = worstKey;
        state.WorstKnown = true;
    }

    /// <summary>Diffs a viewer's view against the one <see cref="Offer"/> built and fills its batch (arrivals only).</summary>
    private void FinishOffers(int viewer)
    {
        var slots = _slots;
        var seen = _snapshot;
        var state = _viewers[viewer];
        var old = state.View;
        var next = state.Next;
        state.Moved.Reset(seen);
        var entered = state.Entered;
        var left = state.Left;
        entered.Reset(seen);
        left.Reset();
        _stamp += 2;
        var stamp = _stamp;
        for (var i = 0; i < old.Count; i++) slots[old[i]].Mark = stamp;
        for (var i = 0; i < next.Count; i++)
        {
            ref var slot = ref slots[next[i]];
            if (slot.Mark == stamp) slot.Mark = stamp + 1;
            else entered.Add(next[i]);
        }
        for (var i = 0; i < old.Count; i++)
        {
            if (slots[old[i]].Mark == stamp) left.Add(seen[old[i]].Player);
        }
        state.View = next;
        state.Next = old;
        if (entered.Count + left.Count > 0)
            _batches.Add(new ViewUpdate(seen[viewer].Player, state.Moved, entered, left));
    }

    private static Nearby KeyOf(Seen[] seen, Vec3 at, int other)
    {
        var p = seen[other].Position;
        var dx = p.X - at.X;
        var dz = p.Z - at.Z;
        return new Nearby(dx * dx + dz * dz, other, seen[other].Player.Value);
    }

    /// <summary>
    /// Appends the players a viewer standing at <paramref name="centre"/> has in view by the rules above (within the
    /// radius, the <see cref="ViewCap"/> nearest), leaving out <paramref name="except"/> and players who left: what a
    /// player arriving there is told before its first tick. Positions are the latest, not the last tick's.
    /// </summary>
    public void CopyNearestTo(Vec3 centre, PlayerId? except, List<PlayerId> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var candidates = _queryScratch;
        candidates.Clear();
        _grid.QueryRadius(centre.X, centre.Z, _radius, candidates);
        var exceptHandle = except is { } id && _grid.TryGetHandle(id, out var handle) ? handle : -1;
        foreach (var other in Nearest(_seen, centre, exceptHandle, candidates)) into.Add(_seen[other].Player);
        candidates.Clear();
    }

    /// <summary>
    /// Appends every player within the radius of <paramref name="centre"/> (ground plane; the one standing there included,
    /// players who left not), with no cap: who hears a nearby chat line or an emote. Unlike a view, hearing is not
    /// limited to the <see cref="ViewCap"/> nearest: a line is one small frame, and a speaker must not be unheard by
    /// someone standing next to them because a crowd stands a little nearer.
    /// </summary>
    public void CopyWithinRadius(Vec3 centre, List<PlayerId> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var candidates = _queryScratch;
        candidates.Clear();
        _grid.QueryRadius(centre.X, centre.Z, _radius, candidates);
        foreach (var other in candidates)
            if (!_slots[other].Departed) into.Add(_seen[other].Player);
        candidates.Clear();
    }

    /// <summary>
    /// The <see cref="ViewCap"/> nearest of <paramref name="candidates"/> to <paramref name="at"/> (the handle
    /// <paramref name="except"/> and departed players left out; positions and ids from <paramref name="seen"/>), in no
    /// particular order, in a reused list: a selection (average linear time) on (squared distance, player id), so the
    /// result is the same whichever order the grid hands the candidates in.
    /// </summary>
    private List<int> Nearest(Seen[] seen, Vec3 at, int except, List<int> candidates)
    {
        var slots = _slots;
        if (_nearby.Length < candidates.Count) _nearby = new Nearby[Math.Max(candidates.Count, _nearby.Length * 2)];
        var nearby = _nearby;
        var n = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var other = candidates[i];
            if (other == except || slots[other].Departed) continue;
            nearby[n++] = KeyOf(seen, at, other);
        }
        var chosen = _nearest;
        chosen.Clear();
        if (n > _viewCap) Select(nearby.AsSpan(0, n), _viewCap);
        var take = Math.Min(n, _viewCap);
        for (var i = 0; i < take; i++) chosen.Add(nearby[i].Handle);
        return chosen;
    }

    /// <summary>Reorders <paramref name="items"/> so that its first <paramref name="k"/> are the k smallest (quickselect).</summary>
    private static void Select(Span<Nearby> items, int k)
    {
        var lo = 0;
        var hi = items.Length - 1;
        while (lo < hi)
        {
            // A random pivot keeps a crafted arrangement of players from making this quadratic.
            var pivot = items[lo + Random.Shared.Next(hi - lo + 1)];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (items[i].CompareTo(pivot) < 0) i++;
                while (items[j].CompareTo(pivot) > 0) j--;
                if (i <= j)
                {
                    (items[i], items[j]) = (items[j], items[i]);
                    i++;
                    j--;
                }
            }
            // [lo, j] ≤ pivot ≤ [i, hi]; keep the part that holds position k - 1.
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else return;
        }
    }

    private readonly record struct Nearby(double Distance2, int Handle, string Id) : IComparable<Nearby>
    {
        public int CompareTo(Nearby other)
        {
            var byDistance = Distance2.CompareTo(other.Distance2);
            return byDistance != 0 ? byDistance : string.CompareOrdinal(Id, other.Id);
        }
    }

    private void MoveHandle(int handle, Vec3 position)
    {
        if (_seen[handle].Position == position) return;
        _changed = true;
        if (!_slots[handle].Arrived) _othersChanged = true;
        _grid.MoveHandle(handle, position);
        _seen[handle] = _seen[handle] with { Position = position };
        _slots[handle].Moved = true;
    }

    private void EnsureCapacity(int needed)
    {
        var size = _slots.Length;
        if (needed <= size) return;
        var grown = Math.Max(needed, size * 2);
        Array.Resize(ref _slots, grown);
        Array.Resize(ref _seen, grown);
        Array.Resize(ref _viewers, grown);
        for (var i = size; i < grown; i++) _viewers[i] = new Viewer();
    }

    private struct Slot
    {
        /// <summary>Diff stamp (see <see cref="Update"/>).</summary>
        public long Mark;

        /// <summary>Moved since the last tick.</summary>
        public bool Moved;

        /// <summary>Left since the last tick; still in the grid until the tick.</summary>
        public bool Departed;

        /// <summary>Joined since the last tick (a new handle: in nobody's view yet).</summary>
        public bool Arrived;

        /// <summary>The <see cref="JoinsOnlyTick"/> that last offered this viewer an arrival.</summary>
        public long Touched;
    }

    /// <summary>A viewer's current view (grid handles) and its reusable batch buffers.</summary>
    private sealed class Viewer
    {
        public List<int> View = new();
        public List<int> Next = new();
        public readonly SeenList Moved = new();
        public readonly SeenList Entered = new();
        public readonly ReusableList<PlayerId> Left = new();

        /// <summary>
        /// The index of the view's farthest player and its key (<see cref="Offer"/>), while <see cref="WorstKnown"/>:
        /// valid until the view or a position in it changes, i.e. until the next full tick or the next arrival it takes.
        /// </summary>
        public int Worst;
        public Nearby WorstKey;
        public bool WorstKnown;

        public void Clear()
        {
            WorstKnown = false;
            View.Clear();
            Next.Clear();
            Moved.Reset([]);
            Entered.Reset([]);
            Left.Reset();
        }
    }

    private sealed class TickVisitor(InterestManager owner) : INeighbourVisitor
    {
        public void Visit(int handle, List<int> neighbours) => owner.Update(handle, neighbours);
    }
}

using System.Runtime.CompilerServices;
using Mxo.Protocol;

namespace Mxo.Actors.World;

/// <summary>Receives, for one player at a time, the players within the radius of <see cref="SpatialGrid.QueryAll{TVisitor}"/>.</summary>
public interface INeighbourVisitor
{
    /// <param name="handle">A player in the grid.</param>
    /// <param name="neighbours">Handles of the players within the radius of it, itself included, in no particular order.
    /// The list is reused for the next player: read it during the call only, and do not modify the grid.</param>
    void Visit(int handle, List<int> neighbours);
}

/// <summary>
/// A uniform grid over the ground plane (X/Z; Y, the height, is ignored) for radius queries. Mutable and not
/// thread-safe: one district actor owns it. Each player gets a dense integer handle (0 … <see cref="HandleCapacity"/>−1)
/// that stays fixed until the player is removed, after which it may be reused; callers may index their own arrays by it.
/// </summary>
/// <remarks>
/// Cells are stored sparsely (only occupied cells exist), so a player walking across a ±1,000,000-unit world costs no
/// memory for empty space; emptied cells go back to a small bounded pool. With the cell size equal to the query
/// radius a query reads at most 3 × 3 cells. Nothing allocates in steady state (moves, queries) once buffers have grown.
/// </remarks>
public sealed class SpatialGrid
{
    /// <summary>At most this many empty cells are kept for reuse (docs/architecture.md, decision 6).</summary>
    private const int MaxPooledCells = 256;

    private readonly double _cellSize;
    private readonly double _inverseCellSize;
    private readonly Dictionary<long, Cell> _cells = new(CellKeyComparer.Instance);
    private readonly Stack<Cell> _cellPool = new();
    private readonly Dictionary<PlayerId, int> _handles;
    private readonly Stack<int> _freeHandles = new();
    private readonly List<int> _handleScratch = new();
    private readonly List<int> _neighbourScratch = new();
    private readonly List<Cell> _around = new();

    // Per handle.
    private PlayerId[] _ids;
    private Vec3[] _positions;
    private Cell?[] _cellOf;
    private int[] _indexInCell;
    private int _handleCount;

    public SpatialGrid(double cellSize, int initialCapacity = 64)
    {
        if (!double.IsFinite(cellSize) || cellSize < 0.01)
            throw new ArgumentOutOfRangeException(nameof(cellSize), cellSize, "cell size must be finite and at least 0.01");
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _cellSize = cellSize;
        _inverseCellSize = 1 / cellSize;
        var capacity = Math.Max(4, initialCapacity);
        _handles = new Dictionary<PlayerId, int>(capacity);
        _ids = new PlayerId[capacity];
        _positions = new Vec3[capacity];
        _cellOf = new Cell?[capacity];
        _indexInCell = new int[capacity];
    }

    public double CellSize => _cellSize;

    /// <summary>Players in the grid.</summary>
    public int Count => _handles.Count;

    /// <summary>Every handle in use is below this number.</summary>
    public int HandleCapacity => _handleCount;

    /// <summary>Occupied cells (for tests and diagnostics).</summary>
    public int CellCount => _cells.Count;

    public bool Contains(PlayerId id) => _handles.ContainsKey(id);

    public bool TryGetHandle(PlayerId id, out int handle) => _handles.TryGetValue(id, out handle);

    public bool TryGetPosition(PlayerId id, out Vec3 position)
    {
        if (_handles.TryGetValue(id, out var handle))
        {
            position = _positions[handle];
            return true;
        }
        position = default;
        return false;
    }

    /// <summary>The player behind a handle in use.</summary>
    public PlayerId IdOf(int handle) => _ids[handle];

    public Vec3 PositionOf(int handle) => _positions[handle];

    /// <summary>Whether <paramref name="handle"/> currently belongs to a player.</summary>
    public bool IsInUse(int handle) => (uint)handle < (uint)_handleCount && _cellOf[handle] is not null;

    /// <summary>Inserts a player and returns its handle; throws when it is already present.</summary>
    public int Add(PlayerId id, Vec3 position)
    {
        RequireValid(position);
        if (_handles.ContainsKey(id)) throw new ArgumentException($"player '{id}' is already in the grid", nameof(id));
        var handle = _freeHandles.Count > 0 ? _freeHandles.Pop() : NewHandle();
        _handles.Add(id, handle);
        _ids[handle] = id;
        _positions[handle] = position;
        Insert(handle, KeyOf(position.X, position.Z), position.X, position.Z);
        return handle;
    }

    /// <summary>Moves a player; false when it is not in the grid.</summary>
    public bool Move(PlayerId id, Vec3 position)
    {
        if (!_handles.TryGetValue(id, out var handle)) return false;
        MoveHandle(handle, position);
        return true;
    }

    /// <summary>Inserts or moves; returns the handle.</summary>
    public int Upsert(PlayerId id, Vec3 position)
    {
        if (!_handles.TryGetValue(id, out var handle)) return Add(id, position);
        MoveHandle(handle, position);
        return handle;
    }

    public void MoveHandle(int handle, Vec3 position)
    {
        RequireValid(position);
        var cell = _cellOf[handle] ?? throw new ArgumentException($"handle {handle} is not in use", nameof(handle));
        _positions[handle] = position;
        var key = KeyOf(position.X, position.Z);
        if (cell.Key == key)
        {
            ref var entry = ref cell.Entries[_indexInCell[handle]];
            entry.X = position.X;
            entry.Z = position.Z;
            return;
        }
        Detach(handle, cell);
        Insert(handle, key, position.X, position.Z);
    }

    /// <summary>Removes a player; its handle may be handed to the next <see cref="Add"/>.</summary>
    public bool Remove(PlayerId id)
    {
        if (!_handles.Remove(id, out var handle)) return false;
        Detach(handle, _cellOf[handle]!);
        _cellOf[handle] = null;
        _ids[handle] = default;
        _freeHandles.Push(handle);
        return true;
    }

    /// <summary>
    /// Appends to <paramref name="results"/> the handles of every player whose ground-plane distance to (x, z) is at most
    /// <paramref name="radius"/> (exact, boundary included). The order is unspecified.
    /// </summary>
    public void QueryRadius(double x, double z, double radius, List<int> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (!(radius >= 0) || !double.IsFinite(x) || !double.IsFinite(z)) return;
        var r2 = radius * radius;
        var minX = CellIndex(x - radius);
        var maxX = CellIndex(x + radius);
        var minZ = CellIndex(z - radius);
        var maxZ = CellIndex(z + radius);
        var span = ((double)maxX - minX + 1) * ((double)maxZ - minZ + 1); // double: cannot overflow
        if (span > _cells.Count)
        {
            // A radius much larger than a cell: walking the occupied cells is cheaper than probing empty ones.
            foreach (var cell in _cells.Values) Scan(cell, x, z, r2, results);
            return;
        }
        for (long cx = minX; cx <= maxX; cx++)
        {
            for (long cz = minZ; cz <= maxZ; cz++)
            {
                if (_cells.TryGetValue(Pack((int)cx, (int)cz), out var cell)) Scan(cell, x, z, r2, results);
            }
        }
    }

    /// <summary>Appends the ids of the players within <paramref name="radius"/> of <paramref name="center"/> (ground plane).</summary>
    public void QueryRadius(Vec3 center, double radius, List<PlayerId> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        _handleScratch.Clear();
        QueryRadius(center.X, center.Z, radius, _handleScratch);
        foreach (var handle in _handleScratch) results.Add(_ids[handle]);
        _handleScratch.Clear();
    }

    /// <summary>
    /// Calls <paramref name="visitor"/> once for every player in the grid with the handles within
    /// <paramref name="radius"/> of it — the same sets as <see cref="QueryRadius(double, double, double, List{int})"/> per
    /// player (plus the player itself), but the cells around a cell are looked up once for all its players, which is
    /// what a district tick needs. The visitor must not modify the grid.
    /// </summary>
    public void QueryAll<TVisitor>(double radius, TVisitor visitor) where TVisitor : INeighbourVisitor
    {
        ArgumentNullException.ThrowIfNull(visitor);
        if (!(radius >= 0)) return;
        var r2 = radius * radius;
        var around = _around;
        var buffer = _neighbourScratch;
        foreach (var cell in _cells.Values)
        {
            // The cells any of this cell's players can reach: by monotonicity of the cell index, the union of the
            // per-player ranges is the range of the cell's bounding box widened by the radius.
            var entries = cell.Entries;
            double minX = entries[0].X, maxX = minX, minZ = entries[0].Z, maxZ = minZ;
            for (var i = 1; i < cell.Count; i++)
            {
                minX = Math.Min(minX, entries[i].X);
                maxX = Math.Max(maxX, entries[i].X);
                minZ = Math.Min(minZ, entries[i].Z);
                maxZ = Math.Max(maxZ, entries[i].Z);
            }
            var x0 = CellIndex(minX - radius);
            var x1 = CellIndex(maxX + radius);
            var z0 = CellIndex(minZ - radius);
            var z1 = CellIndex(maxZ + radius);
            around.Clear();
            if (((double)x1 - x0 + 1) * ((double)z1 - z0 + 1) > _cells.Count)
            {
                around.AddRange(_cells.Values);
            }
            else
            {
                for (long cx = x0; cx <= x1; cx++)
                {
                    for (long cz = z0; cz <= z1; cz++)
                    {
                        if (_cells.TryGetValue(Pack((int)cx, (int)cz), out var near)) around.Add(near);
                    }
                }
            }

            for (var i = 0; i < cell.Count; i++)
            {
                var x = entries[i].X;
                var z = entries[i].Z;
                buffer.Clear();
                for (var c = 0; c < around.Count; c++) Scan(around[c], x, z, r2, buffer);
                visitor.Visit(entries[i].Handle, buffer);
            }
        }
        around.Clear();
        buffer.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scan(Cell cell, double x, double z, double r2, List<int> results)
    {
        var entries = cell.Entries;
        var count = cell.Count;
        for (var i = 0; i < count; i++)
        {
            var dx = entries[i].X - x;
            var dz = entries[i].Z - z;
            if (dx * dx + dz * dz <= r2) results.Add(entries[i].Handle);
        }
    }

    private int NewHandle()
    {
        if (_handleCount == _ids.Length)
        {
            var size = _ids.Length * 2;
            Array.Resize(ref _ids, size);
            Array.Resize(ref _positions, size);
            Array.Resize(ref _cellOf, size);
            Array.Resize(ref _indexInCell, size);
        }
        return _handleCount++;
    }

    private void Insert(int handle, long key, double x, double z)
    {
        if (!_cells.TryGetValue(key, out var cell))
        {
            cell = _cellPool.Count > 0 ? _cellPool.Pop() : new Cell();
            cell.Key = key;
            _cells.Add(key, cell);
        }
        if (cell.Count == cell.Entries.Length) Array.Resize(ref cell.Entries, Math.Max(8, cell.Entries.Length * 2));
        var index = cell.Count++;
        cell.Entries[index] = new Entry { Handle = handle, X = x, Z = z };
        _cellOf[handle] = cell;
        _indexInCell[handle] = index;
    }

    private void Detach(int handle, Cell cell)
    {
        var index = _indexInCell[handle];
        var last = --cell.Count;
        if (index != last)
        {
            var moved = cell.Entries[last];
            cell.Entries[index] = moved;
            _indexInCell[moved.Handle] = index;
        }
        if (cell.Count == 0)
        {
            _cells.Remove(cell.Key);
            if (_cellPool.Count < MaxPooledCells && cell.Entries.Length <= 1024) _cellPool.Push(cell);
        }
    }

    private long KeyOf(double x, double z) => Pack(CellIndex(x), CellIndex(z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CellIndex(double coordinate)
    {
        var index = Math.Floor(coordinate * _inverseCellSize);
        return index <= int.MinValue ? int.MinValue : index >= int.MaxValue ? int.MaxValue : (int)index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Pack(int cx, int cz) => ((long)cx << 32) | (uint)cz;

    private static void RequireValid(Vec3 position)
    {
        if (!position.IsValid) throw new ArgumentOutOfRangeException(nameof(position), position, "position must be finite and within the world limit");
    }

    /// <summary>
    /// long's own hash is (low ^ high), which for a packed (cx, cz) is cx ^ cz: every cell of a 32 × 32 block would share
    /// 32 buckets. Fibonacci hashing spreads neighbouring cells over the whole table.
    /// </summary>
    private sealed class CellKeyComparer : IEqualityComparer<long>
    {
        public static readonly CellKeyComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }

    private struct Entry
    {
        public int Handle;
        public double X;
        public double Z;
    }

    private sealed class Cell
    {
        public long Key;
        public Entry[] Entries = new Entry[8];
        public int Count;
    }
}

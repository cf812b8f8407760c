namespace Mxo.Edge.Auth;

/// <summary>
/// Brute-force guard per client address, in memory on one edge node: after <c>maxFailures</c> failed logins within
/// <c>window</c> (sliding) the address is refused logins for <c>blockDuration</c>. Thread-safe. Memory is bounded: at
/// most <c>maxAddresses</c> addresses are tracked (each holding at most <c>maxFailures</c> timestamps); entries whose
/// failures and block have expired are swept, and when the table is full of live entries the least recently seen
/// tenth is forgotten. Addresses are keys as produced by <see cref="Http.ClientAddress"/>.
/// </summary>
/// <remarks>Not to be confused with the account's own lock-out (<c>Mxo.Actors.Accounts.LoginThrottle</c>), which
/// counts failures per account across every address.</remarks>
public sealed class LoginThrottle
{
    private sealed class Entry
    {
        public readonly Queue<long> Failures = new();
        public long BlockedUntil;
        public long LastSeen;
    }

    private readonly int _maxFailures;
    private readonly long _window;
    private readonly long _block;
    private readonly int _maxAddresses;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _lastSweep;

    public LoginThrottle(int maxFailures, TimeSpan window, TimeSpan blockDuration, int maxAddresses, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFailures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(blockDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAddresses, 1);
        _maxFailures = maxFailures;
        _window = window.Ticks;
        _block = blockDuration.Ticks;
        _maxAddresses = maxAddresses;
        _time = time ?? TimeProvider.System;
        _lastSweep = Now;
    }

    /// <summary>Addresses currently tracked (tests, metrics).</summary>
    public int TrackedAddresses
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    private long Now => _time.GetUtcNow().UtcTicks;

    /// <summary>How much longer <paramref name="address"/> is blocked, or null when it may try to log in.</summary>
    public TimeSpan? BlockedFor(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = Now;
        lock (_gate)
        {
            return _entries.TryGetValue(address, out var entry) && entry.BlockedUntil > now
                ? TimeSpan.FromTicks(entry.BlockedUntil - now)
                : null;
        }
    }

    /// <summary>Counts a failed login from <paramref name="address"/>.</summary>
    /// <returns>The block's remaining duration if the address is now blocked (by this failure or before), else null.</returns>
    public TimeSpan? RecordFailure(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = Now;
        lock (_gate)
        {
            if (!_entries.TryGetValue(address, out var entry))
            {
                MakeRoom(now);
                entry = new Entry();
                _entries[address] = entry;
            }
            entry.LastSeen = now;
            if (entry.BlockedUntil > now)
                return TimeSpan.FromTicks(entry.BlockedUntil - now);

            while (entry.Failures.Count > 0 && entry.Failures.Peek() <= now - _window)
                entry.Failures.Dequeue();
            entry.Failures.Enqueue(now);
            if (entry.Failures.Count < _maxFailures)
                return null;

            entry.Failures.Clear();
            entry.BlockedUntil = now + _block;
            return TimeSpan.FromTicks(_block);
        }
    }

    /// <summary>Called under the lock before adding an entry.</summary>
    private void MakeRoom(long now)
    {
        if (_entries.Count < _maxAddresses && now - _lastSweep < _window)
            return;
        _lastSweep = now;
        List<string>? expired = null;
        foreach (var (key, entry) in _entries)
            if (IsExpired(entry, now))
                (expired ??= []).Add(key);
        if (expired is not null)
            foreach (var key in expired)
                _entries.Remove(key);

        if (_entries.Count < _maxAddresses) return;
        // Full of live entries (many addresses failing at once): forget the least recently seen tenth.
        var evict = Math.Max(1, _maxAddresses / 10);
        foreach (var key in _entries.OrderBy(kv => kv.Value.LastSeen).Take(evict).Select(kv => kv.Key).ToList())
            _entries.Remove(key);
    }

    private bool IsExpired(Entry entry, long now) =>
        entry.BlockedUntil <= now && entry.LastSeen <= now - _window; // LastSeen is the latest failure
}

using System.Collections.Concurrent;

namespace Mxo.Edge;

/// <summary>
/// Open player sockets per client address on this edge node (<see cref="EdgeOptions.MaxSocketsPerAddress"/>), so one
/// host cannot hold every socket the node can serve. Addresses are keys as produced by <c>Http.ClientAddress</c> (IPv6
/// by /64). Thread-safe; an address with no open socket holds no entry.
/// </summary>
public sealed class SocketsPerAddress(int max)
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Open sockets of <paramref name="address"/> now.</summary>
    public int OpenFor(string address) => _open.TryGetValue(address, out var n) ? n : 0;

    /// <summary>Counts one more socket for <paramref name="address"/>, or returns false when it already has the maximum.</summary>
    public bool TryAcquire(string address)
    {
        while (true)
        {
            if (_open.TryGetValue(address, out var n))
            {
                if (n >= max) return false;
                if (_open.TryUpdate(address, n + 1, n)) return true;
            }
            else if (_open.TryAdd(address, 1))
            {
                return true;
            }
        }
    }

    public void Release(string address)
    {
        while (_open.TryGetValue(address, out var n))
        {
            if (n <= 1 ? _open.TryRemove(new KeyValuePair<string, int>(address, n)) : _open.TryUpdate(address, n - 1, n))
                return;
        }
    }
}

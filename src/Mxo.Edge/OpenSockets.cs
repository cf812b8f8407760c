namespace Mxo.Edge;

/// <summary>
/// Player sockets open on this edge node, at most <see cref="EdgeOptions.MaxSockets"/>: the upgrade beyond is 503
/// <c>server_full</c>, before the socket costs a session. The node derives the maximum from its open-file limit
/// (src/Mxo.Node/Hosting/ConnectionCap.cs), so a reconnect storm is refused a while instead of running the process out of
/// file descriptors. Thread-safe.
/// </summary>
public sealed class OpenSockets(int max)
{
    private int _open;

    public int Count => Volatile.Read(ref _open);

    /// <summary>One more socket, given back when the slot is disposed; null when the node already holds the maximum.</summary>
    public IDisposable? TryTake()
    {
        while (true)
        {
            var n = Volatile.Read(ref _open);
            if (n >= max) return null;
            if (Interlocked.CompareExchange(ref _open, n + 1, n) == n) return new Slot(this);
        }
    }

    private sealed class Slot(OpenSockets owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) Interlocked.Decrement(ref owner._open);
        }
    }
}

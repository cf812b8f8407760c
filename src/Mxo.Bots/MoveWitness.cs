using System.Collections.Concurrent;
using System.Diagnostics;

namespace Mxo.Bots;

/// <summary>
/// Move-to-neighbour latency: every bot notes the positions it sends; when any other bot's view frame reports one of
/// them for it, the time since that send is recorded (first sighting per viewer, not de-duplicated across viewers).
/// The last <see cref="Remembered"/> sends per bot are kept, so a view that arrives late under load still matches, and
/// a position the server conflated away is simply not measured. Positions travel as JSON doubles both ways, so
/// equality is exact.
/// </summary>
internal sealed class MoveWitness
{
    private const int Remembered = 32;
    private readonly ConcurrentDictionary<string, Ring> _sent = new(StringComparer.Ordinal);

    private readonly long _countFrom;

    /// <param name="countFrom">A <see cref="Stopwatch.GetTimestamp"/> before which sightings are not counted (the warm-up).</param>
    public MoveWitness(long countFrom = 0) => _countFrom = countFrom;

    public LatencyHistogram Latency { get; } = new();

    public void Sent(string playerId, double x, double z) =>
        _sent.GetOrAdd(playerId, _ => new Ring()).Add(x, z, Stopwatch.GetTimestamp());

    public void Seen(string playerId, double x, double z)
    {
        if (_sent.TryGetValue(playerId, out var ring) && ring.Find(x, z) is { } at && at >= _countFrom)
            Latency.Record(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
    }

    private sealed class Ring
    {
        private readonly (double X, double Z, long At)[] _items = new (double, double, long)[Remembered];
        private int _next;

        public void Add(double x, double z, long at)
        {
            lock (_items)
            {
                _items[_next] = (x, z, at);
                _next = (_next + 1) % Remembered;
            }
        }

        public long? Find(double x, double z)
        {
            lock (_items)
            {
                foreach (var item in _items)
                    if (item.At != 0 && item.X == x && item.Z == z) return item.At;
                return null;
            }
        }
    }
}

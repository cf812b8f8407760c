using System.Collections.Concurrent;
using System.Diagnostics;

namespace Mxo.Node.Bots;

/// <summary>
/// Move-to-neighbour latency: every bot notes the position it just sent; when any other bot's view frame reports that
/// exact position for it, the time since the send is recorded. Only the latest move per bot is kept, so a position the
/// server conflated away is simply not measured. Positions travel as JSON doubles both ways, so equality is exact.
/// </summary>
internal sealed class MoveWitness
{
    private readonly ConcurrentDictionary<string, (double X, double Z, long At)> _latest = new(StringComparer.Ordinal);

    public LatencyHistogram Latency { get; } = new();

    public void Sent(string playerId, double x, double z) => _latest[playerId] = (x, z, Stopwatch.GetTimestamp());

    public void Seen(string playerId, double x, double z)
    {
        if (_latest.TryGetValue(playerId, out var sent) && sent.X == x && sent.Z == z)
            Latency.Record(Stopwatch.GetElapsedTime(sent.At).TotalMilliseconds);
    }
}

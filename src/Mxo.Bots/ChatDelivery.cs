using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Mxo.Bots;

/// <summary>
/// Chat delivery latency per channel: every line a bot says ends with its send time (<see cref="Stamp"/>, a
/// <see cref="Stopwatch"/> timestamp: CLOCK_MONOTONIC on Linux, so bots processes on one machine share the clock), and
/// every bot that hears someone else's line records the time since then under the line's channel. One sample per
/// listener, so a crew line heard by three mates gives three. Lines heard before the warm-up ends are not counted.
/// </summary>
internal sealed class ChatDelivery
{
    private const char Marker = '~';
    /// <summary>At most this many channels are told apart; the server has a handful, anything else counts as "other".</summary>
    private const int MaxChannels = 8;
    private readonly ConcurrentDictionary<string, LatencyHistogram> _byChannel = new(StringComparer.Ordinal);
    private readonly long _countFrom;

    /// <param name="countFrom">A <see cref="Stopwatch.GetTimestamp"/> before which lines heard are not counted (the warm-up).</param>
    public ChatDelivery(long countFrom = 0) => _countFrom = countFrom;

    /// <summary><paramref name="text"/> with the send time appended.</summary>
    public static string Stamp(string text) => text + " " + Marker + Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture);

    /// <summary>Records the delivery of a line heard now, if it carries a stamp.</summary>
    public void Heard(string channel, string text)
    {
        var at = text.LastIndexOf(Marker);
        if (at < 0 || !long.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sentAt)) return;
        var now = Stopwatch.GetTimestamp();
        if (now < _countFrom || sentAt > now) return;
        if (!_byChannel.ContainsKey(channel) && _byChannel.Count >= MaxChannels) channel = "other";
        _byChannel.GetOrAdd(channel, _ => new LatencyHistogram()).Record(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
    }

    /// <summary>Per channel: samples, p50 and p99 (ms), ordered by channel name.</summary>
    public IReadOnlyList<ChannelDelivery> Figures() =>
        _byChannel.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new ChannelDelivery(kv.Key, kv.Value.Count, kv.Value.Percentile(0.50) ?? 0, kv.Value.Percentile(0.99) ?? 0,
                kv.Value.MaxMs ?? 0))
            .ToList();
}

/// <summary>One channel's delivery figures in a bots report.</summary>
public sealed record ChannelDelivery(string Channel, long Samples, double P50Ms, double P99Ms, double MaxMs);

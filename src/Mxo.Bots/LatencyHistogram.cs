namespace Mxo.Bots;

/// <summary>
/// A fixed-size, thread-safe latency histogram: logarithmic buckets 1% wide from 10 µs to a few minutes, so any run
/// length costs the same ~14 KiB. Percentiles are accurate to about 1%.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double MinMs = 0.01;
    private const double Ratio = 1.01;
    private const int BucketCount = 1800; // 0.01 ms * 1.01^1800 ≈ 6e5 s: nothing real overflows
    private static readonly double LogRatio = Math.Log(Ratio);

    private readonly long[] _buckets = new long[BucketCount];
    private long _count;
    private long _maxBits = BitConverter.DoubleToInt64Bits(0);
    private long _minBits = BitConverter.DoubleToInt64Bits(double.MaxValue);

    public long Count => Interlocked.Read(ref _count);

    public double? MaxMs => Count == 0 ? null : BitConverter.Int64BitsToDouble(Interlocked.Read(ref _maxBits));

    public void Record(double ms)
    {
        if (!double.IsFinite(ms)) return;
        if (ms < 0) ms = 0;
        Interlocked.Increment(ref _buckets[BucketOf(ms)]);
        Interlocked.Increment(ref _count);
        Extreme(ref _maxBits, ms, (candidate, current) => candidate > current);
        Extreme(ref _minBits, ms, (candidate, current) => candidate < current);
    }

    /// <summary>The nearest-rank percentile (<paramref name="p"/> in 0..1), or <c>null</c> without samples.</summary>
    public double? Percentile(double p)
    {
        var count = Count;
        if (count == 0) return null;
        var rank = (long)Math.Ceiling(Math.Clamp(p, 0, 1) * count);
        rank = Math.Clamp(rank, 1, count);
        long seen = 0;
        var bucket = BucketCount - 1;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank) { bucket = i; break; }
        }
        var min = BitConverter.Int64BitsToDouble(Interlocked.Read(ref _minBits));
        var max = BitConverter.Int64BitsToDouble(Interlocked.Read(ref _maxBits));
        var value = bucket == 0 ? MinMs / 2 : MinMs * Math.Pow(Ratio, bucket - 0.5);
        return Math.Clamp(value, min, max);
    }

    private static int BucketOf(double ms) =>
        ms < MinMs ? 0 : Math.Min(BucketCount - 1, 1 + (int)(Math.Log(ms / MinMs) / LogRatio));

    private static void Extreme(ref long bits, double value, Func<double, double, bool> better)
    {
        while (true)
        {
            var currentBits = Interlocked.Read(ref bits);
            if (!better(value, BitConverter.Int64BitsToDouble(currentBits))) return;
            if (Interlocked.CompareExchange(ref bits, BitConverter.DoubleToInt64Bits(value), currentBits) == currentBits) return;
        }
    }
}

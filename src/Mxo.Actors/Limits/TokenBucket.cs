namespace Mxo.Actors.Limits;

/// <summary>A rate: <see cref="PerSecond"/> on average, with bursts of up to <see cref="Burst"/>.</summary>
public sealed record RateLimit
{
    public RateLimit() { }

    public RateLimit(double perSecond, int burst)
    {
        PerSecond = perSecond;
        Burst = burst;
    }

    /// <summary>Tokens added per second.</summary>
    public double PerSecond { get; init; }

    /// <summary>The most tokens the bucket holds (and so the longest burst).</summary>
    public int Burst { get; init; }

    /// <summary>One message per problem, prefixed with <paramref name="name"/>; empty when the rate makes sense.</summary>
    public IEnumerable<string> Problems(string name)
    {
        if (!(PerSecond > 0) || double.IsInfinity(PerSecond)) yield return $"{name}:PerSecond must be a positive number";
        if (Burst < 1) yield return $"{name}:Burst must be at least 1";
    }
}

/// <summary>
/// A token bucket as an immutable value: the caller keeps it in its own state and passes the time in, so it needs no
/// timer and no lock, and tests drive it with explicit times. (The HTTP limits use System.Threading.RateLimiting, which
/// owns its clock and its locks; inside an actor neither is wanted.)
/// </summary>
/// <param name="Tokens">Tokens left at <paramref name="AtMs"/>.</param>
/// <param name="AtMs">When the bucket was last brought up to date (milliseconds of any monotonic clock).</param>
public readonly record struct TokenBucket(double Tokens, long AtMs)
{
    public static TokenBucket Full(RateLimit limit, long nowMs) => new(limit.Burst, nowMs);

    /// <summary>
    /// Takes one token if there is one. When refused, nothing is taken and <c>RetryAfter</c> is how long until one is
    /// available.
    /// </summary>
    public (bool Allowed, TokenBucket Next, TimeSpan RetryAfter) Take(RateLimit limit, long nowMs)
    {
        var elapsed = nowMs > AtMs ? (nowMs - AtMs) / 1000.0 : 0;
        var tokens = Math.Min(limit.Burst, Tokens + elapsed * limit.PerSecond);
        var at = Math.Max(nowMs, AtMs);
        if (tokens >= 1) return (true, new TokenBucket(tokens - 1, at), TimeSpan.Zero);
        var wait = TimeSpan.FromSeconds((1 - tokens) / limit.PerSecond);
        return (false, new TokenBucket(tokens, at), wait);
    }
}

/// <summary>
/// Counts refusals ("strikes") in a fixed window that opens at the first strike after the previous window closed; a
/// client that collects <c>max</c> strikes inside one window has been told often enough and is disconnected.
/// </summary>
public readonly record struct StrikeCounter(int Count, long WindowStartMs)
{
    /// <summary>Records one strike at <paramref name="nowMs"/>; <c>Exceeded</c> once the window holds <paramref name="max"/>.</summary>
    public (StrikeCounter Next, bool Exceeded) Strike(long nowMs, TimeSpan window, int max)
    {
        var fresh = Count == 0 || nowMs - WindowStartMs >= (long)window.TotalMilliseconds;
        var next = fresh ? new StrikeCounter(1, nowMs) : this with { Count = Count == int.MaxValue ? Count : Count + 1 };
        return (next, next.Count >= max);
    }
}

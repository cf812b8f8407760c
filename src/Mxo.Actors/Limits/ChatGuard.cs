namespace Mxo.Actors.Limits;

/// <summary>How a chat request fares against the sender's channel limit: taken, or refused with a code and the time to wait.</summary>
/// <param name="Code">Null when taken; <c>rate_limited</c> or <c>muted</c> otherwise.</param>
/// <param name="RetryAfterMs">How long until a request would be taken (the rest of the mute, for <c>muted</c>).</param>
/// <param name="MutedNow">This refusal started a mute (logged once).</param>
public readonly record struct ChatVerdict(string? Code, long RetryAfterMs, bool MutedNow)
{
    public static readonly ChatVerdict Taken = new(null, 0, false);

    public bool Allowed => Code is null;
}

/// <summary>The mute rule's numbers (from <see cref="WorldSettings"/>).</summary>
/// <param name="Strikes">Refusals of a sender that came back before the time it was told, within <paramref name="Window"/>, that mute it.</param>
/// <param name="First">The first mute's length; each further one is <paramref name="Factor"/> times the previous, at most <paramref name="Longest"/>.</param>
/// <param name="ForgiveAfter">A sender not muted for this long (since its last mute ended) starts again at <paramref name="First"/>.</param>
public sealed record MuteRule(int Strikes, TimeSpan Window, TimeSpan First, double Factor, TimeSpan Longest, TimeSpan ForgiveAfter)
{
    /// <summary>The length of the <paramref name="level"/>-th mute in a row (1-based).</summary>
    public TimeSpan Length(int level)
    {
        var ms = First.TotalMilliseconds * Math.Pow(Factor, Math.Max(0, level - 1));
        return ms >= Longest.TotalMilliseconds || double.IsInfinity(ms) ? Longest : TimeSpan.FromMilliseconds(ms);
    }
}

/// <summary>
/// One sender's chat limits (issue 12): a token bucket per channel class, and a mute for a sender that keeps going.
/// A refusal is a strike only when the sender came back before the time it was last told to wait on that class: a client
/// that waits as told is never muted however often its lines meet the limit (a retry loop pacing itself by
/// <c>retryAfterMs</c>), one that ignores it is muted for escalating times (<see cref="MuteRule"/>). While muted every
/// chat request is refused with <c>muted</c> and the time left. Kept in memory by the player entity, so a reconnect does
/// not lift a mute or refill a bucket. A mute is also persisted by the entity when it starts (<c>ChatEvents.Muted</c>), and
/// <see cref="Restore"/> puts it back when the entity starts again elsewhere; the buckets and strikes start afresh
/// (docs/protocol.md, "Chat").
/// Times are milliseconds of any monotonic clock, passed in: tests drive it with explicit times.
/// </summary>
public sealed class ChatGuard
{
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _toldUntil = new(StringComparer.Ordinal);
    private StrikeCounter _strikes;
    private long _mutedUntilMs;
    private long _lastMuteEndMs;
    private int _level;

    /// <summary>Until when (same clock) the sender is muted; 0 or past when not.</summary>
    public long MutedUntilMs => _mutedUntilMs;

    /// <summary>How many mutes in a row the sender has had (the next one is longer).</summary>
    public int Level => _level;

    /// <summary>How long the sender stays muted from <paramref name="nowMs"/>; 0 when it is not muted.</summary>
    public long MutedForMs(long nowMs) => Math.Max(0, _mutedUntilMs - nowMs);

    /// <summary>
    /// A mute from the journal (or a moderator's): muted until <paramref name="mutedUntilMs"/> (this guard's clock), the
    /// next mute of the chat limits ranked after <paramref name="level"/>.
    /// </summary>
    public void Restore(long mutedUntilMs, int level)
    {
        _mutedUntilMs = Math.Max(_mutedUntilMs, mutedUntilMs);
        _lastMuteEndMs = Math.Max(_lastMuteEndMs, mutedUntilMs);
        _level = Math.Max(_level, level);
    }

    /// <summary>A moderator lifted the mute: chat is allowed at once (the escalation level stays).</summary>
    public void Lift(long nowMs)
    {
        _mutedUntilMs = 0;
        _lastMuteEndMs = Math.Min(_lastMuteEndMs, nowMs);
    }

    public ChatVerdict Check(string channelClass, RateLimit limit, MuteRule mute, long nowMs)
    {
        if (nowMs < _mutedUntilMs) return new ChatVerdict(Protocol.Chat.ChatErrorCodes.Muted, _mutedUntilMs - nowMs, false);
        var bucket = _buckets.TryGetValue(channelClass, out var kept) ? kept : TokenBucket.Full(limit, nowMs);
        var (allowed, next, wait) = bucket.Take(limit, nowMs);
        _buckets[channelClass] = next;
        if (allowed) return ChatVerdict.Taken;

        var waitMs = Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds));
        var ignoredTheWait = _toldUntil.TryGetValue(channelClass, out var told) && nowMs < told;
        _toldUntil[channelClass] = nowMs + waitMs;
        if (ignoredTheWait)
        {
            (_strikes, var exceeded) = _strikes.Strike(nowMs, mute.Window, mute.Strikes);
            if (exceeded)
            {
                _level = _lastMuteEndMs > 0 && nowMs - _lastMuteEndMs < (long)mute.ForgiveAfter.TotalMilliseconds ? _level + 1 : 1;
                var length = (long)mute.Length(_level).TotalMilliseconds;
                _mutedUntilMs = nowMs + length;
                _lastMuteEndMs = _mutedUntilMs;
                _strikes = default;
                _toldUntil.Clear();
                return new ChatVerdict(Protocol.Chat.ChatErrorCodes.Muted, length, true);
            }
        }
        return new ChatVerdict(Protocol.ErrorCodes.RateLimited, waitMs, false);
    }
}

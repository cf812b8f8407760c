namespace Mxo.Protocol;

/// <summary>
/// How often a session asks to re-attach its character, and a character to re-join its district, after a world node
/// failed (src/Mxo.Edge/SessionActor.cs, src/Mxo.Actors/Players/PlayerEntity.cs). Every half second for the first two
/// seconds: a dead node's shards are handed out in that window, and each half second lost there is time a player is
/// out of the game. Then twice as long each time, up to 4 s: every try starts an entity that is not running, and while
/// the journal is down each such start fails its recovery — at a steady half second, 150 players' retries kept the
/// journal's breakers open and delayed their districts by half a minute after the database was back
/// (docs/benchmarks.md, "A journal outage under players").
/// </summary>
/// <param name="Tries">Tries made so far in this episode.</param>
public readonly record struct FailoverRetry(int Tries)
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(4);
    private const int FastTries = 4;

    /// <summary>How long to wait after the try just made before the next.</summary>
    public TimeSpan Delay => Tries < FastTries
        ? First
        : TimeSpan.FromTicks(Math.Min(First.Ticks << Math.Min(Tries - FastTries + 1, 16), Longest.Ticks));

    public FailoverRetry Next() => new(Tries + 1);
}

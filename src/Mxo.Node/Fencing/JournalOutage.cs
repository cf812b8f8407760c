using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Npgsql;
using Prometheus;

namespace Mxo.Node.Fencing;

/// <summary>The journal refused a write because its database could not be reached; nothing was stored.</summary>
public sealed class JournalUnavailableException(string message, Exception? cause = null) : Exception(message, cause);

/// <summary>
/// How the journal (<see cref="FencedSqlWriteJournal"/>) lives through a database outage. A write that fails because
/// the database could not be reached at all — so none of it was sent — is refused (rejected, not failed): the entity
/// keeps its state and answers its client <c>unavailable</c> at once, instead of stopping and taking every player it
/// holds with it. After such a failure the next writes are refused without trying for <see cref="RetryAfter"/> (an Akka
/// <see cref="CircuitBreaker"/>, opened by hand), then the database is tried again. Any other failure may have left the
/// write half done, so it stays a failure: the entity stops and its next incarnation reads the truth from the journal.
/// </summary>
public sealed class JournalOutage
{
    /// <summary>How long writes are refused without trying after the database was found unreachable.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Journal writes refused because the database was unreachable (docs/operations.md, "Metrics").</summary>
    public static readonly Counter Refused = Metrics.CreateCounter("mxo_journal_writes_unavailable_total",
        "Journal writes refused because the journal's database could not be reached (nothing was stored; the client was told unavailable).");

    /// <summary>1 while writes are refused without trying (the database was just found unreachable), else 0.</summary>
    public static readonly Gauge Down = Metrics.CreateGauge("mxo_journal_unreachable",
        "1 while the journal's database was found unreachable within the last second and writes are refused without trying.");

    private readonly CircuitBreaker _breaker;
    private long _refusedInOutage;

    public JournalOutage(IScheduler scheduler, ILoggingAdapter log)
    {
        // One unreachable write opens it; the call timeout is unused (the breaker is driven by hand, not around calls).
        _breaker = new CircuitBreaker(scheduler, maxFailures: 1, callTimeout: TimeSpan.FromSeconds(10), resetTimeout: RetryAfter)
            .OnOpen(() => Down.Set(1))
            .OnHalfOpen(() => Down.Set(0))
            .OnClose(() =>
            {
                Down.Set(0);
                var refused = Interlocked.Exchange(ref _refusedInOutage, 0);
                if (refused > 0) log.Info("The journal's database answers again; {0} writes were refused as unavailable", refused);
            });
    }

    /// <summary>True while writes are refused without trying.</summary>
    public bool IsOpen => _breaker.IsOpen;

    /// <summary>The database took a write: the outage, if any, is over.</summary>
    public void Succeeded()
    {
        if (!_breaker.IsClosed) _breaker.Succeed();
    }

    /// <summary>Counts <paramref name="writes"/> refused; the first of an outage is logged by the caller.</summary>
    public bool Refuse(int writes)
    {
        Refused.Inc(writes);
        return Interlocked.Add(ref _refusedInOutage, writes) == writes;
    }

    /// <summary>
    /// A write failed: if nothing of it was stored (<see cref="NothingWasStored"/>), the outage starts (or goes on) and
    /// true is returned.
    /// </summary>
    public bool Refusable(Exception failure)
    {
        var notStored = NothingWasStored(failure);
        // The pooled connections are dead too: without this each would fail one more write during the outage and again
        // after it, instead of the next opens being refused cleanly.
        if (notStored || ConnectionBroke(failure)) NpgsqlConnection.ClearAllPools();
        if (notStored) _breaker.Fail();
        return notStored;
    }

    /// <summary>True when the connection to PostgreSQL broke under <paramref name="failure"/>: the server went away mid-call.</summary>
    public static bool ConnectionBroke(Exception failure) =>
        Chain(failure).Any(e => CutWithoutAWord(e) || e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown });

    /// <summary>The socket closed or failed mid-call without the server saying why: whatever was sent may have been committed.</summary>
    private static bool CutWithoutAWord(Exception e) =>
        e is NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException } n && !CouldNotConnect(n);

    /// <summary>Npgsql's words when opening the socket failed, and when the pool had no connection to give in time.</summary>
    private static bool CouldNotConnect(NpgsqlException e) =>
        e.Message.StartsWith("Failed to connect", StringComparison.Ordinal)
        || e.Message.StartsWith("The connection pool has been exhausted", StringComparison.Ordinal);

    private static IEnumerable<Exception> Chain(Exception failure)
    {
        var pending = new Stack<Exception>([failure]);
        while (pending.TryPop(out var e))
        {
            yield return e;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions) pending.Push(inner);
            else if (e.InnerException is { } inner) pending.Push(inner);
        }
    }

    /// <summary>
    /// True when <paramref name="failure"/> proves that no part of the write was stored: the connection could not be
    /// opened (refused, or no pooled connection in time), the server would not take one (starting up, shutting down, too
    /// many connections), or the server ended the session by an administrator's command (a fast shutdown) in answer to
    /// the write. That last one holds because PostgreSQL finishes a commit it has started and sends its result before
    /// it acts on the shutdown signal: a client told 57P01 for its statement was not told its commit succeeded, so there
    /// was none, and an open transaction is rolled back. A connection that was cut without a word (an immediate
    /// shutdown, a crash, the network) proves nothing: the commit may have happened, so that stays a failure.
    /// </summary>
    public static bool NothingWasStored(Exception failure)
    {
        var chain = Chain(failure).ToList();
        if (chain.Any(CutWithoutAWord)) return false;
        return chain.Any(e => e switch
        {
            // cannot_connect_now (starting up or shutting down), too_many_connections, admin_shutdown.
            PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
                or PostgresErrorCodes.AdminShutdown } => true,
            NpgsqlException n => CouldNotConnect(n),
            _ => false,
        });
    }
}

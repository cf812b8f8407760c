using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace Mxo.Node.Fencing;

/// <summary>The journal refused a write because the write fence was closed; the database was not touched.</summary>
public sealed class WriteFenceClosedException(string message) : Exception(message);

/// <summary>
/// Akka.Persistence.Sql's journal behind the write fence (<see cref="WriteFence"/>) and through database outages
/// (<see cref="JournalOutage"/>). A write is refused as a whole, without touching the database, unless this node is in
/// contact with a majority of the cluster now; and it is refused when the database cannot be reached. A refused write
/// is rejected (<c>MxoEntity.OnPersistRejected</c>): not stored, not applied, its command answered <c>unavailable</c>
/// where the entity knows how. Configured as
/// <c>akka.persistence.journal.sql.class</c> by <see cref="Hosting.PersistenceSetup.AddJournal"/>.
/// </summary>
public sealed class FencedSqlWriteJournal : SqlWriteJournal
{
    /// <summary>Asks the journal for the fence's decision now; it answers with a <see cref="FenceDecision"/>.</summary>
    public sealed class GetFence
    {
        public static readonly GetFence Instance = new();
        private GetFence() { }
    }

    private readonly WriteFence _fence;
    private readonly JournalOutage _outage;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _refusedInPeriod; // writes refused since the fence last let one through; 0 while open

    public FencedSqlWriteJournal(Akka.Configuration.Config journalConfig) : base(journalConfig)
    {
        _fence = WriteFence.Get(Context.System);
        _outage = new JournalOutage(Context.System.Scheduler, _log);
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages,
        CancellationToken cancellationToken)
    {
        var decision = _fence.Check();
        if (decision.Open)
        {
            if (_refusedInPeriod > 0)
                _log.Info("Write fence open again: {0}; {1} journal writes were refused while it was closed",
                    decision.Describe(), _refusedInPeriod);
            _refusedInPeriod = 0;
            return WriteUnlessUnreachable(messages.ToList(), cancellationToken);
        }

        var all = messages.ToList();
        var writes = all.Count;
        WriteFence.Refused.Inc(writes);
        var message = $"write refused: this node has not been in contact with a majority of the cluster for " +
                      $"{_fence.Settings.ContactWithin.TotalSeconds:0.#} s (it may have been downed; its entities may " +
                      $"live elsewhere): {decision.Describe()}";
        // Once per closed period: a fenced node may try thousands of writes before it shuts down.
        if (_refusedInPeriod == 0) _log.Warning("Write fence closed, journal writes refused: {0}", message);
        _refusedInPeriod += writes;
        // Rejected, not failed: a failure would count towards the journal's circuit breaker (ten open it, an outage for
        // every entity of the node once the fence opens again) and stop the entity; a rejected event is simply not
        // stored, its command is refused and the entity keeps its state.
        var refused = new WriteFenceClosedException(message);
        return Task.FromResult<IImmutableList<Exception>>(all.Select(_ => (Exception)refused).ToImmutableList());
    }

    /// <summary>Writes, or refuses every write while the database is known to be unreachable and when it turns out to be.</summary>
    private async Task<IImmutableList<Exception>> WriteUnlessUnreachable(List<AtomicWrite> writes, CancellationToken cancellationToken)
    {
        if (_outage.IsOpen) return RefuseUnavailable(writes, null);
        try
        {
            var results = await base.WriteMessagesAsync(writes, cancellationToken);
            _outage.Succeeded();
            return results;
        }
        catch (Exception e) when (_outage.Refusable(e))
        {
            return RefuseUnavailable(writes, e);
        }
    }

    private IImmutableList<Exception> RefuseUnavailable(List<AtomicWrite> writes, Exception? cause)
    {
        var refused = new JournalUnavailableException(
            "write refused: the journal's database could not be reached" + (cause is null ? " a moment ago" : ": " + cause.Message), cause);
        // Once per outage: every entity of the node writes, and is answered, meanwhile.
        if (_outage.Refuse(writes.Count)) _log.Warning("Journal writes refused as unavailable until the database answers: {0}", refused.Message);
        return writes.Select(_ => (Exception)refused).ToImmutableList();
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not GetFence) return base.ReceivePluginInternal(message);
        Sender.Tell(_fence.Check());
        return true;
    }
}

using Akka.Event;
using Akka.Persistence;

namespace Mxo.Actors;

/// <summary>
/// The snapshot policy every MXO entity shares: a snapshot every N persisted events, and only the newest one kept
/// (older snapshots are deleted once a new one is saved; failures are logged, never fatal — the journal still has
/// every event).
/// </summary>
public abstract class SnapshottingEntity : ReceivePersistentActor
{
    protected SnapshottingEntity()
    {
        var log = Context.GetLogger();
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => log.Warning(f.Cause, "Snapshot of {0} failed", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => log.Warning(f.Cause, "Deleting old snapshots of {0} failed", PersistenceId));
    }

    /// <summary>Call after applying a persisted event: snapshots <paramref name="state"/> every <paramref name="every"/> events.</summary>
    protected void SnapshotIfDue(int every, object state)
    {
        if (LastSequenceNr % every == 0) SaveSnapshot(state);
    }
}

using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Mxo.Actors.Accounts;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>
/// The in-memory journal, except that it refuses the writes of persistence ids ending in "rejected" (the event is
/// refused and the entity goes on) and fails those ending in "failed" (the write itself fails and the entity stops).
/// </summary>
public sealed class RefusingJournal : MemoryJournal
{
    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        if (writes.Any(w => w.PersistenceId.EndsWith("failed", StringComparison.Ordinal)))
            return Task.FromException<IImmutableList<Exception?>>(new InvalidOperationException("the journal is down (test)"));
        if (writes.Any(w => w.PersistenceId.EndsWith("rejected", StringComparison.Ordinal)))
            return Task.FromResult<IImmutableList<Exception?>>(writes.Select(_ => (Exception?)new InvalidOperationException("refused (test)")).ToImmutableList());
        return base.WriteMessagesAsync(writes, cancellationToken);
    }
}

/// <summary><c>mxo_persist_duration_seconds</c> and <c>mxo_persist_failures_total</c> as <see cref="MxoEntity{TState}"/> moves them.</summary>
public sealed class PersistMetricsTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly AccountId Owner = new("owner");

    public PersistMetricsTests() : base(ActorTestConfig.WithJournal<RefusingJournal>("refusing"))
    {
    }

    private IActorRef Claim(string name)
    {
        var entity = Sys.ActorOf(CharacterNameEntity.PropsFor(PlayerId.FromName(name).Value, AccountTestSettings.Default));
        entity.Tell(new CharacterNameCommands.Claim(PlayerId.FromName(name), name, Owner));
        return entity;
    }

    // The counters are process-wide and other test classes persist at the same time: deltas, never absolute values.
    private static double Durations => WorldMetrics.PersistDuration.WithLabels("charactername").Count;
    private static double Counted(string reason) => WorldMetrics.PersistFailures.WithLabels("charactername", reason).Value;

    [Fact]
    public void A_write_is_timed_once_it_is_durable()
    {
        var before = Durations;
        Claim("Stored");
        ExpectMsg<CharacterNameReplies.Claimed>();
        Assert.True(Durations >= before + 1);
    }

    [Fact]
    public void A_rejected_event_is_counted_and_the_entity_goes_on()
    {
        var before = Counted("rejected");
        var entity = Claim("Rejected");
        AwaitAssert(() => Assert.True(Counted("rejected") >= before + 1));
        entity.Tell(new CharacterNameCommands.GetOwner(PlayerId.FromName("Rejected")));
        Assert.Null(ExpectMsg<CharacterNameReplies.OwnerIs>().Owner); // alive, and nothing was stored
    }

    [Fact]
    public void A_failed_write_is_counted_and_the_entity_stops()
    {
        var before = Counted("failed");
        var entity = Claim("Failed");
        Watch(entity);
        ExpectTerminated(entity);
        Assert.True(Counted("failed") >= before + 1);
    }
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Mxo.Actors.World;
using Mxo.Protocol;
using Mxo.Protocol.Serialization;
using Mxo.TestSupport;

namespace Mxo.Actors.Tests.World;

/// <summary>Holds journal writes of one actor system while closed.</summary>
public sealed class JournalGate
{
    private static readonly ConditionalWeakTable<ActorSystem, JournalGate> Gates = new();
    private TaskCompletionSource _open = Opened();

    public static JournalGate For(ActorSystem system) => Gates.GetValue(system, _ => new JournalGate());

    public void Close() => Volatile.Write(ref _open, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Open() => Volatile.Read(ref _open).TrySetResult();

    public Task WhenOpen => Volatile.Read(ref _open).Task;

    private static TaskCompletionSource Opened()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }
}

/// <summary>The in-memory journal, except that writes wait while the system's <see cref="JournalGate"/> is closed.</summary>
public sealed class GatedJournal : MemoryJournal
{
    private readonly JournalGate _gate = JournalGate.For(Context.System);

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages,
        CancellationToken cancellationToken)
    {
        await _gate.WhenOpen.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.WriteMessagesAsync(messages, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Replays the clock's whole journal (ignoring snapshots) and sends the events to <c>replyTo</c>.</summary>
public sealed class WorldClockJournalReader : ReceivePersistentActor
{
    public sealed record Contents(IReadOnlyList<IMxoEvent> Events);

    private readonly List<IMxoEvent> _events = [];

    public WorldClockJournalReader(IActorRef replyTo)
    {
        Recover<IMxoEvent>(e => _events.Add(e));
        Recover<RecoveryCompleted>(_ =>
        {
            replyTo.Tell(new Contents(_events.ToArray()));
            Context.Stop(Self);
        });
    }

    public override string PersistenceId => WorldClock.PersistenceIdValue;

    public override Recovery Recovery => new(SnapshotSelectionCriteria.None);
}

internal static class WorldClockTestConfig
{
    public static readonly Config Hocon = ConfigurationFactory.ParseString($$"""
        akka.loglevel = INFO
        {{TestTime.AkkaHocon}}
        akka.persistence.journal.plugin = "akka.persistence.journal.gated"
        akka.persistence.journal.gated {
          class = "Mxo.Actors.Tests.World.GatedJournal, Mxo.Actors.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        akka.actor.serializers.mxo = "Mxo.Protocol.Serialization.MxoSerializer, Mxo.Protocol"
        akka.actor.serialization-bindings { "Mxo.Protocol.IMxoMessage, Mxo.Protocol" = mxo }
        akka.actor.serialization-identifiers { "Mxo.Protocol.Serialization.MxoSerializer, Mxo.Protocol" = {{MxoSerializer.SerializerId}} }
        """);

    /// <summary>Real time at the clock's first start in these tests: game time reads day 0, 12:00:00 then.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static readonly WorldClockSettings ClockSettings = new()
    {
        TickInterval = TimeSpan.FromMilliseconds(20),
        WeatherPeriodGameHours = 3,
        InitialGameHour = 12,
        Seed = 42,
        SnapshotEvery = 100,
        MinRestartBackoff = TimeSpan.FromMilliseconds(100),
        MaxRestartBackoff = TimeSpan.FromSeconds(1),
    };

    /// <summary>Real time after which the clock shows <paramref name="gameTime"/> (from <see cref="Start"/> at 12:00).</summary>
    public static DateTimeOffset RealTimeFor(TimeSpan gameTime) =>
        Start + (gameTime - TimeSpan.FromHours(12)) / WorldClockRules.GameSecondsPerRealSecond;
}

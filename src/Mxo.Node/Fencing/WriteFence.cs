using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Prometheus;

namespace Mxo.Node.Fencing;

/// <summary>The fence's settings, <c>mxo.write-fence</c> in hocon/akka.conf (docs/configuration.md, "Write fence").</summary>
public sealed record WriteFenceSettings(TimeSpan Interval, TimeSpan ContactWithin)
{
    public const string Path = "mxo.write-fence";

    /// <summary>The pinned dispatcher the contact monitor runs on (see <see cref="ContactMonitor"/>).</summary>
    public const string Dispatcher = Path + ".dispatcher";

    /// <summary>The defaults, as a fallback for systems that do not load hocon/akka.conf (tests, the benchmarks).</summary>
    public const string DefaultHocon = $$"""
        {{Path}} {
          interval = 500ms
          contact-within = 3s
          dispatcher {
            type = PinnedDispatcher
            executor = thread-pool-executor
          }
        }
        """;

    public static WriteFenceSettings From(ActorSystem system)
    {
        var config = system.Settings.Config;
        var settings = new WriteFenceSettings(
            config.GetTimeSpan(Path + ".interval", TimeSpan.FromMilliseconds(500)),
            config.GetTimeSpan(Path + ".contact-within", TimeSpan.FromSeconds(3)));
        if (settings.Interval <= TimeSpan.Zero || settings.ContactWithin <= settings.Interval)
            throw new InvalidOperationException(
                $"{Path}: interval ({settings.Interval}) must be positive and below contact-within ({settings.ContactWithin})");
        return settings;
    }
}

/// <summary>
/// The write fence of one actor system: the journal (<see cref="FencedSqlWriteJournal"/>) asks it before every write,
/// the contact monitor (<see cref="ContactMonitor"/>) tells it which members answered and when. Its decision is
/// <see cref="WriteFenceRules.Decide"/> over the cluster state as of now; an actor system without clustering (the
/// persistence benchmark) has no split brain to fear and is always open.
/// </summary>
public sealed class WriteFence : IExtension
{
    /// <summary>Journal writes refused (docs/operations.md, "Metrics"). Created with the first fence, at 0.</summary>
    public static readonly Counter Refused = Metrics.CreateCounter("mxo_journal_writes_refused_total",
        "Journal writes the write fence refused because this node was not in contact with a majority of the cluster.");

    private readonly Cluster? _cluster;
    private volatile bool _wasMember;
    private ImmutableDictionary<Address, TimeSpan> _lastContact = ImmutableDictionary<Address, TimeSpan>.Empty;

    public WriteFence(ExtendedActorSystem system)
    {
        Settings = WriteFenceSettings.From(system);
        _cluster = system.Provider is Akka.Cluster.IClusterActorRefProvider ? Cluster.Get(system) : null;
    }

    public static WriteFence Get(ActorSystem system) => system.WithExtension<WriteFence, WriteFenceProvider>();

    public WriteFenceSettings Settings { get; }

    /// <summary>A monotonic clock: it keeps running while the process is stopped (SIGSTOP), unlike the process's own time.</summary>
    public static TimeSpan Now() => Stopwatch.GetElapsedTime(0, Stopwatch.GetTimestamp());

    /// <summary>The monitor's report: <paramref name="member"/> answered a ping sent at <paramref name="askedAt"/>.</summary>
    internal void Heard(Address member, TimeSpan askedAt)
    {
        // One writer (the monitor); readers take whatever dictionary is current.
        var current = Volatile.Read(ref _lastContact);
        if (current.TryGetValue(member, out var known) && known >= askedAt) return;
        Volatile.Write(ref _lastContact, current.SetItem(member, askedAt));
    }

    /// <summary>Drops the contacts of addresses that are no longer members.</summary>
    internal void Forget(IEnumerable<Address> members)
    {
        var keep = members.ToHashSet();
        var current = Volatile.Read(ref _lastContact);
        if (current.Keys.All(keep.Contains)) return;
        Volatile.Write(ref _lastContact, current.RemoveRange(current.Keys.Where(a => !keep.Contains(a)).ToList()));
    }

    /// <summary>Whether a write may go to the journal now.</summary>
    public FenceDecision Check()
    {
        if (_cluster is null) return new FenceDecision(true, 1, 1, TimeSpan.Zero, "no cluster");
        var state = _cluster.State;
        var members = state.Members.Select(m => new FenceMember(m.Address, m.Status)).ToList();
        // The cluster state holds this node from the gossip that made it a member until it is removed; before, its
        // own status reads "Removed" just as after. A node that was a member and is not any more never writes again.
        if (members.Any(m => m.Address == _cluster.SelfAddress)) _wasMember = true;
        else if (_wasMember || _cluster.IsTerminated)
            return new FenceDecision(false, 0, members.Count(m => WriteFenceRules.Counts(m.Status)), null,
                "this node has been removed from the cluster");
        return WriteFenceRules.Decide(_cluster.SelfAddress, members, Volatile.Read(ref _lastContact), Now(),
            Settings.ContactWithin);
    }
}

public sealed class WriteFenceProvider : ExtensionIdProvider<WriteFence>
{
    public override WriteFence CreateExtension(ExtendedActorSystem system) => new(system);
}

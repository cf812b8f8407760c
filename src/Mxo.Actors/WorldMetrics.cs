using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Mxo.Actors.Accounts;
using Mxo.Actors.Districts;
using Mxo.Actors.Hosting;
using Mxo.Actors.Players;
using Mxo.Actors.World;
using Prometheus;

namespace Mxo.Actors;

/// <summary>
/// What the world side measures, in Prometheus' conventions (<c>_total</c> for counters, seconds, docs/operations.md
/// "Metrics"). Like the edge's (src/Mxo.Edge/EdgeMetrics.cs) they live in prometheus-net's default registry, which is one
/// per process: a node is one process, so a series counts what this node hosts. Every label value comes from a fixed
/// set: entity types are the shard type names, district ids come from the world map (a district outside it never starts).
/// Hot paths hold pre-bound children (<see cref="ForEntity"/>, <see cref="ForDistrict"/>), so an observation is no lookup.
/// </summary>
public static class WorldMetrics
{
    /// <summary>
    /// The entity types, the <c>entity</c> label's values. A sharded entity's persistence id is its shard type name, a dash
    /// and its id ("player-neo"); the world clock, a singleton, has one fixed persistence id.
    /// </summary>
    public static readonly IReadOnlyList<string> EntityTypes =
    [
        AccountRegistration.AccountTypeName, AccountRegistration.CharacterNameTypeName, DistrictRegistration.TypeName,
        PlayerRegistration.TypeName, WorldClock.PersistenceIdValue, Combat.CombatRegistration.TypeName, Notifications.InboxRegistration.TypeName,
    ];

    public static readonly Gauge DistrictPlayers = Metrics.CreateGauge("mxo_district_players",
        "Players present in the district, on the node that hosts it.", new GaugeConfiguration { LabelNames = ["district"] });

    /// <summary>A tick has 50 ms at 20 Hz; the buckets span a quiet district (well under 1 ms) to one that overruns.</summary>
    public static readonly Histogram DistrictTickDuration = Metrics.CreateHistogram("mxo_district_tick_duration_seconds",
        "How long one district tick took (interest queries and view messages).",
        new HistogramConfiguration { LabelNames = ["district"], Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1] });

    /// <summary>Beyond one interval since the previous tick: the clock's resolution plus the wait behind moves in the mailbox.</summary>
    public static readonly Histogram DistrictTickLateness = Metrics.CreateHistogram("mxo_district_tick_lateness_seconds",
        "How late a district tick started: the time since the previous tick beyond one interval.",
        new HistogramConfiguration { LabelNames = ["district"], Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25] });

    /// <summary>
    /// Beyond the time a round was due (one round length after the previous one): the round timer's resolution (Akka's
    /// scheduler, 10 ms steps) plus the wait for a thread. A round has 3 s (world/combat.json); the buckets reach well past
    /// the 50 ms issue 11 allows.
    /// </summary>
    public static readonly Histogram CombatRoundLateness = Metrics.CreateHistogram("mxo_combat_round_lateness_seconds",
        "How late a combat round was resolved: the encounter's time at resolution beyond when the round was due.",
        new HistogramConfiguration { Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    public static readonly Counter CombatRounds = Metrics.CreateCounter("mxo_combat_rounds_total",
        "Combat rounds resolved and persisted (each one RoundResolved event in the journal).");

    /// <summary>A round is durable: counted, with how late it was resolved (never below 0).</summary>
    public static void CombatRoundPersisted(TimeSpan lateness)
    {
        CombatRoundLateness.Observe(Math.Max(0, lateness.TotalSeconds));
        CombatRounds.Inc();
    }

    /// <summary>The mission scheduler's pending one-shot timers (set by the node hosting it after every change).</summary>
    public static readonly Gauge MissionTimersPending = Metrics.CreateGauge("mxo_mission_timers_pending",
        "One-shot timers pending in the mission scheduler singleton (on the node hosting it).");

    public static readonly Counter MissionTimerFires = Metrics.CreateCounter("mxo_mission_timer_fires_total",
        "Mission scheduler fires delivered after their Fired event was persisted (one-shot timers and schedule occurrences).");

    /// <summary>Delivery time beyond the due time: the one timer's resolution, the batch's write and the wait for a thread.</summary>
    public static readonly Histogram MissionTimerLateness = Metrics.CreateHistogram("mxo_mission_timer_lateness_seconds",
        "How late a mission scheduler fire was delivered: the time at delivery (after its write) beyond its due time.",
        new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 60] });

    /// <summary>Missions by what happened: <c>accepted</c>, <c>completed</c> (paid), <c>failed</c> (abandoned or expired).</summary>
    public static readonly Counter Missions = Metrics.CreateCounter("mxo_missions_total",
        "Missions accepted, completed (and paid) and failed (abandoned or expired) by characters whose entities run on this node.",
        new CounterConfiguration { LabelNames = ["outcome"] });

    public static readonly Histogram PersistDuration = Metrics.CreateHistogram("mxo_persist_duration_seconds",
        "From an entity's persist call until its events are durable and its handler runs (one observation per write).",
        new HistogramConfiguration { LabelNames = ["entity"], Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });

    public static readonly Counter PersistFailures = Metrics.CreateCounter("mxo_persist_failures_total",
        "Events an entity could not persist: failed (the journal write failed; the entity stops) or rejected (the journal refused the event; the entity goes on).",
        new CounterConfiguration { LabelNames = ["entity", "reason"] });

    public static readonly Gauge ShardingShards = Metrics.CreateGauge("mxo_sharding_shards",
        "Shards of the type hosted by this node's region (world nodes only; asked of the region when scraped).",
        new GaugeConfiguration { LabelNames = ["region"] });

    public static readonly Gauge ShardingEntities = Metrics.CreateGauge("mxo_sharding_entities",
        "Entities of the type running in this node's region (world nodes only; asked of the region when scraped).",
        new GaugeConfiguration { LabelNames = ["region"] });

    /// <summary>The persist metrics of one entity type, bound once per type.</summary>
    public sealed class EntityMeter(string entity)
    {
        private readonly Histogram.Child _duration = PersistDuration.WithLabels(entity);
        private readonly Counter.Child _failed = PersistFailures.WithLabels(entity, "failed");
        private readonly Counter.Child _rejected = PersistFailures.WithLabels(entity, "rejected");

        /// <param name="started">A <see cref="Stopwatch.GetTimestamp"/> taken when the persist was called.</param>
        public void Persisted(long started) => _duration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);

        public void Failed() => _failed.Inc();

        public void Rejected() => _rejected.Inc();
    }

    private static readonly EntityMeter[] Entities = EntityTypes.Select(t => new EntityMeter(t)).ToArray();
    private static readonly Lazy<EntityMeter> OtherEntity = new(() => new EntityMeter("other"));

    /// <summary>
    /// The meter of the entity with this persistence id; "other" for an id no entity type owns (none today, so that series
    /// exists only if one appears).
    /// </summary>
    public static EntityMeter ForEntity(string persistenceId)
    {
        for (var i = 0; i < EntityTypes.Count; i++)
        {
            var type = EntityTypes[i];
            if (persistenceId == type || (persistenceId.StartsWith(type, StringComparison.Ordinal) && persistenceId.Length > type.Length
                                          && persistenceId[type.Length] == '-'))
                return Entities[i];
        }
        return OtherEntity.Value;
    }

    /// <summary>One district's gauge and histogram, bound when the district starts.</summary>
    public sealed class DistrictMeter(string district)
    {
        private readonly Gauge.Child _players = DistrictPlayers.WithLabels(district);
        private readonly Histogram.Child _tick = DistrictTickDuration.WithLabels(district);
        private readonly Histogram.Child _late = DistrictTickLateness.WithLabels(district);
        private int _shown;

        /// <summary>
        /// Moves the gauge by this district's change: two instances of one district in a process (only in tests, several
        /// nodes in one process) add up instead of overwriting each other. Present(0) when the district stops.
        /// </summary>
        public void Present(int count)
        {
            _players.Inc(count - _shown);
            _shown = count;
        }

        public void Ticked(TimeSpan elapsed) => _tick.Observe(elapsed.TotalSeconds);

        public void Late(TimeSpan lateness) => _late.Observe(lateness.TotalSeconds);
    }

    public static DistrictMeter ForDistrict(string district) => new(district);

    /// <summary>
    /// Asks each shard region this node hosts (world nodes only: a proxy hosts no shards) how many shards and entities it
    /// runs. A region that does not answer within <paramref name="timeout"/> has its series removed until it answers
    /// again, so a scrape never shows an old figure as current. Shards that did not answer the region in time are counted
    /// as shards; their entities are not.
    /// </summary>
    public static async Task CollectShardingAsync(ActorSystem system, TimeSpan timeout, CancellationToken cancel)
    {
        if (!Cluster.Get(system).SelfRoles.Contains(ShardedEntity.WorldRole)) return;
        var sharding = ClusterSharding.Get(system);
        await Task.WhenAll(sharding.ShardTypeNames.Select(async type =>
        {
            try
            {
                var state = await sharding.ShardRegion(type).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, timeout, cancel);
                ShardingShards.WithLabels(type).Set(state.Shards.Count + state.Failed.Count);
                ShardingEntities.WithLabels(type).Set(state.Shards.Sum(s => s.EntityIds.Count));
            }
            catch (AskTimeoutException)
            {
                ShardingShards.RemoveLabelled(type);
                ShardingEntities.RemoveLabelled(type);
            }
        }));
    }
}

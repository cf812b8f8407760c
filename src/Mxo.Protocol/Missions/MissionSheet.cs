using System.Collections.Immutable;
using ProtoBuf;

namespace Mxo.Protocol.Missions;

/// <summary>An active mission as the character's journal keeps it (<see cref="ActiveMission"/>, times in Unix ms).</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ActiveMissionData(
    [property: ProtoMember(1)] string MissionId,
    [property: ProtoMember(2)] int Phase,
    int[] Counts,
    [property: ProtoMember(4)] long AcceptedAtMs,
    [property: ProtoMember(5)] long DeadlineMs) : IMxoMessage
{
    [ProtoMember(3)]
    public int[] Counts { get => _counts ?? []; init => _counts = value; }
    private int[]? _counts = Counts;
}

/// <summary>A quest item held for a mission.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record HeldItemData([property: ProtoMember(1)] string ItemId, [property: ProtoMember(2)] string MissionId) : IMxoMessage;

/// <summary>Reputation with one organisation.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ReputationData([property: ProtoMember(1)] string Organisation, [property: ProtoMember(2)] int Value) : IMxoMessage;

/// <summary>A mission a contact offered the character at <see cref="OfferedAtMs"/>: it may accept it within the offer lifetime.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record MissionOfferData(
    [property: ProtoMember(1)] string MissionId,
    [property: ProtoMember(2)] string Contact,
    [property: ProtoMember(3)] long OfferedAtMs) : IMxoMessage;

/// <summary>
/// A character's missions as its journal keeps them (<c>PlayerState.Missions</c>): the rules' <see cref="MissionState"/>
/// in lists, plus the live offers and the daily count. Persisted whole in every <c>PlayerEvents.MissionsChanged</c>, so a
/// replay never re-runs the rules against a mission table that may have changed since (docs/architecture.md,
/// "Missions (play)"). Bounded: the active cap, the inventory cap, one offer per mission of the table, one completed id
/// per mission of the table.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record MissionSheet(
    ActiveMissionData[] Active,
    string[] Completed,
    HeldItemData[] Inventory,
    [property: ProtoMember(4)] long Experience,
    [property: ProtoMember(5)] int Level,
    [property: ProtoMember(6)] long Info,
    ReputationData[] Reputation,
    MissionOfferData[] Offers,
    [property: ProtoMember(9)] long DayStartMs,
    [property: ProtoMember(10)] int AcceptedToday) : IMxoMessage
{
    [ProtoMember(1)]
    public ActiveMissionData[] Active { get => _active ?? []; init => _active = value; }
    private ActiveMissionData[]? _active = Active;

    [ProtoMember(2)]
    public string[] Completed { get => _completed ?? []; init => _completed = value; }
    private string[]? _completed = Completed;

    [ProtoMember(3)]
    public HeldItemData[] Inventory { get => _inventory ?? []; init => _inventory = value; }
    private HeldItemData[]? _inventory = Inventory;

    [ProtoMember(7)]
    public ReputationData[] Reputation { get => _reputation ?? []; init => _reputation = value; }
    private ReputationData[]? _reputation = Reputation;

    [ProtoMember(8)]
    public MissionOfferData[] Offers { get => _offers ?? []; init => _offers = value; }
    private MissionOfferData[]? _offers = Offers;

    /// <summary>A character that never touched a mission: level 1, nothing else.</summary>
    public static MissionSheet Empty { get; } = new([], [], [], 0, 1, 0, [], [], 0, 0);

    /// <summary>The rules' view of it, with <paramref name="inventoryCap"/> quest items at most.</summary>
    public MissionState ToState(int inventoryCap) => new(
        Active.ToImmutableSortedDictionary(a => a.MissionId, a => new ActiveMission(a.MissionId, a.Phase, [.. a.Counts],
            DateTimeOffset.FromUnixTimeMilliseconds(a.AcceptedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(a.DeadlineMs)), StringComparer.Ordinal),
        Completed.ToImmutableSortedSet(StringComparer.Ordinal),
        [.. Inventory.Select(i => new HeldItem(i.ItemId, i.MissionId))],
        inventoryCap,
        Experience,
        Math.Max(1, Level),
        Info,
        Reputation.ToImmutableSortedDictionary(r => r.Organisation, r => r.Value, StringComparer.Ordinal));

    /// <summary>This sheet with the rules' <paramref name="state"/> written into it (offers and the daily count kept).</summary>
    public MissionSheet With(MissionState state) => this with
    {
        Active = [.. state.Active.Values.Select(a => new ActiveMissionData(a.MissionId, a.Phase, [.. a.Counts],
            a.AcceptedAt.ToUnixTimeMilliseconds(), a.Deadline.ToUnixTimeMilliseconds()))],
        Completed = [.. state.Completed],
        Inventory = [.. state.Inventory.Select(i => new HeldItemData(i.ItemId, i.MissionId))],
        Experience = state.Experience,
        Level = state.Level,
        Info = state.Info,
        Reputation = [.. state.Reputation.Select(r => new ReputationData(r.Key, r.Value))],
    };

    /// <summary>The offers still acceptable at <paramref name="nowMs"/> (younger than <paramref name="lifetime"/>).</summary>
    public MissionSheet WithoutOffersOlderThan(TimeSpan lifetime, long nowMs) =>
        Offers.All(o => nowMs - o.OfferedAtMs < (long)lifetime.TotalMilliseconds)
            ? this
            : this with { Offers = [.. Offers.Where(o => nowMs - o.OfferedAtMs < (long)lifetime.TotalMilliseconds)] };
}

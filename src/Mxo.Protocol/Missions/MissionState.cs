using System.Collections.Immutable;

namespace Mxo.Protocol.Missions;

/// <summary>A mission a character has accepted and not yet been paid for, abandoned or failed.</summary>
/// <param name="Phase">The current phase's index; the mission's phase count once every phase is done (finished, awaiting payment).</param>
/// <param name="Counts">Per objective of the current phase: the matching events counted so far, at most its <see cref="Objective.Needed"/>.</param>
/// <param name="Deadline">Accepted-at plus the mission's time limit: <see cref="MissionRules.Expire"/> fails it from then on unless finished.</param>
public sealed record ActiveMission(string MissionId, int Phase, ImmutableArray<int> Counts, DateTimeOffset AcceptedAt, DateTimeOffset Deadline)
{
    public bool IsFinished(MissionData mission) => Phase >= mission.Phases.Count;

    // Value equality: a record compares an ImmutableArray by its array's reference, so two equal histories would
    // otherwise give unequal states.
    public bool Equals(ActiveMission? other) =>
        other is not null && MissionId == other.MissionId && Phase == other.Phase && Counts.AsSpan().SequenceEqual(other.Counts.AsSpan())
        && AcceptedAt == other.AcceptedAt && Deadline == other.Deadline;

    public override int GetHashCode() => HashCode.Combine(MissionId, Phase, AcceptedAt, Deadline);
}

/// <summary>A quest item in a character's inventory, held for the mission whose objective picked it up.</summary>
public sealed record HeldItem(string ItemId, string MissionId);

/// <summary>
/// A character's side of the missions: what it is doing, what it has done and what that earned. Immutable; every change
/// is a <see cref="MissionRules"/> function returning a new one. Collections are sorted so that the same history gives
/// the same state, whatever order a dictionary would have enumerated it in.
/// </summary>
/// <param name="Completed">Missions whose rewards were paid: never offered or paid again.</param>
/// <param name="Inventory">Quest items, at most <paramref name="InventoryCap"/>.</param>
/// <param name="Level">Always the mission table's level for <paramref name="Experience"/> (<see cref="MissionTable.LevelFor"/>).</param>
/// <param name="Reputation">Per organisation id; an organisation not listed is at 0. Within <see cref="MissionRules.MinReputation"/>..<see cref="MissionRules.MaxReputation"/>.</param>
public sealed record MissionState(
    ImmutableSortedDictionary<string, ActiveMission> Active,
    ImmutableSortedSet<string> Completed,
    ImmutableList<HeldItem> Inventory,
    int InventoryCap,
    long Experience,
    int Level,
    long Info,
    ImmutableSortedDictionary<string, int> Reputation)
{
    /// <summary>A new character: nothing active or done, an empty inventory, level 1, 0 of everything.</summary>
    public static MissionState New(int inventoryCap = MissionRules.DefaultInventoryCap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inventoryCap);
        return new MissionState(
            ImmutableSortedDictionary.Create<string, ActiveMission>(StringComparer.Ordinal),
            ImmutableSortedSet.Create<string>(StringComparer.Ordinal),
            [],
            inventoryCap,
            0,
            1,
            0,
            ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal));
    }

    public int ReputationWith(string organisation) => Reputation.GetValueOrDefault(organisation);

    // Value equality, as for ActiveMission: the collections are sorted, so equal contents enumerate alike.
    public bool Equals(MissionState? other) =>
        other is not null && InventoryCap == other.InventoryCap && Experience == other.Experience && Level == other.Level
        && Info == other.Info && Active.SequenceEqual(other.Active) && Completed.SequenceEqual(other.Completed)
        && Inventory.SequenceEqual(other.Inventory) && Reputation.SequenceEqual(other.Reputation);

    public override int GetHashCode() => HashCode.Combine(Active.Count, Completed.Count, Inventory.Count, Experience, Level, Info);
}

/// <summary>Something a mission event, request or clock did to a character's missions: what the client is told.</summary>
public abstract record MissionChange;

public sealed record MissionAccepted(string MissionId, DateTimeOffset Deadline) : MissionChange;

/// <summary>An objective of the current phase counted an event: <paramref name="Count"/> of <paramref name="Needed"/>.</summary>
public sealed record ObjectiveProgressed(string MissionId, int Phase, int Objective, int Count, int Needed) : MissionChange;

/// <summary>Every objective of the previous phase is done; <paramref name="Phase"/> is the new current one.</summary>
public sealed record PhaseAdvanced(string MissionId, int Phase) : MissionChange;

/// <summary>The last phase is done: the mission awaits <see cref="MissionRules.Complete"/> (it no longer expires).</summary>
public sealed record MissionFinished(string MissionId) : MissionChange;

public sealed record ItemAdded(string MissionId, string ItemId) : MissionChange;

/// <summary>An item left the inventory: given, or dropped because its mission ended.</summary>
public sealed record ItemRemoved(string MissionId, string ItemId) : MissionChange;

/// <summary>An item an objective wanted was not picked up; <paramref name="Reason"/> is a <see cref="MissionErrorCodes"/> code.</summary>
public sealed record ItemNotTaken(string MissionId, string ItemId, string Reason) : MissionChange;

public enum MissionEnd
{
    Abandoned,

    /// <summary>The time limit ran out: failed.</summary>
    Expired,
}

/// <summary>The mission left the active ones without pay.</summary>
public sealed record MissionEnded(string MissionId, MissionEnd End) : MissionChange;

/// <summary>
/// The rewards were applied (once: the mission is now completed). <paramref name="Reputation"/> is the change per
/// organisation after clamping, so it may be smaller than the mission's reward.
/// </summary>
public sealed record RewardsPaid(string MissionId, long Experience, long Info, int LevelBefore, int LevelAfter,
    ImmutableSortedDictionary<string, int> Reputation) : MissionChange
{
    public bool Equals(RewardsPaid? other) =>
        other is not null && MissionId == other.MissionId && Experience == other.Experience && Info == other.Info
        && LevelBefore == other.LevelBefore && LevelAfter == other.LevelAfter && Reputation.SequenceEqual(other.Reputation);

    public override int GetHashCode() => HashCode.Combine(MissionId, Experience, Info, LevelBefore, LevelAfter);
}

/// <summary>What a rule returned: the new state (the old one when refused), the refusal's code, and what changed.</summary>
public sealed record MissionOutcome(MissionState State, string? Error, ImmutableArray<MissionChange> Changes)
{
    public bool Refused => Error is not null;

    public bool Equals(MissionOutcome? other) =>
        other is not null && State == other.State && Error == other.Error && Changes.SequenceEqual(other.Changes);

    public override int GetHashCode() => HashCode.Combine(State, Error, Changes.Length);

    internal static MissionOutcome Refuse(MissionState state, string code, params MissionChange[] changes) => new(state, code, [.. changes]);
}

namespace Mxo.Protocol.Missions;

/// <summary>
/// The three organisations a contact works for and a character has reputation with (issue 13). Fixed: the rules pay
/// reputation up with one and down with the other two, so world/missions.json must name exactly these ids.
/// </summary>
public static class OrganisationIds
{
    public const string Zion = "zion";
    public const string Machines = "machines";
    public const string Merovingian = "merovingian";

    /// <summary>In the order the file lists them.</summary>
    public static IReadOnlyList<string> All { get; } = Array.AsReadOnly([Zion, Machines, Merovingian]);
}

/// <summary>An organisation (world/missions.json's "organisations"): one of <see cref="OrganisationIds"/> and its name.</summary>
public sealed record Organisation(string Id, string Name);

/// <summary>Someone who offers missions (world/missions.json's "contacts").</summary>
/// <param name="Id">Unique among contacts, and no NPC spawn has it: a talk or give objective names either.</param>
/// <param name="Organisation">One of <see cref="OrganisationIds"/>.</param>
/// <param name="Position">Inside <paramref name="District"/>'s bounds.</param>
/// <param name="ReputationNeeded">The reputation with <paramref name="Organisation"/> a character needs for this contact's missions.</param>
public sealed record Contact(string Id, string Name, string Organisation, DistrictId District, Vec3 Position, int ReputationNeeded);

/// <summary>
/// A live event (world/missions.json's "events"): a named period operators open and close (<c>world event-start</c>,
/// docs/operations.md) during which the missions that name it are offered.
/// </summary>
public sealed record LiveEventData(string Id, string Name);

/// <summary>Where a quest item comes from.</summary>
public enum ItemSource
{
    /// <summary>Dropped by a defeated NPC of a kind of world/npcs.json: a <c>loot</c> objective.</summary>
    NpcKind,

    /// <summary>Taken from a world object of world/districts.json: a <c>get</c> objective.</summary>
    WorldObject,
}

/// <summary>An item objectives use (world/missions.json's "items").</summary>
/// <param name="From">The NPC kind id or world object id it comes from, as <paramref name="Source"/> says.</param>
public sealed record QuestItemData(string Id, string Name, string From, ItemSource Source);

/// <summary>One thing a mission's phase asks for. <see cref="Needed"/> events of the matching kind complete it.</summary>
public abstract record Objective
{
    /// <summary>The file's word for the kind ("talk", "reach", …).</summary>
    public abstract string Kind { get; }

    /// <summary>How many matching events complete it: a defeat's count, otherwise 1.</summary>
    public virtual int Needed => 1;
}

/// <summary>Interact with an NPC spawn or a contact (<paramref name="Target"/>, an id of either) within reach.</summary>
public sealed record TalkObjective(string Target) : Objective
{
    public override string Kind => "talk";
}

/// <summary>Walk within <paramref name="Radius"/> units (ground plane) of <paramref name="Centre"/> in <paramref name="District"/>.</summary>
public sealed record ReachObjective(DistrictId District, Vec3 Centre, double Radius) : Objective
{
    public override string Kind => "reach";

    /// <summary>Whether a character at <paramref name="position"/> in <paramref name="district"/> has reached the area (its edge included).</summary>
    public bool Contains(DistrictId district, Vec3 position) =>
        district == District && position.IsValid && position.FlatDistanceTo(Centre) <= Radius;
}

/// <summary>Defeat <paramref name="Count"/> NPCs of the kind <paramref name="NpcKind"/>.</summary>
public sealed record DefeatObjective(string NpcKind, int Count) : Objective
{
    public override string Kind => "defeat";
    public override int Needed => Count;
}

/// <summary>Take the item from a defeated NPC of the item's kind (<paramref name="FromKind"/>).</summary>
public sealed record LootObjective(string Item, string FromKind) : Objective
{
    public override string Kind => "loot";
}

/// <summary>Take the item from the item's world object (<paramref name="FromObject"/>).</summary>
public sealed record GetObjective(string Item, string FromObject) : Objective
{
    public override string Kind => "get";
}

/// <summary>Hand the item to an NPC spawn or contact (<paramref name="Target"/>); the item leaves the inventory.</summary>
public sealed record GiveObjective(string Item, string Target) : Objective
{
    public override string Kind => "give";
}

/// <summary>What completing a mission pays (docs/architecture.md, "Missions (data)").</summary>
/// <param name="Reputation">Up this much with the contact's organisation, down half of it (rounded down) with the other two.</param>
public sealed record MissionRewards(long Experience, long Info, int Reputation);

/// <summary>A mission (world/missions.json's "missions"): who offers it, to whom, what it asks, phase by phase, and what it pays.</summary>
/// <param name="MinLevel">The lowest character level it is offered to; 1 or more.</param>
/// <param name="MaxLevel">The highest; at least <paramref name="MinLevel"/> and at most the level table's top level.</param>
/// <param name="Difficulty">One of <see cref="MissionTable.Difficulties"/>: a label for the client, not a rule.</param>
/// <param name="Length">One of <see cref="MissionTable.Lengths"/>, likewise.</param>
/// <param name="Phases">At least one; each at least one objective. Only the current phase's objectives count.</param>
/// <param name="TimeLimit">From acceptance; a mission not finished by then fails.</param>
/// <param name="Event">
/// The live event (an id of <see cref="MissionTable.Events"/>) it belongs to, or null: such a mission is offered and
/// accepted only while that event is open (<see cref="MissionRules.Offers"/>, <see cref="MissionRules.Accept"/>).
/// </param>
public sealed record MissionData(
    string Id,
    Contact Contact,
    string Title,
    int MinLevel,
    int MaxLevel,
    string Difficulty,
    string Length,
    IReadOnlyList<IReadOnlyList<Objective>> Phases,
    TimeSpan TimeLimit,
    MissionRewards Rewards,
    string? Event = null);

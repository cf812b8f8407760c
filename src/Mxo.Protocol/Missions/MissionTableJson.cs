using Mxo.Protocol.World;

namespace Mxo.Protocol.Missions;

// The shape of world/missions.json. Every member is required except "description", "events", a mission's "event" and
// an objective's members, which depend on its "kind" and are checked by MissionTableValidation (a member the kind does
// not use is refused there, by path). Unknown members are refused by the serializer, so a misspelt field ("timeLimit") is an error rather than
// silently zero. Positions have the map's shape (PointJson, src/Mxo.Protocol/World/WorldMapJson.cs). The options are
// every data file's: DataFileJson in src/Mxo.Protocol/DataFile.cs.

internal sealed record MissionFileJson
{
    public required int Version { get; init; }
    public string? Description { get; init; }
    public required List<OrganisationJson?> Organisations { get; init; }
    public required List<long> Levels { get; init; }
    public required List<ContactJson?> Contacts { get; init; }
    public required List<ItemJson?> Items { get; init; }
    public required List<MissionJson?> Missions { get; init; }

    /// <summary>Optional: a file without live events needs no empty list.</summary>
    public List<LiveEventJson?>? Events { get; init; }
}

internal sealed record LiveEventJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
}

internal sealed record OrganisationJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
}

internal sealed record ContactJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Organisation { get; init; }
    public required string District { get; init; }
    public required PointJson Position { get; init; }
    public required int Reputation { get; init; }
}

internal sealed record ItemJson
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string From { get; init; }
}

internal sealed record MissionJson
{
    public required string Id { get; init; }
    public required string Contact { get; init; }
    public required string Title { get; init; }
    public required int MinLevel { get; init; }
    public required int MaxLevel { get; init; }
    public required string Difficulty { get; init; }
    public required string Length { get; init; }
    public required int TimeLimitMinutes { get; init; }
    public required RewardsJson Rewards { get; init; }
    public required List<List<ObjectiveJson?>?> Phases { get; init; }

    /// <summary>A live event's id, or absent: the mission is offered only while that event is open.</summary>
    public string? Event { get; init; }
}

internal sealed record RewardsJson
{
    public required long Experience { get; init; }
    public required long Info { get; init; }
    public required int Reputation { get; init; }
}

/// <summary>One objective: "kind" and the members that kind uses (docs in the file's "description").</summary>
internal sealed record ObjectiveJson
{
    public required string Kind { get; init; }
    public string? Target { get; init; }
    public string? District { get; init; }
    public PointJson? Centre { get; init; }
    public double? Radius { get; init; }
    public string? NpcKind { get; init; }
    public int? Count { get; init; }
    public string? Item { get; init; }
}

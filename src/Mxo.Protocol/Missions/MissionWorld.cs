using Mxo.Protocol.Npcs;
using Mxo.Protocol.World;

namespace Mxo.Protocol.Missions;

/// <summary>
/// The mission table with what it refers to: the NPC spawns and the map's world objects, so a talk, give or get can be
/// checked for reach and an objective can say where its target stands (a quest marker).
/// </summary>
public sealed class MissionWorld(MissionTable table, NpcTable npcs, WorldMap map)
{
    public MissionTable Table { get; } = table;
    public NpcTable Npcs { get; } = npcs;
    public WorldMap Map { get; } = map;

    /// <summary>Where a contact or NPC spawn stands; null for any other id.</summary>
    public (DistrictId District, Vec3 Position)? TargetAt(string? id) =>
        Table.Contact(id) is { } contact ? (contact.District, contact.Position)
        : Npcs.Spawn(id) is { } spawn ? (spawn.District, spawn.Position)
        : null;

    /// <summary>Where a world object stands; null for an unknown object id.</summary>
    public (DistrictId District, Vec3 Position)? ObjectAt(string? id)
    {
        if (id is null) return null;
        foreach (var district in Map.All)
            foreach (var o in district.Objects)
                if (o.Id == id) return (district.Id, o.Position);
        return null;
    }

    /// <summary>The quest item a <c>get</c> takes from world object <paramref name="objectId"/>, if any.</summary>
    public QuestItemData? ItemFromObject(string objectId) =>
        Table.Items.FirstOrDefault(i => i.Source == ItemSource.WorldObject && i.From == objectId);

    /// <summary>The quest items a defeated NPC of <paramref name="kind"/> can drop (<c>loot</c>).</summary>
    public IEnumerable<QuestItemData> ItemsFromKind(string kind) =>
        Table.Items.Where(i => i.Source == ItemSource.NpcKind && i.From == kind);
}

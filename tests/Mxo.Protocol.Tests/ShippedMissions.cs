using Mxo.Protocol.Combat;
using Mxo.Protocol.Missions;
using Mxo.Protocol.Npcs;
using Mxo.Protocol.World;

namespace Mxo.Protocol.Tests;

/// <summary>The shipped mission table and the map and NPC table it is checked against, for MissionTableTests and MissionRulesTests.</summary>
internal static class ShippedMissions
{
    public static readonly string Json = File.ReadAllText(MissionTable.DefaultPath);
    public static readonly WorldMap Map = WorldMap.Load(WorldMap.DefaultPath);
    public static readonly NpcTable ShippedNpcs = NpcTable.Load(NpcTable.DefaultPath, CombatTable.Load(CombatTable.DefaultPath), Map);
    public static readonly MissionTable Table = MissionTable.Load(MissionTable.DefaultPath, Map, ShippedNpcs);
}

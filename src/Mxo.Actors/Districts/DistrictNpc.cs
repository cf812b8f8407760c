using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Npcs;

namespace Mxo.Actors.Districts;

/// <summary>
/// An NPC a district hosts (a spawn of world/npcs.json): where it stands, its kind (numbers, tactics) and how long it
/// stays down. <see cref="FighterId"/> is how views, fights and clients name it ("npc:" + its id): character names may
/// look like NPC ids, so without the prefix the two could collide.
/// </summary>
public sealed record DistrictNpc(string Id, NpcKind Kind, Vec3 Position, TimeSpan Respawn)
{
    public const string IdPrefix = "npc:";

    public static DistrictNpc Of(NpcSpawn spawn) => new(spawn.Id, spawn.Kind, spawn.Position, spawn.Respawn);

    public string FighterId => IdPrefix + Id;

    public PlayerId ViewId => new(FighterId);

    public string Name => Kind.Name;

    public FighterStatsData Stats => Kind.FullStats();

    /// <summary>Its AI's tactic for the next round: drawn by the kind's weights (the choice is persisted by the encounter).</summary>
    public string PickTactic(Random random) => Kind.TacticAt(random.Next(Kind.TotalTacticWeight));
}

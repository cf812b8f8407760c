using Mxo.Protocol;
using Mxo.Protocol.Combat;

namespace Mxo.Actors.Districts;

/// <summary>
/// An NPC a district hosts (from world/npcs.json): where it stands, its numbers for a fight, what it fights with and
/// how long it stays down. <see cref="FighterId"/> is how views, fights and clients name it ("npc:" + its id), so it
/// never collides with a character's id.
/// </summary>
/// <param name="Tactics">The tactics its AI picks from each round, with their weights.</param>
public sealed record DistrictNpc(
    string Id,
    string Kind,
    string Name,
    Vec3 Position,
    FighterStatsData Stats,
    TimeSpan Respawn,
    IReadOnlyList<(string Tactic, int Weight)> Tactics)
{
    public const string IdPrefix = "npc:";

    public string FighterId => IdPrefix + Id;

    public PlayerId ViewId => new(FighterId);

    /// <summary>A tactic drawn by weight.</summary>
    public string PickTactic(Random random)
    {
        var total = 0;
        foreach (var (_, weight) in Tactics) total += weight;
        if (total <= 0) return Tactics.Count > 0 ? Tactics[0].Tactic : "";
        var roll = random.Next(total);
        foreach (var (tactic, weight) in Tactics)
        {
            if (roll < weight) return tactic;
            roll -= weight;
        }
        return Tactics[^1].Tactic;
    }
}

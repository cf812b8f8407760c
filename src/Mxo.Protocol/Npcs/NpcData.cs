using Mxo.Protocol.Combat;

namespace Mxo.Protocol.Npcs;

/// <summary>
/// The numbers a fighter starts from (world/npcs.json's "player" and each kind's): its maxima and its stats. The combat
/// protocol carries them with the current health and inner strength as <see cref="FighterStatsData"/>.
/// </summary>
/// <param name="Accuracy">50 is average: world/combat.json's hit formula counts (accuracy - 50) / 2.</param>
/// <param name="Evasion">50 is average, likewise.</param>
/// <param name="WeaponDamage">Added to <paramref name="Attack"/> for an attack's base damage.</param>
public sealed record FighterBaseStats(int MaxHealth, int MaxInnerStrength, int Attack, int Accuracy, int Evasion, int WeaponDamage)
{
    /// <summary>A fighter at full health and inner strength: an NPC as it spawns or respawns.</summary>
    public FighterStatsData Full() => At(MaxHealth, MaxInnerStrength);

    /// <summary>
    /// A fighter with these numbers and the given current health and inner strength (a player's, from its sheet),
    /// each clamped to 0..its maximum: the combat rules take a fighter's maxima as the ceiling heals and regeneration
    /// stop at, so a current value above them would be a fighter the rules could never have made.
    /// </summary>
    public FighterStatsData At(int health, int innerStrength) => new(
        Math.Clamp(health, 0, MaxHealth), MaxHealth,
        Math.Clamp(innerStrength, 0, MaxInnerStrength), MaxInnerStrength,
        Attack, Accuracy, Evasion, WeaponDamage);
}

/// <summary>A tactic of the combat table that an NPC kind fights with, and how often it picks it relative to the others.</summary>
public sealed record WeightedTactic(string TacticId, int Weight);

/// <summary>One kind of NPC (world/npcs.json's "kinds"): what every NPC of it is, fights with and how soon it comes back.</summary>
/// <param name="Organisation">Who it belongs to, as the file names it ("Machines", "Merovingian", …); not an id.</param>
/// <param name="Tactics">At least one; each a tactic of the combat table, once, with a weight of at least 1.</param>
/// <param name="Abilities">Abilities of the combat table it may use, each once; possibly none.</param>
/// <param name="Respawn">How long after its defeat an NPC of this kind comes back, unless its spawn says otherwise.</param>
/// <param name="Aggressive">False: it fights only when attacked.</param>
public sealed record NpcKind(
    string Id,
    string Name,
    string Organisation,
    FighterBaseStats Stats,
    IReadOnlyList<WeightedTactic> Tactics,
    IReadOnlyList<string> Abilities,
    TimeSpan Respawn,
    bool Aggressive)
{
    /// <summary>The sum of the tactics' weights: a roll in 0..this-1 picks one (<see cref="TacticAt"/>).</summary>
    public int TotalTacticWeight => Tactics.Sum(t => t.Weight);

    /// <summary>An NPC of this kind at full health and inner strength.</summary>
    public FighterStatsData FullStats() => Stats.Full();

    /// <summary>
    /// The tactic that a <paramref name="roll"/> in 0..<see cref="TotalTacticWeight"/>-1 picks: each tactic takes as many
    /// consecutive rolls as its weight, in file order.
    /// </summary>
    public string TacticAt(int roll)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(roll);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(roll, TotalTacticWeight);
        foreach (var t in Tactics)
        {
            if (roll < t.Weight) return t.TacticId;
            roll -= t.Weight;
        }
        throw new InvalidOperationException("unreachable: the roll is below the total weight");
    }

    /// <summary>A tactic picked by weight with the fight's dice, which it hands back (docs/architecture.md: combat).</summary>
    public (string TacticId, CombatRandom Next) PickTactic(CombatRandom random)
    {
        var (roll, next) = random.NextInt(0, TotalTacticWeight - 1);
        return (TacticAt(roll), next);
    }
}

/// <summary>A placed NPC (world/npcs.json's "spawns"): where it stands in which district, and its respawn delay.</summary>
/// <param name="Id">Unique in the file: 1-32 lower-case letters, digits and '-'.</param>
/// <param name="Position">Inside <paramref name="District"/>'s bounds.</param>
/// <param name="Respawn">The spawn's own "respawnMs", or else its kind's.</param>
public sealed record NpcSpawn(string Id, NpcKind Kind, DistrictId District, Vec3 Position, TimeSpan Respawn);

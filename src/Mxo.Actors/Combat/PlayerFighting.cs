using Mxo.Protocol;
using Mxo.Protocol.Combat;

namespace Mxo.Actors.Combat;

/// <summary>
/// What a character's entity needs of combat: its fighting numbers (the NPC table's <c>player</c> entry), the death
/// effect it reconstructs with, regeneration out of combat and the disconnect grace period (the combat table's settings).
/// </summary>
/// <param name="Base">A character's numbers at full health (health and inner strength are replaced by its own).</param>
public sealed record PlayerFighting(
    FighterStatsData Base,
    TimeSpan DeathEffect,
    IReadOnlyList<StatModifier> DeathModifiers,
    double HealthRegenPerSecond,
    double InnerStrengthRegenPerSecond,
    TimeSpan DisconnectGrace)
{
    /// <summary>A character's numbers when no NPC table says otherwise.</summary>
    public static readonly FighterStatsData DefaultBase = new(CharacterRules.StartingHealth, CharacterRules.StartingHealth,
        CharacterRules.StartingInnerStrength, CharacterRules.StartingInnerStrength, 50, 50, 50, 10);

    /// <summary>The shipped tables' values, for tests that build a player entity without them.</summary>
    public static readonly PlayerFighting Default = new(DefaultBase, TimeSpan.FromSeconds(60),
        [new StatModifier(CombatStats.Attack, -10), new StatModifier(CombatStats.Accuracy, -10)], 2, 5, TimeSpan.FromSeconds(10));

    public static PlayerFighting From(CombatTable table, FighterStatsData? playerBase = null) => new(
        playerBase ?? DefaultBase, table.Settings.DeathEffectDuration, table.Settings.DeathEffect, table.Settings.HealthRegenPerSecond,
        table.Settings.InnerStrengthRegenPerSecond, table.Settings.DisconnectGrace);

    /// <summary>The character's numbers for a fight starting now: its health and inner strength, weakened while the death effect lasts.</summary>
    public FighterStatsData StatsNow(int health, int innerStrength, bool weakened)
    {
        var stats = Base with { Health = health, InnerStrength = innerStrength };
        if (!weakened) return stats;
        foreach (var modifier in DeathModifiers)
        {
            stats = modifier.Stat switch
            {
                CombatStats.Attack => stats with { Attack = Weaken(stats.Attack, modifier.Percent) },
                CombatStats.Accuracy => stats with { Accuracy = Weaken(stats.Accuracy, modifier.Percent) },
                CombatStats.Evasion => stats with { Evasion = Weaken(stats.Evasion, modifier.Percent) },
                _ => stats,
            };
        }
        return stats;
    }

    private static int Weaken(int value, int percent) => Math.Max(0, value * (100 + percent) / 100);
}

using System.Text.Json.Nodes;
using Mxo.Protocol.Combat;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>
/// The combat table (issue 11): the shipped <c>world/combat.json</c> loads, and every rule of the file is refused with
/// its JSON path. Invalid documents are the shipped file with one thing changed, so each case tests exactly that rule.
/// </summary>
public sealed class CombatTableTests
{
    private static readonly string ShippedJson = File.ReadAllText(CombatTable.DefaultPath);
    private static readonly CombatTable Shipped = CombatTable.Load(CombatTable.DefaultPath);

    // ---- the shipped file ---------------------------------------------------------------------------------------

    [Fact]
    public void Shipped_file_loads_with_the_issues_defaults()
    {
        Assert.True(File.Exists(CombatTable.DefaultPath), $"{CombatTable.DefaultPath} is copied to the test output");
        Assert.Equal("world/combat.json", CombatTable.DefaultRelativePath);
        var s = Shipped.Settings;
        Assert.Equal(TimeSpan.FromSeconds(3), s.Round);
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.MinActionInterval);
        Assert.Equal((70, 5, 95, 10.0, 20), (s.BaseHitChance, s.MinHitChance, s.MaxHitChance, s.DistancePerHitChancePoint, s.DamageVariancePercent));
        Assert.Equal((5, 1.5), (s.CriticalChance, s.CriticalMultiplier));
        Assert.Equal(30, s.EngageRange);
        Assert.Equal(TimeSpan.FromSeconds(60), s.DeathEffectDuration);
        Assert.Equal([new StatModifier("attack", -10), new StatModifier("accuracy", -10)], s.DeathEffect);
        Assert.Equal(TimeSpan.FromSeconds(10), s.DisconnectGrace);
        Assert.Equal(TimeSpan.FromSeconds(30), s.DuelAnswerTimeout);
        Assert.Equal("speed", Shipped.DefaultTactic.Id);
        Assert.Equal(0, Shipped.DefaultTactic.InnerStrengthCost);
        Assert.Contains("gun-aimed beats gun", Shipped.Description);
    }

    [Fact]
    public void Shipped_tactics_are_a_balanced_rock_paper_scissors()
    {
        string[] ids = ["speed", "power", "block", "grab", "gun", "gun-aimed"];
        Assert.Equal(ids, Shipped.Tactics.Select(t => t.Id));

        Assert.True(Shipped.Beats("speed", "power"));
        Assert.True(Shipped.Beats("power", "block"));
        Assert.True(Shipped.Beats("block", "speed"));
        Assert.True(Shipped.Beats("grab", "block"));
        Assert.True(Shipped.Beats("gun-aimed", "gun"));
        Assert.False(Shipped.Beats("power", "speed"));
        Assert.False(Shipped.Beats("speed", "kick"));

        foreach (var a in ids)
        {
            var wins = ids.Count(b => Shipped.Beats(a, b));
            var losses = ids.Count(b => Shipped.Beats(b, a));
            Assert.True(wins == 2 && losses == 2, $"{a}: beats {wins}, beaten by {losses}");
            Assert.False(Shipped.Beats(a, a));
            foreach (var b in ids)
            {
                Assert.False(Shipped.Beats(a, b) && Shipped.Beats(b, a), $"{a} and {b} beat each other");
                var expected = Shipped.Beats(a, b) ? TacticMatchup.Winning : Shipped.Beats(b, a) ? TacticMatchup.Losing : TacticMatchup.Neutral;
                Assert.Equal(expected, Shipped.Matchup(a, b));
            }
        }
        Assert.Equal(TacticMatchup.Neutral, Shipped.Matchup("speed", "grab"));
        Assert.Equal(TacticMatchup.Neutral, Shipped.Matchup("speed", null));
    }

    [Fact]
    public void Shipped_abilities_cover_every_effect_kind()
    {
        Assert.Equal(6, Shipped.Abilities.Count);
        Assert.Equal(
            [AbilityEffectKind.Damage, AbilityEffectKind.Heal, AbilityEffectKind.Buff, AbilityEffectKind.Debuff],
            Shipped.Abilities.Select(a => a.Effect.Kind).Distinct().Order());

        var weaken = Shipped.Ability("weaken-code");
        Assert.NotNull(weaken);
        Assert.Equal(25, weaken.InnerStrengthCost);
        Assert.Equal(TimeSpan.FromSeconds(1), weaken.CastTime);
        Assert.Equal(TimeSpan.FromSeconds(20), weaken.Cooldown);
        Assert.Equal(new AbilityEffect(AbilityEffectKind.Debuff, 0, "attack", 20, TimeSpan.FromSeconds(12)), weaken.Effect);
        Assert.Equal(-20, weaken.Effect.SignedPercent);
        Assert.Equal(25, Shipped.Ability("evasive-maneuvers")!.Effect.SignedPercent);
        Assert.Equal(25, Shipped.Ability("hyper-strike")!.Effect.Amount);
        Assert.Null(Shipped.Ability("bullet-time"));
        Assert.Null(Shipped.Ability(null));
        Assert.Null(Shipped.Tactic("kick"));
    }

    [Fact]
    public void The_table_is_immutable()
    {
        Assert.Throws<NotSupportedException>(() => ((IList<TacticData>)Shipped.Tactics).Add(Shipped.Tactics[0]));
        Assert.Throws<NotSupportedException>(() => ((IList<AbilityData>)Shipped.Abilities).RemoveAt(0));
        Assert.Throws<NotSupportedException>(() => ((IList<string>)Shipped.Tactics[0].Beats).Add("grab"));
        Assert.Throws<NotSupportedException>(() => ((IList<StatModifier>)Shipped.Settings.DeathEffect).Clear());
    }

    [Fact]
    public void A_changed_table_changes_the_data_without_a_code_change()
    {
        var json = Edit(j =>
        {
            j["tactics"]![0]!["beats"] = new JsonArray("gun-aimed");       // speed no longer beats power ...
            j["tactics"]![1]!["beats"]!.AsArray().Add("speed");           // ... power beats speed instead
            j["settings"]!["roundMs"] = 2000;
        });
        var changed = CombatTable.Parse(json);
        Assert.Equal(TacticMatchup.Losing, changed.Matchup("speed", "power"));
        Assert.Equal(TacticMatchup.Winning, Shipped.Matchup("speed", "power"));
        Assert.Equal(TimeSpan.FromSeconds(2), changed.Settings.Round);
    }

    // ---- loading -----------------------------------------------------------------------------------------------

    [Fact]
    public void Load_names_a_missing_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-missing-{Guid.NewGuid():N}.json");
        var e = Assert.Throws<CombatTableException>(() => CombatTable.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Load_names_the_file_and_the_problem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-combat-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Edit(j => j["tactics"]![2]!["innerStrengthCost"] = -1));
        try
        {
            var e = Assert.Throws<CombatTableException>(() => CombatTable.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Equal(["$.tactics[2].innerStrengthCost: must be 0 or more, got -1"], e.Problems);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_problem_is_reported_at_once_each_with_its_path()
    {
        var e = Assert.Throws<CombatTableException>(() => CombatTable.Parse(Edit(j =>
        {
            j["settings"]!["minHitChance"] = 150;
            j["settings"]!["defaultTactic"] = "kick";
            j["tactics"]![1]!["id"] = "speed";
            j["tactics"]![3]!["beats"]!.AsArray().Add("kick");
            j["abilities"]![0]!["cooldownMs"] = -5;
            j["abilities"]![3]!["effect"]!["stat"] = "luck";
        })));
        Assert.Contains("$.settings.minHitChance: must be between 0 and 100, got 150", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("$.settings.defaultTactic: unknown tactic 'kick'", StringComparison.Ordinal));
        Assert.Contains("$.tactics[1].id: duplicate tactic id 'speed'", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("$.tactics[3].beats[2]: unknown tactic 'kick'", StringComparison.Ordinal));
        Assert.Contains("$.abilities[0].cooldownMs: must be 0 or more, got -5", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("$.abilities[3].effect.stat: unknown stat 'luck'", StringComparison.Ordinal));
        Assert.All(e.Problems, p => Assert.StartsWith("$.", p));
        Assert.All(e.Problems, p => Assert.Contains(p, e.Message));
        Assert.IsAssignableFrom<InvalidOperationException>(e);
    }

    // ---- each rule -------------------------------------------------------------------------------------------

    public static TheoryData<string, string, string> InvalidEdits => new()
    {
        { "unsupported version", """{"op":"set","path":"version","value":2}""", "$.version: version 2 is not supported" },
        { "no tactics", """{"op":"set","path":"tactics","value":[]}""", "$.tactics: the table has no tactics" },
        { "null tactic", """{"op":"set","path":"tactics.5","value":null}""", "$.tactics[5]: is null" },
        { "invalid tactic id", """{"op":"set","path":"tactics.5.id","value":"Gun Aimed"}""", "$.tactics[5].id: 'Gun Aimed' is invalid" },
        { "duplicate tactic id", """{"op":"set","path":"tactics.4.id","value":"grab"}""", "$.tactics[4].id: duplicate tactic id 'grab'" },
        { "empty tactic name", """{"op":"set","path":"tactics.0.name","value":" "}""", "$.tactics[0].name: is empty" },
        { "negative tactic cost", """{"op":"set","path":"tactics.1.innerStrengthCost","value":-4}""", "$.tactics[1].innerStrengthCost: must be 0 or more, got -4" },
        { "tactic hit chance out of range", """{"op":"set","path":"tactics.0.hitChance","value":101}""", "$.tactics[0].hitChance: must be between -100 and 100, got 101" },
        { "tactic critical chance out of range", """{"op":"set","path":"tactics.0.criticalChance","value":-101}""", "$.tactics[0].criticalChance: must be between -100 and 100, got -101" },
        { "winning hit chance out of range", """{"op":"set","path":"tactics.2.winning.hitChance","value":200}""", "$.tactics[2].winning.hitChance: must be between -100 and 100, got 200" },
        { "negative damage multiplier", """{"op":"set","path":"tactics.2.losing.damageMultiplier","value":-0.5}""", "$.tactics[2].losing.damageMultiplier: must be between 0 and 10, got -0.5" },
        { "non-finite damage multiplier", """{"op":"set","path":"tactics.2.winning.damageMultiplier","value":"NaN"}""", "$.tactics[2].winning.damageMultiplier: is not a finite number (NaN)" },
        { "unknown tactic beaten", """{"op":"add","path":"tactics.0.beats","value":"kick"}""", "$.tactics[0].beats[2]: unknown tactic 'kick'" },
        { "tactic beats itself", """{"op":"add","path":"tactics.0.beats","value":"speed"}""", "$.tactics[0].beats[2]: tactic 'speed' cannot beat itself" },
        { "tactic listed twice", """{"op":"add","path":"tactics.0.beats","value":"power"}""", "$.tactics[0].beats[2]: 'power' is listed twice" },
        { "null beaten tactic", """{"op":"add","path":"tactics.0.beats","value":null}""", "$.tactics[0].beats[2]: is null" },
        { "tactics beat each other", """{"op":"add","path":"tactics.1.beats","value":"speed"}""", "$.tactics[1].beats[2]: 'power' beats 'speed' and 'speed' beats 'power'" },
        { "round too short", """{"op":"set","path":"settings.roundMs","value":0}""", "$.settings.roundMs: must be between 100 and 600000, got 0" },
        { "negative action interval", """{"op":"set","path":"settings.minActionIntervalMs","value":-1}""", "$.settings.minActionIntervalMs: must be 0 or more, got -1" },
        { "base hit chance out of range", """{"op":"set","path":"settings.baseHitChance","value":101}""", "$.settings.baseHitChance: must be between 0 and 100, got 101" },
        { "max hit chance out of range", """{"op":"set","path":"settings.maxHitChance","value":120}""", "$.settings.maxHitChance: must be between 0 and 100, got 120" },
        { "max hit chance below min", """{"op":"set","path":"settings.maxHitChance","value":4}""", "$.settings.maxHitChance: 4 is below minHitChance 5" },
        { "zero distance step", """{"op":"set","path":"settings.distancePerHitChancePoint","value":0}""", "$.settings.distancePerHitChancePoint: must be more than 0" },
        { "variance out of range", """{"op":"set","path":"settings.damageVariancePercent","value":150}""", "$.settings.damageVariancePercent: must be between 0 and 100, got 150" },
        { "critical chance out of range", """{"op":"set","path":"settings.criticalChance","value":-5}""", "$.settings.criticalChance: must be 0 or more, got -5" },
        { "critical multiplier below one", """{"op":"set","path":"settings.criticalMultiplier","value":0.5}""", "$.settings.criticalMultiplier: must be between 1 and 10, got 0.5" },
        { "unknown default tactic", """{"op":"set","path":"settings.defaultTactic","value":"kick"}""", "$.settings.defaultTactic: unknown tactic 'kick'" },
        { "default tactic with a cost", """{"op":"set","path":"settings.defaultTactic","value":"power"}""", "$.settings.defaultTactic: tactic 'power' costs 4 inner strength; the default tactic must be free" },
        { "withdraw step of zero", """{"op":"set","path":"settings.withdrawBonusPerFailedAttempt","value":0}""", "$.settings.withdrawBonusPerFailedAttempt: must be between 1 and 100, got 0" },
        { "withdraw bonus out of range", """{"op":"set","path":"settings.withdrawBonus","value":-101}""", "$.settings.withdrawBonus: must be between -100 and 100, got -101" },
        { "negative engage range", """{"op":"set","path":"settings.engageRange","value":-30}""", "$.settings.engageRange: must be between 0 and 1000000, got -30" },
        { "infinite engage range", """{"op":"set","path":"settings.engageRange","value":"Infinity"}""", "$.settings.engageRange: is not a finite number (Infinity)" },
        { "negative death effect duration", """{"op":"set","path":"settings.deathEffect.durationMs","value":-1}""", "$.settings.deathEffect.durationMs: must be 0 or more, got -1" },
        { "unknown death effect stat", """{"op":"set","path":"settings.deathEffect.modifiers.1.stat","value":"luck"}""", "$.settings.deathEffect.modifiers[1].stat: unknown stat 'luck'" },
        { "death effect stat twice", """{"op":"set","path":"settings.deathEffect.modifiers.1.stat","value":"attack"}""", "$.settings.deathEffect.modifiers[1].stat: 'attack' is listed twice" },
        { "death effect below -100 %", """{"op":"set","path":"settings.deathEffect.modifiers.0.percent","value":-110}""", "$.settings.deathEffect.modifiers[0].percent: must be between -100 and 1000, got -110" },
        { "negative regeneration", """{"op":"set","path":"settings.healthRegenPerSecond","value":-1}""", "$.settings.healthRegenPerSecond: must be between 0 and 1000000, got -1" },
        { "negative grace", """{"op":"set","path":"settings.disconnectGraceMs","value":-10}""", "$.settings.disconnectGraceMs: must be 0 or more, got -10" },
        { "zero duel timeout", """{"op":"set","path":"settings.duelAnswerTimeoutMs","value":0}""", "$.settings.duelAnswerTimeoutMs: must be between 1 and 3600000, got 0" },
        { "null ability", """{"op":"set","path":"abilities.2","value":null}""", "$.abilities[2]: is null" },
        { "duplicate ability id", """{"op":"set","path":"abilities.5.id","value":"focus"}""", "$.abilities[5].id: duplicate ability id 'focus'" },
        { "empty ability id", """{"op":"set","path":"abilities.5.id","value":""}""", "$.abilities[5].id: is empty" },
        { "negative ability cost", """{"op":"set","path":"abilities.0.innerStrengthCost","value":-20}""", "$.abilities[0].innerStrengthCost: must be 0 or more, got -20" },
        { "negative cast time", """{"op":"set","path":"abilities.1.castTimeMs","value":-1500}""", "$.abilities[1].castTimeMs: must be 0 or more, got -1500" },
        { "unknown effect kind", """{"op":"set","path":"abilities.0.effect.kind","value":"teleport"}""", "$.abilities[0].effect.kind: unknown effect kind 'teleport'" },
        { "damage without amount", """{"op":"remove","path":"abilities.0.effect.amount"}""", "$.abilities[0].effect.amount: a damage effect needs an amount" },
        { "heal of zero", """{"op":"set","path":"abilities.2.effect.amount","value":0}""", "$.abilities[2].effect.amount: must be between 1 and 1000000, got 0" },
        { "damage with a stat", """{"op":"set","path":"abilities.0.effect.stat","value":"attack"}""", "$.abilities[0].effect.stat: a damage effect has none" },
        { "buff without duration", """{"op":"remove","path":"abilities.3.effect.durationMs"}""", "$.abilities[3].effect.durationMs: a buff effect needs a duration" },
        { "buff without stat", """{"op":"remove","path":"abilities.3.effect.stat"}""", "$.abilities[3].effect.stat: a buff effect needs a stat" },
        { "debuff over 100 %", """{"op":"set","path":"abilities.5.effect.percent","value":150}""", "$.abilities[5].effect.percent: must be between 1 and 100, got 150" },
        { "buff with an amount", """{"op":"set","path":"abilities.4.effect.amount","value":5}""", "$.abilities[4].effect.amount: a buff effect has none" },
    };

    [Theory]
    [MemberData(nameof(InvalidEdits))]
    public void Each_rule_is_refused_with_its_path(string problem, string edit, string expected)
    {
        var json = Edit(j => Apply(j, JsonNode.Parse(edit)!));
        var e = Assert.Throws<CombatTableException>(() => CombatTable.Parse(json));
        Assert.True(e.Problems.Any(p => p.StartsWith(expected, StringComparison.Ordinal)),
            $"{problem}: expected a problem starting '{expected}' in: {string.Join(" | ", e.Problems)}");
        Assert.Contains(expected, e.Message);
    }

    public static TheoryData<string, string, string[]> MalformedDocuments => new()
    {
        { "unknown member", Edit(j => j["tactics"]![0]!["cooldown"] = 5), ["is not valid", "'cooldown' could not be mapped", "Path: $.tactics[0].cooldown"] },
        { "unknown member in settings", Edit(j => j["settings"]!["roundSeconds"] = 3), ["is not valid", "'roundSeconds' could not be mapped", "Path: $.settings.roundSeconds"] },
        { "missing member", Edit(j => j["abilities"]![1]!.AsObject().Remove("cooldownMs")), ["is not valid", "type 'ability' was missing required properties", "cooldownMs", "Path: $.abilities[1]"] },
        { "missing settings", Edit(j => j.AsObject().Remove("settings")), ["is not valid", "settings"] },
        { "null where a value is required", Edit(j => j["tactics"]![0]!["name"] = null), ["is not valid", "$.tactics[0].name"] },
        { "wrong type", Edit(j => j["settings"]!["roundMs"] = "3s"), ["is not valid", "$.settings.roundMs"] },
        { "fraction where a whole number is required", Edit(j => j["abilities"]![0]!["innerStrengthCost"] = 2.5), ["is not valid", "$.abilities[0].innerStrengthCost"] },
        { "duplicate member", ShippedJson.Replace("\"roundMs\": 3000,", "\"roundMs\": 3000, \"roundMs\": 2000,"), ["is not valid", "roundMs"] },
        { "malformed JSON", """{ "version": 1, "settings": """, ["combat table is not valid"] },
        { "empty text", "  ", ["combat table is empty"] },
        { "JSON null", "null", ["combat table is empty"] },
    };

    [Theory]
    [MemberData(nameof(MalformedDocuments))]
    public void Malformed_documents_are_refused_naming_where(string problem, string json, string[] expected)
    {
        var e = Assert.Throws<CombatTableException>(() => CombatTable.Parse(json));
        foreach (var fragment in expected)
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"{problem}: expected '{fragment}' in: {e.Message}");
        Assert.DoesNotContain("Mxo.Protocol.Combat", e.Message, StringComparison.Ordinal); // no .NET type names
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>The shipped document with <paramref name="change"/> applied.</summary>
    private static string Edit(Action<JsonNode> change) => JsonEdits.Edit(ShippedJson, change);

    private static void Apply(JsonNode root, JsonNode edit) => JsonEdits.Apply(root, edit);
}

using System.Text.Json.Nodes;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Npcs;
using Mxo.Protocol.World;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>
/// The NPC table (issue 11): the shipped <c>world/npcs.json</c> loads against the shipped combat table and map, and every
/// rule of the file is refused with its JSON path. Invalid documents are the shipped file with one thing changed, so each
/// case tests exactly that rule.
/// </summary>
public sealed class NpcTableTests
{
    private static readonly string ShippedJson = File.ReadAllText(NpcTable.DefaultPath);
    private static readonly CombatTable Combat = CombatTable.Load(CombatTable.DefaultPath);
    private static readonly WorldMap Map = WorldMap.Load(WorldMap.DefaultPath);
    private static readonly NpcTable Shipped = NpcTable.Load(NpcTable.DefaultPath, Combat, Map);

    // ---- the shipped file ---------------------------------------------------------------------------------------

    [Fact]
    public void Shipped_file_loads_with_the_players_numbers()
    {
        Assert.True(File.Exists(NpcTable.DefaultPath), $"{NpcTable.DefaultPath} is copied to the test output");
        Assert.Equal("world/npcs.json", NpcTable.DefaultRelativePath);
        Assert.Equal(new FighterBaseStats(CharacterRules.StartingHealth, CharacterRules.StartingInnerStrength, 50, 50, 50, 10), Shipped.Player);
        Assert.Contains("SPAWNS", Shipped.Description);
    }

    [Fact]
    public void Shipped_kinds_fight_with_the_combat_tables_tactics_and_only_when_attacked()
    {
        Assert.Equal(["bluepill", "exile", "agent"], Shipped.Kinds.Select(k => k.Id));
        Assert.All(Shipped.Kinds, k =>
        {
            Assert.False(k.Aggressive);
            Assert.NotEmpty(k.Tactics);
            Assert.All(k.Tactics, t => Assert.NotNull(Combat.Tactic(t.TacticId)));
            Assert.All(k.Abilities, a => Assert.NotNull(Combat.Ability(a)));
        });

        var agent = Shipped.Kind("agent");
        Assert.NotNull(agent);
        Assert.Equal(("Agent", "Machines"), (agent.Name, agent.Organisation));
        Assert.Equal(new FighterBaseStats(900, 300, 70, 65, 65, 20), agent.Stats);
        Assert.Equal([new WeightedTactic("power", 3), new WeightedTactic("speed", 2), new WeightedTactic("grab", 2), new WeightedTactic("block", 1)], agent.Tactics);
        Assert.Equal(["hyper-strike", "heal-pulse", "evasive-maneuvers"], agent.Abilities);
        Assert.Equal(TimeSpan.FromMinutes(5), agent.Respawn);
        Assert.Empty(Shipped.Kind("bluepill")!.Abilities); // "abilities" left out
        Assert.Null(Shipped.Kind("smith"));
        Assert.Null(Shipped.Kind(null));
    }

    [Fact]
    public void Every_district_has_three_to_five_npcs_within_walking_distance_of_its_spawn_point()
    {
        Assert.Equal(4, Map.All.Count);
        foreach (var district in Map.All)
        {
            var spawns = Shipped.SpawnsIn(district.Id);
            Assert.InRange(spawns.Count, 3, 5);
            foreach (var npc in spawns)
            {
                Assert.Equal(district.Id, npc.District);
                Assert.True(district.Bounds.Contains(npc.Position), $"{npc.Id} at {npc.Position} is outside {district.Id}");
                Assert.InRange(npc.Position.FlatDistanceTo(district.Spawn), 30, 80);
                Assert.StartsWith(district.Id.Value + "-", npc.Id, StringComparison.Ordinal);
            }
        }
        Assert.Equal(Map.All.Sum(d => Shipped.SpawnsIn(d.Id).Count), Shipped.Spawns.Count);
        Assert.Equal(Shipped.Spawns.Count, Shipped.Spawns.Select(s => s.Id).Distinct().Count());
        Assert.Empty(Shipped.SpawnsIn(new DistrictId("zion")));
    }

    [Fact]
    public void A_spawn_takes_its_kinds_respawn_delay_unless_it_has_its_own()
    {
        var overridden = Shipped.Spawn("downtown-agent-2");
        Assert.NotNull(overridden);
        Assert.Same(Shipped.Kind("agent"), overridden.Kind);
        Assert.Equal(TimeSpan.FromMinutes(10), overridden.Respawn);
        Assert.Equal(TimeSpan.FromMinutes(5), Shipped.Spawn("downtown-agent-1")!.Respawn);
        Assert.Equal(new Vec3(1515, 0, -70), overridden.Position);
        Assert.Null(Shipped.Spawn("downtown-agent-9"));
    }

    // ---- the numbers as the combat protocol carries them --------------------------------------------------------

    [Fact]
    public void An_npc_fights_at_full_health_and_a_player_with_what_it_has()
    {
        Assert.Equal(new FighterStatsData(900, 900, 300, 300, 70, 65, 65, 20), Shipped.Kind("agent")!.FullStats());
        Assert.Equal(new FighterStatsData(500, 500, 200, 200, 50, 50, 50, 10), Shipped.Player.Full());
        Assert.Equal(new FighterStatsData(123, 500, 45, 200, 50, 50, 50, 10), Shipped.PlayerStats(123, 45));
        // Clamped to 0..the maximum: the rules never see a fighter above its ceiling or below defeat.
        Assert.Equal(new FighterStatsData(500, 500, 0, 200, 50, 50, 50, 10), Shipped.PlayerStats(900, -5));
        Assert.Equal(new FighterStatsData(0, 500, 200, 200, 50, 50, 50, 10), Shipped.PlayerStats(-1, 1000));
    }

    [Fact]
    public void Tactics_are_picked_by_weight()
    {
        var exile = Shipped.Kind("exile")!; // gun 3, speed 2, gun-aimed 1, block 1
        Assert.Equal(7, exile.TotalTacticWeight);
        Assert.Equal(["gun", "gun", "gun", "speed", "speed", "gun-aimed", "block"], Enumerable.Range(0, 7).Select(exile.TacticAt));
        Assert.Throws<ArgumentOutOfRangeException>(() => exile.TacticAt(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => exile.TacticAt(-1));

        var counts = new Dictionary<string, int>();
        var random = new CombatRandom(42);
        for (var i = 0; i < 7000; i++)
        {
            (var tactic, random) = exile.PickTactic(random);
            counts[tactic] = counts.GetValueOrDefault(tactic) + 1;
        }
        Assert.InRange(counts["gun"], 2700, 3300);
        Assert.InRange(counts["speed"], 1750, 2250);
        Assert.InRange(counts["gun-aimed"], 800, 1200);
        Assert.InRange(counts["block"], 800, 1200);
        Assert.Equal(exile.PickTactic(new CombatRandom(7)), exile.PickTactic(new CombatRandom(7))); // the dice decide, nothing else
    }

    [Fact]
    public void The_table_is_immutable()
    {
        Assert.Throws<NotSupportedException>(() => ((IList<NpcKind>)Shipped.Kinds).Add(Shipped.Kinds[0]));
        Assert.Throws<NotSupportedException>(() => ((IList<NpcSpawn>)Shipped.Spawns).RemoveAt(0));
        Assert.Throws<NotSupportedException>(() => ((IList<NpcSpawn>)Shipped.SpawnsIn(new DistrictId("downtown"))).Clear());
        Assert.Throws<NotSupportedException>(() => ((IList<WeightedTactic>)Shipped.Kinds[0].Tactics).Clear());
        Assert.Throws<NotSupportedException>(() => ((IList<string>)Shipped.Kinds[1].Abilities).Add("focus"));
    }

    [Fact]
    public void The_table_is_checked_against_the_combat_table_and_the_map_it_is_read_with()
    {
        // A map without Downtown, and a combat table whose "power" is called "strength": the same file no longer fits.
        var mapJson = JsonEdits.Edit(File.ReadAllText(WorldMap.DefaultPath), j => j["districts"]!.AsArray().RemoveAt(3));
        var combatJson = File.ReadAllText(CombatTable.DefaultPath).Replace("\"power\"", "\"strength\"", StringComparison.Ordinal);
        var e = Assert.Throws<NpcTableException>(() => NpcTable.Parse(ShippedJson, CombatTable.Parse(combatJson), WorldMap.Parse(mapJson)));
        Assert.Contains(e.Problems, p => p.StartsWith("$.kinds[2].tactics[0].id: unknown tactic 'power'; known: speed, strength,", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.StartsWith("$.spawns[12].district: unknown district 'downtown'; known: richland, westview, international", StringComparison.Ordinal));
        Assert.Equal(6, e.Problems.Count); // one tactic, five Downtown NPCs
    }

    // ---- loading -----------------------------------------------------------------------------------------------

    [Fact]
    public void Load_names_a_missing_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-missing-{Guid.NewGuid():N}.json");
        var e = Assert.Throws<NpcTableException>(() => NpcTable.Load(path, Combat, Map));
        Assert.Contains(path, e.Message);
        Assert.Contains("NPC table file", e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Load_names_the_file_and_the_problem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-npcs-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Edit(j => j["spawns"]![4]!["district"] = "zion"));
        try
        {
            var e = Assert.Throws<NpcTableException>(() => NpcTable.Load(path, Combat, Map));
            Assert.Contains(path, e.Message);
            Assert.Equal(["$.spawns[4].district: unknown district 'zion'; known: richland, westview, international, downtown"], e.Problems);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_problem_is_reported_at_once_each_with_its_path()
    {
        var e = Assert.Throws<NpcTableException>(() => NpcTable.Parse(Edit(j =>
        {
            j["player"]!["attack"] = 5000;
            j["kinds"]![0]!["tactics"]![0]!["id"] = "kick";
            j["kinds"]![2]!["id"] = "exile";
            j["spawns"]![0]!["kind"] = "smith";
            j["spawns"]![1]!["position"]!["x"] = 0;
        }), Combat, Map));
        Assert.Contains("$.player.attack: must be between 0 and 1000, got 5000", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("$.kinds[0].tactics[0].id: unknown tactic 'kick'", StringComparison.Ordinal));
        Assert.Contains("$.kinds[2].id: duplicate kind id 'exile'", e.Problems);
        Assert.Contains("$.spawns[0].kind: unknown kind 'smith'; known: bluepill, exile", e.Problems);
        Assert.Contains("$.spawns[1].position: (0, 0, 50) is outside district 'richland' (x [-2000, -1000) z [-1000, 1000))", e.Problems);
        Assert.All(e.Problems, p => Assert.StartsWith("$.", p));
        Assert.All(e.Problems, p => Assert.Contains(p, e.Message));
        Assert.IsAssignableFrom<InvalidOperationException>(e);
    }

    // ---- each rule -------------------------------------------------------------------------------------------

    public static TheoryData<string, string, string> InvalidEdits => new()
    {
        { "unsupported version", """{"op":"set","path":"version","value":2}""", "$.version: version 2 is not supported" },
        { "player without health", """{"op":"set","path":"player.maxHealth","value":0}""", "$.player.maxHealth: must be between 1 and 1000000, got 0" },
        { "player health unlike a character's", """{"op":"set","path":"player.maxHealth","value":600}""", "$.player.maxHealth: must be 500, the health every character is created and reconstructed with, got 600" },
        { "player inner strength unlike a character's", """{"op":"set","path":"player.maxInnerStrength","value":250}""", "$.player.maxInnerStrength: must be 200" },
        { "player attack too high", """{"op":"set","path":"player.attack","value":1001}""", "$.player.attack: must be between 0 and 1000, got 1001" },
        { "player accuracy negative", """{"op":"set","path":"player.accuracy","value":-1}""", "$.player.accuracy: must be 0 or more, got -1" },
        { "null kind", """{"op":"set","path":"kinds.1","value":null}""", "$.kinds[1]: is null" },
        { "invalid kind id", """{"op":"set","path":"kinds.2.id","value":"Agent Smith"}""", "$.kinds[2].id: 'Agent Smith' is invalid" },
        { "empty kind id", """{"op":"set","path":"kinds.2.id","value":""}""", "$.kinds[2].id: is empty" },
        { "duplicate kind id", """{"op":"set","path":"kinds.2.id","value":"bluepill"}""", "$.kinds[2].id: duplicate kind id 'bluepill'" },
        { "empty kind name", """{"op":"set","path":"kinds.0.name","value":" "}""", "$.kinds[0].name: is empty" },
        { "padded organisation", """{"op":"set","path":"kinds.0.organisation","value":" Machines"}""", "$.kinds[0].organisation: ' Machines' has leading or trailing white space" },
        { "kind without health", """{"op":"set","path":"kinds.0.maxHealth","value":0}""", "$.kinds[0].maxHealth: must be between 1 and 1000000, got 0" },
        { "kind health too high", """{"op":"set","path":"kinds.0.maxHealth","value":1000001}""", "$.kinds[0].maxHealth: must be between 1 and 1000000, got 1000001" },
        { "kind inner strength negative", """{"op":"set","path":"kinds.1.maxInnerStrength","value":-1}""", "$.kinds[1].maxInnerStrength: must be 0 or more, got -1" },
        { "kind evasion too high", """{"op":"set","path":"kinds.2.evasion","value":2000}""", "$.kinds[2].evasion: must be between 0 and 1000, got 2000" },
        { "kind weapon damage negative", """{"op":"set","path":"kinds.2.weaponDamage","value":-5}""", "$.kinds[2].weaponDamage: must be 0 or more, got -5" },
        { "no tactics", """{"op":"set","path":"kinds.0.tactics","value":[]}""", "$.kinds[0].tactics: a kind needs at least one tactic" },
        { "null tactic", """{"op":"add","path":"kinds.0.tactics","value":null}""", "$.kinds[0].tactics[2]: is null" },
        { "unknown tactic", """{"op":"set","path":"kinds.0.tactics.0.id","value":"kick"}""", "$.kinds[0].tactics[0].id: unknown tactic 'kick'; known: speed, power, block, grab, gun, gun-aimed" },
        { "tactic listed twice", """{"op":"set","path":"kinds.0.tactics.1.id","value":"speed"}""", "$.kinds[0].tactics[1].id: 'speed' is listed twice" },
        { "weight of zero", """{"op":"set","path":"kinds.0.tactics.0.weight","value":0}""", "$.kinds[0].tactics[0].weight: must be between 1 and 1000, got 0" },
        { "weight too high", """{"op":"set","path":"kinds.2.tactics.3.weight","value":1001}""", "$.kinds[2].tactics[3].weight: must be between 1 and 1000, got 1001" },
        { "unknown ability", """{"op":"add","path":"kinds.1.abilities","value":"bullet-time"}""", "$.kinds[1].abilities[2]: unknown ability 'bullet-time'; known: hyper-strike," },
        { "ability listed twice", """{"op":"add","path":"kinds.1.abilities","value":"focus"}""", "$.kinds[1].abilities[2]: 'focus' is listed twice" },
        { "null ability", """{"op":"add","path":"kinds.1.abilities","value":null}""", "$.kinds[1].abilities[2]: is null" },
        { "respawn too quick", """{"op":"set","path":"kinds.0.respawnMs","value":999}""", "$.kinds[0].respawnMs: must be between 1000 and 3600000, got 999" },
        { "respawn too slow", """{"op":"set","path":"kinds.0.respawnMs","value":3600001}""", "$.kinds[0].respawnMs: must be between 1000 and 3600000, got 3600001" },
        { "null spawn", """{"op":"set","path":"spawns.3","value":null}""", "$.spawns[3]: is null" },
        { "spawn id with spaces", """{"op":"set","path":"spawns.0.id","value":"Richland Bluepill"}""", "$.spawns[0].id: 'Richland Bluepill' is invalid: use 1-32 lower-case letters, digits or '-'" },
        { "spawn id with an underscore", """{"op":"set","path":"spawns.0.id","value":"richland_bluepill_1"}""", "$.spawns[0].id: 'richland_bluepill_1' is invalid" },
        { "spawn id starting with '-'", """{"op":"set","path":"spawns.0.id","value":"-richland"}""", "$.spawns[0].id: '-richland' is invalid" },
        { "spawn id of 33 characters", """{"op":"set","path":"spawns.0.id","value":"richland-bluepill-1-aaaaaaaaaaaaa"}""", "$.spawns[0].id: 'richland-bluepill-1-aaaaaaaaaaaaa' is invalid" },
        { "empty spawn id", """{"op":"set","path":"spawns.0.id","value":""}""", "$.spawns[0].id: is empty" },
        { "duplicate spawn id", """{"op":"set","path":"spawns.9.id","value":"richland-bluepill-1"}""", "$.spawns[9].id: duplicate spawn id 'richland-bluepill-1'" },
        { "unknown kind", """{"op":"set","path":"spawns.0.kind","value":"smith"}""", "$.spawns[0].kind: unknown kind 'smith'; known: bluepill, exile, agent" },
        { "unknown district", """{"op":"set","path":"spawns.0.district","value":"zion"}""", "$.spawns[0].district: unknown district 'zion'; known: richland, westview, international, downtown" },
        { "district id in the wrong case", """{"op":"set","path":"spawns.0.district","value":"Richland"}""", "$.spawns[0].district: unknown district 'Richland'" },
        { "position outside the world", """{"op":"set","path":"spawns.0.position.x","value":-2500}""", "$.spawns[0].position: (-2500, 0, 25) is outside district 'richland' (x [-2000, -1000) z [-1000, 1000))" },
        { "position on the district's max edge", """{"op":"set","path":"spawns.0.position.x","value":-1000}""", "$.spawns[0].position: (-1000, 0, 25) is outside district 'richland'" },
        { "position in another district", """{"op":"set","path":"spawns.16.district","value":"international"}""", "$.spawns[16].position: (1515, 0, -70) is outside district 'international' (x [0, 1000) z [-1000, 1000))" },
        { "non-finite position", """{"op":"set","path":"spawns.0.position.z","value":"NaN"}""", "$.spawns[0].position: (-1460, 0, NaN) holds a number that is not finite or exceeds 1000000" },
        { "absurd height", """{"op":"set","path":"spawns.0.position.y","value":2e6}""", "$.spawns[0].position: (-1460, 2000000, 25) holds a number that is not finite" },
        { "spawn respawn too quick", """{"op":"set","path":"spawns.16.respawnMs","value":0}""", "$.spawns[16].respawnMs: must be between 1000 and 3600000, got 0" },
        { "spawn respawn too slow", """{"op":"set","path":"spawns.0.respawnMs","value":7200000}""", "$.spawns[0].respawnMs: must be between 1000 and 3600000, got 7200000" },
    };

    [Theory]
    [MemberData(nameof(InvalidEdits))]
    public void Each_rule_is_refused_with_its_path(string problem, string edit, string expected)
    {
        var json = Edit(j => JsonEdits.Apply(j, JsonNode.Parse(edit)!));
        var e = Assert.Throws<NpcTableException>(() => NpcTable.Parse(json, Combat, Map));
        Assert.True(e.Problems.Any(p => p.StartsWith(expected, StringComparison.Ordinal)),
            $"{problem}: expected a problem starting '{expected}' in: {string.Join(" | ", e.Problems)}");
        Assert.Contains(expected, e.Message);
    }

    public static TheoryData<string, string, string[]> MalformedDocuments => new()
    {
        { "unknown member in a kind", Edit(j => j["kinds"]![0]!["respawn"] = 5), ["is not valid", "'respawn' could not be mapped", "Path: $.kinds[0].respawn"] },
        { "unknown member in player", Edit(j => j["player"]!["health"] = 500), ["is not valid", "'health' could not be mapped", "Path: $.player.health"] },
        { "unknown member in a spawn", Edit(j => j["spawns"]![2]!["rotation"] = 90), ["is not valid", "'rotation' could not be mapped", "Path: $.spawns[2].rotation"] },
        { "missing member of a kind", Edit(j => j["kinds"]![1]!.AsObject().Remove("aggressive")), ["is not valid", "type 'kind' was missing required properties", "aggressive"] },
        { "missing number of a kind", Edit(j => j["kinds"]![1]!.AsObject().Remove("evasion")), ["is not valid", "type 'kind' was missing required properties", "evasion"] },
        { "missing number of the player", Edit(j => j["player"]!.AsObject().Remove("weaponDamage")), ["is not valid", "type 'fighter numbers' was missing required properties", "weaponDamage"] },
        { "missing weight", Edit(j => j["kinds"]![0]!["tactics"]![1]!.AsObject().Remove("weight")), ["is not valid", "type 'weighted tactic' was missing required properties", "weight"] },
        { "missing coordinate", Edit(j => j["spawns"]![0]!["position"]!.AsObject().Remove("y")), ["is not valid", "type 'position' was missing required properties", "y"] },
        { "missing player", Edit(j => j.AsObject().Remove("player")), ["is not valid", "player"] },
        { "missing spawns", Edit(j => j.AsObject().Remove("spawns")), ["is not valid", "spawns"] },
        { "null where a value is required", Edit(j => j["spawns"]![0]!["district"] = null), ["is not valid", "$.spawns[0].district"] },
        { "wrong type", Edit(j => j["kinds"]![0]!["aggressive"] = "no"), ["is not valid", "$.kinds[0].aggressive"] },
        { "fraction where a whole number is required", Edit(j => j["kinds"]![0]!["maxHealth"] = 1.5), ["is not valid", "$.kinds[0].maxHealth"] },
        { "duplicate member", ShippedJson.Replace("\"respawnMs\": 60000,", "\"respawnMs\": 60000, \"respawnMs\": 1000,"), ["is not valid", "respawnMs"] },
        { "malformed JSON", """{ "version": 1, "player": """, ["NPC table is not valid"] },
        { "empty text", "  ", ["NPC table is empty"] },
        { "JSON null", "null", ["NPC table is empty"] },
    };

    [Theory]
    [MemberData(nameof(MalformedDocuments))]
    public void Malformed_documents_are_refused_naming_where(string problem, string json, string[] expected)
    {
        var e = Assert.Throws<NpcTableException>(() => NpcTable.Parse(json, Combat, Map));
        foreach (var fragment in expected)
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"{problem}: expected '{fragment}' in: {e.Message}");
        Assert.DoesNotContain("Mxo.Protocol.", e.Message, StringComparison.Ordinal); // no .NET type names
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>The shipped document with <paramref name="change"/> applied.</summary>
    private static string Edit(Action<JsonNode> change) => JsonEdits.Edit(ShippedJson, change);
}

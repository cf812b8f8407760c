using System.Text.Json.Nodes;
using Mxo.Protocol.Missions;
using Mxo.Protocol.Npcs;
using Mxo.Protocol.World;
using Xunit;
using static Mxo.Protocol.Tests.ShippedMissions;

namespace Mxo.Protocol.Tests;

/// <summary>
/// The mission table (issue 13): the shipped <c>world/missions.json</c> loads against the shipped map and NPC table, uses
/// every objective kind, and every rule of the file is refused with its JSON path. Invalid documents are the shipped file
/// with one thing changed, so each case tests exactly that rule.
/// </summary>
public sealed class MissionTableTests
{
    // ---- the shipped file ---------------------------------------------------------------------------------------

    [Fact]
    public void Shipped_file_loads_with_the_three_organisations_and_a_level_table()
    {
        Assert.True(File.Exists(MissionTable.DefaultPath), $"{MissionTable.DefaultPath} is copied to the test output");
        Assert.Equal("world/missions.json", MissionTable.DefaultRelativePath);
        Assert.Equal(["zion", "machines", "merovingian"], Table.Organisations.Select(o => o.Id));
        Assert.Equal(["Zion", "Machines", "Merovingian"], Table.Organisations.Select(o => o.Name));
        Assert.Equal(0, Table.Levels[0]);
        Assert.True(Table.Levels.Zip(Table.Levels.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(10, Table.TopLevel);
        Assert.Contains("OBJECTIVES", Table.Description);
    }

    [Fact]
    public void Every_organisation_has_at_least_three_contacts_each_offering_a_mission()
    {
        foreach (var organisation in OrganisationIds.All)
            Assert.True(Table.Contacts.Count(c => c.Organisation == organisation) >= 3, organisation);
        Assert.All(Table.Contacts, c =>
        {
            Assert.Contains(Table.Missions, m => m.Contact == c);
            Assert.True(Map.Find(c.District)!.Bounds.Contains(c.Position), c.Id);
            Assert.Null(ShippedNpcs.Spawn(c.Id));
        });
        Assert.Equal(Map.All.Select(d => d.Id.Value).Order(), Table.Contacts.Select(c => c.District.Value).Distinct().Order());
    }

    [Fact]
    public void A_dozen_missions_use_every_objective_kind_in_all_four_districts()
    {
        Assert.True(Table.Missions.Count >= 12, $"{Table.Missions.Count} missions");
        var objectives = Table.Missions.SelectMany(m => m.Phases.SelectMany(p => p)).ToArray();
        Assert.Equal(["defeat", "get", "give", "loot", "reach", "talk"], objectives.Select(o => o.Kind).Distinct().Order());
        Assert.Equal(Map.All.Select(d => d.Id.Value).Order(), objectives.OfType<ReachObjective>().Select(r => r.District.Value).Distinct().Order());
        Assert.Equal(ShippedNpcs.Kinds.Select(k => k.Id).Order(), objectives.OfType<DefeatObjective>().Select(d => d.NpcKind).Distinct().Order());
        // Every item is used, and a loot names the kind its item comes from.
        Assert.All(Table.Items, i => Assert.Contains(objectives, o => o is LootObjective l && l.Item == i.Id || o is GetObjective g && g.Item == i.Id));
        Assert.All(objectives.OfType<LootObjective>(), l => Assert.Equal(Table.Item(l.Item)!.From, l.FromKind));
        Assert.All(objectives.OfType<GetObjective>(), g => Assert.Equal(ItemSource.WorldObject, Table.Item(g.Item)!.Source));
    }

    [Fact]
    public void A_mission_is_read_whole()
    {
        var m = Table.Mission("zion-bank-job");
        Assert.NotNull(m);
        Assert.Same(Table.Contact("zion-ballard"), m.Contact);
        Assert.Equal(("The Bank Job", 4, 10, "hard", "long"), (m.Title, m.MinLevel, m.MaxLevel, m.Difficulty, m.Length));
        Assert.Equal(TimeSpan.FromHours(2), m.TimeLimit);
        Assert.Equal(new MissionRewards(650, 400, 30), m.Rewards);
        Assert.Equal(3, m.Phases.Count);
        Assert.Equal([new ReachObjective(new DistrictId("downtown"), new Vec3(1450, 0, -30), 15), new DefeatObjective("agent", 1)], m.Phases[0]);
        Assert.Equal([new GetObjective("bank-ledger", "downtown-bank-terminal")], m.Phases[1]);
        Assert.Equal([new GiveObjective("bank-ledger", "zion-ballard")], m.Phases[2]);
        Assert.Equal(1, m.Phases[0][1].Needed);
        Assert.Equal(2, Table.Mission("zion-clear-the-slums")!.Phases[0][0].Needed); // a defeat needs its count, the others one event
        Assert.Equal(25, m.Contact.ReputationNeeded);
        Assert.Null(Table.Mission("zion-rescue-morpheus"));
        Assert.Null(Table.Contact(null));
    }

    [Fact]
    public void Live_events_are_read_and_a_mission_may_belong_to_one()
    {
        Assert.Equal([new LiveEventData("blue-moon", "Blue Moon")], Table.Events);
        Assert.Same(Table.Events[0], Table.Event("blue-moon"));
        Assert.Null(Table.Event("red-moon"));
        Assert.Null(Table.Event(null));
        var eventMissions = Table.Missions.Where(m => m.Event is not null).ToArray();
        Assert.Equal(["blue-moon-exiles"], eventMissions.Select(m => m.Id));
        Assert.All(eventMissions, m => Assert.NotNull(Table.Event(m.Event)));
        Assert.Null(Table.Mission("zion-wake-up")!.Event);
        Assert.Throws<NotSupportedException>(() => ((IList<LiveEventData>)Table.Events).Clear());
    }

    [Fact]
    public void A_file_without_events_loads_with_none()
    {
        var table = MissionTable.Parse(Edit(j =>
        {
            j.AsObject().Remove("events");
            var missions = j["missions"]!.AsArray();
            foreach (var m in missions.Where(m => m!["event"] is not null).ToArray()) missions.Remove(m);
        }), Map, ShippedNpcs);
        Assert.Empty(table.Events);
        Assert.All(table.Missions, m => Assert.Null(m.Event));
        Assert.Empty(MissionTable.Parse(Edit(j =>
        {
            j["events"] = new JsonArray();
            var missions = j["missions"]!.AsArray();
            foreach (var m in missions.Where(m => m!["event"] is not null).ToArray()) missions.Remove(m);
        }), Map, ShippedNpcs).Events);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(99, 1)]
    [InlineData(100, 2)]
    [InlineData(449, 3)]
    [InlineData(450, 4)]
    [InlineData(3199, 9)]
    [InlineData(3200, 10)]
    [InlineData(1_000_000, 10)]
    public void The_level_is_the_highest_whose_experience_is_met(long experience, int level) =>
        Assert.Equal(level, Table.LevelFor(experience));

    [Fact]
    public void The_table_is_immutable()
    {
        Assert.Throws<NotSupportedException>(() => ((IList<MissionData>)Table.Missions).Clear());
        Assert.Throws<NotSupportedException>(() => ((IList<Contact>)Table.Contacts).RemoveAt(0));
        Assert.Throws<NotSupportedException>(() => ((IList<long>)Table.Levels).Add(5000));
        Assert.Throws<NotSupportedException>(() => ((IList<IReadOnlyList<Objective>>)Table.Missions[0].Phases).Clear());
        Assert.Throws<NotSupportedException>(() => ((IList<Objective>)Table.Missions[0].Phases[0]).Clear());
    }

    [Fact]
    public void The_table_is_checked_against_the_map_and_the_npc_table_it_is_read_with()
    {
        // A map without Westview: its three contacts, its four reach objectives and the dock terminal's item no longer fit.
        var mapJson = JsonEdits.Edit(File.ReadAllText(WorldMap.DefaultPath), j => j["districts"]!.AsArray().RemoveAt(1));
        var npcsJson = JsonEdits.Edit(File.ReadAllText(NpcTable.DefaultPath), j =>
        {
            var spawns = j["spawns"]!.AsArray();
            foreach (var s in spawns.Where(s => (string?)s!["district"] == "westview").ToArray()) spawns.Remove(s);
        });
        var map = WorldMap.Parse(mapJson);
        var e = Assert.Throws<MissionTableException>(() => MissionTable.Parse(Json, map,
            NpcTable.Parse(npcsJson, Mxo.Protocol.Combat.CombatTable.Load(Mxo.Protocol.Combat.CombatTable.DefaultPath), map)));
        Assert.Contains("$.contacts[1].district: unknown district 'westview'; known: richland, international, downtown", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("$.items[4].from: 'westview-dock-terminal' is neither an NPC kind", StringComparison.Ordinal));
        Assert.Contains("$.missions[3].phases[0][0].district: unknown district 'westview'; known: richland, international, downtown", e.Problems);
        Assert.Contains("$.missions[6].phases[0][0].target: unknown NPC spawn or contact 'westview-exile-1'", e.Problems);
        Assert.Contains("$.missions[3].phases[1][0].item: 'dock-manifest' comes from 'westview-dock-terminal', not a world object: use a 'loot' objective", e.Problems);
    }

    // ---- loading -----------------------------------------------------------------------------------------------

    [Fact]
    public void Load_names_a_missing_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-missing-{Guid.NewGuid():N}.json");
        var e = Assert.Throws<MissionTableException>(() => MissionTable.Load(path, Map, ShippedNpcs));
        Assert.Contains(path, e.Message);
        Assert.Contains("mission table file", e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Load_names_the_file_and_the_problem()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-missions-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Edit(j => j["contacts"]![4]!["district"] = "zion"));
        try
        {
            var e = Assert.Throws<MissionTableException>(() => MissionTable.Load(path, Map, ShippedNpcs));
            Assert.Contains(path, e.Message);
            Assert.Equal(["$.contacts[4].district: unknown district 'zion'; known: richland, westview, international, downtown"], e.Problems);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_problem_is_reported_at_once_each_with_its_path()
    {
        var e = Assert.Throws<MissionTableException>(() => MissionTable.Parse(Edit(j =>
        {
            j["levels"]![3] = 10;
            j["contacts"]![0]!["organisation"] = "oracle";
            j["items"]![1]!["id"] = "code-fragment";
            j["missions"]![2]!["maxLevel"] = 11;
            j["missions"]![5]!["phases"]![0]![1]!["npcKind"] = "smith";
        }), Map, ShippedNpcs));
        Assert.Contains("$.levels[3]: must need more experience than level 3 (250), got 10", e.Problems);
        Assert.Contains("$.contacts[0].organisation: unknown organisation 'oracle'; known: zion, machines, merovingian", e.Problems);
        Assert.Contains("$.items[1].id: duplicate item id 'code-fragment'", e.Problems);
        Assert.Contains("$.missions[2].maxLevel: must be between 2 and 10, got 11", e.Problems);
        Assert.Contains("$.missions[5].phases[0][1].npcKind: unknown NPC kind 'smith'; known: bluepill, exile, agent", e.Problems);
        Assert.All(e.Problems, p => Assert.StartsWith("$.", p));
        Assert.All(e.Problems, p => Assert.Contains(p, e.Message));
        Assert.IsAssignableFrom<InvalidOperationException>(e);
    }

    // ---- each rule -------------------------------------------------------------------------------------------

    public static TheoryData<string, string, string> InvalidEdits => new()
    {
        { "unsupported version", """{"op":"set","path":"version","value":2}""", "$.version: version 2 is not supported" },
        { "unknown organisation", """{"op":"set","path":"organisations.0.id","value":"oracle"}""", "$.organisations[0].id: unknown organisation 'oracle'; the organisations are fixed: zion, machines, merovingian" },
        { "missing organisation", """{"op":"set","path":"organisations.0.id","value":"oracle"}""", "$.organisations: 'zion' is missing" },
        { "organisation listed twice", """{"op":"set","path":"organisations.1.id","value":"zion"}""", "$.organisations[1].id: duplicate organisation id 'zion'" },
        { "null organisation", """{"op":"add","path":"organisations","value":null}""", "$.organisations[3]: is null" },
        { "organisation without a name", """{"op":"set","path":"organisations.2.name","value":""}""", "$.organisations[2].name: is empty" },
        { "no levels", """{"op":"set","path":"levels","value":[]}""", "$.levels: must list 1 to 100 levels, got 0" },
        { "level 1 needing experience", """{"op":"set","path":"levels.0","value":5}""", "$.levels[0]: level 1 needs 0 experience, got 5" },
        { "levels not increasing", """{"op":"set","path":"levels.5","value":700}""", "$.levels[5]: must need more experience than level 5 (700), got 700" },
        { "level beyond the experience cap", """{"op":"add","path":"levels","value":1000000000001}""", "$.levels[10]: must be between 1 and 1000000000000" },
        { "null contact", """{"op":"set","path":"contacts.3","value":null}""", "$.contacts[3]: is null" },
        { "invalid contact id", """{"op":"set","path":"contacts.0.id","value":"Zion Tyndall"}""", "$.contacts[0].id: 'Zion Tyndall' is invalid" },
        { "duplicate contact id", """{"op":"set","path":"contacts.1.id","value":"zion-tyndall"}""", "$.contacts[1].id: duplicate contact id 'zion-tyndall'" },
        { "contact id of an npc spawn", """{"op":"set","path":"contacts.0.id","value":"richland-exile-1"}""", "$.contacts[0].id: 'richland-exile-1' is also an NPC spawn's id" },
        { "padded contact name", """{"op":"set","path":"contacts.0.name","value":"Tyndall "}""", "$.contacts[0].name: 'Tyndall ' has leading or trailing white space" },
        { "organisation by name", """{"op":"set","path":"contacts.0.organisation","value":"Zion"}""", "$.contacts[0].organisation: unknown organisation 'Zion'" },
        { "contact in an unknown district", """{"op":"set","path":"contacts.0.district","value":"zion"}""", "$.contacts[0].district: unknown district 'zion'" },
        { "contact outside its district", """{"op":"set","path":"contacts.0.district","value":"westview"}""", "$.contacts[0].position: (-1510, 0, 60) is outside district 'westview'" },
        { "contact at a non-finite position", """{"op":"set","path":"contacts.0.position.x","value":"Infinity"}""", "$.contacts[0].position: (Infinity, 0, 60) holds a number that is not finite" },
        { "contact needing too much reputation", """{"op":"set","path":"contacts.0.reputation","value":1001}""", "$.contacts[0].reputation: must be between -1000 and 1000, got 1001" },
        { "null item", """{"op":"add","path":"items","value":null}""", "$.items[7]: is null" },
        { "duplicate item id", """{"op":"set","path":"items.1.id","value":"code-fragment"}""", "$.items[1].id: duplicate item id 'code-fragment'" },
        { "item from nowhere", """{"op":"set","path":"items.0.from","value":"smith"}""", "$.items[0].from: 'smith' is neither an NPC kind (bluepill, exile, agent) nor a world object of the map" },
        { "item without a name", """{"op":"set","path":"items.0.name","value":" "}""", "$.items[0].name: is empty" },
        { "null mission", """{"op":"set","path":"missions.0","value":null}""", "$.missions[0]: is null" },
        { "duplicate mission id", """{"op":"set","path":"missions.1.id","value":"zion-wake-up"}""", "$.missions[1].id: duplicate mission id 'zion-wake-up'" },
        { "invalid mission id", """{"op":"set","path":"missions.1.id","value":"Wake Up"}""", "$.missions[1].id: 'Wake Up' is invalid" },
        { "unknown contact", """{"op":"set","path":"missions.0.contact","value":"zion-morpheus"}""", "$.missions[0].contact: unknown contact 'zion-morpheus'" },
        { "empty title", """{"op":"set","path":"missions.0.title","value":""}""", "$.missions[0].title: is empty" },
        { "level 0", """{"op":"set","path":"missions.0.minLevel","value":0}""", "$.missions[0].minLevel: must be between 1 and 10, got 0" },
        { "range upside down", """{"op":"set","path":"missions.0.maxLevel","value":0}""", "$.missions[0].maxLevel: must be between 1 and 10, got 0" },
        { "max below min", """{"op":"set","path":"missions.4.maxLevel","value":2}""", "$.missions[4].maxLevel: must be between 3 and 10, got 2" },
        { "above the top level", """{"op":"set","path":"missions.4.maxLevel","value":11}""", "$.missions[4].maxLevel: must be between 3 and 10, got 11" },
        { "unknown difficulty", """{"op":"set","path":"missions.0.difficulty","value":"nightmare"}""", "$.missions[0].difficulty: unknown difficulty 'nightmare'; known: easy, normal, hard" },
        { "unknown length", """{"op":"set","path":"missions.0.length","value":"epic"}""", "$.missions[0].length: unknown length 'epic'; known: short, medium, long" },
        { "no time", """{"op":"set","path":"missions.0.timeLimitMinutes","value":0}""", "$.missions[0].timeLimitMinutes: must be between 1 and 1440, got 0" },
        { "more than a day", """{"op":"set","path":"missions.0.timeLimitMinutes","value":1441}""", "$.missions[0].timeLimitMinutes: must be between 1 and 1440, got 1441" },
        { "negative experience", """{"op":"set","path":"missions.0.rewards.experience","value":-1}""", "$.missions[0].rewards.experience: must be 0 or more, got -1" },
        { "negative info", """{"op":"set","path":"missions.0.rewards.info","value":-5}""", "$.missions[0].rewards.info: must be 0 or more, got -5" },
        { "reputation reward too high", """{"op":"set","path":"missions.0.rewards.reputation","value":1001}""", "$.missions[0].rewards.reputation: must be between 0 and 1000, got 1001" },
        { "no phases", """{"op":"set","path":"missions.0.phases","value":[]}""", "$.missions[0].phases: a mission has 1 to 10 phases, got 0" },
        { "empty phase", """{"op":"set","path":"missions.0.phases.1","value":[]}""", "$.missions[0].phases[1]: a phase has 1 to 10 objectives, got 0" },
        { "null phase", """{"op":"set","path":"missions.0.phases.1","value":null}""", "$.missions[0].phases[1]: is null" },
        { "null objective", """{"op":"set","path":"missions.0.phases.1.0","value":null}""", "$.missions[0].phases[1][0]: is null" },
        { "unknown objective kind", """{"op":"set","path":"missions.0.phases.0.0.kind","value":"escort"}""", "$.missions[0].phases[0][0].kind: unknown objective kind 'escort'; known: talk, reach, defeat, loot, get, give" },
        { "talk to no one", """{"op":"set","path":"missions.0.phases.0.0.target","value":"morpheus"}""", "$.missions[0].phases[0][0].target: unknown NPC spawn or contact 'morpheus'" },
        { "talk without a target", """{"op":"remove","path":"missions.0.phases.0.0.target"}""", "$.missions[0].phases[0][0].target: is missing (a 'talk' objective needs it)" },
        { "talk with a count", """{"op":"set","path":"missions.0.phases.0.0.count","value":2}""", "$.missions[0].phases[0][0].count: a 'talk' objective has no 'count'" },
        { "reach in an unknown district", """{"op":"set","path":"missions.0.phases.1.0.district","value":"zion"}""", "$.missions[0].phases[1][0].district: unknown district 'zion'" },
        { "reach outside its district", """{"op":"set","path":"missions.0.phases.1.0.district","value":"downtown"}""", "$.missions[0].phases[1][0].centre: (-1480, 0, 120) is outside district 'downtown'" },
        { "reach without a radius", """{"op":"remove","path":"missions.0.phases.1.0.radius"}""", "$.missions[0].phases[1][0].radius: is missing (a 'reach' objective needs it)" },
        { "reach of radius 0", """{"op":"set","path":"missions.0.phases.1.0.radius","value":0}""", "$.missions[0].phases[1][0].radius: must be between 1 and 1000, got 0" },
        { "reach of a non-finite radius", """{"op":"set","path":"missions.0.phases.1.0.radius","value":"NaN"}""", "$.missions[0].phases[1][0].radius: is not a finite number (NaN)" },
        { "reach with a target", """{"op":"set","path":"missions.0.phases.1.0.target","value":"zion-tyndall"}""", "$.missions[0].phases[1][0].target: a 'reach' objective has no 'target'" },
        { "defeat of an unknown kind", """{"op":"set","path":"missions.2.phases.0.0.npcKind","value":"smith"}""", "$.missions[2].phases[0][0].npcKind: unknown NPC kind 'smith'" },
        { "defeat of nobody", """{"op":"set","path":"missions.2.phases.0.0.count","value":0}""", "$.missions[2].phases[0][0].count: must be between 1 and 100, got 0" },
        { "defeat without a count", """{"op":"remove","path":"missions.2.phases.0.0.count"}""", "$.missions[2].phases[0][0].count: is missing (a 'defeat' objective needs it)" },
        { "defeat of a spawn", """{"op":"set","path":"missions.2.phases.0.0.npcKind","value":"richland-exile-1"}""", "$.missions[2].phases[0][0].npcKind: unknown NPC kind 'richland-exile-1'" },
        { "loot of an unknown item", """{"op":"set","path":"missions.4.phases.0.1.item","value":"red-pill"}""", "$.missions[4].phases[0][1].item: unknown item 'red-pill'" },
        { "loot of an object's item", """{"op":"set","path":"missions.4.phases.0.1.item","value":"bank-ledger"}""", "$.missions[4].phases[0][1].item: 'bank-ledger' comes from 'downtown-bank-terminal', not an NPC kind: use a 'get' objective" },
        { "get of an npc's item", """{"op":"set","path":"missions.1.phases.0.0.item","value":"code-fragment"}""", "$.missions[1].phases[0][0].item: 'code-fragment' comes from 'exile', not a world object: use a 'loot' objective" },
        { "get with a target", """{"op":"set","path":"missions.1.phases.0.0.target","value":"zion-tyndall"}""", "$.missions[1].phases[0][0].target: a 'get' objective has no 'target'" },
        { "give to no one", """{"op":"set","path":"missions.1.phases.1.0.target","value":"morpheus"}""", "$.missions[1].phases[1][0].target: unknown NPC spawn or contact 'morpheus'" },
        { "give of an item never obtained", """{"op":"set","path":"missions.1.phases.1.0.item","value":"bank-ledger"}""", "$.missions[1].phases[1][0].item: no loot or get objective of this mission, in this phase or an earlier one, obtains 'bank-ledger'" },
        { "give before the get", """{"op":"set","path":"missions.1.phases","value":[[{"kind":"give","item":"payphone-log","target":"zion-tyndall"}],[{"kind":"get","item":"payphone-log"}]]}""", "$.missions[1].phases[0][0].item: no loot or get objective of this mission, in this phase or an earlier one, obtains 'payphone-log'" },
        { "null event", """{"op":"add","path":"events","value":null}""", "$.events[1]: is null" },
        { "duplicate event id", """{"op":"add","path":"events","value":{"id":"blue-moon","name":"Blue Moon Again"}}""", "$.events[1].id: duplicate event id 'blue-moon'" },
        { "invalid event id", """{"op":"add","path":"events","value":{"id":"Red Moon","name":"Red Moon"}}""", "$.events[1].id: 'Red Moon' is invalid" },
        { "event without a name", """{"op":"set","path":"events.0.name","value":""}""", "$.events[0].name: is empty" },
        { "mission of an unknown event", """{"op":"set","path":"missions.15.event","value":"red-moon"}""", "$.missions[15].event: unknown event 'red-moon'; known: blue-moon" },
        { "mission of an event when none is listed", """{"op":"set","path":"events","value":[]}""", "$.missions[15].event: unknown event 'blue-moon'; known: none" },
        { "give without an item", """{"op":"remove","path":"missions.1.phases.1.0.item"}""", "$.missions[1].phases[1][0].item: is missing (a 'give' objective needs it)" },
    };

    [Theory]
    [MemberData(nameof(InvalidEdits))]
    public void Each_rule_is_refused_with_its_path(string problem, string edit, string expected)
    {
        var json = Edit(j => JsonEdits.Apply(j, JsonNode.Parse(edit)!));
        var e = Assert.Throws<MissionTableException>(() => MissionTable.Parse(json, Map, ShippedNpcs));
        Assert.True(e.Problems.Any(p => p.StartsWith(expected, StringComparison.Ordinal)),
            $"{problem}: expected a problem starting '{expected}' in: {string.Join(" | ", e.Problems)}");
        Assert.Contains(expected, e.Message);
    }

    public static TheoryData<string, string, string[]> MalformedDocuments => new()
    {
        { "unknown member in a mission", Edit(j => j["missions"]![0]!["timeLimit"] = 5), ["is not valid", "'timeLimit' could not be mapped", "Path: $.missions[0].timeLimit"] },
        { "unknown member in an objective", Edit(j => j["missions"]![0]!["phases"]![0]![0]!["who"] = "x"), ["is not valid", "'who' could not be mapped", "Path: $.missions[0].phases[0][0].who"] },
        { "unknown member at the top", Edit(j => j["repeatable"] = true), ["is not valid", "'repeatable' could not be mapped"] },
        { "missing member of a contact", Edit(j => j["contacts"]![1]!.AsObject().Remove("reputation")), ["is not valid", "type 'contact' was missing required properties", "reputation"] },
        { "missing member of a mission", Edit(j => j["missions"]![1]!.AsObject().Remove("rewards")), ["is not valid", "type 'mission' was missing required properties", "rewards"] },
        { "missing reward", Edit(j => j["missions"]![1]!["rewards"]!.AsObject().Remove("info")), ["is not valid", "type 'rewards' was missing required properties", "info"] },
        { "objective without a kind", Edit(j => j["missions"]![0]!["phases"]![0]![0]!.AsObject().Remove("kind")), ["is not valid", "type 'objective' was missing required properties", "kind"] },
        { "missing event name", Edit(j => j["events"]![0]!.AsObject().Remove("name")), ["is not valid", "type 'event' was missing required properties", "name"] },
        { "unknown member in an event", Edit(j => j["events"]![0]!["start"] = "now"), ["is not valid", "'start' could not be mapped", "Path: $.events[0].start"] },
        { "missing item source", Edit(j => j["items"]![0]!.AsObject().Remove("from")), ["is not valid", "type 'item' was missing required properties", "from"] },
        { "missing levels", Edit(j => j.AsObject().Remove("levels")), ["is not valid", "levels"] },
        { "null level", Edit(j => j["levels"]![2] = null), ["is not valid", "$.levels[2]"] },
        { "null where a value is required", Edit(j => j["contacts"]![0]!["district"] = null), ["is not valid", "$.contacts[0].district"] },
        { "wrong type", Edit(j => j["missions"]![0]!["minLevel"] = "one"), ["is not valid", "$.missions[0].minLevel"] },
        { "fraction where a whole number is required", Edit(j => j["missions"]![2]!["phases"]![0]![0]!["count"] = 1.5), ["is not valid", "$.missions[2].phases[0][0].count"] },
        { "duplicate member", Json.Replace("\"reputation\": 0}", "\"reputation\": 0, \"reputation\": 5}", StringComparison.Ordinal), ["is not valid", "reputation"] },
        { "malformed JSON", """{ "version": 1, "levels": """, ["mission table is not valid"] },
        { "empty text", "  ", ["mission table is empty"] },
        { "JSON null", "null", ["mission table is empty"] },
    };

    [Theory]
    [MemberData(nameof(MalformedDocuments))]
    public void Malformed_documents_are_refused_naming_where(string problem, string json, string[] expected)
    {
        var e = Assert.Throws<MissionTableException>(() => MissionTable.Parse(json, Map, ShippedNpcs));
        foreach (var fragment in expected)
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"{problem}: expected '{fragment}' in: {e.Message}");
        Assert.DoesNotContain("Mxo.Protocol.", e.Message, StringComparison.Ordinal); // no .NET type names
    }

    [Fact]
    public void A_file_over_the_size_cap_is_refused_before_it_is_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mxo-missions-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Json + new string(' ', 1024 * 1024));
        try
        {
            var e = Assert.Throws<MissionTableException>(() => MissionTable.Load(path, Map, ShippedNpcs));
            Assert.Contains("is larger than 1048576 bytes", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>The shipped document with <paramref name="change"/> applied.</summary>
    private static string Edit(Action<JsonNode> change) => JsonEdits.Edit(Json, change);
}

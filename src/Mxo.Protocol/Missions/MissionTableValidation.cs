using Mxo.Protocol.Npcs;
using Mxo.Protocol.World;
using static Mxo.Protocol.DataFileChecks;

namespace Mxo.Protocol.Missions;

/// <summary>
/// The rules a mission table must satisfy, checked on the file's shape so that every problem can name its JSON path,
/// against the map (districts, bounds, world objects) and the NPC table (kinds and spawn ids) it refers to. Collects
/// every problem rather than stopping at the first.
/// </summary>
internal static class MissionTableValidation
{
    public const int MaxLevels = 100;
    public const int MaxPhases = 10;
    public const int MaxObjectivesPerPhase = 10;
    public const int MaxDefeatCount = 100;
    public const double MaxRadius = 1000;
    public const int MaxTimeLimitMinutes = 24 * 60;

    /// <summary>The members each objective kind uses besides "kind"; any other member of an objective is refused.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> ObjectiveMembers = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["talk"] = ["target"],
        ["reach"] = ["district", "centre", "radius"],
        ["defeat"] = ["npcKind", "count"],
        ["loot"] = ["item"],
        ["get"] = ["item"],
        ["give"] = ["item", "target"],
    };

    public static List<string> Problems(MissionFileJson file, int formatVersion, WorldMap map, NpcTable npcs)
    {
        var problems = new List<string>();
        if (file.Version != formatVersion)
            problems.Add($"$.version: version {file.Version} is not supported; this build reads version {formatVersion}");

        CheckOrganisations(file.Organisations, problems);
        CheckLevels(file.Levels, problems);
        var contacts = CheckContacts(file.Contacts, map, npcs, problems);
        var items = CheckItems(file.Items, map, npcs, problems);
        var events = CheckEvents(file.Events ?? [], problems);
        var levels = file.Levels.Count;
        CheckUnique(file.Missions, "$.missions", m => m.Id, "mission", (m, path) =>
        {
            CheckMission(m, path, levels, contacts, items, map, npcs, problems);
            if (m.Event is { } eventId && !events.Contains(eventId))
                problems.Add($"{path}.event: unknown event '{eventId}'; known: {(events.Count == 0 ? "none" : string.Join(", ", events))}");
        }, problems);
        return problems;
    }

    private static void CheckOrganisations(List<OrganisationJson?> organisations, List<string> problems)
    {
        var fixedIds = string.Join(", ", OrganisationIds.All);
        CheckUnique(organisations, "$.organisations", o => o.Id, "organisation", (o, path) =>
        {
            if (WorldMapValidation.IsValidId(o.Id) && !OrganisationIds.All.Contains(o.Id))
                problems.Add($"{path}.id: unknown organisation '{o.Id}'; the organisations are fixed: {fixedIds}");
            CheckText(o.Name, $"{path}.name", problems);
        }, problems);
        foreach (var id in OrganisationIds.All)
            if (!organisations.Any(o => o?.Id == id))
                problems.Add($"$.organisations: '{id}' is missing; the organisations are fixed: {fixedIds}");
    }

    private static void CheckLevels(List<long> levels, List<string> problems)
    {
        if (levels.Count is 0 or > MaxLevels)
        {
            problems.Add($"$.levels: must list 1 to {MaxLevels} levels, got {levels.Count}");
            return;
        }
        if (levels[0] != 0)
            problems.Add($"$.levels[0]: level 1 needs 0 experience, got {levels[0]}");
        for (var i = 1; i < levels.Count; i++)
        {
            Range(levels[i], 1, MissionRules.MaxExperience, $"$.levels[{i}]", problems);
            if (levels[i] <= levels[i - 1])
                problems.Add($"$.levels[{i}]: must need more experience than level {i} ({levels[i - 1]}), got {levels[i]}");
        }
    }

    private static Dictionary<string, ContactJson> CheckContacts(List<ContactJson?> contacts, WorldMap map, NpcTable npcs, List<string> problems)
    {
        var byId = new Dictionary<string, ContactJson>(StringComparer.Ordinal);
        CheckUnique(contacts, "$.contacts", c => c.Id, "contact", (c, path) =>
        {
            byId.TryAdd(c.Id, c);
            if (npcs.Spawn(c.Id) is not null)
                problems.Add($"{path}.id: '{c.Id}' is also an NPC spawn's id; talk and give objectives name either, so they must differ");
            CheckText(c.Name, $"{path}.name", problems);
            if (!OrganisationIds.All.Contains(c.Organisation))
                problems.Add($"{path}.organisation: unknown organisation '{c.Organisation}'; known: {string.Join(", ", OrganisationIds.All)}");
            CheckPosition(c.Position, CheckDistrict(c.District, map, $"{path}.district", problems), $"{path}.position", problems);
            Range(c.Reputation, MissionRules.MinReputation, MissionRules.MaxReputation, $"{path}.reputation", problems);
        }, problems);
        return byId;
    }

    /// <summary>The live events' ids (charset and uniqueness like contacts'), in file order.</summary>
    private static List<string> CheckEvents(List<LiveEventJson?> events, List<string> problems)
    {
        var ids = new List<string>();
        CheckUnique(events, "$.events", e => e.Id, "event", (e, path) =>
        {
            if (!ids.Contains(e.Id, StringComparer.Ordinal)) ids.Add(e.Id);
            CheckText(e.Name, $"{path}.name", problems);
        }, problems);
        return ids;
    }

    private static Dictionary<string, ItemJson> CheckItems(List<ItemJson?> items, WorldMap map, NpcTable npcs, List<string> problems)
    {
        var byId = new Dictionary<string, ItemJson>(StringComparer.Ordinal);
        CheckUnique(items, "$.items", i => i.Id, "item", (item, path) =>
        {
            byId.TryAdd(item.Id, item);
            CheckText(item.Name, $"{path}.name", problems);
            var isKind = npcs.Kind(item.From) is not null;
            var isObject = FindObject(map, item.From) is not null;
            if (isKind && isObject)
                problems.Add($"{path}.from: '{item.From}' is both an NPC kind and a world object; rename one");
            else if (!isKind && !isObject)
                problems.Add($"{path}.from: '{item.From}' is neither an NPC kind ({string.Join(", ", npcs.Kinds.Select(k => k.Id))}) nor a world object of the map");
        }, problems);
        return byId;
    }

    private static void CheckMission(MissionJson m, string path, int levels, Dictionary<string, ContactJson> contacts,
        Dictionary<string, ItemJson> items, WorldMap map, NpcTable npcs, List<string> problems)
    {
        if (!contacts.ContainsKey(m.Contact))
            problems.Add($"{path}.contact: unknown contact '{m.Contact}'");
        CheckText(m.Title, $"{path}.title", problems);
        var top = Math.Max(levels, 1);
        if (Range(m.MinLevel, 1, top, $"{path}.minLevel", problems))
            Range(m.MaxLevel, m.MinLevel, top, $"{path}.maxLevel", problems);
        if (!MissionTable.Difficulties.Contains(m.Difficulty))
            problems.Add($"{path}.difficulty: unknown difficulty '{m.Difficulty}'; known: {string.Join(", ", MissionTable.Difficulties)}");
        if (!MissionTable.Lengths.Contains(m.Length))
            problems.Add($"{path}.length: unknown length '{m.Length}'; known: {string.Join(", ", MissionTable.Lengths)}");
        Range(m.TimeLimitMinutes, 1, MaxTimeLimitMinutes, $"{path}.timeLimitMinutes", problems);
        Range(m.Rewards.Experience, 0, MissionRules.MaxExperience, $"{path}.rewards.experience", problems);
        Range(m.Rewards.Info, 0, MissionRules.MaxInfo, $"{path}.rewards.info", problems);
        Range(m.Rewards.Reputation, 0, MissionRules.MaxReputation, $"{path}.rewards.reputation", problems);

        if (m.Phases.Count is 0 or > MaxPhases)
        {
            problems.Add($"{path}.phases: a mission has 1 to {MaxPhases} phases, got {m.Phases.Count}");
            return;
        }
        var obtained = new HashSet<string>(StringComparer.Ordinal); // items a loot or get of this or an earlier phase gives
        for (var p = 0; p < m.Phases.Count; p++)
        {
            var phasePath = $"{path}.phases[{p}]";
            if (m.Phases[p] is not { } phase)
            {
                problems.Add($"{phasePath}: is null");
                continue;
            }
            if (phase.Count is 0 or > MaxObjectivesPerPhase)
                problems.Add($"{phasePath}: a phase has 1 to {MaxObjectivesPerPhase} objectives, got {phase.Count}");
            foreach (var o in phase)
                if (o is { Kind: "loot" or "get", Item: { } got }) obtained.Add(got);
            for (var o = 0; o < phase.Count; o++)
            {
                if (phase[o] is { } objective)
                    CheckObjective(objective, $"{phasePath}[{o}]", contacts, items, obtained, map, npcs, problems);
                else
                    problems.Add($"{phasePath}[{o}]: is null");
            }
        }
    }

    private static void CheckObjective(ObjectiveJson o, string path, Dictionary<string, ContactJson> contacts,
        Dictionary<string, ItemJson> items, HashSet<string> obtained, WorldMap map, NpcTable npcs, List<string> problems)
    {
        if (!ObjectiveMembers.TryGetValue(o.Kind, out var uses))
        {
            problems.Add($"{path}.kind: unknown objective kind '{o.Kind}'; known: {string.Join(", ", ObjectiveMembers.Keys)}");
            return;
        }
        (string Name, bool Present)[] members =
        [
            ("target", o.Target is not null), ("district", o.District is not null), ("centre", o.Centre is not null),
            ("radius", o.Radius is not null), ("npcKind", o.NpcKind is not null), ("count", o.Count is not null),
            ("item", o.Item is not null),
        ];
        var complete = true;
        foreach (var (name, present) in members)
        {
            if (present && !uses.Contains(name))
                problems.Add($"{path}.{name}: a '{o.Kind}' objective has no '{name}'");
            else if (!present && uses.Contains(name))
            {
                problems.Add($"{path}.{name}: is missing (a '{o.Kind}' objective needs it)");
                complete = false;
            }
        }
        if (!complete) return;

        switch (o.Kind)
        {
            case "talk" or "give" when npcs.Spawn(o.Target) is null && !contacts.ContainsKey(o.Target!):
                problems.Add($"{path}.target: unknown NPC spawn or contact '{o.Target}'");
                break;
            case "reach":
                CheckPosition(o.Centre, CheckDistrict(o.District, map, $"{path}.district", problems), $"{path}.centre", problems);
                Range(o.Radius!.Value, 1, MaxRadius, $"{path}.radius", problems);
                break;
            case "defeat":
                if (npcs.Kind(o.NpcKind) is null)
                    problems.Add($"{path}.npcKind: unknown NPC kind '{o.NpcKind}'; known: {string.Join(", ", npcs.Kinds.Select(k => k.Id))}");
                Range(o.Count!.Value, 1, MaxDefeatCount, $"{path}.count", problems);
                break;
        }
        if (o.Item is not { } itemId) return;
        if (!items.TryGetValue(itemId, out var item))
            problems.Add($"{path}.item: unknown item '{itemId}'");
        else if (o.Kind == "loot" && npcs.Kind(item.From) is null)
            problems.Add($"{path}.item: '{itemId}' comes from '{item.From}', not an NPC kind: use a 'get' objective");
        else if (o.Kind == "get" && FindObject(map, item.From) is null)
            problems.Add($"{path}.item: '{itemId}' comes from '{item.From}', not a world object: use a 'loot' objective");
        else if (o.Kind == "give" && !obtained.Contains(itemId))
            problems.Add($"{path}.item: no loot or get objective of this mission, in this phase or an earlier one, obtains '{itemId}'");
    }

    /// <summary>The world object with that id in any district (object ids are unique across the map); null when none.</summary>
    internal static WorldObjectData? FindObject(WorldMap map, string? id) =>
        id is null ? null : map.All.SelectMany(d => d.Objects).FirstOrDefault(o => o.Id == id);
}

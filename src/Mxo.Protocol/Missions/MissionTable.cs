using System.Collections.ObjectModel;
using Mxo.Protocol.Npcs;
using Mxo.Protocol.World;

namespace Mxo.Protocol.Missions;

/// <summary>
/// The missions' content (issue 13): the three organisations, the level table, the contacts who offer missions, the
/// items objectives use and the missions themselves, read from <c>world/missions.json</c>. Immutable. Every instance has
/// passed validation against the map and the NPC table it was read with: <see cref="Parse"/> and <see cref="Load"/> throw
/// <see cref="MissionTableException"/> naming every problem with its JSON path, so a new mission is a data change, never
/// a code change. The rules that play them are <see cref="MissionRules"/>.
/// </summary>
public sealed class MissionTable
{
    /// <summary>Where the data file lives, relative to the repository root and to the node's output folder.</summary>
    public const string DefaultRelativePath = "world/missions.json";

    /// <summary>The data file copied next to the running assembly.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "world", "missions.json");

    /// <summary>The file format version this build reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>A mission's "difficulty": a label for the client.</summary>
    public static IReadOnlyList<string> Difficulties { get; } = Array.AsReadOnly(["easy", "normal", "hard"]);

    /// <summary>A mission's "length": a label for the client.</summary>
    public static IReadOnlyList<string> Lengths { get; } = Array.AsReadOnly(["short", "medium", "long"]);

    private const int MaxFileBytes = 1024 * 1024;

    private readonly Dictionary<string, Contact> _contacts;
    private readonly Dictionary<string, QuestItemData> _items;
    private readonly Dictionary<string, MissionData> _missions;
    private readonly Dictionary<string, LiveEventData> _events;

    private MissionTable(string description, IReadOnlyList<Organisation> organisations, IReadOnlyList<long> levels,
        IReadOnlyList<Contact> contacts, IReadOnlyList<QuestItemData> items, IReadOnlyList<MissionData> missions,
        IReadOnlyList<LiveEventData> events)
    {
        Description = description;
        Organisations = organisations;
        Levels = levels;
        Contacts = contacts;
        Items = items;
        Missions = missions;
        Events = events;
        _contacts = contacts.ToDictionary(c => c.Id, StringComparer.Ordinal);
        _items = items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        _missions = missions.ToDictionary(m => m.Id, StringComparer.Ordinal);
        _events = events.ToDictionary(e => e.Id, StringComparer.Ordinal);
    }

    /// <summary>The file's "description": the members in words.</summary>
    public string Description { get; }

    /// <summary>Zion, the Machines and the Merovingian, in file order.</summary>
    public IReadOnlyList<Organisation> Organisations { get; }

    /// <summary>The experience level N needs is <c>Levels[N - 1]</c>: 0 for level 1, strictly increasing.</summary>
    public IReadOnlyList<long> Levels { get; }

    /// <summary>The highest level, <see cref="Levels"/>' count.</summary>
    public int TopLevel => Levels.Count;

    public IReadOnlyList<Contact> Contacts { get; }
    public IReadOnlyList<QuestItemData> Items { get; }

    /// <summary>Every mission, in file order.</summary>
    public IReadOnlyList<MissionData> Missions { get; }

    /// <summary>The live events missions may belong to, in file order (none when the file lists none).</summary>
    public IReadOnlyList<LiveEventData> Events { get; }

    public Contact? Contact(string? id) => id is not null && _contacts.TryGetValue(id, out var c) ? c : null;
    public QuestItemData? Item(string? id) => id is not null && _items.TryGetValue(id, out var i) ? i : null;
    public MissionData? Mission(string? id) => id is not null && _missions.TryGetValue(id, out var m) ? m : null;
    public LiveEventData? Event(string? id) => id is not null && _events.TryGetValue(id, out var e) ? e : null;

    /// <summary>The level <paramref name="experience"/> reaches: the highest whose need it meets (at least 1).</summary>
    public int LevelFor(long experience)
    {
        var level = 1;
        while (level < Levels.Count && Levels[level] <= experience) level++;
        return level;
    }

    /// <summary>Reads and validates the data file at <paramref name="path"/> against the map and the NPC table. Errors name the file and every problem.</summary>
    public static MissionTable Load(string path, WorldMap map, NpcTable npcs)
    {
        var json = DataFile.Read(path, "mission table file", MaxFileBytes, (message, inner) => new MissionTableException(message, inner), out var full);
        return Parse(json, map, npcs, full);
    }

    /// <summary>Parses and validates mission table JSON (the format of <c>world/missions.json</c>) against the map and the NPC table.</summary>
    public static MissionTable Parse(string json, WorldMap map, NpcTable npcs) => Parse(json, map, npcs, null);

    private static MissionTable Parse(string json, WorldMap map, NpcTable npcs, string? source)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(npcs);
        var where = source is null ? "mission table" : $"mission table file '{source}'";
        var file = DataFile.Deserialize(json, DataFileJson.Default.MissionFileJson, where, JsonTypeNames,
            (message, inner) => new MissionTableException(message, inner));

        var problems = MissionTableValidation.Problems(file, FormatVersion, map, npcs);
        if (problems.Count > 0) throw MissionTableException.FromProblems(problems, source);

        var contacts = file.Contacts.Select(c => new Contact(c!.Id, c.Name, c.Organisation, new DistrictId(c.District), c.Position.ToVec3(), c.Reputation)).ToArray();
        var byContact = contacts.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var items = file.Items.Select(i => new QuestItemData(i!.Id, i.Name, i.From,
            npcs.Kind(i.From) is not null ? ItemSource.NpcKind : ItemSource.WorldObject)).ToArray();
        var byItem = items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        return new MissionTable(
            file.Description ?? "",
            Array.AsReadOnly(file.Organisations.Select(o => new Organisation(o!.Id, o.Name)).ToArray()),
            Array.AsReadOnly(file.Levels.ToArray()),
            Array.AsReadOnly(contacts),
            Array.AsReadOnly(items),
            Array.AsReadOnly(file.Missions.Select(m => ToMission(m!, byContact[m!.Contact], byItem)).ToArray()),
            Array.AsReadOnly((file.Events ?? []).Select(e => new LiveEventData(e!.Id, e.Name)).ToArray()));
    }

    private static MissionData ToMission(MissionJson m, Contact contact, Dictionary<string, QuestItemData> items) => new(
        m.Id,
        contact,
        m.Title,
        m.MinLevel,
        m.MaxLevel,
        m.Difficulty,
        m.Length,
        new ReadOnlyCollection<IReadOnlyList<Objective>>(m.Phases.Select(p =>
            (IReadOnlyList<Objective>)Array.AsReadOnly(p!.Select(o => ToObjective(o!, items)).ToArray())).ToArray()),
        TimeSpan.FromMinutes(m.TimeLimitMinutes),
        new MissionRewards(m.Rewards.Experience, m.Rewards.Info, m.Rewards.Reputation),
        m.Event);

    private static Objective ToObjective(ObjectiveJson o, Dictionary<string, QuestItemData> items) => o.Kind switch
    {
        "talk" => new TalkObjective(o.Target!),
        "reach" => new ReachObjective(new DistrictId(o.District!), o.Centre!.ToVec3(), o.Radius!.Value),
        "defeat" => new DefeatObjective(o.NpcKind!, o.Count!.Value),
        "loot" => new LootObjective(o.Item!, items[o.Item!].From),
        "get" => new GetObjective(o.Item!, items[o.Item!].From),
        "give" => new GiveObjective(o.Item!, o.Target!),
        _ => throw new InvalidOperationException($"unreachable: validation refuses objective kind '{o.Kind}'"),
    };

    /// <summary>The file's words for its types, for the serializer's messages (<see cref="DataFile.Describe"/>).</summary>
    private static readonly (Type Type, string Name)[] JsonTypeNames =
    [
        (typeof(MissionFileJson), "mission file"),
        (typeof(OrganisationJson), "organisation"),
        (typeof(LiveEventJson), "event"),
        (typeof(ContactJson), "contact"),
        (typeof(ItemJson), "item"),
        (typeof(MissionJson), "mission"),
        (typeof(RewardsJson), "rewards"),
        (typeof(ObjectiveJson), "objective"),
        (typeof(PointJson), "position"),
    ];
}

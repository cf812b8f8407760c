using System.Collections.ObjectModel;
using Mxo.Protocol.Combat;
using Mxo.Protocol.World;

namespace Mxo.Protocol.Npcs;

/// <summary>
/// The fighters' data (issue 11): the numbers every player fights with, the NPC kinds (stats, tactics by weight,
/// abilities, respawn delay) and where NPCs stand, read from <c>world/npcs.json</c>. Immutable. Every instance has passed
/// validation against the combat table and the map it was read with: <see cref="Parse"/> and <see cref="Load"/> throw
/// <see cref="NpcTableException"/> naming every problem with its JSON path instead of returning a table that breaks a
/// rule, so placing an NPC or retuning one is a data change, never a code change.
/// </summary>
public sealed class NpcTable
{
    /// <summary>Where the data file lives, relative to the repository root and to the node's output folder.</summary>
    public const string DefaultRelativePath = "world/npcs.json";

    /// <summary>The data file copied next to the running assembly.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "world", "npcs.json");

    /// <summary>The file format version this build reads.</summary>
    public const int FormatVersion = 1;

    private const int MaxFileBytes = 1024 * 1024;

    private readonly Dictionary<string, NpcKind> _kinds;
    private readonly Dictionary<string, NpcSpawn> _spawns;
    private readonly Dictionary<string, IReadOnlyList<NpcSpawn>> _byDistrict;

    private NpcTable(string description, FighterBaseStats player, IReadOnlyList<NpcKind> kinds, IReadOnlyList<NpcSpawn> spawns)
    {
        Description = description;
        Player = player;
        Kinds = kinds;
        Spawns = spawns;
        _kinds = kinds.ToDictionary(k => k.Id, StringComparer.Ordinal);
        _spawns = spawns.ToDictionary(s => s.Id, StringComparer.Ordinal);
        _byDistrict = spawns.GroupBy(s => s.District.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<NpcSpawn>)Array.AsReadOnly(g.ToArray()), StringComparer.Ordinal);
    }

    /// <summary>The file's "description": the members in words.</summary>
    public string Description { get; }

    /// <summary>The numbers every character fights with (its maxima are the ones characters are created with).</summary>
    public FighterBaseStats Player { get; }

    /// <summary>The NPC kinds in file order.</summary>
    public IReadOnlyList<NpcKind> Kinds { get; }

    /// <summary>Every placed NPC, in file order.</summary>
    public IReadOnlyList<NpcSpawn> Spawns { get; }

    public NpcKind? Kind(string? id) => id is not null && _kinds.TryGetValue(id, out var k) ? k : null;

    /// <summary>A placed NPC by its id (unique in the file); null when unknown.</summary>
    public NpcSpawn? Spawn(string? id) => id is not null && _spawns.TryGetValue(id, out var s) ? s : null;

    /// <summary>The NPCs placed in the district, in file order; empty for a district without any or an unknown one.</summary>
    public IReadOnlyList<NpcSpawn> SpawnsIn(DistrictId district) =>
        district.Value is { } v && _byDistrict.TryGetValue(v, out var list) ? list : [];

    /// <summary>A player in a fight: <see cref="Player"/>'s numbers with its current health and inner strength (clamped to the maxima).</summary>
    public FighterStatsData PlayerStats(int health, int innerStrength) => Player.At(health, innerStrength);

    /// <summary>
    /// Reads and validates the data file at <paramref name="path"/> against <paramref name="combat"/> (its tactic and
    /// ability ids) and <paramref name="map"/> (its districts). Errors name the file and every problem.
    /// </summary>
    public static NpcTable Load(string path, CombatTable combat, WorldMap map)
    {
        var json = DataFile.Read(path, "NPC table file", MaxFileBytes, (message, inner) => new NpcTableException(message, inner), out var full);
        return Parse(json, combat, map, full);
    }

    /// <summary>Parses and validates NPC table JSON (the format of <c>world/npcs.json</c>) against the combat table and the map.</summary>
    public static NpcTable Parse(string json, CombatTable combat, WorldMap map) => Parse(json, combat, map, null);

    private static NpcTable Parse(string json, CombatTable combat, WorldMap map, string? source)
    {
        ArgumentNullException.ThrowIfNull(combat);
        ArgumentNullException.ThrowIfNull(map);
        var where = source is null ? "NPC table" : $"NPC table file '{source}'";
        var file = DataFile.Deserialize(json, DataFileJson.Default.NpcFileJson, where, JsonTypeNames,
            (message, inner) => new NpcTableException(message, inner));

        var problems = NpcTableValidation.Problems(file, FormatVersion, combat, map);
        if (problems.Count > 0) throw NpcTableException.FromProblems(problems, source);

        var kinds = file.Kinds.Select(k => ToKind(k!)).ToArray();
        var byId = kinds.ToDictionary(k => k.Id, StringComparer.Ordinal);
        return new NpcTable(
            file.Description ?? "",
            file.Player.ToStats(),
            Array.AsReadOnly(kinds),
            Array.AsReadOnly(file.Spawns.Select(s => ToSpawn(s!, byId[s!.Kind])).ToArray()));
    }

    private static NpcKind ToKind(NpcKindJson k) => new(
        k.Id,
        k.Name,
        k.Organisation,
        k.ToStats(),
        new ReadOnlyCollection<WeightedTactic>(k.Tactics.Select(t => new WeightedTactic(t!.Id, t.Weight)).ToArray()),
        new ReadOnlyCollection<string>((k.Abilities ?? []).Select(a => a!).ToArray()),
        TimeSpan.FromMilliseconds(k.RespawnMs),
        k.Aggressive);

    private static NpcSpawn ToSpawn(NpcSpawnJson s, NpcKind kind) => new(
        s.Id,
        kind,
        new DistrictId(s.District),
        s.Position.ToVec3(),
        s.RespawnMs is { } ms ? TimeSpan.FromMilliseconds(ms) : kind.Respawn);

    /// <summary>The file's words for its types, for the serializer's messages (<see cref="DataFile.Describe"/>).</summary>
    private static readonly (Type Type, string Name)[] JsonTypeNames =
    [
        (typeof(NpcFileJson), "NPC file"),
        (typeof(NpcKindJson), "kind"),
        (typeof(FighterJson), "fighter numbers"),
        (typeof(TacticWeightJson), "weighted tactic"),
        (typeof(NpcSpawnJson), "spawn"),
        (typeof(PointJson), "position"),
    ];
}

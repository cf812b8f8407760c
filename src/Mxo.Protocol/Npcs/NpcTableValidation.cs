using Mxo.Protocol.Combat;
using Mxo.Protocol.World;
using static Mxo.Protocol.DataFileChecks;

namespace Mxo.Protocol.Npcs;

/// <summary>
/// The rules an NPC table must satisfy, checked on the file's shape so that every problem can name its JSON path, against
/// the combat table (tactic and ability ids) and the map (district ids and bounds) it refers to. Collects every problem
/// rather than stopping at the first.
/// </summary>
internal static class NpcTableValidation
{
    /// <summary>Health and inner strength maxima; the combat table's amounts have the same ceiling.</summary>
    public const int MaxPool = 1_000_000;

    /// <summary>Attack, accuracy, evasion and weapon damage.</summary>
    public const int MaxStat = 1000;

    /// <summary>A tactic's weight; small enough that a kind's total (one weight per tactic of the combat table) cannot overflow.</summary>
    public const int MaxWeight = 1000;

    public const int MinRespawnMs = 1000;
    public const int MaxRespawnMs = 3_600_000;

    /// <summary>Spawn ids are shorter than the map's ids: they name NPCs wherever a fighter is named.</summary>
    public const int MaxSpawnIdLength = 32;

    public static List<string> Problems(NpcFileJson file, int formatVersion, CombatTable combat, WorldMap map)
    {
        var problems = new List<string>();
        if (file.Version != formatVersion)
            problems.Add($"$.version: version {file.Version} is not supported; this build reads version {formatVersion}");

        CheckPlayer(file.Player, problems);
        var kinds = CheckKinds(file.Kinds, combat, problems);
        CheckSpawns(file.Spawns, kinds, map, problems);
        return problems;
    }

    private static void CheckPlayer(FighterJson? player, List<string> problems)
    {
        const string path = "$.player";
        if (player is null)
        {
            problems.Add($"{path}: is missing");
            return;
        }
        CheckNumbers(player, path, problems);
        // Characters are created and reconstructed with CharacterRules' numbers (src/Mxo.Actors/Players/PlayerRules.cs
        // clamps to them too), so other maxima here would give a player in a fight a ceiling its sheet cannot hold.
        if (player.MaxHealth != CharacterRules.StartingHealth)
            problems.Add($"{path}.maxHealth: must be {CharacterRules.StartingHealth}, the health every character is created and reconstructed with, got {player.MaxHealth}");
        if (player.MaxInnerStrength != CharacterRules.StartingInnerStrength)
            problems.Add($"{path}.maxInnerStrength: must be {CharacterRules.StartingInnerStrength}, the inner strength every character is created and reconstructed with, got {player.MaxInnerStrength}");
    }

    private static void CheckNumbers(FighterJson f, string path, List<string> problems)
    {
        Range(f.MaxHealth, 1, MaxPool, $"{path}.maxHealth", problems);
        Range(f.MaxInnerStrength, 0, MaxPool, $"{path}.maxInnerStrength", problems);
        Range(f.Attack, 0, MaxStat, $"{path}.attack", problems);
        Range(f.Accuracy, 0, MaxStat, $"{path}.accuracy", problems);
        Range(f.Evasion, 0, MaxStat, $"{path}.evasion", problems);
        Range(f.WeaponDamage, 0, MaxStat, $"{path}.weaponDamage", problems);
    }

    /// <summary>Checks the kinds; returns the usable ones by id (for the spawns' check).</summary>
    private static Dictionary<string, NpcKindJson> CheckKinds(List<NpcKindJson?>? kinds, CombatTable combat, List<string> problems)
    {
        var byId = new Dictionary<string, NpcKindJson>(StringComparer.Ordinal);
        if (kinds is null)
        {
            problems.Add("$.kinds: is missing");
            return byId;
        }
        for (var i = 0; i < kinds.Count; i++)
        {
            var path = $"$.kinds[{i}]";
            if (kinds[i] is not { } k)
            {
                problems.Add($"{path}: is null");
                continue;
            }
            if (CheckId(k.Id, $"{path}.id", problems) && !byId.TryAdd(k.Id, k))
                problems.Add($"{path}.id: duplicate kind id '{k.Id}'");
            CheckText(k.Name, $"{path}.name", problems);
            CheckText(k.Organisation, $"{path}.organisation", problems);
            CheckNumbers(k, path, problems);
            CheckTactics(k.Tactics, combat, $"{path}.tactics", problems);
            CheckAbilities(k.Abilities, combat, $"{path}.abilities", problems);
            Range(k.RespawnMs, MinRespawnMs, MaxRespawnMs, $"{path}.respawnMs", problems);
        }
        return byId;
    }

    private static void CheckTactics(List<TacticWeightJson?>? tactics, CombatTable combat, string path, List<string> problems)
    {
        if (tactics is null || tactics.Count == 0)
        {
            problems.Add($"{path}: a kind needs at least one tactic");
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tactics.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (tactics[i] is not { } t)
            {
                problems.Add($"{at}: is null");
                continue;
            }
            if (combat.Tactic(t.Id) is null)
                problems.Add($"{at}.id: unknown tactic '{t.Id}'; known: {string.Join(", ", combat.Tactics.Select(x => x.Id))}");
            else if (!seen.Add(t.Id))
                problems.Add($"{at}.id: '{t.Id}' is listed twice");
            Range(t.Weight, 1, MaxWeight, $"{at}.weight", problems);
        }
    }

    private static void CheckAbilities(List<string?>? abilities, CombatTable combat, string path, List<string> problems)
    {
        if (abilities is null) return; // optional: a kind without abilities only attacks
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < abilities.Count; i++)
        {
            var at = $"{path}[{i}]";
            var id = abilities[i];
            if (id is null)
                problems.Add($"{at}: is null");
            else if (combat.Ability(id) is null)
                problems.Add($"{at}: unknown ability '{id}'; known: {string.Join(", ", combat.Abilities.Select(a => a.Id))}");
            else if (!seen.Add(id))
                problems.Add($"{at}: '{id}' is listed twice");
        }
    }

    private static void CheckSpawns(List<NpcSpawnJson?>? spawns, Dictionary<string, NpcKindJson> kinds, WorldMap map, List<string> problems)
    {
        if (spawns is null)
        {
            problems.Add("$.spawns: is missing");
            return;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spawns.Count; i++)
        {
            var path = $"$.spawns[{i}]";
            if (spawns[i] is not { } s)
            {
                problems.Add($"{path}: is null");
                continue;
            }
            if (CheckSpawnId(s.Id, $"{path}.id", problems) && !ids.Add(s.Id))
                problems.Add($"{path}.id: duplicate spawn id '{s.Id}'");
            if (s.Kind is null || !kinds.ContainsKey(s.Kind))
                problems.Add($"{path}.kind: unknown kind '{s.Kind}'; known: {string.Join(", ", kinds.Keys)}");

            var district = CheckDistrict(s.District, map, $"{path}.district", problems);
            CheckPosition(s.Position, district, $"{path}.position", problems);
            if (s.RespawnMs is { } respawn)
                Range(respawn, MinRespawnMs, MaxRespawnMs, $"{path}.respawnMs", problems);
        }
    }

    /// <summary>1-<see cref="MaxSpawnIdLength"/> lower-case letters, digits and '-', starting with a letter or digit.</summary>
    internal static bool IsValidSpawnId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxSpawnIdLength) return false;
        for (var i = 0; i < id.Length; i++)
            if (!(id[i] is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (i > 0 && id[i] == '-')))
                return false;
        return true;
    }

    private static bool CheckSpawnId(string? id, string path, List<string> problems)
    {
        if (IsValidSpawnId(id)) return true;
        problems.Add(string.IsNullOrEmpty(id)
            ? $"{path}: is empty"
            : $"{path}: '{id}' is invalid: use 1-{MaxSpawnIdLength} lower-case letters, digits or '-', starting with a letter or digit");
        return false;
    }
}

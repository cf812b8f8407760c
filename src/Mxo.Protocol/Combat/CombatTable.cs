using System.Collections.ObjectModel;

namespace Mxo.Protocol.Combat;

/// <summary>
/// The combat rules' data (issue 11): interlock tactics and which beats which, abilities, and the tuning (round length,
/// hit and critical chances, rate limit, withdraw, death effect, regeneration, timeouts), read from
/// <c>world/combat.json</c>. Immutable. Every instance has passed validation: <see cref="Parse"/> and <see cref="Load"/>
/// throw <see cref="CombatTableException"/> naming every problem with its JSON path instead of returning a table that
/// breaks a rule, so changing the game's balance is a data change, never a code change.
/// </summary>
public sealed class CombatTable
{
    /// <summary>Where the data file lives, relative to the repository root and to the node's output folder.</summary>
    public const string DefaultRelativePath = "world/combat.json";

    /// <summary>The data file copied next to the running assembly.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "world", "combat.json");

    /// <summary>The file format version this build reads.</summary>
    public const int FormatVersion = 1;

    private const int MaxFileBytes = 1024 * 1024;

    private readonly Dictionary<string, TacticData> _tactics;
    private readonly Dictionary<string, AbilityData> _abilities;
    private readonly HashSet<(string, string)> _beats;

    private CombatTable(string description, CombatSettings settings, IReadOnlyList<TacticData> tactics, IReadOnlyList<AbilityData> abilities)
    {
        Description = description;
        Settings = settings;
        Tactics = tactics;
        Abilities = abilities;
        _tactics = tactics.ToDictionary(t => t.Id, StringComparer.Ordinal);
        _abilities = abilities.ToDictionary(a => a.Id, StringComparer.Ordinal);
        _beats = tactics.SelectMany(t => t.Beats.Select(b => (t.Id, b))).ToHashSet();
        DefaultTactic = _tactics[settings.DefaultTactic];
    }

    /// <summary>The file's "description": the rules in words.</summary>
    public string Description { get; }

    public CombatSettings Settings { get; }

    /// <summary>The tactics in file order.</summary>
    public IReadOnlyList<TacticData> Tactics { get; }

    /// <summary>The abilities in file order.</summary>
    public IReadOnlyList<AbilityData> Abilities { get; }

    /// <summary>The tactic of <see cref="CombatSettings.DefaultTactic"/>; it costs nothing (validated).</summary>
    public TacticData DefaultTactic { get; }

    public TacticData? Tactic(string? id) => id is not null && _tactics.TryGetValue(id, out var t) ? t : null;

    public AbilityData? Ability(string? id) => id is not null && _abilities.TryGetValue(id, out var a) ? a : null;

    /// <summary>Whether tactic <paramref name="tactic"/> beats <paramref name="other"/> (false for unknown ids).</summary>
    public bool Beats(string tactic, string other) => _beats.Contains((tactic, other));

    /// <summary>How <paramref name="tactic"/> stands against <paramref name="opponent"/>; neutral when the opponent has none.</summary>
    public TacticMatchup Matchup(string tactic, string? opponent) =>
        opponent is null ? TacticMatchup.Neutral
        : Beats(tactic, opponent) ? TacticMatchup.Winning
        : Beats(opponent, tactic) ? TacticMatchup.Losing
        : TacticMatchup.Neutral;

    /// <summary>Reads and validates the data file at <paramref name="path"/>. Errors name the file and every problem.</summary>
    public static CombatTable Load(string path)
    {
        var json = DataFile.Read(path, "combat table file", MaxFileBytes, (message, inner) => new CombatTableException(message, inner), out var full);
        return Parse(json, full);
    }

    /// <summary>Parses and validates combat table JSON (the format of <c>world/combat.json</c>).</summary>
    public static CombatTable Parse(string json) => Parse(json, null);

    private static CombatTable Parse(string json, string? source)
    {
        var where = source is null ? "combat table" : $"combat table file '{source}'";
        var file = DataFile.Deserialize(json, DataFileJson.Default.CombatFileJson, where, JsonTypeNames,
            (message, inner) => new CombatTableException(message, inner));

        var problems = CombatTableValidation.Problems(file, FormatVersion);
        if (problems.Count > 0) throw CombatTableException.FromProblems(problems, source);

        return new CombatTable(
            file.Description ?? "",
            ToSettings(file.Settings),
            Array.AsReadOnly(file.Tactics.Select(t => ToTactic(t!)).ToArray()),
            Array.AsReadOnly(file.Abilities.Select(a => ToAbility(a!)).ToArray()));
    }

    private static CombatSettings ToSettings(CombatSettingsJson s) => new()
    {
        Round = TimeSpan.FromMilliseconds(s.RoundMs),
        MinActionInterval = TimeSpan.FromMilliseconds(s.MinActionIntervalMs),
        BaseHitChance = s.BaseHitChance,
        MinHitChance = s.MinHitChance,
        MaxHitChance = s.MaxHitChance,
        DistancePerHitChancePoint = s.DistancePerHitChancePoint,
        DamageVariancePercent = s.DamageVariancePercent,
        CriticalChance = s.CriticalChance,
        CriticalMultiplier = s.CriticalMultiplier,
        DefaultTactic = s.DefaultTactic,
        WithdrawBonus = s.WithdrawBonus,
        WithdrawBonusPerFailedAttempt = s.WithdrawBonusPerFailedAttempt,
        EngageRange = s.EngageRange,
        DeathEffectDuration = TimeSpan.FromMilliseconds(s.DeathEffect.DurationMs),
        DeathEffect = new ReadOnlyCollection<StatModifier>(s.DeathEffect.Modifiers.Select(m => new StatModifier(m!.Stat, m.Percent)).ToArray()),
        HealthRegenPerSecond = s.HealthRegenPerSecond,
        InnerStrengthRegenPerSecond = s.InnerStrengthRegenPerSecond,
        DisconnectGrace = TimeSpan.FromMilliseconds(s.DisconnectGraceMs),
        DuelAnswerTimeout = TimeSpan.FromMilliseconds(s.DuelAnswerTimeoutMs),
    };

    private static TacticData ToTactic(TacticJson t) => new(
        t.Id,
        t.Name,
        t.InnerStrengthCost,
        t.HitChance,
        t.CriticalChance,
        new MatchupModifier(t.Winning.HitChance, t.Winning.DamageMultiplier),
        new MatchupModifier(t.Losing.HitChance, t.Losing.DamageMultiplier),
        new ReadOnlyCollection<string>(t.Beats.Select(b => b!).ToArray()));

    private static AbilityData ToAbility(AbilityJson a) => new(
        a.Id,
        a.Name,
        a.InnerStrengthCost,
        TimeSpan.FromMilliseconds(a.CastTimeMs),
        TimeSpan.FromMilliseconds(a.CooldownMs),
        new AbilityEffect(
            CombatTableValidation.ParseKind(a.Effect.Kind)!.Value,
            a.Effect.Amount ?? 0,
            a.Effect.Stat,
            a.Effect.Percent ?? 0,
            TimeSpan.FromMilliseconds(a.Effect.DurationMs ?? 0)));

    /// <summary>The file's words for its types, for the serializer's messages (<see cref="DataFile.Describe"/>).</summary>
    private static readonly (Type Type, string Name)[] JsonTypeNames =
    [
        (typeof(CombatFileJson), "combat file"),
        (typeof(CombatSettingsJson), "settings"),
        (typeof(DeathEffectJson), "death effect"),
        (typeof(StatModifierJson), "stat modifier"),
        (typeof(TacticJson), "tactic"),
        (typeof(MatchupModifierJson), "matchup modifier"),
        (typeof(AbilityJson), "ability"),
        (typeof(AbilityEffectJson), "ability effect"),
    ];
}

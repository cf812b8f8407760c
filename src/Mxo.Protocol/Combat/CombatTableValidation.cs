using Mxo.Protocol.World;
using static Mxo.Protocol.DataFileChecks;

namespace Mxo.Protocol.Combat;

/// <summary>
/// The rules a combat table must satisfy, checked on the file's shape so that every problem can name its JSON path.
/// Collects every problem rather than stopping at the first.
/// </summary>
internal static class CombatTableValidation
{
    public const int MaxCost = 1_000_000;
    public const int MaxAmount = 1_000_000;
    public const int MaxDurationMs = 3_600_000;
    public const double MaxMultiplier = 10;
    public const double MaxDistance = 1_000_000;

    public static List<string> Problems(CombatFileJson file, int formatVersion)
    {
        var problems = new List<string>();
        if (file.Version != formatVersion)
            problems.Add($"$.version: version {file.Version} is not supported; this build reads version {formatVersion}");

        var tactics = CheckTactics(file.Tactics, problems);
        CheckSettings(file.Settings, tactics, problems);
        CheckAbilities(file.Abilities, problems);
        return problems;
    }

    /// <summary>Checks the tactics; returns the usable ones by id (for the default tactic's check).</summary>
    private static Dictionary<string, TacticJson> CheckTactics(List<TacticJson?>? tactics, List<string> problems)
    {
        var byId = new Dictionary<string, TacticJson>(StringComparer.Ordinal);
        if (tactics is null || tactics.Count == 0)
        {
            problems.Add("$.tactics: the table has no tactics");
            return byId;
        }

        for (var i = 0; i < tactics.Count; i++)
        {
            var t = tactics[i];
            var path = $"$.tactics[{i}]";
            if (t is null)
            {
                problems.Add($"{path}: is null");
                continue;
            }
            if (CheckId(t.Id, $"{path}.id", problems) && !byId.TryAdd(t.Id, t))
                problems.Add($"{path}.id: duplicate tactic id '{t.Id}'");
            CheckText(t.Name, $"{path}.name", problems);
            Range(t.InnerStrengthCost, 0, MaxCost, $"{path}.innerStrengthCost", problems);
            Range(t.HitChance, -100, 100, $"{path}.hitChance", problems);
            Range(t.CriticalChance, -100, 100, $"{path}.criticalChance", problems);
            CheckModifier(t.Winning, $"{path}.winning", problems);
            CheckModifier(t.Losing, $"{path}.losing", problems);
        }

        // The relation: every entry names another known tactic, once, and no pair beats each other both ways.
        for (var i = 0; i < tactics.Count; i++)
        {
            if (tactics[i] is not { } t) continue;
            var path = $"$.tactics[{i}].beats";
            if (t.Beats is null)
            {
                problems.Add($"{path}: is missing");
                continue;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var j = 0; j < t.Beats.Count; j++)
            {
                var other = t.Beats[j];
                var at = $"{path}[{j}]";
                if (other is null)
                    problems.Add($"{at}: is null");
                else if (!byId.TryGetValue(other, out var beaten))
                    problems.Add($"{at}: unknown tactic '{other}'; known: {string.Join(", ", byId.Keys)}");
                else if (other == t.Id)
                    problems.Add($"{at}: tactic '{t.Id}' cannot beat itself");
                else if (!seen.Add(other))
                    problems.Add($"{at}: '{other}' is listed twice");
                else if (beaten.Beats?.Contains(t.Id, StringComparer.Ordinal) == true && string.CompareOrdinal(t.Id, other) < 0)
                    problems.Add($"{at}: '{t.Id}' beats '{other}' and '{other}' beats '{t.Id}'; a pair can go one way only");
            }
        }
        return byId;
    }

    private static void CheckModifier(MatchupModifierJson? m, string path, List<string> problems)
    {
        if (m is null)
        {
            problems.Add($"{path}: is missing");
            return;
        }
        Range(m.HitChance, -100, 100, $"{path}.hitChance", problems);
        Range(m.DamageMultiplier, 0, MaxMultiplier, $"{path}.damageMultiplier", problems);
    }

    private static void CheckSettings(CombatSettingsJson? s, Dictionary<string, TacticJson> tactics, List<string> problems)
    {
        const string path = "$.settings";
        if (s is null)
        {
            problems.Add($"{path}: is missing");
            return;
        }
        Range(s.RoundMs, 100, 600_000, $"{path}.roundMs", problems);
        Range(s.MinActionIntervalMs, 0, 60_000, $"{path}.minActionIntervalMs", problems);
        Range(s.BaseHitChance, 0, 100, $"{path}.baseHitChance", problems);
        var minOk = Range(s.MinHitChance, 0, 100, $"{path}.minHitChance", problems);
        var maxOk = Range(s.MaxHitChance, 0, 100, $"{path}.maxHitChance", problems);
        if (minOk && maxOk && s.MinHitChance > s.MaxHitChance)
            problems.Add($"{path}.maxHitChance: {s.MaxHitChance} is below minHitChance {s.MinHitChance}");
        if (Range(s.DistancePerHitChancePoint, 0, MaxDistance, $"{path}.distancePerHitChancePoint", problems) && s.DistancePerHitChancePoint == 0)
            problems.Add($"{path}.distancePerHitChancePoint: must be more than 0");
        Range(s.DamageVariancePercent, 0, 100, $"{path}.damageVariancePercent", problems);
        Range(s.CriticalChance, 0, 100, $"{path}.criticalChance", problems);
        Range(s.CriticalMultiplier, 1, MaxMultiplier, $"{path}.criticalMultiplier", problems);

        if (s.DefaultTactic is null)
            problems.Add($"{path}.defaultTactic: is missing");
        else if (!tactics.TryGetValue(s.DefaultTactic, out var fallback))
            problems.Add($"{path}.defaultTactic: unknown tactic '{s.DefaultTactic}'; known: {string.Join(", ", tactics.Keys)}");
        else if (fallback.InnerStrengthCost != 0)
            problems.Add($"{path}.defaultTactic: tactic '{s.DefaultTactic}' costs {fallback.InnerStrengthCost} inner strength; the default tactic must be free");

        Range(s.WithdrawBonus, -100, 100, $"{path}.withdrawBonus", problems);
        Range(s.WithdrawBonusPerFailedAttempt, 1, 100, $"{path}.withdrawBonusPerFailedAttempt", problems);
        if (Range(s.EngageRange, 0, MaxDistance, $"{path}.engageRange", problems) && s.EngageRange == 0)
            problems.Add($"{path}.engageRange: must be more than 0");

        if (s.DeathEffect is null)
            problems.Add($"{path}.deathEffect: is missing");
        else
        {
            Range(s.DeathEffect.DurationMs, 0, MaxDurationMs, $"{path}.deathEffect.durationMs", problems);
            if (s.DeathEffect.Modifiers is null)
                problems.Add($"{path}.deathEffect.modifiers: is missing");
            else
            {
                var stats = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < s.DeathEffect.Modifiers.Count; i++)
                {
                    var at = $"{path}.deathEffect.modifiers[{i}]";
                    if (s.DeathEffect.Modifiers[i] is not { } m)
                    {
                        problems.Add($"{at}: is null");
                        continue;
                    }
                    if (CheckStat(m.Stat, $"{at}.stat", problems) && !stats.Add(m.Stat))
                        problems.Add($"{at}.stat: '{m.Stat}' is listed twice");
                    Range(m.Percent, -100, 1000, $"{at}.percent", problems);
                }
            }
        }

        Range(s.HealthRegenPerSecond, 0, MaxAmount, $"{path}.healthRegenPerSecond", problems);
        Range(s.InnerStrengthRegenPerSecond, 0, MaxAmount, $"{path}.innerStrengthRegenPerSecond", problems);
        Range(s.DisconnectGraceMs, 0, MaxDurationMs, $"{path}.disconnectGraceMs", problems);
        Range(s.DuelAnswerTimeoutMs, 1, MaxDurationMs, $"{path}.duelAnswerTimeoutMs", problems);
    }

    private static void CheckAbilities(List<AbilityJson?>? abilities, List<string> problems)
    {
        if (abilities is null)
        {
            problems.Add("$.abilities: is missing");
            return;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < abilities.Count; i++)
        {
            var path = $"$.abilities[{i}]";
            if (abilities[i] is not { } a)
            {
                problems.Add($"{path}: is null");
                continue;
            }
            if (CheckId(a.Id, $"{path}.id", problems) && !ids.Add(a.Id))
                problems.Add($"{path}.id: duplicate ability id '{a.Id}'");
            CheckText(a.Name, $"{path}.name", problems);
            Range(a.InnerStrengthCost, 0, MaxCost, $"{path}.innerStrengthCost", problems);
            Range(a.CastTimeMs, 0, MaxDurationMs, $"{path}.castTimeMs", problems);
            Range(a.CooldownMs, 0, MaxDurationMs, $"{path}.cooldownMs", problems);
            CheckEffect(a.Effect, $"{path}.effect", problems);
        }
    }

    private static void CheckEffect(AbilityEffectJson? e, string path, List<string> problems)
    {
        if (e is null)
        {
            problems.Add($"{path}: is missing");
            return;
        }
        switch (ParseKind(e.Kind))
        {
            case AbilityEffectKind.Damage or AbilityEffectKind.Heal:
                if (e.Amount is not { } amount) problems.Add($"{path}.amount: a {e.Kind} effect needs an amount");
                else Range(amount, 1, MaxAmount, $"{path}.amount", problems);
                Absent(e.Stat, e.Kind, $"{path}.stat", problems);
                Absent(e.Percent, e.Kind, $"{path}.percent", problems);
                Absent(e.DurationMs, e.Kind, $"{path}.durationMs", problems);
                break;
            case AbilityEffectKind.Buff or AbilityEffectKind.Debuff:
                if (e.Stat is null) problems.Add($"{path}.stat: a {e.Kind} effect needs a stat");
                else CheckStat(e.Stat, $"{path}.stat", problems);
                if (e.Percent is not { } percent) problems.Add($"{path}.percent: a {e.Kind} effect needs a percent");
                else Range(percent, 1, e.Kind == "debuff" ? 100 : 1000, $"{path}.percent", problems);
                if (e.DurationMs is not { } duration) problems.Add($"{path}.durationMs: a {e.Kind} effect needs a duration");
                else Range(duration, 1, MaxDurationMs, $"{path}.durationMs", problems);
                Absent(e.Amount, e.Kind, $"{path}.amount", problems);
                break;
            default:
                problems.Add($"{path}.kind: unknown effect kind '{e.Kind}'; known: damage, heal, buff, debuff");
                break;
        }
    }

    internal static AbilityEffectKind? ParseKind(string? kind) => kind switch
    {
        "damage" => AbilityEffectKind.Damage,
        "heal" => AbilityEffectKind.Heal,
        "buff" => AbilityEffectKind.Buff,
        "debuff" => AbilityEffectKind.Debuff,
        _ => null,
    };

    private static void Absent<T>(T? value, string kind, string path, List<string> problems)
    {
        if (value is not null) problems.Add($"{path}: a {kind} effect has none");
    }

    private static bool CheckStat(string? stat, string path, List<string> problems)
    {
        if (CombatStats.IsKnown(stat)) return true;
        problems.Add($"{path}: unknown stat '{stat}'; known: {string.Join(", ", CombatStats.All)}");
        return false;
    }
}

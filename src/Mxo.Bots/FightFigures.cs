using System.Globalization;
using System.Text;

namespace Mxo.Bots;

/// <summary>What the bots did in fights with <c>--fight</c> (<see cref="BotOptions.Fight"/>), summed over every bot.</summary>
public sealed record FightFigures
{
    /// <summary><c>engage</c> frames sent (on an NPC, or a challenge to a player).</summary>
    public long EngagesSent { get; init; }

    /// <summary>Duel challenges the bots answered with <c>duel_accept</c>, and with <c>duel_decline</c>.</summary>
    public long ChallengesAccepted { get; init; }
    public long ChallengesDeclined { get; init; }

    /// <summary>The bots' own challenges that came back as <c>duel_declined</c> (declined, expired, or the other gone).</summary>
    public long DeclinedByOthers { get; init; }

    /// <summary><c>combat_started</c> frames: each fight counts once per bot in it, so a duel of two bots counts twice.</summary>
    public long FightsStarted { get; init; }

    /// <summary><c>round</c> frames of the bots' own fights.</summary>
    public long Rounds { get; init; }

    /// <summary><c>combat_ended</c> frames naming the bot the winner, naming the other, and naming none (both down at once, or a withdrawal).</summary>
    public long Won { get; init; }
    public long Lost { get; init; }
    public long OtherEnds { get; init; }

    public long TacticsSent { get; init; }
    public long AbilitiesSent { get; init; }

    /// <summary><c>derezzed</c> frames, <c>reconstruct</c> frames sent, and <c>reconstructed</c> answers.</summary>
    public long Derezzed { get; init; }
    public long ReconstructsSent { get; init; }
    public long Reconstructed { get; init; }

    /// <summary>Fight requests refused, by error code: expected in fights (too_fast, out_of_range, …), so not in the run's errors.</summary>
    public IReadOnlyDictionary<string, long> ErrorsByCode { get; init; } = new Dictionary<string, long>();

    public long Errors => ErrorsByCode.Values.Sum();

    internal static FightFigures Sum(IReadOnlyCollection<BotFighter> fighters)
    {
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var fighter in fighters)
            foreach (var (code, n) in fighter.ErrorsByCode) errors[code] = errors.GetValueOrDefault(code) + n;
        return new FightFigures
        {
            EngagesSent = fighters.Sum(f => f.EngagesSent),
            ChallengesAccepted = fighters.Sum(f => f.ChallengesAccepted),
            ChallengesDeclined = fighters.Sum(f => f.ChallengesDeclined),
            DeclinedByOthers = fighters.Sum(f => f.DeclinedByOthers),
            FightsStarted = fighters.Sum(f => f.FightsStarted),
            Rounds = fighters.Sum(f => f.Rounds),
            Won = fighters.Sum(f => f.Won),
            Lost = fighters.Sum(f => f.Lost),
            OtherEnds = fighters.Sum(f => f.OtherEnds),
            TacticsSent = fighters.Sum(f => f.TacticsSent),
            AbilitiesSent = fighters.Sum(f => f.AbilitiesSent),
            Derezzed = fighters.Sum(f => f.Derezzed),
            ReconstructsSent = fighters.Sum(f => f.ReconstructsSent),
            Reconstructed = fighters.Sum(f => f.Reconstructed),
            ErrorsByCode = errors,
        };
    }

    /// <summary>The report's fight lines.</summary>
    internal void AppendTo(StringBuilder sb, Func<IReadOnlyDictionary<string, long>, string> tally)
    {
        var c = CultureInfo.InvariantCulture;
        sb.Append(c, $"fights: {EngagesSent} engages sent, {FightsStarted} started, {Rounds} rounds seen; ")
            .Append(c, $"{Won} won, {Lost} lost, {OtherEnds} other ends; {Derezzed} derezzed, {ReconstructsSent} reconstructs sent, {Reconstructed} reconstructed")
            .AppendLine();
        sb.Append(c, $"fight actions: {TacticsSent} tactics, {AbilitiesSent} abilities; duel challenges: {ChallengesAccepted} accepted, ")
            .Append(c, $"{ChallengesDeclined} declined, {DeclinedByOthers} of the bots' own declined or expired").AppendLine();
        sb.Append(c, $"combat errors: {Errors}");
        if (Errors > 0) sb.Append(" (").Append(tally(ErrorsByCode)).Append(')');
        sb.AppendLine();
    }
}

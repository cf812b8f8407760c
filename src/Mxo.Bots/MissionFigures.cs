using System.Globalization;
using System.Text;

namespace Mxo.Bots;

/// <summary>What the bots did with <c>--missions</c> (<see cref="BotOptions.Missions"/>), summed over every bot.</summary>
public sealed record MissionFigures
{
    /// <summary>The district the bots played in, and how many mission contacts stand there (<c>GET /world/contacts</c>).</summary>
    public string District { get; init; } = "";
    public int Contacts { get; init; }

    /// <summary>Why the contacts could not be read, if they could not (then the bots had no one to talk to).</summary>
    public string? ContactsFailure { get; init; }

    /// <summary><c>mission_accepted</c> answers, <c>mission_completed</c> pushes.</summary>
    public long Accepted { get; init; }
    public long Completed { get; init; }

    /// <summary><c>mission_failed</c> pushes: abandoned (by the bots, <see cref="AbandonsSent"/>) or expired.</summary>
    public long Abandoned { get; init; }
    public long Expired { get; init; }
    public long Failed => Abandoned + Expired;
    public long AbandonsSent { get; init; }

    /// <summary>Why the bots abandoned: the objective's kind and what made it impossible (another district, no progress, …).</summary>
    public IReadOnlyDictionary<string, long> AbandonReasons { get; init; } = new Dictionary<string, long>();

    /// <summary><c>mission_talk</c>s to a contact for its offers, and of those the ones with no offer a bot would take.</summary>
    public long ContactTalks { get; init; }
    public long NoOffers { get; init; }

    /// <summary>Mission requests sent, and those given up without an answer.</summary>
    public long RequestsSent { get; init; }
    public long Unanswered { get; init; }

    /// <summary>From a mission request being sent to its answer (the reply, <c>ack</c> or <c>error</c>).</summary>
    public double? LatencyP50Ms { get; init; }
    public double? LatencyP99Ms { get; init; }
    public double? LatencyMaxMs { get; init; }

    /// <summary>Mission requests refused, by error code: not in the run's errors (a bot that built a bad frame still is).</summary>
    public IReadOnlyDictionary<string, long> RefusedByCode { get; init; } = new Dictionary<string, long>();

    public long Refused => RefusedByCode.Values.Sum();

    internal static MissionFigures Sum(IReadOnlyCollection<BotMissions> bots, LatencyHistogram latency, string district, int contacts, string? failure)
    {
        var refused = new Dictionary<string, long>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var bot in bots)
        {
            foreach (var (code, n) in bot.RefusedByCode) refused[code] = refused.GetValueOrDefault(code) + n;
            foreach (var (why, n) in bot.AbandonReasons) reasons[why] = reasons.GetValueOrDefault(why) + n;
        }
        return new MissionFigures
        {
            District = district,
            Contacts = contacts,
            ContactsFailure = failure,
            Accepted = bots.Sum(b => b.Accepted),
            Completed = bots.Sum(b => b.Completed),
            Abandoned = bots.Sum(b => b.Abandoned),
            Expired = bots.Sum(b => b.Expired),
            AbandonsSent = bots.Sum(b => b.AbandonsSent),
            AbandonReasons = reasons,
            ContactTalks = bots.Sum(b => b.ContactTalks),
            NoOffers = bots.Sum(b => b.NoOffers),
            RequestsSent = bots.Sum(b => b.RequestsSent),
            Unanswered = bots.Sum(b => b.Unanswered),
            LatencyP50Ms = latency.Percentile(0.50),
            LatencyP99Ms = latency.Percentile(0.99),
            LatencyMaxMs = latency.MaxMs,
            RefusedByCode = refused,
        };
    }

    /// <summary>The report's mission lines; <paramref name="duration"/> is the run's, for the completion rate.</summary>
    internal void AppendTo(StringBuilder sb, TimeSpan duration, Func<IReadOnlyDictionary<string, long>, string> tally)
    {
        var c = CultureInfo.InvariantCulture;
        var rate = duration > TimeSpan.Zero ? Completed / duration.TotalSeconds : 0;
        sb.Append("missions: ");
        if (ContactsFailure is { } failure) sb.Append(c, $"no contacts (GET /world/contacts: {failure}); ");
        else sb.Append(c, $"{Contacts} contacts in {District}; ");
        sb.Append(c, $"{Accepted} accepted, {Completed} completed, {Failed} failed ({Abandoned} abandoned, {Expired} expired), ")
            .Append(c, $"{rate:0.000} completed/s; {ContactTalks} talks to contacts, {NoOffers} without an offer to take")
            .AppendLine();
        sb.Append(c, $"mission requests: {RequestsSent} sent, {Unanswered} unanswered, {AbandonsSent} abandons");
        if (AbandonsSent > 0) sb.Append(" (").Append(tally(AbandonReasons)).Append(')');
        sb.Append("; ");
        if (LatencyP50Ms is { } p50 && LatencyP99Ms is { } p99)
            sb.Append(c, $"latency p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {LatencyMaxMs ?? p99:0.0} ms");
        else
            sb.Append("latency n/a");
        sb.AppendLine();
        sb.Append(c, $"mission refusals: {Refused}");
        if (Refused > 0) sb.Append(" (").Append(tally(RefusedByCode)).Append(')');
        sb.AppendLine();
    }
}

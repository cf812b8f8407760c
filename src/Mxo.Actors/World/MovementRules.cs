using Mxo.Protocol;

namespace Mxo.Actors.World;

/// <summary>
/// Tuning of the server-authoritative speed check (issue 4). The check is a distance budget (a token bucket measured in
/// world units): it accrues <see cref="MaxSpeed"/> × elapsed server time and holds at most <see cref="BudgetCapacity"/>.
/// </summary>
/// <remarks>
/// Guarantee (proved in the remarks of <see cref="MovementRules"/> and checked by property tests): a client that never
/// exceeds <see cref="MaxSpeed"/>, sends at least every <see cref="MaxSendInterval"/> while it moves, and whose packets
/// reach the server between 0 and <see cref="JitterAllowance"/> after it sent them, is never refused. A client that keeps
/// moving faster than <see cref="MaxSpeed"/> by e units/s is refused after at most <see cref="BudgetCapacity"/> / e
/// seconds of server time plus one packet (the defaults: 9 units, so 30 units/s is refused within 0.9 s, 25 units/s
/// within 1.8 s), and a single jump longer than 9 units is always refused.
/// </remarks>
public sealed record MovementSettings
{
    /// <summary>The seed's limit: 20 units/s (<see cref="Vec3"/> distance, height included).</summary>
    public double MaxSpeed { get; init; } = 20;

    /// <summary>How much later than its predecessor a packet may be delayed on the way (the 200 ms).</summary>
    public TimeSpan JitterAllowance { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest gap between two moves of a moving client the budget covers. Clients send 5–20 times a second; one
    /// that pauses longer than this while still moving may have its next move refused (and corrected).
    /// </summary>
    public TimeSpan MaxSendInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Offences are counted in windows of this length to recognise repeat offenders; a window opens at the first offence
    /// after the previous one has closed.
    /// </summary>
    public TimeSpan OffenceWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>This many offences within <see cref="OffenceWindow"/> make a repeat offender worth a log line.</summary>
    public int RepeatOffenceThreshold { get; init; } = 3;

    /// <summary>The most distance a client may cover in one burst: <see cref="MaxSpeed"/> × (send interval + jitter).</summary>
    public double BudgetCapacity => MaxSpeed * (MaxSendInterval + JitterAllowance).TotalSeconds;

    public static MovementSettings Default { get; } = new();
}

/// <summary>
/// The speed check's state for one player (immutable; the district keeps one per player and replaces it after every
/// move). <see cref="Position"/> is the last accepted, i.e. authoritative, position.
/// </summary>
/// <param name="Position">The last accepted position.</param>
/// <param name="At">The server receive time the budget was last brought up to date (monotonic, any fixed origin).</param>
/// <param name="Budget">Distance the player may still cover right now, in world units (0 … capacity).</param>
/// <param name="ConsecutiveOffences">Refused moves since the last accepted one.</param>
/// <param name="TotalOffences">Refused moves since the player entered the district (teleports do not clear it).</param>
/// <param name="RecentOffences">Refused moves within the current offence window.</param>
/// <param name="WindowStart">Start of the current offence window.</param>
public readonly record struct MovementTracker(
    Vec3 Position,
    TimeSpan At,
    double Budget,
    int ConsecutiveOffences,
    int TotalOffences,
    int RecentOffences,
    TimeSpan WindowStart)
{
    /// <summary>A player placed at <paramref name="position"/> at server time <paramref name="now"/> (join), with a full budget.</summary>
    public static MovementTracker Start(Vec3 position, TimeSpan now, MovementSettings? settings = null) =>
        new(position, now, (settings ?? MovementSettings.Default).BudgetCapacity, 0, 0, 0, now);
}

/// <summary>Why a move was refused.</summary>
public enum MoveRefusal
{
    None = 0,

    /// <summary>Farther than the distance budget allows (too fast, or a teleport-like jump).</summary>
    TooFast = 1,

    /// <summary>Not a finite position within <see cref="Vec3.WorldLimit"/>.</summary>
    InvalidPosition = 2,
}

/// <summary>
/// The outcome of one move. When refused, <see cref="AuthoritativePosition"/> is the last accepted position, which the
/// client must be told; when accepted it is the new position.
/// </summary>
/// <param name="ShouldLog">True only on the offence that makes the player a repeat offender within the current window:
/// at most one log line per player per <see cref="MovementSettings.OffenceWindow"/>.</param>
public readonly record struct MoveDecision(
    bool Accepted,
    MovementTracker Tracker,
    Vec3 AuthoritativePosition,
    MoveRefusal Refusal,
    bool ShouldLog)
{
    /// <summary>The player has at least the threshold of offences within the current window.</summary>
    public bool IsRepeatOffender(MovementSettings settings) => Tracker.RecentOffences >= settings.RepeatOffenceThreshold;
}

/// <summary>
/// Server-authoritative movement (issue 4) as pure functions over <see cref="MovementTracker"/> (docs/architecture.md, decision 4).
/// Times are the server's receive times (monotonic), never the client's.
/// </summary>
/// <remarks>
/// <para>Distance budget: before each move the budget grows by MaxSpeed × (now − At), capped at
/// C = MaxSpeed × (MaxSendInterval + JitterAllowance). A move of distance d ≤ budget is accepted and spends d; a longer
/// one is refused, spends nothing, and leaves the authoritative position where it was.</para>
/// <para>Why a legitimate client is never refused: let move i be sent at s_i and received at a_i = s_i + δ_i with
/// 0 ≤ δ_i ≤ J (a WebSocket is ordered, so a late packet delays its successors without breaking the bound). Take move k
/// and the last move m ≤ k at which the budget was full (or the start). Then
/// budget_k = C + v(a_k − a_m) − Σ_{m≤i&lt;k} d_i, and the legitimate client covers Σ_{m&lt;i≤k} d_i ≤ v(s_k − s_m).
/// So budget_k ≥ d_k whenever C ≥ d_m + v(δ_m − δ_k), which holds because d_m ≤ v × MaxSendInterval and
/// δ_m − δ_k ≤ J. Bunching (two packets 0 ms apart after a 400 ms gap) is exactly the δ_m − δ_k ≤ J case.</para>
/// <para>Why a cheater is caught: over any stretch of server time T the accepted distance is at most C + vT, whatever
/// the client sends, so sustained speed v + e is refused after at most C / e seconds and a single jump longer than C
/// is always refused.</para>
/// </remarks>
public static class MovementRules
{
    /// <summary>Rounding slack (1 mm) so that a move at exactly the limit is never refused by floating point or tick rounding.</summary>
    public const double Tolerance = 1e-3;

    public static MoveDecision Decide(MovementTracker tracker, Vec3 newPosition, TimeSpan now) =>
        Decide(tracker, newPosition, now, MovementSettings.Default);

    public static MoveDecision Decide(MovementTracker tracker, Vec3 newPosition, TimeSpan now, MovementSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var capacity = settings.BudgetCapacity;
        // A clock that goes backwards (it should not) accrues nothing rather than a negative budget.
        var elapsed = now > tracker.At ? (now - tracker.At).TotalSeconds : 0;
        var at = now > tracker.At ? now : tracker.At;
        var budget = Math.Min(capacity, tracker.Budget + settings.MaxSpeed * elapsed);

        if (!newPosition.IsValid)
            return Refuse(tracker with { At = at, Budget = budget }, at, MoveRefusal.InvalidPosition, settings);

        var distance = tracker.Position.DistanceTo(newPosition);
        if (distance > budget + Tolerance)
            return Refuse(tracker with { At = at, Budget = budget }, at, MoveRefusal.TooFast, settings);

        var accepted = tracker with
        {
            Position = newPosition,
            At = at,
            Budget = Math.Max(0, budget - distance),
            ConsecutiveOffences = 0,
        };
        return new MoveDecision(true, accepted, newPosition, MoveRefusal.None, ShouldLog: false);
    }

    /// <summary>
    /// A server-initiated relocation (hardline, district entry, GM move): the new position is authoritative and the budget
    /// starts full. Offence counters are kept, so jacking out does not wipe a cheater's record.
    /// </summary>
    public static MovementTracker Teleport(MovementTracker tracker, Vec3 position, TimeSpan now, MovementSettings? settings = null) =>
        tracker with { Position = position, At = now, Budget = (settings ?? MovementSettings.Default).BudgetCapacity, ConsecutiveOffences = 0 };

    private static MoveDecision Refuse(MovementTracker tracker, TimeSpan now, MoveRefusal refusal, MovementSettings settings)
    {
        var windowStart = tracker.WindowStart;
        var recent = tracker.RecentOffences;
        if (now - windowStart >= settings.OffenceWindow)
        {
            windowStart = now;
            recent = 0;
        }
        recent = recent == int.MaxValue ? recent : recent + 1;
        // One log line per player per window, at the offence that makes it a repeat offender: a client refused
        // thousands of times a second must not turn into thousands of log lines (the line carries the totals).
        var shouldLog = recent == Math.Max(1, settings.RepeatOffenceThreshold);
        var next = tracker with
        {
            ConsecutiveOffences = tracker.ConsecutiveOffences == int.MaxValue ? int.MaxValue : tracker.ConsecutiveOffences + 1,
            TotalOffences = tracker.TotalOffences == int.MaxValue ? int.MaxValue : tracker.TotalOffences + 1,
            RecentOffences = recent,
            WindowStart = windowStart,
        };
        return new MoveDecision(false, next, tracker.Position, refusal, shouldLog);
    }
}

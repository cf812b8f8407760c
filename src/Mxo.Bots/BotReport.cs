using System.Globalization;
using System.Text;

namespace Mxo.Bots;

/// <summary>What a <see cref="BotSwarm"/> run did. <see cref="ToString"/> is the <c>bots</c> command's summary.</summary>
public sealed record BotReport
{
    /// <summary>Frame types always listed in the summary, in this order; others are listed when received.</summary>
    public static readonly IReadOnlyList<string> SummaryTypes = ["welcome", "entered", "view", "chat", "ack", "error"];

    public required string RunTag { get; init; }
    public required int Requested { get; init; }

    /// <summary>Bots that connected and were welcomed and entered their district.</summary>
    public required int Connected { get; init; }

    /// <summary>Bots whose connection or handshake (hello/welcome, enter/entered) failed.</summary>
    public required int FailedToConnect { get; init; }

    /// <summary>
    /// Connected bots whose connection ended before the run did (server close, e.g. 1001, or a broken socket) and were
    /// not back in when it ended: a bot that reconnected and stayed is not counted.
    /// </summary>
    public required int DisconnectedEarly { get; init; }

    /// <summary>Bots never started or still connecting when the run ended.</summary>
    public required int NotStarted { get; init; }

    /// <summary>Connection/handshake failure reason → bots.</summary>
    public required IReadOnlyDictionary<string, int> ConnectFailures { get; init; }

    /// <summary>Early disconnect reason (close status and description, or socket error) → bots.</summary>
    public required IReadOnlyDictionary<string, int> Disconnects { get; init; }

    /// <summary>With reconnect urls: every early drop by reason (close status and description, or socket error), back or not.</summary>
    public IReadOnlyDictionary<string, long> Drops { get; init; } = new Dictionary<string, long>();

    /// <summary>Bots that were back in their district after a drop at least once, and how many times bots were back.</summary>
    public int Reconnected { get; init; }
    public long Reconnections { get; init; }

    /// <summary>Reconnect attempts that failed (the next url or pass was tried), and why.</summary>
    public long ReconnectAttemptsFailed { get; init; }
    /// <summary>First connects that failed and were tried again (<c>--retry-connect</c>), and why.</summary>
    public long ConnectRetries { get; init; }
    public IReadOnlyDictionary<string, long> ConnectRetryReasons { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> ReconnectFailures { get; init; } = new Dictionary<string, long>();

    /// <summary>The first drop of any bot, the last time any bot was back in, and the longest one bot was away.</summary>
    public DateTimeOffset? FirstDropAt { get; init; }
    public DateTimeOffset? LastBackAt { get; init; }
    public TimeSpan LongestOutage { get; init; }

    /// <summary><c>say</c>s whose socket dropped before they were answered (not errors: they may or may not have been heard).</summary>
    public long SaysLostInFlight { get; init; }

    public required long FramesSent { get; init; }
    public required long FramesReceived { get; init; }

    /// <summary>Received frames by <c>type</c>; frames the bots could not read count as <c>invalid</c>.</summary>
    public required IReadOnlyDictionary<string, long> ReceivedByType { get; init; }

    /// <summary><c>say</c> frames sent.</summary>
    public required long Said { get; init; }

    /// <summary>Of <see cref="Said"/>, the lines said district-wide (<c>--district-chat</c>).</summary>
    public long SaidDistrictWide { get; init; }

    /// <summary><c>whisper</c> frames sent (<c>--whisper-every</c>), acknowledged (delivered) and received.</summary>
    public long Whispered { get; init; }
    public long WhispersAcked { get; init; }
    public long WhispersHeard { get; init; }

    /// <summary>With <c>--crews</c>: bots in a crew at the end, crew lines said, and crew lines heard (each member hears each line).</summary>
    public long CrewsJoined { get; init; }
    public long CrewLinesSaid { get; init; }
    public long CrewLinesHeard { get; init; }

    /// <summary>With <c>--teams</c>: bots in a team at the end, team lines said, and team lines heard (each member hears each line).</summary>
    public long TeamsJoined { get; init; }
    public long TeamLinesSaid { get; init; }
    public long TeamLinesHeard { get; init; }
    /// <summary>With <c>--org-chat</c>: bots in an organisation at the end, org lines said, and org lines heard (each member online hears each line).</summary>
    public long OrgMembers { get; init; }
    public long OrgLinesSaid { get; init; }
    public long OrgLinesHeard { get; init; }

    /// <summary><c>ack</c> frames received (not counting whispers').</summary>
    public required long Acked { get; init; }

    /// <summary>A bot's own chat lines that came back to it (each gives one latency sample).</summary>
    public required long Echoed { get; init; }

    public required double? EchoLatencyP50Ms { get; init; }
    public required double? EchoLatencyP99Ms { get; init; }
    public required double? EchoLatencyMaxMs { get; init; }

    /// <summary>From a bot's move being sent to another bot's view frame showing it (same process, one clock).</summary>
    public double? NeighbourLatencyP50Ms { get; init; }
    public double? NeighbourLatencyP99Ms { get; init; }
    public long NeighbourSamples { get; init; }

    /// <summary>From a bot's chat line being sent to another bot hearing it, per channel (<see cref="Bots.ChatDelivery"/>).</summary>
    public IReadOnlyList<ChannelDelivery> ChatDelivery { get; init; } = [];

    /// <summary>The district's tick figures as its status endpoint reports them, if it could be read.</summary>
    public string? Tick { get; init; }

    /// <summary>Bots that got at least one <c>resynced</c> frame (a world node failed under them), and when the last one came.</summary>
    public int ResyncedBots { get; init; }
    public DateTimeOffset? LastResyncedAt { get; init; }

    /// <summary>With <c>--fight</c>: what the bots did in fights, their refused fight requests apart from <see cref="Errors"/>.</summary>
    public FightFigures? Fight { get; init; }

    /// <summary>With <c>--missions</c>: what the bots did with missions, their refused mission requests apart from <see cref="Errors"/>.</summary>
    public MissionFigures? Missions { get; init; }

    /// <summary>
    /// Notifications: pushed to the bots (<c>notification</c> frames; of those, stored ones), the sum of the welcomes'
    /// unread counts, and with <c>--notifications</c> how many the bots listed and marked read.
    /// </summary>
    public long NotificationsPushed { get; init; }
    public long NotificationsStored { get; init; }
    public long UnreadAtWelcome { get; init; }
    public long NotificationsListed { get; init; }
    public long NotificationsRead { get; init; }

    /// <summary>
    /// Protocol errors: <c>error</c> frames plus frames the bots could not make sense of. Refusals of fight requests are
    /// not among them (<see cref="FightFigures.ErrorsByCode"/>): a fight refuses much by design (too_fast, out_of_range, …).
    /// </summary>
    public required long Errors { get; init; }

    public required IReadOnlyDictionary<string, long> ErrorsByCode { get; init; }

    /// <summary>The first few errors, as <c>bot: code: message (id)</c>.</summary>
    public required IReadOnlyList<string> FirstErrors { get; init; }

    /// <summary>Wall time of the run, connecting and closing included.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>CPU time this process (the load generator) used during the run, so a report shows whether the bots
    /// rather than the node were the bottleneck.</summary>
    public TimeSpan? Cpu { get; init; }

    /// <summary>HTTP requests sent, by endpoint (register, login, characters, socket upgrades, refresh); empty in the hello flow.</summary>
    public IReadOnlyDictionary<string, long> HttpRequests { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// Refused or failed HTTP requests by "endpoint status code" (e.g. <c>login 429 rate_limited</c>) or "endpoint
    /// error" when no answer came (e.g. <c>register connection_refused</c>). Retried attempts count each time.
    /// Expected refusals are not failures: register 409 name_taken (an earlier run's account) and the like.
    /// </summary>
    public IReadOnlyDictionary<string, long> HttpFailures { get; init; } = new Dictionary<string, long>();

    /// <summary>Bots whose account already existed (register answered 409 name_taken).</summary>
    public long ExistingAccounts { get; init; }

    /// <summary>Successful <c>POST /auth/login</c> requests; their latency below.</summary>
    public long Logins { get; init; }

    public double? LoginLatencyP50Ms { get; init; }
    public double? LoginLatencyP99Ms { get; init; }
    public double? LoginLatencyMaxMs { get; init; }

    /// <summary>Successful <c>POST /auth/refresh</c> requests.</summary>
    public long TokenRefreshes { get; init; }

    /// <summary><c>auth</c> frames sent with a renewed access token, and the <c>ack</c>s they got.</summary>
    public long TokensSent { get; init; }
    public long TokensAcked { get; init; }

    public long HttpFailed => HttpFailures.Values.Sum();

    /// <summary>At least one bot got in and the server refused nothing.</summary>
    public bool Succeeded => Connected > 0 && Errors == 0;

    public int ExitCode => Succeeded ? 0 : 1;

    public long Received(string type) => ReceivedByType.TryGetValue(type, out var n) ? n : 0;

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"bots: {Requested} requested, {Connected} connected, {FailedToConnect} failed to connect, {DisconnectedEarly} disconnected early");
        if (NotStarted > 0) sb.Append(c, $", {NotStarted} not started");
        sb.AppendLine();
        if (ConnectFailures.Count > 0) sb.Append("connect failures: ").AppendLine(Tally(ConnectFailures.ToDictionary(kv => kv.Key, kv => (long)kv.Value)));
        if (Disconnects.Count > 0) sb.Append("disconnects: ").AppendLine(Tally(Disconnects.ToDictionary(kv => kv.Key, kv => (long)kv.Value)));
        if (Drops.Count > 0)
        {
            sb.Append(c, $"drops: {Drops.Values.Sum()}");
            if (FirstDropAt is { } first) sb.Append(c, $", the first at {first:HH:mm:ss.fff} UTC");
            sb.Append(" (").Append(Tally(Drops)).AppendLine(")");
        }
        if (ConnectRetries > 0)
            sb.Append(c, $"first connects retried: {ConnectRetries} attempts failed (").Append(Tally(ConnectRetryReasons)).AppendLine(")");
        if (Reconnected > 0 || ReconnectAttemptsFailed > 0)
        {
            sb.Append(c, $"reconnected: {Reconnected} bots");
            if (Reconnections != Reconnected) sb.Append(c, $" ({Reconnections} times)");
            if (LastBackAt is { } back && FirstDropAt is { } dropped)
                sb.Append(c, $", the last back {(back - dropped).TotalSeconds:0.0} s after the first socket dropped (at {back:HH:mm:ss.fff} UTC), the longest outage {LongestOutage.TotalSeconds:0.0} s");
            sb.Append(c, $"; {ReconnectAttemptsFailed} attempts failed");
            if (ReconnectAttemptsFailed > 0) sb.Append(" (").Append(Tally(ReconnectFailures)).Append(')');
            sb.AppendLine();
        }

        var types = SummaryTypes.Select(t => $"{t} {Received(t).ToString(c)}")
            .Concat(ReceivedByType.Where(kv => !SummaryTypes.Contains(kv.Key) && kv.Value > 0)
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{kv.Key} {kv.Value.ToString(c)}"));
        sb.Append(c, $"frames: {FramesSent} sent, {FramesReceived} received ({string.Join(", ", types)})").AppendLine();

        sb.Append(c, $"chat: {Said} said");
        if (SaidDistrictWide > 0) sb.Append(c, $" ({SaidDistrictWide} district-wide)");
        sb.Append(c, $", {Acked} acked, ");
        if (SaysLostInFlight > 0) sb.Append(c, $"{SaysLostInFlight} lost in flight, ");
        sb.Append(c, $"{Echoed} echoed, ");
        if (EchoLatencyP50Ms is { } p50 && EchoLatencyP99Ms is { } p99)
            sb.Append(c, $"echo latency p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {EchoLatencyMaxMs ?? p99:0.0} ms");
        else
            sb.Append("echo latency n/a");
        sb.AppendLine();
        if (ChatDelivery.Count > 0)
            sb.Append("chat delivery: ").AppendJoin(", ", ChatDelivery.Select(d =>
                string.Create(c, $"{d.Channel} p50 {d.P50Ms:0.0} ms, p99 {d.P99Ms:0.0} ms, max {d.MaxMs:0.0} ms ({d.Samples} heard)"))).AppendLine();
        if (CrewLinesSaid > 0 || CrewLinesHeard > 0 || CrewsJoined > 0)
            sb.Append(c, $"crews: {CrewsJoined} bots in a crew, {CrewLinesSaid} crew lines said, {CrewLinesHeard} heard").AppendLine();
        if (TeamLinesSaid > 0 || TeamLinesHeard > 0 || TeamsJoined > 0)
            sb.Append(c, $"teams: {TeamsJoined} bots in a team, {TeamLinesSaid} team lines said, {TeamLinesHeard} heard").AppendLine();
        if (OrgLinesSaid > 0 || OrgLinesHeard > 0 || OrgMembers > 0)
            sb.Append(c, $"orgs: {OrgMembers} bots in an organisation, {OrgLinesSaid} org lines said, {OrgLinesHeard} heard").AppendLine();
        if (Whispered > 0 || WhispersHeard > 0)
            sb.Append(c, $"whispers: {Whispered} sent, {WhispersAcked} delivered, {WhispersHeard} heard").AppendLine();
        if (NeighbourLatencyP50Ms is { } n50 && NeighbourLatencyP99Ms is { } n99)
            sb.Append(c, $"move-to-neighbour latency: p50 {n50:0.0} ms, p99 {n99:0.0} ms ({NeighbourSamples} samples)").AppendLine();
        if (Tick is { } tick) sb.Append("district tick: ").AppendLine(tick);
        if (ResyncedBots > 0 && LastResyncedAt is { } last)
            sb.Append(c, $"resynced: {ResyncedBots} bots after a world node failed, the last at {last:HH:mm:ss.fff} UTC").AppendLine();
        Fight?.AppendTo(sb, Tally);
        Missions?.AppendTo(sb, Duration, Tally);
        if (NotificationsPushed > 0 || UnreadAtWelcome > 0 || NotificationsListed > 0)
            sb.Append(c, $"notifications: {NotificationsPushed} pushed ({NotificationsStored} stored), {UnreadAtWelcome} unread at welcome, " +
                         $"{NotificationsListed} listed, {NotificationsRead} marked read").AppendLine();

        if (HttpRequests.Count > 0)
        {
            string[] order = ["register", "login", "characters", "socket", "refresh"];
            var byEndpoint = HttpRequests.OrderBy(kv => Array.IndexOf(order, kv.Key) is var i && i < 0 ? int.MaxValue : i)
                .ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{kv.Key} {kv.Value.ToString(c)}");
            sb.Append(c, $"http: {HttpRequests.Values.Sum()} requests ({string.Join(", ", byEndpoint)}), {HttpFailed} failed");
            if (HttpFailed > 0) sb.Append(" (").Append(Tally(HttpFailures)).Append(')');
            if (ExistingAccounts > 0) sb.Append(c, $", {ExistingAccounts} existing accounts");
            sb.AppendLine();
            sb.Append(c, $"logins: {Logins} ok, ");
            if (LoginLatencyP50Ms is { } l50 && LoginLatencyP99Ms is { } l99)
                sb.Append(c, $"latency p50 {l50:0.0} ms, p99 {l99:0.0} ms, max {LoginLatencyMaxMs ?? l99:0.0} ms");
            else
                sb.Append("latency n/a");
            if (TokenRefreshes > 0 || TokensSent > 0)
                sb.Append(c, $"; tokens: {TokenRefreshes} refreshed, {TokensSent} auth sent, {TokensAcked} acked");
            sb.AppendLine();
        }

        sb.Append(c, $"errors: {Errors}");
        if (Errors > 0)
        {
            sb.Append(" (").Append(Tally(ErrorsByCode)).Append(')');
            if (FirstErrors.Count > 0) sb.Append("; first: ").Append(string.Join(" | ", FirstErrors));
        }
        sb.AppendLine();
        sb.Append(c, $"duration: {Duration.TotalSeconds:0.0} s").AppendLine();
        if (Cpu is { } cpu && Duration > TimeSpan.Zero)
            sb.Append(c, $"load generator CPU: {cpu.TotalSeconds:0.00} s ({100 * cpu / Duration:0}% of one core, {Environment.ProcessorCount} cores here)").AppendLine();
        return sb.ToString();
    }

    private static string Tally(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} x{kv.Value.ToString(CultureInfo.InvariantCulture)}"));
}

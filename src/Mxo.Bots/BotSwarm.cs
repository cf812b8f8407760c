using System.Diagnostics;
using System.Security.Cryptography;
using Mxo.Protocol;
using Mxo.Protocol.World;

namespace Mxo.Bots;

/// <summary>
/// A load generator of simulated players: <see cref="BotOptions.Count"/> WebSocket clients that sign in over HTTP
/// (or, with <see cref="BotOptions.Hello"/>, identify with hello), enter a district, walk and chat (and, with
/// <see cref="BotOptions.Fight"/>, fight) until the duration
/// ends or the token is cancelled, then close gracefully and report. Single use: each swarm has its own run tag, so
/// its accounts, characters and request ids are fresh. Each bot's user name and character name are its
/// <see cref="Names"/> entry.
/// </summary>
public sealed class BotSwarm
{
    private const int MaxReportedErrors = 5;

    private readonly int _seed;
    private int _started;

    /// <exception cref="ArgumentException">the options are not valid (see <see cref="BotOptions.Validate"/>)</exception>
    public BotSwarm(BotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));

        Options = options;
        _seed = options.Seed ?? Random.Shared.Next();
        RunTag = options.RunTag ?? BotNames.NewRunTag(new Random(_seed));
        Names = Enumerable.Range(0, options.Count).Select(i => BotNames.Format(options.NamePrefix, RunTag, i, options.Count)).ToArray();
        District = options.FindDistrict()!;
        Password = options.Password ?? "bot-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('/', '_').Replace('+', '-');
    }

    /// <summary>Every bot account's password: <see cref="BotOptions.Password"/> or a random one for this run.</summary>
    public string Password { get; }

    public BotOptions Options { get; }

    /// <summary>The random part of this run's bot names.</summary>
    public string RunTag { get; }

    /// <summary>The bots' character names, by index.</summary>
    public IReadOnlyList<string> Names { get; }

    public DistrictInfo District { get; }

    /// <summary>
    /// Runs the bots until <see cref="BotOptions.Duration"/> has passed, <paramref name="cancellationToken"/> is
    /// cancelled, or every bot has failed or been disconnected; then closes every socket and reports. Cancellation
    /// is a normal end: this does not throw <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<BotReport> RunAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException("a BotSwarm runs once");

        var started = Stopwatch.GetTimestamp();
        var cpuAtStart = Environment.CpuUsage.TotalTime;
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (Options.Duration is { } duration) run.CancelAfter(duration);

        var latency = new LatencyHistogram();
        var countFrom = Options.Warmup is { } warmup ? started + Bot.Ticks(warmup) : 0;
        var witness = new MoveWitness(countFrom);
        var delivery = new ChatDelivery(countFrom);
        var http = new BotHttpStats();
        using var accounts = Options.Hello ? null : new BotAccounts(Options, http);

        // --missions: the district's contacts, once for every bot; the run may end at the wanted number of completions.
        var missionLatency = new LatencyHistogram();
        var (contacts, contactsFailure) = Options.Missions ? await ContactsAsync(run.Token).ConfigureAwait(false) : ([], null);
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long completed = 0;
        Action? onCompleted = Options.StopAfterMissions > 0
            ? () => { if (Interlocked.Increment(ref completed) >= Options.StopAfterMissions) enough.TrySetResult(); }
            : null;
        var stopper = StopWhenAsync(enough.Task, run);
        var missions = Options.Missions ? new Bot.MissionSetup(contacts, missionLatency, onCompleted, countFrom) : null;

        var bots = Names.Select((name, i) =>
                new Bot(Options, i, name, District, new Random(unchecked(_seed + (i + 1) * 1_000_003)), latency, accounts, Password, witness,
                    Options.WhisperEvery > TimeSpan.Zero || Options.Crews || Options.Teams ? Names : null, delivery, missions))
            .ToArray();
        var running = new List<Task>(bots.Length);

        try
        {
            if (Options.Ramp is { } ramp && ramp > TimeSpan.Zero)
            {
                for (var i = 0; i < bots.Length; i++)
                {
                    var due = TimeSpan.FromTicks(ramp.Ticks / bots.Length * i);
                    var wait = due - Stopwatch.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, run.Token).ConfigureAwait(false);
                    run.Token.ThrowIfCancellationRequested();
                    running.Add(bots[i].RunAsync(run.Token));
                }
            }
            else
            {
                for (var i = 0; i < bots.Length; i += Options.ConnectBatchSize)
                {
                    run.Token.ThrowIfCancellationRequested();
                    var batch = bots.AsSpan(i, Math.Min(Options.ConnectBatchSize, bots.Length - i)).ToArray();
                    foreach (var bot in batch) running.Add(bot.RunAsync(run.Token));
                    await Task.WhenAll(batch.Select(b => b.Ready)).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // the run ended while bots were still being started: the rest stay "not started"
        }

        await Task.WhenAll(running).ConfigureAwait(false); // bots never throw
        await run.CancelAsync().ConfigureAwait(false); // every bot has ended: so does the stopper, if it still waits
        await stopper.ConfigureAwait(false);
        return Report(bots, latency, http, Stopwatch.GetElapsedTime(started)) with
        {
            Cpu = Environment.CpuUsage.TotalTime - cpuAtStart,
            NeighbourLatencyP50Ms = witness.Latency.Percentile(0.50),
            NeighbourLatencyP99Ms = witness.Latency.Percentile(0.99),
            NeighbourSamples = witness.Latency.Count,
            ChatDelivery = delivery.Figures(),
            Tick = await DistrictTickAsync().ConfigureAwait(false),
            ResyncedBots = bots.Count(b => b.LastResyncedAt is not null),
            Fight = Options.Fight || Options.Missions ? FightFigures.Sum(bots.Select(b => b.Fighter!).ToArray()) : null,
            Missions = Options.Missions
                ? MissionFigures.Sum(bots.Select(b => b.Missions!).ToArray(), missionLatency, District.Id.Value, contacts.Count, contactsFailure)
                : null,
            LastResyncedAt = bots.Max(b => b.LastResyncedAt),
        };
    }

    /// <summary>Cancels <paramref name="run"/> when <paramref name="enough"/> completes (<see cref="BotOptions.StopAfterMissions"/>).</summary>
    private static async Task StopWhenAsync(Task enough, CancellationTokenSource run)
    {
        try
        {
            await enough.WaitAsync(run.Token).ConfigureAwait(false);
            await run.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the run ended first
        }
    }

    /// <summary>
    /// The mission contacts of the bots' district (<c>GET /world/contacts</c>, docs/protocol.md "World information over
    /// HTTP"), nearest to the district's spawn first; or why they could not be read.
    /// </summary>
    private async Task<(IReadOnlyList<BotMissions.Contact> Contacts, string? Failure)> ContactsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new HttpClient { Timeout = Options.HttpTimeout };
            await using var body = await client.GetStreamAsync(new Uri(Options.HttpBaseUrl, "/world/contacts"), cancellationToken).ConfigureAwait(false);
            using var doc = await System.Text.Json.JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            var contacts = new List<BotMissions.Contact>();
            foreach (var contact in doc.RootElement.GetProperty("contacts").EnumerateArray())
            {
                if (contact.GetProperty("district").GetString() != District.Id.Value) continue;
                var at = contact.GetProperty("position");
                contacts.Add(new BotMissions.Contact(contact.GetProperty("id").GetString()!, at.GetProperty("x").GetDouble(), at.GetProperty("z").GetDouble()));
            }
            var spawn = District.Spawn;
            return (contacts.OrderBy(c => (c.X - spawn.X) * (c.X - spawn.X) + (c.Z - spawn.Z) * (c.Z - spawn.Z)).ToArray(), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException
                                      or InvalidOperationException)
        {
            return ([], Bot.Describe(e));
        }
    }

    /// <summary>The district's own tick figures (GET /world/districts/{id}), when the node serves them.</summary>
    private async Task<string?> DistrictTickAsync()
    {
        try
        {
            var http = Options.HttpBaseUrl;
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var doc = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri(http, "/world/districts/" + District.Id.Value)).ConfigureAwait(false));
            var tick = doc.RootElement.GetProperty("tick");
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{doc.RootElement.GetProperty("present").GetInt32()} present, {tick.GetProperty("count").GetInt64()} ticks, last 1,024: p50 {tick.GetProperty("p50Ms").GetDouble():0.###} ms, p99 {tick.GetProperty("p99Ms").GetDouble():0.###} ms; started late by p50 {tick.GetProperty("lateP50Ms").GetDouble():0.###} ms, p99 {tick.GetProperty("lateP99Ms").GetDouble():0.###} ms");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void AddTo(Dictionary<string, long> total, Dictionary<string, long> counts)
    {
        foreach (var (key, n) in counts) total[key] = total.GetValueOrDefault(key) + n;
    }

    private BotReport Report(Bot[] bots, LatencyHistogram latency, BotHttpStats http, TimeSpan elapsed)
    {
        var received = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var type in Bot.KnownTypes) received[type] = 0;
        var errorsByCode = new Dictionary<string, long>(StringComparer.Ordinal);
        var connectFailures = new Dictionary<string, int>(StringComparer.Ordinal);
        var disconnects = new Dictionary<string, int>(StringComparer.Ordinal);
        var drops = new Dictionary<string, long>(StringComparer.Ordinal);
        var reconnectFailures = new Dictionary<string, long>(StringComparer.Ordinal);
        var connectRetryReasons = new Dictionary<string, long>(StringComparer.Ordinal);
        long invalid = 0;

        foreach (var bot in bots)
        {
            for (var t = 0; t < Bot.KnownTypes.Length; t++) received[Bot.KnownTypes[t]] += bot.ReceivedByKnownType[t];
            AddTo(received, bot.ReceivedOtherTypes);
            AddTo(errorsByCode, bot.ErrorsByCode);
            AddTo(drops, bot.Drops);
            AddTo(reconnectFailures, bot.ReconnectFailures);
            AddTo(connectRetryReasons, bot.ConnectRetryReasons);
            invalid += bot.InvalidFrames;
            if (bot.Result == Bot.Outcome.FailedToConnect && bot.FailureReason is { } failure)
                connectFailures[failure] = connectFailures.GetValueOrDefault(failure) + 1;
            if (bot.DisconnectedEarly && bot.DisconnectReason is { } reason)
                disconnects[reason] = disconnects.GetValueOrDefault(reason) + 1;
        }
        if (invalid > 0) received["invalid"] = invalid;

        return new BotReport
        {
            RunTag = RunTag,
            Requested = bots.Length,
            Connected = bots.Count(b => b.Result == Bot.Outcome.Connected),
            FailedToConnect = bots.Count(b => b.Result == Bot.Outcome.FailedToConnect),
            DisconnectedEarly = bots.Count(b => b.DisconnectedEarly),
            NotStarted = bots.Count(b => b.Result == Bot.Outcome.NotStarted),
            ConnectFailures = connectFailures,
            Disconnects = disconnects,
            Drops = drops,
            Reconnected = bots.Count(b => b.Reconnections > 0),
            Reconnections = bots.Sum(b => (long)b.Reconnections),
            ReconnectAttemptsFailed = bots.Sum(b => b.ReconnectAttemptsFailed),
            ReconnectFailures = reconnectFailures,
            ConnectRetries = bots.Sum(b => b.ConnectRetries),
            ConnectRetryReasons = connectRetryReasons,
            FirstDropAt = bots.Min(b => b.FirstDroppedAt),
            LastBackAt = bots.Max(b => b.LastBackAt),
            LongestOutage = bots.Length == 0 ? TimeSpan.Zero : bots.Max(b => b.LongestOutage),
            SaysLostInFlight = bots.Sum(b => b.SaysLostInFlight),
            FramesSent = bots.Sum(b => b.FramesSent),
            FramesReceived = bots.Sum(b => b.FramesReceived),
            ReceivedByType = received,
            Said = bots.Sum(b => b.Said),
            SaidDistrictWide = bots.Sum(b => b.SaidDistrictWide),
            Whispered = bots.Sum(b => b.Whispered),
            WhispersAcked = bots.Sum(b => b.WhispersAcked),
            WhispersHeard = bots.Sum(b => b.WhispersHeard),
            NotificationsPushed = bots.Sum(b => b.NotificationsPushed),
            NotificationsStored = bots.Sum(b => b.NotificationsStored),
            UnreadAtWelcome = bots.Sum(b => b.UnreadAtWelcome),
            NotificationsListed = bots.Sum(b => b.NotificationsListed),
            NotificationsRead = bots.Sum(b => b.NotificationsRead),
            CrewsJoined = bots.Count(b => b.InCrew),
            CrewLinesSaid = bots.Sum(b => b.CrewLinesSaid),
            CrewLinesHeard = bots.Sum(b => b.CrewLinesHeard),
            TeamsJoined = bots.Count(b => b.InTeam),
            TeamLinesSaid = bots.Sum(b => b.TeamLinesSaid),
            TeamLinesHeard = bots.Sum(b => b.TeamLinesHeard),
            OrgMembers = bots.Count(b => b.InOrg),
            OrgLinesSaid = bots.Sum(b => b.OrgLinesSaid),
            OrgLinesHeard = bots.Sum(b => b.OrgLinesHeard),
            Acked = bots.Sum(b => b.Acked),
            Echoed = bots.Sum(b => b.Echoed),
            EchoLatencyP50Ms = latency.Percentile(0.50),
            EchoLatencyP99Ms = latency.Percentile(0.99),
            EchoLatencyMaxMs = latency.MaxMs,
            Errors = bots.Sum(b => b.Errors),
            ErrorsByCode = errorsByCode,
            FirstErrors = bots.SelectMany(b => b.FirstErrors).OrderBy(e => e.At).Take(MaxReportedErrors).Select(e => e.Text).ToArray(),
            Duration = elapsed,
            HttpRequests = new Dictionary<string, long>(http.Requests, StringComparer.Ordinal),
            HttpFailures = new Dictionary<string, long>(http.Failures, StringComparer.Ordinal),
            ExistingAccounts = Interlocked.Read(ref http.ExistingAccounts),
            Logins = http.LoginLatency.Count,
            LoginLatencyP50Ms = http.LoginLatency.Percentile(0.50),
            LoginLatencyP99Ms = http.LoginLatency.Percentile(0.99),
            LoginLatencyMaxMs = http.LoginLatency.MaxMs,
            TokenRefreshes = Interlocked.Read(ref http.Refreshes),
            TokensSent = bots.Sum(b => b.TokensSent),
            TokensAcked = bots.Sum(b => b.TokensAcked),
        };
    }
}

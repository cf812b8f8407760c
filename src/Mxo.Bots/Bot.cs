using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Mxo.Protocol;
using Mxo.Protocol.World;
using Mxo.Protocol.Wire;

namespace Mxo.Bots;

/// <summary>
/// One simulated player on one <see cref="ClientWebSocket"/>. With accounts (the default): register, log in, create
/// the character if needed, log in with it, open the socket with the bearer token and wait for <c>welcome</c>; with
/// <see cref="BotOptions.Hello"/>: open the socket without a token and send hello → welcome. Then enter → entered, and
/// walk and chat until the run ends (refreshing the access token and sending <c>auth</c> at
/// <see cref="BotOptions.RefreshFraction"/> of its lifetime), and with <see cref="BotOptions.Fight"/> fight as its
/// <see cref="BotFighter"/> decides, while a receive loop counts what comes back. With
/// <see cref="BotOptions.ReconnectUrls"/>, a socket that drops early is replaced like a real client would: another
/// edge, the same identity, enter again, walk on from where the server has the character. Never
/// throws: every outcome is recorded. Counters are written by one loop each (receive loop or act loop) and read by the
/// swarm after <see cref="RunAsync"/>.
/// </summary>
internal sealed partial class Bot
{
    public enum Outcome { NotStarted, FailedToConnect, Connected }

    private const int ReceiveBufferBytes = 4 * 1024;
    private const int MaxFirstErrors = 3;
    private const int MaxOtherTypes = 16;
    private const int MaxPendingSays = 1024;
    private const int MaxReconnectJitterMs = 500;
    private static readonly TimeSpan FirstReconnectBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(4);

    /// <summary>Server frame types the bot counts by index (no string allocation per frame).</summary>
    internal static readonly string[] KnownTypes =
    [
        "welcome", "entered", "view", "position_corrected", "environment", "chat", "ack", "pong", "error", "resynced",
        "combat_started", "round", "combat_ended", "fight", "duel_challenge", "duel_declined", "derezzed", "reconstructed",
        "whisper", "crew", "crew_invite", "crew_update", "team", "team_invite", "team_update",
        "notification", "notifications", "chat_settings",
        "mission_offers", "mission_accepted", "missions", "mission_progress", "mission_phase", "mission_completed", "mission_failed",
        "item_added", "item_removed",
    ];

    private static readonly int ViewIndex = Array.IndexOf(KnownTypes, "view");

    private static readonly string[] Phrases =
    [
        "hello", "anyone seen the oracle?", "follow the white rabbit", "there is no spoon", "red pill or blue?",
        "knock knock", "lag check", "wake up", "free your mind", "dodge this",
    ];

    private readonly BotOptions _options;
    private readonly Random _random;
    private readonly Vec3 _spawn;
    private readonly string _district;
    private readonly LatencyHistogram _latency;
    private readonly MoveWitness? _witness;
    private readonly ChatDelivery _delivery;

    /// <summary>This bot reads its views (it is one of the first <see cref="BotOptions.Watchers"/>).</summary>
    private readonly bool _readsViews;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly BotAccounts? _accounts;
    private readonly string _password;
    private readonly ConcurrentDictionary<string, long> _pendingSays = new(StringComparer.Ordinal);

    /// <summary>Ids of the says sent on this socket that got neither <c>ack</c> nor <c>error</c> yet.</summary>
    private readonly ConcurrentDictionary<string, byte> _unansweredSays = new(StringComparer.Ordinal);

    /// <summary>Ids of the whispers sent on this socket that got neither <c>ack</c> nor <c>error</c> yet.</summary>
    private readonly ConcurrentDictionary<string, byte> _unansweredWhispers = new(StringComparer.Ordinal);

    /// <summary>The run's bot names, which this bot whispers to (itself left out); empty without whispers.</summary>
    private readonly IReadOnlyList<string> _peers;

    /// <summary>With <see cref="BotOptions.Fight"/> or <see cref="BotOptions.Missions"/>: what the bot knows of fights and decides about them.</summary>
    private readonly BotFighter? _fighter;

    /// <summary>With <see cref="BotOptions.Missions"/>: what the bot knows of its missions and decides about them.</summary>
    private readonly BotMissions? _missions;

    /// <summary>
    /// Wakes the act loop before its next timer when the receive loop has news it must act on at once (a duel
    /// challenge, a fight that began, being derezzed, a mission request answered). Only the receive loop releases it.
    /// </summary>
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Completes on this socket's <c>welcome</c>; a new one per socket.</summary>
    private TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CancellationToken _abortToken;
    private volatile bool _stopping;

    /// <summary>The bot is closing this socket itself (the run ended, or a handshake failed): its end is not a drop.</summary>
    private volatile bool _closing;
    private volatile Pending? _awaiting;
    private bool _receiveEndedEarly;
    private string? _receiveEndReason;
    private bool _sendFailedEarly;
    private string? _sendFailure;
    private string? _playerId;
    private TokenGrant? _grant;

    /// <summary>A socket upgrade answered 401: the token is renewed before the next reconnect attempt.</summary>
    private bool _tokenRefused;
    private long _refreshDue = long.MaxValue;
    private volatile string? _authRequestId;
    private Vec3? _enteredAt;

    /// <summary>When this bot last got <c>resynced</c> (its character's world node failed and it is back), if ever.</summary>
    public DateTimeOffset? LastResyncedAt { get; private set; }
    private long _requestCounter;
    private long _sayCounter;
    private double _x, _y, _z, _heading;

    /// <param name="accounts">The swarm's HTTP client; <c>null</c> for the hello flow.</param>
    /// <param name="password">The account password (ignored without <paramref name="accounts"/>).</param>
    /// <param name="missions">With <see cref="BotOptions.Missions"/>: the district's contacts, where mission request latency goes, and what a completion calls.</param>
    public Bot(BotOptions options, int index, string name, DistrictInfo district, Random random, LatencyHistogram latency,
        BotAccounts? accounts = null, string password = "", MoveWitness? witness = null, IReadOnlyList<string>? peers = null,
        ChatDelivery? delivery = null, MissionSetup? missions = null)
    {
        _delivery = delivery ?? new ChatDelivery();
        _peers = peers ?? [];
        _options = options;
        _accounts = accounts;
        _password = password;
        Index = index;
        Name = name;
        _district = district.Id.Value;
        _spawn = district.Spawn;
        (_x, _y, _z) = (_spawn.X, _spawn.Y, _spawn.Z);
        _random = random;
        _latency = latency;
        _witness = witness;
        _readsViews = witness is not null && index < options.Watchers;
        // A mission bot fights only what its missions want (defeat, loot), and declines duels: it has missions to do.
        if (options.Fight || options.Missions)
            _fighter = new BotFighter(options.FightEvery, options.Fight ? options.DuelAcceptChance : 0, Wake, seeks: options.Fight);
        if (options.Missions && missions is not null)
            _missions = new BotMissions(_district, missions.Contacts, missions.Latency, Wake, missions.Completed, missions.CountFrom);
    }

    /// <summary>What a mission bot is given: its district's contacts, the swarm's request latency, and a completion's callback.</summary>
    internal sealed record MissionSetup(IReadOnlyList<BotMissions.Contact> Contacts, LatencyHistogram Latency, Action? Completed, long CountFrom);

    /// <summary>The bot's fight figures with <see cref="BotOptions.Fight"/> or <see cref="BotOptions.Missions"/>, <c>null</c> without.</summary>
    public BotFighter? Fighter => _fighter;

    /// <summary>The bot's mission figures with <see cref="BotOptions.Missions"/>, <c>null</c> without.</summary>
    public BotMissions? Missions => _missions;

    // One releaser (the receive loop) and a count of at most 1: seeing 0, the release cannot overflow.
    private void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    public int Index { get; }
    public string Name { get; }

    /// <summary>Completes when the bot is in its district, has failed to get there, or the run ended first.</summary>
    public Task Ready => _ready.Task;

    public Outcome Result { get; private set; }
    public string? FailureReason { get; private set; }
    public bool DisconnectedEarly { get; private set; }
    public string? DisconnectReason { get; private set; }

    /// <summary>Times this bot was back in its district after its socket dropped (with <see cref="BotOptions.ReconnectUrls"/>).</summary>
    public int Reconnections { get; private set; }

    /// <summary>Reconnect attempts that did not get the bot back in, and why (a refresh, the socket, hello or enter).</summary>
    public long ReconnectAttemptsFailed { get; private set; }

    /// <summary>First connects that failed and were tried again (<see cref="BotOptions.RetryConnect"/>), and why.</summary>
    public long ConnectRetries { get; private set; }
    public Dictionary<string, long> ConnectRetryReasons { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> ReconnectFailures { get; } = new(StringComparer.Ordinal);

    /// <summary>Why this bot's sockets dropped early, counted when it went on to reconnect (close codes and losses apart).</summary>
    public Dictionary<string, long> Drops { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset? FirstDroppedAt { get; private set; }

    /// <summary>When this bot was last back in its district after a drop (entered again).</summary>
    public DateTimeOffset? LastBackAt { get; private set; }

    /// <summary>The longest time from a drop to being back in.</summary>
    public TimeSpan LongestOutage { get; private set; }

    /// <summary><c>say</c>s sent on a socket that dropped before they were answered: lost in flight, not refused.</summary>
    public long SaysLostInFlight { get; private set; }

    public long FramesSent { get; private set; }
    public long FramesReceived { get; private set; }
    public long Said { get; private set; }

    /// <summary>Of <see cref="Said"/>, the lines said district-wide (<see cref="BotOptions.DistrictChatShare"/>).</summary>
    public long SaidDistrictWide { get; private set; }

    /// <summary>Whispers sent, acknowledged (delivered) and received.</summary>
    public long Whispered { get; private set; }
    public long WhispersAcked { get; private set; }
    public long WhispersHeard { get; private set; }
    /// <summary>Notifications pushed to this bot (<c>notification</c> frames), and of those the stored ones.</summary>
    public long NotificationsPushed { get; private set; }
    public long NotificationsStored { get; private set; }

    /// <summary>The sum of <c>unreadNotifications</c> over this bot's welcomes.</summary>
    public long UnreadAtWelcome { get; private set; }

    /// <summary>With <see cref="BotOptions.Notifications"/>: notifications listed, and marked read (acknowledged).</summary>
    public long NotificationsListed { get; private set; }
    public long NotificationsRead { get; private set; }

    /// <summary>Stored notifications to mark read (receive loop adds, act loop sends).</summary>
    private readonly ConcurrentQueue<string> _toRead = new();

    /// <summary>The ids of the notification requests in flight, with how many ids each marks read (0 for a listing).</summary>
    private readonly ConcurrentDictionary<string, int> _inboxRequests = new(StringComparer.Ordinal);
    private volatile bool _listDue;

    /// <summary>With <see cref="BotOptions.Crews"/>: whether the bot is in a crew (from <c>welcome</c> and <c>crew</c>), crew lines said and heard.</summary>
    public bool InCrew { get; private set; }
    public long CrewLinesSaid { get; private set; }
    public long CrewLinesHeard { get; private set; }

    /// <summary>With <see cref="BotOptions.OrgChat"/>: whether the character is in an organisation (from <c>welcome</c>), org lines said and heard.</summary>
    public bool InOrg { get; private set; }
    public long OrgLinesSaid { get; private set; }
    public long OrgLinesHeard { get; private set; }
    /// <summary>When the next org line may be said (Stopwatch ticks): the org limit is 1 line per 10 s.</summary>
    private long _nextOrgLine;

    /// <summary>Crew requests the receive loop decided on (accept an invite, invite the crew's members), sent by the act loop.</summary>
    private readonly ConcurrentQueue<(string Type, string Field, string Value)> _crewTodo = new();

    /// <summary>The captain's crew name: the first bot of each four by index is a captain (<see cref="BotOptions.Crews"/>).</summary>
    private string? CaptainOf => _options.Crews && Index % 4 == 0 ? CrewNameOf(Name) : null;

    private static string CrewNameOf(string captain) =>
        "c" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(captain.ToLowerInvariant())))[..16];

    /// <summary>The other three of the captain's four (those of the run's names that exist).</summary>
    private IEnumerable<string> CrewMates() => _peers.Skip(Index + 1).Take(3);

    /// <summary>The captain's mates that joined (player ids, from <c>crew</c> and <c>crew_update</c>): the others are invited again.</summary>
    private readonly ConcurrentDictionary<string, byte> _joinedMates = new(StringComparer.Ordinal);
    public long Acked { get; private set; }
    public long Echoed { get; private set; }

    /// <summary><c>auth</c> frames sent with a refreshed access token, and the <c>ack</c>s they got.</summary>
    public long TokensSent { get; private set; }
    public long TokensAcked { get; private set; }

    public long Errors { get; private set; }
    public long InvalidFrames { get; private set; }
    public long[] ReceivedByKnownType { get; } = new long[KnownTypes.Length];
    public Dictionary<string, long> ReceivedOtherTypes { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> ErrorsByCode { get; } = new(StringComparer.Ordinal);

    /// <summary>The first few errors with the <see cref="Stopwatch"/> timestamp they arrived at.</summary>
    public List<(long At, string Text)> FirstErrors { get; } = [];

    public async Task RunAsync(CancellationToken run)
    {
        try
        {
            await RunCoreAsync(run).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A bug, not a network condition: keep the swarm going and make it visible in the report.
            var reason = $"bot failure: {e.GetType().Name}: {e.Message}";
            if (Result == Outcome.Connected)
            {
                if (!DisconnectedEarly && !_stopping && !_closing) { DisconnectedEarly = true; DisconnectReason = reason; }
            }
            else if (!run.IsCancellationRequested)
            {
                Fail(reason);
            }
        }
        finally
        {
            _ready.TrySetResult();
        }
    }

    private async Task RunCoreAsync(CancellationToken run)
    {
        if (run.IsCancellationRequested) return;

        using var abort = new CancellationTokenSource();
        _abortToken = abort.Token;
        // When the run ends the bot closes gracefully; a send stuck on a full TCP window is cancelled (which aborts the
        // socket) if it has not finished by the close timeout.
        using var stopping = run.Register(() =>
        {
            _stopping = true;
            abort.CancelAfter(_options.CloseTimeout);
        });

        if (_accounts is not null)
        {
            SignIn signIn;
            try
            {
                signIn = await _accounts.SignInAsync(Name, _password, run,
                    _options.OrgChat ? Mxo.Protocol.Orgs.Organisations.All[Index % Mxo.Protocol.Orgs.Organisations.All.Count] : null).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (run.IsCancellationRequested)
            {
                return; // still signing in when the run ended: not started
            }
            if (signIn.Grant is not { } grant)
            {
                Fail(signIn.Failure ?? "sign-in failed");
                return;
            }
            Use(grant);
        }

        using var writer = new BotFrameWriter();
        var (link, failure) = await OpenAsync(_options.Url, writer, run).ConfigureAwait(false);
        for (var attempt = 0; link is null && failure is not null && _options.RetryConnect; attempt++)
        {
            ConnectRetries++;
            Count(ConnectRetryReasons, failure);
            try
            {
                await Task.Delay(Backoff(attempt), run).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break; // the run ended: the last failure stands
            }
            (link, failure) = await OpenAsync(_options.Url, writer, run).ConfigureAwait(false);
        }
        if (link is null)
        {
            if (failure is not null) Fail(failure);
            return; // failed (recorded), or the run ended first: not started
        }

        Result = Outcome.Connected;
        _ready.TrySetResult();
        _heading = _random.NextDouble() * 2 * Math.PI;

        while (link is not null)
        {
            string? lost;
            try
            {
                if (_enteredAt is { } start) (_x, _y, _z) = (start.X, start.Y, start.Z);
                using var act = CancellationTokenSource.CreateLinkedTokenSource(run, link.Ended);
                await ActLoopAsync(link.Socket, writer, act.Token).ConfigureAwait(false);
                lost = _receiveEndedEarly ? _receiveEndReason ?? "connection lost"
                    : _sendFailedEarly ? _sendFailure ?? "send failed"
                    : null;
            }
            finally
            {
                await CloseAsync(link).ConfigureAwait(false);
            }
            if (lost is null) return;

            link = _options.ReconnectUrls.Count > 0 ? await ReconnectAsync(lost, writer, run).ConfigureAwait(false) : null;
            if (link is null)
            {
                DisconnectedEarly = true;
                DisconnectReason = lost;
            }
        }
    }

    /// <summary>The wait after the <paramref name="pass"/>th failed pass: doubling, capped, with jitter (50–100 %).</summary>
    private TimeSpan Backoff(int pass)
    {
        var backoff = Math.Min(MaxReconnectBackoff.TotalMilliseconds, FirstReconnectBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(pass, 16)));
        return TimeSpan.FromMilliseconds(backoff * (0.5 + 0.5 * _random.NextDouble()));
    }

    /// <summary>
    /// After an early drop: the says still unanswered are lost in flight; wait a random jitter (so a crowd whose edge
    /// died does not come back in one burst), then open the reconnect urls in turn, from the first, backing off after
    /// each pass, until one lets the bot identify and enter or the run ends (<c>null</c>).
    /// </summary>
    private async Task<Link?> ReconnectAsync(string lost, BotFrameWriter writer, CancellationToken run)
    {
        var droppedAt = DateTimeOffset.UtcNow;
        FirstDroppedAt ??= droppedAt;
        Count(Drops, lost);
        SaysLostInFlight += _unansweredSays.Count;
        _unansweredSays.Clear();
        _unansweredWhispers.Clear(); // their answers went to the dead socket
        _pendingSays.Clear(); // their echoes went to the dead socket

        var urls = _options.ReconnectUrls;
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_random.Next(MaxReconnectJitterMs + 1)), run).ConfigureAwait(false);
            for (var attempt = 0; ; attempt++)
            {
                var failure = await FreshTokenAsync(run).ConfigureAwait(false);
                if (failure is null)
                {
                    Link? link;
                    (link, failure) = await OpenAsync(urls[attempt % urls.Count], writer, run).ConfigureAwait(false);
                    if (link is not null)
                    {
                        var back = DateTimeOffset.UtcNow;
                        Reconnections++;
                        LastBackAt = back;
                        if (back - droppedAt > LongestOutage) LongestOutage = back - droppedAt;
                        return link;
                    }
                    if (failure is null) return null; // the run ended
                }
                ReconnectAttemptsFailed++;
                Count(ReconnectFailures, failure);

                if ((attempt + 1) % urls.Count != 0) continue; // the next url at once: this one's edge may be the dead one
                await Task.Delay(Backoff(attempt / urls.Count), run).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// The socket needs an access token that is still valid: one that expired while the bot was away (or that an
    /// upgrade refused) is renewed through the refresh path first. Returns why that failed, or <c>null</c>.
    /// </summary>
    private async Task<string?> FreshTokenAsync(CancellationToken run)
    {
        if (_accounts is null || _grant is not { } current) return null;
        if (!_tokenRefused && current.ExpiresAt - DateTimeOffset.UtcNow > _options.HandshakeTimeout) return null;
        var result = await _accounts.RefreshAsync(Name, _password, current.RefreshToken, run).ConfigureAwait(false);
        if (result.Grant is not { } fresh) return result.Failure ?? "refresh failed";
        Use(fresh);
        return null;
    }

    private void Use(TokenGrant grant)
    {
        _grant = grant;
        _tokenRefused = false;
        _refreshDue = RefreshDue(grant);
    }

    /// <summary>
    /// Opens a socket to <paramref name="url"/>, identifies (hello, or the welcome a token socket gets) and enters the
    /// district. Returns the link, or why not; both <c>null</c> when the run ended first.
    /// </summary>
    private async Task<(Link? Link, string? Failure)> OpenAsync(Uri url, BotFrameWriter writer, CancellationToken run)
    {
        var (socket, failure) = await ConnectAsync(url, run).ConfigureAwait(false);
        if (socket is null) return (null, failure);

        _receiveEndedEarly = _sendFailedEarly = _closing = false;
        _receiveEndReason = _sendFailure = _authRequestId = null;
        _enteredAt = null;
        _fighter?.Reset(Stopwatch.GetTimestamp());
        _missions?.Reset();
        _welcomed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new CancellationTokenSource();
        var link = new Link(socket, ReceiveLoopAsync(socket, ended), ended);
        try
        {
            failure = (_accounts is null
                          ? await RequestAsync(socket, link.Receive, id => writer.Hello(id, Name), "welcome", "hello", run).ConfigureAwait(false)
                          : await WaitForWelcomeAsync(link.Receive, run).ConfigureAwait(false))
                      ?? await RequestAsync(socket, link.Receive, id => writer.Enter(id, _district), "entered", "enter", run).ConfigureAwait(false);
            if (failure is null) return (link, null);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            failure = null; // the run ended during the handshake
        }
        await CloseAsync(link).ConfigureAwait(false);
        return (null, failure);
    }

    /// <summary>
    /// Opens the socket (with the bearer token when signed in). An upgrade refused with 429 or 503 is retried after
    /// its Retry-After, like the HTTP requests; other failures are final. Returns the socket, or why not; both
    /// <c>null</c> when the run ended first.
    /// </summary>
    private async Task<(ClientWebSocket? Socket, string? Failure)> ConnectAsync(Uri url, CancellationToken run)
    {
        for (var attempt = 1; ; attempt++)
        {
            var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            if (_grant is { } grant) socket.Options.SetRequestHeader("Authorization", $"Bearer {grant.Token}");
            _accounts?.CountSocketAttempt();
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(run);
                connectTimeout.CancelAfter(_options.ConnectTimeout);
                await socket.ConnectAsync(url, connectTimeout.Token).ConfigureAwait(false);
                return (socket, null);
            }
            catch (Exception) when (run.IsCancellationRequested)
            {
                socket.Dispose();
                return (null, null);
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                return (null, $"connect timed out after {_options.ConnectTimeout.TotalSeconds:0.#} s");
            }
            catch (Exception e)
            {
                var status = (int)socket.HttpStatusCode;
                var retryAfter = RetryAfter(socket.HttpResponseHeaders);
                socket.Dispose();
                if (status is 0 or 101) return (null, Describe(e));

                // A refused upgrade (401 bad token, 403 no_character, 429 rate_limited, ...) is an HTTP answer instead of 101.
                _accounts?.CountSocketRefusal(status);
                if (status == 401) _tokenRefused = true;
                if (status is not (429 or 503) || attempt >= _options.HttpAttempts) return (null, $"socket upgrade refused: {status}");
                var wait = retryAfter ?? TimeSpan.FromMilliseconds(250 * (1 << attempt));
                try
                {
                    await Task.Delay(wait < _options.MaxRetryAfter ? wait : _options.MaxRetryAfter, run).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return (null, null);
                }
            }
        }
    }

    private static TimeSpan? RetryAfter(IReadOnlyDictionary<string, IEnumerable<string>>? headers)
    {
        if (headers is null) return null;
        foreach (var (name, values) in headers)
            if (string.Equals(name, "Retry-After", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                return TimeSpan.FromSeconds(seconds);
        return null;
    }

    /// <summary>With a token the server sends <c>welcome</c> (no id) on connect; returns why it did not, or <c>null</c>.</summary>
    private async Task<string?> WaitForWelcomeAsync(Task receive, CancellationToken run)
    {
        try
        {
            await Task.WhenAny(_welcomed.Task, receive).WaitAsync(_options.HandshakeTimeout, run).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return $"no welcome within {_options.HandshakeTimeout.TotalSeconds:0.#} s";
        }
        return _welcomed.Task.IsCompleted ? null : $"closed before welcome: {_receiveEndReason ?? "connection lost"}";
    }

    /// <summary>Sends one handshake request and waits for its reply; returns why it failed, or <c>null</c>.</summary>
    private async Task<string?> RequestAsync(ClientWebSocket socket, Task receive, Func<string, ReadOnlyMemory<byte>> build,
        string expected, string what, CancellationToken run)
    {
        var id = NextId();
        var pending = new Pending(id, new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously));
        _awaiting = pending;
        try
        {
            try
            {
                await SendAsync(socket, build(id)).ConfigureAwait(false);
            }
            catch (Exception e) when (IsSocketFailure(e) && !run.IsCancellationRequested)
            {
                return $"{what} not sent: {_receiveEndReason ?? Describe(e)}";
            }

            try
            {
                await Task.WhenAny(pending.Reply.Task, receive).WaitAsync(_options.HandshakeTimeout, run).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return $"no {expected} within {_options.HandshakeTimeout.TotalSeconds:0.#} s";
            }

            if (!pending.Reply.Task.IsCompleted)
                return $"closed during {what}: {_receiveEndReason ?? "connection lost"}";
            var reply = pending.Reply.Task.Result;
            return reply.Type == expected ? null : $"{what} refused: {reply.Detail}";
        }
        finally
        {
            _awaiting = null;
        }
    }

    private async Task ActLoopAsync(ClientWebSocket socket, BotFrameWriter writer, CancellationToken token)
    {
        var moveTicks = _options.MoveHz > 0 ? (long)(Stopwatch.Frequency / _options.MoveHz) : 0;
        var chatTicks = Ticks(_options.ChatEvery);
        var stepSeconds = _options.MoveHz > 0 ? 1 / _options.MoveHz : 0;
        var now = Stopwatch.GetTimestamp();
        // Random first offsets spread the bots' sends instead of firing them in lock step. The first move comes at
        // least one interval after arrival, so it is no faster than the later ones.
        var nextMove = moveTicks > 0 ? now + moveTicks + (long)(moveTicks * _random.NextDouble()) : long.MaxValue;
        var nextChat = chatTicks > 0 ? now + (long)(chatTicks * _random.NextDouble()) : long.MaxValue;
        var whisperTicks = _peers.Count > 1 ? Ticks(_options.WhisperEvery) : 0;
        var nextWhisper = whisperTicks > 0 ? now + (long)(whisperTicks * _random.NextDouble()) : long.MaxValue;

        try
        {
            while (!token.IsCancellationRequested)
            {
                now = Stopwatch.GetTimestamp();
                var next = Math.Min(Math.Min(Math.Min(nextMove, nextChat), nextWhisper), Math.Min(_refreshDue, _fighter?.NextDue(now) ?? long.MaxValue));
                next = Math.Min(next, _missions?.NextDue(now, _x, _z) ?? long.MaxValue);
                if (next > now)
                {
                    var wait = next == long.MaxValue ? TimeSpan.FromHours(1) : Stopwatch.GetElapsedTime(now, next);
                    await _wake.WaitAsync(wait < TimeSpan.FromHours(1) ? wait : TimeSpan.FromHours(1), token).ConfigureAwait(false);
                    now = Stopwatch.GetTimestamp();
                }

                if (_missions is { } missions)
                {
                    _fighter!.Quarry = missions.Quarry(_x, _z);
                    if (missions.Decide(now, _x, _z) is { } request) await MissionAsync(socket, writer, request).ConfigureAwait(false);
                }
                if (_fighter?.Decide(now, _x, _z, _random) is { } step) await FightAsync(socket, writer, step).ConfigureAwait(false);

                if (_options.Notifications) await InboxAsync(socket, writer).ConfigureAwait(false);
                if (_offlineWhispersDue)
                {
                    _offlineWhispersDue = false;
                    await SendAsync(socket, writer.ChatSettings(NextId(), offlineWhispers: true)).ConfigureAwait(false);
                }
                while (_crewTodo.TryDequeue(out var crew))
                    await SendAsync(socket, writer.Crew(crew.Type, NextId(), crew.Field, crew.Value)).ConfigureAwait(false);
                await TeamSendAsync(socket, writer).ConfigureAwait(false);

                if (now >= nextMove)
                {
                    var plan = _fighter?.Walk() ?? default;
                    var stopShortOf = BotFighter.StopShortOf;
                    // Not held by a fight nor walking up to one: toward the mission's contact or objective, if any.
                    if (!plan.Hold && plan.TowardX is null && _missions?.Walk(_x, _z) is { } destination)
                        (plan, stopShortOf) = (new BotFighter.WalkPlan(false, destination.X, destination.Z), destination.StopWithin);
                    if (!plan.Hold && Step(stepSeconds, plan.TowardX, plan.TowardZ, stopShortOf))
                    {
                        // The frame carries coordinates rounded to 2 decimals: that is what neighbours will see.
                        if (_playerId is { } self) _witness?.Sent(self, Math.Round(_x, 2), Math.Round(_z, 2));
                        await SendAsync(socket, writer.Move(NextId(), _x, _y, _z)).ConfigureAwait(false);
                    }
                    // Paced from the end of the send: moves are never closer than 1/hz, so speed stays under MaxSpeed.
                    nextMove = Stopwatch.GetTimestamp() + moveTicks;
                }

                if (now >= nextChat)
                {
                    await SayAsync(socket, writer).ConfigureAwait(false);
                    if (InCrew) await CrewSayAsync(socket, writer).ConfigureAwait(false);
                    await TeamTickAsync(socket, writer).ConfigureAwait(false);
                    if (InOrg && now >= _nextOrgLine) await OrgSayAsync(socket, writer).ConfigureAwait(false);
                    // Mates that were not playing yet when invited (unknown_recipient) are invited again, one chat tick on.
                    if (InCrew && CaptainOf is not null)
                        foreach (var mate in CrewMates())
                            if (!_joinedMates.ContainsKey(mate.ToLowerInvariant())) CrewTodo("crew_invite", "name", mate);
                    nextChat = Stopwatch.GetTimestamp() + (long)(chatTicks * (0.8 + 0.4 * _random.NextDouble()));
                }

                if (now >= nextWhisper)
                {
                    await WhisperAsync(socket, writer).ConfigureAwait(false);
                    nextWhisper = Stopwatch.GetTimestamp() + (long)(whisperTicks * (0.8 + 0.4 * _random.NextDouble()));
                }

                if (now >= _refreshDue) await RenewTokenAsync(socket, writer, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && !_abortToken.IsCancellationRequested)
        {
            // the run ended or the connection did: a normal stop
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            if (!_stopping)
            {
                _sendFailedEarly = true;
                _sendFailure = $"send failed: {Describe(e)}";
            }
        }
    }

    /// <summary>
    /// <c>POST /auth/refresh</c> (a login if the refresh token is refused), then <c>auth</c> with the new access token.
    /// A failed refresh is retried after a quarter of the time left (1–30 s) until the token expires; after that the
    /// server closes the socket with 1008 and the bot reports an early disconnect.
    /// </summary>
    private async Task RenewTokenAsync(ClientWebSocket socket, BotFrameWriter writer, CancellationToken token)
    {
        _refreshDue = long.MaxValue;
        if (_accounts is null || _grant is not { } current) return;
        var result = await _accounts.RefreshAsync(Name, _password, current.RefreshToken, token).ConfigureAwait(false);
        if (result.Grant is { } fresh)
        {
            _grant = fresh;
            _refreshDue = RefreshDue(fresh);
            var id = NextId();
            _authRequestId = id; // before sending: the ack can never beat it
            await SendAsync(socket, writer.Auth(id, fresh.Token)).ConfigureAwait(false);
            TokensSent++;
            return;
        }

        var left = current.ExpiresAt - DateTimeOffset.UtcNow;
        if (left <= TimeSpan.Zero) return; // expired: the server closes the socket (1008)
        var retry = TimeSpan.FromTicks(Math.Clamp(left.Ticks / 4, TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond));
        _refreshDue = Stopwatch.GetTimestamp() + Ticks(retry);
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at <see cref="BotOptions.RefreshFraction"/> of the grant's remaining lifetime.</summary>
    private long RefreshDue(TokenGrant grant)
    {
        var lifetime = grant.ExpiresAt - DateTimeOffset.UtcNow;
        if (lifetime < TimeSpan.FromSeconds(1)) lifetime = TimeSpan.FromSeconds(1); // clocks apart: refresh soon, not in a loop
        return Stopwatch.GetTimestamp() + (long)(lifetime.TotalSeconds * _options.RefreshFraction * Stopwatch.Frequency);
    }

    /// <summary>Sends what the fighter decided, its id registered first so that the answer can never beat it.</summary>
    private async Task FightAsync(ClientWebSocket socket, BotFrameWriter writer, BotFighter.Step step)
    {
        var id = NextId();
        _fighter!.Sending(id, step);
        await SendAsync(socket, step.Act switch
        {
            BotFighter.Act.Engage => writer.Engage(id, step.Argument),
            BotFighter.Act.Accept => writer.DuelAnswer(id, accept: true, step.Argument),
            BotFighter.Act.Decline => writer.DuelAnswer(id, accept: false, step.Argument),
            BotFighter.Act.Tactic => writer.Tactic(id, step.Argument),
            BotFighter.Act.Ability => writer.Ability(id, step.Argument),
            _ => writer.Reconstruct(id),
        }).ConfigureAwait(false);
    }

    /// <summary>Sends what the mission logic decided, its id registered first so that the answer can never beat it.</summary>
    private async Task MissionAsync(ClientWebSocket socket, BotFrameWriter writer, BotMissions.Step step)
    {
        var id = NextId();
        _missions!.Sending(id, step, Stopwatch.GetTimestamp());
        await SendAsync(socket, step.Act switch
        {
            BotMissions.Act.List => writer.Missions(id),
            BotMissions.Act.Talk => writer.Mission("mission_talk", id, "target", step.Argument),
            BotMissions.Act.Accept => writer.Mission("mission_accept", id, "mission", step.Argument),
            BotMissions.Act.Get => writer.Mission("mission_get", id, "object", step.Argument),
            BotMissions.Act.Give => writer.MissionGive(id, step.Argument, step.Argument2),
            _ => writer.Mission("mission_abandon", id, "mission", step.Argument),
        }).ConfigureAwait(false);
    }

    private async Task SayAsync(ClientWebSocket socket, BotFrameWriter writer)
    {
        var text = ChatDelivery.Stamp($"{Phrases[_random.Next(Phrases.Length)]} #{++_sayCounter}");
        // Recorded before sending so the echo can never beat the timestamp.
        if (_pendingSays.Count < MaxPendingSays) _pendingSays[text] = Stopwatch.GetTimestamp();
        var id = NextId();
        if (_unansweredSays.Count < MaxPendingSays) _unansweredSays[id] = 0;
        var district = _options.DistrictChatShare > 0 && _random.NextDouble() < _options.DistrictChatShare;
        await SendAsync(socket, district ? writer.Chat(id, "district", text) : writer.Say(id, text)).ConfigureAwait(false);
        Said++;
        if (district) SaidDistrictWide++;
    }

    private async Task CrewSayAsync(ClientWebSocket socket, BotFrameWriter writer)
    {
        await SayOnAsync(socket, writer, "crew").ConfigureAwait(false);
        CrewLinesSaid++;
    }

    /// <summary>A line on a group channel (<c>crew</c>, <c>team</c>, <c>org</c>): its answer is awaited like a say's.</summary>
    private async Task SayOnAsync(ClientWebSocket socket, BotFrameWriter writer, string channel)
    {
        var id = NextId();
        if (_unansweredSays.Count < MaxPendingSays) _unansweredSays[id] = 0;
        await SendAsync(socket, writer.Chat(id, channel, ChatDelivery.Stamp($"{Phrases[_random.Next(Phrases.Length)]} ({channel}, from {Name})"))).ConfigureAwait(false);
    }

    private async Task OrgSayAsync(ClientWebSocket socket, BotFrameWriter writer)
    {
        await SayOnAsync(socket, writer, "org").ConfigureAwait(false);
        OrgLinesSaid++;
        // A little over the default limit (Mxo:World:ChatOrgRate, 1 per 10 s), so a bot on time is never refused.
        _nextOrgLine = Stopwatch.GetTimestamp() + (long)(10.5 * Stopwatch.Frequency);
    }

    /// <summary>With <see cref="BotOptions.OfflineWhispers"/>: the welcome said the character has not opted in yet.</summary>
    private volatile bool _offlineWhispersDue;

    /// <summary>Asks the act loop to send a crew request and wakes it.</summary>
    private void CrewTodo(string type, string field, string value)
    {
        _crewTodo.Enqueue((type, field, value));
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    /// <summary>A whisper to a random other bot of the run, by its name (it may be offline: <c>not_online</c> is counted as an error code).</summary>
    private async Task WhisperAsync(ClientWebSocket socket, BotFrameWriter writer)
    {
        var to = _peers[_random.Next(_peers.Count - 1)];
        if (to == Name) to = _peers[^1]; // drawn from all but the last: the last stands in for this bot itself
        var id = NextId();
        if (_unansweredWhispers.Count < MaxPendingSays) _unansweredWhispers[id] = 0;
        await SendAsync(socket, writer.Whisper(id, to, ChatDelivery.Stamp($"{Phrases[_random.Next(Phrases.Length)]} (from {Name})"))).ConfigureAwait(false);
        Whispered++;
    }

    /// <summary>
    /// One step of at most MaxSpeed × dt: straight toward (<paramref name="towardX"/>, <paramref name="towardZ"/>) when
    /// given, stopping <paramref name="stopShortOf"/> from it; otherwise a random walk kept within ±WanderRadius
    /// of spawn on x and z. Returns false when the bot stays where it is (already close to what it walks toward).
    /// </summary>
    private bool Step(double dt, double? towardX = null, double? towardZ = null, double stopShortOf = BotFighter.StopShortOf)
    {
        var maxStep = _options.MaxSpeed * dt;
        var step = maxStep * (0.5 + 0.5 * _random.NextDouble());
        if (towardX is { } tx && towardZ is { } tz)
        {
            var left = Math.Sqrt((tx - _x) * (tx - _x) + (tz - _z) * (tz - _z)) - stopShortOf;
            if (left <= 0) return false;
            _heading = Math.Atan2(tz - _z, tx - _x);
            step = Math.Min(step, left);
            _x += Math.Cos(_heading) * step;
            _z += Math.Sin(_heading) * step;
            return true;
        }
        var radius = _options.WanderRadius;
        var inside = Math.Abs(_x - _spawn.X) <= radius && Math.Abs(_z - _spawn.Z) <= radius;
        if (!inside)
        {
            // Started outside the area (a returning character): walk straight back, no teleport.
            _heading = Math.Atan2(_spawn.Z - _z, _spawn.X - _x);
            var distance = Math.Sqrt((_spawn.X - _x) * (_spawn.X - _x) + (_spawn.Z - _z) * (_spawn.Z - _z));
            step = Math.Min(step, distance);
        }
        else
        {
            _heading += (_random.NextDouble() - 0.5) * 0.8;
            // Near the edge, turn back towards spawn with a little noise.
            if (Math.Abs(_x - _spawn.X) > radius - 2 * maxStep || Math.Abs(_z - _spawn.Z) > radius - 2 * maxStep)
                _heading = Math.Atan2(_spawn.Z - _z, _spawn.X - _x) + (_random.NextDouble() - 0.5) * 0.6;
        }

        var x = _x + Math.Cos(_heading) * step;
        var z = _z + Math.Sin(_heading) * step;
        if (inside)
        {
            // Projection onto the box: never lengthens the step, since the old point is inside it.
            x = Math.Clamp(x, _spawn.X - radius, _spawn.X + radius);
            z = Math.Clamp(z, _spawn.Z - radius, _spawn.Z + radius);
        }
        _x = x;
        _z = z;
        return true;
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, CancellationTokenSource ended)
    {
        var small = new byte[ReceiveBufferBytes];
        var buffer = small;
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                while (true)
                {
                    if (count == buffer.Length)
                    {
                        if (buffer.Length >= WireProtocol.MaxFrameBytes)
                        {
                            FramesReceived++;
                            InvalidFrames++;
                            RecordError("frame_too_big", $"server frame over {WireProtocol.MaxFrameBytes} bytes", null);
                            EndReceive($"bot aborted: server frame over {WireProtocol.MaxFrameBytes} bytes");
                            socket.Abort();
                            return;
                        }
                        var bigger = new byte[Math.Min(buffer.Length * 2, WireProtocol.MaxFrameBytes)];
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        buffer = bigger;
                    }
                    // No token: cancelling a receive aborts the socket. The loop ends on the close handshake or abort.
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                    count += result.Count;
                    if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close) break;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    EndReceive(DescribeClose(socket.CloseStatus, socket.CloseStatusDescription));
                    return;
                }

                FramesReceived++;
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    InvalidFrames++;
                    RecordError("binary_frame", "the server sent a binary frame", null);
                }
                else
                {
                    HandleFrame(buffer.AsMemory(0, count));
                }
                buffer = small; // a large frame's buffer is dropped again
            }
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            EndReceive($"connection lost: {Describe(e)}");
        }
        finally
        {
            ended.Cancel();
        }
    }

    private void EndReceive(string reason)
    {
        _receiveEndReason = reason;
        _receiveEndedEarly = !_stopping && !_closing;
    }

    private static readonly byte[] ViewType = "view"u8.ToArray();

    /// <summary>
    /// The frame's <c>type</c> when it is the first property, read without building a document (null otherwise). Most
    /// frames a crowd receives are <c>view</c>s that only the watchers read: counting them must not cost the load
    /// generator a parse of every entry (the server writes <c>type</c> first, src/Mxo.Protocol/Wire/ServerFrames.cs).
    /// </summary>
    internal static bool IsUnreadView(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("type"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(ViewType);
        }
        catch (JsonException)
        {
            return false; // the full parse below reports it
        }
    }

    private void HandleFrame(ReadOnlyMemory<byte> utf8)
    {
        if (!_readsViews && _fighter is null && IsUnreadView(utf8.Span))
        {
            ReceivedByKnownType[ViewIndex]++;
            return;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            InvalidFrames++;
            RecordError("invalid_frame", "the server sent a frame that is not JSON", null);
            return;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeEl) || typeEl.ValueKind != JsonValueKind.String)
            {
                InvalidFrames++;
                RecordError("invalid_frame", "the server sent a frame without a string 'type'", null);
                return;
            }
            var id = root.TryGetProperty("id", out var idEl) && idEl.ValueKind == JsonValueKind.String ? idEl.GetString() : null;
            var data = root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;

            var kind = -1;
            for (var i = 0; i < KnownTypes.Length && kind < 0; i++)
                if (typeEl.ValueEquals(KnownTypes[i])) kind = i;
            if (kind < 0)
            {
                Count(ReceivedOtherTypes, typeEl.GetString()!);
                return;
            }
            ReceivedByKnownType[kind]++;

            switch (KnownTypes[kind])
            {
                case "welcome":
                    if (Property(Property(data, "player"), "id") is { ValueKind: JsonValueKind.String } pid) _playerId = pid.GetString();
                    if (_fighter is { } fighter)
                    {
                        fighter.Identify(_playerId ?? Name.ToLowerInvariant());
                        // Defeated before this socket (a reconnect): derezzed until it reconstructs, without a derezzed frame.
                        if (Property(Property(data, "player"), "health") is { ValueKind: JsonValueKind.Number } health && health.GetDouble() <= 0)
                            fighter.Derezz(Stopwatch.GetTimestamp(), counted: false);
                    }
                    // --offline-whispers: a character that has not opted in yet does, once (the setting is persisted).
                    if (_options.OfflineWhispers && Property(data, "offlineWhispers") is { ValueKind: JsonValueKind.False })
                    {
                        _offlineWhispersDue = true;
                        Wake();
                    }
                    if (Property(data, "unreadNotifications") is { ValueKind: JsonValueKind.Number } unread)
                    {
                        UnreadAtWelcome += unread.GetInt64();
                        if (_options.Notifications && unread.GetInt64() > 0)
                        {
                            _listDue = true;
                            Wake();
                        }
                    }
                    if (_options.OrgChat) InOrg = Property(data, "org") is { ValueKind: JsonValueKind.String };
                    if (_options.Crews)
                    {
                        InCrew = Property(data, "crew") is { ValueKind: JsonValueKind.Object };
                        // A captain without its crew creates it (a name taken by its own earlier run is refused: it stays out).
                        if (!InCrew && CaptainOf is { } crewName) CrewTodo("crew_create", "name", crewName);
                        // Back in its crew after a reconnect: who joined is not known here, so nobody is invited again.
                        if (InCrew && CaptainOf is not null)
                            foreach (var mate in CrewMates()) _joinedMates[mate.ToLowerInvariant()] = 0;
                    }
                    OnTeamWelcome(data);
                    _welcomed.TrySetResult();
                    Complete(id, "welcome", "");
                    break;
                case "entered":
                    if (ReadPosition(Property(data, "position")) is { } at) _enteredAt = at;
                    _fighter?.Arrived(data);
                    Complete(id, "entered", "");
                    break;
                case "chat":
                    OnChat(data);
                    break;
                case "whisper":
                    WhispersHeard++;
                    if (Property(data, "text") is { ValueKind: JsonValueKind.String } whispered) _delivery.Heard("whisper", whispered.GetString()!);
                    break;
                case "crew":
                    InCrew = true;
                    if (Property(data, "members") is { ValueKind: JsonValueKind.Array } members)
                        foreach (var member in members.EnumerateArray())
                            if (Property(member, "id") is { ValueKind: JsonValueKind.String } memberId) _joinedMates[memberId.GetString()!] = 0;
                    break;
                case "crew_update":
                    if (Property(data, "kind") is { ValueKind: JsonValueKind.String } updateKind && updateKind.ValueEquals("joined")
                        && Property(data, "player") is { ValueKind: JsonValueKind.String } joiner)
                        _joinedMates[joiner.GetString()!] = 0;
                    break;
                case "team" or "team_invite" or "team_update":
                    OnTeamFrame(KnownTypes[kind], data);
                    break;
                case "crew_invite":
                    if (_options.Crews && !InCrew && Property(data, "name") is { ValueKind: JsonValueKind.String } invitedTo)
                        CrewTodo("crew_accept", "crew", invitedTo.GetString()!);
                    break;
                case "view":
                    if (_readsViews) OnView(data);
                    _fighter?.Viewed(data);
                    break;
                case "resynced":
                    // A world node failed and the character is back: walk on from where the server has it.
                    LastResyncedAt = DateTimeOffset.UtcNow;
                    if (ReadPosition(Property(data, "position")) is { } back) (_x, _y, _z) = (back.X, back.Y, back.Z);
                    _fighter?.Arrived(data);
                    break;
                case "position_corrected":
                    // The server has us elsewhere (too fast under load, or a full district): walk on from there.
                    if (ReadPosition(Property(data, "position")) is { } corrected) (_x, _y, _z) = (corrected.X, corrected.Y, corrected.Z);
                    break;
                case "notification":
                    NotificationsPushed++;
                    if (Property(data, "id") is { ValueKind: JsonValueKind.String } stored)
                    {
                        NotificationsStored++;
                        MarkRead(stored.GetString()!);
                    }
                    break;
                case "notifications":
                    _inboxRequests.TryRemove(id ?? "", out _);
                    if (Property(data, "items") is { ValueKind: JsonValueKind.Array } items)
                        foreach (var item in items.EnumerateArray())
                        {
                            NotificationsListed++;
                            if (Property(item, "read") is { ValueKind: JsonValueKind.False } && Property(item, "id") is { ValueKind: JsonValueKind.String } listed)
                                MarkRead(listed.GetString()!);
                        }
                    break;
                case "ack":
                    if (id is not null && _inboxRequests.TryRemove(id, out var marked))
                    {
                        NotificationsRead += marked;
                        break;
                    }
                    if (_fighter?.Answered(id, null, Stopwatch.GetTimestamp()) == true) break; // not a chat ack
                    if (_missions?.Answered(id, "ack", data, null, Stopwatch.GetTimestamp()) == true) break; // nor is a mission request's
                    if (id is not null && id == _authRequestId)
                    {
                        TokensAcked++;
                        _authRequestId = null;
                    }
                    else if (id is not null && _unansweredWhispers.TryRemove(id, out _))
                        WhispersAcked++;
                    else
                    {
                        Acked++;
                        if (id is not null) _unansweredSays.TryRemove(id, out _);
                    }
                    break;
                case "error":
                    var code = Property(data, "code") is { ValueKind: JsonValueKind.String } c ? c.GetString()! : "(no code)";
                    var message = Property(data, "message") is { ValueKind: JsonValueKind.String } m ? m.GetString()! : "";
                    if (_fighter?.Answered(id, code, Stopwatch.GetTimestamp()) == true) break; // a fight refused: counted there
                    if (_missions?.Answered(id, "error", data, code, Stopwatch.GetTimestamp()) == true) break; // a mission request refused: counted there
                    if (id is not null) _inboxRequests.TryRemove(id, out _); // counted as an error below
                    RecordError(code, message, id);
                    if (id is not null && !_unansweredSays.TryRemove(id, out _)) _unansweredWhispers.TryRemove(id, out _);
                    Complete(id, "error", $"{code}: {message}");
                    break;
                case "mission_offers" or "mission_accepted" or "missions":
                    _missions?.Answered(id, KnownTypes[kind], data, null, Stopwatch.GetTimestamp());
                    break;
                case "mission_progress" or "mission_phase" or "mission_completed" or "mission_failed":
                    _missions?.Pushed(KnownTypes[kind], data, Stopwatch.GetTimestamp());
                    break;
                case "item_added" or "item_removed":
                    break; // counted above: a give is tried, not checked against the inventory (BotMissions)
                default:
                    if (_fighter is not null) OnFightFrame(KnownTypes[kind], id, data);
                    break;
            }
        }
    }

    /// <summary>The combat frames (docs/protocol.md, "Combat"): only a fighting bot reads them; the others count them.</summary>
    private void OnFightFrame(string type, string? id, JsonElement data)
    {
        var fighter = _fighter!;
        var now = Stopwatch.GetTimestamp();
        switch (type)
        {
            case "combat_started":
                fighter.Started(id, data, now);
                break;
            case "round":
                fighter.Round(data, now);
                break;
            case "combat_ended":
                fighter.Ended(data, now);
                break;
            case "fight":
                fighter.FightSeen(data, now);
                break;
            case "duel_challenge":
                fighter.Challenged(data);
                break;
            case "duel_declined":
                fighter.ChallengeDeclined(data, now);
                break;
            case "derezzed":
                fighter.Derezz(now);
                break;
            case "reconstructed":
                // Back at a hardline or the spawn: walk on from there.
                if (ReadPosition(Property(data, "position")) is { } at) (_x, _y, _z) = (at.X, at.Y, at.Z);
                fighter.Back(id, data);
                break;
        }
    }

    private void OnView(JsonElement data)
    {
        foreach (var list in (ReadOnlySpan<string>)["moved", "entered"])
        {
            if (Property(data, list) is not { ValueKind: JsonValueKind.Array } seen) continue;
            foreach (var entry in seen.EnumerateArray())
                if (Property(entry, "id") is { ValueKind: JsonValueKind.String } who && ReadPosition(Property(entry, "position")) is { } at)
                    _witness!.Seen(who.GetString()!, at.X, at.Z);
        }
    }

    private void OnChat(JsonElement data)
    {
        var channel = Property(data, "channel") is { ValueKind: JsonValueKind.String } channelEl ? channelEl.GetString()! : "say";
        if (channel == "crew") CrewLinesHeard++;
        else if (channel == "org") OrgLinesHeard++;
        OnTeamChat(data);
        var self = _playerId ?? Name.ToLowerInvariant();
        if (Property(data, "from") is not { ValueKind: JsonValueKind.String } from) return;
        if (Property(data, "text") is not { ValueKind: JsonValueKind.String } textEl) return;
        var text = textEl.GetString()!;
        if (!from.ValueEquals(self))
        {
            _delivery.Heard(channel, text);
            return;
        }
        if (_pendingSays.TryRemove(text, out var sentAt))
        {
            Echoed++;
            _latency.Record(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
        }
    }

    /// <summary>Counts <paramref name="key"/>; past <paramref name="max"/> different keys the rest count as "other".</summary>
    internal static void Count(Dictionary<string, long> counts, string key, int max = MaxOtherTypes)
    {
        if (!counts.ContainsKey(key) && counts.Count >= max) key = "other";
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    /// <summary><paramref name="span"/> in <see cref="Stopwatch"/> ticks, the unit of the bots' timestamps.</summary>
    internal static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Error codes that say a bot built a bad frame, not that the server refused what it asked: always a run error.</summary>
    internal static readonly IReadOnlySet<string> ProtocolMistakes = new HashSet<string>(StringComparer.Ordinal)
    {
        ErrorCodes.MalformedJson, ErrorCodes.UnknownType, ErrorCodes.MissingField, ErrorCodes.InvalidField,
        ErrorCodes.UnsupportedVersion, ErrorCodes.NotIdentified,
    };

    private void Complete(string? id, string type, string detail)
    {
        if (id is not null && _awaiting is { } pending && pending.Id == id)
            pending.Reply.TrySetResult(new Reply(type, detail));
    }

    private void RecordError(string code, string message, string? id)
    {
        Errors++;
        ErrorsByCode[code] = ErrorsByCode.GetValueOrDefault(code) + 1;
        if (FirstErrors.Count < MaxFirstErrors)
            FirstErrors.Add((Stopwatch.GetTimestamp(), id is null ? $"{Name}: {code}: {message}" : $"{Name}: {code}: {message} (id {id})"));
    }

    /// <summary>With <see cref="BotOptions.Notifications"/>: queues a stored notification to mark read (the act loop sends it).</summary>
    private void MarkRead(string id)
    {
        if (!_options.Notifications) return;
        _toRead.Enqueue(id);
        Wake();
    }

    /// <summary>The inbox work the receive loop queued: the listing a welcome asked for, then what to mark read, 100 ids a frame.</summary>
    private async Task InboxAsync(ClientWebSocket socket, BotFrameWriter writer)
    {
        if (_listDue)
        {
            _listDue = false;
            var list = NextId();
            _inboxRequests[list] = 0;
            await SendAsync(socket, writer.Notifications(list)).ConfigureAwait(false);
        }
        var ids = new List<string>();
        while (ids.Count < 100 && _toRead.TryDequeue(out var one))
            if (!ids.Contains(one)) ids.Add(one);
        if (ids.Count == 0) return;
        var read = NextId();
        _inboxRequests[read] = ids.Count;
        await SendAsync(socket, writer.NotificationRead(read, ids)).ConfigureAwait(false);
    }

    private async Task SendAsync(ClientWebSocket socket, ReadOnlyMemory<byte> frame)
    {
        await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, _abortToken).ConfigureAwait(false);
        FramesSent++;
    }

    /// <summary>
    /// Graceful close (NormalClosure, bounded by CloseTimeout), abort otherwise; waits for the receive loop, then
    /// disposes the link.
    /// </summary>
    private async Task CloseAsync(Link link)
    {
        _closing = true;
        var (socket, receive) = (link.Socket, link.Receive);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(_options.CloseTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bot done", timeout.Token).ConfigureAwait(false);
            }
            await receive.WaitAsync(_options.CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (IsSocketFailure(e) || e is TimeoutException)
        {
            // the server went away or did not answer the close: abort below
        }
        if (!receive.IsCompleted) socket.Abort();
        await receive.ConfigureAwait(false); // never throws: the loop catches socket failures
        link.Dispose();
    }

    private void Fail(string reason)
    {
        Result = Outcome.FailedToConnect;
        FailureReason = reason;
    }

    private string NextId() => $"{Index}-{++_requestCounter}";

    internal static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    internal static Vec3? ReadPosition(JsonElement p) =>
        Property(p, "x").ValueKind == JsonValueKind.Number
        && Property(p, "y").ValueKind == JsonValueKind.Number
        && Property(p, "z").ValueKind == JsonValueKind.Number
            ? new Vec3(Property(p, "x").GetDouble(), Property(p, "y").GetDouble(), Property(p, "z").GetDouble())
            : null;

    private static bool IsSocketFailure(Exception e) =>
        e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException
            or IOException or HttpRequestException;

    internal static string Describe(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return ReferenceEquals(inner, e) || inner.Message == e.Message ? e.Message : $"{e.Message} ({inner.Message})";
    }

    internal static string DescribeClose(WebSocketCloseStatus? status, string? description)
    {
        if (status is not { } s) return "closed without a status";
        var name = (int)s switch
        {
            1000 => "normal closure",
            1001 => "going away",
            1002 => "protocol error",
            1003 => "unsupported data",
            1008 => "policy violation",
            1009 => "message too big",
            1011 => "internal error",
            1013 => "try again later",
            _ => s.ToString(),
        };
        var text = $"{(int)s} {name}";
        return string.IsNullOrWhiteSpace(description) ? text : $"{text} \"{description}\"";
    }

    private sealed record Pending(string Id, TaskCompletionSource<Reply> Reply);

    /// <summary>One socket and its receive loop; <see cref="Ended"/> is cancelled when the loop ends.</summary>
    private sealed class Link(ClientWebSocket socket, Task receive, CancellationTokenSource ended) : IDisposable
    {
        public ClientWebSocket Socket => socket;
        public Task Receive => receive;
        public CancellationToken Ended => ended.Token;

        public void Dispose()
        {
            socket.Dispose();
            ended.Dispose();
        }
    }

    private sealed record Reply(string Type, string Detail);
}

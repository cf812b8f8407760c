using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.World;

namespace Mxo.Bots;

/// <summary>
/// What a <see cref="BotSwarm"/> does: how many bots, where they connect, how long they stay and how busy they are.
/// Defaults match the <c>bots</c> command's defaults.
/// </summary>
public sealed record BotOptions
{
    public const int MaxCount = 100_000;
    public const double MaxMoveHz = 100;

    /// <summary>Movement stays below this many units per second; the server enforces 20.</summary>
    public const double MaxAllowedSpeed = 20;

    public static readonly Uri DefaultUrl = new("ws://127.0.0.1:5080/ws");

    /// <summary>How many bots (WebSocket connections) to run.</summary>
    public int Count { get; init; } = 50;

    /// <summary>The node's WebSocket endpoint (<c>ws://</c> or <c>wss://</c>).</summary>
    public Uri Url { get; init; } = DefaultUrl;

    /// <summary>
    /// Where a bot goes when its socket drops early (its edge node died): tried in turn from the first, with a short
    /// backoff after each pass through the list, until the run ends. Empty (the default): a bot whose socket drops
    /// stays disconnected.
    /// </summary>
    public IReadOnlyList<Uri> ReconnectUrls { get; init; } = [];

    /// <summary>
    /// A first connect that fails (timed out, refused, no <c>welcome</c>) is tried again with the reconnect backoff
    /// (doubling from 0.25 s to 4 s, with jitter) until it succeeds or the run ends, as a real client does when a whole
    /// crowd comes back at once after an edge restart. Off (the default): a failed connect is final and reported.
    /// </summary>
    public bool RetryConnect { get; init; }

    /// <summary>
    /// The development flow: no accounts, open the socket without a token and send <c>hello</c> (only a node started
    /// with <c>--dev</c> accepts it). Otherwise each bot registers, logs in, creates its character and opens the
    /// socket with a bearer token.
    /// </summary>
    public bool Hello { get; init; }

    /// <summary>The HTTP API's base url; <c>null</c> derives it from <see cref="Url"/> (see <see cref="HttpBaseUrl"/>).</summary>
    public Uri? HttpUrl { get; init; }

    /// <summary>Every bot account's password; <c>null</c> draws a random one per run.</summary>
    public string? Password { get; init; }

    /// <summary>A bot refreshes its access token (and sends <c>auth</c>) after this fraction of its lifetime.</summary>
    public double RefreshFraction { get; init; } = 0.8;

    /// <summary>How long one HTTP request may take (a login queues behind other PBKDF2 checks on a busy node).</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per HTTP request when the node answers 429/423/503 with a Retry-After (each attempt counts).</summary>
    public int HttpAttempts { get; init; } = 5;

    /// <summary>A Retry-After longer than this is cut to it.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The HTTP API's base url: <see cref="HttpUrl"/>, or <see cref="Url"/> with ws→http, wss→https, path "/".</summary>
    public Uri HttpBaseUrl => HttpUrl ?? DeriveHttpUrl(Url);

    /// <summary>ws://host:port/anything → http://host:port/ (wss → https).</summary>
    public static Uri DeriveHttpUrl(Uri socketUrl)
    {
        ArgumentNullException.ThrowIfNull(socketUrl);
        var builder = new UriBuilder(socketUrl)
        {
            Scheme = socketUrl.Scheme == "wss" ? Uri.UriSchemeHttps : Uri.UriSchemeHttp,
            Port = socketUrl.Port, // keep the (default) port of the socket url: ws 80 → http 80, wss 443 → https 443
            Path = "/",
            Query = "",
            Fragment = "",
        };
        return builder.Uri;
    }

    /// <summary>How long the bots stay once the swarm starts; <c>null</c> runs until the token is cancelled.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The district every bot enters (an id in <see cref="MapFile"/>).</summary>
    public string District { get; init; } = "downtown";

    /// <summary>The world map the bots walk in: the node's own file beside the binary unless another is given.</summary>
    public string MapFile { get; init; } = WorldMap.DefaultPath;

    /// <summary>The district the bots enter, from <see cref="MapFile"/>; null when the map has no such district.</summary>
    public DistrictInfo? FindDistrict() => WorldMap.Load(MapFile).Find(District)?.ToInfo();

    /// <summary>Moves per second per bot; 0 disables walking.</summary>
    public double MoveHz { get; init; } = 5;

    /// <summary>Mean interval between a bot's chat lines (jittered ±20%); <see cref="TimeSpan.Zero"/> disables chat.</summary>
    public TimeSpan ChatEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The share (0–1) of a bot's chat lines said district-wide (<c>chat</c> on channel <c>district</c>) instead of
    /// nearby (<c>say</c>). The server takes one district line per 10 s per character: with the default
    /// <see cref="ChatEvery"/> a share of 0.5 or more meets <c>rate_limited</c> now and then.
    /// </summary>
    public double DistrictChatShare { get; init; }

    /// <summary>
    /// Bots form crews of four (the first of each four by index is the captain: it creates the crew and invites the
    /// other three, who accept) and each member says a crew line (<c>chat</c> on <c>crew</c>) with every chat line.
    /// </summary>
    public bool Crews { get; init; }

    /// <summary>
    /// Bots form teams of three (the first of each three by index leads: its invites form the team, the other two
    /// accept) and each member says a team line (<c>chat</c> on <c>team</c>) with every chat line.
    /// </summary>
    public bool Teams { get; init; }

    /// <summary>
    /// Bots signing in with accounts create their characters in an organisation (zion, machines, merovingian in turn, by
    /// index) and say an org line (<c>chat</c> on <c>org</c>) with a chat line, at most one per 10 s (the org limit).
    /// Characters created by an earlier run without one, and <c>--hello</c> bots, have none and say no org lines.
    /// </summary>
    public bool OrgChat { get; init; }

    /// <summary>Mean interval (±20 %) between a bot's whispers to a random other bot of the run, by name; <see cref="TimeSpan.Zero"/> (the default) disables them.</summary>
    public TimeSpan WhisperEvery { get; init; } = TimeSpan.Zero;

    /// <summary>Bot names are <c>{prefix}-{run tag}-{index}</c>.</summary>
    public string NamePrefix { get; init; } = "bot";

    /// <summary>Spread connection starts evenly over this time; <c>null</c> connects in batches of <see cref="ConnectBatchSize"/>.</summary>
    public TimeSpan? Ramp { get; init; }

    /// <summary>
    /// Move-to-neighbour samples taken in this first part of the run are not counted (connecting and entering are
    /// done, the node's code is compiled), so the figure is the steady state's; <c>null</c> counts from the start.
    /// </summary>
    public TimeSpan? Warmup { get; init; }

    /// <summary>Without a ramp, this many bots connect concurrently; the next batch starts when the previous one is in (or failed).</summary>
    public int ConnectBatchSize { get; init; } = 10;

    /// <summary>
    /// How many bots (the first ones) read the view frames they get, to measure move-to-neighbour latency; the others
    /// only count them. Reading every view in every bot costs the load generator O(bots²) parsing per tick and made it
    /// the bottleneck of crowd runs; a sample of viewers measures the same latency.
    /// </summary>
    public int Watchers { get; init; } = 20;

    /// <summary>Top walking speed in units per second (each step is between half and all of it).</summary>
    public double MaxSpeed { get; init; } = 15;

    /// <summary>Bots stay within ± this many units of the district spawn point on each horizontal axis.</summary>
    public double WanderRadius { get; init; } = 200;

    /// <summary>
    /// Bots fight (<c>--fight</c>): engage NPCs and each other, answer duel challenges, use tactics and abilities in
    /// their fights and reconstruct when derezzed (<see cref="BotFighter"/>). Off: they only walk and chat.
    /// </summary>
    public bool Fight { get; init; }

    /// <summary>
    /// Bots work their inboxes (<c>--notifications</c>): list the newest page after each welcome and mark read what they
    /// listed unread and what they are pushed. Without it they only count the notifications pushed to them.
    /// </summary>
    public bool Notifications { get; init; }

    /// <summary>Bots opt in to offline whispers (<c>--offline-whispers</c>): whispers to a bot that is offline become notifications.</summary>
    public bool OfflineWhispers { get; init; }

    /// <summary>
    /// Bots play missions (<c>--missions</c>): each walks to a contact of its district (<c>GET /world/contacts</c>), takes
    /// an offer and plays its objectives, fighting the NPCs a mission wants (<see cref="BotMissions"/>), until the run ends.
    /// </summary>
    public bool Missions { get; init; }

    /// <summary>With <see cref="Missions"/>: the run ends once the bots have completed this many missions; 0 (the default) never.</summary>
    public int StopAfterMissions { get; init; }

    /// <summary>With <see cref="Fight"/>: how often (±20 %) a bot out of a fight looks for someone to engage.</summary>
    public TimeSpan FightEvery { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>With <see cref="Fight"/>: the chance that a bot free to fight accepts a duel challenge (it declines otherwise).</summary>
    public double DuelAcceptChance { get; init; } = 0.9;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a bot waits for <c>welcome</c> and for <c>entered</c>.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a graceful close may take before the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Seed of the bots' random walks, chat timing and (when <see cref="RunTag"/> is not set) run tag; <c>null</c> picks one.</summary>
    public int? Seed { get; init; }

    /// <summary>The run tag in bot names (1–8 ASCII letters or digits); <c>null</c> draws a random 4-character tag.</summary>
    public string? RunTag { get; init; }

    /// <summary>An absolute ws:// or wss:// url.</summary>
    public static bool IsSocketUrl(Uri? url) => url is not null && url.IsAbsoluteUri && url.Scheme is "ws" or "wss";

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Count < 1 || Count > MaxCount) problems.Add($"--count must be between 1 and {MaxCount}");
        if (!IsSocketUrl(Url))
            problems.Add("--url must be an absolute ws:// or wss:// url");
        if (ReconnectUrls is null || !ReconnectUrls.All(IsSocketUrl))
            problems.Add("--reconnect-url must be absolute ws:// or wss:// urls");
        if (Duration is { } d && d <= TimeSpan.Zero) problems.Add("--duration must be positive");
        var map = WorldMap.Load(MapFile);
        if (map.Find(District) is null)
            problems.Add($"--district must be one of {string.Join(", ", map.All.Select(x => x.Id.Value))}");
        if (!double.IsFinite(MoveHz) || MoveHz < 0 || MoveHz > MaxMoveHz) problems.Add($"--move-hz must be between 0 and {MaxMoveHz}");
        if (ChatEvery < TimeSpan.Zero) problems.Add("--chat-every must not be negative");
        if (!double.IsFinite(DistrictChatShare) || DistrictChatShare is < 0 or > 1) problems.Add("--district-chat must be between 0 and 1");
        if (WhisperEvery < TimeSpan.Zero) problems.Add("--whisper-every must not be negative");
        if (WhisperEvery > TimeSpan.Zero && Count < 2) problems.Add("--whisper-every needs at least two bots (--count)");
        if (Ramp is { } r && r < TimeSpan.Zero) problems.Add("--ramp must not be negative");
        if (Warmup is { } w && (w < TimeSpan.Zero || Duration is { } total && w >= total))
            problems.Add("--warmup must not be negative and must be shorter than --duration");
        if (ConnectBatchSize < 1) problems.Add("connect batch size must be at least 1");
        if (Watchers < 0) problems.Add("--watchers must not be negative");
        if (FightEvery <= TimeSpan.Zero) problems.Add("--fight-every must be positive");
        if (Missions && MoveHz <= 0) problems.Add("--missions needs walking (--move-hz above 0)");
        if (StopAfterMissions < 0) problems.Add("--stop-after-missions must not be negative");
        if (StopAfterMissions > 0 && !Missions) problems.Add("--stop-after-missions needs --missions");
        if (!double.IsFinite(DuelAcceptChance) || DuelAcceptChance is < 0 or > 1) problems.Add("duel accept chance must be between 0 and 1");
        if (!double.IsFinite(MaxSpeed) || MaxSpeed <= 0 || MaxSpeed > MaxAllowedSpeed)
            problems.Add($"max speed must be above 0 and at most {MaxAllowedSpeed} units/s");
        if (!double.IsFinite(WanderRadius) || WanderRadius <= 0) problems.Add("wander radius must be positive");
        if (ConnectTimeout <= TimeSpan.Zero || HandshakeTimeout <= TimeSpan.Zero || CloseTimeout <= TimeSpan.Zero)
            problems.Add("timeouts must be positive");
        if (HttpUrl is not null && (!HttpUrl.IsAbsoluteUri || (HttpUrl.Scheme != Uri.UriSchemeHttp && HttpUrl.Scheme != Uri.UriSchemeHttps)))
            problems.Add("--http must be an absolute http:// or https:// url");
        if (Password is not null && AccountRules.ValidatePassword(Password) is { } passwordProblem)
            problems.Add($"--password: {passwordProblem}");
        if (!double.IsFinite(RefreshFraction) || RefreshFraction <= 0 || RefreshFraction >= 1)
            problems.Add("refresh fraction must be between 0 and 1");
        if (HttpTimeout <= TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero) problems.Add("HTTP timeouts must be positive");
        if (HttpAttempts < 1) problems.Add("HTTP attempts must be at least 1");
        if (RunTag is not null && (RunTag.Length is < 1 or > 8 || !RunTag.All(char.IsAsciiLetterOrDigit)))
            problems.Add("--run-tag must be 1-8 ASCII letters or digits");

        var prefixProblem = BotNames.ValidatePrefix(NamePrefix, RunTag?.Length ?? BotNames.DefaultTagLength, Math.Max(Count, 1));
        if (prefixProblem is not null) problems.Add(prefixProblem);
        return problems;
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Mxo.Bots;

/// <summary>An access token as the HTTP API hands it out (the token response of docs/protocol.md).</summary>
internal sealed record TokenGrant(
    string Token,
    string RefreshToken,
    DateTimeOffset ExpiresAt,
    string? PlayerId,
    IReadOnlyList<string> Characters);

/// <summary>What <see cref="BotAccounts.SignInAsync"/> got: a grant for the character, or why not.</summary>
internal sealed record SignIn(TokenGrant? Grant, string? Failure);

/// <summary>
/// HTTP statistics shared by a swarm's bots: requests per endpoint, failures per "endpoint status code" (or
/// "endpoint connection error"), successful-login latency. Thread-safe.
/// </summary>
internal sealed class BotHttpStats
{
    public ConcurrentDictionary<string, long> Requests { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);
    public LatencyHistogram LoginLatency { get; } = new();

    /// <summary>Register answers 409 name_taken: the account existed from an earlier run.</summary>
    public long ExistingAccounts;

    /// <summary>Access tokens renewed through <c>/auth/refresh</c>.</summary>
    public long Refreshes;

    public void Count(string endpoint) => Requests.AddOrUpdate(endpoint, 1, (_, n) => n + 1);

    public void Fail(string key) => Failures.AddOrUpdate(key, 1, (_, n) => n + 1);
}

/// <summary>
/// The bots' HTTP client for <c>/auth/*</c> and <c>/characters</c> (docs/protocol.md, "HTTP API"). One per swarm,
/// shared by every bot. Never throws for network conditions or refusals: they come back as a failure text and are
/// counted in <see cref="BotHttpStats"/>. Only cancellation of the caller's token throws.
/// </summary>
internal sealed class BotAccounts : IDisposable
{
    private readonly HttpClient _http;
    private readonly BotOptions _options;
    private readonly BotHttpStats _stats;

    public BotAccounts(BotOptions options, BotHttpStats stats)
    {
        _options = options;
        _stats = stats;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        _http = new HttpClient(handler) { BaseAddress = options.HttpBaseUrl, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// register (201, or 409 name_taken: an account from an earlier run) → login → create the character if the account
    /// has none (409 name_taken is fine when it is listed as ours) → login with the character. An existing account
    /// first tries the login with the character directly (one PBKDF2 check instead of two).
    /// </summary>
    /// <param name="org">The organisation a character created now joins (<c>--org-chat</c>); null for none.</param>
    public async Task<SignIn> SignInAsync(string name, string password, CancellationToken ct, string? org = null)
    {
        var register = await SendAsync("register", HttpMethod.Post, "auth/register", null, ct,
            ("username", name), ("password", password)).ConfigureAwait(false);
        if (register.Status == HttpStatusCode.Conflict && register.Code == "name_taken")
        {
            Interlocked.Increment(ref _stats.ExistingAccounts);
            var direct = await LoginAsync(name, password, name, ct, unknownCharacterIsFine: true).ConfigureAwait(false);
            if (direct.Grant is not null || direct.Answer.Status != HttpStatusCode.NotFound) return direct.SignIn("login");
        }
        else if (register.Status != HttpStatusCode.Created)
        {
            return Failed("register", register);
        }

        var first = await LoginAsync(name, password, null, ct).ConfigureAwait(false);
        if (first.Grant is not { } grant) return first.SignIn("login");

        var character = grant.Characters.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase))
                        ?? grant.Characters.FirstOrDefault();
        if (character is null)
        {
            var create = await SendAsync("characters", HttpMethod.Post, "characters", grant.Token, ct,
                org is null ? [("name", name)] : [("name", name), ("org", org)]).ConfigureAwait(false);
            if (create.Status == HttpStatusCode.Conflict && create.Code == "name_taken")
            {
                // Ours if the account lists it (a lost reply to an earlier create), someone else's otherwise.
                var list = await SendAsync("characters", HttpMethod.Get, "characters", grant.Token, ct).ConfigureAwait(false);
                if (list.Status != HttpStatusCode.OK) return Failed("list characters", list);
                if (!ListedNames(list.Body).Contains(name, StringComparer.OrdinalIgnoreCase))
                    return new SignIn(null, "create character: name_taken by another account");
            }
            else if (create.Status != HttpStatusCode.Created)
            {
                return Failed("create character", create);
            }
            character = name;
        }

        return (await LoginAsync(name, password, character, ct).ConfigureAwait(false)).SignIn("login");
    }

    /// <summary>A new grant for the same character from <c>/auth/refresh</c>; falls back to a login when the refresh
    /// token is refused (401).</summary>
    public async Task<SignIn> RefreshAsync(string name, string password, string refreshToken, CancellationToken ct)
    {
        var answer = await SendAsync("refresh", HttpMethod.Post, "auth/refresh", null, ct,
            ("refresh_token", refreshToken), ("character", name)).ConfigureAwait(false);
        if (answer.Status == HttpStatusCode.OK && ReadGrant(answer.Body) is { } grant)
        {
            Interlocked.Increment(ref _stats.Refreshes);
            return new SignIn(grant, null);
        }
        if (answer.Status == HttpStatusCode.Unauthorized)
            return (await LoginAsync(name, password, name, ct).ConfigureAwait(false)).SignIn("login");
        return Failed("refresh", answer);
    }

    /// <summary>A socket upgrade is an HTTP request too: counted as endpoint "socket".</summary>
    public void CountSocketAttempt() => _stats.Count("socket");

    /// <summary>An upgrade answered with <paramref name="status"/> instead of 101 (its body is not readable).</summary>
    public void CountSocketRefusal(int status) => _stats.Fail($"socket {status.ToString(CultureInfo.InvariantCulture)}");

    public void Dispose() => _http.Dispose();

    private async Task<LoginResult> LoginAsync(string name, string password, string? character, CancellationToken ct,
        bool unknownCharacterIsFine = false)
    {
        var fields = character is null
            ? new[] { ("username", name), ("password", password) }
            : [("username", name), ("password", password), ("character", character)];
        var answer = await SendWithRetryAsync("login", HttpMethod.Post, "auth/login", null, ct,
            unknownCharacterIsFine ? "unknown_character" : null, fields).ConfigureAwait(false);
        if (answer.Status != HttpStatusCode.OK) return new LoginResult(null, answer);
        _stats.LoginLatency.Record(answer.Elapsed.TotalMilliseconds);
        var grant = ReadGrant(answer.Body);
        if (grant is null) _stats.Fail("login 200 unreadable_token_response");
        else if (character is not null && grant.PlayerId is null) _stats.Fail("login 200 no_player_id");
        return new LoginResult(character is not null && grant?.PlayerId is null ? null : grant, answer);
    }

    private Task<Answer> SendAsync(string endpoint, HttpMethod method, string path, string? bearer, CancellationToken ct,
        params (string Name, string Value)[] fields) =>
        SendWithRetryAsync(endpoint, method, path, bearer, ct, null, fields);

    /// <summary>
    /// One request, retried (up to <see cref="BotOptions.HttpAttempts"/>) when the node says "later": 429, 423 or 503,
    /// after its Retry-After. Every non-success answer except the expected ones is counted as a failure.
    /// </summary>
    private async Task<Answer> SendWithRetryAsync(string endpoint, HttpMethod method, string path, string? bearer, CancellationToken ct,
        string? expectedCode, (string Name, string Value)[] fields)
    {
        byte[]? body = fields.Length == 0 ? null : Json(fields);
        Answer answer = default;
        for (var attempt = 1; attempt <= _options.HttpAttempts; attempt++)
        {
            answer = await SendOnceAsync(endpoint, method, path, bearer, body, ct).ConfigureAwait(false);
            var status = (int)answer.Status;
            if (status is >= 200 and < 300) return answer;
            var expected = (answer.Status == HttpStatusCode.Conflict && answer.Code == "name_taken" && endpoint is "register" or "characters")
                           || (expectedCode is not null && answer.Code == expectedCode);
            if (expected) return answer;
            _stats.Fail(answer.Status == 0 ? $"{endpoint} {answer.Code}" : $"{endpoint} {status} {answer.Code ?? "(no code)"}");

            if (status is not (429 or 423 or 503) || attempt == _options.HttpAttempts) break;
            var wait = answer.RetryAfter ?? TimeSpan.FromMilliseconds(250 * (1 << attempt));
            if (wait > _options.MaxRetryAfter) wait = _options.MaxRetryAfter;
            await Task.Delay(wait, ct).ConfigureAwait(false);
        }
        return answer;
    }

    private async Task<Answer> SendOnceAsync(string endpoint, HttpMethod method, string path, string? bearer, byte[]? body, CancellationToken ct)
    {
        _stats.Count(endpoint);
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.HttpTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            string? code = null, message = null;
            if (!response.IsSuccessStatusCode) (code, message) = ReadError(bytes);
            return new Answer(response.StatusCode, code, message, bytes, elapsed, RetryAfter(response));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return Answer.Unreachable("timeout", $"no answer within {_options.HttpTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return Answer.Unreachable(ErrorCode(e), Bot.Describe(e));
        }
        catch (IOException e)
        {
            return Answer.Unreachable("io_error", Bot.Describe(e));
        }
    }

    private static SignIn Failed(string step, Answer answer) => new(null, answer.Describe(step));

    /// <summary>A stable short code for a request that got no HTTP answer, e.g. <c>connection_refused</c>.</summary>
    private static string ErrorCode(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket)
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection_refused",
                    SocketError.ConnectionReset => "connection_reset",
                    SocketError.TimedOut => "timeout",
                    SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "name_resolution_error",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "unreachable",
                    var other => Snake(other.ToString()),
                };
        return e.HttpRequestError == HttpRequestError.Unknown ? "request_failed" : Snake(e.HttpRequestError.ToString());
    }

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retry) return null;
        if (retry.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (retry.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private static byte[] Json((string Name, string Value)[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields) writer.WriteString(name, value);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static (string? Code, string? Message) ReadError(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null);
            return (String(root, "error"), String(root, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>The token response, or <c>null</c> when it lacks token, refresh_token or a readable expires_at.</summary>
    internal static TokenGrant? ReadGrant(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || String(root, "token") is not { Length: > 0 } token
                || String(root, "refresh_token") is not { Length: > 0 } refresh
                || String(root, "expires_at") is not { } expiresText
                || !DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiresAt))
                return null;
            var characters = new List<string>();
            if (root.TryGetProperty("characters", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var c in list.EnumerateArray())
                    if (c.ValueKind == JsonValueKind.String) characters.Add(c.GetString()!);
                    else if (c.ValueKind == JsonValueKind.Object && String(c, "name") is { } n) characters.Add(n);
            return new TokenGrant(token, refresh, expiresAt, String(root, "player_id"), characters);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Names from <c>{"characters": [{"id","name"}]}</c>.</summary>
    private static List<string> ListedNames(byte[] body)
    {
        var names = new List<string>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("characters", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var c in list.EnumerateArray())
                    if (c.ValueKind == JsonValueKind.Object && String(c, "name") is { } n) names.Add(n);
                    else if (c.ValueKind == JsonValueKind.String) names.Add(c.GetString()!);
        }
        catch (JsonException)
        {
            // unreadable: no names
        }
        return names;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An HTTP answer (<see cref="Status"/> 0: none, <see cref="Code"/> says why).</summary>
    private readonly record struct Answer(HttpStatusCode Status, string? Code, string? Message, byte[] Body, TimeSpan Elapsed, TimeSpan? RetryAfter)
    {
        public static Answer Unreachable(string code, string message) => new(0, code, message, [], TimeSpan.Zero, null);

        public string Describe(string step) => Status == 0
            ? $"{step}: {Code} ({Message})"
            : $"{step}: {(int)Status} {Code ?? "(no code)"}";
    }

    private sealed record LoginResult(TokenGrant? Grant, Answer Answer)
    {
        public SignIn SignIn(string step) =>
            Grant is not null ? new SignIn(Grant, null)
            : Answer.Status == HttpStatusCode.OK ? new SignIn(null, $"{step}: 200 without a usable token (no player_id?)")
            : new SignIn(null, Answer.Describe(step));
    }
}

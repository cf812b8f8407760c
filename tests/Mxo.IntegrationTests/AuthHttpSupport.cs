using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mxo.Edge.Auth;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>One HTTP answer: status, parsed JSON body (or Undefined), headers.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)
{
    public string? Error => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("error", out var e) ? e.GetString() : null;

    public string? RetryAfter => Response.Headers.TryGetValues("Retry-After", out var v) ? v.Single() : null;

    public string Str(string name) => Body.GetProperty(name).GetString()!;

    /// <summary>Asserts an error answer: the status, the code, a non-empty message and only those two fields.</summary>
    public ApiAnswer AssertError(HttpStatusCode status, string code)
    {
        Assert.True(Status == status, $"expected {(int)status} {code}, got {(int)Status} {Body}");
        Assert.Equal(code, Error);
        Assert.False(string.IsNullOrWhiteSpace(Body.GetProperty("message").GetString()));
        Assert.Equal(2, Body.EnumerateObject().Count());
        Assert.StartsWith("application/json", Response.Content.Headers.ContentType?.ToString());
        return this;
    }

    public ApiAnswer AssertStatus(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status}, got {(int)Status} {Body}");
        return this;
    }
}

/// <summary>A real HttpClient against a node's HTTP API.</summary>
public sealed class AuthClient(Uri baseAddress, IPAddress? from = null) : IDisposable
{
    public const string Password = "correct horse battery";

    private readonly HttpClient _http = new(Handler(from)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Connects from <paramref name="from"/> when given (e.g. 127.0.0.2: Linux routes all of 127.0.0.0/8 to loopback),
    /// so one test can be several client addresses to a node listening on 127.0.0.1.
    /// </summary>
    private static SocketsHttpHandler Handler(IPAddress? from) => from is null
        ? new SocketsHttpHandler()
        : new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancel);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

    public static string UniqueName(string prefix = "u") => prefix + Guid.NewGuid().ToString("N")[..10];

    public static string Json(params (string Key, object? Value)[] fields)
    {
        var dict = fields.ToDictionary(f => f.Key, f => f.Value);
        return JsonSerializer.Serialize(dict);
    }

    public Task<ApiAnswer> PostAsync(string path, string json, string? bearer = null, string contentType = "application/json",
        string? origin = null) =>
        SendAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, contentType), bearer, origin);

    public Task<ApiAnswer> GetAsync(string path, string? bearer = null, string? origin = null) =>
        SendAsync(HttpMethod.Get, path, null, bearer, origin);

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, HttpContent? content, string? bearer = null,
        string? origin = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (origin is not null) request.Headers.Add("Origin", origin);
        configure?.Invoke(request);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new ApiAnswer(response.StatusCode, body, response);
    }

    public Task<ApiAnswer> RegisterAsync(string username, string password = Password) =>
        PostAsync("/auth/register", Json(("username", username), ("password", password)));

    public Task<ApiAnswer> LoginAsync(string username, string password = Password, string? character = null) =>
        PostAsync("/auth/login", character is null
            ? Json(("username", username), ("password", password))
            : Json(("username", username), ("password", password), ("character", character)));

    public Task<ApiAnswer> RefreshAsync(string refreshToken, string? character = null) =>
        PostAsync("/auth/refresh", character is null
            ? Json(("refresh_token", refreshToken))
            : Json(("refresh_token", refreshToken), ("character", character)));

    /// <summary>Registers and logs in; returns the token response.</summary>
    public async Task<ApiAnswer> NewAccountAsync(string username)
    {
        (await RegisterAsync(username)).AssertStatus(HttpStatusCode.Created);
        return (await LoginAsync(username)).AssertStatus(HttpStatusCode.OK);
    }

    /// <summary>The name was never registered: registering it now succeeds.</summary>
    public async Task AssertNameFreeAsync(string username) =>
        (await RegisterAsync(username)).AssertStatus(HttpStatusCode.Created);

    public void Dispose() => _http.Dispose();
}

/// <summary>A clock shifted from the real one, to issue tokens that are expired or not valid yet.</summary>
public sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

public static class TestTokens
{
    /// <summary>A token service like the test node's (same key unless given), e.g. with another clock, issuer or audience.</summary>
    public static TokenService Service(string? key = null, string issuer = "mxo", string audience = "mxo-players",
        TimeProvider? clock = null) =>
        new(new JwtOptions { SigningKey = key ?? TestNode.SigningKey, Issuer = issuer, Audience = audience }, clock);

    public static string Issue(TokenService service, string account, string? playerId = null, params string[] permissions) =>
        service.Issue(new AccountClaims(account, playerId, permissions.Length == 0 ? ["player"] : permissions, null)).Token;

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise perfect claims.</summary>
    public static string Unsigned(string account)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = B64("""{"alg":"none","typ":"at+jwt"}""");
        var payload = B64(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["sub"] = account, ["jti"] = Guid.NewGuid().ToString("N"), ["iss"] = "mxo", ["aud"] = "mxo-players",
            ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600, ["permissions"] = new[] { "player", "admin" },
        }));
        return header + "." + payload + ".";
    }

    private static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}

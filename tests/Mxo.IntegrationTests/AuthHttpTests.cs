using System.Net;
using System.Text;
using System.Text.Json;
using Mxo.Actors.Accounts;
using Mxo.Edge.Auth;
using Mxo.Protocol.Accounts;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>One real node (both roles, SQLite, fixed signing key, cheap password hashing) shared by the HTTP API tests.
/// Its rate limits and address throttle are high so the tests do not trip them; other classes test those.</summary>
public sealed class AuthNodeFixture : IAsyncLifetime
{
    public const string BootstrapAdmin = "Morpheus.Admin";

    private readonly TempData _data = new();
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync([
        .. _data.SqliteArgs,
        "--Mxo:Jwt:SigningKey=" + TestNode.SigningKey,
        "--Mxo:Accounts:PasswordIterations=1000",
        "--Mxo:Security:LoginFailuresPerAddress=100000",
        "--Mxo:Security:RateLimit:PerMinute=100000",
        "--Mxo:Security:RateLimit:PerHour=1000000",
        "--Mxo:Security:BootstrapAdmins=" + BootstrapAdmin,
    ]);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }
}

public sealed class AuthHttpTests(AuthNodeFixture fixture) : IClassFixture<AuthNodeFixture>, IDisposable
{
    private readonly AuthClient _api = new(fixture.Node.Http);

    public void Dispose() => _api.Dispose();

    private static string Name() => AuthClient.UniqueName();

    // ---------------------------------------------------------------- happy path

    [Fact]
    public async Task Register_login_create_character_play_it_refresh_and_logout()
    {
        var user = "Neo." + Guid.NewGuid().ToString("N")[..8];
        var registered = (await _api.RegisterAsync(user)).AssertStatus(HttpStatusCode.Created);
        Assert.Equal(user.ToLowerInvariant(), registered.Str("account_id"));
        Assert.Equal(user, registered.Str("username"));

        var login = (await _api.LoginAsync(user)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, login.Body.GetProperty("player_id").ValueKind);
        Assert.Equal(["player"], login.Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Empty(login.Body.GetProperty("characters").EnumerateArray());
        Assert.Equal("no-store", login.Response.Headers.CacheControl?.ToString());
        var expires = DateTimeOffset.Parse(login.Str("expires_at"));
        Assert.EndsWith("Z", login.Str("expires_at"));
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
        Assert.StartsWith("r1.", login.Str("refresh_token"));

        var character = "Neo" + Guid.NewGuid().ToString("N")[..8];
        var created = (await _api.PostAsync("/characters", AuthClient.Json(("name", character)), login.Str("token")))
            .AssertStatus(HttpStatusCode.Created);
        Assert.Equal((character.ToLowerInvariant(), character), (created.Str("id"), created.Str("name")));
        var list = (await _api.GetAsync("/characters", login.Str("token"))).AssertStatus(HttpStatusCode.OK);
        var only = Assert.Single(list.Body.GetProperty("characters").EnumerateArray());
        Assert.Equal(character, only.GetProperty("name").GetString());

        var playing = (await _api.LoginAsync(user, character: character.ToUpperInvariant())).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(character.ToLowerInvariant(), playing.Str("player_id"));
        Assert.Equal([character], playing.Body.GetProperty("characters").EnumerateArray().Select(c => c.GetString()));
        var validated = (await _api.GetAsync("/auth/validate", playing.Str("token"))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(user.ToLowerInvariant(), validated.Str("account_id"));
        Assert.Equal(character.ToLowerInvariant(), validated.Str("player_id"));
        Assert.Equal(playing.Str("expires_at"), validated.Str("expires_at"));
        Assert.Equal(["player"], validated.Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));

        // Refresh rotates: a new refresh token, the old one is spent; the character is chosen again.
        var refreshed = (await _api.RefreshAsync(playing.Str("refresh_token"), character)).AssertStatus(HttpStatusCode.OK);
        Assert.NotEqual(playing.Str("refresh_token"), refreshed.Str("refresh_token"));
        Assert.Equal(character.ToLowerInvariant(), refreshed.Str("player_id"));
        Assert.Equal([character], refreshed.Body.GetProperty("characters").EnumerateArray().Select(c => c.GetString()));
        (await _api.GetAsync("/auth/validate", refreshed.Str("token"))).AssertStatus(HttpStatusCode.OK);
        var withoutCharacter = (await _api.RefreshAsync(refreshed.Str("refresh_token"))).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, withoutCharacter.Body.GetProperty("player_id").ValueKind);

        // Logout revokes the family: its current token no longer refreshes; a second logout revokes nothing.
        var logout = (await _api.PostAsync("/auth/logout", AuthClient.Json(("refresh_token", withoutCharacter.Str("refresh_token")))))
            .AssertStatus(HttpStatusCode.OK);
        Assert.True(logout.Body.GetProperty("revoked").GetBoolean());
        (await _api.RefreshAsync(withoutCharacter.Str("refresh_token"))).AssertError(HttpStatusCode.Unauthorized, "invalid_token");
        var again = (await _api.PostAsync("/auth/logout", AuthClient.Json(("refresh_token", withoutCharacter.Str("refresh_token")))))
            .AssertStatus(HttpStatusCode.OK);
        Assert.False(again.Body.GetProperty("revoked").GetBoolean());

        // The other login (without a character) is untouched by that logout.
        (await _api.RefreshAsync(login.Str("refresh_token"))).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Registering_a_taken_name_is_409_in_any_case()
    {
        var user = Name();
        (await _api.RegisterAsync(user)).AssertStatus(HttpStatusCode.Created);
        (await _api.RegisterAsync(" " + user.ToUpperInvariant() + " ", "another password!")).AssertError(HttpStatusCode.Conflict, "name_taken");
        // The first password still holds.
        (await _api.LoginAsync(user)).AssertStatus(HttpStatusCode.OK);
        (await _api.LoginAsync(user, "another password!")).AssertError(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task Login_with_a_character_the_account_lacks_is_404_and_issues_nothing()
    {
        var user = Name();
        (await _api.RegisterAsync(user)).AssertStatus(HttpStatusCode.Created);
        (await _api.LoginAsync(user, character: "Nobody" + Guid.NewGuid().ToString("N")[..6]))
            .AssertError(HttpStatusCode.NotFound, "unknown_character");
        (await _api.LoginAsync(user, character: "9bad")).AssertError(HttpStatusCode.BadRequest, "invalid_name");
    }

    [Fact]
    public async Task Character_creation_errors()
    {
        var owner = await _api.NewAccountAsync(Name());
        var other = await _api.NewAccountAsync(Name());
        var taken = "Trin" + Guid.NewGuid().ToString("N")[..8];
        (await _api.PostAsync("/characters", AuthClient.Json(("name", taken)), owner.Str("token"))).AssertStatus(HttpStatusCode.Created);

        (await _api.PostAsync("/characters", AuthClient.Json(("name", taken.ToLowerInvariant())), other.Str("token")))
            .AssertError(HttpStatusCode.Conflict, "name_taken");
        (await _api.PostAsync("/characters", AuthClient.Json(("name", "x")), other.Str("token")))
            .AssertError(HttpStatusCode.BadRequest, "invalid_name");
        (await _api.PostAsync("/characters", AuthClient.Json(("name", new string('a', 25))), other.Str("token")))
            .AssertError(HttpStatusCode.BadRequest, "invalid_name");
        (await _api.PostAsync("/characters", AuthClient.Json(("name", 42)), other.Str("token")))
            .AssertError(HttpStatusCode.BadRequest, "invalid_field");
        (await _api.PostAsync("/characters", "{}", other.Str("token"))).AssertError(HttpStatusCode.BadRequest, "missing_field");
        Assert.Empty((await _api.GetAsync("/characters", other.Str("token"))).Body.GetProperty("characters").EnumerateArray());

        // At most three per account (Mxo:Accounts:MaxCharactersPerAccount).
        for (var i = 0; i < 2; i++)
            (await _api.PostAsync("/characters", AuthClient.Json(("name", $"C{i}" + Guid.NewGuid().ToString("N")[..8])), owner.Str("token")))
                .AssertStatus(HttpStatusCode.Created);
        var fourth = "Four" + Guid.NewGuid().ToString("N")[..8];
        (await _api.PostAsync("/characters", AuthClient.Json(("name", fourth)), owner.Str("token")))
            .AssertError(HttpStatusCode.UnprocessableEntity, "too_many_characters");
        // The refused name is still free for someone else.
        (await _api.PostAsync("/characters", AuthClient.Json(("name", fourth)), other.Str("token"))).AssertStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Bootstrap_admin_gets_admin_at_login_and_manages_permissions()
    {
        var admin = await _api.LoginAsync(AuthNodeFixture.BootstrapAdmin) is { Status: HttpStatusCode.OK } existing
            ? existing
            : await _api.NewAccountAsync(AuthNodeFixture.BootstrapAdmin);
        Assert.Contains("admin", admin.Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var player = await _api.NewAccountAsync(Name());
        var target = Name();
        (await _api.RegisterAsync(target)).AssertStatus(HttpStatusCode.Created);

        string Body(string user, string permission, object grant) =>
            AuthClient.Json(("username", user), ("permission", permission), ("grant", grant));

        (await _api.PostAsync("/admin/permissions", Body(target, "gm", true))).AssertError(HttpStatusCode.Unauthorized, "missing_token");
        (await _api.PostAsync("/admin/permissions", Body(target, "gm", true), player.Str("token")))
            .AssertError(HttpStatusCode.Forbidden, "forbidden");
        (await _api.PostAsync("/admin/permissions", Body(target, "god", true), admin.Str("token")))
            .AssertError(HttpStatusCode.BadRequest, "unknown_permission");
        (await _api.PostAsync("/admin/permissions", Body(target, "gm", "yes"), admin.Str("token")))
            .AssertError(HttpStatusCode.BadRequest, "invalid_field");
        (await _api.PostAsync("/admin/permissions", Body(Name(), "gm", true), admin.Str("token")))
            .AssertError(HttpStatusCode.NotFound, "not_registered");
        // None of that changed the target.
        Assert.Equal(["player"], (await _api.LoginAsync(target)).Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));

        var granted = (await _api.PostAsync("/admin/permissions", Body(target, "gm", true), admin.Str("token")))
            .AssertStatus(HttpStatusCode.OK);
        Assert.Equal(["gm", "player"], granted.Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).Order());
        Assert.Contains("gm", (await _api.LoginAsync(target)).Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        var revoked = (await _api.PostAsync("/admin/permissions", Body(target, "gm", false), admin.Str("token")))
            .AssertStatus(HttpStatusCode.OK);
        Assert.Equal(["player"], revoked.Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    // ---------------------------------------------------------------- bad input: nothing reaches an account

    public static TheoryData<string, string> MissingFields => new()
    {
        { "{}", "missing_field" },
        { """{"username":"NAME"}""", "missing_field" },
        { """{"password":"correct horse battery","username":null}""", "missing_field" },
        { """{"username":"","password":"correct horse battery"}""", "missing_field" },
        { """{"username":"NAME","password":""}""", "missing_field" },
    };

    [Theory]
    [MemberData(nameof(MissingFields))]
    public async Task Register_with_a_missing_field_is_400_and_the_name_stays_free(string body, string code)
    {
        var user = Name();
        (await _api.PostAsync("/auth/register", body.Replace("NAME", user))).AssertError(HttpStatusCode.BadRequest, code);
        await _api.AssertNameFreeAsync(user);
    }

    [Theory]
    [InlineData("""{"username":42,"password":"correct horse battery"}""")]
    [InlineData("""{"username":"NAME","password":["correct horse battery"]}""")]
    [InlineData("""{"username":{"n":"NAME"},"password":"correct horse battery"}""")]
    [InlineData("""{"username":"NAME","password":true}""")]
    public async Task Register_with_a_wrong_json_type_is_invalid_field(string body)
    {
        var user = Name();
        (await _api.PostAsync("/auth/register", body.Replace("NAME", user))).AssertError(HttpStatusCode.BadRequest, "invalid_field");
        await _api.AssertNameFreeAsync(user);
    }

    [Fact]
    public async Task Register_with_oversized_or_invalid_fields_is_400_and_changes_nothing()
    {
        var user = Name();
        (await _api.RegisterAsync(user + new string('x', 30))).AssertError(HttpStatusCode.BadRequest, "invalid_name");
        (await _api.RegisterAsync(user + "!")).AssertError(HttpStatusCode.BadRequest, "invalid_name");
        (await _api.RegisterAsync(user, new string('p', 129))).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        (await _api.RegisterAsync(user, "short")).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        (await _api.RegisterAsync(user, "           ")).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        (await _api.RegisterAsync(user, new string('\0', 12))).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        (await _api.RegisterAsync(user, new string('\u200B', 12))).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        (await _api.RegisterAsync(user, "correct horse\u202Ebattery")).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        (await _api.RegisterAsync(user, new string('\uFB00', 65))).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        await _api.AssertNameFreeAsync(user);
        (await _api.LoginAsync(user, new string('p', 129))).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        (await _api.LoginAsync(user, new string('\uFB00', 65))).AssertError(HttpStatusCode.BadRequest, "invalid_password");
        (await _api.LoginAsync(user + new string('x', 30))).AssertError(HttpStatusCode.BadRequest, "invalid_name");
        (await _api.PostAsync("/auth/login", AuthClient.Json(("username", user), ("password", AuthClient.Password),
            ("game_client", new string('g', 65))))).AssertError(HttpStatusCode.BadRequest, "invalid_field");
        (await _api.LoginAsync(user)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_password_registered_in_one_unicode_form_logs_in_with_another()
    {
        var user = Name();
        (await _api.RegisterAsync(user, "ｃｏｒｒｅｃｔ horse cafe\u0301")).AssertStatus(HttpStatusCode.Created);
        (await _api.LoginAsync(user, "correct horse café")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_body_over_4_KiB_is_413_with_or_without_content_length()
    {
        var user = Name();
        var big = AuthClient.Json(("username", user), ("password", AuthClient.Password), ("padding", new string(' ', 5000)));
        (await _api.PostAsync("/auth/register", big)).AssertError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");

        // Chunked: no Content-Length to trust, the limit is counted while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        (await _api.SendAsync(HttpMethod.Post, "/auth/register", chunked, configure: r => r.Headers.TransferEncodingChunked = true))
            .AssertError(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        await _api.AssertNameFreeAsync(user);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    public async Task A_body_that_is_not_application_json_is_415(string contentType)
    {
        var user = Name();
        using var content = new StringContent(AuthClient.Json(("username", user), ("password", AuthClient.Password)));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        (await _api.SendAsync(HttpMethod.Post, "/auth/register", content)).AssertError(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        using var none = new ByteArrayContent(Encoding.UTF8.GetBytes(AuthClient.Json(("username", user), ("password", AuthClient.Password))));
        (await _api.SendAsync(HttpMethod.Post, "/auth/register", none)).AssertError(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await _api.AssertNameFreeAsync(user);
    }

    [Theory]
    [InlineData("""{"username":"NAME","password":"correct horse battery" """)]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"NAME\"")]
    [InlineData("""{"username":"NAME","password":"correct horse battery",}""")]
    [InlineData("""{"username":"NAME","username":"NAME","password":"correct horse battery"}""")]
    [InlineData("""{"username":"NAME","password":"correct \uD800horse battery"}""")]
    public async Task Malformed_json_is_400_and_changes_nothing(string body)
    {
        var user = Name();
        (await _api.PostAsync("/auth/register", body.Replace("NAME", user))).AssertError(HttpStatusCode.BadRequest, "malformed_json");
        await _api.AssertNameFreeAsync(user);
    }

    // ---------------------------------------------------------------- login failures

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_answer()
    {
        var user = Name();
        (await _api.RegisterAsync(user)).AssertStatus(HttpStatusCode.Created);
        var wrongPassword = (await _api.LoginAsync(user, "not the password")).AssertError(HttpStatusCode.Unauthorized, "invalid_credentials");
        var unknownUser = (await _api.LoginAsync(Name(), "not the password")).AssertError(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(wrongPassword.Body.GetRawText(), unknownUser.Body.GetRawText());
        Assert.Null(wrongPassword.RetryAfter);
        // One failure changes nothing for the owner.
        (await _api.LoginAsync(user)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_against_the_right_password()
    {
        var user = Name();
        (await _api.RegisterAsync(user)).AssertStatus(HttpStatusCode.Created);
        for (var i = 0; i < 4; i++)
            (await _api.LoginAsync(user, "wrong password " + i)).AssertError(HttpStatusCode.Unauthorized, "invalid_credentials");
        var fifth = (await _api.LoginAsync(user, "wrong password 5")).AssertError((HttpStatusCode)423, "account_locked");
        Assert.InRange(int.Parse(fifth.RetryAfter!), 1, 60);
        var right = (await _api.LoginAsync(user)).AssertError((HttpStatusCode)423, "account_locked");
        Assert.InRange(int.Parse(right.RetryAfter!), 1, 60);
    }

    // ---------------------------------------------------------------- access tokens

    public static TheoryData<string, string> BadTokens()
    {
        const string account = "tokenholder";
        var now = DateTimeOffset.UtcNow;
        return new TheoryData<string, string>
        {
            { TestTokens.Unsigned(account), TokenErrors.AlgorithmNotAllowed },
            { TestTokens.Issue(TestTokens.Service(Convert.ToBase64String(new byte[32])), account), TokenErrors.InvalidSignature },
            { TestTokens.Issue(TestTokens.Service(issuer: "someone-else"), account), TokenErrors.InvalidIssuer },
            { TestTokens.Issue(TestTokens.Service(audience: "another-game"), account), TokenErrors.InvalidAudience },
            { TestTokens.Issue(TestTokens.Service(clock: new ShiftedClock(TimeSpan.FromHours(-1))), account), TokenErrors.Expired },
            { TestTokens.Issue(TestTokens.Service(clock: new ShiftedClock(TimeSpan.FromHours(1))), account), TokenErrors.NotYetValid },
            { "not-a-jwt", TokenErrors.MalformedToken },
        };
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_access_tokens_are_401_with_their_code(string token, string code)
    {
        var validate = (await _api.GetAsync("/auth/validate", token)).AssertError(HttpStatusCode.Unauthorized, code);
        Assert.Contains("Bearer", validate.Response.Headers.WwwAuthenticate.ToString());
        (await _api.GetAsync("/characters", token)).AssertError(HttpStatusCode.Unauthorized, code);
    }

    [Fact]
    public async Task A_forged_token_creates_no_character()
    {
        var owner = await _api.NewAccountAsync(Name());
        var account = owner.Body.GetProperty("token").GetString()!;
        var sub = (await _api.GetAsync("/auth/validate", account)).Str("account_id");
        var character = "Forged" + Guid.NewGuid().ToString("N")[..8];
        foreach (var forged in new[]
                 {
                     TestTokens.Unsigned(sub),
                     TestTokens.Issue(TestTokens.Service(Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray())), sub),
                     TestTokens.Issue(TestTokens.Service(clock: new ShiftedClock(TimeSpan.FromHours(-1))), sub),
                 })
            (await _api.PostAsync("/characters", AuthClient.Json(("name", character)), forged)).AssertStatus(HttpStatusCode.Unauthorized);
        Assert.Empty((await _api.GetAsync("/characters", account)).Body.GetProperty("characters").EnumerateArray());
        // A token from the node's own key (a well-behaved issuer) does work.
        (await _api.PostAsync("/characters", AuthClient.Json(("name", character)), TestTokens.Issue(TestTokens.Service(), sub)))
            .AssertStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Missing_or_non_bearer_authorization_is_401()
    {
        (await _api.GetAsync("/auth/validate")).AssertError(HttpStatusCode.Unauthorized, "missing_token");
        (await _api.GetAsync("/characters")).AssertError(HttpStatusCode.Unauthorized, "missing_token");
        (await _api.SendAsync(HttpMethod.Get, "/auth/validate", null,
                configure: r => r.Headers.Authorization = new("Basic", "dXNlcjpwYXNz")))
            .AssertError(HttpStatusCode.Unauthorized, "malformed_token");
    }

    // ---------------------------------------------------------------- refresh tokens

    [Theory]
    [InlineData("garbage")]
    [InlineData("r1.bmVv.AAAA.BBBB")]
    [InlineData("r1..abc")]
    [InlineData("r1.Tk9UIEFOIElE.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_refresh_token_that_is_not_ours_is_invalid_token(string token)
    {
        (await _api.RefreshAsync(token)).AssertError(HttpStatusCode.Unauthorized, "invalid_token");
        var logout = (await _api.PostAsync("/auth/logout", AuthClient.Json(("refresh_token", token)))).AssertStatus(HttpStatusCode.OK);
        Assert.False(logout.Body.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task A_well_formed_refresh_token_the_account_does_not_know_is_invalid_token_and_harmless()
    {
        var login = await _api.NewAccountAsync(Name());
        var account = (await _api.GetAsync("/auth/validate", login.Str("token"))).Str("account_id");
        var stranger = RefreshTokenCodec.Wrap(new AccountId(account), RefreshTokens.NewToken(RefreshTokens.NewFamilyId()));
        (await _api.RefreshAsync(stranger)).AssertError(HttpStatusCode.Unauthorized, "invalid_token");
        // The real login is untouched.
        (await _api.RefreshAsync(login.Str("refresh_token"))).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refresh_and_logout_need_their_field()
    {
        (await _api.PostAsync("/auth/refresh", "{}")).AssertError(HttpStatusCode.BadRequest, "missing_field");
        (await _api.PostAsync("/auth/refresh", """{"refresh_token":7}""")).AssertError(HttpStatusCode.BadRequest, "invalid_field");
        (await _api.PostAsync("/auth/logout", "{}")).AssertError(HttpStatusCode.BadRequest, "missing_field");
    }

    [Fact]
    public async Task Racing_refreshes_within_the_grace_window_both_succeed_with_the_same_successor()
    {
        var login = await _api.NewAccountAsync(Name());
        var token = login.Str("refresh_token");
        var answers = await Task.WhenAll(_api.RefreshAsync(token), _api.RefreshAsync(token));
        foreach (var answer in answers) answer.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(answers[0].Str("refresh_token"), answers[1].Str("refresh_token"));
        // The family lives on.
        (await _api.RefreshAsync(answers[0].Str("refresh_token"))).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refresh_with_a_character_the_account_lacks_is_404_and_ends_that_login()
    {
        var login = await _api.NewAccountAsync(Name());
        (await _api.RefreshAsync(login.Str("refresh_token"), "Ghost" + Guid.NewGuid().ToString("N")[..6]))
            .AssertError(HttpStatusCode.NotFound, "unknown_character");
    }

    // ---------------------------------------------------------------- origins, CORS, routing

    [Fact]
    public async Task A_browser_origin_outside_the_list_is_refused_and_changes_nothing()
    {
        var user = Name();
        (await _api.PostAsync("/auth/register", AuthClient.Json(("username", user), ("password", AuthClient.Password)),
            origin: "https://evil.example.com")).AssertError(HttpStatusCode.Forbidden, "origin_not_allowed");
        (await _api.SendAsync(HttpMethod.Options, "/auth/login", null, origin: "https://evil.example.com",
            configure: r => r.Headers.Add("Access-Control-Request-Method", "POST"))).AssertError(HttpStatusCode.Forbidden, "origin_not_allowed");
        (await _api.GetAsync("/auth/validate", origin: "null")).AssertError(HttpStatusCode.Forbidden, "origin_not_allowed");
        await _api.AssertNameFreeAsync(user);
    }

    [Fact]
    public async Task An_allowed_origin_gets_cors_headers_and_preflight_works()
    {
        const string origin = "https://game.mxo.example.com";
        var preflight = await _api.SendAsync(HttpMethod.Options, "/auth/login", null, origin: origin, configure: r =>
        {
            r.Headers.Add("Access-Control-Request-Method", "POST");
            r.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
        });
        Assert.Equal(HttpStatusCode.NoContent, preflight.Status);
        Assert.Equal(origin, preflight.Response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var methods = string.Join(",", preflight.Response.Headers.GetValues("Access-Control-Allow-Methods"));
        Assert.Contains("POST", methods);
        Assert.DoesNotContain("DELETE", methods);
        Assert.Contains("authorization", string.Join(",", preflight.Response.Headers.GetValues("Access-Control-Allow-Headers")),
            StringComparison.OrdinalIgnoreCase);

        var answer = (await _api.GetAsync("/auth/validate", origin: origin)).AssertError(HttpStatusCode.Unauthorized, "missing_token");
        Assert.Equal(origin, answer.Response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Unknown_paths_and_methods_under_the_api_answer_json()
    {
        (await _api.GetAsync("/auth/login")).AssertError(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        (await _api.GetAsync("/auth/nothing")).AssertError(HttpStatusCode.NotFound, "not_found");
    }
}

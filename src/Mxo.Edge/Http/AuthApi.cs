using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Mxo.Edge.Auth;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Orgs;
using EdgePermissions = Mxo.Edge.Auth.Permissions;

namespace Mxo.Edge.Http;

/// <summary>
/// The handlers of <c>/auth/*</c>, <c>/characters</c> and <c>/admin/permissions</c> (docs/protocol.md "HTTP API").
/// Input is checked completely before any account is asked; nothing reaches an account on bad input.
/// </summary>
public sealed class AuthApi
{
    private const int MaxGameClientLength = 64;

    private readonly TokenService _tokens;
    private readonly AccountGateway _accounts;
    private readonly LoginThrottle _throttle;
    private readonly ISessionRevoker _revoker;
    private readonly ILogger _log;
    private readonly HashSet<string> _bootstrapAdmins;

    public AuthApi(TokenService tokens, AccountGateway accounts, LoginThrottle throttle, ISessionRevoker revoker,
        SecurityOptions options, ILoggerFactory loggers)
    {
        _tokens = tokens;
        _accounts = accounts;
        _throttle = throttle;
        _revoker = revoker;
        _log = loggers.CreateLogger("Mxo.Edge.Auth");
        _bootstrapAdmins = new HashSet<string>(
            options.BootstrapAdmins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(n => AccountRules.ValidateUserName(n) is null)
                .Select(AccountRules.NormaliseUserName),
            StringComparer.Ordinal);
    }

    // ---------------------------------------------------------------- /auth

    /// <summary><c>POST /auth/register</c> <c>{"username","password"}</c> → 201 <c>{"account_id","username"}</c>.</summary>
    public async Task<IResult> RegisterAsync(HttpContext context)
    {
        var body = await ApiRequest.ReadObjectAsync(context);
        var username = body.RequiredString("username");
        var password = body.RequiredString("password");
        if (AccountRules.ValidateUserName(username) is { } nameProblem)
            return Bad(AccountErrorCodes.InvalidName, nameProblem);
        if (AccountRules.ValidatePassword(password) is { } passwordProblem)
            return Bad(AccountErrorCodes.InvalidPassword, passwordProblem);

        var id = AccountId.FromName(username);
        // The deadline lets the account drop work this request no longer waits for: a 503 then created nothing.
        return await _accounts.AskAsync(new AccountCommands.Register(id, username, password, _accounts.DeadlineUnixMs())) switch
        {
            AccountReplies.Registered r => new ApiJson<RegisterResponse>(StatusCodes.Status201Created,
                new RegisterResponse(r.AccountId.Value, r.DisplayName), AuthJson.Default.RegisterResponse),
            AccountReplies.RegisterFailed { Code: AccountErrorCodes.NameTaken } f =>
                Error(StatusCodes.Status409Conflict, f.Code, f.Message),
            AccountReplies.RegisterFailed { Code: AccountErrorCodes.Timeout } f => Unavailable(f.Message),
            AccountReplies.RegisterFailed f => Bad(f.Code, f.Message),
            var other => Unexpected(other),
        };
    }

    /// <summary><c>POST /auth/login</c> <c>{"username","password","character"?,"game_client"?}</c> → 200 token response.</summary>
    public async Task<IResult> LoginAsync(HttpContext context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await LoginCoreAsync(context);
            outcome = result switch
            {
                ApiJson<TokenResponse> => "success",
                ApiError { Code: AccountErrorCodes.InvalidCredentials } => "invalid_credentials",
                ApiError { Code: AccountErrorCodes.AccountLocked } => "locked",
                ApiError { Code: AccountErrorCodes.LoginDelayed or HttpErrors.AddressBlocked } => "throttled",
                ApiError { Code: AccountErrorCodes.Busy or HttpErrors.Unavailable } => "busy",
                ApiError => "refused",
                _ => "success",
            };
            return result;
        }
        catch (ApiErrorException)
        {
            outcome = "refused";
            throw;
        }
        finally
        {
            EdgeMetrics.LoginAttempts.WithLabels(outcome).Inc();
            EdgeMetrics.LoginDuration.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<IResult> LoginCoreAsync(HttpContext context)
    {
        var body = await ApiRequest.ReadObjectAsync(context);
        var username = body.RequiredString("username");
        var password = body.RequiredString("password");
        var character = OptionalCharacter(body);
        var gameClient = body.OptionalString("game_client");
        // Only the public format rules are checked here: no answer tells whether an account exists.
        if (AccountRules.ValidateUserName(username) is { } nameProblem)
            return Bad(AccountErrorCodes.InvalidName, nameProblem);
        if (AccountRules.IsOverlongPassword(password))
            return Bad(AccountErrorCodes.InvalidPassword, $"password must be at most {AccountRules.MaxPasswordLength} characters");
        if (gameClient is not null && !IsValidGameClient(gameClient))
            return Bad(HttpErrors.InvalidField, $"'game_client' must be 1-{MaxGameClientLength} printable ASCII characters");

        var address = ClientAddress.Of(context);
        if (_throttle.BlockedFor(address) is { } blocked)
            return AddressBlocked(blocked);

        var id = AccountId.FromName(username);
        switch (await _accounts.AskAsync(new AccountCommands.Login(id, password, address)))
        {
            case AccountReplies.LoginSucceeded ok:
                return await IssueAfterLoginAsync(ok, character, gameClient);
            case AccountReplies.LoginFailed { Code: AccountErrorCodes.AccountLocked } locked:
                return new ApiError(StatusCodes.Status423Locked, AccountErrorCodes.AccountLocked,
                    "too many failed logins from this address: this account is locked for it for a while")
                {
                    RetryAfter = TimeSpan.FromSeconds(Math.Max(1, locked.RetryAfterSeconds)),
                };
            case AccountReplies.LoginFailed { Code: AccountErrorCodes.LoginDelayed } delayed:
                return new ApiError(StatusCodes.Status429TooManyRequests, AccountErrorCodes.LoginDelayed,
                    "too many failed logins for this account, some from this address: wait before trying again")
                {
                    RetryAfter = TimeSpan.FromSeconds(Math.Max(1, delayed.RetryAfterSeconds)),
                };
            case AccountReplies.LoginFailed:
                if (_throttle.RecordFailure(address) is { } nowBlocked)
                    _log.LogWarning("Address {Address} blocked from logging in for {Duration} after repeated failures",
                        address, nowBlocked);
                return new ApiError(StatusCodes.Status401Unauthorized, AccountErrorCodes.InvalidCredentials,
                    "wrong user name or password");
            case var other:
                return Unexpected(other);
        }
    }

    private async Task<IResult> IssueAfterLoginAsync(AccountReplies.LoginSucceeded ok, string? character, string? gameClient)
    {
        var permissions = ok.Permissions;
        if (_bootstrapAdmins.Contains(ok.AccountId.Value) && !permissions.Contains(EdgePermissions.Admin))
        {
            switch (await _accounts.AskAsync(new AccountCommands.GrantPermission(ok.AccountId, EdgePermissions.Admin)))
            {
                case AccountReplies.PermissionsChanged changed:
                    permissions = changed.Permissions;
                    _log.LogWarning("Bootstrap admin {Account} granted 'admin' at login (Mxo:Security:BootstrapAdmins)", ok.AccountId);
                    break;
                case var other:
                    _log.LogError("Granting 'admin' to bootstrap admin {Account} failed: {Reply}", ok.AccountId, other);
                    break;
            }
        }

        string? playerId = null;
        if (character is not null)
        {
            switch (await SelectAsync(ok.AccountId, character))
            {
                case AccountReplies.CharacterSelected selected:
                    playerId = selected.PlayerId.Value;
                    break;
                case var refusal:
                    // The login opened a refresh family the client never receives: end it again.
                    await EndFamilyAsync(ok.AccountId, ok.RefreshToken);
                    return CharacterRefusal(refusal);
            }
        }

        return TokenAnswer(ok.AccountId, ok.RefreshToken, playerId, permissions,
            ok.Characters.Select(c => c.Name).ToArray(), gameClient);
    }

    /// <summary><c>GET /auth/validate</c> with a Bearer token → 200 its claims, or 401 with the token error code.</summary>
    public IResult Validate(HttpContext context)
    {
        var claims = ApiRequest.Authenticate(context, _tokens);
        return new ApiJson<ValidateResponse>(StatusCodes.Status200OK,
            new ValidateResponse(claims.AccountId, claims.PlayerId, [.. claims.Permissions], Iso(claims.ExpiresAt)),
            AuthJson.Default.ValidateResponse);
    }

    /// <summary>
    /// <c>POST /auth/refresh</c> <c>{"refresh_token","character"?}</c> → 200 token response with a new refresh token.
    /// Without <c>character</c> the new access token carries no player_id. With an unknown character the rotated
    /// family is ended and the answer is 404 unknown_character (log in again).
    /// </summary>
    public async Task<IResult> RefreshAsync(HttpContext context)
    {
        var body = await ApiRequest.ReadObjectAsync(context);
        var token = body.RequiredString("refresh_token");
        var character = OptionalCharacter(body);
        if (!RefreshTokenCodec.TryUnwrap(token, out var id, out var accountToken))
            return InvalidRefreshToken();

        switch (await _accounts.AskAsync(new AccountCommands.Refresh(id, accountToken)))
        {
            case AccountReplies.Refreshed refreshed:
                string? playerId = null;
                if (character is not null)
                {
                    switch (await SelectAsync(id, character))
                    {
                        case AccountReplies.CharacterSelected selected:
                            playerId = selected.PlayerId.Value;
                            break;
                        case var refusal:
                            await EndFamilyAsync(id, refreshed.RefreshToken);
                            return CharacterRefusal(refusal);
                    }
                }
                return TokenAnswer(id, refreshed.RefreshToken, playerId, refreshed.Permissions, await CharacterNamesAsync(id), null);

            case AccountReplies.RefreshFailed { Code: AccountErrorCodes.TokenReused } reused:
                if (reused.FamilyRevoked)
                {
                    _log.LogWarning("A spent refresh token of {Account} was presented again: its sessions are closed", id);
                    await RevokeSessionsAsync(id, SessionRevocationReasons.TokenReused);
                }
                return new ApiError(StatusCodes.Status401Unauthorized, AccountErrorCodes.TokenReused,
                    "this refresh token was already used: every session of this login is revoked; log in again");

            case AccountReplies.RefreshFailed:
                return InvalidRefreshToken();
            case var other:
                return Unexpected(other);
        }
    }

    /// <summary><c>POST /auth/logout</c> <c>{"refresh_token"}</c> → 200 <c>{"revoked"}</c>. Ends the token's family
    /// (idempotent); a token that is not ours answers revoked = false without asking any account.</summary>
    public async Task<IResult> LogoutAsync(HttpContext context)
    {
        var body = await ApiRequest.ReadObjectAsync(context);
        var token = body.RequiredString("refresh_token");
        var revoked = false;
        if (RefreshTokenCodec.TryUnwrap(token, out var id, out var accountToken))
        {
            switch (await _accounts.AskAsync(new AccountCommands.Logout(id, accountToken)))
            {
                case AccountReplies.LoggedOut loggedOut:
                    revoked = loggedOut.FamilyRevoked;
                    break;
                case var other:
                    return Unexpected(other);
            }
        }
        return new ApiJson<LogoutResponse>(StatusCodes.Status200OK, new LogoutResponse(revoked), AuthJson.Default.LogoutResponse);
    }

    // ---------------------------------------------------------------- /characters

    /// <summary><c>GET /characters</c> → 200 <c>{"characters":[{"id","name"}]}</c>.</summary>
    public async Task<IResult> ListCharactersAsync(HttpContext context)
    {
        var claims = RequirePlayer(context);
        var id = new AccountId(claims.AccountId);
        return await _accounts.AskAsync(new AccountCommands.ListCharacters(id)) switch
        {
            AccountReplies.CharacterList list => new ApiJson<CharacterListResponse>(StatusCodes.Status200OK,
                new CharacterListResponse(list.Characters.Select(c => new CharacterResponse(c.PlayerId.Value, c.Name, c.Org)).ToArray()),
                AuthJson.Default.CharacterListResponse),
            var other => Unexpected(other),
        };
    }

    /// <summary>
    /// <c>POST /characters</c> <c>{"name", "org"?}</c> → 201 <c>{"id","name","org"}</c>. <c>org</c> (issue 12) is one of
    /// <see cref="Organisations.All"/> in any case, or absent or null for none; another value is 400 <c>invalid_field</c>
    /// and creates nothing.
    /// </summary>
    public async Task<IResult> CreateCharacterAsync(HttpContext context)
    {
        var claims = RequirePlayer(context);
        var body = await ApiRequest.ReadObjectAsync(context);
        var name = body.RequiredString("name");
        if (CharacterRules.ValidateName(name) is { } problem)
            return Bad(AccountErrorCodes.InvalidName, problem);
        var givenOrg = body.OptionalString("org");
        var org = Organisations.Find(givenOrg);
        if (givenOrg is not null && org is null)
            return Bad(HttpErrors.InvalidField, $"'org' must be one of: {string.Join(", ", Organisations.All)}");

        var id = new AccountId(claims.AccountId);
        return await _accounts.AskAsync(new AccountCommands.CreateCharacter(id, name.Trim()) { Org = org }) switch
        {
            AccountReplies.CharacterCreated created => new ApiJson<CharacterResponse>(StatusCodes.Status201Created,
                new CharacterResponse(created.Character.PlayerId.Value, created.Character.Name, created.Character.Org), AuthJson.Default.CharacterResponse),
            var other => CharacterRefusal(other),
        };
    }

    // ---------------------------------------------------------------- /admin

    /// <summary><c>POST /admin/permissions</c> <c>{"username","permission","grant"}</c>, Bearer with <c>admin</c>
    /// → 200 <c>{"permissions"}</c>.</summary>
    public async Task<IResult> ChangePermissionAsync(HttpContext context)
    {
        var claims = ApiRequest.Authenticate(context, _tokens);
        if (!claims.Has(EdgePermissions.Admin))
            return Error(StatusCodes.Status403Forbidden, HttpErrors.Forbidden, "this needs the 'admin' permission");

        var body = await ApiRequest.ReadObjectAsync(context);
        var username = body.RequiredString("username");
        var permission = body.RequiredString("permission");
        var grant = body.RequiredBool("grant");
        if (AccountRules.ValidateUserName(username) is { } nameProblem)
            return Bad(AccountErrorCodes.InvalidName, nameProblem);
        if (!EdgePermissions.IsKnown(permission))
            return Bad(AccountErrorCodes.UnknownPermission, $"permission must be one of: {string.Join(", ", EdgePermissions.All)}");

        var target = AccountId.FromName(username);
        IAccountCommand command = grant
            ? new AccountCommands.GrantPermission(target, permission)
            : new AccountCommands.RevokePermission(target, permission);
        switch (await _accounts.AskAsync(command))
        {
            case AccountReplies.PermissionsChanged changed:
                _log.LogWarning("{Admin} {Action} '{Permission}' of {Account}: now [{Permissions}]", claims.AccountId,
                    grant ? "granted" : "revoked", permission, target, string.Join(", ", changed.Permissions));
                return new ApiJson<PermissionsResponse>(StatusCodes.Status200OK, new PermissionsResponse(changed.Permissions),
                    AuthJson.Default.PermissionsResponse);
            case AccountReplies.Rejected { Code: AccountErrorCodes.NotRegistered } r:
                return Error(StatusCodes.Status404NotFound, r.Code, "no account has that user name");
            case AccountReplies.Rejected { Code: AccountErrorCodes.UnknownPermission } r:
                return Bad(r.Code, r.Message);
            case var other:
                return Unexpected(other);
        }
    }

    // ---------------------------------------------------------------- helpers

    private AccessTokenClaims RequirePlayer(HttpContext context)
    {
        var claims = ApiRequest.Authenticate(context, _tokens);
        if (!claims.Has(EdgePermissions.Player))
            throw new ApiErrorException(Error(StatusCodes.Status403Forbidden, HttpErrors.Forbidden, "this needs the 'player' permission"));
        return claims;
    }

    private static string? OptionalCharacter(JsonFields body)
    {
        var character = body.OptionalString("character");
        if (character is null) return null;
        if (CharacterRules.ValidateName(character) is { } problem)
            throw new ApiErrorException(Bad(AccountErrorCodes.InvalidName, problem));
        return character.Trim();
    }

    private static bool IsValidGameClient(string value)
    {
        if (value.Length is 0 or > MaxGameClientLength) return false;
        foreach (var c in value)
            if (c is < '!' or > '~')
                return false;
        return true;
    }

    private Task<object> SelectAsync(AccountId id, string character) =>
        _accounts.AskAsync(new AccountCommands.SelectCharacter(id, character));

    /// <summary>Best effort: the refresh token is already rotated, so a slow account must not cost the client its successor.</summary>
    private async Task<string[]> CharacterNamesAsync(AccountId id)
    {
        try
        {
            return await _accounts.AskAsync(new AccountCommands.ListCharacters(id)) is AccountReplies.CharacterList list
                ? list.Characters.Select(c => c.Name).ToArray()
                : [];
        }
        catch (AccountsUnavailableException)
        {
            return [];
        }
    }

    private async Task EndFamilyAsync(AccountId id, string accountToken)
    {
        try
        {
            await _accounts.AskAsync(new AccountCommands.Logout(id, accountToken));
        }
        catch (AccountsUnavailableException e)
        {
            // The family expires on its own; the client never saw its token.
            _log.LogWarning(e, "Could not end an unused refresh family of {Account}", id);
        }
    }

    private async Task RevokeSessionsAsync(AccountId id, string reason)
    {
        try
        {
            await _revoker.RevokeAsync(id, reason);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Closing the sessions of {Account} ({Reason}) failed", id, reason);
        }
    }

    private IResult TokenAnswer(AccountId id, string accountRefreshToken, string? playerId, IEnumerable<string> permissions,
        string[] characters, string? gameClient)
    {
        var known = permissions.Where(EdgePermissions.IsKnown).Distinct().ToArray();
        var (token, expiresAt) = _tokens.Issue(new AccountClaims(id.Value, playerId, known, gameClient));
        return new ApiJson<TokenResponse>(StatusCodes.Status200OK,
            new TokenResponse(token, RefreshTokenCodec.Wrap(id, accountRefreshToken), Iso(expiresAt), playerId, known, characters),
            AuthJson.Default.TokenResponse);
    }

    private IResult CharacterRefusal(object reply) => reply switch
    {
        AccountReplies.CharacterFailed { Code: AccountErrorCodes.UnknownCharacter } f =>
            Error(StatusCodes.Status404NotFound, f.Code, f.Message),
        AccountReplies.CharacterFailed { Code: AccountErrorCodes.InvalidName or ErrorCodes.InvalidField } f => Bad(f.Code, f.Message),
        AccountReplies.CharacterFailed { Code: AccountErrorCodes.NameTaken } f => Error(StatusCodes.Status409Conflict, f.Code, f.Message),
        AccountReplies.CharacterFailed { Code: AccountErrorCodes.TooManyCharacters } f =>
            Error(StatusCodes.Status422UnprocessableEntity, f.Code, f.Message),
        AccountReplies.CharacterFailed { Code: AccountErrorCodes.NotRegistered } f =>
            Error(StatusCodes.Status404NotFound, f.Code, f.Message),
        AccountReplies.CharacterFailed { Code: AccountErrorCodes.Timeout } f => Unavailable(f.Message),
        _ => Unexpected(reply),
    };

    private IResult Unexpected(object reply)
    {
        if (reply is AccountReplies.Rejected { Code: AccountErrorCodes.Busy } busy)
            return new ApiError(StatusCodes.Status503ServiceUnavailable, AccountErrorCodes.Busy, busy.Message)
            {
                RetryAfter = TimeSpan.FromSeconds(1),
            };
        _log.LogError("Unexpected answer from an account: {Reply}", reply);
        return Error(StatusCodes.Status500InternalServerError, HttpErrors.InternalError, "unexpected answer from the account service");
    }

    internal static ApiError Unavailable(string message) =>
        new(StatusCodes.Status503ServiceUnavailable, HttpErrors.Unavailable, message) { RetryAfter = TimeSpan.FromSeconds(1) };

    private static ApiError InvalidRefreshToken() =>
        Error(StatusCodes.Status401Unauthorized, AccountErrorCodes.InvalidToken,
            "the refresh token is unknown, expired or revoked; log in again");

    private static ApiError AddressBlocked(TimeSpan remaining) =>
        new(StatusCodes.Status429TooManyRequests, HttpErrors.AddressBlocked,
            "too many failed logins from this address; try again later")
        {
            RetryAfter = remaining,
        };

    private static ApiError Bad(string code, string message) => Error(StatusCodes.Status400BadRequest, code, message);

    private static ApiError Error(int status, string code, string message) => new(status, code, message);

    private static string Iso(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

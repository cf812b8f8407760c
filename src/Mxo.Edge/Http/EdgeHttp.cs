using Mxo.Actors;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Mxo.Edge.Auth;

namespace Mxo.Edge.Http;

/// <summary>
/// Where a browser may open sockets and call the HTTP API from. <c>Mxo:Security:AllowedOrigins</c>, comma-separated;
/// "*" allows any origin and is refused at start-up unless --dev.
/// </summary>
public sealed class OriginPolicy(IReadOnlyCollection<string> allowed, bool any)
{
    public IReadOnlyCollection<string> Allowed { get; } = allowed;

    /// <summary>A request without an Origin header (native clients, bots) is not a browser request and passes.</summary>
    public bool IsAllowed(string? origin) =>
        string.IsNullOrEmpty(origin) || any || Allowed.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
}

/// <summary>HTTP concerns of the edge: security options, CORS, rate limits, auth endpoints.</summary>
public static class EdgeHttp
{
    /// <summary>The CORS policy applied to every request (docs/protocol.md "HTTP API").</summary>
    public const string CorsPolicy = "mxo";

    /// <summary>The rate-limiter policy of <c>POST /auth/register</c>: <see cref="SecurityOptions.RegistrationsPerAddressPerHour"/>.</summary>
    public const string RegistrationPolicy = "registration";

    /// <summary>Path prefixes of the JSON API: origin refusal and JSON 404/405 apply to these.</summary>
    private static readonly string[] ApiPrefixes = ["/auth", "/characters", "/admin"];

    public static IServiceCollection AddEdgeHttp(this IServiceCollection services, IConfiguration configuration, bool devMode)
    {
        var security = configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>() ?? new SecurityOptions();
        SettingsCheck.ThrowIfAny(security);

        var origins = (configuration["Mxo:Security:AllowedOrigins"] ?? SecurityOptions.DefaultAllowedOrigins)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var any = origins.Contains("*");
        if (any && !devMode)
            throw new InvalidOperationException("Mxo:Security:AllowedOrigins = * (any origin) is refused outside --dev");
        var originPolicy = new OriginPolicy(origins.Where(o => o != "*").Select(o => o.TrimEnd('/')).ToArray(), any);
        services.AddSingleton(originPolicy);
        services.AddSingleton(security);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISessionRevoker, NoSessionRevoker>();
        services.TryAddSingleton(sp => new LoginThrottle(security.LoginFailuresPerAddress, security.LoginFailureWindow,
            security.AddressBlockDuration, security.MaxTrackedAddresses, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<AccountGateway>();
        services.TryAddSingleton<AuthApi>();

        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .SetIsOriginAllowed(originPolicy.IsAllowed)
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Options)
            .WithHeaders("Authorization", "Content-Type")
            .WithExposedHeaders("Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero
                    ? wait
                    : TimeSpan.FromMinutes(1);
                return new ValueTask(ApiError.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, HttpErrors.RateLimited,
                    "too many requests; slow down", retryAfter));
            };
            if (RequestLimiter(security.RateLimit, exemptLoopback: devMode) is { } global)
                limiter.GlobalLimiter = global;
            // Each registration costs a full password hash and a persisted account: far stricter than other requests.
            var registrations = security.RegistrationsPerAddressPerHour;
            limiter.AddPolicy(RegistrationPolicy, context => registrations <= 0 || IsExemptAddress(context, devMode)
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetFixedWindowLimiter("r:" + ClientAddress.Of(context), _ => Window(registrations, TimeSpan.FromHours(1))));
        });
        return services;
    }

    /// <summary>
    /// Per client address and per account (a valid access token's <c>sub</c>, from <c>Authorization: Bearer</c> or the
    /// socket's <c>bearer.</c> subprotocol): <c>PerMinute</c> in a fixed one-minute window and <c>PerHour</c> in a
    /// one-hour window, every HTTP request (the <c>/ws</c> upgrade included) except <c>/health/*</c>. Null when both are 0.
    /// </summary>
    /// <param name="exemptLoopback">
    /// --dev only: requests from this machine skip the per-address limits, so a bot swarm on a laptop is not throttled
    /// as one client. Per-account limits still apply.
    /// </param>
    private static PartitionedRateLimiter<HttpContext>? RequestLimiter(RateLimitOptions options, bool exemptLoopback)
    {
        var byAddress = new List<PartitionedRateLimiter<HttpContext>>(2);
        var byAccount = new List<PartitionedRateLimiter<HttpContext>>(2);
        foreach (var (limit, window) in new[] { (options.PerMinute, TimeSpan.FromMinutes(1)), (options.PerHour, TimeSpan.FromHours(1)) })
        {
            if (limit <= 0) continue;
            byAddress.Add(PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsExempt(context) || IsExemptAddress(context, exemptLoopback)
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetFixedWindowLimiter("a:" + ClientAddress.Of(context), _ => Window(limit, window))));
            byAccount.Add(PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsExempt(context) || AccountOf(context) is not { } account
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetFixedWindowLimiter("u:" + account, _ => Window(limit, window))));
        }
        // Addresses first: a request refused for its address does not count against the account (and needs no token check).
        return byAddress.Count == 0 ? null : PartitionedRateLimiter.CreateChained([.. byAddress, .. byAccount]);
    }

    private static FixedWindowRateLimiterOptions Window(int limit, TimeSpan window) => new()
    {
        PermitLimit = limit,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static bool IsExempt(HttpContext context) => context.Request.Path.StartsWithSegments("/health");

    /// <summary>--dev only: a request from this machine skips the per-address limits.</summary>
    private static bool IsExemptAddress(HttpContext context, bool exemptLoopback) =>
        exemptLoopback && context.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip);

    /// <summary>The account of a valid access token on the request, or null.</summary>
    private static string? AccountOf(HttpContext context)
    {
        var tokens = context.RequestServices.GetService<TokenService>();
        if (tokens is null) return null;
        var validation = ApiRequest.BearerValidation(context, tokens);
        if (validation.IsValid) return validation.Claims.AccountId;
        if (validation.Error != TokenErrors.MissingToken) return null;

        // Browsers put the socket's token in the subprotocol list: "mxo.v1, bearer.<token>".
        foreach (var header in context.Request.Headers.SecWebSocketProtocol)
            foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (part.StartsWith("bearer.", StringComparison.Ordinal) && tokens.Validate(part["bearer.".Length..]) is { IsValid: true } v)
                    return v.Claims.AccountId;
        return null;
    }

    /// <summary>Middleware that must run before the endpoints: origin refusal, CORS, rate limits.</summary>
    public static WebApplication UseEdgeHttp(this WebApplication app)
    {
        var origins = app.Services.GetRequiredService<OriginPolicy>();
        app.Use(async (context, next) =>
        {
            if (!IsApi(context.Request.Path))
            {
                await next(context);
                return;
            }
            var origin = context.Request.Headers.Origin;
            if (origin.Count > 1 || !origins.IsAllowed(origin.ToString()))
            {
                await ApiError.Write(context, StatusCodes.Status403Forbidden, HttpErrors.OriginNotAllowed,
                    "this origin may not call the API");
                return;
            }
            await next(context);
            // Unknown paths and methods under the API answer JSON like every other error.
            if (!context.Response.HasStarted && context.Response.ContentLength is null && context.Response.ContentType is null)
            {
                if (context.Response.StatusCode == StatusCodes.Status404NotFound)
                    await ApiError.Write(context, StatusCodes.Status404NotFound, HttpErrors.NotFound, "no such endpoint");
                else if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
                    await ApiError.Write(context, StatusCodes.Status405MethodNotAllowed, HttpErrors.MethodNotAllowed,
                        "this endpoint does not take that method");
            }
        });
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        return app;
    }

    private static bool IsApi(PathString path)
    {
        foreach (var prefix in ApiPrefixes)
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    /// <summary><c>/auth/*</c>, <c>/characters</c>, <c>/admin/*</c> (docs/protocol.md "HTTP API").</summary>
    public static WebApplication MapAuth(this WebApplication app)
    {
        app.MapPost("/auth/register", Endpoint((api, context) => api.RegisterAsync(context))).RequireRateLimiting(RegistrationPolicy);
        app.MapPost("/auth/login", Endpoint((api, context) => api.LoginAsync(context)));
        app.MapGet("/auth/validate", Endpoint((api, context) => Task.FromResult(api.Validate(context))));
        app.MapPost("/auth/refresh", Endpoint((api, context) => api.RefreshAsync(context)));
        app.MapPost("/auth/logout", Endpoint((api, context) => api.LogoutAsync(context)));
        app.MapGet("/characters", Endpoint((api, context) => api.ListCharactersAsync(context)));
        app.MapPost("/characters", Endpoint((api, context) => api.CreateCharacterAsync(context)));
        app.MapPost("/admin/permissions", Endpoint((api, context) => api.ChangePermissionAsync(context)));
        return app;
    }

    private static RequestDelegate Endpoint(Func<AuthApi, HttpContext, Task<IResult>> handler) => async context =>
    {
        var api = context.RequestServices.GetRequiredService<AuthApi>();
        context.Response.Headers.CacheControl = "no-store";
        IResult result;
        try
        {
            result = await handler(api, context);
        }
        catch (ApiErrorException e)
        {
            result = e.Error;
        }
        catch (BadHttpRequestException e)
        {
            // The body could not be read (too slow, cut off): Kestrel's status, our body.
            result = new ApiError(e.StatusCode, HttpErrors.BadRequest, "the request could not be read");
        }
        catch (AccountsUnavailableException)
        {
            result = AuthApi.Unavailable("the account service did not answer in time; retry shortly");
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mxo.Edge.Auth")
                .LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            result = new ApiError(StatusCodes.Status500InternalServerError, HttpErrors.InternalError, "internal error");
        }
        await result.ExecuteAsync(context);
    };
}

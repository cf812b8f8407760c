using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
    public static IServiceCollection AddEdgeHttp(this IServiceCollection services, IConfiguration configuration, bool devMode)
    {
        var origins = (configuration["Mxo:Security:AllowedOrigins"] ?? "https://mxo.example.com,https://game.mxo.example.com")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var any = origins.Contains("*");
        if (any && !devMode)
            throw new InvalidOperationException("Mxo:Security:AllowedOrigins = * (any origin) is refused outside --dev");
        services.AddSingleton(new OriginPolicy(origins.Where(o => o != "*").Select(o => o.TrimEnd('/')).ToArray(), any));
        return services;
    }

    /// <summary>Middleware that must run before the endpoints (CORS, rate limits).</summary>
    public static WebApplication UseEdgeHttp(this WebApplication app) => app;

    /// <summary><c>/auth/*</c>, <c>/characters</c>, <c>/admin/*</c>.</summary>
    public static WebApplication MapAuth(this WebApplication app) => app;
}

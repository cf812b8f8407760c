using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Akka.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mxo.Actors.Hosting;
using Mxo.Edge.Auth;
using Mxo.Edge.Features;
using Mxo.Edge.Http;
using Mxo.Protocol;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Wire;
using Mxo.Protocol.World;
using Mxo.Actors.Accounts;
using Mxo.Actors.Combat;
using Mxo.Actors.Players;

namespace Mxo.Edge;

/// <summary>Ready = this node is an Up member of the cluster. Akka.Cluster.Hosting's <c>WithAkkaClusterReadinessCheck</c>
/// stays healthy once the node has joined, also while it is leaving; this one does not.</summary>
public sealed class ClusterMemberCheck(ActorSystem system) : IHealthCheck
{
    public const string Name = "cluster";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var cluster = Cluster.Get(system);
        var status = cluster.SelfMember.Status;
        // Before the node has joined, its own member reads "Removed" too: say what is really going on.
        var problem = status == MemberStatus.Removed && !cluster.IsTerminated ? "not a member yet (joining)" : $"member status is {status}";
        return Task.FromResult(status == MemberStatus.Up
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, problem));
    }
}

public static class EdgeEndpoints
{
    /// <summary>Starts the sessions parent (needs the player region or its proxy).</summary>
    public static AkkaConfigurationBuilder AddMxoEdge(this AkkaConfigurationBuilder builder, EdgeOptions options) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var tokens = resolver.GetService<TokenService>();
            Func<string, SessionIdentity?> validate = token =>
                tokens.Validate(token) is { IsValid: true, Claims: { PlayerId: { } player } claims }
                    ? new SessionIdentity(claims.AccountId, new PlayerId(player), "", claims.ExpiresAt)
                    : null;
            var players = registry.Get<PlayerRegion>();
            // Without a combat region (a node built without the combat table) fights' actions go nowhere and time out.
            var encounters = registry.TryGet<CombatRegion>(out var combat) ? combat : ActorRefs.Nobody;
            var inboxes = registry.TryGet<Mxo.Actors.Notifications.InboxRegion>(out var inbox) ? inbox : null;
            var moderation = registry.TryGet<Mxo.Actors.Moderation.ModerationLogRegion>(out var log) ? log : null;
            var features = SessionFeatureSet.For(players, resolver.GetService<WorldMap>().All.Select(d => d.Id).ToArray(), encounters, inboxes,
                moderation);
            registry.Register<SessionsActor>(system.ActorOf(SessionsActor.PropsFor(players, options, features, validate), "sessions"));
        });

    public static IServiceCollection AddEdge(this IServiceCollection services, EdgeOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(new SocketsPerAddress(options.MaxSocketsPerAddress));
        services.AddSingleton(new OpenSockets(options.MaxSockets));
        services.AddSingleton<ClusterMemberCheck>();
        services.AddReadinessCheck(ClusterMemberCheck.Name, sp => sp.GetRequiredService<ClusterMemberCheck>());
        services.AddSingleton<DistrictsStartedCheck>();
        services.AddReadinessCheck(DistrictsStartedCheck.Name, sp => sp.GetRequiredService<DistrictsStartedCheck>());
        services.AddSingleton<ISessionRevoker, PlayerKickRevoker>();
        return services;
    }

    /// <summary><c>GET /ws</c>: the player socket, and closing every socket with 1001 when the node stops.</summary>
    public static WebApplication MapPlayerSocket(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<EdgeOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mxo.Edge");

        GuardedUpgradeFeature.Install(app);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });

        app.Map("/ws", async (HttpContext context, ActorSystem system, IRequiredActor<SessionsActor> sessionsRef,
            IRequiredActor<AccountRegion> accountsRef, TokenService tokens, OriginPolicy origins, SocketsPerAddress perAddress,
            OpenSockets open) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await WriteJson(context, StatusCodes.Status400BadRequest, "websocket_required", "GET /ws must be a WebSocket upgrade");
                return;
            }
            if (!origins.IsAllowed(context.Request.Headers.Origin))
            {
                await WriteJson(context, StatusCodes.Status403Forbidden, "origin_not_allowed", "this origin may not open sockets");
                return;
            }

            // Before any work for it: a node holding its maximum of sockets says so at once, and the client retries.
            using var slot = open.TryTake();
            if (slot is null)
            {
                context.Response.Headers.RetryAfter = "5";
                await WriteJson(context, StatusCodes.Status503ServiceUnavailable, "server_full",
                    $"this node holds its maximum of {options.MaxSockets} player sockets; retry in a few seconds");
                return;
            }

            var (token, offeredProtocol) = SocketToken.From(context.Request);
            SessionIdentity? identity = null;
            if (token is null)
            {
                if (!options.DevMode)
                {
                    await WriteJson(context, StatusCodes.Status401Unauthorized, "missing_token",
                        "send an access token: 'Authorization: Bearer <token>' or the subprotocols 'mxo.v1, bearer.<token>'");
                    return;
                }
            }
            else
            {
                var validation = tokens.Validate(token);
                if (!validation.IsValid || validation.Claims is not { } claims)
                {
                    await WriteJson(context, StatusCodes.Status401Unauthorized, validation.Error ?? "invalid_token", "the access token is not valid");
                    return;
                }
                // The token names the character; the account confirms it is (still) its own and gives its name.
                var accounts = await accountsRef.GetAsync(context.RequestAborted);
                var selected = claims.PlayerId is null
                    ? null
                    : await accounts.Ask<IMxoMessage>(new AccountCommands.SelectCharacter(new AccountId(claims.AccountId), claims.PlayerId),
                        options.RequestTimeout, context.RequestAborted) as AccountReplies.CharacterSelected;
                if (selected is null)
                {
                    await WriteJson(context, StatusCodes.Status403Forbidden, "no_character",
                        "the token does not name one of this account's characters; log in with a character");
                    return;
                }
                identity = new SessionIdentity(claims.AccountId, selected.PlayerId, selected.Name, claims.ExpiresAt, claims.Permissions);
            }

            // --dev: a bot swarm on this machine is not one client (as for the HTTP per-address limits).
            var address = options.DevMode && context.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip)
                ? null
                : ClientAddress.Of(context);
            if (address is not null && !perAddress.TryAcquire(address))
            {
                await WriteJson(context, StatusCodes.Status429TooManyRequests, "too_many_sockets",
                    $"this address already has {options.MaxSocketsPerAddress} open sockets");
                return;
            }
            try
            {
                var sessions = await sessionsRef.GetAsync(context.RequestAborted);
                using var socket = await context.WebSockets.AcceptWebSocketAsync(offeredProtocol ? SocketToken.Subprotocol : null);
                var upgrade = EdgeTracing.EndUpgrade();
                var connection = new WebSocketConnection(socket, options, logger, WireProtocol.MaxFrameBytes,
                    (context.Features.Get<IHttpUpgradeFeature>() as GuardedUpgradeFeature)?.Stream);
                await connection.RunAsync(system.Materializer(),
                    outbound => sessions.Ask<IActorRef>(new SessionsActor.Spawn(outbound, identity, upgrade), options.RequestTimeout),
                    context.RequestAborted);
            }
            finally
            {
                if (address is not null) perAddress.Release(address);
            }
        });

        // Close every socket with 1001 before Kestrel and the actor system stop, so clients hear why and players
        // are checkpointed on logout.
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Register(() =>
        {
            try
            {
                var sessions = app.Services.GetRequiredService<ActorRegistry>().Get<SessionsActor>();
                sessions.Ask<SessionsActor.AllClosed>(SessionsActor.ShuttingDown, options.CloseTimeout + TimeSpan.FromSeconds(1))
                    .Wait();
            }
            catch (Exception e)
            {
                logger.LogWarning("Not every session closed cleanly on shutdown: {Reason}", e.Message);
            }
        });
        return app;
    }

    /// <summary>Health checks with this tag decide <c>GET /health/ready</c>; Akka.Hosting's liveness checks carry
    /// <see cref="LivenessTag"/> and decide <c>GET /health/live</c>.</summary>
    public const string ReadyTag = "ready";

    public const string LivenessTag = "liveness";

    /// <summary>How long one check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Adds a condition of <c>GET /health/ready</c> (an ASP.NET Core health check tagged <see cref="ReadyTag"/>).</summary>
    public static IServiceCollection AddReadinessCheck(this IServiceCollection services, string name, IHealthCheck check) =>
        services.AddReadinessCheck(name, _ => check);

    public static IServiceCollection AddReadinessCheck(this IServiceCollection services, string name, Func<IServiceProvider, IHealthCheck> check)
    {
        services.AddHealthChecks().Add(new HealthCheckRegistration(name, check, HealthStatus.Unhealthy, [ReadyTag], CheckTimeout));
        return services;
    }

    /// <summary><c>GET /health/live</c> (the process answers and its actor system runs) and <c>GET /health/ready</c>
    /// (every readiness check passes), ASP.NET Core health checks answering with <see cref="HealthReport"/> bodies.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", HealthOptions(LivenessTag, "live", "not_live"));
        app.MapHealthChecks("/health/ready", HealthOptions(ReadyTag, "ready", "not_ready"));
        return app;
    }

    private static HealthCheckOptions HealthOptions(string tag, string passed, string failed) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = (context, report) =>
        {
            var problems = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
                .Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()}")
                .ToArray();
            return context.Response.WriteAsJsonAsync(new HealthReport(problems.Length == 0 ? passed : failed, problems),
                EdgeJson.Default.HealthReport);
        },
    };

    internal static Task WriteJson(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(code, message), EdgeJson.Default.ErrorBody);
    }
}

/// <summary>The body of <c>/health/*</c>.</summary>
public sealed record HealthReport(string Status, string[] Problems);

public sealed record ErrorBody(string Error, string Message);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
[System.Text.Json.Serialization.JsonSerializable(typeof(ErrorBody))]
internal sealed partial class EdgeJson : System.Text.Json.Serialization.JsonSerializerContext;

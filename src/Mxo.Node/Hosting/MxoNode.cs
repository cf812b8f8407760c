using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using Mxo.Actors;
using Mxo.Actors.Accounts;
using Mxo.Actors.Hosting;
using Mxo.Actors.World;
using Mxo.Edge;
using Mxo.Edge.Auth;
using Mxo.Edge.Http;
using Mxo.Protocol;
using Mxo.Protocol.Serialization;
using Mxo.Protocol.World;

namespace Mxo.Node.Hosting;

/// <summary>Builds a node: the same binary for every role; the roles decide what it hosts.</summary>
public static class MxoNode
{
    /// <param name="configure">Extra host configuration (tests: logging, configuration sources).</param>
    /// <param name="configureAkka">Extra Akka configuration, applied last (tests: the fallback-serializer guard).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null,
        Action<AkkaConfigurationBuilder>? configureAkka = null)
    {
        // The switches (NodeCommandLine) become their configuration keys; full configuration keys pass through.
        var commandLine = NodeCommandLine.Parse(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = commandLine.ConfigurationArgs,
            // appsettings.json and hocon/ ship beside the binary; ./data stays relative to the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(commandLine.Settings);
        configure?.Invoke(builder);

        var node = builder.Configuration.GetSection("Mxo").Get<NodeOptions>() ?? new NodeOptions();
        var world = builder.Configuration.GetSection("Mxo:World").Get<WorldSettings>() ?? new WorldSettings();
        var edge = (builder.Configuration.GetSection("Mxo:Edge").Get<EdgeOptions>() ?? new EdgeOptions()) with { DevMode = node.Dev };
        var roles = node.RoleList;
        if (roles.Count == 0 || roles.Any(r => r is not ("world" or "edge")))
            throw new InvalidOperationException($"Mxo:Roles must list 'world' and/or 'edge', got '{node.Roles}'");
        NodeLogging.Configure(builder.Logging, node.LogFormat);

        var accounts = builder.Configuration.GetSection("Mxo:Accounts").Get<AccountSettings>() ?? new AccountSettings();
        var jwt = builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
        Validate(world, edge);
        if (accounts.Problems() is { Count: > 0 } accountProblems)
            throw new InvalidOperationException(string.Join("; ", accountProblems));
        // The world data file: a map that breaks a rule (overlaps, a hardline outside its district) stops the node.
        var mapPath = builder.Configuration["Mxo:World:MapFile"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, Environment.CurrentDirectory)
            : WorldMap.DefaultPath;
        var map = WorldMap.Load(mapPath);
        if (world.DistrictCapacity is { } capacity) map = map.WithCapacity(null, capacity);
        var clock = builder.Configuration.GetSection("Mxo:WorldClock").Get<WorldClockSettings>() ?? new WorldClockSettings();
        if (clock.Problems() is { Count: > 0 } clockProblems)
            throw new InvalidOperationException("Mxo:WorldClock: " + string.Join("; ", clockProblems));
        var persistence = node.HostsWorld ? PersistenceSetup.From(node.Persistence, Environment.CurrentDirectory) : null;

        builder.WebHost.UseUrls(node.EdgeUrl);
        builder.Services.AddSingleton(node);
        builder.Services.AddEdge(edge);
        if (persistence is not null) builder.Services.AddReadinessCheck(PersistenceSetup.CheckName, persistence);
        builder.Services.AddSingleton(accounts);
        builder.Services.AddSingleton(map);
        if (node.HostsEdge) builder.Services.AddEdgeHttp(builder.Configuration, node.Dev);
        // Resolved right after Build so a missing or short key stops the node at start-up (unless --dev).
        builder.Services.AddSingleton(sp => new TokenService(
            JwtKeyPolicy.Resolve(jwt, node.Dev, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Mxo.Auth"))));

        builder.Services.AddAkka(node.SystemName, (akka, _) =>
        {
            akka.AddHoconFile(Path.Combine(AppContext.BaseDirectory, "hocon", "akka.conf"), HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLogger<AkkaLogger>();
                })
                .WithRemoting(node.Hostname, node.Port)
                .WithClustering(new ClusterOptions
                {
                    Roles = roles.ToArray(),
                    SeedNodes = node.SeedNodeList.ToArray(),
                })
                .WithCustomSerializer("mxo", [typeof(IMxoMessage)], system => new MxoSerializer(system))
                .WithActorSystemLivenessCheck();

            if (node.SeedNodeList.Count == 0)
                akka.WithActors((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));

            if (persistence is not null)
                akka.WithSqlPersistence(persistence.ConnectionString, persistence.LinqProvider, autoInitialize: true);

            akka.AddWorldClock(clock, node.HostsWorld)
                .AddDistrictEntity(world, map, node.HostsWorld, clock)
                .AddPlayerEntity(world, map, node.HostsWorld)
                .AddAccountEntity(accounts, node.HostsWorld);

            if (node.HostsEdge) akka.AddEdgeSessions(edge);
            configureAkka?.Invoke(akka);
        });

        var app = builder.Build();
        if (node.HostsEdge) app.Services.GetRequiredService<TokenService>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mxo.Node");
        if (node.HostsWorld && !accounts.MeetsOwaspMinimum)
            log.LogWarning("Mxo:Accounts password hashing ({Algorithm}, {Iterations} iterations) is below OWASP's minimum",
                accounts.PasswordAlgorithm, accounts.PasswordIterations);
        if (node.HostsEdge) app.UseEdgeHttp();
        app.MapHealth();
        if (node.HostsEdge) app.MapAuth().MapPlayerSocket().MapWorld();

        if (node.Dev)
            log.LogWarning("DEV MODE (--dev): the 'hello' stand-in identity and sockets without a token are accepted, and " +
                "requests from this machine skip the per-address rate limits; never expose this node beyond your machine");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            log.LogInformation("MXO node up: roles [{Roles}], cluster {System}@{Host}:{Port}, seeds [{Seeds}]",
                string.Join(", ", roles), node.SystemName, node.Hostname, node.Port,
                node.SeedNodeList.Count == 0 ? "self" : string.Join(", ", node.SeedNodeList));
            log.LogInformation("Listening on {Url}{Socket}", node.EdgeUrl,
                node.HostsEdge ? $" (players: {node.EdgeUrl.Replace("http", "ws")}/ws)" : "");
            log.LogInformation("Data: {Data}", persistence?.Description ?? "none (this node does not host the world)");
            log.LogInformation("World map: {Path} ({Districts} districts)", mapPath, map.All.Count);
        });
        return app;
    }

    private static void Validate(WorldSettings world, EdgeOptions edge)
    {
        var problems = new List<string>();
        if (world.CheckpointInterval <= TimeSpan.Zero) problems.Add("Mxo:World:CheckpointInterval must be positive");
        if (world.SnapshotEvery < 1) problems.Add("Mxo:World:SnapshotEvery must be at least 1");
        if (world.PlayerIdleTimeout <= TimeSpan.Zero) problems.Add("Mxo:World:PlayerIdleTimeout must be positive");
        if (world.EnterTimeout <= TimeSpan.Zero) problems.Add("Mxo:World:EnterTimeout must be positive");
        if (world.MaxShards < 1) problems.Add("Mxo:World:MaxShards must be at least 1");
        if (world.TickInterval <= TimeSpan.Zero) problems.Add("Mxo:World:TickInterval must be positive");
        if (!(world.InterestRadius >= 1)) problems.Add("Mxo:World:InterestRadius must be at least 1");
        if (world.DistrictCapacity is < 1) problems.Add("Mxo:World:DistrictCapacity must be at least 1 when set");
        if (!(world.MaxSpeed > 0)) problems.Add("Mxo:World:MaxSpeed must be positive");
        if (world.MovementJitter < TimeSpan.Zero) problems.Add("Mxo:World:MovementJitter must not be negative");
        if (world.JackOutDuration <= TimeSpan.Zero) problems.Add("Mxo:World:JackOutDuration must be positive");
        if (!(world.HardlineUnlockRadius >= 0)) problems.Add("Mxo:World:HardlineUnlockRadius must not be negative");
        if (!(world.InteractionReach > 0)) problems.Add("Mxo:World:InteractionReach must be positive");
        if (edge.InboundBuffer < 1) problems.Add("Mxo:Edge:InboundBuffer must be at least 1");
        if (edge.OutboundBuffer < 1) problems.Add("Mxo:Edge:OutboundBuffer must be at least 1");
        if (edge.MaxInFlight < 1) problems.Add("Mxo:Edge:MaxInFlight must be at least 1");
        if (edge.RequestTimeout <= TimeSpan.Zero) problems.Add("Mxo:Edge:RequestTimeout must be positive");
        if (edge.CloseTimeout <= TimeSpan.Zero) problems.Add("Mxo:Edge:CloseTimeout must be positive");
        problems.AddRange(world.SayRate.Problems("Mxo:World:SayRate"));
        problems.AddRange(world.InteractRate.Problems("Mxo:World:InteractRate"));
        problems.AddRange(world.TravelRate.Problems("Mxo:World:TravelRate"));
        if (world.MaxRateLimitStrikes < 1) problems.Add("Mxo:World:MaxRateLimitStrikes must be at least 1");
        if (world.MaxRefusedMoves < 1) problems.Add("Mxo:World:MaxRefusedMoves must be at least 1");
        if (world.StrikeWindow <= TimeSpan.Zero) problems.Add("Mxo:World:StrikeWindow must be positive");
        problems.AddRange(edge.FrameRate.Problems("Mxo:Edge:FrameRate"));
        problems.AddRange(edge.ErrorRate.Problems("Mxo:Edge:ErrorRate"));
        if (edge.MaxDroppedFrames < 1) problems.Add("Mxo:Edge:MaxDroppedFrames must be at least 1");
        if (edge.StrikeWindow <= TimeSpan.Zero) problems.Add("Mxo:Edge:StrikeWindow must be positive");
        if (edge.MaxSocketsPerAddress < 1) problems.Add("Mxo:Edge:MaxSocketsPerAddress must be at least 1");
        if (problems.Count > 0) throw new InvalidOperationException(string.Join("; ", problems));
    }
}

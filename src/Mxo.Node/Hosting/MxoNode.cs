using System.Globalization;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Mxo.Actors;
using Mxo.Actors.Accounts;
using Mxo.Actors.Hosting;
using Mxo.Actors.Missions;
using Mxo.Actors.Notifications;
using Mxo.Actors.World;
using Mxo.Edge;
using Mxo.Edge.Auth;
using Mxo.Edge.Http;
using Mxo.Node.Fencing;
using Mxo.Node.Operator;
using Mxo.Protocol;
using Mxo.Protocol.Serialization;
using Mxo.Protocol.World;
using OpenTelemetry.Trace;

namespace Mxo.Node.Hosting;

/// <summary>Builds a node: the same binary for every role; the roles decide what it hosts.</summary>
public static class MxoNode
{
    /// <summary>This build's version (the Mxo.Node assembly's), as members report it to each other.</summary>
    public static string NodeVersion { get; } = typeof(MxoNode).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <param name="configure">Extra host configuration (tests: logging, configuration sources).</param>
    /// <param name="configureAkka">Extra Akka configuration, applied last (tests: the fallback-serializer guard).</param>
    /// <param name="traceExporters">Exporters besides OTLP; given, tracing is on without an endpoint (tests: in memory).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null,
        Action<AkkaConfigurationBuilder>? configureAkka = null, Action<TracerProviderBuilder>? traceExporters = null)
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

        var accounts = builder.Configuration.GetSection("Mxo:Accounts").Get<AccountSettings>() ?? new AccountSettings();
        var jwt = builder.Configuration.GetSection(JwtOptions.SectionName).Get<JwtOptions>() ?? new JwtOptions();
        var clock = builder.Configuration.GetSection("Mxo:WorldClock").Get<WorldClockSettings>() ?? new WorldClockSettings();
        var security = builder.Configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>() ?? new SecurityOptions();
        var operatorOptions = builder.Configuration.GetSection(OperatorOptions.SectionName).Get<OperatorOptions>() ?? new OperatorOptions();
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var notifications = builder.Configuration.GetSection("Mxo:Notifications").Get<NotificationSettings>() ?? new NotificationSettings();
        var scheduler = builder.Configuration.GetSection("Mxo:Missions").Get<MissionSchedulerSettings>() ?? new MissionSchedulerSettings();
        var missionPlay = builder.Configuration.GetSection("Mxo:Missions").Get<MissionPlaySettings>() ?? new MissionPlaySettings();
        // Every options record at once: one message per problem, then exit code 2 (Program.cs).
        SettingsCheck.ThrowIfAny(node, world, clock, edge, accounts, security, jwt, operatorOptions, telemetry, notifications, scheduler, missionPlay);
        NodeLogging.Configure(builder.Logging, node.LogFormat);
        // The world data file: a map that breaks a rule (overlaps, a hardline outside its district) stops the node.
        var mapPath = DataFilePath(builder.Configuration, "Mxo:World:MapFile", WorldMap.DefaultPath);
        var map = WorldMap.Load(mapPath);
        if (world.DistrictCapacity is { } capacity) map = map.WithCapacity(null, capacity);
        // The combat table (tactics, abilities, tuning): a table that breaks a rule stops the node the same way.
        var combat = Mxo.Protocol.Combat.CombatTable.Load(
            DataFilePath(builder.Configuration, "Mxo:World:CombatFile", Mxo.Protocol.Combat.CombatTable.DefaultPath));
        // The NPCs and the fighters' numbers, checked against that table and the map: any problem stops the node the same way.
        var npcsPath = DataFilePath(builder.Configuration, "Mxo:World:NpcsFile", Mxo.Protocol.Npcs.NpcTable.DefaultPath);
        var npcs = Mxo.Protocol.Npcs.NpcTable.Load(npcsPath, combat, map);
        // The missions' content, checked against the map and the NPCs: any problem stops the node the same way.
        var missionsPath = DataFilePath(builder.Configuration, "Mxo:World:MissionsFile", Mxo.Protocol.Missions.MissionTable.DefaultPath);
        var missions = Mxo.Protocol.Missions.MissionTable.Load(missionsPath, map, npcs);
        var persistence = node.HostsWorld ? PersistenceSetup.From(node.Persistence, Environment.CurrentDirectory) : null;

        string?[] urls = [node.EdgeUrl, operatorOptions.Enabled ? operatorOptions.Url : null, ClusterFormation.ManagementUrl(node)];
        builder.WebHost.UseUrls([.. urls.OfType<string>()]);
        var openFileLimit = ConnectionCap.ReadOpenFileLimit();
        var maxConnections = ConnectionCap.Of(node.MaxConnections, openFileLimit);
        var split = maxConnections is { } cap ? ConnectionCap.Split(cap) : ((long Sockets, long Other)?)null;
        if (split is { } caps)
        {
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Limits.MaxConcurrentConnections = caps.Other;
                kestrel.Limits.MaxConcurrentUpgradedConnections = caps.Sockets;
            });
            // The edge refuses the upgrade itself before Kestrel's count is reached: a client hears 503 server_full.
            edge = edge with { MaxSockets = (int)Math.Min(edge.MaxSockets, caps.Sockets) };
        }
        builder.Services.AddSingleton(node);
        var tracing = builder.Services.AddNodeTracing(builder.Configuration, telemetry, node, traceExporters);
        builder.Services.AddEdge(edge);
        if (persistence is not null) builder.Services.AddReadinessCheck(PersistenceSetup.CheckName, persistence);
        builder.Services.AddSingleton(accounts);
        builder.Services.AddSingleton(map);
        builder.Services.AddSingleton(combat);
        builder.Services.AddSingleton(npcs);
        builder.Services.AddSingleton(missions);
        builder.Services.AddSingleton(notifications);
        builder.Services.AddSingleton<NotificationBroadcasts>();
        builder.Services.AddSingleton(new ShardCounts(new Dictionary<string, int>
        {
            [Mxo.Actors.Players.PlayerRegistration.TypeName] = world.MaxShards,
            [Mxo.Actors.Districts.DistrictRegistration.TypeName] = world.MaxShards,
            [AccountRegistration.AccountTypeName] = accounts.MaxShards,
            [AccountRegistration.CharacterNameTypeName] = accounts.MaxShards,
            [InboxRegistration.TypeName] = notifications.MaxShards,
            [Mxo.Actors.Combat.CombatRegistration.TypeName] = world.MaxShards,
            [Mxo.Actors.Crews.CrewRegistration.TypeName] = world.MaxShards,
            [Mxo.Actors.Teams.TeamRegistration.TypeName] = world.MaxShards,
            [Mxo.Actors.Moderation.ModerationLogRegistration.TypeName] = world.MaxShards,
            [Mxo.Actors.Orgs.OrgRegistration.TypeName] = world.MaxShards,
        }));
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
                // The node's own version, not the entry assembly's (a test host's): sharding gives new shards to the
                // members with the newest app-version, and `pbm cluster show` prints it.
                .AddHocon($"akka.cluster.app-version = \"{NodeVersion}\"", HoconAddMode.Prepend)
                .WithCustomSerializer("mxo", [typeof(IMxoMessage)], system => new MxoSerializer(system))
                .WithActorSystemLivenessCheck()
                // On every node, whatever its roles: organisations publish their lines (world nodes) and operators their
                // announcements (any node) to topics the edge nodes' sessions subscribe to (docs/architecture.md).
                .WithDistributedPubSub("")
                .WithClusterFormation(node)
                // Every node answers and asks for contact; world nodes' journals write only while in contact with a
                // majority (src/Mxo.Node/Fencing).
                .AddWriteFence();

            persistence?.AddJournal(akka);

            akka.AddMxoWorld(world, map, clock, accounts, node.HostsWorld, Mxo.Actors.Hosting.WorldCombat.From(combat, npcs), notifications,
                scheduler, PlayerMissions.From(new Mxo.Protocol.Missions.MissionWorld(missions, npcs, map), missionPlay, scheduler));

            if (node.HostsEdge) akka.AddMxoEdge(edge);
            configureAkka?.Invoke(akka);
        });

        var app = builder.Build();
        if (node.HostsEdge) app.Services.GetRequiredService<TokenService>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mxo.Node");
        if (node.HostsWorld && !accounts.MeetsOwaspMinimum)
            log.LogWarning("Mxo:Accounts password hashing ({Algorithm}, {Iterations} iterations) is below OWASP's minimum",
                accounts.PasswordAlgorithm, accounts.PasswordIterations);
        // First: the operator port serves only the operator commands, and they are served only there.
        app.MapOperator(operatorOptions);
        app.MapClusterBootstrap(node); // likewise the management port and the bootstrap route
        if (node.HostsEdge) app.UseEdgeHttp();
        app.MapHealth();
        if (node.HostsEdge) app.MapAuth().MapPlayerSocket().MapWorld();

        if (node.Dev)
            log.LogWarning("DEV MODE (--dev): the 'hello' stand-in identity and sockets without a token are accepted, and " +
                "requests from this machine skip the per-address rate limits; never expose this node beyond your machine");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            NodeExit.Watch(app.Services.GetRequiredService<Akka.Actor.ActorSystem>(), app.Lifetime, log);
            log.LogInformation("MXO node up: roles [{Roles}], cluster {System}@{Host}:{Port}, {Formation}",
                string.Join(", ", roles), node.SystemName, node.Hostname, node.Port, ClusterFormation.Describe(node));
            log.LogInformation("Listening on {Url}{Socket}", node.EdgeUrl,
                node.HostsEdge ? $" (players: {node.EdgeUrl.Replace("http", "ws")}/ws)" : "");
            log.LogInformation("Data: {Data}", persistence?.Description ?? "none (this node does not host the world)");
            log.LogInformation("Connections: at most {Max} at once, {Sockets} of them player sockets ({Why})",
                maxConnections?.ToString(CultureInfo.InvariantCulture) ?? "unlimited", split?.Sockets.ToString(CultureInfo.InvariantCulture) ?? "all",
                node.MaxConnections is not null ? "Mxo:MaxConnections"
                : openFileLimit is { } limit ? $"open-file limit {limit} less {ConnectionCap.Reserve(limit)} kept for the node's own files and closing sockets"
                : "no open-file limit known");
            log.LogInformation("Operator commands: {Operator}", operatorOptions.Enabled
                ? $"{operatorOptions.Url} (mxo-node pbm {operatorOptions.Uri!.Authority} cluster show)" : "off");
            log.LogInformation("World map: {Path} ({Districts} districts)", mapPath, map.All.Count);
            log.LogInformation("NPCs: {Path} ({Kinds} kinds, {Npcs} placed)", npcsPath, npcs.Kinds.Count, npcs.Spawns.Count);
            log.LogInformation("Missions: {Path} ({Contacts} contacts, {Missions} missions)", missionsPath, missions.Contacts.Count, missions.Missions.Count);
            log.LogInformation("Tracing: {Tracing}", tracing ? "on" : "off (no OTLP endpoint)");
        });
        return app;
    }

    /// <summary>
    /// A world data file's path: the configured one, resolved against the working directory (docs/configuration.md), or
    /// else the copy beside the binary.
    /// </summary>
    private static string DataFilePath(IConfiguration configuration, string key, string defaultPath) =>
        configuration[key] is { Length: > 0 } configured ? Path.GetFullPath(configured, Environment.CurrentDirectory) : defaultPath;
}

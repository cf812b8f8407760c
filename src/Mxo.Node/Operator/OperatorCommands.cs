using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Mxo.Actors.Districts;
using Mxo.Actors.Missions;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Missions;
using Mxo.Protocol.World;

namespace Mxo.Node.Operator;

/// <summary>What a command answers: success or failure, and the lines to print (pbm prints one line per row).</summary>
public sealed record CommandAnswer(bool Ok, string[] Lines, string? Error = null)
{
    public static CommandAnswer Done(params string[] lines) => new(true, lines);
    public static CommandAnswer Failed(string message) => new(false, [message], "failed");
    public static CommandAnswer Usage(string message) => new(false, [message], "usage");
}

/// <summary>One operator command: its palette and name, its usage line, and what it does.</summary>
/// <param name="Values">The switches that take a value (<c>-a address</c>); <paramref name="Flags"/> take none (<c>-v</c>).</param>
public sealed record OperatorCommand(string Palette, string Name, string Usage, string Help,
    Func<OperatorContext, CommandArgs, Task<CommandAnswer>> Run, string[] Values, string[]? Flags = null);

/// <summary>Shards per sharded entity type, as the node's registrations use them (to name an entity's shard).</summary>
public sealed record ShardCounts(IReadOnlyDictionary<string, int> ByType);

/// <summary>What commands run against: this node's actor system, its services, a timeout for waits.</summary>
public sealed record OperatorContext(ActorSystem System, IServiceProvider Services, TimeSpan Timeout);

/// <summary>
/// A command's arguments: <c>-x value</c> pairs and bare flags (<c>-v</c>). Anything else is a usage error, so a typo never
/// runs a command with a default instead of what was meant.
/// </summary>
public sealed class CommandArgs
{
    private readonly Dictionary<string, string?> _values;

    private CommandArgs(Dictionary<string, string?> values) => _values = values;

    /// <param name="withValue">Switches that take a value (e.g. <c>-a</c>); <paramref name="flags"/> take none.</param>
    public static (CommandArgs? Args, string? Problem) Parse(IReadOnlyList<string> args, string[] withValue, string[] flags)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (flags.Contains(name)) values[name] = null;
            else if (withValue.Contains(name))
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith('-')) return (null, $"{name} needs a value");
                values[name] = args[++i];
            }
            else return (null, $"unknown argument '{name}'");
        }
        return (new CommandArgs(values), null);
    }

    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public bool Has(string name) => _values.ContainsKey(name);
}

/// <summary>
/// The commands a node serves, with pbm's palettes, names, arguments and output shapes (Petabridge.Cmd is not available
/// here; docs/operations.md lists each). Every command runs on the node it was sent to.
/// </summary>
public static class OperatorCommands
{
    public static IReadOnlyList<OperatorCommand> All { get; } =
    [
        new("cluster", "show", "cluster show [-r role]", "Every member: address | [roles] | status | reachability | app-version.", ClusterShow, ["-r"]),
        new("cluster", "leader", "cluster leader", "The cluster's leader.", ClusterLeader, []),
        new("cluster", "leave", "cluster leave [-a address]", "This node (waits until it is Exiting or Removed), or the member at -a, leaves.", ClusterLeave, ["-a"]),
        new("cluster", "down", "cluster down -a address", "Downs the member at -a.", ClusterDown, ["-a"]),
        new("cluster", "down-unreachable", "cluster down-unreachable", "Downs every unreachable member and prints each address.", ClusterDownUnreachable, []),
        new("cluster", "join", "cluster join -a address", "This node joins the cluster of the node at -a.", ClusterJoin, ["-a"]),
        new("cluster", "singletons", "cluster singletons", "Each cluster singleton and the node it runs on.", ClusterSingletons, []),
        new("cluster-sharding", "regions", "cluster-sharding regions", "The sharded entity types.", ShardingRegions, []),
        new("cluster-sharding", "region-stats", "cluster-sharding region-stats -r type", "Per member: shards and entities of the type; the coordinator's node is marked.", RegionStats, ["-r"]),
        new("cluster-sharding", "shard-stats", "cluster-sharding shard-stats -r type", "Per member and shard: entities of the type.", ShardStats, ["-r"]),
        new("cluster-sharding", "locate", "cluster-sharding locate -r type -i entity-id", "The node that hosts the entity (its shard), if it runs.", Locate, ["-r", "-i"]),
        new("actor", "system", "actor system", "This node's actor system: name, address, uptime, Akka version.", ActorSystemInfo, []),
        new("actor", "hierarchy", "actor hierarchy [-d depth] [-s path]", "The actors under path (default /user), depth levels deep (1-5, default 2).",
            ActorHierarchy, ["-d", "-s"]),
        new("world", "districts", "world districts", "Each district: players present, capacity, tick p50/p99.", WorldDistricts, []),
        new("world", "players", "world players [-d district] [-v]", "Players present per district; -v names them.", WorldPlayers, ["-d"], ["-v"]),
        new("world", "kick", "world kick -p player [-m reason]", "Closes the player's socket with 4003 and the reason.", WorldKick, ["-p", "-m"]),
        new("world", "announce", "world announce -m text", "A system chat line to everyone online, on every edge node.", WorldAnnounce, ["-m"]),
        new("world", "notify", "world notify -p player -s subject [-m text | -j json] [-k code] [-e seconds] [-t]",
            "A notification to one character, from the system: stored (unless -t: only pushed, and only if online) and pushed at once if online.",
            WorldNotify, ["-p", "-s", "-m", "-j", "-k", "-e"], ["-t"]),
        new("world", "notify-all", "world notify-all -s subject [-m text | -j json] [-k code] [-e seconds]",
            "A stored notification to every character, sent in the background in batches; prints the broadcast's id and total.",
            WorldNotifyAll, ["-s", "-m", "-j", "-k", "-e"]),
        new("world", "notify-status", "world notify-status [-i id]", "Each notify-all broadcast of this node (or -i one): sent/total, stored, failed, running or done.",
            WorldNotifyStatus, ["-i"]),
        new("world", "modlog", "world modlog [-n count]", "The newest moderation actions (default 50, at most 1000), newest first: seq | time | by | action | target | channel/id | seconds | reason.",
            WorldModlog, ["-n"]),
        new("world", "timers", "world timers [-n count]", "The mission scheduler: pending timers and the next due, the -n earliest (default 10), every schedule.",
            WorldTimers, ["-n"]),
        new("world", "events", "world events", "Each live event of the mission table: id | name | open, scheduled or closed | start | end.", WorldEvents, []),
        new("world", "event-start", "world event-start -e event [-m minutes] [-s seconds]",
            "Opens the live event -s seconds from now (default 0) for -m minutes (default 60): its missions are offered, its start and end announced.",
            WorldEventStart, ["-e", "-m", "-s"]),
        new("world", "event-stop", "world event-stop -e event", "Closes the open live event now (its end announced), or cancels it if it has not begun.",
            WorldEventStop, ["-e"]),
    ];

    public static OperatorCommand? Find(string palette, string name) =>
        All.FirstOrDefault(c => c.Palette == palette && c.Name == name);

    private static string Reachability(ClusterEvent.CurrentClusterState state, Member member) =>
        state.Unreachable.Contains(member) ? "Unreachable" : "Reachable";

    private static Task<CommandAnswer> ClusterShow(OperatorContext context, CommandArgs args)
    {
        var cluster = Cluster.Get(context.System);
        var state = cluster.State;
        var role = args.Value("-r");
        var members = state.Members.Where(m => role is null || m.HasRole(role)).ToList();
        var lines = members.Select(m =>
            $"{m.Address} | [{string.Join(", ", m.Roles.OrderBy(r => r, StringComparer.Ordinal))}] | {m.Status} | {Reachability(state, m)} | {m.AppVersion}")
            .ToList();
        lines.Add($"Count: {members.Count} nodes");
        return Task.FromResult(CommandAnswer.Done([.. lines]));
    }

    private static Task<CommandAnswer> ClusterLeader(OperatorContext context, CommandArgs args) =>
        Task.FromResult(Cluster.Get(context.System).State.Leader is { } leader
            ? CommandAnswer.Done(leader.ToString())
            : CommandAnswer.Failed("the cluster has no leader right now"));

    /// <summary>The member at <c>-a</c>, or a failure that says why not (changing nothing).</summary>
    private static (Member? Member, CommandAnswer? Refusal) MemberAt(OperatorContext context, CommandArgs args, bool required)
    {
        if (args.Value("-a") is not { } text) return (null, required ? CommandAnswer.Usage("-a address is required") : null);
        if (ParseAddress(text) is not { } address) return (null, NotAnAddress(text));
        var member = Cluster.Get(context.System).State.Members.FirstOrDefault(m => m.Address == address);
        return member is null ? (null, CommandAnswer.Failed($"{address} is not a member of this cluster")) : (member, null);
    }

    private static async Task<CommandAnswer> ClusterLeave(OperatorContext context, CommandArgs args)
    {
        var (member, refusal) = MemberAt(context, args, required: false);
        if (refusal is not null) return refusal;
        var cluster = Cluster.Get(context.System);
        if (member is not null && member.Address != cluster.SelfAddress)
        {
            cluster.Leave(member.Address);
            return CommandAnswer.Done($"{member.Address} is leaving");
        }
        cluster.Leave(cluster.SelfAddress);
        var deadline = DateTime.UtcNow + context.Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (cluster.IsTerminated || cluster.SelfMember.Status is MemberStatus.Exiting or MemberStatus.Removed)
                return CommandAnswer.Done($"{cluster.SelfAddress} left ({(cluster.IsTerminated ? MemberStatus.Removed : cluster.SelfMember.Status)})");
            await Task.Delay(100); // the member's status is polled: leaving takes the cluster's gossip rounds
        }
        return CommandAnswer.Failed($"{cluster.SelfAddress} did not leave within {context.Timeout.TotalSeconds:0} s (status {cluster.SelfMember.Status})");
    }

    private static Address? ParseAddress(string text)
    {
        try
        {
            return Address.Parse(text);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static CommandAnswer NotAnAddress(string text) => CommandAnswer.Usage($"'{text}' is not an address like akka.tcp://mxo@127.0.0.1:4053");

    private static Task<CommandAnswer> ClusterDown(OperatorContext context, CommandArgs args)
    {
        var (member, refusal) = MemberAt(context, args, required: true);
        if (refusal is not null) return Task.FromResult(refusal);
        Cluster.Get(context.System).Down(member!.Address);
        return Task.FromResult(CommandAnswer.Done($"{member.Address} downed"));
    }

    private static Task<CommandAnswer> ClusterDownUnreachable(OperatorContext context, CommandArgs args)
    {
        var cluster = Cluster.Get(context.System);
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToList();
        foreach (var address in unreachable) cluster.Down(address);
        return Task.FromResult(CommandAnswer.Done([.. unreachable.Select(a => $"{a} downed"), $"Count: {unreachable.Count} downed"]));
    }

    private static Task<CommandAnswer> ClusterJoin(OperatorContext context, CommandArgs args)
    {
        if (args.Value("-a") is not { } text) return Task.FromResult(CommandAnswer.Usage("-a address is required"));
        if (ParseAddress(text) is not { } address) return Task.FromResult(NotAnAddress(text));
        Cluster.Get(context.System).Join(address);
        return Task.FromResult(CommandAnswer.Done($"joining {address}"));
    }

    private static Task<CommandAnswer> ActorSystemInfo(OperatorContext context, CommandArgs args)
    {
        var system = context.System;
        var uptime = TimeSpan.FromSeconds(Math.Floor(system.Uptime.TotalSeconds));
        var started = DateTimeOffset.UtcNow - system.Uptime;
        return Task.FromResult(CommandAnswer.Done(
            $"name: {system.Name}",
            $"address: {Cluster.Get(system).SelfAddress}",
            $"started: {started.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}",
            $"uptime: {uptime.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture)}",
            $"akka: {typeof(ActorSystem).Assembly.GetName().Version}"));
    }

    /// <summary>The world map and the district region of this node, or a failure when it knows no world.</summary>
    private static (WorldMap? Map, IActorRef? Region, CommandAnswer? Refusal) World(OperatorContext context) =>
        context.Services.GetService(typeof(WorldMap)) is WorldMap map && ActorRegistry.For(context.System).TryGet<DistrictRegion>(out var region)
            ? (map, region, null)
            : (null, null, CommandAnswer.Failed("this node knows no world"));

    /// <summary>Asks each district one question: one line per district, a district that does not answer in time says so.</summary>
    private static async Task<List<string>> AskEachAsync<TReply>(OperatorContext context, IActorRef region, IEnumerable<DistrictId> districts,
        Func<DistrictId, IDistrictCommand> question, Func<DistrictId, TReply, string> line)
    {
        var lines = new List<string>();
        foreach (var district in districts)
        {
            try
            {
                lines.Add(line(district, await region.Ask<TReply>(question(district), context.Timeout)));
            }
            catch (AskTimeoutException)
            {
                lines.Add($"{district} | did not answer within {context.Timeout.TotalSeconds:0} s");
            }
        }
        return lines;
    }

    private static async Task<CommandAnswer> WorldDistricts(OperatorContext context, CommandArgs args)
    {
        var (map, region, refusal) = World(context);
        if (refusal is not null) return refusal;
        return CommandAnswer.Done([.. await AskEachAsync<DistrictReplies.Status>(context, region!, map!.All.Select(d => d.Id),
            id => new DistrictCommands.GetStatus(id),
            (id, status) => string.Create(CultureInfo.InvariantCulture,
                $"{id} | present: {status.Present} | capacity: {status.Capacity} | tick p50: {status.TickP50Ms:0.00} ms | tick p99: {status.TickP99Ms:0.00} ms"))]);
    }

    // ---------------------------------------------------------------- singletons and sharding

    /// <summary>The oldest Up member with the world role: where singletons and shard coordinators run.</summary>
    private static Member? OldestWorldMember(OperatorContext context) =>
        Cluster.Get(context.System).State.Members
            .Where(m => m.Status == MemberStatus.Up && m.HasRole(Mxo.Actors.Hosting.ShardedEntity.WorldRole))
            .OrderBy(m => m, Member.AgeOrdering)
            .FirstOrDefault();

    private static Task<CommandAnswer> ClusterSingletons(OperatorContext context, CommandArgs args) =>
        Task.FromResult(OldestWorldMember(context) is { } oldest
            ? CommandAnswer.Done([.. new[] { Mxo.Actors.World.WorldClockRegistration.SingletonName, Mxo.Actors.Missions.MissionSchedulerRegistration.SingletonName }
                .Order(StringComparer.Ordinal).Select(name => $"{name} | {oldest.Address}")])
            : CommandAnswer.Failed("no Up member has the world role: no singleton runs"));

    private static Task<CommandAnswer> ShardingRegions(OperatorContext context, CommandArgs args) =>
        Task.FromResult(CommandAnswer.Done([.. ClusterSharding.Get(context.System).ShardTypeNames.OrderBy(n => n, StringComparer.Ordinal)]));

    /// <summary>How long one member's region may take to answer a statistics question: a dead member must not hold up
    /// the answer about the living ones.</summary>
    private static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(5);

    /// <summary>One world member's region statistics for a type; <see cref="Stats"/> is null when it did not answer, with
    /// <see cref="Why"/> saying so.</summary>
    private sealed record MemberStats(Address Address, ShardRegionStats? Stats, string Why);

    /// <summary>
    /// The sharding statistics of a type, asked of the real region on every world member (a proxy reports no shards), each
    /// with its own short timeout. Asking Akka's coordinator instead (GetClusterShardingStats) answers nothing at all while
    /// any region is dead and not yet removed, which is exactly when an operator asks.
    /// </summary>
    private static async Task<(List<MemberStats>? Stats, CommandAnswer? Refusal)> StatsOf(OperatorContext context, CommandArgs args)
    {
        if (args.Value("-r") is not { } type) return (null, CommandAnswer.Usage("-r type is required"));
        if (!ClusterSharding.Get(context.System).ShardTypeNames.Contains(type))
            return (null, CommandAnswer.Failed($"no sharded type '{type}'; see cluster-sharding regions"));
        var state = Cluster.Get(context.System).State;
        var members = state.Members.Where(m => m.HasRole(Mxo.Actors.Hosting.ShardedEntity.WorldRole)).ToList();
        if (members.Count == 0) return (null, CommandAnswer.Failed("no member has the world role"));
        var timeout = MemberTimeout < context.Timeout ? MemberTimeout : context.Timeout;
        var answers = await Task.WhenAll(members.Select(async member =>
        {
            if (state.Unreachable.Contains(member)) return new MemberStats(member.Address, null, "unreachable");
            try
            {
                var region = context.System.ActorSelection($"{member.Address}/system/sharding/{type}");
                return new MemberStats(member.Address, await region.Ask<ShardRegionStats>(GetShardRegionStats.Instance, timeout), "");
            }
            catch (AskTimeoutException)
            {
                return new MemberStats(member.Address, null, $"did not answer within {timeout.TotalSeconds:0} s");
            }
        }));
        return ([.. answers.OrderBy(a => a.Address.ToString(), StringComparer.Ordinal)], null);
    }

    private static async Task<CommandAnswer> RegionStats(OperatorContext context, CommandArgs args)
    {
        var (stats, refusal) = await StatsOf(context, args);
        if (refusal is not null) return refusal;
        var coordinator = OldestWorldMember(context)?.Address;
        var lines = stats!.Select(m => m.Stats is { } s
                ? $"{m.Address} | shards: {s.Stats.Count} | entities: {s.Stats.Values.Sum()}{(m.Address == coordinator ? " | coordinator" : "")}"
                : $"{m.Address} | {m.Why}")
            .ToList();
        lines.Add($"Count: {stats!.Sum(m => m.Stats?.Stats.Values.Sum() ?? 0)} entities");
        return CommandAnswer.Done([.. lines]);
    }

    private static async Task<CommandAnswer> ShardStats(OperatorContext context, CommandArgs args)
    {
        var (stats, refusal) = await StatsOf(context, args);
        if (refusal is not null) return refusal;
        return CommandAnswer.Done([.. stats!.SelectMany(m => m.Stats is { } s
            ? s.Stats.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{m.Address} | shard: {x.Key} | entities: {x.Value}")
            : [$"{m.Address} | {m.Why}"])]);
    }

    private static async Task<CommandAnswer> Locate(OperatorContext context, CommandArgs args)
    {
        if (args.Value("-i") is not { } id) return CommandAnswer.Usage("-i entity-id is required");
        var (stats, refusal) = await StatsOf(context, args);
        if (refusal is not null) return refusal;
        var type = args.Value("-r")!;
        if ((context.Services.GetService(typeof(ShardCounts)) as ShardCounts)?.ByType.TryGetValue(type, out var maxShards) is not true)
            return CommandAnswer.Failed($"this node does not know how '{type}' is sharded");
        var shard = ((IMessageExtractor)new HashCodeMessageExtractorFor(maxShards)).ShardId(id, null);
        var silent = stats!.Where(m => m.Stats is null).Select(m => $"{m.Address} {m.Why}").ToList();
        // The shard's host runs the entity only if the entity itself is among the shard's (other ids share the shard).
        foreach (var host in stats!.Where(m => m.Stats?.Stats.ContainsKey(shard) == true).Select(m => m.Address))
        {
            try
            {
                var state = await context.System.ActorSelection($"{host}/system/sharding/{type}")
                    .Ask<CurrentShardRegionState>(GetShardRegionState.Instance, MemberTimeout);
                if (state.Shards.Any(s => s.ShardId == shard && s.EntityIds.Contains(id)))
                    return CommandAnswer.Done($"{type} '{id}' | shard: {shard} | {host}");
            }
            catch (AskTimeoutException)
            {
                silent.Add($"{host} did not answer within {MemberTimeout.TotalSeconds:0} s");
            }
        }
        return CommandAnswer.Failed($"{type} '{id}' (shard {shard}) is not running" +
            (silent.Count == 0 ? "" : $" on the members that answered ({string.Join("; ", silent)})"));
    }

    /// <summary>Names a shard the way every registration's extractor does (the same hash, the same shard count).</summary>
    private sealed class HashCodeMessageExtractorFor(int maxShards) : HashCodeMessageExtractor(maxShards)
    {
        public override string? EntityId(object message) => null;
    }

    private static async Task<CommandAnswer> WorldPlayers(OperatorContext context, CommandArgs args)
    {
        var (map, region, refusal) = World(context);
        if (refusal is not null) return refusal;
        var districts = map!.All.Select(d => d.Id).ToList();
        if (args.Value("-d") is { } only)
        {
            if (map.Find(only) is not { } found) return CommandAnswer.Failed($"no district '{only}'");
            districts = [found.Id];
        }
        var total = 0;
        var lines = await AskEachAsync<DistrictReplies.Occupancy>(context, region!, districts, id => new DistrictCommands.GetOccupancy(id),
            (id, occupancy) =>
            {
                total += occupancy.Present.Length;
                return $"{id} | present: {occupancy.Present.Length}" +
                    (args.Has("-v") ? " | " + string.Join(", ", occupancy.Present.Select(o => o.Name).OrderBy(n => n, StringComparer.Ordinal)) : "");
            });
        lines.Add($"Count: {total} players");
        return CommandAnswer.Done([.. lines]);
    }

    private static async Task<CommandAnswer> WorldKick(OperatorContext context, CommandArgs args)
    {
        if (args.Value("-p") is not { } player) return CommandAnswer.Usage("-p player is required");
        if (Mxo.Protocol.CharacterRules.ValidateName(player) is { } problem) return CommandAnswer.Usage($"-p: {problem}");
        if (!ActorRegistry.For(context.System).TryGet<Mxo.Actors.Players.PlayerRegion>(out var players))
            return CommandAnswer.Failed("this node knows no players");
        var id = Mxo.Protocol.PlayerId.FromName(player);
        var reason = args.Value("-m") is { Length: > 0 } m ? m : "kicked by an operator";
        try
        {
            return await players.Ask<Mxo.Protocol.IMxoMessage>(
                    new Mxo.Protocol.Players.PlayerCommands.Kick(id, reason, Mxo.Protocol.Wire.WireProtocol.CloseCodes.Kicked), context.Timeout) switch
                {
                    Mxo.Protocol.Replies.Acknowledged => CommandAnswer.Done($"{id} kicked: {reason}"),
                    Mxo.Protocol.Replies.Rejected r => CommandAnswer.Failed(r.Message),
                    var other => CommandAnswer.Failed($"unexpected answer {other.GetType().Name}"),
                };
        }
        catch (AskTimeoutException)
        {
            return CommandAnswer.Failed($"{id} did not answer in time");
        }
    }

    private static async Task<CommandAnswer> WorldTimers(OperatorContext context, CommandArgs args)
    {
        var limit = 10;
        if (args.Value("-n") is { } n && (!int.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit is < 0 or > 100))
            return CommandAnswer.Usage("-n: a count from 0 to 100");
        var (status, failure) = await SchedulerStatusAsync(context, limit);
        if (status is null) return failure!;
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"pending: {status.PendingTimers}/{status.MaxPendingTimers} | next due: {At(status.NextDueUnixMs)}"),
        };
        lines.AddRange(status.Earliest.Select(t => $"timer {t.Id} | due {At(t.DueUnixMs)} | {t.TargetKind} {t.TargetId}"));
        lines.AddRange(status.Schedules.Select(e =>
            (e.IsWindow ? $"window {e.Id} | {At(e.WindowStartUnixMs)} .. {At(e.WindowEndUnixMs)}" : $"schedule {e.Id} | cron '{e.Cron}' {(e.TimeZone is { Length: > 0 } zone ? zone : "(configured zone)")}")
            + $" | last fired {(e.LastFiredUnixMs == 0 ? "never" : At(e.LastFiredUnixMs))} | {e.TargetKind} {e.TargetId}"));
        return CommandAnswer.Done([.. lines]);
    }

    private static string At(long unixMs) =>
        unixMs == 0 ? "none" : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>Asks the mission scheduler through this node's proxy: its answer, or the failure to print.</summary>
    private static async Task<(IMxoMessage? Answer, CommandAnswer? Failure)> AskSchedulerAsync(OperatorContext context, IMxoMessage command)
    {
        if (!ActorRegistry.For(context.System).TryGet<MissionSchedulerKey>(out var scheduler))
            return (null, CommandAnswer.Failed("this node knows no mission scheduler"));
        try
        {
            return (await scheduler.Ask<IMxoMessage>(command, context.Timeout), null);
        }
        catch (AskTimeoutException)
        {
            return (null, CommandAnswer.Failed("the mission scheduler did not answer in time"));
        }
    }

    /// <summary>Asks the mission scheduler; <paramref name="done"/> prints its answer of type <typeparamref name="T"/>, anything else is a failure.</summary>
    private static async Task<CommandAnswer> AskSchedulerAsync<T>(OperatorContext context, IMxoMessage command, Func<T, CommandAnswer> done)
        where T : class, IMxoMessage =>
        await AskSchedulerAsync(context, command) switch
        {
            (T answer, _) => done(answer),
            (MissionSchedulerReplies.Refused r, _) => CommandAnswer.Failed($"the mission scheduler refused: {r.Code}: {r.Message}"),
            (null, var failure) => failure!,
            (var other, _) => CommandAnswer.Failed($"unexpected answer {other.GetType().Name}"),
        };

    private static async Task<(MissionSchedulerReplies.Status? Status, CommandAnswer? Failure)> SchedulerStatusAsync(OperatorContext context, int limit) =>
        await AskSchedulerAsync(context, new MissionSchedulerCommands.GetStatus(limit)) switch
        {
            (MissionSchedulerReplies.Status status, _) => (status, null),
            (null, var failure) => (null, failure),
            (var other, _) => (null, CommandAnswer.Failed($"unexpected answer {other.GetType().Name}")),
        };

    // ---------------------------------------------------------------- live events

    /// <summary>
    /// The live event <c>-e</c> names, from the mission table this node loaded (world/missions.json), with its window in
    /// the scheduler (null when none is set) and the scheduler's status; or the usage or failure to print.
    /// </summary>
    private static async Task<(LiveEventData? Event, ScheduleEntry? Window, CommandAnswer? Refusal)> EventArgAsync(OperatorContext context, CommandArgs args)
    {
        if (args.Value("-e") is not { } id) return (null, null, CommandAnswer.Usage("-e event is required"));
        if (context.Services.GetService(typeof(MissionTable)) is not MissionTable table) return (null, null, CommandAnswer.Failed("this node has no mission table"));
        if (table.Event(id) is not { } liveEvent)
            return (null, null, CommandAnswer.Failed($"unknown event '{id}'; the events of the mission table are: "
                + (table.Events.Count == 0 ? "none" : string.Join(", ", table.Events.Select(e => e.Id)))));
        var (status, failure) = await SchedulerStatusAsync(context, 0);
        if (status is null) return (null, null, failure);
        return (liveEvent, status.Schedules.FirstOrDefault(e => e.IsWindow && e.Id == LiveEvents.ScheduleId(id)), null);
    }

    /// <summary>A window's state for operators: open (as <see cref="LiveEvents.OpenAt"/> says), scheduled (not begun) or closed.</summary>
    private static string WindowState(ScheduleEntry? window, DateTimeOffset now) =>
        window is null ? "closed"
        : LiveEvents.OpenAt([window], now).Count > 0 ? "open"
        : window.WindowStartUnixMs > now.ToUnixTimeMilliseconds() ? "scheduled"
        : "closed";

    private static string EventLine(LiveEventData liveEvent, ScheduleEntry? window, DateTimeOffset now) =>
        $"{liveEvent.Id} | {liveEvent.Name} | {WindowState(window, now)} | {(window is null ? "-" : At(window.WindowStartUnixMs))} | {(window is null ? "-" : At(window.WindowEndUnixMs))}";

    private static async Task<CommandAnswer> WorldEvents(OperatorContext context, CommandArgs args)
    {
        if (context.Services.GetService(typeof(MissionTable)) is not MissionTable table) return CommandAnswer.Failed("this node has no mission table");
        var (status, failure) = await SchedulerStatusAsync(context, 0);
        if (status is null) return failure!;
        var now = DateTimeOffset.UtcNow;
        var windows = status.Schedules.Where(e => e.IsWindow).ToDictionary(e => e.Id, StringComparer.Ordinal);
        return CommandAnswer.Done([
            .. table.Events.Select(e => EventLine(e, windows.GetValueOrDefault(LiveEvents.ScheduleId(e.Id)), now)),
            $"Count: {table.Events.Count} events",
        ]);
    }

    /// <summary>
    /// Sets the event's window <c>event:&lt;id&gt;</c> (target kind <c>event</c>, its name as the payload, which the fires
    /// announce: src/Mxo.Actors/Missions/MissionSchedulerRegistration.cs). An open event is refused rather than
    /// replaced: a new window would announce its beginning a second time.
    /// </summary>
    private static async Task<CommandAnswer> WorldEventStart(OperatorContext context, CommandArgs args)
    {
        var minutes = 60;
        if (args.Value("-m") is { } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) || minutes is < 1 or > MaxEventMinutes))
            return CommandAnswer.Usage($"-m must be a whole number of minutes from 1 to {MaxEventMinutes} (a week)");
        var seconds = 0;
        if (args.Value("-s") is { } sv && (!int.TryParse(sv, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds > MaxEventDelaySeconds))
            return CommandAnswer.Usage($"-s must be a whole number of seconds from 0 to {MaxEventDelaySeconds} (30 days)");
        var (liveEvent, window, refusal) = await EventArgAsync(context, args);
        if (liveEvent is null) return refusal!;
        var now = DateTimeOffset.UtcNow;
        if (window is not null && (WindowState(window, now) == "open" || window.LastFiredUnixMs >= window.WindowStartUnixMs))
            return CommandAnswer.Failed($"{liveEvent.Id} is open until {At(window.WindowEndUnixMs)}; world event-stop -e {liveEvent.Id} closes it first");
        var start = now.AddSeconds(seconds);
        var command = new MissionSchedulerCommands.SetWindow(LiveEvents.ScheduleId(liveEvent.Id), start.ToUnixTimeMilliseconds(),
            start.AddMinutes(minutes).ToUnixTimeMilliseconds(), LiveEvents.TargetKind, liveEvent.Id, liveEvent.Name);
        return await AskSchedulerAsync<MissionSchedulerReplies.ScheduleSet>(context, command, _ => CommandAnswer.Done(
            $"{liveEvent.Id} | {liveEvent.Name} | {(seconds == 0 ? "open" : "scheduled")} | {At(command.StartUnixMs)} | {At(command.EndUnixMs)}"
            + (window is null ? "" : $" (replaces the one scheduled at {At(window.WindowStartUnixMs)})")));
    }

    /// <summary>
    /// Closes an open event now: the same window with its end moved to now, which the scheduler closes at once, firing
    /// WindowClosed, so the end is announced like any other and by the scheduler alone, exactly once
    /// (MissionSchedulerRules.DecideSetWindow keeps an open window's fired opening). RemoveSchedule would drop the
    /// window silently: nobody would hear the end. An event that has not begun is simply removed: there is nothing to
    /// announce.
    /// </summary>
    private static async Task<CommandAnswer> WorldEventStop(OperatorContext context, CommandArgs args)
    {
        var (liveEvent, window, refusal) = await EventArgAsync(context, args);
        if (liveEvent is null) return refusal!;
        if (window is null) return CommandAnswer.Failed($"{liveEvent.Id} is neither open nor scheduled");
        if (window.LastFiredUnixMs < window.WindowStartUnixMs)
            return await AskSchedulerAsync<MissionSchedulerReplies.Cancelled>(context, new MissionSchedulerCommands.RemoveSchedule(window.Id),
                _ => CommandAnswer.Done($"{liveEvent.Id} | {liveEvent.Name} | cancelled before it began"));
        var end = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), window.WindowStartUnixMs + 1);
        var command = new MissionSchedulerCommands.SetWindow(window.Id, window.WindowStartUnixMs, end, window.TargetKind, window.TargetId, window.Payload);
        return await AskSchedulerAsync<MissionSchedulerReplies.ScheduleSet>(context, command,
            _ => CommandAnswer.Done($"{liveEvent.Id} | {liveEvent.Name} | closed | {At(window.WindowStartUnixMs)} | {At(end)}"));
    }

    private const int MaxEventMinutes = 7 * 24 * 60;
    private const int MaxEventDelaySeconds = 30 * 86_400;

    private static async Task<CommandAnswer> WorldAnnounce(OperatorContext context, CommandArgs args)
    {
        if (args.Value("-m") is not { } text || text.Length == 0) return CommandAnswer.Usage("-m text is required");
        if (text.Length > Mxo.Protocol.CharacterRules.MaxChatLength || Mxo.Protocol.CharacterRules.ValidateChatText(text) is not null)
            return CommandAnswer.Usage($"-m must be chat text: at most {Mxo.Protocol.CharacterRules.MaxChatLength} characters, something visible, no control characters");
        if (await Announcements.PublishAsync(context.System, text, context.Timeout) is not { } told)
            return CommandAnswer.Failed("this node has no distributed pub-sub mediator");
        var lines = told.OrderBy(t => t.Node, StringComparer.Ordinal).Select(t => $"{t.Node} | heard by: {t.Sessions}").ToList();
        var edges = Cluster.Get(context.System).State.Members.Count(m => m.Status == MemberStatus.Up && m.HasRole("edge"));
        if (told.Count < edges) lines.Add($"{edges - told.Count} edge node(s) did not answer within {context.Timeout.TotalSeconds:0} s");
        lines.Add($"Count: {told.Sum(t => t.Sessions)} players");
        return CommandAnswer.Done([.. lines]);
    }

    // ---------------------------------------------------------------- notifications

    /// <summary>The notification <c>-s</c>, <c>-m</c>/<c>-j</c>, <c>-k</c> and <c>-e</c> describe, or why not (<c>-t</c>: not persistent).</summary>
    private static (NotificationDraft? Draft, CommandAnswer? Refusal) Draft(CommandArgs args)
    {
        if (args.Value("-s") is not { } subject) return (null, CommandAnswer.Usage("-s subject is required"));
        if (args.Has("-m") && args.Has("-j")) return (null, CommandAnswer.Usage("give -m text or -j json, not both"));
        var content = args.Value("-j") ?? System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = args.Value("-m") ?? "" });
        var code = Mxo.Protocol.Notifications.NotificationRules.OperatorMessageCode;
        if (args.Value("-k") is { } k && !int.TryParse(k, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out code))
            return (null, CommandAnswer.Usage("-k must be an integer"));
        long expires = 0;
        if (args.Value("-e") is { } e)
        {
            if (!long.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 10L * 365 * 86_400)
                return (null, CommandAnswer.Usage("-e must be a number of seconds, 1 to ten years"));
            expires = DateTimeOffset.UtcNow.AddSeconds(seconds).ToUnixTimeMilliseconds();
        }
        if (Mxo.Protocol.Notifications.NotificationRules.Validate(subject, content) is { } problem) return (null, CommandAnswer.Usage(problem));
        return (new NotificationDraft(code, subject, content, expires, !args.Has("-t")), null);
    }

    private static IActorRef? Inboxes(OperatorContext context) =>
        ActorRegistry.For(context.System).TryGet<Mxo.Actors.Notifications.InboxRegion>(out var inboxes) ? inboxes : null;

    private static async Task<CommandAnswer> WorldNotify(OperatorContext context, CommandArgs args)
    {
        if (args.Value("-p") is not { } player) return CommandAnswer.Usage("-p player is required");
        if (Mxo.Protocol.CharacterRules.ValidateName(player) is { } problem) return CommandAnswer.Usage($"-p: {problem}");
        var (draft, refusal) = Draft(args);
        if (refusal is not null) return refusal;
        if (Inboxes(context) is not { } inboxes) return CommandAnswer.Failed("this node knows no inboxes");
        var id = Mxo.Protocol.PlayerId.FromName(player);
        var command = new Mxo.Protocol.Notifications.InboxCommands.Notify(id, draft!.Code, draft.Subject, draft.Content, "", draft.ExpiresMs,
            draft.Persistent, "op-" + Guid.NewGuid().ToString("N"));
        try
        {
            return await inboxes.Ask<Mxo.Protocol.IMxoMessage>(command, context.Timeout) switch
            {
                Mxo.Protocol.Notifications.InboxReplies.Notified n => CommandAnswer.Done(
                    $"{id} | {(n.Stored ? "stored as " + n.Id : "not stored")} | {(n.Pushed ? "pushed" : "not online")}"),
                Mxo.Protocol.Replies.Rejected r => CommandAnswer.Failed(r.Message),
                var other => CommandAnswer.Failed($"unexpected answer {other.GetType().Name}"),
            };
        }
        catch (AskTimeoutException)
        {
            return CommandAnswer.Failed($"the inbox of {id} did not answer in time");
        }
    }

    private static async Task<CommandAnswer> WorldNotifyAll(OperatorContext context, CommandArgs args)
    {
        var (draft, refusal) = Draft(args);
        if (refusal is not null) return refusal;
        if (Inboxes(context) is not { } inboxes || context.Services.GetService(typeof(NotificationBroadcasts)) is not NotificationBroadcasts broadcasts)
            return CommandAnswer.Failed("this node knows no inboxes");
        IReadOnlyList<Mxo.Protocol.PlayerId> characters;
        try
        {
            characters = await NotificationBroadcasts.AllCharactersAsync(context.System);
        }
        catch (Exception e) when (e is Akka.Configuration.ConfigurationException or ArgumentException or InvalidOperationException)
        {
            return CommandAnswer.Failed($"this node cannot read the journal (run notify-all on a world node): {e.Message}");
        }
        var broadcast = broadcasts.Start(inboxes, draft! with { Persistent = true }, characters, context.Timeout);
        return CommandAnswer.Done($"{broadcast.Id} | {broadcast.Subject} | started for {broadcast.Total} characters",
            $"world notify-status -i {broadcast.Id} shows its progress");
    }

    /// <summary>Reads the moderation log entity (src/Mxo.Actors/Moderation/ModerationLogEntity.cs): every GM action, newest first.</summary>
    private static async Task<CommandAnswer> WorldModlog(OperatorContext context, CommandArgs args)
    {
        var count = 50;
        if (args.Value("-n") is { } n && (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out count)
                                          || count is < 1 or > Mxo.Protocol.Moderation.ModerationRules.KeptEntries))
            return CommandAnswer.Usage($"-n must be a whole number from 1 to {Mxo.Protocol.Moderation.ModerationRules.KeptEntries}");
        if (!ActorRegistry.For(context.System).TryGet<Mxo.Actors.Moderation.ModerationLogRegion>(out var log))
            return CommandAnswer.Failed("this node knows no moderation log");
        try
        {
            var answer = await log.Ask<Mxo.Protocol.IMxoMessage>(
                new Mxo.Protocol.Moderation.ModerationCommands.Read(Mxo.Protocol.Moderation.ModerationRules.LogId, count), context.Timeout);
            if (answer is not Mxo.Protocol.Moderation.ModerationReplies.Entries entries) return CommandAnswer.Failed($"unexpected answer {answer.GetType().Name}");
            return CommandAnswer.Done([.. entries.Items.Select(e =>
            {
                var a = e.Action;
                var at = DateTimeOffset.FromUnixTimeMilliseconds(a.AtMs).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                var where = a.Channel.Length > 0 ? $"{a.Channel}/{a.MessageId}" : "-";
                return $"{e.Seq} | {at} | {a.By} | {a.Kind} | {a.Target} | {where} | {a.Seconds} | {a.Reason}";
            }), $"Count: {entries.Items.Length} actions"]);
        }
        catch (AskTimeoutException)
        {
            return CommandAnswer.Failed("the moderation log did not answer in time");
        }
    }

    private static Task<CommandAnswer> WorldNotifyStatus(OperatorContext context, CommandArgs args)
    {
        if (context.Services.GetService(typeof(NotificationBroadcasts)) is not NotificationBroadcasts broadcasts)
            return Task.FromResult(CommandAnswer.Failed("this node knows no inboxes"));
        if (args.Value("-i") is { } id)
            return Task.FromResult(broadcasts.Find(id) is { } one ? CommandAnswer.Done(one.Line()) : CommandAnswer.Failed($"no broadcast '{id}' on this node"));
        var all = broadcasts.All;
        return Task.FromResult(CommandAnswer.Done([.. all.Select(b => b.Line()), $"Count: {all.Count} broadcasts"]));
    }

    /// <summary>How long a level of <c>actor hierarchy</c> waits for its actors to answer Identify.</summary>
    private static readonly TimeSpan IdentifyWindow = TimeSpan.FromMilliseconds(300);

    private const int MaxHierarchyLines = 1000;

    private static async Task<CommandAnswer> ActorHierarchy(OperatorContext context, CommandArgs args)
    {
        var depth = 2;
        if (args.Value("-d") is { } d && (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out depth) || depth is < 1 or > 5))
            return CommandAnswer.Usage("-d must be 1-5");
        var root = args.Value("-s") ?? "/user";
        if (!root.StartsWith('/') || root.Contains('*')) return CommandAnswer.Usage("-s must be an actor path such as /user or /system/sharding");
        var lines = new List<string> { root };
        await WalkAsync(context.System, root.TrimEnd('/'), 1, depth, lines);
        if (lines.Count >= MaxHierarchyLines) lines.Add($"(stopped at {MaxHierarchyLines} lines)");
        return CommandAnswer.Done([.. lines]);
    }

    /// <summary>Lists the children of <paramref name="path"/> by asking them to identify themselves (an actor has no public list of its children).</summary>
    private static async Task WalkAsync(ActorSystem system, string path, int level, int depth, List<string> lines)
    {
        if (level > depth || lines.Count >= MaxHierarchyLines) return;
        using var inbox = Inbox.Create(system);
        system.ActorSelection(path + "/*").Tell(new Identify(null), inbox.Receiver);
        var children = new List<IActorRef>();
        try
        {
            while (true)
                if (await inbox.ReceiveAsync(IdentifyWindow) is ActorIdentity { Subject: { } child }) children.Add(child);
        }
        catch (TimeoutException)
        {
            // every child that exists has answered by now
        }
        foreach (var child in children.OrderBy(c => c.Path.Name, StringComparer.Ordinal))
        {
            if (lines.Count >= MaxHierarchyLines) return;
            lines.Add(new string(' ', level * 2) + child.Path.Name);
            await WalkAsync(system, path + "/" + child.Path.Name, level + 1, depth, lines);
        }
    }
}

using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Mxo.Actors.Districts;
using Mxo.Protocol.Districts;
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
public sealed record OperatorCommand(string Palette, string Name, string Usage, string Help,
    Func<OperatorContext, CommandArgs, Task<CommandAnswer>> Run);

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
        new("cluster", "show", "cluster show [-r role]", "Every member: address | [roles] | status | reachability | app-version.", ClusterShow),
        new("cluster", "leader", "cluster leader", "The cluster's leader.", ClusterLeader),
        new("cluster", "leave", "cluster leave [-a address]", "This node (waits until it is Exiting or Removed), or the member at -a, leaves.", ClusterLeave),
        new("cluster", "down", "cluster down -a address", "Downs the member at -a.", ClusterDown),
        new("cluster", "down-unreachable", "cluster down-unreachable", "Downs every unreachable member and prints each address.", ClusterDownUnreachable),
        new("cluster", "join", "cluster join -a address", "This node joins the cluster of the node at -a.", ClusterJoin),
        new("actor", "system", "actor system", "This node's actor system: name, address, uptime, Akka version.", ActorSystemInfo),
        new("world", "districts", "world districts", "Each district: players present, capacity, tick p50/p99.", WorldDistricts),
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
        Address address;
        try
        {
            address = Address.Parse(text);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return (null, CommandAnswer.Usage($"'{text}' is not an address like akka.tcp://mxo@127.0.0.1:4053"));
        }
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
        Address address;
        try
        {
            address = Address.Parse(text);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return Task.FromResult(CommandAnswer.Usage($"'{text}' is not an address like akka.tcp://mxo@127.0.0.1:4053"));
        }
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

    private static async Task<CommandAnswer> WorldDistricts(OperatorContext context, CommandArgs args)
    {
        var map = (WorldMap?)context.Services.GetService(typeof(WorldMap));
        if (map is null || !ActorRegistry.For(context.System).TryGet<DistrictRegion>(out var region))
            return CommandAnswer.Failed("this node knows no world");
        var lines = new List<string>();
        foreach (var district in map.All)
        {
            try
            {
                var status = await region.Ask<DistrictReplies.Status>(new DistrictCommands.GetStatus(district.Id), context.Timeout);
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{district.Id} | present: {status.Present} | capacity: {status.Capacity} | tick p50: {status.TickP50Ms:0.00} ms | tick p99: {status.TickP99Ms:0.00} ms"));
            }
            catch (AskTimeoutException)
            {
                lines.Add($"{district.Id} | did not answer within {context.Timeout.TotalSeconds:0} s");
            }
        }
        return CommandAnswer.Done([.. lines]);
    }
}

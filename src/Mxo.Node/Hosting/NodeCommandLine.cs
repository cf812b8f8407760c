using System.CommandLine;
using System.Globalization;
using Mxo.Actors;

namespace Mxo.Node.Hosting;

/// <summary>
/// The node's command line (System.CommandLine): the switches of docs/configuration.md, each bound to its configuration
/// key, plus full configuration keys (<c>--Mxo:World:SnapshotEvery=50</c>), which are left to
/// Microsoft.Extensions.Configuration as they are.
/// </summary>
public static class NodeCommandLine
{
    /// <summary>A parsed command line: <see cref="Settings"/> holds the switches that were given, by configuration key;
    /// <see cref="ConfigurationArgs"/> the rest (configuration keys and their values) for the host's command-line source.</summary>
    public sealed record Parsed(ParseResult Result, IReadOnlyDictionary<string, string?> Settings, string[] ConfigurationArgs)
    {
        /// <summary><c>--help</c> or <c>--version</c>: print and exit instead of starting.</summary>
        public bool PrintsAndExits => Result.Action is not null && Result.Errors.Count == 0;
    }

    public const string ConfigurationKeyHint = "a configuration key such as --Mxo:World:SnapshotEvery=50";

    /// <summary>The root command with every switch; defaults come from the option classes, so help shows what applies.</summary>
    public static RootCommand Create() => Build().Root;

    /// <summary>Parses <paramref name="args"/>; an unknown or malformed option throws <see cref="InvalidOperationException"/>.</summary>
    public static Parsed Parse(string[] args)
    {
        var (root, keys) = Build();
        // '@file' stays an ordinary token, as before (no response files).
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0)
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Message)));

        var unmatched = result.UnmatchedTokens.ToArray();
        foreach (var token in unmatched)
        {
            if (!token.StartsWith("--", StringComparison.Ordinal)) continue; // a configuration key's value
            var name = token.Split('=', 2)[0];
            // Full configuration keys (--Mxo:World:SnapshotEvery=50, --Logging:LogLevel:Default=Debug) are allowed.
            if (name.Contains(':', StringComparison.Ordinal)) continue;
            throw new InvalidOperationException(
                $"unknown option '{name}'; options: {string.Join(", ", keys.Keys.Select(o => o.Name))}, or {ConfigurationKeyHint}");
        }

        var settings = new Dictionary<string, string?>();
        foreach (var (option, key) in keys)
        {
            if (result.GetResult(option) is not { Implicit: false } given) continue;
            settings[key] = given.GetValueOrDefault<object?>() switch
            {
                TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v?.ToString(),
            };
        }
        return new Parsed(result, settings, unmatched);
    }

    private static (RootCommand Root, Dictionary<Option, string> Keys) Build()
    {
        var node = new NodeOptions();
        var keys = new Dictionary<Option, string>();
        var root = new RootCommand(
            "An MXO node: the roles decide what it hosts. Any setting of docs/configuration.md can also be given as " +
            $"{ConfigurationKeyHint}. 'mxo-node bots --help' describes the bots load command.")
        {
            TreatUnmatchedTokensAsErrors = false, // configuration keys; checked in Parse
        };

        Option<T> Add<T>(string name, string key, string description, T defaultValue)
        {
            var option = new Option<T>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
            keys[option] = key;
            root.Options.Add(option);
            return option;
        }

        Add("--dev", "Mxo:Dev", "Development mode: the 'hello' identity, a throwaway signing key, no per-address limits for this machine. [default: off]", node.Dev);
        Add("--roles", "Mxo:Roles", "Comma-separated cluster roles: world, edge.", node.Roles);
        Add("--hostname", "Mxo:Hostname", "The address other nodes reach this one on (remoting).", node.Hostname);
        Add("--port", "Mxo:Port", "The Akka remoting port; 0 picks a free one.", node.Port);
        Add("--seeds", "Mxo:SeedNodes", "Comma-separated seed nodes (akka.tcp://mxo@host:port); [default: none, the node joins itself unless --discovery is set]", node.SeedNodes);
        Add("--discovery", "Mxo:Discovery:Method", "Cluster formation without seeds: none, config (the endpoints below) or kubernetes (pods by label).", node.Discovery.Method);
        Add("--discovery-endpoints", "Mxo:Discovery:Endpoints", "Config discovery: comma-separated management endpoints (host:port) of the nodes. [default: none]", node.Discovery.Endpoints);
        Add("--management-port", "Mxo:Discovery:ManagementPort", "The management port other nodes probe during cluster bootstrap (GET /bootstrap/seed-nodes; with --discovery only).", node.Discovery.ManagementPort);
        Add("--edge-url", "Mxo:EdgeUrl", "Where the HTTP server listens (API, /ws, /health).", node.EdgeUrl);
        Add("--persistence", "Mxo:Persistence:Provider", "The journal's database: sqlite or postgresql.", node.Persistence.Provider);
        Add("--connection-string", "Mxo:Persistence:ConnectionString", "The journal's connection string. [default: none, for SQLite data/mxo.db under the working directory]", node.Persistence.ConnectionString);
        Add("--checkpoint-interval", "Mxo:World:CheckpointInterval", "How often a moving player's position is persisted (hh:mm:ss).", new WorldSettings().CheckpointInterval);
        Add("--log-format", "Mxo:LogFormat", "Console log lines: text, or json (one JSON object per line).", node.LogFormat)
            .AcceptOnlyFromAmong(NodeOptions.LogFormats);
        return (root, keys);
    }
}

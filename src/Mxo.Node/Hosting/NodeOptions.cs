using Mxo.Actors;

namespace Mxo.Node.Hosting;

/// <summary>The node's typed options: the <c>Mxo</c> section of appsettings, <c>MXO__*</c> environment variables and
/// command-line switches (docs/configuration.md documents every one).</summary>
public sealed class NodeOptions : ICheckedSettings
{
    /// <summary>Development mode (<c>--dev</c>): enables the <c>hello</c> stand-in identity.</summary>
    public bool Dev { get; set; }

    /// <summary>Comma-separated cluster roles: <c>world</c> hosts entities, <c>edge</c> serves players.</summary>
    public string Roles { get; set; } = "world,edge";

    public string SystemName { get; set; } = "mxo";

    /// <summary>Address other nodes reach this one on (remoting).</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Remoting port; 0 picks a free one.</summary>
    public int Port { get; set; } = 4053;

    /// <summary>Comma-separated seed node addresses (<c>akka.tcp://mxo@host:port</c>). Empty: the node seeds itself.</summary>
    public string SeedNodes { get; set; } = "";

    /// <summary>Where the edge listens (HTTP and WebSocket).</summary>
    public string EdgeUrl { get; set; } = "http://127.0.0.1:5080";

    public PersistenceOptions Persistence { get; set; } = new();

    /// <summary>Cluster formation through Akka.Management Cluster Bootstrap instead of <see cref="SeedNodes"/>.</summary>
    public DiscoveryOptions Discovery { get; set; } = new();

    /// <summary>Console log lines (<c>--log-format</c>): <c>text</c>, or <c>json</c> (one JSON object per line).</summary>
    public string LogFormat { get; set; } = "text";

    public static readonly string[] LogFormats = ["text", "json"];

    /// <summary>
    /// At most this many connections (player sockets, HTTP, operator) at once; over it a new connection is closed as soon
    /// as it is accepted. Unset: the open-file limit less a quarter of it (<see cref="Hosting.ConnectionCap.Reserve"/>).
    /// </summary>
    public int? MaxConnections { get; set; }

    public IReadOnlyList<string> RoleList =>
        Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> SeedNodeList =>
        SeedNodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>This node's cluster address as configured (with <see cref="Port"/> 0 the real port is only known later).</summary>
    public string Address => $"akka.tcp://{SystemName}@{Hostname}:{Port}";

    public bool HostsWorld => RoleList.Contains("world");
    public bool HostsEdge => RoleList.Contains("edge");

    public IReadOnlyList<string> Problems() => new ProblemList("Mxo")
        .Require(RoleList.Count > 0 && RoleList.All(r => r is "world" or "edge"), $"Roles must list 'world' and/or 'edge', got '{Roles}'")
        .Require(!string.IsNullOrWhiteSpace(SystemName), "SystemName must not be empty")
        .Require(LogFormats.Contains(LogFormat, StringComparer.Ordinal),
            $"LogFormat must be one of {string.Join(", ", LogFormats.Select(f => $"'{f}'"))}, got '{LogFormat}'")
        .Require(Port is >= 0 and <= 65535, $"Port must be 0-65535, got {Port}")
        .Require(Uri.TryCreate(EdgeUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https",
            $"EdgeUrl must be an absolute http or https URL, got '{EdgeUrl}'")
        .Require(SeedNodeList.All(s => s.StartsWith("akka.tcp://", StringComparison.Ordinal)),
            $"SeedNodes must be akka.tcp://system@host:port addresses, got '{SeedNodes}'")
        // Cluster Bootstrap gives up on discovery as soon as seed nodes are configured; both set is a mistake either way.
        .Require(SeedNodeList.Count == 0 || !Discovery.Enabled,
            $"SeedNodes and Mxo:Discovery:Method '{Discovery.Method}' are both set: use one way to form the cluster")
        .Require(!Discovery.Enabled || Discovery.ManagementPort != Port,
            $"Discovery:ManagementPort ({Discovery.ManagementPort}) must differ from the remoting port Mxo:Port")
        .AddRange(Discovery.Problems(Hostname))
        .Require(MaxConnections is null or >= 1, $"MaxConnections must be at least 1, got {MaxConnections}")
        .Require(Persistence.Journal.Parallelism >= 1, "Persistence:Journal:Parallelism must be at least 1")
        .Require(Persistence.Journal.BatchSize >= 1, "Persistence:Journal:BatchSize must be at least 1")
        .Require(Persistence.Journal.BufferSize >= 1, "Persistence:Journal:BufferSize must be at least 1")
        .ToList();
}

public sealed class PersistenceOptions
{
    /// <summary><c>sqlite</c> (embedded, default) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Empty for SQLite means <c>Data Source=data/mxo.db</c> under the working directory.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The journal's write pipeline (docs/configuration.md, "Journal tuning"; figures in docs/benchmarks.md).</summary>
    public JournalTuning Journal { get; set; } = new();
}

/// <summary>
/// Akka.Persistence.Sql's write pipeline, as the node sets it: the journal queues writes (<see cref="BufferSize"/>),
/// groups queued writes into batches of up to <see cref="BatchSize"/> rows, and runs <see cref="Parallelism"/> batches
/// at once, each on its own pooled connection and transaction.
/// </summary>
public sealed class JournalTuning
{
    /// <summary>Batches written at once (the library's <c>parallelism</c>, default 3).</summary>
    public int Parallelism { get; set; } = 3;

    /// <summary>Rows per batch (the library's <c>batch-size</c>, default 100).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Writes the journal queues before it rejects more (the library's <c>buffer-size</c>, default 5,000).</summary>
    public int BufferSize { get; set; } = 5000;
}

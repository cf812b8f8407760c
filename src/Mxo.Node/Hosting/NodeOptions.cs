namespace Mxo.Node.Hosting;

/// <summary>The node's typed options: the <c>Mxo</c> section of appsettings, <c>MXO__*</c> environment variables and
/// command-line switches (docs/configuration.md documents every one).</summary>
public sealed class NodeOptions
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

    /// <summary>Console log lines (<c>--log-format</c>): <c>text</c>, or <c>json</c> (one JSON object per line).</summary>
    public string LogFormat { get; set; } = "text";

    public static readonly string[] LogFormats = ["text", "json"];

    public IReadOnlyList<string> RoleList =>
        Roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<string> SeedNodeList =>
        SeedNodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool HostsWorld => RoleList.Contains("world");
    public bool HostsEdge => RoleList.Contains("edge");
}

public sealed class PersistenceOptions
{
    /// <summary><c>sqlite</c> (embedded, default) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Empty for SQLite means <c>Data Source=data/mxo.db</c> under the working directory.</summary>
    public string ConnectionString { get; set; } = "";
}

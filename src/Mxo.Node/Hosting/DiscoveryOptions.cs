using System.Globalization;
using Mxo.Actors;

namespace Mxo.Node.Hosting;

/// <summary>
/// How a node finds its cluster without a seed list (<c>Mxo:Discovery</c>, docs/operations.md "Forming a cluster"):
/// Akka.Management Cluster Bootstrap with config discovery (a fixed list of management endpoints) or Kubernetes API
/// discovery (pods by label). <c>none</c> keeps <c>Mxo:SeedNodes</c> (or joining itself).
/// </summary>
public sealed class DiscoveryOptions
{
    public const string SectionName = "Mxo:Discovery";

    public const string None = "none";
    public const string Config = "config";
    public const string Kubernetes = "kubernetes";
    public static readonly string[] Methods = [None, Config, Kubernetes];

    /// <summary><c>none</c> (seeds, or join itself), <c>config</c> or <c>kubernetes</c>.</summary>
    public string Method { get; set; } = None;

    /// <summary>The name looked up: the config service's name, and <c>{0}</c> in <see cref="KubernetesLabelSelector"/>.</summary>
    public string ServiceName { get; set; } = "mxo";

    /// <summary>Config discovery: comma-separated management endpoints (<c>host:port</c>) of the nodes that form the cluster.</summary>
    public string Endpoints { get; set; } = "";

    /// <summary>Contact points that must answer before the lowest of them forms a new cluster.</summary>
    public int RequiredContactPoints { get; set; } = 2;

    /// <summary>The host other nodes reach this node's management endpoint on; empty: <c>Mxo:Hostname</c>.</summary>
    public string ManagementHostname { get; set; } = "";

    /// <summary>The interface the management endpoint binds; empty: the management hostname (<c>0.0.0.0</c> in a container).</summary>
    public string ManagementBindHostname { get; set; } = "";

    /// <summary>The management endpoint's port (Akka.Management's HTTP server, its own listener).</summary>
    public int ManagementPort { get; set; } = 8558;

    /// <summary>Kubernetes discovery: the name of the container port that is the management endpoint.</summary>
    public string PortName { get; set; } = "management";

    /// <summary>Kubernetes discovery: the namespace whose pods are listed; empty: the pod's own namespace.</summary>
    public string KubernetesNamespace { get; set; } = "";

    /// <summary>
    /// Kubernetes discovery: the API server; empty: in a pod, the cluster's own (service account, <c>KUBERNETES_SERVICE_*</c>).
    /// Outside the cluster e.g. <c>kubectl proxy</c>'s <c>http://127.0.0.1:8001</c>.
    /// </summary>
    public string KubernetesApiUrl { get; set; } = "";

    /// <summary>Kubernetes discovery: the pod label selector; <c>{0}</c> stands for <see cref="ServiceName"/>.</summary>
    public string KubernetesLabelSelector { get; set; } = "app={0}";

    /// <summary>How long the discovered contact points must stay the same before a new cluster is formed.</summary>
    public TimeSpan StableMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often discovery is asked again.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each contact point's management endpoint is asked for its cluster's seed nodes.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool Enabled => Method != None;

    public IReadOnlyList<string> EndpointList =>
        Endpoints.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The management endpoint's public host: <see cref="ManagementHostname"/>, else the remoting hostname.</summary>
    public string ManagementHost(string remotingHostname) =>
        string.IsNullOrWhiteSpace(ManagementHostname) ? remotingHostname : ManagementHostname.Trim();

    /// <summary>
    /// <c>host:port</c>, as Akka's config discovery splits it (at the first colon, so no IPv6 literals), with a port of
    /// 1-65535.
    /// </summary>
    public static bool IsEndpoint(string endpoint)
    {
        var parts = endpoint.Split(':');
        return parts.Length == 2 && Uri.CheckHostName(parts[0]) != UriHostNameType.Unknown
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;
    }

    // Akka.Discovery.KubernetesApi fills in the service name with string.Format: a stray brace would fail only at lookup.
    private bool FormatsWithServiceName(string selector)
    {
        try
        {
            _ = string.Format(CultureInfo.InvariantCulture, selector, ServiceName);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <param name="remotingHostname">This node's <c>Mxo:Hostname</c>: the management host's default.</param>
    public IReadOnlyList<string> Problems(string remotingHostname)
    {
        var problems = new ProblemList(SectionName);
        if (!Methods.Contains(Method, StringComparer.Ordinal))
            return problems.Require(false, $"Method must be one of {string.Join(", ", Methods.Select(m => $"'{m}'"))}, got '{Method}'").ToList();
        problems.Require(Method == Config || EndpointList.Count == 0, $"Endpoints is used only when Method is 'config' (Method is '{Method}')");
        if (!Enabled) return problems.ToList();

        var self = $"{ManagementHost(remotingHostname)}:{ManagementPort}";
        problems
            .Require(!string.IsNullOrWhiteSpace(ServiceName), "ServiceName must not be empty")
            .Require(ManagementPort is >= 1 and <= 65535, $"ManagementPort must be 1-65535, got {ManagementPort}")
            .Require(RequiredContactPoints >= 1, $"RequiredContactPoints must be at least 1, got {RequiredContactPoints}")
            .Require(StableMargin > TimeSpan.Zero, "StableMargin must be positive")
            .Require(Interval > TimeSpan.Zero, "Interval must be positive")
            .Require(ProbeInterval > TimeSpan.Zero, "ProbeInterval must be positive");
        if (Method == Config)
        {
            var endpoints = EndpointList;
            problems
                .Require(endpoints.Count > 0, "Endpoints must list the management endpoints (host:port, comma-separated) when Method is 'config'")
                .Require(endpoints.All(IsEndpoint), $"Endpoints must be host:port, comma-separated (no IPv6 literals), got '{Endpoints}'")
                .Require(endpoints.Count == 0 || RequiredContactPoints <= endpoints.Count,
                    $"RequiredContactPoints ({RequiredContactPoints}) must not exceed the {endpoints.Count} Endpoints, or no cluster ever forms")
                // Bootstrap recognises itself by comparing its own host:port with the discovered ones as written: a node
                // listed as 'localhost:8558' that calls itself 127.0.0.1 never forms the cluster when it is the lowest.
                .Require(endpoints.Count == 0 || endpoints.Contains(self, StringComparer.OrdinalIgnoreCase),
                    $"Endpoints must list this node's own management endpoint '{self}' (ManagementHostname, else Mxo:Hostname, and ManagementPort), written the same way; got '{Endpoints}'");
        }
        else
        {
            problems
                .Require(!string.IsNullOrWhiteSpace(KubernetesLabelSelector) && FormatsWithServiceName(KubernetesLabelSelector),
                    $"KubernetesLabelSelector must be a label selector in which {{0}} may stand for ServiceName (e.g. 'app={{0}}'), got '{KubernetesLabelSelector}'")
                .Require(!string.IsNullOrWhiteSpace(PortName), "PortName (the management container port's name) must not be empty when Method is 'kubernetes'")
                .Require(string.IsNullOrWhiteSpace(KubernetesApiUrl)
                    || (Uri.TryCreate(KubernetesApiUrl.Trim(), UriKind.Absolute, out var api) && api.Scheme is "http" or "https"),
                    $"KubernetesApiUrl must be empty (in a pod) or an absolute http or https URL, got '{KubernetesApiUrl}'");
        }
        return problems.ToList();
    }
}

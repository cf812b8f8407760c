using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Discovery;
using Akka.Event;

namespace Mxo.Node.Hosting;

/// <summary>What <see cref="KubernetesPodDiscovery"/> asks the Kubernetes API (from <c>Mxo:Discovery</c>).</summary>
/// <param name="ApiUrl">The API server; null: in the cluster, from the service account and <c>KUBERNETES_SERVICE_*</c>.</param>
/// <param name="Namespace">The pods' namespace; null: the pod's own (the service account's namespace file).</param>
/// <param name="LabelSelector">The label selector; <c>{0}</c> stands for the service name looked up.</param>
public sealed class KubernetesPodDiscoverySetup(string? apiUrl, string? @namespace, string labelSelector) : Setup
{
    public string? ApiUrl { get; } = apiUrl;
    public string? Namespace { get; } = @namespace;
    public string LabelSelector { get; } = labelSelector;
}

/// <summary>
/// Akka.Discovery through the Kubernetes API: the running pods that match the label selector, each with its pod IP and
/// the container port named as the lookup's port name (the management endpoint), for Cluster Bootstrap.
/// </summary>
/// <remarks>
/// Not Akka.Discovery.KubernetesApi: its 1.5.73 build calls KubernetesClient 17's <c>ListNamespacedPodAsync</c>
/// overload, which KubernetesClient 19.0.2 (what the registry here serves besides 21.0.8) no longer has: the call would
/// fail with a MissingMethodException. Listing pods is one GET, so this asks the API directly.
/// </remarks>
public sealed class KubernetesPodDiscovery : ServiceDiscovery
{
    /// <summary>Where Kubernetes mounts the pod's service account.</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    private readonly KubernetesPodDiscoverySetup _setup;
    private readonly ILoggingAdapter _log;
    private readonly Lazy<HttpClient> _http;

    /// <summary>Akka.Discovery creates it by this constructor (the <c>class</c> of its configuration section).</summary>
    public KubernetesPodDiscovery(ExtendedActorSystem system)
    {
        var setup = system.Settings.Setup.Get<KubernetesPodDiscoverySetup>();
        _setup = setup.HasValue ? setup.Value
            : throw new ConfigurationException($"{nameof(KubernetesPodDiscovery)} needs a {nameof(KubernetesPodDiscoverySetup)}");
        _log = Logging.GetLogger(system, GetType());
        _http = new Lazy<HttpClient>(CreateClient);
    }

    private string TokenPath => Path.Combine(ServiceAccountDirectory, "token");

    private HttpClient CreateClient()
    {
        var handler = new HttpClientHandler();
        string baseUrl;
        if (_setup.ApiUrl is { } url) baseUrl = url;
        else
        {
            var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")
                ?? throw new InvalidOperationException("KUBERNETES_SERVICE_HOST is not set: not in a Kubernetes pod, and Mxo:Discovery:KubernetesApiUrl is empty");
            var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT") ?? "443";
            baseUrl = $"https://{(IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host)}:{port}";
            // The API server's certificate is issued by the cluster's own CA, which the service account carries.
            var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(ServiceAccountDirectory, "ca.crt"));
            handler.ServerCertificateCustomValidationCallback = (_, certificate, chain, errors) =>
            {
                if (errors == System.Net.Security.SslPolicyErrors.None) return true;
                if (certificate is null || chain is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                    return false;
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        }
        return new HttpClient(handler) { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/") };
    }

    private string Namespace() =>
        _setup.Namespace
        ?? (File.Exists(Path.Combine(ServiceAccountDirectory, "namespace"))
            ? File.ReadAllText(Path.Combine(ServiceAccountDirectory, "namespace")).Trim()
            : "default");

    public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        var selector = string.Format(System.Globalization.CultureInfo.InvariantCulture, _setup.LabelSelector, lookup.ServiceName);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"api/v1/namespaces/{Uri.EscapeDataString(Namespace())}/pods?labelSelector={Uri.EscapeDataString(selector)}");
        // Read at every lookup: Kubernetes rotates projected service-account tokens.
        if (File.Exists(TokenPath))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(TokenPath)).Trim());
        using var timeout = new CancellationTokenSource(resolveTimeout);
        using var response = await _http.Value.SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"listing pods '{selector}' answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        using var pods = JsonDocument.Parse(body);
        var targets = Targets(pods.RootElement, lookup.PortName);
        if (targets.Count == 0 && pods.RootElement.TryGetProperty("items", out var items) && items.GetArrayLength() > 0)
            _log.Warning("Kubernetes discovery: {0} pods match '{1}' but none is running with a container port named '{2}'",
                items.GetArrayLength(), selector, lookup.PortName);
        return new Resolved(lookup.ServiceName, targets);
    }

    /// <summary>
    /// The contact points in a <c>PodList</c>: running pods with an IP that are not being deleted, each with the
    /// container port named <paramref name="portName"/> (pods without one are left out); without a port name, no port.
    /// </summary>
    public static IReadOnlyList<ResolvedTarget> Targets(JsonElement podList, string? portName)
    {
        var targets = new List<ResolvedTarget>();
        if (!podList.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array) return targets;
        foreach (var pod in items.EnumerateArray())
        {
            if (pod.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("deletionTimestamp", out var deleting)
                && deleting.ValueKind != JsonValueKind.Null)
                continue;
            if (!pod.TryGetProperty("status", out var status) || Text(status, "phase") != "Running"
                || Text(status, "podIP") is not { } ip || !IPAddress.TryParse(ip, out var address))
                continue;
            int? port = null;
            if (!string.IsNullOrEmpty(portName) && (port = ContainerPort(pod, portName)) is null) continue;
            targets.Add(new ResolvedTarget(ip, port, address));
        }
        return targets;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? ContainerPort(JsonElement pod, string portName)
    {
        if (!pod.TryGetProperty("spec", out var spec) || !spec.TryGetProperty("containers", out var containers)) return null;
        foreach (var container in containers.EnumerateArray())
        {
            if (!container.TryGetProperty("ports", out var ports) || ports.ValueKind != JsonValueKind.Array) continue;
            foreach (var port in ports.EnumerateArray())
                if (Text(port, "name") == portName && port.TryGetProperty("containerPort", out var number) && number.TryGetInt32(out var value))
                    return value;
        }
        return null;
    }
}

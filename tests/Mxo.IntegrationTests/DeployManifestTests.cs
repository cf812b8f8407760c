using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Mxo.Actors;
using Mxo.Actors.Accounts;
using Mxo.Actors.World;
using Mxo.Edge;
using Mxo.Edge.Auth;
using Mxo.Edge.Http;
using Mxo.Node.Hosting;
using Mxo.Node.Operator;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// deploy/ against the code: no container engine or Kubernetes runs here, so these read the files and check that what
/// they say matches what the node binds, parses and serves. README.md, "Deploying", says what is not checked.
/// </summary>
public sealed partial class DeployManifestTests
{
    private static readonly string Deploy = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "deploy"));

    /// <summary>The node's options records by configuration section, as src/Mxo.Node/Hosting/MxoNode.cs binds them.</summary>
    private static readonly (string Section, Type Type)[] Sections =
    [
        (OperatorOptions.SectionName, typeof(OperatorOptions)), (JwtOptions.SectionName, typeof(JwtOptions)),
        (SecurityOptions.SectionName, typeof(SecurityOptions)), ("Mxo:World", typeof(WorldSettings)), ("Mxo:Edge", typeof(EdgeOptions)),
        ("Mxo:Accounts", typeof(AccountSettings)), ("Mxo:WorldClock", typeof(WorldClockSettings)), ("Mxo", typeof(NodeOptions)),
    ];

    /// <summary>Stand-ins for the Secret's values, valid for the node's checks (README.md, "Deploying", creates the real ones).</summary>
    private static readonly Dictionary<string, string> SecretStandIns = new()
    {
        ["jwt-signing-key"] = TestNode.SigningKey,
        ["operator-key"] = TestNode.SigningKey,
        ["journal-connection-string"] = "Host=postgres;Database=mxo;Username=mxo;Password=secret",
    };

    private sealed record Workload(string Name, IDictionary<string, string> PodLabels, int Replicas, string? ServiceAccount, V1Container Container)
    {
        /// <summary>The container's environment as configuration keys and values, secrets and the pod IP stood in.</summary>
        public Dictionary<string, string?> Settings => (Container.Env ?? []).ToDictionary(
            e => e.Name.Replace("__", ":", StringComparison.Ordinal),
            string? (e) => e.Value ?? (e.ValueFrom?.SecretKeyRef?.Key is { } secret ? SecretStandIns[secret]
                : e.ValueFrom?.FieldRef?.FieldPath == "status.podIP" ? "10.1.2.3"
                : throw new InvalidOperationException($"{Name}: {e.Name} has a value this test cannot stand in for")));

        public IConfiguration Configuration => new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();

        public NodeOptions Node => Configuration.GetSection("Mxo").Get<NodeOptions>() ?? new NodeOptions();

        public OperatorOptions Operator => Configuration.GetSection(OperatorOptions.SectionName).Get<OperatorOptions>() ?? new OperatorOptions();
    }

    private static List<object> Objects() => Directory.GetFiles(Path.Combine(Deploy, "kubernetes"), "*.yaml")
        // Strict: a field Kubernetes does not know (a typo) throws instead of being dropped.
        .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true))
        .ToList();

    private static List<Workload> Workloads()
    {
        var objects = Objects();
        return
        [
            .. objects.OfType<V1StatefulSet>().Select(s => new Workload(s.Metadata.Name, s.Spec.Template.Metadata.Labels, s.Spec.Replicas ?? 1,
                s.Spec.Template.Spec.ServiceAccountName, Assert.Single(s.Spec.Template.Spec.Containers))),
            .. objects.OfType<V1Deployment>().Select(d => new Workload(d.Metadata.Name, d.Spec.Template.Metadata.Labels, d.Spec.Replicas ?? 1,
                d.Spec.Template.Spec.ServiceAccountName, Assert.Single(d.Spec.Template.Spec.Containers))),
        ];
    }

    private static string Dockerfile => File.ReadAllText(Path.Combine(Deploy, "docker", "Dockerfile"));

    [GeneratedRegex(@"^EXPOSE\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExposeLine();

    [GeneratedRegex(@"^ENTRYPOINT\s+(\[.+\])\s*$", RegexOptions.Multiline)]
    private static partial Regex EntrypointLine();

    /// <summary>Binds one key alone into its section's options record, refusing keys the record has no property for.</summary>
    private static void Bind(string key, string? value)
    {
        var (section, type) = Sections.First(s => key.StartsWith(s.Section + ":", StringComparison.OrdinalIgnoreCase));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        configuration.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true);
    }

    [Fact]
    public void The_manifests_parse_strictly_and_hold_the_world_and_edge_workloads_and_their_rbac()
    {
        var objects = Objects();
        Assert.Equal(["mxo-edge", "mxo-world"], Workloads().Select(w => w.Name).Order());
        var world = Assert.Single(objects.OfType<V1StatefulSet>());
        // OrderedReady would deadlock: the second pod waits for the first to be ready, which needs the second to form.
        Assert.Equal("Parallel", world.Spec.PodManagementPolicy);

        // Kubernetes discovery lists pods: the workloads' service account may, through the Role.
        var role = Assert.Single(objects.OfType<V1Role>());
        Assert.Contains(role.Rules, r => r.Resources.Contains("pods") && r.Verbs.Contains("list") && r.ApiGroups.Contains(""));
        var binding = Assert.Single(objects.OfType<V1RoleBinding>());
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        var account = Assert.Single(objects.OfType<V1ServiceAccount>()).Metadata.Name;
        Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == account);
        Assert.All(Workloads(), w => Assert.Equal(account, w.ServiceAccount));
    }

    [Fact]
    public void Every_MXO_variable_is_a_setting_the_node_binds_and_the_node_starts_with_them()
    {
        // The check itself refuses a key no options record has.
        Assert.Throws<InvalidOperationException>(() => Bind("Mxo:Discovery:Methd", "kubernetes"));

        foreach (var workload in Workloads())
        {
            var settings = workload.Settings;
            Assert.All(settings.Where(s => s.Key.StartsWith("MXO:", StringComparison.Ordinal)), s => Bind(s.Key, s.Value));
            Assert.DoesNotContain(settings.Keys, k => !k.StartsWith("MXO:", StringComparison.Ordinal)); // no other variables to check

            // The node's own start-up checks (every options record, the signing key, the journal's settings) accept them.
            var app = MxoNode.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));
            ((IDisposable)app).Dispose();
            Assert.Equal(DiscoveryOptions.Kubernetes, workload.Node.Discovery.Method);
            Assert.False(workload.Operator.Uri!.IsLoopback); // hence the key below
            Assert.NotEmpty(workload.Operator.Key);
        }
    }

    [Fact]
    public void Ports_probes_services_and_the_discovery_selector_agree_with_the_settings_and_the_dockerfile()
    {
        var objects = Objects();
        var workloads = Workloads();
        var exposed = ExposeLine().Matches(Dockerfile).SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse).Order().ToArray();
        foreach (var w in workloads)
        {
            var node = w.Node;
            var ports = w.Container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
            Assert.Equal(new Uri(node.EdgeUrl).Port, ports["http"]);
            Assert.Equal(node.Port, ports["remoting"]);
            Assert.Equal(w.Operator.Uri!.Port, ports["operator"]);
            Assert.Equal(node.Discovery.ManagementPort, ports[node.Discovery.PortName]);
            Assert.Equal(exposed, ports.Values.Order().ToArray());

            // /health/* is served on the edge URL by every node, whatever its roles (src/Mxo.Edge/EdgeEndpoints.cs, MapHealth).
            Assert.Equal(("/health/ready", "http"), (w.Container.ReadinessProbe.HttpGet.Path, w.Container.ReadinessProbe.HttpGet.Port.Value));
            Assert.Equal(("/health/live", "http"), (w.Container.LivenessProbe.HttpGet.Path, w.Container.LivenessProbe.HttpGet.Port.Value));

            // Discovery finds the pods by this selector: every workload's pods carry it, so both roles form one cluster.
            var selector = string.Format(System.Globalization.CultureInfo.InvariantCulture, node.Discovery.KubernetesLabelSelector, node.Discovery.ServiceName);
            foreach (var pair in selector.Split(','))
            {
                var (key, value) = (pair.Split('=')[0], pair.Split('=')[1]);
                Assert.Equal(value, w.PodLabels[key]);
            }
            Assert.True(node.Discovery.RequiredContactPoints <= workloads.Sum(x => x.Replicas), "more contact points required than pods run");
        }

        foreach (var service in objects.OfType<V1Service>())
        {
            var selected = workloads.Where(w => service.Spec.Selector.All(s => w.PodLabels.TryGetValue(s.Key, out var v) && v == s.Value)).ToList();
            Assert.NotEmpty(selected);
            Assert.All(service.Spec.Ports, p => Assert.All(selected, w => Assert.Contains(w.Container.Ports, c => c.Name == p.TargetPort.Value)));
        }
    }

    [Fact]
    public void The_prestop_hook_is_a_pbm_command_the_client_and_the_command_host_accept_against_the_operator_port()
    {
        var entrypoint = JsonSerializer.Deserialize<string[]>(EntrypointLine().Match(Dockerfile).Groups[1].Value)!;
        var hooks = Workloads().Where(w => w.Container.Lifecycle?.PreStop is not null).ToList();
        Assert.Contains(hooks, w => w.Name == "mxo-world");
        foreach (var w in hooks)
        {
            var command = w.Container.Lifecycle.PreStop.Exec.Command.ToArray();
            Assert.Equal([.. entrypoint, "pbm"], command[..(entrypoint.Length + 1)]);
            // mxo-node pbm [host:port] <palette> <command> [args] (src/Mxo.Node/Operator/PbmClient.cs)
            var target = new Uri("http://" + command[entrypoint.Length + 1]);
            Assert.Equal(w.Operator.Uri!.Port, target.Port);
            Assert.True(target.IsLoopback);
            var found = OperatorCommands.Find(command[entrypoint.Length + 2], command[entrypoint.Length + 3]);
            Assert.NotNull(found);
            var (_, problem) = CommandArgs.Parse(command[(entrypoint.Length + 4)..], found.Values, found.Flags ?? []);
            Assert.Null(problem);
            // PbmClient reads exactly this variable (case matters on Linux) to send the key the listener requires.
            Assert.Contains(w.Container.Env, e => e.Name == "MXO__Operator__Key" && e.ValueFrom?.SecretKeyRef is not null);
        }
    }

    [Fact]
    public void The_dockerfile_copies_every_project_the_node_is_built_from_before_restoring()
    {
        var projects = new SortedSet<string>();
        var root = Path.GetDirectoryName(Deploy)!;
        void Walk(string csproj)
        {
            if (!projects.Add(Path.GetRelativePath(root, csproj).Replace('\\', '/'))) return;
            foreach (Match reference in Regex.Matches(File.ReadAllText(csproj), "ProjectReference Include=\"([^\"]+)\""))
                Walk(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(csproj)!, reference.Groups[1].Value.Replace('\\', '/'))));
        }
        Walk(Path.Combine(root, "src", "Mxo.Node", "Mxo.Node.csproj"));
        Assert.Equal(5, projects.Count);
        Assert.All(projects, p => Assert.Matches($@"(?m)^COPY {Regex.Escape(p)} {Regex.Escape(Path.GetDirectoryName(p)!)}/$", Dockerfile));
    }
}

using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Node.Fencing;
using Mxo.Node.Hosting;
using Mxo.Protocol;
using Mxo.Protocol.Serialization;
using Mxo.TestSupport;

namespace Mxo.Bench;

/// <summary>The in-process world node of the load commands (<c>encounters</c>, <c>mission-scheduler</c>).</summary>
internal static class BenchNode
{
    /// <summary>
    /// A world node as <c>MxoNode</c> builds one, with the node's journal (<see cref="PersistenceSetup.AddJournal"/>) and
    /// only what <paramref name="parts"/> adds: one member, loopback only.
    /// </summary>
    public static IHost Build(PersistenceSetup setup, Action<AkkaConfigurationBuilder> parts)
    {
        var port = FreePorts.Tcp();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("bench", akka =>
        {
            akka.AddHoconFile(Path.Combine(AppContext.BaseDirectory, "hocon", "akka.conf"), HoconAddMode.Prepend)
                .ConfigureLoggers(loggers => loggers.LogLevel = Akka.Event.LogLevel.WarningLevel)
                .WithRemoting("127.0.0.1", port)
                .WithClustering(new ClusterOptions
                {
                    Roles = [ShardedEntity.WorldRole],
                    SeedNodes = [$"akka.tcp://bench@127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"],
                })
                .WithCustomSerializer("mxo", [typeof(IMxoMessage)], system => new MxoSerializer(system))
                .AddWriteFence();
            setup.AddJournal(akka);
            parts(akka);
        });
        return builder.Build();
    }

    /// <summary>Waits until the one member is Up.</summary>
    public static async Task UpAsync(ActorSystem system, CancellationToken ct)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
    }
}

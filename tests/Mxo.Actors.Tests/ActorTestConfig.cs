using Akka.Configuration;
using Mxo.Actors;
using Mxo.Protocol.Serialization;
using Mxo.TestSupport;

namespace Mxo.Actors.Tests;

internal static class ActorTestConfig
{
    /// <summary>In-memory journal and snapshots (unit tests of one actor only) with the real serializer bound.</summary>
    public static readonly Config Hocon = ConfigurationFactory.ParseString($$"""
        akka.loglevel = INFO
        {{TestTime.AkkaHocon}}
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        akka.actor.serializers.mxo = "Mxo.Protocol.Serialization.MxoSerializer, Mxo.Protocol"
        akka.actor.serialization-bindings { "Mxo.Protocol.IMxoMessage, Mxo.Protocol" = mxo }
        akka.actor.serialization-identifiers { "Mxo.Protocol.Serialization.MxoSerializer, Mxo.Protocol" = {{MxoSerializer.SerializerId}} }
        """);

    /// <summary><see cref="Hocon"/> with the test journal <typeparamref name="TJournal"/> in place of the in-memory one.</summary>
    public static Config WithJournal<TJournal>(string name) => ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "akka.persistence.journal.{{name}}"
        akka.persistence.journal.{{name}} {
          class = "{{typeof(TJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """).WithFallback(Hocon);

    /// <summary>The shipped world data file.</summary>
    public static readonly Mxo.Protocol.World.WorldMap Map = Mxo.Protocol.World.WorldMap.Load(Mxo.Protocol.World.WorldMap.DefaultPath);

    public static readonly WorldSettings Settings = new()
    {
        CheckpointInterval = TimeSpan.FromMilliseconds(300),
        SnapshotEvery = 3,
        EnterTimeout = TimeSpan.FromSeconds(3),
    };
}

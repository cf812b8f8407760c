using System.Text;
using System.Text.Json;
using Akka.Configuration;
using Mxo.Protocol.Serialization;

namespace Mxo.Edge.Tests;

internal static class EdgeTestConfig
{
    /// <summary>The real serializer bound for the protocol messages (as the node does); sessions and streams stay local.</summary>
    public static readonly Config Hocon = ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.actor.serializers.mxo = "Mxo.Protocol.Serialization.MxoSerializer, Mxo.Protocol"
        akka.actor.serialization-bindings { "Mxo.Protocol.IMxoMessage, Mxo.Protocol" = mxo }
        akka.actor.serialization-identifiers { "Mxo.Protocol.Serialization.MxoSerializer, Mxo.Protocol" = {{MxoSerializer.SerializerId}} }
        """);

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>The shipped world map.</summary>
    public static readonly Mxo.Protocol.World.WorldMap Map = Mxo.Protocol.World.WorldMap.Load(Mxo.Protocol.World.WorldMap.DefaultPath);

    /// <summary>Downtown's spawn point in the shipped map.</summary>
    public static Mxo.Protocol.Vec3 DowntownSpawn => Map.Find(new Mxo.Protocol.DistrictId("downtown"))!.Spawn;

    /// <summary>The node's features (the world) routed to a stand-in for the player region.</summary>
    public static Edge.Features.SessionFeatureSet WorldFeatures(Akka.Actor.IActorRef players) =>
        Edge.Features.SessionFeatureSet.For(players, Map.All.Select(d => d.Id).ToArray(), Akka.Actor.ActorRefs.Nobody);
}

/// <summary>A parsed server frame.</summary>
internal sealed record Frame(string Type, int Version, string? Id, JsonElement Data)
{
    public static Frame Parse(ReadOnlySpan<byte> utf8)
    {
        using var doc = JsonDocument.Parse(utf8.ToArray());
        var root = doc.RootElement;
        var id = root.TryGetProperty("id", out var idEl) ? idEl.GetString() : null;
        return new Frame(root.GetProperty("type").GetString()!, root.GetProperty("v").GetInt32(), id,
            root.GetProperty("data").Clone());
    }

    public string ErrorCode => Data.GetProperty("code").GetString()!;

    public override string ToString() => $"{Type} id={Id ?? "(none)"} data={Data.GetRawText()}";
}

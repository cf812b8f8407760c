using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Mxo.TestSupport;

/// <summary>
/// Bound to <c>System.Object</c> in tests in place of Akka's default (Newtonsoft) serializer: any message without a
/// dedicated serializer fails loudly instead of silently falling back (docs/architecture.md, decision 3).
/// </summary>
public sealed class FallbackGuardSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int GuardId = 472;

    /// <summary>HOCON that installs the guard; append to a test's config.</summary>
    public const string Hocon = """
        akka.actor.serializers.mxo-fallback-guard = "Mxo.TestSupport.FallbackGuardSerializer, Mxo.TestSupport"
        akka.actor.serialization-bindings { "System.Object" = mxo-fallback-guard }
        akka.actor.serialization-identifiers { "Mxo.TestSupport.FallbackGuardSerializer, Mxo.TestSupport" = 472 }
        """;

    public override int Identifier => GuardId;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().FullName} would fall back to the default serializer; bind it to a real one");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException($"a message of {type?.FullName ?? "unknown type"} was serialized by the default serializer");
}

using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Mxo.Protocol.Serialization;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Protocol.Tests;

public sealed class SerializerTests : Akka.TestKit.Xunit2.TestKit
{
    public static readonly Config Hocon = ConfigurationFactory.ParseString($$"""
        akka.actor.serializers.mxo = "Mxo.Protocol.Serialization.MxoSerializer, Mxo.Protocol"
        akka.actor.serialization-bindings { "Mxo.Protocol.IMxoMessage, Mxo.Protocol" = mxo }
        akka.actor.serialization-identifiers { "Mxo.Protocol.Serialization.MxoSerializer, Mxo.Protocol" = {{MxoSerializer.SerializerId}} }
        {{FallbackGuardSerializer.Hocon}}
        {{TestTime.AkkaHocon}}
        """);

    public SerializerTests() : base(Hocon)
    {
    }

    private static string GoldenDir =>
        Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Golden");

    [Fact]
    public void Every_message_type_in_the_protocol_has_a_manifest_and_a_sample()
    {
        var messageTypes = typeof(IMxoMessage).Assembly.GetTypes()
            .Where(t => typeof(IMxoMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToHashSet();
        Assert.Equal(messageTypes.OrderBy(t => t.FullName), MxoSerializer.Manifests.Values.OrderBy(t => t.FullName));
        var sampled = Samples.All(TestActor).Select(s => s.GetType()).ToHashSet();
        Assert.Equal(messageTypes.OrderBy(t => t.FullName), sampled.OrderBy(t => t.FullName));
    }

    [Fact]
    public void Every_message_binds_to_the_mxo_serializer_and_round_trips()
    {
        foreach (var sample in Samples.All(TestActor))
        {
            var serializer = Sys.Serialization.FindSerializerFor(sample);
            Assert.IsType<MxoSerializer>(serializer);
            var mxo = (MxoSerializer)serializer;
            var bytes = mxo.ToBinary(sample);
            var back = mxo.FromBinary(bytes, mxo.Manifest(sample));
            Assert.IsType(sample.GetType(), back);
            // Byte equality after a round trip covers arrays and collections, which records compare by reference.
            Assert.Equal(bytes, mxo.ToBinary(back));
            Assert.Equal(sample.ToString()!.Length > 0, back.ToString()!.Length > 0);
        }
    }

    [Fact]
    public void Actor_refs_survive_the_round_trip()
    {
        var probe = CreateTestProbe();
        var mxo = (MxoSerializer)Sys.Serialization.FindSerializerForType(typeof(IMxoMessage));
        var attach = new Players.PlayerCommands.Attach(Samples.Neo, "Neo", probe.Ref);
        var back = (Players.PlayerCommands.Attach)mxo.FromBinary(mxo.ToBinary(attach), mxo.Manifest(attach));
        back.Session.Tell("ping");
        probe.ExpectMsg("ping");
    }

    [Fact]
    public void Empty_collections_come_back_empty_not_null()
    {
        var mxo = (MxoSerializer)Sys.Serialization.FindSerializerForType(typeof(IMxoMessage));
        var joined = new Districts.DistrictReplies.Joined(Samples.Downtown, Samples.Neo, "c", []);
        var back = (Districts.DistrictReplies.Joined)mxo.FromBinary(mxo.ToBinary(joined), mxo.Manifest(joined));
        Assert.Empty(back.Occupants);
        var state = Players.PlayerState.Empty(Samples.Neo);
        var backState = (Players.PlayerState)mxo.FromBinary(mxo.ToBinary(state), mxo.Manifest(state));
        Assert.Empty(backState.RecentCommandIds);
        Assert.Null(backState.District);
    }

    [Fact]
    public void Unknown_manifest_is_a_serialization_exception()
    {
        var mxo = (MxoSerializer)Sys.Serialization.FindSerializerForType(typeof(IMxoMessage));
        var e = Assert.Throws<SerializationException>(() => mxo.FromBinary([1, 2, 3], "no-such-manifest"));
        Assert.Contains("no-such-manifest", e.Message);
    }

    private sealed record NotAProtocolMessage(string Value);

    [Fact]
    public void A_message_outside_the_protocol_fails_loudly_instead_of_falling_back()
    {
        var serializer = Sys.Serialization.FindSerializerFor(new NotAProtocolMessage("x"));
        Assert.IsType<FallbackGuardSerializer>(serializer);
        var e = Assert.Throws<SerializationException>(() => serializer.ToBinary(new NotAProtocolMessage("x")));
        Assert.Contains(nameof(NotAProtocolMessage), e.Message);
    }

    /// <summary>
    /// Golden bytes: every persisted type's bytes are pinned in Golden/*.bin so old journals stay readable forever.
    /// A missing file fails; set MXO_WRITE_GOLDEN=1 once to create files for a NEW type (never to rewrite old ones).
    /// </summary>
    [Fact]
    public void Persisted_types_match_their_golden_bytes()
    {
        var mxo = (MxoSerializer)Sys.Serialization.FindSerializerForType(typeof(IMxoMessage));
        var write = Environment.GetEnvironmentVariable("MXO_WRITE_GOLDEN") == "1";
        var persistedTypes = typeof(IMxoMessage).Assembly.GetTypes()
            .Where(t => typeof(IMxoEvent).IsAssignableFrom(t) && !t.IsInterface).ToHashSet();
        var samples = Samples.Persisted();
        // every event type, plus the snapshot state records, is pinned
        Assert.Subset(samples.Select(s => s.GetType()).ToHashSet(), persistedTypes.Append(typeof(Players.PlayerState)).Append(typeof(Districts.DistrictState)).Append(typeof(Combat.EncounterState))
            .Append(typeof(Notifications.InboxState)).Append(typeof(Crews.CrewState))
            .Append(typeof(Teams.TeamState)).Append(typeof(Missions.MissionSchedulerState)).ToHashSet());

        foreach (var sample in samples)
        {
            var manifest = mxo.Manifest(sample);
            var path = Path.Combine(GoldenDir, manifest + ".bin");
            var bytes = mxo.ToBinary(sample);
            if (!File.Exists(path))
            {
                Assert.True(write, $"no golden file for '{manifest}' ({path}); run the tests once with MXO_WRITE_GOLDEN=1");
                File.WriteAllBytes(path, bytes);
                continue;
            }
            var golden = File.ReadAllBytes(path);
            Assert.True(golden.AsSpan().SequenceEqual(bytes), $"serialized form of '{manifest}' changed: old journals would not read back the same");
            var back = mxo.FromBinary(golden, manifest);
            Assert.Equal(bytes, mxo.ToBinary(back));
        }
    }
}

using Mxo.Protocol.Combat;
using Mxo.Protocol.Serialization;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>The encounter's persisted records come back equal by value, empty lists empty and absent values absent.</summary>
public sealed class CombatSerializationTests : Akka.TestKit.Xunit2.TestKit
{
    public CombatSerializationTests() : base(SerializerTests.Hocon)
    {
    }

    private T RoundTrip<T>(T message) where T : IMxoMessage
    {
        var mxo = (MxoSerializer)Sys.Serialization.FindSerializerForType(typeof(IMxoMessage));
        return (T)mxo.FromBinary(mxo.ToBinary(message), mxo.Manifest(message));
    }

    [Fact]
    public void Combat_events_and_state_round_trip_by_value()
    {
        foreach (var sample in Samples.Persisted().Where(s => s.GetType().Namespace == typeof(EncounterState).Namespace))
        {
            var back = RoundTrip(sample);
            if (sample is CombatEvents.EncounterBegan began) // its notify array compares by reference
                Assert.Equal(began with { Notify = [] }, ((CombatEvents.EncounterBegan)back) with { Notify = [] });
            else Assert.Equal(sample, back);
        }
    }

    [Fact]
    public void An_empty_encounter_state_comes_back_empty()
    {
        var back = RoundTrip(EncounterState.Empty("duel-2"));
        Assert.Equal(EncounterState.Empty("duel-2"), back);
        Assert.Empty(back.Notify);
        Assert.Empty(back.RecentCommandIds);
        Assert.Null(back.A);
        Assert.Null(back.Winner);
    }

    [Fact]
    public void A_fighter_without_effects_or_cooldowns_comes_back_with_empty_lists_and_extreme_values_intact()
    {
        var fighter = new FighterData("neo", new FighterStatsData(1, int.MaxValue, 0, 0, -5, 0, 100, 0), "speed", [], [], null, 0, long.MaxValue, false, 0);
        var began = new CombatEvents.EncounterBegan("duel-3", long.MaxValue, 0, ulong.MaxValue, fighter, fighter with { FighterId = "smith" }, []);
        var back = RoundTrip(began);
        Assert.Equal(began.A, back.A);
        Assert.Empty(back.A.Effects);
        Assert.Empty(back.A.Cooldowns);
        Assert.Equal(ulong.MaxValue, back.Seed);
        Assert.Equal(long.MaxValue, back.A.LastActionAtTicks);
    }
}

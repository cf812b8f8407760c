using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

public sealed class PlayerRulesTests
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly DistrictId Downtown = new("downtown");
    private static readonly DistrictId Westview = new("westview");

    private static PlayerState Created() =>
        PlayerRules.DecideAttach(PlayerState.Empty(Neo), " Neo ").Aggregate(PlayerState.Empty(Neo), PlayerRules.Apply);

    [Fact]
    public void A_new_character_starts_with_the_seed_stats()
    {
        var state = Created();
        Assert.True(state.Created);
        Assert.Equal(("Neo", 500, 200, 1000L), (state.Name, state.Health, state.InnerStrength, state.Info));
        Assert.Empty(PlayerRules.DecideAttach(state, "Neo"));
    }

    [Fact]
    public void Entering_a_new_district_spawns_there_and_is_persisted_once()
    {
        var state = Created();
        var admit = Assert.IsType<EnterDecision.Admit>(PlayerRules.DecideEnter(state, ActorTestConfig.Map, Downtown, "c1"));
        Assert.True(admit.IsNew);
        Assert.Equal(ActorTestConfig.Map.Find(new DistrictId("downtown"))!.Spawn, admit.Position);

        state = PlayerRules.Apply(state, new PlayerEvents.EnteredDistrict(Downtown, admit.Position, "c1"));
        var retry = Assert.IsType<EnterDecision.Admit>(PlayerRules.DecideEnter(state, ActorTestConfig.Map, Westview, "c1"));
        Assert.False(retry.IsNew);
        Assert.Equal(Downtown, retry.District); // a retried request never moves the player again
    }

    [Fact]
    public void Re_entering_the_current_district_keeps_the_position()
    {
        var state = PlayerRules.Apply(Created(), new PlayerEvents.EnteredDistrict(Downtown, new Vec3(1, 2, 3), "c1"));
        state = PlayerRules.Apply(state, new PlayerEvents.PositionCheckpointed(new Vec3(7, 8, 9)));
        var admit = Assert.IsType<EnterDecision.Admit>(PlayerRules.DecideEnter(state, ActorTestConfig.Map, Downtown, "c2"));
        Assert.False(admit.IsNew);
        Assert.Equal(new Vec3(7, 8, 9), admit.Position);
    }

    [Fact]
    public void Unknown_districts_are_refused()
    {
        var refuse = Assert.IsType<EnterDecision.Refuse>(PlayerRules.DecideEnter(Created(), ActorTestConfig.Map, new DistrictId("zion"), "c1"));
        Assert.Equal(ErrorCodes.UnknownDistrict, refuse.Code);
    }

    [Fact]
    public void Checkpoint_only_when_the_position_changed()
    {
        var state = PlayerRules.Apply(Created(), new PlayerEvents.EnteredDistrict(Downtown, new Vec3(1, 2, 3), "c1"));
        Assert.Null(PlayerRules.DecideCheckpoint(state, new Vec3(1, 2, 3)));
        Assert.Equal(new Vec3(4, 2, 3), PlayerRules.DecideCheckpoint(state, new Vec3(4, 2, 3))!.Position);
    }

    [Fact]
    public void Remembered_command_ids_are_bounded()
    {
        var recent = Enumerable.Range(0, 100).Aggregate(System.Collections.Immutable.ImmutableList<string>.Empty,
            (list, i) => RecentIds.Remember(list, $"c{i}", PlayerRules.RememberedCommands));
        Assert.Equal(PlayerRules.RememberedCommands, recent.Count);
        Assert.Equal("c99", recent[^1]);
    }

    [Fact]
    public void Health_and_inner_strength_regenerate_out_of_combat_only_from_the_end_of_the_fight_up_to_the_maximum()
    {
        var state = Created();
        state = PlayerRules.Apply(state, new PlayerEvents.CombatRoundTaken("e", 1, 100, 20) { AtMs = 10_000 });
        // In the fight: no regeneration, however long it lasts.
        Assert.Equal((100, 20), PlayerRules.Vitals(state, 60_000, 2, 5));
        state = PlayerRules.Apply(state, new PlayerEvents.CombatRoundTaken("e", 2, 90, 10) { AtMs = 20_000, Ended = true });
        Assert.Null(state.Encounter);
        Assert.Equal((90, 10), PlayerRules.Vitals(state, 20_000, 2, 5));
        Assert.Equal((90 + 21, 10 + 52), PlayerRules.Vitals(state, 30_500, 2, 5)); // 10.5 s: whole points only
        Assert.Equal((500, 200), PlayerRules.Vitals(state, 10_000_000, 2, 5)); // capped at a new character's values
        // Derezzed: nothing comes back until it reconstructs.
        var down = PlayerRules.Apply(state, new PlayerEvents.CombatRoundTaken("f", 1, 0, 0) { AtMs = 40_000, Ended = true });
        Assert.Equal((0, 0), PlayerRules.Vitals(down, 1_000_000, 2, 5));
    }

    [Fact]
    public void Combat_rounds_are_clamped_taken_in_order_and_the_memory_of_encounters_is_bounded()
    {
        var state = Created();
        var first = PlayerRules.DecideCombatRound(state, new PlayerCommands.TakeCombatRound(Neo, "a", 1, 9_999, -5), 1_000)!;
        Assert.Equal((500, 0), (first.Health, first.InnerStrength)); // clamped to 0..the character's maximum
        state = PlayerRules.Apply(state, first);
        Assert.Null(PlayerRules.DecideCombatRound(state, new PlayerCommands.TakeCombatRound(Neo, "a", 1, 100, 100), 1_000));
        Assert.NotNull(PlayerRules.DecideCombatRound(state, new PlayerCommands.TakeCombatRound(Neo, "a", 2, 100, 100), 1_000));
        // An encounter whose id is a prefix of another's is a different encounter.
        Assert.NotNull(PlayerRules.DecideCombatRound(state, new PlayerCommands.TakeCombatRound(Neo, "", 1, 100, 100), 1_000));
        state = PlayerRules.Apply(state, new PlayerEvents.CombatRoundTaken("ab", 7, 100, 100));
        Assert.Equal((1, 7), (PlayerRules.LastRound(state.CombatRounds, "a"), PlayerRules.LastRound(state.CombatRounds, "ab")));

        for (var i = 0; i < PlayerRules.RememberedEncounters + 5; i++)
            state = PlayerRules.Apply(state, new PlayerEvents.CombatRoundTaken($"enc-{i}", 1, 100, 100));
        Assert.Equal(PlayerRules.RememberedEncounters, state.CombatRounds.Count);
        Assert.Equal(0, PlayerRules.LastRound(state.CombatRounds, "a")); // the oldest were forgotten
        Assert.False(state.Derezzed);
        state = PlayerRules.Apply(state, new PlayerEvents.CombatRoundTaken("last", 1, 0, 100));
        Assert.True(state.Derezzed);
    }

    [Fact]
    public void Reconstruction_picks_the_named_hardline_or_the_nearest_unlocked_one_in_any_district()
    {
        var state = Created() with { District = Westview, Derezzed = true };
        // From Westview's east edge, Richland is behind: the nearest unlocked is International's Embassy Row.
        state = state with { UnlockedHardlines = ["westview-tabor-park", "international-embassy-row", "richland-mara-central"] };
        var near = Assert.IsType<EnterDecision.Admit>(PlayerRules.DecideReconstruct(state, ActorTestConfig.Map, null, new Vec3(-10, 0, 600)));
        Assert.Equal((new DistrictId("international"), new Vec3(260, 0, 610), Westview), (near.District, near.Position, near.Previous));
        var chosen = Assert.IsType<EnterDecision.Admit>(PlayerRules.DecideReconstruct(state, ActorTestConfig.Map, "richland-mara-central", default));
        Assert.Equal(new Vec3(-1620, 0, 340), chosen.Position);
        Assert.Equal(ErrorCodes.HardlineLocked,
            Assert.IsType<EnterDecision.Refuse>(PlayerRules.DecideReconstruct(state, ActorTestConfig.Map, "westview-pearl-bay", default)).Code);
        Assert.Equal(ErrorCodes.NotDerezzed,
            Assert.IsType<EnterDecision.Refuse>(PlayerRules.DecideReconstruct(state with { Derezzed = false }, ActorTestConfig.Map, null, default)).Code);
    }
}

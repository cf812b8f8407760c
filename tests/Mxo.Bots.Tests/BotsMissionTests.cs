using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Mxo.Bots.Tests;

/// <summary>
/// <c>bots --missions</c>: the options, <see cref="BotMissions"/>'s choices on their own (the frames are
/// docs/protocol.md's, "Missions"), the fighter's quarry, and the report's lines. A whole run against a real node is
/// tests/Mxo.IntegrationTests/MissionBotsTests.cs.
/// </summary>
public partial class BotsTests
{
    private static readonly BotMissions.Contact Tyndall = new("zion-tyndall", -1510, 60);
    private static readonly BotMissions.Contact Lurker = new("merovingian-lurker", -1445, -40);

    [Fact]
    public void Mission_options_are_parsed_and_off_by_default()
    {
        Assert.True(BotsCommand.TryParse([], out var defaults, out var error), error);
        Assert.False(defaults.Missions);
        Assert.Equal(0, defaults.StopAfterMissions);

        Assert.True(BotsCommand.TryParse(["--missions", "--stop-after-missions", "3", "--district", "richland"], out var options, out error), error);
        Assert.True(options.Missions);
        Assert.Equal(3, options.StopAfterMissions);
        Assert.Equal("richland", options.District);
    }

    [Theory]
    [InlineData("--stop-after-missions must be a whole number, 0 or more, not '-1'", "--missions", "--stop-after-missions", "-1")]
    [InlineData("--stop-after-missions needs --missions", "--stop-after-missions", "2")]
    [InlineData("--missions needs walking (--move-hz above 0)", "--missions", "--move-hz", "0")]
    public void Mission_options_that_cannot_work_are_refused_by_name(string expected, params string[] args)
    {
        Assert.False(BotsCommand.TryParse(args, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void A_bot_takes_the_easiest_shortest_offer_it_has_not_given_up_on()
    {
        BotMissions.Offer[] offers =
        [
            new("zion-payphone-trace", "normal", "short", 2),
            new("zion-clear-the-slums", "normal", "medium", 2),
            new("zion-wake-up", "easy", "short", 3),
            new("zion-b", "easy", "short", 2),
            new("zion-a", "easy", "short", 2),
        ];
        Assert.Equal("zion-a", BotMissions.ChooseOffer(offers, new HashSet<string>())?.Mission); // fewer phases, then by id
        Assert.Equal("zion-wake-up", BotMissions.ChooseOffer(offers, new HashSet<string> { "zion-a", "zion-b" })?.Mission);
        Assert.Equal("zion-payphone-trace", BotMissions.ChooseOffer(offers, new HashSet<string> { "zion-a", "zion-b", "zion-wake-up" })?.Mission);
        Assert.Null(BotMissions.ChooseOffer([], new HashSet<string>()));
    }

    [Fact]
    public void The_next_objective_is_the_nearest_walked_to_one_then_a_fight_and_none_when_all_are_met()
    {
        var objectives = BotMissions.ReadObjectives(Json("""
            {"objectives": [
              {"kind": "defeat", "count": 0, "needed": 2, "npcKind": "bluepill"},
              {"kind": "talk", "count": 0, "needed": 1, "target": "far", "district": "richland", "position": {"x": 100, "y": 0, "z": 0}},
              {"kind": "get", "count": 0, "needed": 1, "item": "payphone-log", "object": "near", "district": "richland", "position": {"x": 0, "y": 0, "z": 20}},
              {"kind": "reach", "count": 1, "needed": 1, "district": "richland", "centre": {"x": 5, "y": 0, "z": 5}, "radius": 15}
            ]}
            """));
        Assert.Equal(4, objectives.Length);
        Assert.Equal(("reach", 15.0, (5.0, 5.0)), (objectives[3].Kind, objectives[3].Radius, objectives[3].Place!.Value));
        Assert.True(objectives[3].Met);

        Assert.Equal("near", BotMissions.NextObjective(objectives, 0, 0)?.Object);
        Assert.Equal("far", BotMissions.NextObjective(objectives, 90, 0)?.Target);
        var fightsLeft = objectives.Select(o => o.IsFight ? o : o with { Count = o.Needed }).ToArray();
        Assert.Equal("bluepill", BotMissions.NextObjective(fightsLeft, 0, 0)?.NpcKind);
        Assert.Null(BotMissions.NextObjective(fightsLeft.Select(o => o with { Count = o.Needed }).ToArray(), 0, 0));
    }

    [Fact]
    public void An_objective_elsewhere_or_without_a_place_is_impossible()
    {
        var talk = new BotMissions.Objective("talk", 0, 1) { Target = "t", District = "richland", Place = (0, 0) };
        Assert.Null(BotMissions.Impossible(talk, "richland"));
        Assert.Equal("in another district", BotMissions.Impossible(talk with { District = "westview" }, "richland"));
        Assert.Equal("nowhere to go", BotMissions.Impossible(talk with { Place = null }, "richland"));
        Assert.Null(BotMissions.Impossible(new BotMissions.Objective("loot", 0, 1) { Item = "i", NpcKind = "bluepill" }, "richland"));
        Assert.Equal("unknown kind", BotMissions.Impossible(new BotMissions.Objective("dance", 0, 1), "richland"));
    }

    [Fact]
    public void A_mission_bot_lists_walks_to_a_contact_accepts_plays_every_phase_and_goes_back_for_more()
    {
        var latency = new LatencyHistogram();
        var completions = 0;
        var missions = new BotMissions("richland", [Tyndall, Lurker], latency, () => { }, () => completions++);
        var t = Stopwatch.GetTimestamp();
        var (x, z) = (-1500.0, 0.0);

        // A new socket: what is active first (nothing), then off to the first contact.
        var list = Send(missions, "r-1", t, x, z);
        Assert.Equal(BotMissions.Act.List, list.Act);
        Assert.True(missions.Answered("r-1", "missions", Json("""{"active": [], "completed": []}"""), null, t));
        t += Gap;
        Assert.Null(missions.Decide(t, x, z)); // too far to talk
        Assert.Equal(long.MaxValue, missions.NextDue(t, x, z)); // the walk brings it closer: no wake-up of its own
        Assert.Equal(new BotMissions.Destination(Tyndall.X, Tyndall.Z, BotMissions.WalkWithin), missions.Walk(x, z));

        (x, z) = (Tyndall.X + 5, Tyndall.Z);
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Talk, "zion-tyndall"), Send(missions, "r-2", t, x, z));
        missions.Answered("r-2", "mission_offers", Json("""
            {"target": "zion-tyndall", "offers": [
              {"mission": "zion-payphone-trace", "difficulty": "normal", "length": "short", "phases": 2},
              {"mission": "zion-wake-up", "difficulty": "easy", "length": "short", "phases": 3}]}
            """), null, t);
        Assert.Null(missions.Decide(t, x, z)); // not before the gap: the interact limit
        t += Gap;
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Accept, "zion-wake-up"), Send(missions, "r-3", t, x, z));
        missions.Answered("r-3", "mission_accepted", Json("""
            {"mission": "zion-wake-up", "deadline": 0, "objectives": [
              {"kind": "talk", "count": 0, "needed": 1, "target": "richland-bluepill-1", "district": "richland", "position": {"x": -1460, "y": 0, "z": 25}}]}
            """), null, t);
        Assert.Equal("zion-wake-up", missions.Mission);
        Assert.Equal(new BotMissions.Destination(-1460, 25, BotMissions.WalkWithin), missions.Walk(x, z));

        // Talk to the NPC where the objective says it stands; the answer marks it met until the push comes.
        t += Gap;
        (x, z) = (-1463, 25);
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Talk, "richland-bluepill-1"), Send(missions, "r-4", t, x, z));
        missions.Answered("r-4", "mission_offers", Json("""{"target": "richland-bluepill-1", "offers": []}"""), null, t);
        t += Gap;
        Assert.Null(missions.Decide(t, x, z));

        // A reach phase: the bot walks into the area, no request; a bot already well inside takes a step within it.
        missions.Pushed("mission_phase", Json("""
            {"mission": "zion-wake-up", "phase": 1, "objectives": [
              {"kind": "reach", "count": 0, "needed": 1, "district": "richland", "centre": {"x": -1480, "y": 0, "z": 120}, "radius": 16}]}
            """), t);
        Assert.Equal(new BotMissions.Destination(-1480, 120, 8), missions.Walk(x, z));
        Assert.Equal(new BotMissions.Destination(-1484, 120, 0), missions.Walk(-1479, 120));
        Assert.Null(missions.Decide(t, -1479, 120));

        // A fight phase: the fighter's quarry.
        Assert.Null(missions.Quarry(x, z));
        missions.Pushed("mission_phase", Json("""
            {"mission": "zion-wake-up", "phase": 2, "objectives": [{"kind": "defeat", "count": 0, "needed": 2, "npcKind": "bluepill"}]}
            """), t);
        Assert.Equal("bluepill", missions.Quarry(x, z));
        Assert.Null(missions.Walk(x, z)); // the fighter walks it up to one
        missions.Pushed("mission_progress", Json("""{"mission": "zion-wake-up", "phase": 2, "objective": 0, "count": 2, "needed": 2}"""), t);
        Assert.Null(missions.Quarry(x, z));

        missions.Pushed("mission_completed", Json("""{"mission": "zion-wake-up", "experience": 120, "info": 50}"""), t);
        Assert.Equal((1L, 1, (string?)null), (missions.Completed, completions, missions.Mission));
        // Back to the contact it took the mission from, for another offer.
        Assert.Equal(new BotMissions.Destination(Tyndall.X, Tyndall.Z, BotMissions.WalkWithin), missions.Walk(x, z));
        t += Gap;
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Talk, "zion-tyndall"), missions.Decide(t, Tyndall.X, Tyndall.Z));

        Assert.Equal((1L, 4L, 0L, 2L), (missions.Accepted, missions.RequestsSent, missions.Unanswered, missions.ContactTalks));
        Assert.Equal(4, latency.Count);
        Assert.Empty(missions.RefusedByCode);
    }

    [Fact]
    public void A_mission_bot_counts_refusals_by_code_waits_when_rate_limited_and_abandons_what_it_cannot_do()
    {
        var missions = new BotMissions("richland", [Tyndall], new LatencyHistogram(), () => { });
        var t = Stopwatch.GetTimestamp();
        var (x, z) = (Tyndall.X, Tyndall.Z);
        Send(missions, "r-1", t, x, z);
        missions.Answered("r-1", "missions", Json("""{"active": []}"""), null, t);
        t += Gap;
        Send(missions, "r-2", t, x, z); // talk
        missions.Answered("r-2", "error", Json("""{"code": "rate_limited", "retryAfterMs": 3000}"""), "rate_limited", t);
        Assert.Null(missions.Decide(t + 2 * Stopwatch.Frequency, x, z));
        t += 3 * Stopwatch.Frequency;
        Assert.Equal(BotMissions.Act.Talk, Send(missions, "r-3", t, x, z).Act);
        missions.Answered("r-3", "mission_offers", Json("""
            {"target": "zion-tyndall", "offers": [{"mission": "far-away", "difficulty": "easy", "length": "short", "phases": 1},
                                                  {"mission": "too-high", "difficulty": "easy", "length": "short", "phases": 1}]}
            """), null, t);
        t += Gap;
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Accept, "far-away"), Send(missions, "r-4", t, x, z));
        // A bad frame is the bot's own error, not a refusal: the caller counts it.
        Assert.False(missions.Answered("r-4", "error", default, "invalid_field", t));
        Assert.False(missions.Answered("r-4", "mission_accepted", default, null, t)); // answered once

        // Its only objective is in another district: abandoned at once, then avoided.
        t += Gap;
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Accept, "far-away"), Send(missions, "r-5", t, x, z));
        missions.Answered("r-5", "mission_accepted", Json("""
            {"mission": "far-away", "objectives": [{"kind": "talk", "count": 0, "needed": 1, "target": "x", "district": "westview", "position": {"x": -500, "y": 0, "z": 0}}]}
            """), null, t);
        t += Gap;
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Abandon, "far-away", "talk: in another district"), Send(missions, "r-6", t, x, z));
        missions.Pushed("mission_failed", Json("""{"mission": "far-away", "reason": "abandoned"}"""), t);
        missions.Answered("r-6", "ack", default, null, t);

        // The contact again; "too-high" is refused as not for this character and avoided too: nothing left, so a rest.
        t += Gap;
        Assert.Equal(BotMissions.Act.Talk, Send(missions, "r-7", t, x, z).Act);
        missions.Answered("r-7", "mission_offers", Json("""
            {"target": "zion-tyndall", "offers": [{"mission": "far-away", "difficulty": "easy", "length": "short", "phases": 1},
                                                  {"mission": "too-high", "difficulty": "easy", "length": "short", "phases": 1}]}
            """), null, t);
        t += Gap;
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Accept, "too-high"), Send(missions, "r-8", t, x, z));
        missions.Answered("r-8", "error", Json("""{"code": "level_too_high"}"""), "level_too_high", t);
        t += Gap;
        Assert.Null(missions.Decide(t, x, z));
        Assert.Null(missions.Decide(t + 10 * Stopwatch.Frequency, x, z)); // resting
        Assert.Equal(BotMissions.Act.Talk, missions.Decide(t + 31 * Stopwatch.Frequency, x, z)?.Act);

        Assert.Equal(new Dictionary<string, long> { ["rate_limited"] = 1, ["level_too_high"] = 1 }, missions.RefusedByCode);
        Assert.Equal((1L, 1L, 0L, 1L), (missions.Accepted, missions.Abandoned, missions.Completed, missions.AbandonsSent));
        Assert.Equal(0, missions.NoOffers); // each talk had an offer to take; the server refused one
    }

    [Fact]
    public void A_give_refused_three_times_is_read_back_each_time_then_abandoned_and_out_of_reach_is_only_retried()
    {
        var missions = new BotMissions("richland", [Tyndall], new LatencyHistogram(), () => { });
        var t = Stopwatch.GetTimestamp();
        var (x, z) = (Tyndall.X, Tyndall.Z);
        const string sheet = """
            {"active": [{"mission": "zion-payphone-trace", "phase": 1, "finished": false, "objectives": [
              {"kind": "give", "count": 0, "needed": 1, "item": "payphone-log", "target": "zion-tyndall", "district": "richland", "position": {"x": -1510, "y": 0, "z": 60}}]}]}
            """;
        Send(missions, "r-0", t, x, z);
        missions.Answered("r-0", "missions", Json(sheet), null, t); // a mission from before this socket: played on
        Assert.Equal("zion-payphone-trace", missions.Mission);

        t += Gap;
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Give, "payphone-log", "zion-tyndall"), Send(missions, "r-1", t, x, z));
        missions.Answered("r-1", "error", Json("""{"code": "out_of_reach"}"""), "out_of_reach", t);
        for (var i = 0; i < BotMissions.MaxRefusalsPerMission; i++)
        {
            t += Gap;
            Assert.Equal(BotMissions.Act.Give, Send(missions, $"g-{i}", t, x, z).Act);
            missions.Answered($"g-{i}", "error", Json("""{"code": "item_not_held"}"""), "item_not_held", t);
            t += Gap;
            Assert.Equal(BotMissions.Act.List, Send(missions, $"l-{i}", t, x, z).Act);
            missions.Answered($"l-{i}", "missions", Json(sheet), null, t);
        }
        t += Gap;
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Abandon, "zion-payphone-trace", "3 refusals"), missions.Decide(t, x, z));
        Assert.Equal(new Dictionary<string, long> { ["out_of_reach"] = 1, ["item_not_held"] = 3 }, missions.RefusedByCode);
    }

    [Fact]
    public void A_fight_objective_without_progress_for_long_is_abandoned_with_its_reason()
    {
        var missions = new BotMissions("richland", [Tyndall], new LatencyHistogram(), () => { });
        var t = Stopwatch.GetTimestamp();
        Send(missions, "r-0", t, 0, 0);
        missions.Answered("r-0", "missions", Json("""
            {"active": [{"mission": "zion-clear-the-slums", "phase": 0, "objectives": [{"kind": "defeat", "count": 1, "needed": 2, "npcKind": "exile"}]}]}
            """), null, t);
        var patience = (long)(BotMissions.ObjectivePatience.TotalSeconds * Stopwatch.Frequency);
        Assert.Equal(t + patience, missions.NextDue(t + Gap, 0, 0)); // the fighter hunts meanwhile: nothing to send before
        Assert.Null(missions.Decide(t + patience - 1, 0, 0));
        Assert.Equal(new BotMissions.Step(BotMissions.Act.Abandon, "zion-clear-the-slums", "defeat: no progress in 3 min"),
            missions.Decide(t + patience, 0, 0));
        Assert.Equal(new Dictionary<string, long> { ["defeat: no progress in 3 min"] = 1 }, missions.AbandonReasons);
    }

    [Fact]
    public void An_unanswered_mission_request_is_given_up_and_the_bot_reads_its_missions_again_and_its_late_answer_is_still_its_own()
    {
        var missions = new BotMissions("richland", [Tyndall], new LatencyHistogram(), () => { });
        var t = Stopwatch.GetTimestamp();
        Send(missions, "r-1", t, Tyndall.X, Tyndall.Z);
        Assert.Equal(t + (long)(BotMissions.AnswerPatience.TotalSeconds * Stopwatch.Frequency), missions.NextDue(t, 0, 0));
        Assert.Null(missions.Decide(t + Stopwatch.Frequency, Tyndall.X, Tyndall.Z));
        Assert.Equal(BotMissions.Act.List, missions.Decide(t + 11 * Stopwatch.Frequency, Tyndall.X, Tyndall.Z)?.Act);
        Assert.Equal(1, missions.Unanswered);
        Assert.True(missions.Answered("r-1", "missions", default, null, t)); // too late to act on, but the bot's own answer
        Assert.False(missions.Answered("r-2", "ack", default, null, t)); // not a mission request of this bot
    }

    [Fact]
    public void A_fighter_that_does_not_seek_fights_engages_only_its_quarry_and_does_not_wake_the_bot_without_one()
    {
        var now = Stopwatch.GetTimestamp();
        var later = now + 10 * Stopwatch.Frequency;
        var fighter = new BotFighter(TimeSpan.FromSeconds(1), 0, () => { }, seeks: false);
        fighter.Identify("me");
        fighter.Reset(now);
        fighter.Arrived(Json("""
            {"district": "richland", "occupants": [
              {"id": "neo", "name": "Neo", "position": {"x": 2, "y": 0, "z": 0}},
              {"id": "npc:richland-exile-1", "name": "Exile", "kind": "exile", "position": {"x": 5, "y": 0, "z": 0}},
              {"id": "npc:richland-bluepill-1", "name": "Bluepill", "kind": "bluepill", "position": {"x": 20, "y": 0, "z": 0}}]}
            """));

        Assert.Equal(long.MaxValue, fighter.NextDue(later));
        Assert.Null(fighter.Decide(later, 0, 0, new Random(1)));
        fighter.Quarry = "bluepill";
        Assert.True(fighter.NextDue(later) <= later);
        Assert.Equal(new BotFighter.Step(BotFighter.Act.Engage, "npc:richland-bluepill-1"), fighter.Decide(later, 0, 0, new Random(1)));
    }

    [Fact]
    public void The_summary_has_the_mission_lines_only_with_missions()
    {
        var report = new BotReport
        {
            RunTag = "k3f9", Requested = 2, Connected = 2, FailedToConnect = 0, DisconnectedEarly = 0, NotStarted = 0,
            ConnectFailures = new Dictionary<string, int>(), Disconnects = new Dictionary<string, int>(),
            FramesSent = 1, FramesReceived = 1, ReceivedByType = new Dictionary<string, long>(),
            Said = 0, Acked = 0, Echoed = 0, EchoLatencyP50Ms = null, EchoLatencyP99Ms = null, EchoLatencyMaxMs = null,
            Errors = 0, ErrorsByCode = new Dictionary<string, long>(), FirstErrors = [], Duration = TimeSpan.FromSeconds(40),
        };
        var playing = report with
        {
            Missions = new MissionFigures
            {
                District = "richland", Contacts = 2, Accepted = 6, Completed = 4, Abandoned = 1, Expired = 1, AbandonsSent = 1,
                AbandonReasons = new Dictionary<string, long> { ["defeat: no progress in 3 min"] = 1 },
                ContactTalks = 7, NoOffers = 1, RequestsSent = 40, Unanswered = 0, LatencyP50Ms = 3.2, LatencyP99Ms = 12, LatencyMaxMs = 15.5,
                RefusedByCode = new Dictionary<string, long> { ["out_of_reach"] = 2, ["rate_limited"] = 1 },
            },
        };

        var lines = playing.ToString().Split(Environment.NewLine);

        Assert.Contains("missions: 2 contacts in richland; 6 accepted, 4 completed, 2 failed (1 abandoned, 1 expired), 0.100 completed/s; " +
                        "7 talks to contacts, 1 without an offer to take", lines);
        Assert.Contains("mission requests: 40 sent, 0 unanswered, 1 abandons (defeat: no progress in 3 min x1); latency p50 3.2 ms, p99 12.0 ms, max 15.5 ms", lines);
        Assert.Contains("mission refusals: 3 (out_of_reach x2, rate_limited x1)", lines);
        Assert.Equal(0, playing.ExitCode); // refused mission requests do not fail the run
        Assert.DoesNotContain("missions:", report.ToString());
        Assert.Contains("missions: no contacts (GET /world/contacts: connection refused); 0 accepted",
            (report with { Missions = new MissionFigures { District = "richland", ContactsFailure = "connection refused" } }).ToString());
    }

    /// <summary>More than <see cref="BotMissions.MinRequestGap"/>, in <see cref="Stopwatch"/> ticks.</summary>
    [Fact]
    public void Requests_sent_during_the_warm_up_are_answered_but_not_timed()
    {
        var latency = new LatencyHistogram();
        var t = Stopwatch.GetTimestamp();
        var missions = new BotMissions("richland", [Tyndall, Lurker], latency, () => { }, countFrom: t + Gap);
        var (x, z) = (Tyndall.X + 5, Tyndall.Z);

        Assert.Equal(BotMissions.Act.List, Send(missions, "r-1", t, x, z).Act);
        Assert.True(missions.Answered("r-1", "missions", Json("""{"active": [], "completed": []}"""), null, t + Gap / 2));
        Assert.Equal(0, latency.Count);

        t += Gap;
        Assert.Equal(BotMissions.Act.Talk, Send(missions, "r-2", t, x, z).Act);
        Assert.True(missions.Answered("r-2", "mission_offers", Json("""{"target": "zion-tyndall", "offers": []}"""), null, t + Gap / 100));
        Assert.Equal(1, latency.Count);
        Assert.InRange(latency.MaxMs!.Value, 9, 11);
    }

    private static readonly long Gap = Stopwatch.Frequency; // one second

    /// <summary>Decides at <paramref name="t"/> (which must give a step) and registers it as sent with <paramref name="id"/>.</summary>
    private static BotMissions.Step Send(BotMissions missions, string id, long t, double x, double z)
    {
        var step = missions.Decide(t, x, z);
        Assert.NotNull(step);
        missions.Sending(id, step.Value, t);
        return step.Value;
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Mxo.Bots.Tests;

/// <summary>
/// <c>bots --fight</c> (issue 11): one fighting bot against <see cref="FakeNode"/>, which pushes what the world would
/// (docs/protocol.md, "Combat"); and <see cref="BotFighter"/>'s choices on their own.
/// </summary>
public partial class BotsTests
{
    [Fact]
    public void Fight_options_are_parsed_and_off_by_default()
    {
        Assert.True(BotsCommand.TryParse([], out var defaults, out var error), error);
        Assert.False(defaults.Fight);
        Assert.Equal(TimeSpan.FromSeconds(3), defaults.FightEvery);

        Assert.True(BotsCommand.TryParse(["--fight", "--fight-every", "1500ms", "--count", "2"], out var options, out error), error);
        Assert.True(options.Fight);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.FightEvery);
        Assert.Equal(2, options.Count);
    }

    [Theory]
    [InlineData(1.0, "duel_accept")]
    [InlineData(0.0, "duel_decline")]
    public async Task A_fighting_bot_answers_a_duel_challenge(double acceptChance, string answer)
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), dev: true);
        using var cts = new CancellationTokenSource();
        var (run, player, _) = await StartFighterAsync(node, FighterOptions(node) with { DuelAcceptChance = acceptChance }, cts.Token);

        await node.PushAsync(player, "duel_challenge", Challenge("smith"));
        await node.Until(f => f.Any(x => x.Type.StartsWith("duel_", StringComparison.Ordinal))).WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        var sent = Assert.Single(node.Frames, f => f.Type.StartsWith("duel_", StringComparison.Ordinal));
        Assert.Equal(answer, sent.Type);
        Assert.Equal("smith", sent.Data.GetProperty("from").GetString());
        Assert.Equal(acceptChance > 0 ? (1L, 0L) : (0L, 1L), (report.Fight!.ChallengesAccepted, report.Fight.ChallengesDeclined));
        Assert.Equal(0, report.Errors);
    }

    [Fact]
    public async Task In_a_fight_a_bot_sends_tactics_and_abilities_at_least_500_ms_apart_until_the_fight_ends()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), dev: true);
        using var cts = new CancellationTokenSource();
        var (run, player, _) = await StartFighterAsync(node, FighterOptions(node) with { DuelAcceptChance = 1 }, cts.Token);

        await node.PushAsync(player, "combat_started", new JsonObject
        {
            ["encounter"] = "e1", ["opponent"] = new JsonObject { ["id"] = "smith", ["name"] = "Smith" }, ["roundMs"] = 1000,
        });
        await node.Until(f => f.Count(x => x.Type == "tactic") >= 3).WaitAsync(Timeout);
        await node.PushAsync(player, "round", new JsonObject { ["encounter"] = "e1", ["round"] = 1, ["sides"] = new JsonArray() });
        await node.PushAsync(player, "combat_ended", new JsonObject
        {
            ["encounter"] = "e1", ["winner"] = player, ["reason"] = "defeat", ["round"] = 1,
        });
        // Frames are read in order: the answer to this challenge means the end was read before it.
        await node.PushAsync(player, "duel_challenge", Challenge("smith"));
        await node.Until(f => f.Any(x => x.Type == "duel_accept")).WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        var frames = node.Frames;
        var actions = frames.Where(f => f.Type is "tactic" or "ability").ToList();
        for (var i = 1; i < actions.Count; i++)
        {
            var gap = Stopwatch.GetElapsedTime(actions[i - 1].At, actions[i].At);
            Assert.True(gap >= TimeSpan.FromMilliseconds(500), $"actions {i - 1} and {i} arrived {gap.TotalMilliseconds:0} ms apart");
        }
        Assert.All(actions.Where(a => a.Type == "tactic"), a => Assert.Contains(a.Data.GetProperty("name").GetString(), BotFighter.Tactics));
        Assert.All(actions.Where(a => a.Type == "ability"), a => Assert.Contains(a.Data.GetProperty("id").GetString(), BotFighter.Abilities));
        var accepted = frames.ToList().FindIndex(f => f.Type == "duel_accept");
        Assert.DoesNotContain(frames.Skip(accepted), f => f.Type is "tactic" or "ability"); // the fight was over

        var fight = report.Fight!;
        Assert.Equal((1L, 1L, 1L, 0L, 0L), (fight.FightsStarted, fight.Rounds, fight.Won, fight.Lost, fight.OtherEnds));
        Assert.Equal(actions.Count, fight.TacticsSent + fight.AbilitiesSent);
        Assert.Equal(0, fight.Errors);
        Assert.Equal(0, report.Acked); // the tactics' acks are not chat acks
        Assert.Contains("fights: 0 engages sent, 1 started, 1 rounds seen; 1 won, 0 lost, 0 other ends;", report.ToString());
    }

    [Fact]
    public async Task A_derezzed_bot_stops_walking_reconstructs_and_walks_on_from_where_it_came_back()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), dev: true);
        const double moveHz = 20;
        using var cts = new CancellationTokenSource();
        var (run, player, spawn) = await StartFighterAsync(node, FighterOptions(node, moveHz), cts.Token);

        var hardline = (X: spawn.X + 37.5, Z: spawn.Z - 21.25); // where the world brings it back
        node.Place(player, hardline.X, hardline.Z);
        await node.PushAsync(player, "derezzed", new JsonObject { ["encounter"] = "e1", ["round"] = 4 });
        await node.Until(f => f.SkipWhile(x => x.Type != "reconstruct").Count(x => x.Type == "move") >= 3).WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        var afterwards = node.Frames.SkipWhile(f => f.Type != "reconstruct").ToList();
        Assert.Single(afterwards, f => f.Type == "reconstruct");
        var maxStep = new BotOptions().MaxSpeed / moveHz + 0.02; // rounded to 2 decimals on the wire
        var fromHardline = Distance(afterwards.First(f => f.Type == "move").Data, hardline);
        Assert.True(fromHardline <= maxStep, $"the first move after reconstructing is {fromHardline} from where the world brought it back");
        var fight = report.Fight!;
        Assert.Equal((1L, 1L, 1L), (fight.Derezzed, fight.ReconstructsSent, fight.Reconstructed));
        Assert.Equal(0, report.Errors);
    }

    [Fact]
    public async Task A_bot_walks_up_to_an_npc_in_view_within_the_speed_limit_and_engages_it_when_in_range()
    {
        await using var node = await FakeNode.StartAsync(tokenLifetime: TimeSpan.FromMinutes(15), dev: true);
        const double moveHz = 20;
        using var cts = new CancellationTokenSource();
        var (run, player, spawn) = await StartFighterAsync(node, FighterOptions(node, moveHz) with { FightEvery = TimeSpan.FromMilliseconds(200) }, cts.Token);

        var npc = (X: spawn.X + 60, Z: spawn.Z + 5);
        await node.PushAsync(player, "view", new JsonObject
        {
            ["district"] = "downtown",
            ["left"] = new JsonArray(),
            ["entered"] = new JsonArray(
                Occupant("npc:agent-1", npc.X, npc.Z, kind: "agent"),
                Occupant("neo", spawn.X, spawn.Z - 45)), // a player, nearer: the NPC comes first
            ["moved"] = new JsonArray(),
        });
        // The NPC answers at once (combat_started): an action follows.
        await node.Until(f => f.SkipWhile(x => x.Type != "engage").Any(x => x.Type is "tactic" or "ability")).WaitAsync(Timeout);
        cts.Cancel();
        var report = await run.WaitAsync(Timeout);

        var frames = node.Frames;
        var engage = Assert.Single(frames, f => f.Type == "engage");
        Assert.Equal("npc:agent-1", engage.Data.GetProperty("target").GetString());
        var moves = frames.TakeWhile(f => f.Type != "engage").Where(f => f.Type == "move").Select(f => f.Data).ToList();
        var maxStep = new BotOptions().MaxSpeed / moveHz + 0.02;
        var previous = (X: spawn.X, Z: spawn.Z);
        foreach (var move in moves)
        {
            Assert.True(Distance(move, previous) <= maxStep, $"a step of {Distance(move, previous)} units");
            previous = (move.GetProperty("x").GetDouble(), move.GetProperty("z").GetDouble());
        }
        Assert.True(Distance(moves[^1], npc) <= BotFighter.EngageWithin + 0.02, $"engaged {Distance(moves[^1], npc)} units away");
        Assert.DoesNotContain(frames.SkipWhile(f => f.Type != "engage"), f => f.Type == "move"); // it stands and fights
        Assert.Equal((1L, 1L), (report.Fight!.EngagesSent, report.Fight.FightsStarted));
    }

    [Fact]
    public void An_idle_fighter_engages_an_npc_in_reach_before_a_player_and_a_player_in_reach_before_walking()
    {
        var now = Stopwatch.GetTimestamp();
        var later = now + 10 * Stopwatch.Frequency; // past the first look

        Assert.Equal(new BotFighter.Step(BotFighter.Act.Engage, "npc:agent-1"),
            Idle(now, Occupant("neo", 5, 0), Occupant("npc:agent-1", 20, 0, kind: "agent")).Decide(later, 0, 0, new Random(1)));
        Assert.Equal(new BotFighter.Step(BotFighter.Act.Engage, "neo"),
            Idle(now, Occupant("neo", 5, 0), Occupant("npc:agent-1", 40, 0, kind: "agent")).Decide(later, 0, 0, new Random(1)));

        var walking = Idle(now, Occupant("neo", 50, 0), Occupant("npc:agent-1", 0, 80, kind: "agent"), Occupant("me", 1, 1));
        Assert.Null(walking.Decide(later, 0, 0, new Random(1)));
        Assert.Equal(new BotFighter.WalkPlan(false, 0, 80), walking.Walk());
        Assert.Equal(new BotFighter.Step(BotFighter.Act.Engage, "npc:agent-1"), walking.Decide(later + 1, 0, 60, new Random(1)));
        Assert.True(walking.Walk().Hold); // waiting for the answer: stay within range
    }

    [Fact]
    public void Refused_fight_requests_are_counted_by_code_and_a_refused_engage_frees_the_bot_to_try_another()
    {
        var now = Stopwatch.GetTimestamp();
        var later = now + 10 * Stopwatch.Frequency;
        var fighter = Idle(now, Occupant("neo", 5, 0), Occupant("trinity", 10, 0));
        var first = fighter.Decide(later, 0, 0, new Random(1))!.Value;
        fighter.Sending("1-5", first);

        Assert.True(fighter.Answered("1-5", "target_busy", later));
        Assert.False(fighter.Answered("1-5", "target_busy", later)); // answered once
        Assert.False(fighter.Answered("1-6", null, later)); // not a fight request
        var second = fighter.Decide(later + 5 * Stopwatch.Frequency, 0, 0, new Random(1))!.Value;
        Assert.Equal((BotFighter.Act.Engage, "trinity"), (second.Act, second.Argument)); // not the busy one again
        fighter.Sending("1-7", second);
        Assert.False(fighter.Answered("1-7", "invalid_field", later)); // a bad frame: the bot's own error, not the fight's

        Assert.Equal(new Dictionary<string, long> { ["target_busy"] = 1 }, fighter.ErrorsByCode);
        Assert.Equal(2, fighter.EngagesSent);
    }

    [Fact]
    public void The_summary_has_the_fight_lines_only_with_fight()
    {
        var report = new BotReport
        {
            RunTag = "k3f9", Requested = 2, Connected = 2, FailedToConnect = 0, DisconnectedEarly = 0, NotStarted = 0,
            ConnectFailures = new Dictionary<string, int>(), Disconnects = new Dictionary<string, int>(),
            FramesSent = 1, FramesReceived = 1, ReceivedByType = new Dictionary<string, long>(),
            Said = 0, Acked = 0, Echoed = 0, EchoLatencyP50Ms = null, EchoLatencyP99Ms = null, EchoLatencyMaxMs = null,
            Errors = 0, ErrorsByCode = new Dictionary<string, long>(), FirstErrors = [], Duration = TimeSpan.FromSeconds(1),
        };
        var fighting = report with
        {
            Fight = new FightFigures
            {
                EngagesSent = 12, ChallengesAccepted = 4, ChallengesDeclined = 1, DeclinedByOthers = 2, FightsStarted = 10, Rounds = 57,
                Won = 4, Lost = 4, OtherEnds = 1, TacticsSent = 80, AbilitiesSent = 20, Derezzed = 4, ReconstructsSent = 4, Reconstructed = 4,
                ErrorsByCode = new Dictionary<string, long> { ["too_fast"] = 1, ["out_of_range"] = 3 },
            },
        };

        var lines = fighting.ToString().Split(Environment.NewLine);

        Assert.Contains("fights: 12 engages sent, 10 started, 57 rounds seen; 4 won, 4 lost, 1 other ends; 4 derezzed, 4 reconstructs sent, 4 reconstructed", lines);
        Assert.Contains("fight actions: 80 tactics, 20 abilities; duel challenges: 4 accepted, 1 declined, 2 of the bots' own declined or expired", lines);
        Assert.Contains("combat errors: 4 (out_of_range x3, too_fast x1)", lines);
        Assert.Contains("errors: 0", lines);
        Assert.Equal(0, fighting.ExitCode); // refused fight requests do not fail the run
        Assert.DoesNotContain("fights:", report.ToString());
    }

    /// <summary>
    /// Starts one bot with <paramref name="options"/>, which the node places at its district's spawn. Returns once the
    /// bot walks (so the node has answered its enter and a later <see cref="FakeNode.Place"/> moves it only for
    /// <c>reconstructed</c>), or, not walking, once its enter came (its socket takes pushes from its hello on).
    /// </summary>
    private static async Task<(Task<BotReport> Run, string Player, Mxo.Protocol.Vec3 Spawn)> StartFighterAsync(
        FakeNode node, BotOptions options, CancellationToken token)
    {
        var swarm = new BotSwarm(options);
        var player = swarm.Names[0].ToLowerInvariant();
        var spawn = swarm.District.Spawn;
        node.Place(player, spawn.X, spawn.Z);
        var run = swarm.RunAsync(token);
        await (options.MoveHz > 0 ? node.Moved(1) : node.Until(f => f.Any(x => x.Type == "enter"))).WaitAsync(Timeout);
        return (run, player, spawn);
    }

    private static BotOptions FighterOptions(FakeNode node, double moveHz = 0) => new()
    {
        Count = 1, Hello = true, Url = node.SocketUrl, MoveHz = moveHz, ChatEvery = TimeSpan.Zero, Fight = true, Seed = 11,
    };

    private static JsonObject Challenge(string from) => new()
    {
        ["from"] = from, ["name"] = from, ["expiresAt"] = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds(),
    };

    private static JsonObject Occupant(string id, double x, double z, string? kind = null)
    {
        var occupant = new JsonObject { ["id"] = id, ["name"] = id };
        if (kind is not null) occupant["kind"] = kind;
        occupant["position"] = new JsonObject { ["x"] = x, ["y"] = 0, ["z"] = z };
        return occupant;
    }

    /// <summary>A fighter of player "me" in downtown with <paramref name="occupants"/> in view, out of any fight.</summary>
    private static BotFighter Idle(long now, params JsonObject[] occupants)
    {
        var fighter = new BotFighter(TimeSpan.FromSeconds(1), 1, () => { });
        fighter.Identify("me");
        fighter.Reset(now);
        var arrival = new JsonObject { ["district"] = "downtown", ["occupants"] = new JsonArray(occupants) };
        fighter.Arrived(JsonDocument.Parse(arrival.ToJsonString()).RootElement.Clone());
        return fighter;
    }
}

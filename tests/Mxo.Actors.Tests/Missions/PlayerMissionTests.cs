using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Missions;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Combat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Missions;
using Mxo.Protocol.Npcs;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;
using Mxo.TestSupport;
using Xunit;

namespace Mxo.Actors.Tests.Missions;

/// <summary>
/// A character's missions in its entity, on a manual clock: the time limit armed with the scheduler and failing the
/// mission when its fire comes after the deadline (not before), offers that expire, and the daily accept limit that
/// resets at the daily reset. The shipped mission file plus a contact standing at Downtown's spawn point.
/// </summary>
public sealed class PlayerMissionTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly DistrictId Downtown = new("downtown");
    private const string Contact = "test-contact", Mission = "test-defeat";

    private readonly TestProbe _districts;
    private readonly TestProbe _session;
    private readonly TestProbe _scheduler;
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public PlayerMissionTests() : base(ActorTestConfig.Hocon)
    {
        _districts = CreateTestProbe();
        _session = CreateTestProbe();
        _scheduler = CreateTestProbe();
    }

    private static MissionWorld World()
    {
        var map = ActorTestConfig.Map;
        var npcs = NpcTable.Load(NpcTable.DefaultPath, CombatTable.Load(CombatTable.DefaultPath), map);
        var json = JsonNode.Parse(File.ReadAllText(MissionTable.DefaultPath))!;
        json["contacts"]!.AsArray().Add(JsonNode.Parse($$"""
            {"id": "{{Contact}}", "name": "Tester", "organisation": "zion", "district": "downtown", "position": {"x": 1500, "y": 0, "z": 2}, "reputation": 0}
            """));
        json["missions"]!.AsArray().Add(JsonNode.Parse($$"""
            {"id": "{{Mission}}", "contact": "{{Contact}}", "title": "Test", "minLevel": 1, "maxLevel": 10, "difficulty": "easy", "length": "short",
             "timeLimitMinutes": 1, "rewards": {"experience": 10, "info": 10, "reputation": 1}, "phases": [[{"kind": "defeat", "npcKind": "agent", "count": 1}]]}
            """));
        return new MissionWorld(MissionTable.Parse(json.ToJsonString(), map, npcs), npcs, map);
    }

    private IActorRef Start(int dailyLimit = 20)
    {
        var play = new PlayerMissions(World(), new MissionPlaySettings { DailyLimit = dailyLimit },
            MissionSchedulerRules.ParseCron("0 4 * * *")!, TimeZoneInfo.Utc) { Time = _time };
        var player = Sys.ActorOf(PlayerEntity.PropsFor("neo", ActorTestConfig.Settings with { InteractRate = new(100, 100) }, ActorTestConfig.Map, _districts.Ref,
            missions: play, scheduler: _scheduler.Ref));
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", _session.Ref), _session.Ref);
        _session.ExpectMsg<PlayerReplies.Attached>();
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, "enter"), _session.Ref);
        _districts.ExpectMsg<DistrictCommands.Join>();
        _districts.Reply(new DistrictReplies.Joined(Downtown, Neo, "enter", []));
        _session.ExpectMsg<PlayerReplies.EnteredDistrict>();
        return player;
    }

    private void Ask(IActorRef player, string kind, string arg, string id) =>
        player.Tell(new MissionCommands.FromPlayer(Neo, kind, arg, "", id), _session.Ref);

    private (string Type, JsonElement Data) Frame(string? id = null)
    {
        var frame = _session.ExpectMsg<MissionReplies.Frame>();
        Assert.Equal(id, frame.CommandId);
        return (frame.Type, JsonDocument.Parse(frame.Data).RootElement.Clone());
    }

    private string Refused(string id)
    {
        var rejected = _session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(id, rejected.CommandId);
        return rejected.Code;
    }

    private void TalkAndAccept(IActorRef player, string suffix)
    {
        Ask(player, MissionRequestKinds.Talk, Contact, "talk" + suffix);
        Assert.Contains(Frame("talk" + suffix).Data.GetProperty("offers").EnumerateArray(), o => o.GetProperty("mission").GetString() == Mission);
        Ask(player, MissionRequestKinds.Accept, Mission, "accept" + suffix);
        Assert.Equal(ServerFrameTypes.MissionAccepted, Frame("accept" + suffix).Type);
    }

    [Fact]
    public void The_time_limit_is_armed_with_the_scheduler_and_its_fire_after_the_deadline_fails_the_mission()
    {
        var player = Start();
        TalkAndAccept(player, "1");
        var timer = _scheduler.ExpectMsg<MissionSchedulerCommands.Schedule>();
        Assert.Equal((_time.GetUtcNow().AddMinutes(1).ToUnixTimeMilliseconds(), MissionSchedulerRegistration.PlayerTarget, "neo", Mission),
            (timer.DueUnixMs, timer.TargetKind, timer.TargetId, timer.Payload));
        var fired = new PlayerTimerFired(Neo, new TimerFired(timer.Id, timer.TargetKind, timer.TargetId, timer.Payload, timer.DueUnixMs, TimerFireKind.Once));

        // A fire before the deadline (a clock ahead elsewhere) changes nothing: the deadline is the character's.
        player.Tell(fired);
        Ask(player, MissionRequestKinds.List, "", "list1");
        Assert.Equal(Mission, Frame("list1").Data.GetProperty("active").EnumerateArray().Single().GetProperty("mission").GetString());

        _time.Advance(TimeSpan.FromMinutes(1));
        player.Tell(fired);
        var (type, data) = Frame();
        Assert.Equal((ServerFrameTypes.MissionFailed, Mission, "expired"), (type, data.GetProperty("mission").GetString(), data.GetProperty("reason").GetString()));
        Assert.Equal(timer.Id, _scheduler.ExpectMsg<MissionSchedulerCommands.Cancel>().Id);
        Ask(player, MissionRequestKinds.List, "", "list2");
        Assert.Empty(Frame("list2").Data.GetProperty("active").EnumerateArray());

        // Persisted: a new incarnation has it failed too.
        Watch(player);
        player.Tell(EntityStop.Instance);
        ExpectTerminated(player);
        var again = Start();
        Ask(again, MissionRequestKinds.List, "", "list3");
        Assert.Empty(Frame("list3").Data.GetProperty("active").EnumerateArray());
    }

    [Fact]
    public void An_offer_accepted_five_minutes_late_is_offer_expired_and_a_new_talk_renews_it()
    {
        var player = Start();
        Ask(player, MissionRequestKinds.Talk, Contact, "talk1");
        Frame("talk1");
        _time.Advance(TimeSpan.FromMinutes(5));
        Ask(player, MissionRequestKinds.Accept, Mission, "accept1");
        Assert.Equal(MissionErrorCodes.OfferExpired, Refused("accept1"));
        TalkAndAccept(player, "2");
    }

    [Fact]
    public void The_daily_limit_refuses_a_second_accept_until_the_daily_reset()
    {
        var player = Start(dailyLimit: 1);
        TalkAndAccept(player, "1");
        Ask(player, MissionRequestKinds.Abandon, Mission, "abandon1");
        _session.ExpectMsg<Replies.Acknowledged>();
        Assert.Equal(ServerFrameTypes.MissionFailed, Frame().Type);
        Ask(player, MissionRequestKinds.Talk, Contact, "talk2");
        Frame("talk2");
        Ask(player, MissionRequestKinds.Accept, Mission, "accept2");
        Assert.Equal(MissionErrorCodes.DailyLimit, Refused("accept2"));

        // 12:00 now: the next mission day starts at 04:00 tomorrow.
        _time.Advance(TimeSpan.FromHours(16));
        TalkAndAccept(player, "3");
    }
}

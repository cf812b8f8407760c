using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Orgs;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>
/// The organisation as the character's entity keeps it (issue 12): set once by the attach that creates the character,
/// shown in the sheet, never changed by a later attach; org requests go to the organisation in the character's name,
/// <c>no_org</c> without one, and lines are limited to 1 per 10 s.
/// </summary>
public sealed class PlayerOrgTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _orgs;
    private readonly TestProbe _session;

    public PlayerOrgTests() : base(ActorTestConfig.Hocon)
    {
        _orgs = CreateTestProbe();
        _session = CreateTestProbe();
    }

    private IActorRef Start(string id) =>
        Sys.ActorOf(PlayerEntity.PropsFor(id, ActorTestConfig.Settings, ActorTestConfig.Map, CreateTestProbe().Ref, players: CreateTestProbe().Ref,
            orgs: _orgs.Ref));

    private PlayerReplies.CharacterSheet Attach(IActorRef player, string name, string? org)
    {
        player.Tell(new PlayerCommands.Attach(PlayerId.FromName(name), name, _session.Ref) { Org = org }, _session.Ref);
        return _session.ExpectMsg<PlayerReplies.Attached>().Character;
    }

    [Fact]
    public void The_creating_attach_records_the_org_and_a_later_attach_does_not_change_it()
    {
        var neo = Start("neo");
        Assert.Equal("zion", Attach(neo, "Neo", "zion").Org);

        Watch(neo);
        neo.Tell(EntityStop.Instance);
        ExpectTerminated(neo);
        var again = Start("neo");
        Assert.Equal("zion", Attach(again, "Neo", "machines").Org);
        again.Tell(new PlayerCommands.GetState(new PlayerId("neo")), _session.Ref);
        Assert.Equal("zion", _session.ExpectMsg<PlayerState>().Org);
    }

    [Fact]
    public void Org_lines_go_to_the_org_in_the_characters_name_one_per_10_s_and_a_character_without_one_is_refused()
    {
        var neo = Start("neo");
        Attach(neo, "Neo", "zion");
        neo.Tell(new OrgCommands.FromPlayer(new PlayerId("neo"), OrgRequestKinds.Say, "Zion stands.", 0, "say-1"), _session.Ref);
        var request = _orgs.ExpectMsg<OrgCommands.Request>();
        Assert.Equal(("zion", "neo", "Neo", "Zion stands.", "say-1"), (request.Org, request.By.Value, request.ByName, request.Arg, request.CommandId));
        Assert.Equal(_session.Ref, request.ReplyTo);

        neo.Tell(new OrgCommands.FromPlayer(new PlayerId("neo"), OrgRequestKinds.Say, "Again.", 0, "say-2"), _session.Ref);
        var refused = _session.ExpectMsg<Replies.Rejected>();
        Assert.Equal((ErrorCodes.RateLimited, "say-2"), (refused.Code, refused.CommandId));
        Assert.InRange(refused.RetryAfterMs, 9_000, 10_000);
        // History only reads: not limited as lines are.
        neo.Tell(new OrgCommands.FromPlayer(new PlayerId("neo"), OrgRequestKinds.History, "", 10, "history-1"), _session.Ref);
        Assert.Equal(OrgRequestKinds.History, _orgs.ExpectMsg<OrgCommands.Request>().Kind);

        var mouse = Start("mouse");
        Assert.Null(Attach(mouse, "Mouse", null).Org);
        foreach (var kind in new[] { OrgRequestKinds.Say, OrgRequestKinds.History })
        {
            mouse.Tell(new OrgCommands.FromPlayer(new PlayerId("mouse"), kind, "hello?", 0, kind), _session.Ref);
            Assert.Equal(OrgErrorCodes.NoOrg, _session.ExpectMsg<Replies.Rejected>().Code);
        }
        _orgs.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}

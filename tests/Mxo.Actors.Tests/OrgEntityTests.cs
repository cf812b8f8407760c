using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Persistence;
using Akka.TestKit;
using Mxo.Actors.Orgs;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Orgs;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>
/// The organisation entity (issue 12): a line is persisted, then acknowledged, then published once on the
/// organisation's topic; the last 200 are kept and paged newest first with a cursor of this organisation only; an
/// operator deletes one line by its id or purges a player's lines, each persisted.
/// </summary>
public sealed class OrgEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TestProbe _mediator;
    private readonly TestProbe _session;

    public OrgEntityTests() : base(ActorTestConfig.WithJournal<SwitchedJournal>("switched"))
    {
        _mediator = CreateTestProbe();
        _session = CreateTestProbe();
    }

    private IActorRef StartOrg(string org = Organisations.Zion) => Sys.ActorOf(OrgEntity.PropsFor(org, ActorTestConfig.Settings, _mediator.Ref));

    private void Ask(IActorRef org, string kind, string by, string arg = "", int limit = 0, string commandId = "cmd", string name = Organisations.Zion) =>
        org.Tell(new OrgCommands.Request(name, kind, PlayerId.FromName(by), by, arg, limit, commandId, _session.Ref));

    private OrgPushes.Line Say(IActorRef org, string by, string text)
    {
        Ask(org, OrgRequestKinds.Say, by, text, commandId: "say-" + text);
        Assert.Equal("say-" + text, _session.ExpectMsg<Replies.Acknowledged>().CommandId);
        var publish = _mediator.ExpectMsg<Publish>();
        Assert.Equal("org-zion", publish.Topic);
        return Assert.IsType<OrgPushes.Line>(publish.Message);
    }

    private OrgReplies.History History(IActorRef org, string cursor = "", int limit = 0)
    {
        Ask(org, OrgRequestKinds.History, "Trinity", cursor, limit);
        return _session.ExpectMsg<OrgReplies.History>();
    }

    private IActorRef Restart(IActorRef org)
    {
        Watch(org);
        org.Tell(EntityStop.Instance);
        ExpectTerminated(org);
        return StartOrg();
    }

    private void JournalDown(bool down)
    {
        Persistence.Instance.Apply(Sys).JournalFor(null).Tell(new SwitchedJournal.Down(down));
        ExpectMsg<SwitchedJournal.Down>();
    }

    [Fact]
    public void A_line_is_persisted_then_acknowledged_then_published_once_and_a_refused_write_publishes_nothing()
    {
        var org = StartOrg();
        var line = Say(org, "Neo", "Zion stands.");
        Assert.Equal(("zion", "neo", "Neo", "Zion stands.", 1L), (line.Org, line.From.Value, line.Name, line.Text, line.Seq));

        // It was in the journal before anyone heard it: a new incarnation has it.
        var restarted = Restart(org);
        Assert.Equal(["Zion stands."], History(restarted).Lines.Select(l => l.Text));

        JournalDown(true);
        Ask(restarted, OrgRequestKinds.Say, "Neo", "lost", commandId: "lost");
        Assert.Equal((ErrorCodes.Unavailable, "lost"), _session.ExpectMsg<Replies.Rejected>() is var r ? (r.Code, r.CommandId) : default);
        _mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        JournalDown(false);
        Assert.Single(History(restarted).Lines);

        Ask(restarted, OrgRequestKinds.Say, "Neo", "   ");
        Assert.Equal(ChatErrorCodes.EmptyText, _session.ExpectMsg<Replies.Rejected>().Code);
        _mediator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void The_last_200_lines_are_kept_and_paged_newest_first_with_a_cursor_of_this_org_only()
    {
        var org = StartOrg();
        for (var i = 1; i <= 205; i++) Say(org, i % 2 == 0 ? "Neo" : "Trinity", "line " + i);

        var first = History(org, limit: 100);
        Assert.Equal(100, first.Lines.Length);
        Assert.Equal(("line 205", 205L), (first.Lines[0].Text, first.Lines[0].Seq));
        Assert.NotNull(first.Next);
        var second = History(org, first.Next!, 100);
        Assert.Equal(("line 105", "line 6", 100), (second.Lines[0].Text, second.Lines[^1].Text, second.Lines.Length));
        Assert.Null(second.Next); // lines 1-5 are no longer kept

        // Snapshots keep the 200 as well (a snapshot every 3 events in these tests).
        var restarted = Restart(org);
        Assert.Equal(["line 205", "line 204", "line 203"], History(restarted, limit: 3).Lines.Select(l => l.Text));

        // Another organisation's cursor, a crew's for a crew of the same name, and garbage are refused.
        var machines = StartOrg(Organisations.Machines);
        Ask(machines, OrgRequestKinds.History, "Smith", "", 1, name: Organisations.Machines);
        Assert.Empty(_session.ExpectMsg<OrgReplies.History>().Lines);
        foreach (var bad in new[] { OrgCursorOf(Organisations.Machines), CrewRules.Cursor(new CrewId("zion"), 50), "not a cursor!" })
        {
            Ask(restarted, OrgRequestKinds.History, "Neo", bad);
            Assert.Equal(CrewErrorCodes.BadCursor, _session.ExpectMsg<Replies.Rejected>().Code);
        }
    }

    /// <summary>A real cursor of <paramref name="org"/> (its history with more than one page).</summary>
    private string OrgCursorOf(string org)
    {
        var other = Sys.ActorOf(OrgEntity.PropsFor(org, ActorTestConfig.Settings, _mediator.Ref));
        for (var i = 0; i < 2; i++)
        {
            other.Tell(new OrgCommands.Request(org, OrgRequestKinds.Say, new PlayerId("smith"), "Smith", "x" + i, 0, "m" + i, _session.Ref));
            _session.ExpectMsg<Replies.Acknowledged>();
            _mediator.ExpectMsg<Publish>();
        }
        other.Tell(new OrgCommands.Request(org, OrgRequestKinds.History, new PlayerId("smith"), "Smith", "", 1, "h", _session.Ref));
        return _session.ExpectMsg<OrgReplies.History>().Next!;
    }

    [Fact]
    public void An_operator_deletes_one_line_by_its_id_and_purges_a_players_lines_each_persisted()
    {
        var org = StartOrg();
        var first = Say(org, "Cypher", "Ignorance is bliss.");
        Say(org, "Neo", "Not for long.");
        Say(org, "Cypher", "Steak.");
        var fourth = Say(org, "Trinity", "Who is this?");

        org.Tell(new OrgCommands.DeleteLine("zion", fourth.Seq, "op"));
        Assert.Equal(1, ExpectMsg<OrgReplies.Moderated>().Removed);
        org.Tell(new OrgCommands.DeleteLine("zion", fourth.Seq, "op"));
        Assert.Equal(0, ExpectMsg<OrgReplies.Moderated>().Removed);

        org.Tell(new OrgCommands.PurgePlayer("zion", new PlayerId("cypher"), "op"));
        Assert.Equal(2, ExpectMsg<OrgReplies.Moderated>().Removed);
        org.Tell(new OrgCommands.PurgePlayer("zion", new PlayerId("cypher"), "op"));
        Assert.Equal(0, ExpectMsg<OrgReplies.Moderated>().Removed);

        var restarted = Restart(org);
        Assert.Equal(["Not for long."], History(restarted).Lines.Select(l => l.Text));
        // Ids are never reused: the next line comes after the deleted ones.
        Assert.Equal(first.Seq + 4, Say(restarted, "Neo", "Free your mind.").Seq);
    }
}

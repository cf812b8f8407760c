using Akka.Actor;
using Akka.TestKit;
using Mxo.Edge.Features;
using Mxo.Protocol;
using Mxo.Protocol.Notifications;
using Mxo.Protocol.Players;
using Xunit;
using static Mxo.Edge.SessionProtocol;
using static Mxo.Edge.Tests.EdgeTestConfig;

namespace Mxo.Edge.Tests;

/// <summary>The session's side of notifications, with probes for the player and inbox regions.</summary>
public sealed class NotificationsFeatureTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly EdgeOptions Dev = new() { DevMode = true, RequestTimeout = TimeSpan.FromSeconds(3) };
    private readonly TestProbe _players;
    private readonly TestProbe _inboxes;
    private readonly TestProbe _outbound;

    public NotificationsFeatureTests() : base(EdgeTestConfig.Hocon)
    {
        _players = CreateTestProbe("players");
        _inboxes = CreateTestProbe("inboxes");
        _outbound = CreateTestProbe("outbound");
    }

    private IActorRef Attach()
    {
        var features = SessionFeatureSet.For(_players.Ref, Map.All.Select(d => d.Id).ToArray(), ActorRefs.Nobody, _inboxes.Ref);
        var session = Sys.ActorOf(SessionActor.PropsFor(_players.Ref, _outbound.Ref, Dev, features));
        session.Tell(new TextFrame(Utf8("""{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""")), TestActor);
        ExpectMsg<StreamAck>();
        _players.ExpectMsg<PlayerCommands.Attach>();
        _players.Reply(new PlayerReplies.Attached(new PlayerReplies.CharacterSheet(Neo, "Neo", null, default, 500, 200, 1000)));
        return session;
    }

    private Frame NextFrame() => Frame.Parse(_outbound.ExpectMsg<SendFrame>().Utf8);

    private static Notification Stored(long seq) => new(seq, 3, "n" + seq, "{}", "", 1_795_000_000_000, 0, true, false);

    [Fact]
    public void The_welcome_waits_for_the_inbox_then_carries_the_unread_count_and_the_pending_ones_follow_in_order()
    {
        var session = Attach();
        Assert.Equal(session, _inboxes.ExpectMsg<InboxCommands.Subscribe>().Session);
        _outbound.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // no welcome before the inbox answered

        _inboxes.Reply(new InboxReplies.Subscribed(Neo, 3, [Stored(1), Stored(2)]));
        var welcome = NextFrame();
        Assert.Equal(("welcome", "h1", 3), (welcome.Type, welcome.Id, welcome.Data.GetProperty("unreadNotifications").GetInt32()));
        Assert.Equal(["n1", "n2"], new[] { NextFrame(), NextFrame() }.Select(f => f.Data.GetProperty("subject").GetString()));
    }

    [Fact]
    public void Two_inbox_answers_before_the_attach_lose_none_of_the_pending_ones()
    {
        // The subscribe is sent while the character attaches; on a loaded node its retry goes out before the first
        // answer, and the inbox hands each stored notification to the first answer only.
        var features = SessionFeatureSet.For(_players.Ref, Map.All.Select(d => d.Id).ToArray(), ActorRefs.Nobody, _inboxes.Ref);
        var session = Sys.ActorOf(SessionActor.PropsFor(_players.Ref, _outbound.Ref, Dev, features));
        session.Tell(new TextFrame(Utf8("""{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""")), TestActor);
        ExpectMsg<StreamAck>();
        _players.ExpectMsg<PlayerCommands.Attach>();
        _inboxes.ExpectMsg<InboxCommands.Subscribe>();
        _inboxes.Send(session, new InboxReplies.Subscribed(Neo, 1, [Stored(1)]));
        _inboxes.Send(session, new InboxReplies.Subscribed(Neo, 1, []));
        _players.Send(session, new PlayerReplies.Attached(new PlayerReplies.CharacterSheet(Neo, "Neo", null, default, 500, 200, 1000)));

        var welcome = NextFrame();
        Assert.Equal(("welcome", 1), (welcome.Type, welcome.Data.GetProperty("unreadNotifications").GetInt32()));
        Assert.Equal("n1", NextFrame().Data.GetProperty("subject").GetString());
    }

    [Fact]
    public void An_inbox_that_does_not_answer_delays_the_welcome_by_the_request_timeout_at_most()
    {
        Attach();
        _inboxes.ExpectMsg<InboxCommands.Subscribe>();
        var welcome = Frame.Parse(_outbound.ExpectMsg<SendFrame>(Dev.RequestTimeout * 2).Utf8);
        Assert.Equal("welcome", welcome.Type);
        Assert.False(welcome.Data.TryGetProperty("unreadNotifications", out _));
    }

    [Fact]
    public void After_the_inbox_moves_the_session_subscribes_again_and_writes_nothing_twice()
    {
        var session = Attach();
        var first = CreateTestProbe("inbox-1");
        first.Send(session, new InboxReplies.Subscribed(Neo, 1, [Stored(1)]));
        _inboxes.ExpectMsg<InboxCommands.Subscribe>();
        Assert.Equal("welcome", NextFrame().Type);
        Assert.Equal("n1", NextFrame().Data.GetProperty("subject").GetString());
        first.Send(session, new InboxPushes.Pushed(Neo, Stored(2)));
        Assert.Equal("n2", NextFrame().Data.GetProperty("subject").GetString());

        // The inbox's node died before its incarnation recorded the hand-over: the next one hands 1 and 2 over again.
        Sys.Stop(first.Ref);
        _inboxes.ExpectMsg<InboxCommands.Subscribe>();
        var second = CreateTestProbe("inbox-2");
        second.Send(session, new InboxReplies.Subscribed(Neo, 3, [Stored(1), Stored(2), Stored(3)]));
        Assert.Equal("n3", NextFrame().Data.GetProperty("subject").GetString());
        second.Send(session, new InboxPushes.Pushed(Neo, Stored(3)));
        second.Send(session, new InboxPushes.Pushed(Neo, Stored(3) with { Seq = 0, Persistent = false, Subject = "transient" }));
        Assert.Equal("transient", NextFrame().Data.GetProperty("subject").GetString());
    }

    [Fact]
    public void Listing_reads_and_deletes_go_to_the_inbox_as_the_authenticated_character()
    {
        var session = Attach();
        _inboxes.ExpectMsg<InboxCommands.Subscribe>();
        _inboxes.Reply(new InboxReplies.Subscribed(Neo, 0, []));
        NextFrame();

        session.Tell(new TextFrame(Utf8("""{"type":"notifications","v":1,"id":"l1","data":{"limit":2}}""")), TestActor);
        ExpectMsg<StreamAck>();
        var list = _inboxes.ExpectMsg<InboxCommands.List>();
        Assert.Equal((Neo, (string?)null, 2), (list.PlayerId, list.Cursor, list.Limit));
        _inboxes.Reply(new InboxReplies.Page(list.CommandId, [Stored(2)], "c", 1));
        var page = NextFrame();
        Assert.Equal(("notifications", "l1", "c"), (page.Type, page.Id, page.Data.GetProperty("next").GetString()));

        session.Tell(new TextFrame(Utf8("""{"type":"notification_delete","v":1,"id":"d1","data":{"ids":["2"]}}""")), TestActor);
        ExpectMsg<StreamAck>();
        var delete = _inboxes.ExpectMsg<InboxCommands.Mark>();
        Assert.Equal((Neo, true), (delete.PlayerId, delete.Delete));
        Assert.Equal(["2"], delete.Ids);
        _inboxes.Reply(new Replies.Acknowledged(delete.CommandId));
        var ack = NextFrame();
        Assert.Equal(("ack", "d1"), (ack.Type, ack.Id));
    }
}

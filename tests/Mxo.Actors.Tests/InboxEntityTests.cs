using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Notifications;
using Mxo.Protocol;
using Mxo.Protocol.Notifications;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>The inbox's rules through the real entity on the in-memory journal (persistence on SQL: tests/Mxo.IntegrationTests/NotificationTests.cs).</summary>
public sealed class InboxEntityTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly NotificationSettings Settings = new() { MaxKept = 5, SnapshotEvery = 3 };
    private readonly TestProbe _session;

    public InboxEntityTests() : base(ActorTestConfig.Hocon) => _session = CreateTestProbe();

    private IActorRef StartInbox(NotificationSettings? settings = null) => Sys.ActorOf(InboxEntity.PropsFor("neo", settings ?? Settings));

    private static InboxCommands.Notify Note(string subject, string commandId, bool persistent = true, long expiresMs = 0, int code = 5,
        string? sender = null, string content = """{"text":"hi"}""") =>
        new(Neo, code, subject, content, sender, expiresMs, persistent, commandId);

    private InboxReplies.Notified Send(IActorRef inbox, InboxCommands.Notify note)
    {
        inbox.Tell(note);
        return ExpectMsg<InboxReplies.Notified>();
    }

    private void Restart(ref IActorRef inbox)
    {
        Watch(inbox);
        inbox.Tell(EntityStop.Instance);
        ExpectTerminated(inbox);
        inbox = StartInbox();
    }

    private InboxReplies.Subscribed Subscribe(IActorRef inbox, TestProbe session)
    {
        inbox.Tell(new InboxCommands.Subscribe(Neo, session.Ref), session.Ref);
        return session.ExpectMsg<InboxReplies.Subscribed>();
    }

    private InboxReplies.Page List(IActorRef inbox, string? cursor = null, int limit = 20)
    {
        inbox.Tell(new InboxCommands.List(Neo, cursor, limit, "list"));
        return ExpectMsg<InboxReplies.Page>();
    }

    [Fact]
    public void A_stored_notification_waits_for_the_next_login_and_is_handed_over_once_even_after_a_restart()
    {
        var inbox = StartInbox();
        var sent = Send(inbox, Note("Maintenance", "op-1"));
        Assert.Equal(("1", true, false), (sent.Id, sent.Stored, sent.Pushed));
        Send(inbox, Note("Second", "op-2"));

        var login = Subscribe(inbox, _session);
        Assert.Equal(2, login.Unread);
        Assert.Equal(["Maintenance", "Second"], login.Pending.Select(n => n.Subject));

        // Handed over: the next login (a new session, or the same after a restart of the inbox) is not pushed them again.
        Restart(ref inbox);
        var again = Subscribe(inbox, CreateTestProbe());
        Assert.Equal(2, again.Unread);
        Assert.Empty(again.Pending);
        Assert.Equal(2, List(inbox).Items.Length);
    }

    [Fact]
    public void An_online_session_is_pushed_a_new_notification_once_it_is_stored()
    {
        var inbox = StartInbox();
        Subscribe(inbox, _session);
        var sent = Send(inbox, Note("Now", "op-1"));
        Assert.True(sent.Stored && sent.Pushed);
        var pushed = _session.ExpectMsg<InboxPushes.Pushed>();
        Assert.Equal(("Now", 1L, true), (pushed.Notification.Subject, pushed.Notification.Seq, pushed.Notification.Persistent));

        // Pushed counts as handed over: a later login does not get it again.
        Assert.Empty(Subscribe(inbox, CreateTestProbe()).Pending);
    }

    [Fact]
    public void A_retried_send_is_stored_once()
    {
        var inbox = StartInbox();
        Send(inbox, Note("Once", "op-1"));
        var retry = Send(inbox, Note("Once", "op-1"));
        Assert.True(retry.Stored);
        Assert.Single(List(inbox).Items);
    }

    [Fact]
    public void A_non_persistent_notification_reaches_only_an_online_session_and_is_never_stored()
    {
        var inbox = StartInbox();
        var offline = Send(inbox, Note("Duel", "duel-1", persistent: false));
        Assert.Equal((false, false, (string?)null), (offline.Stored, offline.Pushed, offline.Id));

        Subscribe(inbox, _session);
        var online = Send(inbox, Note("Duel", "duel-2", persistent: false));
        Assert.Equal((false, true), (online.Stored, online.Pushed));
        Assert.False(_session.ExpectMsg<InboxPushes.Pushed>().Notification.Persistent);
        Assert.Empty(List(inbox).Items);
    }

    [Fact]
    public void A_session_that_stops_is_no_longer_pushed()
    {
        var inbox = StartInbox();
        var session = CreateTestProbe();
        Subscribe(inbox, session);
        Watch(session.Ref);
        Sys.Stop(session.Ref);
        ExpectTerminated(session.Ref);
        // The inbox hears Terminated before it takes this send: the notification waits for the next login.
        AwaitAssert(() => Assert.False(Send(inbox, Note("Later", "op-" + Guid.NewGuid())).Pushed));
    }

    [Fact]
    public void Pages_are_newest_first_and_a_cursor_from_another_inbox_or_garbage_is_refused()
    {
        var inbox = StartInbox(new NotificationSettings { MaxKept = 500 });
        for (var i = 1; i <= 7; i++) Send(inbox, Note("n" + i, "op-" + i));

        var first = List(inbox, limit: 3);
        Assert.Equal(["n7", "n6", "n5"], first.Items.Select(n => n.Subject));
        Assert.Equal(7, first.Unread);
        var second = List(inbox, first.Next, 3);
        Assert.Equal(["n4", "n3", "n2"], second.Items.Select(n => n.Subject));
        var last = List(inbox, second.Next, 3);
        Assert.Equal(["n1"], last.Items.Select(n => n.Subject));
        Assert.Null(last.Next);

        foreach (var bad in new[] { InboxRules.MakeCursor(new PlayerId("trinity"), 5), "not-a-cursor", "bjF8bmVvfC0x" })
        {
            inbox.Tell(new InboxCommands.List(Neo, bad, 3, "bad"));
            Assert.Equal(NotificationErrorCodes.BadCursor, ExpectMsg<Replies.Rejected>().Code);
        }
    }

    [Fact]
    public void Read_and_delete_are_persisted_and_an_unknown_id_changes_nothing()
    {
        var inbox = StartInbox();
        Send(inbox, Note("a", "op-1"));
        Send(inbox, Note("b", "op-2"));

        inbox.Tell(new InboxCommands.Mark(Neo, ["1", "9"], false, "r1"));
        Assert.Equal(NotificationErrorCodes.UnknownNotification, ExpectMsg<Replies.Rejected>().Code);
        inbox.Tell(new InboxCommands.Mark(Neo, ["2", "01"], true, "d1"));
        Assert.Equal(NotificationErrorCodes.UnknownNotification, ExpectMsg<Replies.Rejected>().Code);
        Assert.Equal(2, List(inbox).Unread);

        inbox.Tell(new InboxCommands.Mark(Neo, ["1"], false, "r2"));
        ExpectMsg<Replies.Acknowledged>(a => a.CommandId == "r2");
        inbox.Tell(new InboxCommands.Mark(Neo, ["2"], true, "d2"));
        ExpectMsg<Replies.Acknowledged>(a => a.CommandId == "d2");

        Restart(ref inbox);
        var page = List(inbox);
        Assert.Equal(0, page.Unread);
        var only = Assert.Single(page.Items);
        Assert.Equal(("a", true), (only.Subject, only.Read));
    }

    [Fact]
    public void The_inbox_is_bounded_dropping_the_oldest_read_ones_first()
    {
        var inbox = StartInbox(); // keeps 5
        for (var i = 1; i <= 5; i++) Send(inbox, Note("n" + i, "op-" + i));
        inbox.Tell(new InboxCommands.Mark(Neo, ["3", "4"], false, "r"));
        ExpectMsg<Replies.Acknowledged>();

        Send(inbox, Note("n6", "op-6")); // drops n3 (the oldest read), not n1
        Send(inbox, Note("n7", "op-7")); // drops n4
        Send(inbox, Note("n8", "op-8")); // no read one left: drops n1, the oldest unread
        Restart(ref inbox); // through a snapshot (every 3 events) and the events after it
        Assert.Equal(["n8", "n7", "n6", "n5", "n2"], List(inbox).Items.Select(n => n.Subject));
    }

    [Fact]
    public void Expired_notifications_are_neither_listed_counted_nor_delivered()
    {
        var inbox = StartInbox();
        var soon = DateTimeOffset.UtcNow.AddMilliseconds(1000).ToUnixTimeMilliseconds();
        Send(inbox, Note("short", "op-1", expiresMs: soon));
        Send(inbox, Note("long", "op-2", expiresMs: DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds()));
        AwaitAssert(() =>
        {
            Assert.True(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() >= soon);
            Assert.Equal(["long"], List(inbox).Items.Select(n => n.Subject));
        }, Dilated(TimeSpan.FromSeconds(5)));
        var login = Subscribe(inbox, _session);
        Assert.Equal((1, "long"), (login.Unread, Assert.Single(login.Pending).Subject));
        inbox.Tell(new InboxCommands.Mark(Neo, ["1"], false, "r"));
        Assert.Equal(NotificationErrorCodes.UnknownNotification, ExpectMsg<Replies.Rejected>().Code);
    }

    [Theory]
    [InlineData("", """{"a":1}""", 5, null)]
    [InlineData("ok", "[1,2]", 5, null)]
    [InlineData("ok", "{not json", 5, null)]
    [InlineData("ok", """{"a":1}""", -1, "trinity")]
    public void A_notification_that_breaks_a_rule_is_refused_and_not_stored(string subject, string content, int code, string? sender)
    {
        var inbox = StartInbox();
        inbox.Tell(Note(subject, "op-1", code: code, sender: sender, content: content));
        Assert.Equal(NotificationErrorCodes.InvalidNotification, ExpectMsg<Replies.Rejected>().Code);
        inbox.Tell(Note("ok", "op-2", content: "{\"big\":\"" + new string('x', NotificationRules.MaxContentBytes) + "\"}"));
        Assert.Equal(NotificationErrorCodes.InvalidNotification, ExpectMsg<Replies.Rejected>().Code);
        Assert.Empty(List(inbox).Items);
    }
}

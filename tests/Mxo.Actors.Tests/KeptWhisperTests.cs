using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Crews;
using Mxo.Actors.Limits;
using Mxo.Actors.Moderation;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Crews;
using Mxo.Protocol.Moderation;
using Mxo.Protocol.Notifications;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>
/// Issue 12's kept whispers, offline whispers, persisted mutes and moderation, in the player, crew and moderation log
/// entities (the in-memory journal outlives an entity, so a stopped and restarted entity replays what it wrote).
/// </summary>
public sealed class KeptWhisperTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly PlayerId Trinity = new("trinity");
    private readonly TestProbe _districts;
    private readonly TestProbe _players;
    private readonly TestProbe _inboxes;
    private readonly TestProbe _crews;

    public KeptWhisperTests() : base(ActorTestConfig.Hocon)
    {
        _districts = CreateTestProbe();
        _players = CreateTestProbe();
        _inboxes = CreateTestProbe();
        _crews = CreateTestProbe();
    }

    private IActorRef Start(string id, WorldSettings? settings = null) =>
        Sys.ActorOf(PlayerEntity.PropsFor(id, settings ?? ActorTestConfig.Settings, ActorTestConfig.Map, _districts.Ref, players: _players.Ref,
            crews: _crews.Ref, inboxes: _inboxes.Ref));

    private static void Attach(IActorRef player, PlayerId id, string name, TestProbe session)
    {
        player.Tell(new PlayerCommands.Attach(id, name, session.Ref), session.Ref);
        session.ExpectMsg<PlayerReplies.Attached>();
    }

    private void Stop(IActorRef entity)
    {
        Watch(entity);
        entity.Tell(EntityStop.Instance);
        ExpectTerminated(entity);
    }

    /// <summary>Neo whispers <paramref name="text"/> to Trinity through both entities, as the player region would route it; returns the whisper's id.</summary>
    private string Whisper(IActorRef neo, IActorRef trinity, TestProbe neoSession, string text, string commandId)
    {
        neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", text, commandId), neoSession.Ref);
        trinity.Tell(_players.ExpectMsg<ChatCommands.DeliverWhisper>());
        var delivered = _players.ExpectMsg<WhisperCommands.Delivered>();
        neo.Tell(delivered);
        Assert.Equal(commandId, neoSession.ExpectMsg<Replies.Acknowledged>().CommandId);
        return delivered.Id;
    }

    private static WhisperReplies.History History(IActorRef player, PlayerId id, TestProbe session, string cursor = "", int limit = 0)
    {
        player.Tell(new WhisperCommands.History(id, cursor, limit, "h"), session.Ref);
        return session.FishForMessage<WhisperReplies.History>(_ => true); // past the whispers pushed to the session
    }

    [Fact]
    public void A_whisper_is_kept_on_both_sides_before_it_is_acknowledged_and_pages_newest_first_with_a_cursor()
    {
        var (neoSession, trinitySession) = (CreateTestProbe(), CreateTestProbe());
        var (neo, trinity) = (Start("neo"), Start("trinity"));
        Attach(neo, Neo, "Neo", neoSession);
        Attach(trinity, Trinity, "Trinity", trinitySession);
        var first = Whisper(neo, trinity, neoSession, "Follow the white rabbit", "w1");
        Assert.Equal(first, trinitySession.ExpectMsg<ChatPushes.Whispered>().Id); // the same id on both sides
        Whisper(neo, trinity, neoSession, "Knock, knock", "w2");

        var sent = History(neo, Neo, neoSession);
        Assert.Equal([("Knock, knock", true, "trinity"), ("Follow the white rabbit", true, "trinity")],
            sent.Whispers.Select(w => (w.Text, w.Outgoing, w.Other)));
        Assert.Null(sent.Next);
        var received = History(trinity, Trinity, trinitySession, limit: 1);
        Assert.Equal([("Knock, knock", false, "neo")], received.Whispers.Select(w => (w.Text, w.Outgoing, w.Other)));
        var older = History(trinity, Trinity, trinitySession, received.Next!, 1);
        Assert.Equal([first], older.Whispers.Select(w => w.Id));
        Assert.Null(older.Next);

        // Persisted: a restarted entity has them.
        Stop(neo);
        neo = Start("neo");
        Attach(neo, Neo, "Neo", neoSession);
        Assert.Equal(2, History(neo, Neo, neoSession).Whispers.Length);
    }

    [Fact]
    public void A_cursor_from_another_history_or_garbage_is_bad_cursor()
    {
        var session = CreateTestProbe();
        var neo = Start("neo");
        Attach(neo, Neo, "Neo", session);
        foreach (var cursor in new[] { KeptLines.Cursor(WhisperRules.CursorOwner(Trinity), 5), KeptLines.Cursor("neo", 5), "not a cursor!", "Zm9v" })
        {
            neo.Tell(new WhisperCommands.History(Neo, cursor, 10, "h"), session.Ref);
            Assert.Equal(CrewErrorCodes.BadCursor, session.ExpectMsg<Replies.Rejected>().Code);
        }
    }

    [Fact]
    public void At_most_200_whispers_are_kept_the_oldest_going_first()
    {
        var state = PlayerState.Empty(Neo);
        for (var i = 1; i <= WhisperRules.Kept + 20; i++)
            state = PlayerRules.Apply(state, PlayerRules.KeepWhisper(state, "id" + i, Trinity, "Trinity", i % 2 == 0, "line " + i, i));
        Assert.Equal(WhisperRules.Kept, state.Whispers.Count);
        Assert.Equal(("id21", "id220"), (state.Whispers[0].Id, state.Whispers[^1].Id));
        // Two full pages and no more.
        var page1 = PlayerRules.WhisperPage(state, "", 100)!.Value;
        var page2 = PlayerRules.WhisperPage(state, page1.Next!, 100)!.Value;
        Assert.Equal((100, 100, (string?)null), (page1.Whispers.Length, page2.Whispers.Length, page2.Next));
        Assert.Equal("id21", page2.Whispers[^1].Id);
    }

    [Fact]
    public void An_opted_in_offline_character_gets_a_whisper_as_a_stored_notification_and_the_sender_is_told_once_it_is_stored()
    {
        var (neoSession, trinitySession) = (CreateTestProbe(), CreateTestProbe());
        var (neo, trinity) = (Start("neo"), Start("trinity"));
        Attach(neo, Neo, "Neo", neoSession);
        Attach(trinity, Trinity, "Trinity", trinitySession);
        trinity.Tell(new WhisperCommands.SetOfflineWhispers(Trinity, true, "s1"), trinitySession.Ref);
        Assert.True(trinitySession.ExpectMsg<WhisperReplies.Settings>().OfflineWhispers);
        trinity.Tell(new PlayerCommands.Detach(Trinity, trinitySession.Ref));

        neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", "Wake up", "w1"), neoSession.Ref);
        trinity.Tell(_players.ExpectMsg<ChatCommands.DeliverWhisper>());
        var notify = _inboxes.ExpectMsg<InboxCommands.Notify>();
        Assert.Equal((Trinity, NotificationRules.WhisperCode, true), (notify.PlayerId, notify.Code, notify.Persistent));
        Assert.Contains("Wake up", notify.Content);
        neoSession.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // not before the inbox stored it
        _players.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        _inboxes.Reply(new InboxReplies.Notified(notify.CommandId, Trinity, "1", Stored: true, Pushed: false));
        neo.Tell(_players.ExpectMsg<WhisperCommands.Delivered>());
        Assert.Equal("w1", neoSession.ExpectMsg<Replies.Acknowledged>().CommandId);

        // The setting is persisted and shown at the next attach.
        Stop(trinity);
        trinity = Start("trinity");
        trinity.Tell(new PlayerCommands.Attach(Trinity, "Trinity", trinitySession.Ref), trinitySession.Ref);
        Assert.True(trinitySession.ExpectMsg<PlayerReplies.Attached>().Character.OfflineWhispers);
        Assert.Single(History(trinity, Trinity, trinitySession).Whispers);
    }

    [Fact]
    public void Without_the_opt_in_an_offline_character_is_not_online_and_an_ignored_sender_never_notifies()
    {
        var (neoSession, trinitySession) = (CreateTestProbe(), CreateTestProbe());
        var trinity = Start("trinity");
        Attach(trinity, Trinity, "Trinity", trinitySession);
        trinity.Tell(new PlayerCommands.Detach(Trinity, trinitySession.Ref));
        trinity.Tell(new ChatCommands.DeliverWhisper(Trinity, Neo, "Neo", "hi", 1, "w1", neoSession.Ref));
        Assert.Equal(ChatErrorCodes.NotOnline, neoSession.ExpectMsg<Replies.Rejected>().Code);

        Attach(trinity, Trinity, "Trinity", trinitySession);
        trinity.Tell(new WhisperCommands.SetOfflineWhispers(Trinity, true, "s1"), trinitySession.Ref);
        trinitySession.ExpectMsg<WhisperReplies.Settings>();
        trinity.Tell(new ChatCommands.Ignore(Trinity, "Neo", true, "i1"), trinitySession.Ref);
        trinitySession.ExpectMsg<ChatReplies.Ignores>();
        trinity.Tell(new PlayerCommands.Detach(Trinity, trinitySession.Ref));
        trinity.Tell(new ChatCommands.DeliverWhisper(Trinity, Neo, "Neo", "hi", 1, "w2", neoSession.Ref));
        Assert.Equal("w2", _players.ExpectMsg<WhisperCommands.Delivered>().CommandId); // acknowledged, as if delivered
        _inboxes.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        trinity.Tell(new WhisperCommands.History(Trinity, "", 10, "h"), trinitySession.Ref);
        Assert.Empty(trinitySession.ExpectMsg<WhisperReplies.History>().Whispers);
    }

    [Fact]
    public void A_mute_of_the_chat_limits_survives_a_restart_of_the_entity()
    {
        var session = CreateTestProbe();
        var settings = ActorTestConfig.Settings with { MaxRateLimitStrikes = 50, SayRate = new RateLimit(100, 100), ChatWhisperRate = new RateLimit(0.01, 1) };
        var neo = Start("neo", settings);
        Attach(neo, Neo, "Neo", session);
        neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", "1", "w0"), session.Ref);
        _players.ExpectMsg<ChatCommands.DeliverWhisper>();
        for (var i = 1; i <= 4; i++) neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", "again", "w" + i), session.Ref);
        for (var i = 1; i <= 3; i++) Assert.Equal(ErrorCodes.RateLimited, session.ExpectMsg<Replies.Rejected>().Code);
        var muted = session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(ChatErrorCodes.Muted, muted.Code);

        Stop(neo);
        neo = Start("neo", settings);
        Attach(neo, Neo, "Neo", session);
        neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", "after the restart", "w9"), session.Ref);
        var still = session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(ChatErrorCodes.Muted, still.Code);
        Assert.InRange(still.RetryAfterMs, 1, muted.RetryAfterMs);
        _players.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private static ModerationAction Action(string kind, string target, long seconds = 0, string channel = "", string messageId = "") =>
        new(kind, target, channel, messageId, seconds, "spam", "agent", 1);

    [Fact]
    public void A_moderators_mute_is_persisted_refuses_chat_with_the_time_left_and_an_unmute_lifts_it()
    {
        var (session, gm) = (CreateTestProbe(), CreateTestProbe());
        var neo = Start("neo");
        Attach(neo, Neo, "Neo", session);
        neo.Tell(new ModerationCommands.ToPlayer(Neo, Action(ModerationKinds.Mute, "Neo", 600), "m1", gm.Ref));
        Assert.Equal("m1", gm.ExpectMsg<Replies.Acknowledged>().CommandId);
        Stop(neo);
        neo = Start("neo");
        Attach(neo, Neo, "Neo", session);
        neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", "hello?", "w1"), session.Ref);
        var refused = session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(ChatErrorCodes.Muted, refused.Code);
        Assert.InRange(refused.RetryAfterMs, 590_000, 600_000);
        Assert.Contains("spam", refused.Message);

        neo.Tell(new ModerationCommands.ToPlayer(Neo, Action(ModerationKinds.Unmute, "Neo"), "m2", gm.Ref));
        gm.ExpectMsg<Replies.Acknowledged>();
        neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", "hello?", "w2"), session.Ref);
        _players.ExpectMsg<ChatCommands.DeliverWhisper>();

        var nobody = Start("nobody");
        nobody.Tell(new ModerationCommands.ToPlayer(new PlayerId("nobody"), Action(ModerationKinds.Mute, "nobody", 60), "m3", gm.Ref));
        Assert.Equal(ChatErrorCodes.UnknownRecipient, gm.ExpectMsg<Replies.Rejected>().Code);
    }

    [Fact]
    public void A_moderator_deletes_one_whisper_on_both_sides_and_purges_a_characters_whispers_and_crew_lines()
    {
        var (neoSession, trinitySession, gm) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var (neo, trinity) = (Start("neo"), Start("trinity"));
        Attach(neo, Neo, "Neo", neoSession);
        Attach(trinity, Trinity, "Trinity", trinitySession);
        var first = Whisper(neo, trinity, neoSession, "one", "w1");
        Whisper(neo, trinity, neoSession, "two", "w2");

        trinity.Tell(new ModerationCommands.ToPlayer(Trinity, Action(ModerationKinds.Delete, "Trinity", channel: "whisper", messageId: first), "d1", gm.Ref));
        var otherSide = _players.ExpectMsg<ModerationCommands.ToPlayer>();
        Assert.Equal((Neo, (IActorRef?)null), (otherSide.PlayerId, otherSide.ReplyTo));
        neo.Tell(otherSide);
        gm.ExpectMsg<Replies.Acknowledged>();
        Assert.Equal(["two"], History(trinity, Trinity, trinitySession).Whispers.Select(w => w.Text));
        Assert.Equal(["two"], History(neo, Neo, neoSession).Whispers.Select(w => w.Text));
        trinity.Tell(new ModerationCommands.ToPlayer(Trinity, Action(ModerationKinds.Delete, "Trinity", channel: "whisper", messageId: first), "d2", gm.Ref));
        Assert.Equal(ModerationErrorCodes.UnknownMessage, gm.ExpectMsg<Replies.Rejected>().Code);

        // Purge Neo: its history loses what it sent, Trinity's what it got from Neo, Neo's crew its lines.
        neo.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.Joined, CrewId.FromName("Zion"), "Zion", "", null));
        neo.Tell(new ModerationCommands.ToPlayer(Neo, Action(ModerationKinds.Purge, "Neo"), "p1", gm.Ref));
        Assert.Equal("p1", gm.ExpectMsg<Replies.Acknowledged>().CommandId);
        var fanOut = _players.ExpectMsg<ModerationCommands.ToPlayer>();
        Assert.Equal(Trinity, fanOut.PlayerId);
        trinity.Tell(fanOut);
        var crewPurge = _crews.ExpectMsg<ModerationCommands.ToCrew>();
        Assert.Equal(("zion", ModerationKinds.Purge, "Neo"), (crewPurge.CrewId.Value, crewPurge.Action.Kind, crewPurge.Action.Target));
        Assert.Empty(History(neo, Neo, neoSession).Whispers);
        Assert.Empty(History(trinity, Trinity, trinitySession).Whispers);
    }

    [Fact]
    public void A_crew_line_is_deleted_or_purged_by_a_moderator_and_an_invite_is_also_a_stored_notification()
    {
        var (session, gm) = (CreateTestProbe(), CreateTestProbe());
        var zion = CrewId.FromName("Zion");
        var crew = Sys.ActorOf(CrewEntity.PropsFor(zion.Value, ActorTestConfig.Settings, _players.Ref, _inboxes.Ref));
        void Ask(string kind, string by, string arg, string argName = "") =>
            crew.Tell(new CrewCommands.Request(zion, kind, PlayerId.FromName(by), by, arg, 0, kind + by + arg, session.Ref, argName));
        Ask(CrewRequestKinds.Create, "Neo", "Zion");
        Ask(CrewRequestKinds.Invite, "Neo", "trinity", "Trinity");
        session.ExpectMsg<Replies.Acknowledged>();
        var notify = _inboxes.ExpectMsg<InboxCommands.Notify>();
        Assert.Equal((Trinity, NotificationRules.CrewInviteCode, true), (notify.PlayerId, notify.Code, notify.Persistent));
        Assert.True(notify.ExpiresMs > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Ask(CrewRequestKinds.Say, "Neo", "first");
        Ask(CrewRequestKinds.Say, "Neo", "second");
        session.ExpectMsg<Replies.Acknowledged>();
        session.ExpectMsg<Replies.Acknowledged>();

        crew.Tell(new ModerationCommands.ToCrew(zion, Action(ModerationKinds.Delete, "Zion", channel: "crew", messageId: "1"), "d1", gm.Ref));
        gm.ExpectMsg<Replies.Acknowledged>();
        crew.Tell(new ModerationCommands.ToCrew(zion, Action(ModerationKinds.Delete, "Zion", channel: "crew", messageId: "1"), "d2", gm.Ref));
        Assert.Equal(ModerationErrorCodes.UnknownMessage, gm.ExpectMsg<Replies.Rejected>().Code);
        Ask(CrewRequestKinds.History, "Neo", "");
        Assert.Equal(["second"], session.ExpectMsg<CrewReplies.History>().Lines.Select(l => l.Text));
        crew.Tell(new ModerationCommands.ToCrew(zion, Action(ModerationKinds.Purge, "Neo"), "p1", gm.Ref));
        gm.ExpectMsg<Replies.Acknowledged>();
        Ask(CrewRequestKinds.History, "Neo", "");
        Assert.Empty(session.ExpectMsg<CrewReplies.History>().Lines);

        // Who is online: the creator asked from its session; its entity reports a detach; a restarted crew asks again.
        Ask(CrewRequestKinds.Info, "Neo", "");
        Assert.Equal(["neo"], session.ExpectMsg<CrewReplies.Info>().Online);
        Ask(CrewRequestKinds.Presence, "Neo", "0");
        Ask(CrewRequestKinds.Info, "Neo", "");
        Assert.Empty(session.ExpectMsg<CrewReplies.Info>().Online);
        Stop(crew);
        crew = Sys.ActorOf(CrewEntity.PropsFor(zion.Value, ActorTestConfig.Settings, _players.Ref, _inboxes.Ref));
        Assert.Equal(Neo, _players.FishForMessage<CrewCommands.Deliver>(d => d.Kind == CrewDeliveryKinds.PresenceQuery).PlayerId);
        Ask(CrewRequestKinds.Presence, "Neo", "1");
        Ask(CrewRequestKinds.Info, "Neo", "");
        Assert.Equal(["neo"], session.ExpectMsg<CrewReplies.Info>().Online);
    }

    [Fact]
    public void A_characters_entity_tells_its_crew_when_its_session_attaches_and_detaches_and_answers_the_crews_query()
    {
        var session = CreateTestProbe();
        var neo = Start("neo");
        Attach(neo, Neo, "Neo", session);
        neo.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.Joined, CrewId.FromName("Zion"), "Zion", "", null));
        neo.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.PresenceQuery, CrewId.FromName("Zion"), "Zion", "", null));
        Assert.Equal((CrewRequestKinds.Presence, "1"), _crews.ExpectMsg<CrewCommands.Request>() is var r ? (r.Kind, r.Arg) : default);
        neo.Tell(new PlayerCommands.Detach(Neo, session.Ref));
        Assert.Equal((CrewRequestKinds.Presence, "0"), _crews.ExpectMsg<CrewCommands.Request>() is var d ? (d.Kind, d.Arg) : default);
        neo.Tell(new CrewCommands.Deliver(Neo, CrewDeliveryKinds.PresenceQuery, CrewId.FromName("Zion"), "Zion", "", null));
        _crews.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void The_moderation_log_records_every_action_before_it_sends_it_on_and_survives_a_restart()
    {
        var gm = CreateTestProbe();
        var log = Sys.ActorOf(ModerationLogEntity.PropsFor(ModerationRules.LogId, ActorTestConfig.Settings, _players.Ref, _crews.Ref));
        log.Tell(new ModerationCommands.Act(ModerationRules.LogId, Action(ModerationKinds.Mute, "Neo", 60), "a1", gm.Ref));
        var mute = _players.ExpectMsg<ModerationCommands.ToPlayer>();
        Assert.Equal((Neo, ModerationKinds.Mute, "a1", gm.Ref), (mute.PlayerId, mute.Action.Kind, mute.CommandId, mute.ReplyTo));
        log.Tell(new ModerationCommands.Act(ModerationRules.LogId, Action(ModerationKinds.Delete, "Zion", channel: "crew", messageId: "3"), "a2", gm.Ref));
        Assert.Equal("zion", _crews.ExpectMsg<ModerationCommands.ToCrew>().CrewId.Value);
        log.Tell(new ModerationCommands.Act(ModerationRules.LogId, Action(ModerationKinds.Delete, "Trinity", channel: "whisper", messageId: "x"), "a3", gm.Ref));
        Assert.Equal(Trinity, _players.ExpectMsg<ModerationCommands.ToPlayer>().PlayerId);

        Stop(log);
        log = Sys.ActorOf(ModerationLogEntity.PropsFor(ModerationRules.LogId, ActorTestConfig.Settings, _players.Ref, _crews.Ref));
        log.Tell(new ModerationCommands.Read(ModerationRules.LogId, 10));
        var entries = ExpectMsg<ModerationReplies.Entries>().Items;
        Assert.Equal([(3L, ModerationKinds.Delete, "Trinity"), (2L, ModerationKinds.Delete, "Zion"), (1L, ModerationKinds.Mute, "Neo")],
            entries.Select(e => (e.Seq, e.Action.Kind, e.Action.Target)));
        Assert.All(entries, e => Assert.True(e.Action.AtMs > 1));
    }

    [Fact]
    public void An_organisation_line_deleted_by_a_moderator_is_recorded_then_deleted_by_its_seq_and_a_missing_one_is_unknown()
    {
        var gm = CreateTestProbe();
        var orgs = CreateTestProbe();
        var log = Sys.ActorOf(ModerationLogEntity.PropsFor(ModerationRules.LogId, ActorTestConfig.Settings, _players.Ref, _crews.Ref, orgs.Ref));

        log.Tell(new ModerationCommands.Act(ModerationRules.LogId, Action(ModerationKinds.Delete, "zion", channel: "org", messageId: "12"), "o1", gm.Ref));
        var delete = orgs.ExpectMsg<Protocol.Orgs.OrgCommands.DeleteLine>();
        Assert.Equal(("zion", 12L, "agent"), (delete.Org, delete.Seq, delete.By));
        orgs.Reply(new Protocol.Orgs.OrgReplies.Moderated("zion", 1));
        Assert.Equal("o1", gm.ExpectMsg<Replies.Acknowledged>().CommandId);

        log.Tell(new ModerationCommands.Act(ModerationRules.LogId, Action(ModerationKinds.Delete, "zion", channel: "org", messageId: "99"), "o2", gm.Ref));
        orgs.ExpectMsg<Protocol.Orgs.OrgCommands.DeleteLine>();
        orgs.Reply(new Protocol.Orgs.OrgReplies.Moderated("zion", 0));
        Assert.Equal(("o2", ModerationErrorCodes.UnknownMessage), gm.ExpectMsg<Replies.Rejected>() is var r ? (r.CommandId, r.Code) : default);

        // Not a seq: refused without asking the organisation (the action is still recorded, as every request is).
        log.Tell(new ModerationCommands.Act(ModerationRules.LogId, Action(ModerationKinds.Delete, "zion", channel: "org", messageId: "abc"), "o3", gm.Ref));
        Assert.Equal(ModerationErrorCodes.UnknownMessage, gm.ExpectMsg<Replies.Rejected>().Code);
        orgs.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        log.Tell(new ModerationCommands.Read(ModerationRules.LogId, 10));
        Assert.Equal(3, ExpectMsg<ModerationReplies.Entries>().Items.Length);
    }
}

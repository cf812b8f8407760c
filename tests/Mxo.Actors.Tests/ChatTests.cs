using Akka.Actor;
using Akka.TestKit;
using Mxo.Actors.Limits;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>The chat rules of issue 12 that live in the player entity: whispers, replies, limits and mutes, ignore lists.</summary>
public sealed class ChatTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly PlayerId Trinity = new("trinity");
    private static readonly DistrictId Downtown = new("downtown");
    private readonly TestProbe _districts;
    private readonly TestProbe _players;

    public ChatTests() : base(ActorTestConfig.Hocon)
    {
        _districts = CreateTestProbe();
        _players = CreateTestProbe();
    }

    private IActorRef Start(string id, WorldSettings? settings = null) =>
        Sys.ActorOf(PlayerEntity.PropsFor(id, settings ?? ActorTestConfig.Settings, ActorTestConfig.Map, _districts.Ref, players: _players.Ref));

    private static void Attach(IActorRef player, PlayerId id, string name, TestProbe session)
    {
        player.Tell(new PlayerCommands.Attach(id, name, session.Ref), session.Ref);
        session.ExpectMsg<PlayerReplies.Attached>();
    }

    private void Enter(IActorRef player, PlayerId id, TestProbe session)
    {
        player.Tell(new PlayerCommands.EnterDistrict(id, Downtown, "enter-" + id), session.Ref);
        _districts.ExpectMsg<DistrictCommands.Join>();
        _districts.Reply(new DistrictReplies.Joined(Downtown, id, "enter-" + id, []));
        session.ExpectMsg<PlayerReplies.EnteredDistrict>();
    }

    // ---- the limiter on its own, with explicit times ----

    private static readonly RateLimit FivePerTen = new(0.5, 5);
    private static readonly MuteRule Mute = new(3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), 6, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));

    [Fact]
    public void Five_lines_then_rate_limited_with_the_time_to_wait()
    {
        var guard = new ChatGuard();
        for (var i = 0; i < 5; i++) Assert.True(guard.Check("say", FivePerTen, Mute, 1_000).Allowed);
        var refused = guard.Check("say", FivePerTen, Mute, 1_000);
        Assert.Equal((ErrorCodes.RateLimited, 2_000L), (refused.Code, refused.RetryAfterMs));
        // Each class has its own bucket.
        Assert.True(guard.Check("whisper", FivePerTen, Mute, 1_000).Allowed);
        // Waiting as told is enough.
        Assert.True(guard.Check("say", FivePerTen, Mute, 3_000).Allowed);
    }

    [Fact]
    public void A_sender_that_waits_as_told_is_never_muted()
    {
        var guard = new ChatGuard();
        var now = 0L;
        for (var i = 0; i < 5; i++) guard.Check("say", FivePerTen, Mute, now);
        for (var round = 0; round < 20; round++)
        {
            var refused = guard.Check("say", FivePerTen, Mute, now);
            Assert.Equal(ErrorCodes.RateLimited, refused.Code);
            now += refused.RetryAfterMs;
            Assert.True(guard.Check("say", FivePerTen, Mute, now).Allowed);
        }
    }

    [Fact]
    public void Going_on_after_being_told_mutes_for_escalating_times_that_are_forgiven_later()
    {
        var guard = new ChatGuard();
        for (var i = 0; i < 5; i++) guard.Check("say", FivePerTen, Mute, 0);
        Assert.Equal(ErrorCodes.RateLimited, guard.Check("say", FivePerTen, Mute, 10).Code); // told to wait
        Assert.Equal(ErrorCodes.RateLimited, guard.Check("say", FivePerTen, Mute, 20).Code); // strike 1
        Assert.Equal(ErrorCodes.RateLimited, guard.Check("say", FivePerTen, Mute, 30).Code); // strike 2
        var muted = guard.Check("say", FivePerTen, Mute, 40);                                 // strike 3: muted
        Assert.Equal((ChatErrorCodes.Muted, 10_000L, true), (muted.Code, muted.RetryAfterMs, muted.MutedNow));
        // Every channel is muted meanwhile, with the time left.
        var still = guard.Check("district", new RateLimit(0.1, 1), Mute, 5_040);
        Assert.Equal((ChatErrorCodes.Muted, 5_000L, false), (still.Code, still.RetryAfterMs, still.MutedNow));

        // Again soon after: 60 s, then 5 minutes (10 s × 6 × 6 = 6 minutes, capped).
        Assert.Equal(60_000L, MuteAgain(guard, 10_040).RetryAfterMs);
        Assert.Equal(300_000L, MuteAgain(guard, 80_000).RetryAfterMs);
        Assert.Equal(300_000L, MuteAgain(guard, 400_000).RetryAfterMs);
        // Quiet for longer than ForgiveAfter since the last mute ended: back to the first length.
        Assert.Equal(10_000L, MuteAgain(guard, 700_000 + 600_001).RetryAfterMs);
    }

    /// <summary>Floods until muted at about <paramref name="at"/> ms; returns the verdict that muted.</summary>
    private static ChatVerdict MuteAgain(ChatGuard guard, long at)
    {
        for (var t = at; t < at + 1_000; t++)
        {
            var verdict = guard.Check("say", FivePerTen, Mute, t);
            if (verdict.MutedNow) return verdict;
        }
        throw new Xunit.Sdk.XunitException("not muted");
    }

    // ---- the player entity ----

    [Fact]
    public void A_whisper_goes_to_the_recipients_entity_which_tells_its_session_and_acknowledges_the_sender()
    {
        var neoSession = CreateTestProbe();
        var trinitySession = CreateTestProbe();
        var neo = Start("neo");
        var trinity = Start("trinity");
        Attach(neo, Neo, "Neo", neoSession);
        Attach(trinity, Trinity, "Trinity", trinitySession);

        neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", "Follow the white rabbit", "w1"), neoSession.Ref);
        var deliver = _players.ExpectMsg<ChatCommands.DeliverWhisper>();
        Assert.Equal((Trinity, Neo, "Neo", "Follow the white rabbit", "w1", neoSession.Ref),
            (deliver.PlayerId, deliver.From, deliver.FromName, deliver.Text, deliver.CommandId, deliver.ReplyTo));
        trinity.Tell(deliver);
        var heard = trinitySession.ExpectMsg<ChatPushes.Whispered>();
        Assert.Equal((Neo, "Neo", "Follow the white rabbit"), (heard.From, heard.Name, heard.Text));
        // Kept on Trinity's side, then back to Neo's entity, which keeps its side before the acknowledgement.
        var delivered = _players.ExpectMsg<WhisperCommands.Delivered>();
        Assert.Equal((Neo, Trinity, heard.Id, "w1"), (delivered.PlayerId, delivered.To, delivered.Id, delivered.CommandId));
        neo.Tell(delivered);
        Assert.Equal("w1", neoSession.ExpectMsg<Replies.Acknowledged>().CommandId);

        // Trinity replies to the last one who whispered to her.
        trinity.Tell(new ChatCommands.Reply(Trinity, "Who are you?", "r1"), trinitySession.Ref);
        var back = _players.ExpectMsg<ChatCommands.DeliverWhisper>();
        Assert.Equal((Neo, Trinity, "Who are you?"), (back.PlayerId, back.From, back.Text));
    }

    [Fact]
    public void Whispering_someone_offline_unknown_or_oneself_is_refused_and_reply_needs_a_whisperer()
    {
        var neoSession = CreateTestProbe();
        var neo = Start("neo");
        var trinity = Start("trinity");
        Attach(neo, Neo, "Neo", neoSession);
        var trinitySession = CreateTestProbe();
        Attach(trinity, Trinity, "Trinity", trinitySession);
        trinity.Tell(new PlayerCommands.Detach(Trinity, trinitySession.Ref));

        trinity.Tell(new ChatCommands.DeliverWhisper(Trinity, Neo, "Neo", "hi", 1, "w1", neoSession.Ref));
        Assert.Equal(("w1", ChatErrorCodes.NotOnline), Code(neoSession.ExpectMsg<Replies.Rejected>()));

        var nobody = Start("nobody");
        nobody.Tell(new ChatCommands.DeliverWhisper(new PlayerId("nobody"), Neo, "Neo", "hi", 1, "w2", neoSession.Ref));
        Assert.Equal(("w2", ChatErrorCodes.UnknownRecipient), Code(neoSession.ExpectMsg<Replies.Rejected>()));

        neo.Tell(new ChatCommands.Whisper(Neo, "NEO", "hi", "w3"), neoSession.Ref);
        Assert.Equal(("w3", ChatErrorCodes.SelfTarget), Code(neoSession.ExpectMsg<Replies.Rejected>()));
        neo.Tell(new ChatCommands.Reply(Neo, "hi", "r1"), neoSession.Ref);
        Assert.Equal(("r1", ChatErrorCodes.NoReplyTarget), Code(neoSession.ExpectMsg<Replies.Rejected>()));
        _players.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private static (string, string) Code(Replies.Rejected r) => (r.CommandId, r.Code);

    [Fact]
    public void The_ignore_list_is_persisted_capped_and_drops_whispers_without_telling_the_sender()
    {
        var session = CreateTestProbe();
        var trinity = Start("trinity", ActorTestConfig.Settings with { MaxIgnored = 2 });
        Attach(trinity, Trinity, "Trinity", session);

        trinity.Tell(new ChatCommands.Ignore(Trinity, "Smith", true, "i1"), session.Ref);
        Assert.Equal(["smith"], session.ExpectMsg<ChatReplies.Ignores>().Players);
        trinity.Tell(new ChatCommands.Ignore(Trinity, "smith", true, "i2"), session.Ref); // again: nothing changes
        Assert.Equal(["smith"], session.ExpectMsg<ChatReplies.Ignores>().Players);
        trinity.Tell(new ChatCommands.Ignore(Trinity, "Cypher", true, "i3"), session.Ref);
        Assert.Equal(["smith", "cypher"], session.ExpectMsg<ChatReplies.Ignores>().Players);
        trinity.Tell(new ChatCommands.Ignore(Trinity, "Mouse", true, "i4"), session.Ref);
        Assert.Equal(("i4", ChatErrorCodes.IgnoreListFull), Code(session.ExpectMsg<Replies.Rejected>()));
        trinity.Tell(new ChatCommands.Ignore(Trinity, "Trinity", true, "i5"), session.Ref);
        Assert.Equal(("i5", ChatErrorCodes.SelfTarget), Code(session.ExpectMsg<Replies.Rejected>()));

        // An ignored whisperer is acknowledged (through its own entity), and nothing reaches the session (nor becomes the reply target).
        var smith = CreateTestProbe();
        trinity.Tell(new ChatCommands.DeliverWhisper(Trinity, new PlayerId("smith"), "Smith", "Mr. Anderson", 1, "w1", smith.Ref));
        Assert.Equal(("w1", smith.Ref), (_players.ExpectMsg<WhisperCommands.Delivered>() is var d ? (d.CommandId, d.ReplyTo) : default));
        session.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Persisted with the character: a restart (snapshot or replay) keeps it, and welcome carries it.
        Watch(trinity);
        trinity.Tell(EntityStop.Instance);
        ExpectTerminated(trinity);
        var again = Start("trinity");
        again.Tell(new PlayerCommands.Attach(Trinity, "Trinity", session.Ref), session.Ref);
        Assert.Equal(["smith", "cypher"], session.ExpectMsg<PlayerReplies.Attached>().Character.Ignored);
        again.Tell(new ChatCommands.Ignore(Trinity, "Smith", false, "u1"), session.Ref);
        Assert.Equal(["cypher"], session.ExpectMsg<ChatReplies.Ignores>().Players);
        again.Tell(new ChatCommands.GetIgnores(Trinity, "g1"), session.Ref);
        var list = session.ExpectMsg<ChatReplies.Ignores>();
        Assert.Equal("g1", list.CommandId);
        Assert.Equal(["cypher"], list.Players);
    }

    [Fact]
    public void District_chat_allows_one_line_per_ten_seconds_and_a_flood_is_muted_then_closed_with_4008()
    {
        var session = CreateTestProbe();
        // The general per-character SayRate (2/s) is made generous here so that only the channel limits speak.
        var neo = Start("neo", ActorTestConfig.Settings with { MaxRateLimitStrikes = 6, SayRate = new RateLimit(100, 100) });
        Attach(neo, Neo, "Neo", session);
        Enter(neo, Neo, session);

        neo.Tell(new PlayerCommands.Say(Neo, "Anyone?", "d1") { Channel = "district" }, session.Ref);
        Assert.Equal("district", _districts.ExpectMsg<DistrictCommands.Say>().Channel);
        neo.Tell(new PlayerCommands.Say(Neo, "Anyone??", "d2") { Channel = "district" }, session.Ref);
        var refused = session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(("d2", ErrorCodes.RateLimited), Code(refused));
        Assert.InRange(refused.RetryAfterMs, 9_000, 10_000);
        // Nearby chat has its own bucket.
        neo.Tell(new PlayerCommands.Say(Neo, "hello", "s1"), session.Ref);
        Assert.Null(_districts.ExpectMsg<DistrictCommands.Say>().Channel);

        neo.Tell(new PlayerCommands.Say(Neo, "Anyone???", "d3") { Channel = "district" }, session.Ref);
        Assert.Equal(ErrorCodes.RateLimited, session.ExpectMsg<Replies.Rejected>().Code);
        neo.Tell(new PlayerCommands.Say(Neo, "Anyone???", "d4") { Channel = "district" }, session.Ref);
        Assert.Equal(ErrorCodes.RateLimited, session.ExpectMsg<Replies.Rejected>().Code);
        neo.Tell(new PlayerCommands.Say(Neo, "Anyone???", "d5") { Channel = "district" }, session.Ref);
        var muted = session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(("d5", ChatErrorCodes.Muted), Code(muted));
        Assert.Equal(10_000, muted.RetryAfterMs);
        // Muted on every channel, whispers included; the district hears nothing of it.
        neo.Tell(new ChatCommands.Whisper(Neo, "Trinity", "psst", "w1"), session.Ref);
        var whisper = session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(("w1", ChatErrorCodes.Muted), Code(whisper));
        Assert.InRange(whisper.RetryAfterMs, 1, 10_000);
        _players.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _districts.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        // Refusals are rate-limit strikes too: the sixth within 10 s closes the socket.
        neo.Tell(new PlayerCommands.Say(Neo, "hello", "s2"), session.Ref);
        Assert.Equal(ChatErrorCodes.Muted, session.ExpectMsg<Replies.Rejected>().Code);
        Assert.Equal(4008, session.ExpectMsg<SessionPushes.Disconnect>().CloseCode);
    }

    [Fact]
    public void An_emote_goes_to_the_district_and_counts_against_nearby_chat()
    {
        var session = CreateTestProbe();
        var neo = Start("neo", ActorTestConfig.Settings with { ChatSayRate = new RateLimit(0.01, 1) });
        Attach(neo, Neo, "Neo", session);
        neo.Tell(new ChatCommands.Emote(Neo, "wave", "e0"), session.Ref);
        Assert.Equal(("e0", ErrorCodes.NotInDistrict), Code(session.ExpectMsg<Replies.Rejected>()));
        Enter(neo, Neo, session);
        neo.Tell(new ChatCommands.Emote(Neo, "wave", "e1"), session.Ref);
        var emote = _districts.ExpectMsg<ChatCommands.DistrictEmote>();
        Assert.Equal((Downtown, Neo, "wave", "e1"), (emote.District, emote.PlayerId, emote.Name, emote.CommandId));
        Assert.Equal(session.Ref, _districts.LastSender);
        neo.Tell(new PlayerCommands.Say(Neo, "hi", "s1"), session.Ref);
        Assert.Equal(("s1", ErrorCodes.RateLimited), Code(session.ExpectMsg<Replies.Rejected>()));
    }
}

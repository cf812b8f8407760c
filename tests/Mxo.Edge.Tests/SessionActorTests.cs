using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;
using static Mxo.Edge.SessionProtocol;
using static Mxo.Edge.Tests.EdgeTestConfig;

namespace Mxo.Edge.Tests;

public sealed class SessionActorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly PlayerId Neo = new("neo");
    private static readonly PlayerId Trinity = new("trinity");
    private static readonly DistrictId Downtown = new("downtown");
    private static readonly Vec3 Spawn = DowntownSpawn;

    private static readonly EdgeOptions Dev = new() { DevMode = true, RequestTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>Stand-in for the player shard region.</summary>
    private readonly TestProbe _players;

    /// <summary>Stand-in for the connection's socket writer.</summary>
    private readonly TestProbe _outbound;

    public SessionActorTests() : base(EdgeTestConfig.Hocon)
    {
        _players = CreateTestProbe("players");
        _outbound = CreateTestProbe("outbound");
    }

    private static TimeSpan Quiet => TimeSpan.FromMilliseconds(150);

    private IActorRef StartSession(EdgeOptions? options = null, ActivityContext upgrade = default) =>
        Sys.ActorOf(SessionActor.PropsFor(_players.Ref, _outbound.Ref, options ?? Dev, WorldFeatures(_players.Ref), upgrade: upgrade));

    /// <summary>Feeds one client frame as the stream's sink would, and checks it is acknowledged.</summary>
    private void Feed(IActorRef session, Inbound frame)
    {
        session.Tell(frame, TestActor);
        ExpectMsg<StreamAck>();
    }

    private void Feed(IActorRef session, string json) => Feed(session, new TextFrame(Utf8(json)));

    /// <summary>Feeds one frame and returns the frame the session answered with.</summary>
    private Frame Request(IActorRef session, string json)
    {
        Feed(session, json);
        return NextFrame();
    }

    private Frame NextFrame() => Frame.Parse(_outbound.ExpectMsg<SendFrame>().Utf8);

    private void AssertError(Frame frame, string code, string? id)
    {
        Assert.True(frame.Type == "error", $"expected an error frame, got {frame}");
        Assert.Equal(1, frame.Version);
        Assert.Equal(code, frame.ErrorCode);
        Assert.Equal(id, frame.Id);
        Assert.False(string.IsNullOrWhiteSpace(frame.Data.GetProperty("message").GetString()));
    }

    private void AssertStillUsable(IActorRef session)
    {
        var pong = Request(session, """{"type":"ping","v":1,"id":"p-after"}""");
        Assert.Equal(("pong", "p-after"), (pong.Type, pong.Id));
    }

    private static PlayerReplies.CharacterSheet Sheet(DistrictId? district = null) =>
        new(Neo, "Neo", district, new Vec3(1, 2, 3), CharacterRules.StartingHealth, CharacterRules.StartingInnerStrength, CharacterRules.StartingInfo);

    private IActorRef Identified(EdgeOptions? options = null, ActivityContext upgrade = default)
    {
        var session = StartSession(options, upgrade);
        Feed(session, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();
        _players.Reply(new PlayerReplies.Attached(Sheet()));
        Assert.Equal("welcome", NextFrame().Type);
        return session;
    }

    private IActorRef InDistrict(EdgeOptions? options = null)
    {
        var session = Identified(options);
        Feed(session, """{"type":"enter","v":1,"id":"e1","data":{"district":"downtown"}}""");
        _players.ExpectMsg<PlayerCommands.EnterDistrict>();
        _players.Reply(new PlayerReplies.EnteredDistrict("e1", Downtown, Spawn, []));
        Assert.Equal("entered", NextFrame().Type);
        return session;
    }

    // ---- bad input ----

    public static TheoryData<string, string, string?> BadFrames => new()
    {
        { "not json", "malformed_json", null },
        { "", "malformed_json", null },
        { "[1,2,3]", "malformed_json", null },
        { "\"move\"", "malformed_json", null },
        { """{"type":"move","v":1,"id":"m1","data":{"x":0,""", "malformed_json", null },
        { """{"type":"ping","v":1,"id":"c1"} // comment""", "malformed_json", null },
        { """{"type":"ping","v":1,"id":"deep","data":{"a":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}}""", "malformed_json", null },
        { """{"type":"fly","v":1,"id":"u1","data":{}}""", "unknown_type", "u1" },
        { """{"type":"","v":1,"id":"u2"}""", "unknown_type", "u2" },
        { """{"v":1,"id":"t1","data":{}}""", "missing_field", "t1" },
        { """{"type":7,"v":1,"id":"t2"}""", "invalid_field", "t2" },
        { """{"type":"ping","id":"v1"}""", "missing_field", "v1" },
        { """{"type":"ping","v":2,"id":"v2"}""", "unsupported_version", "v2" },
        { """{"type":"ping","v":0,"id":"v3"}""", "unsupported_version", "v3" },
        { """{"type":"ping","v":"1","id":"v4"}""", "invalid_field", "v4" },
        { """{"type":"ping","v":1.5,"id":"v5"}""", "invalid_field", "v5" },
        { """{"type":"ping","v":1,"id":""}""", "invalid_field", null },
        { """{"type":"ping","v":1,"id":42}""", "invalid_field", null },
        { """{"type":"ping","v":1,"id":null}""", "invalid_field", null },
        { $$"""{"type":"ping","v":1,"id":"{{new string('i', 65)}}"}""", "invalid_field", null },
        { """{"type":"enter","v":1,"id":"d1"}""", "missing_field", "d1" },
        { """{"type":"enter","v":1,"id":"d2","data":{}}""", "missing_field", "d2" },
        { """{"type":"enter","v":1,"id":"d3","data":"downtown"}""", "invalid_field", "d3" },
        { """{"type":"enter","v":1,"id":"d4","data":{"district":5}}""", "invalid_field", "d4" },
        { """{"type":"enter","v":1,"id":"d5","data":{"district":"zion"}}""", "unknown_district", "d5" },
        { """{"type":"enter","v":1,"id":"d6","data":{"district":""}}""", "unknown_district", "d6" },
        { """{"type":"move","v":1,"id":"x1","data":{"x":1,"y":2}}""", "missing_field", "x1" },
        { """{"type":"move","v":1,"id":"x2","data":[1,2,3]}""", "invalid_field", "x2" },
        { """{"type":"move","v":1,"id":"x3","data":{"x":"1","y":0,"z":0}}""", "invalid_field", "x3" },
        { """{"type":"move","v":1,"id":"x4","data":{"x":null,"y":0,"z":0}}""", "invalid_field", "x4" },
        { """{"type":"move","v":1,"id":"x5","data":{"x":1000000.5,"y":0,"z":0}}""", "invalid_position", "x5" },
        { """{"type":"move","v":1,"id":"x6","data":{"x":0,"y":-1e7,"z":0}}""", "invalid_position", "x6" },
        { """{"type":"move","v":1,"id":"x7","data":{"x":0,"y":0,"z":1e308}}""", "invalid_position", "x7" },
        { """{"type":"move","v":1,"id":"x8","data":{"x":1e400,"y":0,"z":0}}""", "invalid_position", "x8" },
        { """{"type":"move","v":1,"id":"x9","data":{"x":"NaN","y":0,"z":0}}""", "invalid_field", "x9" },
        { """{"type":"say","v":1,"id":"s1","data":{}}""", "missing_field", "s1" },
        { """{"type":"say","v":1,"id":"s2","data":{"text":"   "}}""", "empty_text", "s2" },
        { """{"type":"say","v":1,"id":"s3","data":{"text":5}}""", "invalid_field", "s3" },
        { $$$"""{"type":"say","v":1,"id":"s4","data":{"text":"{{{new string('a', 501)}}}"}}""", "text_too_long", "s4" },
        { """{"type":"hello","v":1,"id":"n1"}""", "missing_field", "n1" },
        { """{"type":"hello","v":1,"id":"n2","data":{"name":7}}""", "invalid_field", "n2" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public void Bad_input_is_refused_with_the_documented_code_and_reaches_no_player(string json, string code, string? id)
    {
        var session = InDistrict();

        AssertError(Request(session, json), code, id);

        _players.ExpectNoMsg(Quiet);
        AssertStillUsable(session);
    }

    private static byte[] WithInvalidUtf8(string json)
    {
        // "@@" in the template marks where the invalid two-byte sequence C3 28 goes
        var parts = json.Split("@@");
        return [.. Utf8(parts[0]), 0xC3, 0x28, .. Utf8(parts[1])];
    }

    [Theory]
    [InlineData("""{"type":"ping","v":1,"id":"@@"}""")]
    [InlineData("""{"type":"@@","v":1}""")]
    [InlineData("""{"type":"say","v":1,"data":{"text":"@@"}}""")]
    public void Invalid_utf8_in_a_string_is_refused_and_the_session_survives(string template)
    {
        var session = InDistrict();
        Watch(session);

        Feed(session, new TextFrame(WithInvalidUtf8(template)));

        Assert.Equal("error", NextFrame().Type);
        _players.ExpectNoMsg(Quiet);
        AssertStillUsable(session);
    }

    [Theory]
    [InlineData("""{"type":"ping","v":1,"id":"\ud800"}""")]
    [InlineData("""{"type":"\udc00","v":1}""")]
    [InlineData("""{"type":"say","v":1,"id":"s1","data":{"text":"a\ud800b"}}""")]
    [InlineData("""{"type":"hello","v":1,"id":"h1","data":{"name":"\ud800"}}""")]
    public void A_lone_surrogate_escape_is_refused_and_the_session_survives(string json)
    {
        var session = InDistrict();

        Assert.Equal("error", Request(session, json).Type);
        _players.ExpectNoMsg(Quiet);
        AssertStillUsable(session);
    }

    [Fact]
    public void Say_of_exactly_500_characters_is_accepted()
    {
        var session = InDistrict();

        Feed(session, $$$"""{"type":"say","v":1,"id":"s500","data":{"text":"{{{new string('a', 500)}}}"}}""");

        Assert.Equal(500, _players.ExpectMsg<PlayerCommands.Say>().Text.Length);
    }

    // ---- identification ----

    [Theory]
    [InlineData("""{"type":"enter","v":1,"id":"r1","data":{"district":"downtown"}}""", "r1")]
    [InlineData("""{"type":"move","v":1,"id":"r2","data":{"x":0,"y":0,"z":0}}""", "r2")]
    [InlineData("""{"type":"say","v":1,"id":"r3","data":{"text":"hi"}}""", "r3")]
    [InlineData("""{"type":"say","v":1,"data":{"text":"hi"}}""", null)]
    public void Requests_before_hello_are_not_identified(string json, string? id)
    {
        var session = StartSession();

        AssertError(Request(session, json), "not_identified", id);

        _players.ExpectNoMsg(Quiet);
        AssertStillUsable(session);
    }

    [Fact]
    public void Ping_before_hello_is_answered_without_and_with_an_id()
    {
        var session = StartSession();

        var anonymous = Request(session, """{"type":"ping","v":1}""");
        Assert.Equal(("pong", (string?)null), (anonymous.Type, anonymous.Id));
        Assert.Equal(JsonValueKind.Object, anonymous.Data.ValueKind);
        AssertStillUsable(session);
    }

    [Fact]
    public void Hello_is_refused_without_dev_mode()
    {
        var session = StartSession(Dev with { DevMode = false });

        AssertError(Request(session, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}"""), "dev_only", "h1");

        _players.ExpectNoMsg(Quiet);
        AssertStillUsable(session);
    }

    [Theory]
    [InlineData("Ne")]
    [InlineData("1Neo")]
    [InlineData("Neo Anderson")]
    [InlineData("Néo")]
    [InlineData("   ")]
    [InlineData("_neo")]
    [InlineData("abcdefghijklmnopqrstuvwxy")]
    public void Hello_with_an_invalid_name_is_an_invalid_field(string name)
    {
        var session = StartSession();

        AssertError(Request(session, $$$"""{"type":"hello","v":1,"id":"h1","data":{"name":{{{JsonSerializer.Serialize(name)}}}}}"""), "invalid_field", "h1");

        _players.ExpectNoMsg(Quiet);
        AssertStillUsable(session);
        // still not identified, and a valid hello is still possible
        AssertError(Request(session, """{"type":"move","v":1,"id":"m1","data":{"x":0,"y":0,"z":0}}"""), "not_identified", "m1");
        Feed(session, """{"type":"hello","v":1,"id":"h2","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();
    }

    [Fact]
    public void A_second_hello_is_already_identified()
    {
        var session = Identified();

        AssertError(Request(session, """{"type":"hello","v":1,"id":"h2","data":{"name":"Trinity"}}"""), "already_identified", "h2");

        _players.ExpectNoMsg(Quiet);
        AssertStillUsable(session);
    }

    [Fact]
    public void A_second_hello_while_the_first_is_pending_is_already_identified()
    {
        var session = StartSession();
        Feed(session, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();

        AssertError(Request(session, """{"type":"hello","v":1,"id":"h2","data":{"name":"Neo"}}"""), "already_identified", "h2");
        _players.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Move_and_say_before_enter_are_not_in_district()
    {
        var session = Identified();

        AssertError(Request(session, """{"type":"move","v":1,"id":"m1","data":{"x":0,"y":0,"z":0}}"""), "not_in_district", "m1");
        AssertError(Request(session, """{"type":"say","v":1,"id":"s1","data":{"text":"hi"}}"""), "not_in_district", "s1");

        _players.ExpectNoMsg(Quiet);
        AssertStillUsable(session);
    }

    // ---- happy path ----

    [Fact]
    public void Hello_enter_move_say_and_pushes_make_the_documented_frames()
    {
        var session = StartSession();

        // hello → Attach → welcome
        Feed(session, """{"type":"hello","v":1,"id":"h1","data":{"name":" Neo "}}""");
        var attach = _players.ExpectMsg<PlayerCommands.Attach>();
        Assert.Equal((Neo, "Neo", session), (attach.PlayerId, attach.Name, attach.Session));
        Assert.Equal(session, _players.LastSender);
        _players.Reply(new PlayerReplies.Attached(Sheet(Downtown)));
        var welcome = NextFrame();
        Assert.Equal(("welcome", 1, "h1"), (welcome.Type, welcome.Version, welcome.Id));
        var player = welcome.Data.GetProperty("player");
        Assert.Equal("neo", player.GetProperty("id").GetString());
        Assert.Equal("Neo", player.GetProperty("name").GetString());
        Assert.Equal("downtown", player.GetProperty("district").GetString());
        Assert.Equal(new Vec3(1, 2, 3), ReadPosition(player.GetProperty("position")));
        Assert.Equal(CharacterRules.StartingHealth, player.GetProperty("health").GetInt32());
        Assert.Equal(CharacterRules.StartingInnerStrength, player.GetProperty("innerStrength").GetInt32());
        Assert.Equal(CharacterRules.StartingInfo, player.GetProperty("info").GetInt64());

        // enter → EnterDistrict (idempotency key = request id) → entered
        Feed(session, """{"type":"enter","v":1,"id":"e1","data":{"district":"DownTown"}}""");
        var enter = _players.ExpectMsg<PlayerCommands.EnterDistrict>();
        Assert.Equal((Neo, Downtown, "e1"), (enter.PlayerId, enter.District, enter.CommandId));
        _players.Reply(new PlayerReplies.EnteredDistrict("e1", Downtown, Spawn, [new Occupant(Trinity, "Trinity", new Vec3(4, 5, 6))]));
        var entered = NextFrame();
        Assert.Equal(("entered", "e1"), (entered.Type, entered.Id));
        Assert.Equal("downtown", entered.Data.GetProperty("district").GetString());
        Assert.Equal(Spawn, ReadPosition(entered.Data.GetProperty("position")));
        var occupant = Assert.Single(entered.Data.GetProperty("occupants").EnumerateArray().ToArray());
        Assert.Equal(("trinity", "Trinity"), (occupant.GetProperty("id").GetString(), occupant.GetProperty("name").GetString()));
        Assert.Equal(new Vec3(4, 5, 6), ReadPosition(occupant.GetProperty("position")));

        // move → Move, no reply
        Feed(session, """{"type":"move","v":1,"id":"m1","data":{"x":1500.5,"y":-2,"z":12.25}}""");
        var move = _players.ExpectMsg<PlayerCommands.Move>();
        Assert.Equal((Neo, new Vec3(1500.5, -2, 12.25)), (move.PlayerId, move.Position));
        _outbound.ExpectNoMsg(Quiet);

        // say → Say → ack
        Feed(session, """{"type":"say","v":1,"id":"s1","data":{"text":"Whoa."}}""");
        var say = _players.ExpectMsg<PlayerCommands.Say>();
        Assert.Equal((Neo, "Whoa.", "s1"), (say.PlayerId, say.Text, say.CommandId));
        session.Tell(new Replies.Acknowledged("s1"), _players.Ref);
        var ack = NextFrame();
        Assert.Equal(("ack", "s1"), (ack.Type, ack.Id));
        Assert.Empty(ack.Data.EnumerateObject());

        // pushes: one view frame per tick's batch; the next waits until the writer says the last one is out
        session.Tell(new SessionPushes.ViewUpdate(Downtown, [new Occupant(new PlayerId("morpheus"), "Morpheus", Spawn)],
            [new Seen(Trinity, new Vec3(7, 8, 9))], []));
        var view = NextFrame();
        Assert.Equal(("view", (string?)null), (view.Type, view.Id));
        Assert.Equal("downtown", view.Data.GetProperty("district").GetString());
        var who = view.Data.GetProperty("entered")[0];
        Assert.Equal(("morpheus", "Morpheus"), (who.GetProperty("id").GetString(), who.GetProperty("name").GetString()));
        Assert.Equal(Spawn, ReadPosition(who.GetProperty("position")));
        var moved = view.Data.GetProperty("moved")[0];
        Assert.Equal("trinity", moved.GetProperty("id").GetString());
        Assert.Equal(new Vec3(7, 8, 9), ReadPosition(moved.GetProperty("position")));

        session.Tell(new SessionPushes.ChatLine(Downtown, Trinity, "Trinity", "Follow the white rabbit", 1_700_000_000_123));
        var chat = NextFrame();
        Assert.Equal(("chat", (string?)null), (chat.Type, chat.Id));
        Assert.Equal("downtown", chat.Data.GetProperty("district").GetString());
        Assert.Equal("trinity", chat.Data.GetProperty("from").GetString());
        Assert.Equal("Trinity", chat.Data.GetProperty("name").GetString());
        Assert.Equal("Follow the white rabbit", chat.Data.GetProperty("text").GetString());
        Assert.Equal(1_700_000_000_123, chat.Data.GetProperty("at").GetInt64());

        session.Tell(new SessionPushes.ViewUpdate(Downtown, [], [], [Trinity]));
        _outbound.ExpectNoMsg(Quiet); // the first view frame is not written yet: this one waits (and would merge)
        session.Tell(ViewWritten.Instance);
        var left = NextFrame();
        Assert.Equal(("view", (string?)null), (left.Type, left.Id));
        Assert.Equal("trinity", left.Data.GetProperty("left")[0].GetString());

        _players.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_rejected_command_is_an_error_frame_with_the_request_id()
    {
        var session = InDistrict();

        Feed(session, """{"type":"say","v":1,"id":"s1","data":{"text":"hi"}}""");
        _players.ExpectMsg<PlayerCommands.Say>();
        _players.Reply(new Replies.Rejected("s1", ErrorCodes.NotInDistrict, "enter a district first"));

        AssertError(NextFrame(), "not_in_district", "s1");
        AssertStillUsable(session);
    }

    [Fact]
    public void A_durable_request_without_an_id_gets_a_generated_command_id_and_a_reply_without_id()
    {
        var session = InDistrict();

        Feed(session, """{"type":"say","v":1,"data":{"text":"hi"}}""");
        var say = _players.ExpectMsg<PlayerCommands.Say>();
        Assert.False(string.IsNullOrEmpty(say.CommandId));
        _players.Reply(new Replies.Acknowledged(say.CommandId));

        var ack = NextFrame();
        Assert.Equal(("ack", (string?)null), (ack.Type, ack.Id));
    }

    [Fact]
    public void Repeating_an_id_still_in_flight_is_busy_and_not_forwarded()
    {
        var session = InDistrict();
        Feed(session, """{"type":"say","v":1,"id":"s1","data":{"text":"hi"}}""");
        _players.ExpectMsg<PlayerCommands.Say>();

        AssertError(Request(session, """{"type":"say","v":1,"id":"s1","data":{"text":"hi"}}"""), "busy", "s1");
        _players.ExpectNoMsg(Quiet);

        session.Tell(new Replies.Acknowledged("s1"), _players.Ref);
        var ack = NextFrame();
        Assert.Equal(("ack", "s1"), (ack.Type, ack.Id));
    }

    [Fact]
    public void More_than_MaxInFlight_durable_requests_are_busy()
    {
        var session = InDistrict(Dev with { MaxInFlight = 2 });
        Feed(session, """{"type":"say","v":1,"id":"s1","data":{"text":"one"}}""");
        Feed(session, """{"type":"say","v":1,"id":"s2","data":{"text":"two"}}""");
        _players.ExpectMsg<PlayerCommands.Say>();
        _players.ExpectMsg<PlayerCommands.Say>();

        AssertError(Request(session, """{"type":"say","v":1,"id":"s3","data":{"text":"three"}}"""), "busy", "s3");
        _players.ExpectNoMsg(Quiet);
    }

    // ---- timeouts ----

    [Fact]
    public void Enter_without_an_answer_times_out_with_the_request_id()
    {
        var timeout = TimeSpan.FromMilliseconds(300);
        var session = Identified(Dev with { RequestTimeout = timeout });

        Feed(session, """{"type":"enter","v":1,"id":"e9","data":{"district":"richland"}}""");
        Assert.Equal("e9", _players.ExpectMsg<PlayerCommands.EnterDistrict>().CommandId);

        _outbound.ExpectNoMsg(timeout / 2);
        AssertError(NextFrame(), "timeout", "e9");

        // a retry with the same id is forwarded again (the id is free once it timed out)
        Feed(session, """{"type":"enter","v":1,"id":"e9","data":{"district":"richland"}}""");
        Assert.Equal("e9", _players.ExpectMsg<PlayerCommands.EnterDistrict>().CommandId);
    }

    [Fact]
    public void A_reply_before_the_timeout_cancels_it()
    {
        var timeout = TimeSpan.FromMilliseconds(300);
        var session = Identified(Dev with { RequestTimeout = timeout });
        Feed(session, """{"type":"enter","v":1,"id":"e1","data":{"district":"downtown"}}""");
        _players.ExpectMsg<PlayerCommands.EnterDistrict>();
        _players.Reply(new PlayerReplies.EnteredDistrict("e1", Downtown, Spawn, []));
        Assert.Equal("entered", NextFrame().Type);

        _outbound.ExpectNoMsg(timeout * 2);
        AssertStillUsable(session);
    }

    [Fact]
    public void Hello_without_an_answer_times_out_with_the_request_id()
    {
        var session = StartSession(Dev with { RequestTimeout = TimeSpan.FromMilliseconds(300) });

        Feed(session, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();

        AssertError(NextFrame(), "timeout", "h1");
    }

    // ---- closing ----

    [Fact]
    public void A_frame_too_big_closes_with_1009()
    {
        var session = InDistrict();

        Feed(session, new FrameTooBig(65536));

        Assert.Equal(1009, _outbound.ExpectMsg<CloseSocket>().Code);
        // nothing more is sent on a closing connection
        Feed(session, """{"type":"ping","v":1,"id":"p1"}""");
        _outbound.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_binary_frame_closes_with_1003()
    {
        var session = StartSession();

        Feed(session, new BinaryFrame());

        Assert.Equal(1003, _outbound.ExpectMsg<CloseSocket>().Code);
    }

    private static InboundBatch Batch(params Inbound[] frames)
    {
        var batch = new InboundBatch(frames[0]);
        foreach (var frame in frames.Skip(1)) batch.Add(frame);
        return batch;
    }

    private static TextFrame Ping(string id) => new(Utf8($$"""{"type":"ping","v":1,"id":"{{id}}"}"""));

    [Fact]
    public void A_batch_of_frames_is_handled_in_order_and_acknowledged_once()
    {
        var session = StartSession();

        session.Tell(Batch(Ping("b1"), Ping("b2"), Ping("b3")), TestActor);

        ExpectMsg<StreamAck>();
        foreach (var id in new[] { "b1", "b2", "b3" })
        {
            var pong = NextFrame();
            Assert.Equal(("pong", id), (pong.Type, pong.Id));
        }
        ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Frames_after_a_closing_frame_in_the_same_batch_are_not_handled()
    {
        var session = StartSession();

        session.Tell(Batch(Ping("b1"), new BinaryFrame(), Ping("b2")), TestActor);

        ExpectMsg<StreamAck>();
        var pong = NextFrame();
        Assert.Equal(("pong", "b1"), (pong.Type, pong.Id));
        Assert.Equal(1003, _outbound.ExpectMsg<CloseSocket>().Code);
        _outbound.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Shutdown_closes_with_its_code_and_reason()
    {
        var session = InDistrict();

        session.Tell(new Shutdown(1001, "server shutting down"));

        Assert.Equal(new CloseSocket(1001, "server shutting down"), _outbound.ExpectMsg<CloseSocket>());
        session.Tell(new SessionPushes.ChatLine(Downtown, Trinity, "Trinity", "too late", 0));
        _outbound.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Stream_completion_detaches_the_player_and_stops_the_session()
    {
        var session = Identified();
        Watch(session);

        session.Tell(StreamCompleted.Instance, TestActor);

        var detach = _players.ExpectMsg<PlayerCommands.Detach>();
        Assert.Equal((Neo, session), (detach.PlayerId, detach.Session));
        ExpectTerminated(session);
    }

    [Fact]
    public void Stream_failure_detaches_the_player_and_stops_the_session()
    {
        var session = Identified();
        Watch(session);

        session.Tell(new StreamFailed(new IOException("connection reset")), TestActor);

        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        ExpectTerminated(session);
    }

    [Fact]
    public void Stream_completion_before_hello_stops_without_detaching()
    {
        var session = StartSession();
        Watch(session);

        session.Tell(StreamCompleted.Instance, TestActor);

        ExpectTerminated(session);
        _players.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void The_writer_stopping_detaches_the_player_and_stops_the_session()
    {
        var session = InDistrict();
        Watch(session);

        Sys.Stop(_outbound.Ref);

        Assert.Equal(Neo, _players.ExpectMsg<PlayerCommands.Detach>().PlayerId);
        ExpectTerminated(session);
    }

    [Fact]
    public void Stream_init_is_acknowledged()
    {
        var session = StartSession();

        session.Tell(StreamInit.Instance, TestActor);

        ExpectMsg<StreamAck>();
    }

    private static Vec3 ReadPosition(JsonElement p) =>
        new(p.GetProperty("x").GetDouble(), p.GetProperty("y").GetDouble(), p.GetProperty("z").GetDouble());

    // ---- issue 7: frame and error rates ----

    private void FeedAt(IActorRef session, string json, long receivedAtMs) => Feed(session, new TextFrame(Utf8(json), receivedAtMs));

    [Fact]
    public void Frames_over_the_rate_are_dropped_unread_and_the_client_is_told_once()
    {
        var session = StartSession(Dev with { FrameRate = new(1, 3) });
        for (var i = 1; i <= 3; i++)
        {
            FeedAt(session, $$"""{"type":"ping","v":1,"id":"p{{i}}"}""", 1_000);
            var pong = NextFrame();
            Assert.Equal(("pong", $"p{i}"), (pong.Type, pong.Id));
        }
        for (var i = 4; i <= 8; i++) FeedAt(session, $$"""{"type":"ping","v":1,"id":"p{{i}}"}""", 1_000);
        var refused = NextFrame();
        AssertError(refused, "rate_limited", null);
        Assert.Equal(1_000, refused.Data.GetProperty("retryAfterMs").GetInt64());
        _outbound.ExpectNoMsg(Quiet);

        // A second later the bucket has a token again.
        FeedAt(session, """{"type":"ping","v":1,"id":"later"}""", 2_000);
        Assert.Equal("later", NextFrame().Id);
    }

    [Fact]
    public void A_client_that_keeps_flooding_frames_is_closed_with_4008()
    {
        var session = StartSession(Dev with { FrameRate = new(1, 1), MaxDroppedFrames = 5 });
        Watch(session);
        for (var i = 0; i < 6; i++) FeedAt(session, """{"type":"ping","v":1}""", 1_000);
        Assert.Equal("pong", NextFrame().Type);
        AssertError(NextFrame(), "rate_limited", null);
        Assert.Equal(4008, _outbound.ExpectMsg<CloseSocket>().Code);
    }

    [Fact]
    public void A_burst_of_bad_frames_gets_some_errors_and_then_a_count_of_the_rest()
    {
        var session = StartSession(Dev with { ErrorRate = new(1, 3) });
        for (var i = 0; i < 10; i++) FeedAt(session, "not json", 1_000);
        for (var i = 0; i < 3; i++) AssertError(NextFrame(), "malformed_json", null);
        _outbound.ExpectNoMsg(Quiet);

        FeedAt(session, "not json", 2_000);
        var next = NextFrame();
        AssertError(next, "malformed_json", null);
        Assert.Equal(7, next.Data.GetProperty("suppressed").GetInt32());
        // Replies the world sends are never suppressed, and pongs are not errors.
        FeedAt(session, """{"type":"ping","v":1,"id":"p"}""", 2_000);
        Assert.Equal("pong", NextFrame().Type);
    }

    [Fact]
    public void The_world_closing_a_session_closes_its_socket_with_the_given_code()
    {
        var session = InDistrict();
        session.Tell(new SessionPushes.Disconnect(Neo, 4009, "100 refused moves within 10 s"));
        Assert.Equal(new CloseSocket(4009, "100 refused moves within 10 s"), _outbound.ExpectMsg<CloseSocket>());
    }

    [Fact]
    public void Rate_limited_refusals_from_the_world_carry_the_time_to_wait()
    {
        var session = InDistrict();
        Feed(session, """{"type":"say","v":1,"id":"s1","data":{"text":"hi"}}""");
        var say = _players.ExpectMsg<PlayerCommands.Say>();
        _players.Reply(new Replies.Rejected(say.CommandId, ErrorCodes.RateLimited, "too many say requests", 1_500));
        var frame = NextFrame();
        AssertError(frame, "rate_limited", "s1");
        Assert.Equal(1_500, frame.Data.GetProperty("retryAfterMs").GetInt64());
    }

    [Fact]
    public void The_last_view_written_to_a_stopped_session_is_no_dead_letter()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(Akka.Event.DeadLetter));
        var session = StartSession();
        Watch(session);
        Sys.Stop(session);
        ExpectTerminated(session);

        session.Tell(ViewWritten.Instance);
        session.Tell("marker");

        // Both go the same way in order: the first dead letter is the marker, so ViewWritten was not one.
        Assert.Equal("marker", deadLetters.ExpectMsg<Akka.Event.DeadLetter>().Message);
    }

    [Fact]
    public void A_client_closed_for_flooding_first_hears_the_answers_to_its_requests_in_flight()
    {
        var session = InDistrict();
        Feed(session, """{"type":"say","v":1,"id":"s1","data":{"text":"hi"}}""");
        var say = _players.ExpectMsg<PlayerCommands.Say>();
        session.Tell(new SessionPushes.Disconnect(Neo, 4008, "20 requests refused as rate_limited within 10 s"));
        // Still open: "s1" may have been applied, and the client must learn whether.
        _outbound.ExpectNoMsg(Quiet);
        Feed(session, """{"type":"ping","v":1,"id":"ignored"}"""); // nothing more is read from it meanwhile
        _players.Reply(new Replies.Acknowledged(say.CommandId));
        var ack = NextFrame();
        Assert.Equal(("ack", "s1"), (ack.Type, ack.Id));
        Assert.Equal(4008, _outbound.ExpectMsg<CloseSocket>().Code);
    }

    [Fact]
    public void The_dropped_frames_notice_is_sent_even_when_errors_have_spent_their_budget()
    {
        var session = StartSession(Dev with { FrameRate = new(1, 3), ErrorRate = new(0.001, 1) });
        FeedAt(session, "not json", 1_000);
        AssertError(NextFrame(), "malformed_json", null);
        FeedAt(session, "not json", 1_000);
        FeedAt(session, "not json", 1_000); // no error: the error budget (1) is spent
        _outbound.ExpectNoMsg(Quiet);
        FeedAt(session, """{"type":"ping","v":1}""", 1_000); // over the frame rate
        AssertError(NextFrame(), "rate_limited", null);
    }

    // ---- tracing (docs/operations.md, "Tracing") ----
    // A durable request is a span of its own whose context rides in the command it sends, and nothing at all when no one
    // listens. Both tests are in this class, so they never overlap: the listener of one must not be there for the other.

    [Fact]
    public void Without_a_listener_durable_commands_carry_no_trace_context()
    {
        Assert.False(MxoTracing.Source.HasListeners());
        var session = Identified();
        Feed(session, """{"type":"enter","v":1,"id":"e1","data":{"district":"downtown"}}""");
        Assert.Null(_players.ExpectMsg<PlayerCommands.EnterDistrict>().TraceParent);
        _players.Reply(new PlayerReplies.EnteredDistrict("e1", Downtown, Spawn, []));
        Assert.Equal("entered", NextFrame().Type);
        Feed(session, """{"type":"say","v":1,"id":"s1","data":{"text":"hello"}}""");
        Assert.Null(_players.ExpectMsg<PlayerCommands.Say>().TraceParent);
    }

    [Fact]
    public void A_durable_request_is_a_new_trace_linked_to_the_upgrade_that_ends_with_its_answer()
    {
        var started = new ConcurrentQueue<Activity>();
        var ended = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MxoTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started.Enqueue,
            ActivityStopped = ended.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var upgrade = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        var session = Identified(upgrade: upgrade);
        Feed(session, """{"type":"enter","v":1,"id":"e1","data":{"district":"downtown"}}""");
        var enter = _players.ExpectMsg<PlayerCommands.EnterDistrict>();
        Assert.True(ActivityContext.TryParse(enter.TraceParent, null, out var sent), $"no trace context in {enter}");
        // A trace of its own, not the upgrade's: the link leads there.
        Assert.NotEqual(upgrade.TraceId, sent.TraceId);
        Assert.DoesNotContain(ended, a => a.SpanId == sent.SpanId);

        _players.Reply(new PlayerReplies.EnteredDistrict("e1", Downtown, Spawn, []));
        Assert.Equal("entered", NextFrame().Type);
        var span = AwaitEnded(ended, sent.SpanId);
        Assert.Equal("mxo.request enter", span.DisplayName);
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal(default, span.ParentSpanId);
        Assert.Equal(upgrade, Assert.Single(span.Links).Context);
        Assert.Equal("e1", span.GetTagItem("mxo.request.id"));
        Assert.Equal("neo", span.GetTagItem("mxo.player"));
        Assert.Equal(MxoTracing.NodeOf(Sys), span.GetTagItem(MxoTracing.NodeTag));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);

        // A refused request: its span says so.
        Feed(session, """{"type":"say","v":1,"id":"s1","data":{"text":"hello"}}""");
        var say = _players.ExpectMsg<PlayerCommands.Say>();
        Assert.True(ActivityContext.TryParse(say.TraceParent, null, out var saySent));
        Assert.NotEqual(sent.TraceId, saySent.TraceId);
        _players.Reply(new Replies.Rejected("s1", ErrorCodes.RateLimited, "slow down", 100));
        Assert.Equal(ErrorCodes.RateLimited, NextFrame().ErrorCode);
        var refused = AwaitEnded(ended, saySent.SpanId);
        Assert.Equal((ActivityStatusCode.Error, ErrorCodes.RateLimited), (refused.Status, refused.StatusDescription));

        // Moves (20 a second, transient) are not traced; nor is anything else that is not a durable request.
        Feed(session, """{"type":"move","v":1,"id":"m1","data":{"x":1,"y":2,"z":3}}""");
        _players.ExpectMsg<PlayerCommands.Move>();
        Feed(session, """{"type":"ping","v":1,"id":"p1"}""");
        Assert.Equal("pong", NextFrame().Type);
        Assert.DoesNotContain(started, a => a.DisplayName is "mxo.request move" or "mxo.request ping");
        Assert.Contains(started, a => a.DisplayName == "mxo.request say");
    }

    private static Activity AwaitEnded(ConcurrentQueue<Activity> ended, ActivitySpanId spanId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5 * Mxo.TestSupport.TestTime.Factor);
        while (true)
        {
            if (ended.FirstOrDefault(a => a.SpanId == spanId) is { } span) return span;
            Assert.True(DateTime.UtcNow < deadline, $"span {spanId} did not end");
            Thread.Sleep(10);
        }
    }

    // ---- failover: the character's world node dies under a connected client ----

    /// <summary>Hello and enter, with <paramref name="entity"/> answering as the player entity (the session watches it).</summary>
    private IActorRef InDistrictThrough(TestProbe entity)
    {
        var session = StartSession();
        Feed(session, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();
        entity.Send(session, new PlayerReplies.Attached(Sheet()));
        Assert.Equal("welcome", NextFrame().Type);
        Feed(session, """{"type":"enter","v":1,"id":"e1","data":{"district":"downtown"}}""");
        _players.ExpectMsg<PlayerCommands.EnterDistrict>();
        entity.Send(session, new PlayerReplies.EnteredDistrict("e1", Downtown, Spawn, []));
        Assert.Equal("entered", NextFrame().Type);
        return session;
    }

    [Fact]
    public void When_the_characters_entity_dies_the_session_attaches_again_resumes_and_the_client_gets_one_resynced_frame()
    {
        var entity = CreateTestProbe("entity");
        var session = InDistrictThrough(entity);

        Feed(session, """{"type":"say","v":1,"id":"s0","data":{"text":"in flight"}}""");
        _players.ExpectMsg<PlayerCommands.Say>();
        Sys.Stop(entity.Ref); // the world node that hosted it died
        // The request in flight is answered at once (its answer may have died with the entity): retry it after resynced.
        AssertError(NextFrame(), ErrorCodes.Timeout, "s0");
        var again = _players.ExpectMsg<PlayerCommands.Attach>();
        Assert.Equal((Neo, "Neo", session), (again.PlayerId, again.Name, again.Session));

        // Meanwhile: moves are dropped, durable requests refused with resyncing (and changed nothing).
        Feed(session, """{"type":"move","v":1,"data":{"x":1501,"y":0,"z":1}}""");
        AssertError(Request(session, """{"type":"say","v":1,"id":"s1","data":{"text":"anyone?"}}"""), ErrorCodes.Resyncing, "s1");
        _players.ExpectNoMsg(Quiet);

        var incarnation = CreateTestProbe("incarnation");
        incarnation.Send(session, new PlayerReplies.Attached(Sheet(Downtown)));
        var resume = _players.ExpectMsg<PlayerCommands.Resume>();
        Assert.Equal(Neo, resume.PlayerId);
        var trinity = new Occupant(Trinity, "Trinity", new Vec3(1510, 0, 0));
        incarnation.Send(session, new PlayerReplies.Resynced(Downtown, new Vec3(1502, 0, 2), [trinity]));

        var resynced = NextFrame(); // no second welcome before it
        Assert.Equal(("resynced", (string?)null), (resynced.Type, resynced.Id));
        Assert.Equal("downtown", resynced.Data.GetProperty("district").GetString());
        Assert.Equal(1502, resynced.Data.GetProperty("position").GetProperty("x").GetDouble());
        Assert.Equal("trinity", resynced.Data.GetProperty("occupants")[0].GetProperty("id").GetString());

        // The client carries on over the same socket, and the new incarnation is watched in turn.
        Feed(session, """{"type":"move","v":1,"data":{"x":1503,"y":0,"z":2}}""");
        _players.ExpectMsg<PlayerCommands.Move>();
        Sys.Stop(incarnation.Ref);
        _players.ExpectMsg<PlayerCommands.Attach>();
    }

    [Fact]
    public void A_district_that_will_not_take_the_character_back_leaves_it_in_no_district()
    {
        var entity = CreateTestProbe("entity");
        var session = InDistrictThrough(entity);
        Sys.Stop(entity.Ref);
        _players.ExpectMsg<PlayerCommands.Attach>();
        var incarnation = CreateTestProbe("incarnation");
        incarnation.Send(session, new PlayerReplies.Attached(Sheet(Downtown)));
        var resume = _players.ExpectMsg<PlayerCommands.Resume>();
        incarnation.Send(session, new Replies.Rejected(resume.CommandId, ErrorCodes.DistrictFull, "Downtown is full"));
        AssertError(NextFrame(), ErrorCodes.DistrictFull, null);

        // Not resyncing any more, and in no district: the client must enter again.
        AssertError(Request(session, """{"type":"move","v":1,"id":"m1","data":{"x":1503,"y":0,"z":2}}"""), ErrorCodes.NotInDistrict, "m1");
    }

    /// <summary>A session with a character (no district) whose entity has just died: its first re-attach is taken.</summary>
    private IActorRef ResyncingSession(EdgeOptions options)
    {
        var entity = CreateTestProbe("entity");
        var session = StartSession(options);
        Feed(session, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();
        entity.Send(session, new PlayerReplies.Attached(Sheet()));
        Assert.Equal("welcome", NextFrame().Type);
        Sys.Stop(entity.Ref);
        _players.ExpectMsg<PlayerCommands.Attach>();
        return session;
    }

    [Fact]
    public void A_world_that_never_takes_the_character_back_closes_the_socket_with_1011()
    {
        // It keeps asking (each try waits the request timeout), then gives up.
        var session = ResyncingSession(Dev with { RequestTimeout = TimeSpan.FromMilliseconds(200), ResyncTimeout = TimeSpan.FromSeconds(1) });
        _players.ExpectMsg<PlayerCommands.Attach>();
        var close = _outbound.FishForMessage<CloseSocket>(_ => true, TimeSpan.FromSeconds(5));
        Assert.Equal(1011, close.Code);
    }

    [Fact]
    public void A_resume_sent_again_after_its_answer_was_lost_keeps_its_id()
    {
        var session = ResyncingSession(Dev with { RequestTimeout = TimeSpan.FromSeconds(1) });
        var incarnation = CreateTestProbe("incarnation");
        incarnation.Send(session, new PlayerReplies.Attached(Sheet(Downtown)));
        var first = _players.FishForMessage<PlayerCommands.Resume>(_ => true);
        // No answer within the request timeout: the session attaches again and resends the same resume.
        _players.FishForMessage<PlayerCommands.Attach>(_ => true, TimeSpan.FromSeconds(5));
        incarnation.Send(session, new PlayerReplies.Attached(Sheet(Downtown)));
        var second = _players.FishForMessage<PlayerCommands.Resume>(_ => true);
        Assert.Equal(first.CommandId, second.CommandId);
        // The entity still working on the first refuses the second as busy: that does not end the resync.
        incarnation.Send(session, new Replies.Rejected(second.CommandId, ErrorCodes.Busy, "a district change is still in progress"));
        incarnation.Send(session, new PlayerReplies.Resynced(Downtown, Spawn, []));
        Assert.Equal("resynced", NextFrame().Type);
    }

    [Fact]
    public void A_late_answer_to_an_earlier_attach_does_not_stop_the_resume_from_being_sent_again()
    {
        var session = ResyncingSession(Dev with { RequestTimeout = TimeSpan.FromSeconds(1) });
        // Two tries were buffered while the shard moved: both are answered, one after the other.
        var incarnation = CreateTestProbe("incarnation");
        incarnation.Send(session, new PlayerReplies.Attached(Sheet(Downtown)));
        incarnation.Send(session, new PlayerReplies.Attached(Sheet(Downtown)));
        var first = _players.FishForMessage<PlayerCommands.Resume>(_ => true);
        // The resume's answer never comes (refused as busy): the session still attaches again and resends it.
        incarnation.Send(session, new Replies.Rejected(first.CommandId, ErrorCodes.Busy, "a district change is still in progress"));
        _players.FishForMessage<PlayerCommands.Attach>(_ => true, TimeSpan.FromSeconds(5));
        incarnation.Send(session, new PlayerReplies.Attached(Sheet(Downtown)));
        Assert.Equal(first.CommandId, _players.FishForMessage<PlayerCommands.Resume>(_ => true).CommandId);
    }

    // ---- chat (issue 12) ----

    [Fact]
    public void Chat_frames_go_to_the_player_entity_and_lines_from_ignored_players_are_dropped_at_the_session()
    {
        var session = StartSession();
        Feed(session, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();
        _players.Reply(new PlayerReplies.Attached(Sheet() with { Ignored = ["smith"] }));
        var welcome = NextFrame();
        Assert.Equal("smith", Assert.Single(welcome.Data.GetProperty("ignores").EnumerateArray().ToArray()).GetString());

        // whisper, reply, ignore, ignores: durable requests for the entity
        Feed(session, """{"type":"whisper","v":1,"id":"w1","data":{"to":"Trinity","text":"  Knock, knock "}}""");
        var whisper = _players.ExpectMsg<Mxo.Protocol.Chat.ChatCommands.Whisper>();
        Assert.Equal((Neo, "Trinity", "Knock, knock", "w1"), (whisper.PlayerId, whisper.To, whisper.Text, whisper.CommandId));
        session.Tell(new Replies.Acknowledged("w1"), _players.Ref);
        var ack = NextFrame();
        Assert.Equal(("ack", "w1"), (ack.Type, ack.Id));

        session.Tell(new Mxo.Protocol.Chat.ChatPushes.Whispered(Trinity, "Trinity", "Who is there?", 1_700_000_000_000));
        var heard = NextFrame();
        Assert.Equal(("whisper", "trinity", "Who is there?"),
            (heard.Type, heard.Data.GetProperty("from").GetString(), heard.Data.GetProperty("text").GetString()));

        // Lines and emotes from someone on the list never reach the client; from anyone else they do.
        var smith = new PlayerId("smith");
        session.Tell(new SessionPushes.ChatLine(Downtown, smith, "Smith", "Mr. Anderson", 1));
        session.Tell(new Mxo.Protocol.Chat.ChatPushes.Emoted(Downtown, smith, "Smith", "laugh", 1));
        session.Tell(new SessionPushes.ChatLine(Downtown, Trinity, "Trinity", "Hi", 2) { Channel = "district" });
        var line = NextFrame();
        Assert.Equal(("chat", "trinity", "district"), (line.Type, line.Data.GetProperty("from").GetString(), line.Data.GetProperty("channel").GetString()));

        // unignore: the entity answers with the whole list, and the session's filter follows it.
        Feed(session, """{"type":"unignore","v":1,"id":"u1","data":{"name":"Smith"}}""");
        var unignore = _players.ExpectMsg<Mxo.Protocol.Chat.ChatCommands.Ignore>();
        Assert.Equal(("Smith", false), (unignore.Name, unignore.Add));
        session.Tell(new Mxo.Protocol.Chat.ChatReplies.Ignores("u1", []), _players.Ref);
        var list = NextFrame();
        Assert.Equal(("ignores", "u1", 0), (list.Type, list.Id, list.Data.GetProperty("ignores").GetArrayLength()));
        session.Tell(new Mxo.Protocol.Chat.ChatPushes.Emoted(Downtown, smith, "Smith", "laugh", 3));
        var emote = NextFrame();
        Assert.Equal(("emote", "smith", "laugh"), (emote.Type, emote.Data.GetProperty("from").GetString(), emote.Data.GetProperty("emote").GetString()));

        // emote and chat need a district; bad chat input is refused at the edge and reaches nobody.
        AssertError(Request(session, """{"type":"emote","v":1,"id":"e1","data":{"name":"wave"}}"""), "not_in_district", "e1");
        AssertError(Request(session, """{"type":"chat","v":1,"id":"c1","data":{"channel":"shout","text":"hi"}}"""), "unknown_channel", "c1");
        AssertError(Request(session, """{"type":"whisper","v":1,"id":"w2","data":{"to":"Trinity","text":"\u202eevil"}}"""), "invalid_text", "w2");
        _players.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Org_frames_go_to_the_player_entity_org_lines_of_ignored_players_are_dropped_and_announce_needs_gm()
    {
        var session = StartSession();
        Feed(session, """{"type":"hello","v":1,"id":"h1","data":{"name":"Neo"}}""");
        _players.ExpectMsg<PlayerCommands.Attach>();
        _players.Reply(new PlayerReplies.Attached(Sheet() with { Ignored = ["smith"], Org = "zion" }));
        Assert.Equal("zion", NextFrame().Data.GetProperty("org").GetString());

        // chat on org needs no district; org_history carries its cursor and limit.
        Feed(session, """{"type":"chat","v":1,"id":"o1","data":{"channel":"org","text":" Zion stands "}}""");
        var say = _players.ExpectMsg<Mxo.Protocol.Orgs.OrgCommands.FromPlayer>();
        Assert.Equal((Neo, "say", "Zion stands", "o1"), (say.PlayerId, say.Kind, say.Arg, say.CommandId));
        Feed(session, """{"type":"org_history","v":1,"id":"o2","data":{"cursor":"abc","limit":5}}""");
        var history = _players.ExpectMsg<Mxo.Protocol.Orgs.OrgCommands.FromPlayer>();
        Assert.Equal(("history", "abc", 5), (history.Kind, history.Arg, history.Limit));

        // An ignored speaker's org line never reaches the client; anyone else's does.
        session.Tell(new Mxo.Protocol.Orgs.OrgPushes.Line("zion", new PlayerId("smith"), "Smith", "Mr. Anderson", 1, 1));
        session.Tell(new Mxo.Protocol.Orgs.OrgPushes.Line("zion", Trinity, "Trinity", "Hi", 2, 2));
        var line = NextFrame();
        Assert.Equal(("chat", "trinity", "org", "zion", 2L), (line.Type, line.Data.GetProperty("from").GetString(),
            line.Data.GetProperty("channel").GetString(), line.Data.GetProperty("org").GetString(), line.Data.GetProperty("seq").GetInt64()));

        // A --dev hello has no gm permission: announce is refused. Announcements themselves are written, from system.
        AssertError(Request(session, """{"type":"announce","v":1,"id":"a1","data":{"text":"hello"}}"""), "forbidden", "a1");
        session.Tell(new Mxo.Protocol.Chat.SystemChannel.Announcement("Restart at noon", 3, null));
        var announcement = NextFrame();
        Assert.Equal(("chat", "system", "system", "Restart at noon"), (announcement.Type, announcement.Data.GetProperty("channel").GetString(),
            announcement.Data.GetProperty("from").GetString(), announcement.Data.GetProperty("text").GetString()));
        _players.ExpectNoMsg(Quiet);
    }
}

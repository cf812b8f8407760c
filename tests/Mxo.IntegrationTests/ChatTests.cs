using System.Text.Json;
using Xunit;

namespace Mxo.IntegrationTests;

/// <summary>
/// One --dev node (both roles, SQLite journal) with an interest radius of 5 units, so "far away" is one step from the
/// spawn point instead of a long walk.
/// </summary>
public sealed class ChatNodeFixture : IAsyncLifetime
{
    private readonly TempData _data = new();
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await TestNode.StartAsync([.. _data.SqliteArgs, "--dev", "--Mxo:World:InterestRadius=5"]);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }
}

/// <summary>Chat channels (issue 12) over real sockets: nearby and district chat, emotes, ignore lists, mutes, bad input.</summary>
public sealed class ChatTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    internal static string Code(JsonElement error) => Frames.Data(error).GetProperty("code").GetString()!;

    /// <summary>The answer (ack, error or a reply frame) to the request <paramref name="id"/>, not a push.</summary>
    internal static bool IsAnswerTo(JsonElement frame, string id) =>
        Frames.Type(frame) is not ("view" or "chat" or "emote" or "whisper" or "environment") && frame.TryGetProperty("id", out var i) && i.GetString() == id;

    /// <summary>A new character in Downtown at the spawn point (1500, 0, 0); its id is its lower-cased name.</summary>
    private async Task<(TestClient Client, string Id)> InDowntown(string prefix)
    {
        var client = await TestClient.ConnectAsync(fixture.Node.Ws);
        var name = Unique(prefix);
        await client.HelloAsync(name);
        await client.EnterAsync("downtown");
        return (client, name.ToLowerInvariant());
    }

    /// <summary>
    /// Moves 8 units east, beyond the radius of anyone at the spawn point, and waits until the move has reached the
    /// district: the character's entity handles the client's requests in order and tells the district the position
    /// before it answers the next one.
    /// </summary>
    private static async Task StepAway(TestClient client)
    {
        await client.MoveAsync(1508, 0, 0);
        await client.ExpectTypeAsync("ignores", await client.SendAsync("ignores"));
    }

    [Fact]
    public async Task Say_is_heard_nearby_but_not_far_away_and_a_district_line_is_heard_far_away()
    {
        var (far, farId) = await InDowntown("far");
        await StepAway(far);
        var (near, nearId) = await InDowntown("near");
        var (speaker, speakerId) = await InDowntown("spk");
        await using (far)
        await using (near)
        await using (speaker)
        {
            var sayId = await speaker.SendAsync("say", """{"text":"Only those close by hear this."}""");
            var heard = Frames.Data(await near.ExpectTypeAsync("chat"));
            Assert.Equal(("Only those close by hear this.", speakerId, "say"),
                (heard.GetProperty("text").GetString(), heard.GetProperty("from").GetString(), heard.GetProperty("channel").GetString()));
            Assert.Equal("say", Frames.Data(await speaker.ExpectTypeAsync("chat")).GetProperty("channel").GetString()); // the speaker hears itself
            await speaker.ExpectTypeAsync("ack", sayId);

            var lineId = await speaker.SendAsync("chat", """{"channel":"district","text":"Everyone in Downtown hears this."}""");
            await speaker.ExpectTypeAsync("ack", lineId);
            // The first line the far one hears is the district line: the say never reached it.
            var first = Frames.Data(await far.ExpectTypeAsync("chat"));
            Assert.Equal(("Everyone in Downtown hears this.", "district"), (first.GetProperty("text").GetString(), first.GetProperty("channel").GetString()));
            Assert.Equal("district", Frames.Data(await near.ExpectTypeAsync("chat")).GetProperty("channel").GetString());

            // An emote is seen nearby only, like say.
            var emoteId = await near.SendAsync("emote", """{"name":"Wave"}""");
            await near.ExpectTypeAsync("ack", emoteId);
            var emote = Frames.Data(await speaker.ExpectTypeAsync("emote"));
            Assert.Equal((nearId, "wave"), (emote.GetProperty("from").GetString(), emote.GetProperty("emote").GetString()));
            // The far one's own district line is the next thing it hears (a line is heard before it is acknowledged).
            var farLine = await far.SendAsync("chat", """{"channel":"district","text":"Still here."}""");
            var next = await far.ExpectAsync(f => Frames.Type(f) is "emote" or "chat", what: "an emote or a line");
            Assert.Equal(("chat", farId), (Frames.Type(next), Frames.Data(next).GetProperty("from").GetString()));
            await far.ExpectTypeAsync("ack", farLine);
        }
    }

    [Fact]
    public async Task An_ignored_players_lines_emotes_and_whispers_do_not_reach_you_and_the_list_survives_a_reconnect()
    {
        var (smith, smithId) = await InDowntown("smith");
        var trinityName = Unique("trin");
        var trinity = await TestClient.ConnectAsync(fixture.Node.Ws);
        await trinity.HelloAsync(trinityName);
        await trinity.EnterAsync("downtown");
        var (morpheus, morpheusId) = await InDowntown("morph");
        await using (smith)
        await using (morpheus)
        {
            await using (trinity)
            {
                var ignoreId = await trinity.SendAsync("ignore", $$"""{"name":"{{smithId}}"}""");
                var list = await trinity.ExpectTypeAsync("ignores", ignoreId);
                Assert.Equal(smithId, Assert.Single(Frames.Data(list).GetProperty("ignores").EnumerateArray().ToArray()).GetString());

                // Smith's line, emote and whisper are all acknowledged to Smith and none reaches Trinity.
                await smith.ExpectTypeAsync("ack", await smith.SendAsync("say", """{"text":"Mr. Anderson..."}"""));
                await smith.ExpectTypeAsync("ack", await smith.SendAsync("emote", """{"name":"laugh"}"""));
                await smith.ExpectTypeAsync("ack", await smith.SendAsync("whisper", $$"""{"to":"{{trinityName}}","text":"psst"}"""));
                // Morpheus, after them: the first thing Trinity hears.
                await morpheus.ExpectTypeAsync("ack", await morpheus.SendAsync("say", """{"text":"Trinity, now."}"""));
                var first = await trinity.ExpectAsync(f => Frames.Type(f) is "chat" or "emote" or "whisper", what: "a line");
                Assert.Equal(("chat", morpheusId), (Frames.Type(first), Frames.Data(first).GetProperty("from").GetString()));
                // ... and reply has nobody to answer: the ignored whisper did not count.
                var reply = await trinity.SendAsync("reply", """{"text":"who?"}""");
                Assert.Equal("no_reply_target", Code(await trinity.ExpectAsync(f => IsAnswerTo(f, reply))));
            }

            // Persisted with the character: the next welcome carries the list, and unignoring lets Smith through.
            await using var again = await TestClient.ConnectAsync(fixture.Node.Ws);
            var welcome = Frames.Data(await again.HelloAsync(trinityName));
            Assert.Equal(smithId, Assert.Single(welcome.GetProperty("ignores").EnumerateArray().ToArray()).GetString());
            await again.EnterAsync("downtown");
            var unignore = await again.SendAsync("unignore", $$"""{"name":"{{smithId}}"}""");
            Assert.Equal(0, Frames.Data(await again.ExpectTypeAsync("ignores", unignore)).GetProperty("ignores").GetArrayLength());
            await smith.ExpectTypeAsync("ack", await smith.SendAsync("whisper", $$"""{"to":"{{trinityName}}","text":"Hello again"}"""));
            var whisper = Frames.Data(await again.ExpectTypeAsync("whisper"));
            Assert.Equal((smithId, "Hello again"), (whisper.GetProperty("from").GetString(), whisper.GetProperty("text").GetString()));
        }
    }

    [Fact]
    public async Task Going_on_after_rate_limited_on_a_channel_mutes_the_sender_on_every_channel()
    {
        var (spammer, _) = await InDowntown("spam");
        var (listener, _) = await InDowntown("lst");
        await using (spammer)
        await using (listener)
        {
            // District chat allows one line per 10 s: five at once are one line, three refusals that did not wait as
            // told, and a mute.
            var ids = new List<string>();
            for (var i = 0; i < 5; i++) ids.Add(await spammer.SendAsync("chat", $$"""{"channel":"district","text":"spam {{i}}"}"""));
            // The refusals come at once, the first line's ack after its write: collect all five, in whatever order.
            var byId = new Dictionary<string, JsonElement>();
            await spammer.ExpectAsync(f =>
            {
                if (f.TryGetProperty("id", out var i) && ids.Contains(i.GetString()!)) byId[i.GetString()!] = f;
                return byId.Count == ids.Count;
            }, what: "five answers");
            var answers = ids.Select(id => byId[id]).ToList();
            Assert.Equal("ack", Frames.Type(answers[0]));
            Assert.All(answers.Skip(1).Take(3), a => Assert.Equal("rate_limited", Code(a)));
            Assert.All(answers.Skip(1).Take(3), a => Assert.InRange(Frames.Data(a).GetProperty("retryAfterMs").GetInt64(), 1, 10_000));
            Assert.Equal("muted", Code(answers[4]));
            Assert.Equal(10_000, Frames.Data(answers[4]).GetProperty("retryAfterMs").GetInt64());

            // Muted everywhere: nearby chat, whispers, emotes, with the time left.
            foreach (var (type, data) in new[]
            {
                ("say", """{"text":"hello?"}"""), ("whisper", """{"to":"Trinity","text":"hello?"}"""), ("emote", """{"name":"cry"}"""),
            })
            {
                var id = await spammer.SendAsync(type, data);
                var answer = await spammer.ExpectAsync(f => IsAnswerTo(f, id), what: type);
                Assert.Equal("muted", Code(answer));
                Assert.InRange(Frames.Data(answer).GetProperty("retryAfterMs").GetInt64(), 1, 10_000);
            }

            // The listener heard the one line that was taken, and nothing after it.
            var heard = await listener.ExpectAsync(f => Frames.Type(f) is "chat" or "emote", what: "a line");
            Assert.Equal("spam 0", Frames.Data(heard).GetProperty("text").GetString());
            var quiet = await listener.SendAsync("chat", """{"channel":"district","text":"quiet now"}""");
            var next = await listener.ExpectAsync(f => Frames.Type(f) is "chat" or "emote", what: "a line");
            Assert.Equal("quiet now", Frames.Data(next).GetProperty("text").GetString());
            await listener.ExpectTypeAsync("ack", quiet);
        }
    }

    [Theory]
    [InlineData("say", """{"text":"   "}""", "empty_text")]
    [InlineData("chat", """{"channel":"district","text":""}""", "empty_text")]
    [InlineData("say", """{"text":"\u202Egnp.exe"}""", "invalid_text")]
    [InlineData("whisper", """{"to":"Trinity","text":"a\u2066b"}""", "invalid_text")]
    [InlineData("chat", """{"channel":"shout","text":"hi"}""", "unknown_channel")]
    [InlineData("emote", """{"name":"moonwalk"}""", "unknown_emote")]
    [InlineData("whisper", """{"to":"nobodyatall","text":"hi"}""", "unknown_recipient")]
    [InlineData("whisper", """{"to":"not a name!","text":"hi"}""", "unknown_recipient")]
    [InlineData("reply", """{"text":"hi"}""", "no_reply_target")]
    public async Task Bad_chat_input_is_refused_with_a_code_and_nobody_hears_anything(string type, string data, string code)
    {
        var (speaker, _) = await InDowntown("bad");
        var (listener, _) = await InDowntown("lst");
        await using (speaker)
        await using (listener)
        {
            var id = await speaker.SendAsync(type, data);
            Assert.Equal(code, Code(await speaker.ExpectAsync(f => IsAnswerTo(f, id), what: "the answer")));
            // Nothing changed: the next line the listener hears is this good one.
            await speaker.ExpectTypeAsync("ack", await speaker.SendAsync("say", """{"text":"good"}"""));
            var heard = await listener.ExpectAsync(f => Frames.Type(f) is "chat" or "emote" or "whisper", what: "a line");
            Assert.Equal("good", Frames.Data(heard).GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task Text_over_500_characters_after_normalisation_is_refused()
    {
        var (speaker, _) = await InDowntown("long");
        await using (speaker)
        {
            var tooLong = await speaker.SendAsync("say", $$"""{"text":"{{new string('a', 501)}}"}""");
            Assert.Equal("text_too_long", Code(await speaker.ExpectAsync(f => IsAnswerTo(f, tooLong))));
            // 500 accented letters typed as letter + combining accent: 1,000 characters, 500 once composed.
            var composed = await speaker.SendAsync("say", $$"""{"text":"{{string.Concat(Enumerable.Repeat("e\\u0301", 500))}}"}""");
            var line = Frames.Data(await speaker.ExpectTypeAsync("chat")).GetProperty("text").GetString()!;
            Assert.Equal(new string('\u00e9', 500), line);
            await speaker.ExpectTypeAsync("ack", composed);
        }
    }
}

/// <summary>Whispers between players on different edge nodes of a cluster (issue 12): one world node, two edge-only nodes.</summary>
public sealed class ChatAcrossNodesTests
{
    private static string Code(JsonElement error) => ChatTests.Code(error);

    private static bool IsAnswerTo(JsonElement frame, string id) => ChatTests.IsAnswerTo(frame, id);

    [Fact]
    public async Task A_whisper_and_its_reply_cross_edge_nodes_and_a_player_who_left_is_not_online()
    {
        using var data = new TempData();
        await using var world = await TestNode.StartAsync([.. data.SqliteArgs, "--roles", "world"]);
        await using var edgeA = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);
        await using var edgeB = await TestNode.StartAsync("--dev", "--roles", "edge", "--seeds", world.Address);
        await TwoNodeClusterTests.AwaitMembers(world, 3);

        var neoName = "neo" + Guid.NewGuid().ToString("N")[..6];
        var trinityName = "trin" + Guid.NewGuid().ToString("N")[..6];
        await using var neo = await TestClient.ConnectAsync(edgeA.Ws);
        var trinity = await TestClient.ConnectAsync(edgeB.Ws);
        await neo.HelloAsync(neoName);
        await trinity.HelloAsync(trinityName);

        // Neo (edge A) whispers Trinity (edge B) by name, in any case: she hears it, he gets the ack.
        var whisper = await neo.SendAsync("whisper", $$"""{"to":"{{trinityName.ToUpperInvariant()}}","text":"Follow the white rabbit."}""");
        var heard = Frames.Data(await trinity.ExpectTypeAsync("whisper"));
        Assert.Equal((neoName, neoName, "Follow the white rabbit."),
            (heard.GetProperty("from").GetString(), heard.GetProperty("name").GetString(), heard.GetProperty("text").GetString()));
        Assert.True(heard.GetProperty("at").GetInt64() > 0);
        await neo.ExpectTypeAsync("ack", whisper);

        // She replies to the last one who whispered to her, without naming him.
        var reply = await trinity.SendAsync("reply", """{"text":"Who are you?"}""");
        var back = Frames.Data(await neo.ExpectTypeAsync("whisper"));
        Assert.Equal((trinityName, "Who are you?"), (back.GetProperty("from").GetString(), back.GetProperty("text").GetString()));
        await trinity.ExpectTypeAsync("ack", reply);

        // A name nobody has played with.
        var unknown = await neo.SendAsync("whisper", """{"to":"nobody-at-all","text":"hello?"}""");
        Assert.Equal("unknown_recipient", Code(await neo.ExpectAsync(f => IsAnswerTo(f, unknown))));

        // Trinity leaves. Her session's detach and Neo's next whisper travel different ways to her entity, so a
        // whisper may still be handed to the session that is closing: Neo tries until he hears not_online, pacing
        // himself as the server tells him.
        await trinity.DisposeAsync();
        var deadline = DateTime.UtcNow + TestClient.DefaultTimeout;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "never not_online after Trinity left");
            var id = await neo.SendAsync("whisper", $$"""{"to":"{{trinityName}}","text":"Trinity?"}""");
            var answer = await neo.ExpectAsync(f => IsAnswerTo(f, id));
            if (Frames.Type(answer) == "ack") continue;
            var code = Code(answer);
            if (code == "not_online") break;
            Assert.Equal("rate_limited", code);
            await Task.Delay(TimeSpan.FromMilliseconds(Frames.Data(answer).GetProperty("retryAfterMs").GetInt64()));
        }
    }
}

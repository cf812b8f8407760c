using System.Text;
using Mxo.Protocol.Wire;
using Xunit;

namespace Mxo.Protocol.Tests;

public sealed class ClientFrameParserTests
{
    /// <summary>What an edge node reads: the session's frames and the world's, for the shipped map's districts.</summary>
    private static readonly ClientFrameParser Parser = new([
        .. SessionFrames.All, .. WorldFrames.For(World.WorldMap.Load(World.WorldMap.DefaultPath).All.Select(d => d.Id).ToArray()), .. ChatFrames.All,
    ]);

    private static (ClientRequest? Request, WireError? Error) Parse(string json) =>
        Parser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parses_every_request_type()
    {
        Assert.Equal(new HelloRequest("1", "Neo"), Parse("""{"type":"hello","v":1,"id":"1","data":{"name":"Neo"}}""").Request);
        Assert.Equal(new EnterRequest("2", new DistrictId("downtown")), Parse("""{"type":"enter","v":1,"id":"2","data":{"district":"Downtown"}}""").Request);
        Assert.Equal(new MoveRequest(null, new Vec3(1.5, 0, -2)), Parse("""{"type":"move","v":1,"data":{"x":1.5,"y":0,"z":-2}}""").Request);
        Assert.Equal(new SayRequest("4", "hi"), Parse("""{"type":"say","v":1,"id":"4","data":{"text":"hi"}}""").Request);
        Assert.Equal(new PingRequest("5"), Parse("""{"type":"ping","v":1,"id":"5"}""").Request);
        Assert.Equal(new ReconstructRequest("6", null), Parse("""{"type":"reconstruct","v":1,"id":"6"}""").Request);
        Assert.Equal(new ReconstructRequest("6", null), Parse("""{"type":"reconstruct","v":1,"id":"6","data":{}}""").Request);
        Assert.Equal(new ReconstructRequest("6", "downtown-achlys"),
            Parse("""{"type":"reconstruct","v":1,"id":"6","data":{"hardline":"downtown-achlys"}}""").Request);
    }

    [Theory]
    [InlineData("not json", ErrorCodes.MalformedJson, null)]
    [InlineData("[1,2]", ErrorCodes.MalformedJson, null)]
    [InlineData("""{"type":"move","v":1,"id":"7","data":{"x":1,"y":2}""", ErrorCodes.MalformedJson, null)]
    [InlineData("""{"v":1,"id":"7"}""", ErrorCodes.MissingField, "7")]
    [InlineData("""{"type":"dance","v":1,"id":"7"}""", ErrorCodes.UnknownType, "7")]
    [InlineData("""{"type":"ping","id":"7"}""", ErrorCodes.MissingField, "7")]
    [InlineData("""{"type":"ping","v":2,"id":"7"}""", ErrorCodes.UnsupportedVersion, "7")]
    [InlineData("""{"type":"ping","v":"1","id":"7"}""", ErrorCodes.InvalidField, "7")]
    [InlineData("""{"type":"ping","v":1,"id":7}""", ErrorCodes.InvalidField, null)]
    [InlineData("""{"type":"move","v":1,"id":"7"}""", ErrorCodes.MissingField, "7")]
    [InlineData("""{"type":"move","v":1,"id":"7","data":{"x":1,"y":2}}""", ErrorCodes.MissingField, "7")]
    [InlineData("""{"type":"move","v":1,"id":"7","data":{"x":"1","y":2,"z":3}}""", ErrorCodes.InvalidField, "7")]
    [InlineData("""{"type":"move","v":1,"id":"7","data":{"x":1e300,"y":2,"z":3}}""", ErrorCodes.InvalidPosition, "7")]
    [InlineData("""{"type":"move","v":1,"id":"7","data":{"x":1e400,"y":2,"z":3}}""", ErrorCodes.InvalidPosition, "7")]
    [InlineData("""{"type":"say","v":1,"id":"7","data":{"text":"   "}}""", Chat.ChatErrorCodes.EmptyText, "7")]
    [InlineData("""{"type":"say","v":1,"id":"7","data":{}}""", ErrorCodes.MissingField, "7")]
    [InlineData("""{"type":"enter","v":1,"id":"7","data":{"district":"zion"}}""", ErrorCodes.UnknownDistrict, "7")]
    [InlineData("""{"type":"hello","v":1,"id":"7","data":"Neo"}""", ErrorCodes.InvalidField, "7")]
    [InlineData("""{"type":"reconstruct","v":1,"id":"7","data":{"hardline":5}}""", ErrorCodes.InvalidField, "7")]
    [InlineData("""{"type":"reconstruct","v":1,"id":"7","data":"downtown-achlys"}""", ErrorCodes.InvalidField, "7")]
    public void Bad_frames_get_a_code_and_keep_the_request_id(string json, string code, string? id)
    {
        var (request, error) = Parse(json);
        Assert.Null(request);
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(id, error.Id);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Theory]
    [InlineData("""{"type":"\udc00","v":1}""")]
    [InlineData("""{"type":"ping","v":1,"id":"\ud800"}""")]
    [InlineData("""{"type":"say","v":1,"id":"s1","data":{"text":"a\ud800b"}}""")]
    public void Lone_surrogate_escapes_are_malformed_json_not_a_crash(string json) =>
        Assert.Equal(ErrorCodes.MalformedJson, Parse(json).Error!.Code);

    [Fact]
    public void Chat_over_the_limit_is_text_too_long()
    {
        var text = new string('a', CharacterRules.MaxChatLength + 1);
        Assert.Equal(ErrorCodes.TextTooLong, Parse("{\"type\":\"say\",\"v\":1,\"id\":\"7\",\"data\":{\"text\":\"" + text + "\"}}").Error!.Code);
    }

    [Fact]
    public void Reconstructed_and_derezzed_frames_say_where_health_and_the_death_effect()
    {
        var entered = new Players.PlayerReplies.EnteredDistrict("r1", new DistrictId("downtown"), new Vec3(1710, 0, -260), []);
        Assert.Equal("""{"type":"reconstructed","v":1,"id":"r1","data":{"district":"downtown","position":{"x":1710,"y":0,"z":-260},"occupants":[],"health":500,"innerStrength":200,"deathEffectUntil":1795000060000}}""",
            Encoding.UTF8.GetString(ServerFrames.Reconstructed("r1", new Players.PlayerReplies.Reconstructed("r1", entered, 500, 200, 1_795_000_060_000))));
        Assert.Equal("""{"type":"derezzed","v":1,"data":{"encounter":"enc-7","round":3}}""",
            Encoding.UTF8.GetString(ServerFrames.Derezzed(new Players.PlayerReplies.Derezzed("enc-7", 3))));
    }

    [Fact]
    public void Server_frames_carry_type_version_id_and_data()
    {
        var json = Encoding.UTF8.GetString(ServerFrames.Error(ErrorCodes.UnknownType, "nope", "r1"));
        Assert.Equal("""{"type":"error","v":1,"id":"r1","data":{"code":"unknown_type","message":"nope"}}""", json);
        Assert.Equal("""{"type":"ack","v":1,"data":{}}""", Encoding.UTF8.GetString(ServerFrames.Ack(null)));
    }

    [Theory]
    [InlineData("Neo", null)]
    [InlineData("agent_smith-2", null)]
    [InlineData("ab", "name must be 3-24 characters")]
    [InlineData("1neo", "name must start with a letter")]
    [InlineData("neo smith", "name may contain only letters, digits, '-' and '_'")]
    public void Character_name_rules(string name, string? problem) => Assert.Equal(problem, CharacterRules.ValidateName(name));

    // ---- issue 7 ----

    [Theory]
    [InlineData("""{"type":"ping","type":"say","v":1,"id":"7"}""")]
    [InlineData("""{"type":"say","v":1,"id":"7","data":{"text":"hi","text":"bye"}}""")]
    [InlineData("""{"type":"move","v":1,"data":{"x":1,"y":0,"z":0,"x":900}}""")]
    public void Duplicate_properties_are_malformed_json_as_over_http(string json)
    {
        var (request, error) = Parse(json);
        Assert.Null(request);
        Assert.Equal(ErrorCodes.MalformedJson, error!.Code);
    }

    [Theory]
    [InlineData("\u200b\u200b\u200b", "invalid_text")]                 // zero-width spaces only
    [InlineData("hi\u200bthere", "invalid_text")]                          // an invisible formatting character
    [InlineData("\u202eoll\u0065h", "invalid_text")]                      // right-to-left override
    [InlineData("a\u2066b\u2069", "invalid_text")]                        // bidi isolates
    [InlineData("line\\nbreak", "invalid_text")]                          // control characters (as JSON escapes: raw ones are malformed JSON)
    [InlineData("tab\\there", "invalid_text")]
    [InlineData("nul\\u0000", "invalid_text")]
    [InlineData("\ue000private", "invalid_text")]                          // private use
    [InlineData("za\u0300\u0301\u0302\u0303\u0304lgo", "invalid_text")] // five combining marks on one letter
    [InlineData("\u00a0\u2003 ", "empty_text")]                           // only spaces
    public void Chat_text_with_control_bidi_or_invisible_characters_is_refused(string escaped, string code)
    {
        foreach (var frame in new[]
        {
            $$$"""{"type":"say","v":1,"id":"7","data":{"text":"{{{escaped}}}"}}""",
            $$$"""{"type":"chat","v":1,"id":"7","data":{"channel":"district","text":"{{{escaped}}}"}}""",
            $$$"""{"type":"whisper","v":1,"id":"7","data":{"to":"Trinity","text":"{{{escaped}}}"}}""",
            $$$"""{"type":"reply","v":1,"id":"7","data":{"text":"{{{escaped}}}"}}""",
        })
        {
            var (request, error) = Parse(frame);
            Assert.Null(request);
            Assert.Equal((code, "7"), (error!.Code, error.Id));
        }
    }

    [Fact]
    public void Parses_the_chat_frames_with_normalised_text()
    {
        // "e" and a combining acute accent become one "é" (NFC); the spaces around are trimmed.
        Assert.Equal(new SayRequest("1", "caf\u00e9", "district"),
            Parse("""{"type":"chat","v":1,"id":"1","data":{"channel":"District","text":"  cafe\u0301 "}}""").Request);
        Assert.Equal(new SayRequest("1", "hi", "say"), Parse("""{"type":"chat","v":1,"id":"1","data":{"channel":"say","text":"hi"}}""").Request);
        Assert.Equal(new WhisperRequest("2", "Trinity", "hi"), Parse("""{"type":"whisper","v":1,"id":"2","data":{"to":" Trinity ","text":"hi"}}""").Request);
        Assert.Equal(new ReplyRequest("3", "yes"), Parse("""{"type":"reply","v":1,"id":"3","data":{"text":"yes"}}""").Request);
        Assert.Equal(new EmoteRequest("4", "wave"), Parse("""{"type":"emote","v":1,"id":"4","data":{"name":"Wave"}}""").Request);
        Assert.Equal(new IgnoreRequest("5", "Smith", true), Parse("""{"type":"ignore","v":1,"id":"5","data":{"name":"Smith"}}""").Request);
        Assert.Equal(new IgnoreRequest("6", "Smith", false), Parse("""{"type":"unignore","v":1,"id":"6","data":{"name":"Smith"}}""").Request);
        Assert.Equal(new IgnoresRequest("7"), Parse("""{"type":"ignores","v":1,"id":"7"}""").Request);
    }

    [Theory]
    [InlineData("""{"type":"chat","v":1,"id":"7","data":{"channel":"shout","text":"hi"}}""", "unknown_channel")]
    [InlineData("""{"type":"chat","v":1,"id":"7","data":{"text":"hi"}}""", "missing_field")]
    [InlineData("""{"type":"emote","v":1,"id":"7","data":{"name":"moonwalk"}}""", "unknown_emote")]
    [InlineData("""{"type":"whisper","v":1,"id":"7","data":{"to":"no such name!","text":"hi"}}""", "unknown_recipient")]
    [InlineData("""{"type":"whisper","v":1,"id":"7","data":{"to":"system","text":"hi"}}""", "unknown_recipient")]
    [InlineData("""{"type":"whisper","v":1,"id":"7","data":{"to":"Trinity"}}""", "missing_field")]
    [InlineData("""{"type":"whisper","v":1,"id":"7","data":{"to":"Trinity","text":""}}""", "empty_text")]
    [InlineData("""{"type":"ignore","v":1,"id":"7","data":{"name":"x"}}""", "unknown_recipient")]
    public void Bad_chat_frames_are_refused_with_a_code(string json, string code)
    {
        var (request, error) = Parse(json);
        Assert.Null(request);
        Assert.Equal((code, "7"), (error!.Code, error.Id));
    }

    [Theory]
    [InlineData("hello, world")]
    [InlineData("\u00e9t\u00e9 \u00e0 la plage")]                       // accents
    [InlineData("\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67")] // a family emoji (zero-width joiners)
    [InlineData("\u0645\u0631\u062d\u0628\u0627")]                    // Arabic, right to left without controls
    [InlineData("\u0928\u092e\u0938\u094d\u0924\u0947")]             // Devanagari with vowel signs
    public void Ordinary_chat_in_any_script_is_accepted(string escaped)
    {
        var (request, error) = Parse($$$"""{"type":"say","v":1,"id":"7","data":{"text":"{{{escaped}}}"}}""");
        Assert.Null(error);
        Assert.IsType<SayRequest>(request);
    }
}

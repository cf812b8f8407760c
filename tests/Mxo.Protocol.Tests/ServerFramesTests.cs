using System.Text;
using System.Text.Json;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Wire;
using Xunit;

namespace Mxo.Protocol.Tests;

/// <summary>Server frames share one buffer and writer per thread: each frame's bytes must still be its own.</summary>
public sealed class ServerFramesTests
{
    private static SessionPushes.ViewUpdate Crowd(int n) => new(Samples.Downtown, [],
        [.. Enumerable.Range(0, n).Select(i => new Seen(new PlayerId($"p{i}"), new Vec3(i + 0.5, 0, -i)))], []);

    [Fact]
    public void Frames_built_one_after_another_on_one_thread_do_not_share_bytes()
    {
        var big = ServerFrames.View(Crowd(3_000));   // past the size a thread keeps its buffer at
        var bigText = Encoding.UTF8.GetString(big);
        var small = ServerFrames.View(Crowd(2));
        var ack = ServerFrames.Ack("r9");

        Assert.Equal("""{"type":"ack","v":1,"id":"r9","data":{}}""", Encoding.UTF8.GetString(ack));
        Assert.Equal(bigText, Encoding.UTF8.GetString(big)); // not overwritten by the frames built after it
        using var parsedBig = JsonDocument.Parse(big);
        Assert.Equal(3_000, parsedBig.RootElement.GetProperty("data").GetProperty("moved").GetArrayLength());
        using var parsedSmall = JsonDocument.Parse(small);
        var moved = parsedSmall.RootElement.GetProperty("data").GetProperty("moved");
        Assert.Equal(2, moved.GetArrayLength());
        Assert.Equal(1.5, moved[1].GetProperty("position").GetProperty("x").GetDouble());
    }

    [Fact]
    public void A_movers_entry_is_the_same_built_fresh_or_again_and_follows_its_position()
    {
        var neo = new PlayerId("neo-\"quoted\"");
        string ViewOf(Vec3 at) => Encoding.UTF8.GetString(ServerFrames.View(new SessionPushes.ViewUpdate(Samples.Downtown, [],
            [new Seen(neo, at), new Seen(new PlayerId("smith"), new Vec3(-1, 2, 3.25))], [])));
        const string Expected = """{"type":"view","v":1,"data":{"district":"downtown","left":[],"entered":[],"moved":[""" +
            """{"id":"neo-\u0022quoted\u0022","position":{"x":10.5,"y":0,"z":-7}},{"id":"smith","position":{"x":-1,"y":2,"z":3.25}}]}}""";

        Assert.Equal(Expected, ViewOf(new Vec3(10.5, 0, -7)));
        Assert.Equal(Expected, ViewOf(new Vec3(10.5, 0, -7)));   // from the thread's cache: the same bytes
        var moved = ViewOf(new Vec3(11, 0, -7));                  // the mover moved: its new position, not the cached one
        Assert.Contains("""{"id":"neo-\u0022quoted\u0022","position":{"x":11,"y":0,"z":-7}}""", moved);
        Assert.Equal(Expected, ViewOf(new Vec3(10.5, 0, -7)));
    }

    [Fact]
    public void More_movers_than_a_thread_keeps_are_all_written_right()
    {
        // Past the cache's bound (it is emptied and refilled): every entry still has its own id and position.
        var frame = ServerFrames.View(Crowd(20_000));
        using var parsed = JsonDocument.Parse(frame);
        var moved = parsed.RootElement.GetProperty("data").GetProperty("moved");
        Assert.Equal(20_000, moved.GetArrayLength());
        Assert.Equal("p19999", moved[19_999].GetProperty("id").GetString());
        Assert.Equal(-19_999, moved[19_999].GetProperty("position").GetProperty("z").GetDouble());
        var again = ServerFrames.View(Crowd(20_000));
        Assert.Equal(frame, again);
    }

    [Fact]
    public async Task Frames_built_on_many_threads_at_once_are_each_whole()
    {
        var frames = await Task.WhenAll(Enumerable.Range(1, 64).Select(n => Task.Run(() => (n, ServerFrames.View(Crowd(n))))));
        foreach (var (n, frame) in frames)
        {
            using var parsed = JsonDocument.Parse(frame);
            Assert.Equal(n, parsed.RootElement.GetProperty("data").GetProperty("moved").GetArrayLength());
        }
    }
}

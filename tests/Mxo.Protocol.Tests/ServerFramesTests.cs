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

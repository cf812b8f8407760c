using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Edge.Tests;

public sealed class ViewConflationTests
{
    private static readonly DistrictId Downtown = new("downtown");

    /// <summary>What a client knows: who it sees, where.</summary>
    private static void Apply(Dictionary<PlayerId, Vec3> picture, SessionPushes.ViewUpdate update)
    {
        foreach (var id in update.Left) picture.Remove(id);
        foreach (var o in update.Entered) picture[o.PlayerId] = o.Position;
        foreach (var m in update.Moved)
        {
            Assert.True(picture.ContainsKey(m.PlayerId), $"moved {m.PlayerId} is not in view");
            picture[m.PlayerId] = m.Position;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_merged_update_gives_the_same_picture_as_the_updates_one_by_one(int seed)
    {
        var random = new Random(seed);
        var truth = new Dictionary<PlayerId, Vec3>();   // the district's view for this viewer
        var direct = new Dictionary<PlayerId, Vec3>();  // a fast client
        var slow = new Dictionary<PlayerId, Vec3>();    // a slow client, fed conflated updates now and then
        var conflation = new ViewConflation();
        var ids = Enumerable.Range(0, 12).Select(i => new PlayerId("p" + i)).ToArray();

        for (var tick = 0; tick < 400; tick++)
        {
            var entered = new List<Occupant>();
            var moved = new List<Seen>();
            var left = new List<PlayerId>();
            foreach (var id in ids)
            {
                var roll = random.NextDouble();
                var at = new Vec3(random.Next(100), 0, random.Next(100));
                if (truth.ContainsKey(id))
                {
                    if (roll < 0.1) { truth.Remove(id); left.Add(id); }
                    else if (roll < 0.6) { truth[id] = at; moved.Add(new Seen(id, at)); }
                }
                else if (roll < 0.2)
                {
                    truth[id] = at;
                    entered.Add(new Occupant(id, id.Value, at));
                }
            }
            var update = new SessionPushes.ViewUpdate(Downtown, entered.ToArray(), moved.ToArray(), left.ToArray());
            Apply(direct, update);
            conflation.Add(update);
            if (random.NextDouble() < 0.15 && conflation.Take() is { } merged)
            {
                Apply(slow, merged);
                Assert.Equal(truth.OrderBy(kv => kv.Key.Value), slow.OrderBy(kv => kv.Key.Value));
            }
        }
        if (conflation.Take() is { } rest) Apply(slow, rest);
        Assert.Equal(truth.OrderBy(kv => kv.Key.Value), direct.OrderBy(kv => kv.Key.Value));
        Assert.Equal(truth.OrderBy(kv => kv.Key.Value), slow.OrderBy(kv => kv.Key.Value));
        Assert.True(conflation.IsEmpty);
    }

    [Fact]
    public void Someone_who_entered_and_left_before_being_sent_is_never_mentioned()
    {
        var conflation = new ViewConflation();
        var smith = new PlayerId("smith");
        conflation.Add(new SessionPushes.ViewUpdate(Downtown, [new Occupant(smith, "Smith", default)], [], []));
        conflation.Add(new SessionPushes.ViewUpdate(Downtown, [], [new Seen(smith, new Vec3(1, 0, 1))], []));
        conflation.Add(new SessionPushes.ViewUpdate(Downtown, [], [], [smith]));
        Assert.Null(conflation.Take());
    }
}

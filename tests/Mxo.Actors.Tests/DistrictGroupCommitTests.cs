using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit;
using Mxo.Actors.Districts;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>
/// The in-memory journal with a gate the test opens and closes, so that a write is in flight for as long as the test
/// wants; it remembers every write it was asked for (the events of each, in order) and the events it made durable.
/// Controlled through its actor (<see cref="Persistence.JournalFor"/>): every control message is answered with the
/// journal's <see cref="Writes"/>.
/// </summary>
public sealed class GatedJournal : MemoryJournal
{
    public sealed record Close;
    public sealed record Open(bool Fail = false);
    public sealed record GetWrites;

    /// <summary>Each write asked for (its events), and the events that became durable, in order.</summary>
    public sealed record Writes(IReadOnlyList<IReadOnlyList<object>> Asked, IReadOnlyList<object> Durable);

    private readonly List<IReadOnlyList<object>> _asked = new();
    private readonly List<object> _durable = new();
    private TaskCompletionSource<bool>? _gate; // completes with "fail the writes"

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        var events = writes.SelectMany(w => (IImmutableList<IPersistentRepresentation>)w.Payload).Select(p => p.Payload).ToList();
        lock (_asked) _asked.Add(events);
        if (_gate is { } gate && await gate.Task)
            throw new InvalidOperationException("the journal is down (test)");
        var result = await base.WriteMessagesAsync(writes, cancellationToken);
        lock (_asked) _durable.AddRange(events);
        return result;
    }

    protected override bool ReceivePluginInternal(object message)
    {
        switch (message)
        {
            case Close:
                _gate ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                break;
            case Open open:
                _gate?.TrySetResult(open.Fail);
                _gate = null;
                break;
            case GetWrites:
                break;
            default:
                return base.ReceivePluginInternal(message);
        }
        lock (_asked) Sender.Tell(new Writes(_asked.ToList(), _durable.ToList()));
        return true;
    }
}

/// <summary>
/// Group commit in <see cref="DistrictEntity"/>: what arrives while a write is in flight shares the next write, and
/// everyone hears what they would have heard had each write been awaited alone.
/// </summary>
public sealed class DistrictGroupCommitTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DistrictId Downtown = new("downtown");
    private static readonly PlayerId Neo = new("neo");
    private static readonly PlayerId Trinity = new("trinity");
    private static readonly PlayerId Morpheus = new("morpheus");
    private static readonly PlayerId Smith = new("smith");
    private static readonly Vec3 Spawn = new(1500, 0, 0);

    private readonly IActorRef _journal;

    public DistrictGroupCommitTests() : base(ActorTestConfig.WithJournal<GatedJournal>("gated"))
    {
        _journal = Persistence.Instance.Apply(Sys).JournalFor(null);
    }

    /// <summary>Ticks wait for writes like any other command; these tests count writes, so the district never ticks.</summary>
    private static readonly WorldSettings Quiet = ActorTestConfig.Settings with { TickInterval = TimeSpan.FromHours(1) };

    private IActorRef StartDistrict(WorldSettings? settings = null) =>
        Sys.ActorOf(DistrictEntity.PropsFor("downtown", settings ?? Quiet, ActorTestConfig.Map));

    private void Join(IActorRef district, PlayerId player, string name, TestProbe session)
    {
        district.Tell(new DistrictCommands.Join(Downtown, player, name, Spawn, session.Ref, "j-" + player));
        ExpectMsg<DistrictReplies.Joined>();
    }

    private GatedJournal.Writes Ask(object control)
    {
        _journal.Tell(control, TestActor);
        return ExpectMsg<GatedJournal.Writes>();
    }

    /// <summary>Closes the gate and has <paramref name="client"/> say "s0": that write is then in flight and held.</summary>
    private int HoldAWrite(IActorRef district, TestProbe client)
    {
        var before = Ask(new GatedJournal.Close()).Asked.Count;
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "first", "s0"), client.Ref);
        AwaitAssert(() => Assert.Equal(before + 1, Ask(new GatedJournal.GetWrites()).Asked.Count));
        return before;
    }

    private static string[] Lines(TestProbe session, int count) =>
        Enumerable.Range(0, count).Select(_ => session.FishForMessage<SessionPushes.ChatLine>(_ => true).Text).ToArray();

    [Fact]
    public void Chat_lines_sent_while_a_write_is_in_flight_share_one_write_and_are_acknowledged_in_order_once_durable()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var listener = CreateTestProbe();
        var client = CreateTestProbe();
        Join(district, Neo, "Neo", neo);
        Join(district, Trinity, "Trinity", listener);
        var before = HoldAWrite(district, client);

        for (var i = 1; i <= 10; i++) district.Tell(new DistrictCommands.Say(Downtown, Neo, "line " + i, "s" + i), client.Ref);
        // Nothing is durable yet: nobody hears anything, nothing is acknowledged.
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Empty(listener.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m as SessionPushes.ChatLine));

        var writes = Ask(new GatedJournal.Open());
        for (var i = 0; i <= 10; i++) Assert.Equal("s" + i, client.ExpectMsg<Replies.Acknowledged>().CommandId);
        Assert.Equal(["first", .. Enumerable.Range(1, 10).Select(i => "line " + i)], Lines(listener, 11));

        writes = Ask(new GatedJournal.GetWrites());
        // One write for the line in flight, one for the ten that came meanwhile (one each before group commit).
        Assert.Equal([1, 10], writes.Asked.Skip(before).Select(w => w.Count));
        var durable = writes.Durable.OfType<DistrictEvents.ChatLineRecorded>().Select(e => e.CommandId).ToArray();
        Assert.Equal(Enumerable.Range(0, 11).Select(i => "s" + i), durable);
    }

    [Fact]
    public void Moves_waiting_behind_a_write_are_bounded_and_the_excess_is_dropped()
    {
        var district = StartDistrict(Quiet with { DistrictWriteQueue = 2 });
        var neo = CreateTestProbe();
        var client = CreateTestProbe();
        Join(district, Neo, "Neo", neo);
        HoldAWrite(district, client);

        // A query waits behind the write, and so does every move after it: one fits, the rest are past the bound.
        district.Tell(new DistrictCommands.GetOccupancy(Downtown), client.Ref);
        for (var i = 1; i <= 5; i++) district.Tell(new DistrictCommands.UpdatePosition(Downtown, Neo, Spawn with { X = Spawn.X + i }));
        district.Tell(new DistrictCommands.GetOccupancy(Downtown), client.Ref);

        Ask(new GatedJournal.Open());
        client.ExpectMsg<Replies.Acknowledged>();
        Assert.Equal(Spawn, client.ExpectMsg<DistrictReplies.Occupancy>().Present.Single().Position);
        Assert.Equal(Spawn with { X = Spawn.X + 1 }, client.ExpectMsg<DistrictReplies.Occupancy>().Present.Single().Position);
    }

    [Fact]
    public void A_failed_write_acknowledges_nothing_and_stops_the_district()
    {
        var district = StartDistrict();
        var neo = CreateTestProbe();
        var client = CreateTestProbe();
        Join(district, Neo, "Neo", neo);
        Watch(district);
        HoldAWrite(district, client);
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "second", "s1"), client.Ref);

        var writes = Ask(new GatedJournal.Open(Fail: true));
        ExpectTerminated(district);
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Empty(neo.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m as SessionPushes.ChatLine));
        Assert.DoesNotContain(Ask(new GatedJournal.GetWrites()).Durable, e => e is DistrictEvents.ChatLineRecorded);
    }

    [Fact]
    public void Beyond_the_write_queue_a_say_is_refused_at_once_with_busy()
    {
        var district = StartDistrict(Quiet with { DistrictWriteQueue = 3 });
        var client = CreateTestProbe();
        Join(district, Neo, "Neo", CreateTestProbe());
        HoldAWrite(district, client);
        for (var i = 1; i <= 4; i++) district.Tell(new DistrictCommands.Say(Downtown, Neo, "line " + i, "s" + i), client.Ref);

        // Three wait for the next write; the fourth is refused while the write is still held.
        var refused = client.ExpectMsg<Replies.Rejected>();
        Assert.Equal(("s4", ErrorCodes.Busy), (refused.CommandId, refused.Code));

        Ask(new GatedJournal.Open());
        for (var i = 0; i <= 3; i++) Assert.Equal("s" + i, client.ExpectMsg<Replies.Acknowledged>().CommandId);
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.DoesNotContain(Ask(new GatedJournal.GetWrites()).Durable,
            e => e is DistrictEvents.ChatLineRecorded { CommandId: "s4" });
    }

    [Fact]
    public void Decisions_see_the_commands_decided_before_them_a_retry_is_recorded_once()
    {
        var district = StartDistrict();
        var listener = CreateTestProbe();
        var client = CreateTestProbe();
        Join(district, Neo, "Neo", CreateTestProbe());
        Join(district, Trinity, "Trinity", listener);
        var before = HoldAWrite(district, client);
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "again", "s1"), client.Ref);
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "again", "s1"), client.Ref);

        Ask(new GatedJournal.Open());
        Assert.Equal(["s0", "s1", "s1"], Enumerable.Range(0, 3).Select(_ => client.ExpectMsg<Replies.Acknowledged>().CommandId));
        Assert.Equal(["first", "again"], Lines(listener, 2));
        Assert.Empty(listener.ReceiveWhile(TimeSpan.FromMilliseconds(300), m => m as SessionPushes.ChatLine));
        Assert.Equal([1, 1], Ask(new GatedJournal.GetWrites()).Asked.Skip(before).Select(w => w.Count));
    }

    [Fact]
    public void Enters_share_a_write_the_capacity_holds_and_a_newcomer_may_speak_once_it_is_in()
    {
        var district = StartDistrict(Quiet with { DistrictCapacity = 3 });
        var client = CreateTestProbe();
        var trinity = CreateTestProbe();
        Join(district, Neo, "Neo", CreateTestProbe());
        var before = HoldAWrite(district, client);

        district.Tell(new DistrictCommands.Join(Downtown, Trinity, "Trinity", Spawn, trinity.Ref, "j1"), client.Ref);
        district.Tell(new DistrictCommands.Join(Downtown, Morpheus, "Morpheus", Spawn, CreateTestProbe().Ref, "j2"), client.Ref);
        district.Tell(new DistrictCommands.Join(Downtown, Smith, "Smith", Spawn, CreateTestProbe().Ref, "j3"), client.Ref);
        // Trinity speaks before her entry is durable: the line waits for it, as it did when each write was awaited alone.
        district.Tell(new DistrictCommands.Say(Downtown, Trinity, "hello", "t1"), client.Ref);
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        Ask(new GatedJournal.Open());
        Assert.Equal("s0", client.ExpectMsg<Replies.Acknowledged>().CommandId);
        Assert.Equal(Trinity, client.ExpectMsg<DistrictReplies.Joined>().PlayerId);
        var morpheus = client.ExpectMsg<DistrictReplies.Joined>();
        Assert.Equal([Neo, Trinity], morpheus.Occupants.Select(o => o.PlayerId).OrderBy(p => p.Value));
        // Neo, Trinity and Morpheus fill it: Smith counted the two entries not yet durable.
        var smith = client.ExpectMsg<DistrictReplies.JoinRefused>();
        Assert.Equal(("j3", ErrorCodes.DistrictFull), (smith.CommandId, smith.Code));
        Assert.Equal("t1", client.ExpectMsg<Replies.Acknowledged>().CommandId);
        Assert.Equal("hello", trinity.FishForMessage<SessionPushes.ChatLine>(_ => true).Text);

        // The say in flight; both entries in one write; then Trinity's line, which waited for hers.
        var sizes = Ask(new GatedJournal.GetWrites()).Asked.Skip(before).Select(w => w.Count).ToArray();
        Assert.Equal([1, 2, 1], sizes);
    }
}

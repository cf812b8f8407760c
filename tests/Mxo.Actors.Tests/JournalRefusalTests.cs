using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Mxo.Actors.Districts;
using Mxo.Actors.Players;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Xunit;

namespace Mxo.Actors.Tests;

/// <summary>
/// The in-memory journal with a switch: while it is down, every write is refused (rejected, nothing stored), as the
/// node's journal refuses writes its database could not be reached for (src/Mxo.Node/Fencing/JournalOutage.cs).
/// </summary>
public sealed class SwitchedJournal : MemoryJournal
{
    /// <summary>Tell the journal actor this to switch it; it answers with the same message.</summary>
    public sealed record Down(bool IsDown);

    private bool _down;

    protected override Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        if (_down)
            return Task.FromResult<IImmutableList<Exception?>>(writes.Select(_ => (Exception?)new InvalidOperationException("database unreachable (test)")).ToImmutableList());
        return base.WriteMessagesAsync(writes, cancellationToken);
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not Down down) return base.ReceivePluginInternal(message);
        _down = down.IsDown;
        Sender.Tell(down);
        return true;
    }
}

/// <summary>
/// What an entity does with a write its journal refused (<see cref="MxoEntity{TState}"/>'s <c>refused</c> callbacks):
/// the request is answered <c>unavailable</c>, nothing changes, and the entity serves again once the journal takes writes.
/// </summary>
public sealed class JournalRefusalTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DistrictId Downtown = new("downtown");
    private static readonly PlayerId Neo = new("neo");
    private static readonly PlayerId Trinity = new("trinity");
    private static readonly Vec3 Spawn = new(1500, 0, 0);

    public JournalRefusalTests() : base(ActorTestConfig.WithJournal<SwitchedJournal>("switched"))
    {
    }

    private void JournalDown(bool down)
    {
        Persistence.Instance.Apply(Sys).JournalFor(null).Tell(new SwitchedJournal.Down(down));
        ExpectMsg<SwitchedJournal.Down>();
    }

    private IActorRef StartDistrict(WorldSettings? settings = null) =>
        Sys.ActorOf(DistrictEntity.PropsFor("downtown", settings ?? ActorTestConfig.Settings, ActorTestConfig.Map));

    [Fact]
    public void A_line_the_journal_refused_is_answered_unavailable_and_not_heard_and_the_same_id_works_once_it_is_back()
    {
        var district = StartDistrict();
        var session = CreateTestProbe();
        district.Tell(new DistrictCommands.Join(Downtown, Neo, "Neo", Spawn, session.Ref, "j1"));
        ExpectMsg<DistrictReplies.Joined>();

        JournalDown(true);
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "hello?", "s1"));
        var refused = ExpectMsg<Replies.Rejected>();
        Assert.Equal(("s1", ErrorCodes.Unavailable), (refused.CommandId, refused.Code));
        district.Tell(new DistrictCommands.GetStatus(Downtown)); // answered after anything the say could have sent
        ExpectMsg<DistrictReplies.Status>();
        Assert.False(session.HasMessages && session.ReceiveWhile(TimeSpan.Zero, m => m).OfType<SessionPushes.ChatLine>().Any());

        JournalDown(false);
        district.Tell(new DistrictCommands.Say(Downtown, Neo, "hello?", "s1"));
        Assert.Equal("s1", ExpectMsg<Replies.Acknowledged>().CommandId);
        Assert.Equal("hello?", session.FishForMessage<SessionPushes.ChatLine>(_ => true).Text);
    }

    [Fact]
    public void A_join_the_journal_refused_takes_no_place_in_the_district()
    {
        var district = StartDistrict(ActorTestConfig.Settings with { DistrictCapacity = 1 });
        JournalDown(true);
        district.Tell(new DistrictCommands.Join(Downtown, Neo, "Neo", Spawn, CreateTestProbe().Ref, "j1"));
        var refused = ExpectMsg<DistrictReplies.JoinRefused>();
        Assert.Equal(("j1", ErrorCodes.Unavailable), (refused.CommandId, refused.Code));

        // The refused join counted against the capacity only while it was pending: the one place is free.
        JournalDown(false);
        district.Tell(new DistrictCommands.Join(Downtown, Trinity, "Trinity", Spawn, CreateTestProbe().Ref, "j2"));
        Assert.Equal(Trinity, ExpectMsg<DistrictReplies.Joined>().PlayerId);
    }

    [Fact]
    public void An_entry_the_journal_refused_leaves_the_character_where_it_was_and_lets_the_district_go()
    {
        var districts = CreateTestProbe();
        var session = CreateTestProbe();
        var player = Sys.ActorOf(PlayerEntity.PropsFor("neo", ActorTestConfig.Settings, ActorTestConfig.Map, districts.Ref));
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", session.Ref), session.Ref);
        session.ExpectMsg<PlayerReplies.Attached>();

        JournalDown(true);
        player.Tell(new PlayerCommands.EnterDistrict(Neo, Downtown, "e1"), session.Ref);
        var join = districts.ExpectMsg<DistrictCommands.Join>();
        districts.Reply(new DistrictReplies.Joined(Downtown, Neo, "e1", []));
        var refused = session.ExpectMsg<Replies.Rejected>();
        Assert.Equal(("e1", ErrorCodes.Unavailable), (refused.CommandId, refused.Code));
        Assert.Equal((Downtown, Neo), (districts.ExpectMsg<DistrictCommands.Depart>().District, join.PlayerId));

        player.Tell(new PlayerCommands.GetState(Neo));
        Assert.Null(ExpectMsg<PlayerState>().District);
        // Not present anywhere: a move is refused as before any entry.
        player.Tell(new PlayerCommands.Move(Neo, Spawn), session.Ref);
        Assert.Equal(ErrorCodes.NotInDistrict, session.ExpectMsg<Replies.Rejected>().Code);
    }

    [Fact]
    public void A_new_character_the_journal_refused_is_told_unavailable_on_attach()
    {
        var session = CreateTestProbe();
        var player = Sys.ActorOf(PlayerEntity.PropsFor("neo", ActorTestConfig.Settings, ActorTestConfig.Map, CreateTestProbe().Ref));
        JournalDown(true);
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", session.Ref), session.Ref);
        var refused = session.ExpectMsg<Replies.Rejected>();
        Assert.Equal((PlayerReplies.AttachCommandId, ErrorCodes.Unavailable), (refused.CommandId, refused.Code));

        JournalDown(false);
        player.Tell(new PlayerCommands.Attach(Neo, "Neo", session.Ref), session.Ref);
        Assert.Equal("Neo", session.ExpectMsg<PlayerReplies.Attached>().Character.Name);
    }
}

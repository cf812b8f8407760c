using Akka.Actor;
using Akka.Cluster;
using Mxo.Node.Fencing;
using Xunit;

namespace Mxo.Node.Tests;

/// <summary>The write fence's rule (src/Mxo.Node/Fencing/WriteFenceRules.cs): keep-majority's arithmetic over contacts.</summary>
public sealed class WriteFenceRulesTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Now = TimeSpan.FromSeconds(1000);

    // Address order is host, then port: A < B < C < D.
    private static readonly Address A = new("akka.tcp", "mxo", "127.0.0.1", 4001);
    private static readonly Address B = new("akka.tcp", "mxo", "127.0.0.1", 4002);
    private static readonly Address C = new("akka.tcp", "mxo", "127.0.0.1", 4003);
    private static readonly Address D = new("akka.tcp", "mxo", "127.0.0.1", 4004);

    private static FenceMember[] Up(params Address[] addresses) => addresses.Select(a => new FenceMember(a, MemberStatus.Up)).ToArray();

    private static Dictionary<Address, TimeSpan> HeardAgo(params (Address Address, double Seconds)[] contacts) =>
        contacts.ToDictionary(c => c.Address, c => Now - TimeSpan.FromSeconds(c.Seconds));

    private static FenceDecision Decide(Address self, FenceMember[] members, Dictionary<Address, TimeSpan> heard) =>
        WriteFenceRules.Decide(self, members, heard, Now, Within);

    [Fact]
    public void A_cluster_of_one_is_always_open()
    {
        Assert.True(Decide(A, Up(A), HeardAgo()).Open);
    }

    [Fact]
    public void Before_joining_a_node_may_write_only_alone()
    {
        Assert.True(Decide(A, [], HeardAgo()).Open);
        Assert.True(Decide(A, [new FenceMember(A, MemberStatus.Joining)], HeardAgo()).Open);
        Assert.False(Decide(B, [new FenceMember(A, MemberStatus.Up), new FenceMember(B, MemberStatus.Joining)], HeardAgo((A, 0.1))).Open);
    }

    [Fact]
    public void Strictly_more_than_half_heard_is_open_counting_itself()
    {
        Assert.True(Decide(B, Up(A, B, C), HeardAgo((A, 1))).Open);
        Assert.True(Decide(B, Up(A, B, C), HeardAgo((C, 3.9))).Open);
        var alone = Decide(B, Up(A, B, C), HeardAgo());
        Assert.False(alone.Open);
        Assert.Equal((1, 3), (alone.Heard, alone.Counted));
        Assert.Null(alone.MajoritySince);
    }

    [Fact]
    public void A_contact_older_than_the_window_does_not_count()
    {
        var stale = Decide(B, Up(A, B, C), HeardAgo((A, 4.5), (C, 20)));
        Assert.False(stale.Open);
        Assert.Equal(1, stale.Heard);
        Assert.Equal(TimeSpan.FromSeconds(4.5), stale.MajoritySince);
        Assert.Contains("4.5 s ago", stale.Describe());
        Assert.True(Decide(B, Up(A, B, C), HeardAgo((A, 4))).Open); // the window's edge is inside
    }

    [Fact]
    public void Exactly_half_is_open_only_with_the_lowest_address()
    {
        // Keep-majority's tie rule: the half with the lowest address survives.
        Assert.True(Decide(A, Up(A, B), HeardAgo()).Open);
        Assert.False(Decide(B, Up(A, B), HeardAgo()).Open);
        Assert.True(Decide(B, Up(A, B), HeardAgo((A, 1))).Open);
        Assert.True(Decide(C, Up(A, B, C, D), HeardAgo((A, 1))).Open);
        Assert.False(Decide(C, Up(A, B, C, D), HeardAgo((D, 1))).Open);
        Assert.True(Decide(C, Up(A, B, C, D), HeardAgo((D, 1), (B, 1))).Open);
    }

    [Fact]
    public void Only_the_statuses_keep_majority_counts_are_counted()
    {
        // Joining, WeaklyUp and Exiting members are not counted (Akka.Cluster/SBR/DowningStrategy.cs), Leaving is.
        FenceMember[] members =
        [
            new(A, MemberStatus.Up), new(B, MemberStatus.Up), new(C, MemberStatus.Joining), new(D, MemberStatus.Exiting),
        ];
        Assert.True(Decide(B, members, HeardAgo((A, 1))).Open);
        Assert.False(Decide(B, members, HeardAgo((C, 1), (D, 1))).Open);
        FenceMember[] leaving = [new(A, MemberStatus.Leaving), new(B, MemberStatus.Up), new(C, MemberStatus.Up)];
        Assert.Equal(3, Decide(B, leaving, HeardAgo((A, 1))).Counted);
    }

    [Fact]
    public void A_down_node_is_closed_whatever_it_heard()
    {
        FenceMember[] members = [new(A, MemberStatus.Up), new(B, MemberStatus.Down), new(C, MemberStatus.Up)];
        Assert.False(Decide(B, members, HeardAgo((A, 0.1), (C, 0.1))).Open);
    }

    [Fact]
    public void Contacts_of_members_that_are_not_counted_do_not_help()
    {
        // A zombie's view may still list members that have since left; an answer from a stranger counts for nothing.
        var stranger = new Address("akka.tcp", "mxo", "127.0.0.1", 5000);
        Assert.False(Decide(B, Up(A, B, C), HeardAgo((stranger, 0.1))).Open);
    }
}

using Akka.Actor;
using Akka.Cluster;

namespace Mxo.Node.Fencing;

/// <summary>One member as this node sees it: its address and status.</summary>
public readonly record struct FenceMember(Address Address, MemberStatus Status);

/// <summary>
/// Whether this node may write to the journal now, and the figures behind it (for the refusal's message and the log).
/// </summary>
/// <param name="Heard">Counted members heard from within the window, this node included.</param>
/// <param name="Counted">Members the split-brain resolver counts (see <see cref="WriteFenceRules.Counts"/>).</param>
/// <param name="MajoritySince">How long ago a majority of the counted members was last all in contact; null: never.</param>
public readonly record struct FenceDecision(bool Open, int Heard, int Counted, TimeSpan? MajoritySince, string Reason)
{
    public string Describe() => $"{Reason} (heard {Heard} of {Counted} counted members; a majority was last in contact " +
                                (MajoritySince is { } ago ? $"{ago.TotalSeconds:0.0} s ago)" : "never)");
}

/// <summary>
/// The write fence's rule, a pure function of the membership, the last contacts and the time
/// (docs/architecture.md, "Failure and load"). It mirrors the keep-majority split-brain resolver (hocon/akka.conf):
/// a node may write only while it could be on the side keep-majority keeps.
/// </summary>
public static class WriteFenceRules
{
    /// <summary>
    /// The statuses keep-majority counts: Akka.NET's <c>DowningStrategy.Members</c> (Akka.Cluster/SBR/DowningStrategy.cs)
    /// leaves out Joining, WeaklyUp, Down and Exiting, which leaves Up and Leaving.
    /// </summary>
    public static bool Counts(MemberStatus status) => status is MemberStatus.Up or MemberStatus.Leaving;

    /// <param name="self">This node's address.</param>
    /// <param name="members">The members this node sees (its cluster state), itself included once it has joined.</param>
    /// <param name="lastContact">When each other member last answered, as the time this node asked (monotonic).</param>
    /// <param name="now">The same monotonic clock now.</param>
    /// <param name="contactWithin">A contact older than this does not count.</param>
    public static FenceDecision Decide(Address self, IReadOnlyCollection<FenceMember> members,
        IReadOnlyDictionary<Address, TimeSpan> lastContact, TimeSpan now, TimeSpan contactWithin)
    {
        FenceMember? me = members.Any(m => m.Address == self) ? members.First(m => m.Address == self) : null;
        if (me?.Status is MemberStatus.Down or MemberStatus.Removed)
            return new FenceDecision(false, 0, 0, null, "this node is down");

        var counted = members.Where(m => Counts(m.Status)).Select(m => m.Address)
            .OrderBy(a => a, Member.AddressOrdering).ToList();
        if (me is null || !Counts(me.Value.Status))
        {
            // Not (or no longer) a counted member: joining, or exiting after its shards were handed off. It hosts no
            // entities then; a node alone (the first seed before it is Up) may write, any other may not.
            var alone = members.All(m => m.Address == self);
            return new FenceDecision(alone, alone ? 1 : 0, counted.Count, alone ? TimeSpan.Zero : null,
                alone ? "the only member" : "this node is not an Up member yet");
        }

        // How long ago each counted member was last in contact; this node is always in contact with itself.
        var ages = counted.ToDictionary(a => a, a => a == self ? TimeSpan.Zero
            : lastContact.TryGetValue(a, out var at) ? now - at : (TimeSpan?)null);
        var heard = counted.Where(a => ages[a] is { } age && age <= contactWithin).ToHashSet();

        var majority = 2 * heard.Count > counted.Count
                       // Exactly half: keep-majority keeps the half with the lowest address.
                       || (2 * heard.Count == counted.Count && heard.Contains(counted[0]));
        var needed = counted.Count / 2 + 1;
        var known = ages.Values.OfType<TimeSpan>().Order().ToList();
        TimeSpan? majoritySince = known.Count >= needed ? known[needed - 1] : null;
        return new FenceDecision(majority, heard.Count, counted.Count, majoritySince,
            majority ? "in contact with a majority" : "not in contact with a majority of the cluster");
    }
}

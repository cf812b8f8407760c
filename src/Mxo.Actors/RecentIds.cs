using System.Collections.Immutable;

namespace Mxo.Actors;

/// <summary>The bounded list of recently applied command ids that makes a retried command apply once.</summary>
public static class RecentIds
{
    /// <summary>Appends <paramref name="id"/> (once), keeping the newest <paramref name="max"/>, newest last.</summary>
    public static ImmutableList<string> Remember(ImmutableList<string> recent, string id, int max)
    {
        if (recent.Contains(id)) return recent;
        var next = recent.Add(id);
        return next.Count > max ? next.RemoveRange(0, next.Count - max) : next;
    }
}

using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;

namespace Mxo.Edge;

/// <summary>
/// Merges the view updates a slow client has not been sent yet into one, so the district's tick never waits for a
/// client and a client's backlog is bounded by what it can see, not by how long it has been slow. The merge keeps the
/// client's picture exact: applying the merged update (left, then entered, then moved) gives the same result as
/// applying the originals one after the other.
/// </summary>
public sealed class ViewConflation
{
    private readonly Dictionary<PlayerId, Occupant> _entered = new();
    private readonly Dictionary<PlayerId, Vec3> _moved = new();
    private readonly HashSet<PlayerId> _left = new();
    private DistrictId? _district;

    public bool IsEmpty => _entered.Count == 0 && _moved.Count == 0 && _left.Count == 0;

    public void Add(SessionPushes.ViewUpdate update)
    {
        if (_district is { } current && current != update.District)
        {
            // A view of another district (the player crossed over): everything pending about the old one is moot,
            // the new district's first update says who is in view now.
            Clear();
        }
        _district = update.District;

        foreach (var id in update.Left)
        {
            _moved.Remove(id);
            // Entered and left again before the client heard of it: it never needs to.
            if (!_entered.Remove(id)) _left.Add(id);
        }
        foreach (var occupant in update.Entered)
        {
            _moved.Remove(occupant.PlayerId);
            _entered[occupant.PlayerId] = occupant;
        }
        foreach (var seen in update.Moved)
        {
            if (_entered.TryGetValue(seen.PlayerId, out var entered))
                _entered[seen.PlayerId] = entered with { Position = seen.Position };
            else
                _moved[seen.PlayerId] = seen.Position;
        }
    }

    /// <summary>The merged update, and an empty conflation; null when there is nothing to send.</summary>
    public SessionPushes.ViewUpdate? Take()
    {
        if (IsEmpty || _district is not { } district) return null;
        var update = new SessionPushes.ViewUpdate(district,
            _entered.Values.ToArray(),
            _moved.Select(kv => new Seen(kv.Key, kv.Value)).ToArray(),
            _left.ToArray());
        Clear();
        return update;
    }

    private void Clear()
    {
        _entered.Clear();
        _moved.Clear();
        _left.Clear();
    }
}

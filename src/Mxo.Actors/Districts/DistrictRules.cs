using System.Collections.Immutable;
using Mxo.Protocol;
using Mxo.Protocol.Districts;

namespace Mxo.Actors.Districts;

/// <summary>The district's durable rules as pure functions over <see cref="DistrictState"/>.</summary>
public static class DistrictRules
{
    /// <summary>How many recent chat ids a district remembers for de-duplication.</summary>
    public const int RememberedChatIds = 256;

    public static DistrictState Apply(DistrictState state, IMxoEvent @event) => @event switch
    {
        DistrictEvents.PlayerEntered e => state with { Residents = state.Residents.SetItem(e.PlayerId.Value, e.Name) },
        DistrictEvents.PlayerLeft e => state with { Residents = state.Residents.Remove(e.PlayerId.Value) },
        DistrictEvents.ChatLineRecorded e => state with { RecentChatIds = Remember(state.RecentChatIds, ChatKey(e.PlayerId, e.CommandId)) },
        _ => throw new ArgumentException($"DistrictEntity cannot apply {@event.GetType().Name}", nameof(@event)),
    };

    /// <summary>A join persists only when the player was not already a resident.</summary>
    public static DistrictEvents.PlayerEntered? DecideJoin(DistrictState state, PlayerId player, string name) =>
        state.Residents.ContainsKey(player.Value) ? null : new DistrictEvents.PlayerEntered(player, name);

    public static DistrictEvents.PlayerLeft? DecideLeave(DistrictState state, PlayerId player) =>
        state.Residents.ContainsKey(player.Value) ? new DistrictEvents.PlayerLeft(player) : null;

    /// <summary>Null when this line was already recorded (a retry): acknowledge again without recording twice.</summary>
    public static DistrictEvents.ChatLineRecorded? DecideSay(DistrictState state, PlayerId player, string name, string text, string commandId, long nowUnixMs) =>
        state.RecentChatIds.Contains(ChatKey(player, commandId))
            ? null
            : new DistrictEvents.ChatLineRecorded(player, name, text, commandId, nowUnixMs);

    public static string ChatKey(PlayerId player, string commandId) => player.Value + "/" + commandId;

    private static ImmutableList<string> Remember(ImmutableList<string> recent, string id)
    {
        var next = recent.Add(id);
        return next.Count > RememberedChatIds ? next.RemoveRange(0, next.Count - RememberedChatIds) : next;
    }
}

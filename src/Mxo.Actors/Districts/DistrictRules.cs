using System.Collections.Immutable;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.World;

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
        DistrictEvents.ChatLineRecorded e => state with { RecentChatIds = RecentIds.Remember(state.RecentChatIds, ChatKey(e.PlayerId, e.CommandId), RememberedChatIds) },
        DistrictEvents.ObjectInteracted e => state with
        {
            Objects = state.Objects.SetItem(e.ObjectId, e.State), LastUsers = state.LastUsers.SetItem(e.ObjectId, e.PlayerId.Value),
        },
        DistrictEvents.NpcDefeated e => state with { NpcRespawns = state.NpcRespawns.SetItem(e.NpcId, e.RespawnAtMs) },
        DistrictEvents.NpcRespawned e => state with { NpcRespawns = state.NpcRespawns.Remove(e.NpcId) },
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

    /// <summary>An object's current state: the last interaction's, or the world data file's initial one.</summary>
    public static string ObjectState(DistrictState state, WorldObjectData data) =>
        state.Objects.TryGetValue(data.Id, out var current) ? current : data.State;

    /// <summary>
    /// What an action does to an object. Doors open and close (a locked door refuses); terminals are used (and stay
    /// idle for the next user). An action that would not change the state (a door already so, a terminal used again by
    /// its last user) is acknowledged without recording.
    /// </summary>
    public static InteractDecision DecideInteract(DistrictState state, DistrictData district, PlayerId player, Vec3 at,
        string objectId, string action, string commandId, double reach, long nowUnixMs)
    {
        if (district.Objects.FirstOrDefault(o => o.Id == objectId) is not { } data)
            return new InteractDecision.Refuse(ErrorCodes.UnknownObject, $"no object '{objectId}' in {district.Name}");
        if (data.Position.FlatDistanceTo(at) > reach)
            return new InteractDecision.Refuse(ErrorCodes.OutOfReach, $"'{objectId}' is more than {reach:0} units away");
        var current = ObjectState(state, data);
        string? next = (data.Kind, action, current) switch
        {
            ("door", "open", "locked") => null,
            ("door", "open", _) => "open",
            ("door", "close", "locked") => "locked",
            ("door", "close", _) => "closed",
            ("terminal", "use", _) => "used",
            _ => null,
        };
        if (next is null)
            return new InteractDecision.Refuse(ErrorCodes.UnknownAction,
                current == "locked" ? $"'{objectId}' is locked" : $"'{action}' does not apply to a {data.Kind}");
        // Nothing changes: a door already in that state, or the terminal's last user using it again (issue 7: a
        // client using a terminal 1,200 times a second journaled and broadcast every use).
        var unchanged = next == current && (data.Kind == "door"
            || (state.LastUsers.TryGetValue(objectId, out var lastUser) && lastUser == player.Value));
        return unchanged
            ? new InteractDecision.AlreadyDone()
            : new InteractDecision.Record(new DistrictEvents.ObjectInteracted(objectId, player, action, next, nowUnixMs));
    }

}

/// <summary>What using a world object comes to.</summary>
public abstract record InteractDecision
{
    public sealed record Refuse(string Code, string Message) : InteractDecision;
    public sealed record AlreadyDone : InteractDecision;
    public sealed record Record(DistrictEvents.ObjectInteracted Event) : InteractDecision;
}

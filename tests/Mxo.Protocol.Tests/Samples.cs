using Akka.Actor;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;

namespace Mxo.Protocol.Tests;

/// <summary>One representative instance of every type the serializer knows, with non-default values in every field.</summary>
public static class Samples
{
    public static readonly PlayerId Neo = new("neo");
    public static readonly DistrictId Downtown = new("downtown");
    public static readonly Vec3 Here = new(1500.25, -3, 42.5);

    private static readonly Occupant Trinity = new(new PlayerId("trinity"), "Trinity", new Vec3(1, 2, 3));

    /// <summary>Persisted types: their bytes are pinned by golden files. Never change these values.</summary>
    public static IReadOnlyList<IMxoMessage> Persisted() =>
    [
        new PlayerEvents.CharacterCreated(Neo, "Neo", 500, 200, 1000),
        new PlayerEvents.EnteredDistrict(Downtown, Here, "cmd-1"),
        new PlayerEvents.PositionCheckpointed(Here),
        new PlayerState(Neo, "Neo", true, 500, 200, 1000, Downtown, Here, ["cmd-1", "cmd-2"]),
        new DistrictEvents.PlayerEntered(Neo, "Neo"),
        new DistrictEvents.PlayerLeft(Neo),
        new DistrictEvents.ChatLineRecorded(Neo, "Neo", "There is no spoon.", "cmd-3", 1_795_000_000_000),
        new DistrictState(Downtown, System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("neo", "Neo"), ["neo/cmd-3"]),
    ];

    public static IReadOnlyList<IMxoMessage> All(IActorRef someActor) =>
    [
        .. Persisted(),
        new PlayerCommands.Attach(Neo, "Neo", someActor),
        new PlayerCommands.Detach(Neo, someActor),
        new PlayerCommands.EnterDistrict(Neo, Downtown, "cmd-1"),
        new PlayerCommands.Move(Neo, Here),
        new PlayerCommands.Say(Neo, "hello", "cmd-2"),
        new PlayerCommands.GetState(Neo),
        new PlayerReplies.CharacterSheet(Neo, "Neo", Downtown, Here, 500, 200, 1000),
        new PlayerReplies.Attached(new PlayerReplies.CharacterSheet(Neo, "Neo", null, Here, 500, 200, 1000)),
        new PlayerReplies.EnteredDistrict("cmd-1", Downtown, Here, [Trinity]),
        new PlayerReplies.Acknowledged("cmd-2"),
        new PlayerReplies.Rejected("cmd-2", ErrorCodes.NotInDistrict, "enter a district first"),
        Trinity,
        new DistrictCommands.Join(Downtown, Neo, "Neo", Here, someActor, "cmd-1"),
        new DistrictCommands.Leave(Downtown, Neo),
        new DistrictCommands.Depart(Downtown, Neo),
        new DistrictCommands.UpdatePosition(Downtown, Neo, Here),
        new DistrictCommands.Say(Downtown, Neo, "hi", "cmd-4"),
        new DistrictCommands.GetOccupancy(Downtown),
        new DistrictReplies.Joined(Downtown, Neo, "cmd-1", [Trinity]),
        new DistrictReplies.Occupancy(Downtown, 3, [Trinity]),
        new SessionPushes.OccupantEntered(Downtown, Trinity),
        new SessionPushes.OccupantLeft(Downtown, Neo),
        new SessionPushes.OccupantMoved(Downtown, Neo, Here),
        new SessionPushes.ChatLine(Downtown, Neo, "Neo", "Whoa.", 1_795_000_000_000),
    ];
}

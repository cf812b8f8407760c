using System.Collections.Immutable;
using Akka.Actor;
using Mxo.Protocol.Players;
using ProtoBuf;

namespace Mxo.Protocol.Districts;

/// <summary>Routed by the district shard region on <see cref="District"/>.</summary>
public interface IDistrictCommand : IMxoMessage
{
    DistrictId District { get; }
}

public static class DistrictCommands
{
    /// <summary>
    /// A player enters. The district persists the arrival, tells the others and replies <see cref="DistrictReplies.Joined"/>
    /// to the sender (the player entity). <see cref="Session"/> receives the district's pushes from now on.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Join(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] Vec3 Position,
        [property: ProtoMember(5)] IActorRef Session,
        [property: ProtoMember(6)] string CommandId) : IDistrictCommand, ITraced
    {
        [ProtoMember(7)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "district join";
    }

    /// <summary>The player moved to another district: persisted, the player is no longer a resident.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Leave(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId) : IDistrictCommand, ITraced
    {
        [ProtoMember(3)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "district leave";
    }

    /// <summary>The player went offline: still a resident, no longer present. Transient.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Depart(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId) : IDistrictCommand;

    [ProtoContract(SkipConstructor = true)]
    public sealed record UpdatePosition(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] Vec3 Position) : IDistrictCommand;

    /// <summary>
    /// A chat line: persisted, then told to those present within the interest radius of the speaker (<c>say</c>) or to
    /// everyone present (<c>district</c>); the sender gets <see cref="Replies.Acknowledged"/>.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Say(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string Text,
        [property: ProtoMember(4)] string CommandId) : IDistrictCommand, ITraced
    {
        [ProtoMember(5)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "district say";

        /// <summary><c>say</c> (heard within the interest radius; also when null) or <c>district</c> (heard by everyone present).</summary>
        [ProtoMember(6)] public string? Channel { get; init; }
    }

    /// <summary>Use a world object. The district records it, tells everyone present, and acknowledges the sender.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Interact(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string ObjectId,
        [property: ProtoMember(4)] string Action,
        [property: ProtoMember(5)] string CommandId) : IDistrictCommand, ITraced
    {
        [ProtoMember(6)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "district interact";
    }

    /// <summary>Reply: <see cref="DistrictReplies.Status"/> (the seed's GetDistrictState, without anyone's private data).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetStatus([property: ProtoMember(1)] DistrictId District) : IDistrictCommand;

    /// <summary>Reply: <see cref="DistrictReplies.Occupancy"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetOccupancy([property: ProtoMember(1)] DistrictId District) : IDistrictCommand;

    /// <summary>
    /// A present player attacks <see cref="Target"/> (an NPC id or a player id) with <see cref="Stats"/> (its entity's
    /// numbers now). An NPC: the fight starts and <see cref="Session"/> hears <c>CombatPushes.Started</c> (completing
    /// <see cref="CommandId"/>). A player: the target's session gets a duel challenge and <see cref="Session"/> an
    /// acknowledgement. Refused with <c>Replies.Rejected</c> and a combat code; nothing changes.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Engage(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string Target,
        [property: ProtoMember(4)] Combat.FighterStatsData Stats,
        [property: ProtoMember(5)] IActorRef Session,
        [property: ProtoMember(6)] string CommandId) : IDistrictCommand;

    /// <summary>The challenged player accepts (the fight starts: both sessions hear Started) or declines a duel.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record AnswerDuel(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string Challenger,
        [property: ProtoMember(4)] bool Accept,
        [property: ProtoMember(5)] Combat.FighterStatsData Stats,
        [property: ProtoMember(6)] IActorRef Session,
        [property: ProtoMember(7)] string CommandId) : IDistrictCommand;

    /// <summary>
    /// A fight in this district played a round (persisted by its encounter): bystanders see it, NPC fighters act on it,
    /// a defeated NPC is recorded. Answered with <c>CombatReplies.RoundTaken</c>; the encounter repeats it until then.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record FightRound(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] string EncounterId,
        [property: ProtoMember(3)] int Round,
        FighterSeen[] Fighters,
        [property: ProtoMember(5)] bool Ended,
        [property: ProtoMember(6)] string? Winner,
        [property: ProtoMember(7)] Combat.EncounterEndReason Reason) : IDistrictCommand
    {
        [ProtoMember(4)]
        public FighterSeen[] Fighters { get => _fighters ?? []; init => _fighters = value; }
        private FighterSeen[]? _fighters = Fighters;
    }
}

/// <summary>A fighter as bystanders see it: who, and its health.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record FighterSeen(
    [property: ProtoMember(1)] string Id,
    [property: ProtoMember(2)] int Health,
    [property: ProtoMember(3)] int MaxHealth) : IMxoMessage;

public static class DistrictEvents
{
    /// <summary>An NPC of the district was defeated; it comes back at <see cref="RespawnAtMs"/> (Unix ms).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record NpcDefeated(
        [property: ProtoMember(1)] string NpcId,
        [property: ProtoMember(2)] long RespawnAtMs) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record NpcRespawned([property: ProtoMember(1)] string NpcId) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record PlayerEntered(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Name) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record PlayerLeft([property: ProtoMember(1)] PlayerId PlayerId) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record ObjectInteracted(
        [property: ProtoMember(1)] string ObjectId,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string Action,
        [property: ProtoMember(4)] string State,
        [property: ProtoMember(5)] long UnixTimeMs) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record ChatLineRecorded(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] string Text,
        [property: ProtoMember(4)] string CommandId,
        [property: ProtoMember(5)] long UnixTimeMs) : IMxoEvent
    {
        /// <summary>The channel it was said on: <c>district</c>, or null for <c>say</c> (and for every line from before issue 12).</summary>
        [ProtoMember(6)] public string? Channel { get; init; }
    }
}

public static class DistrictReplies
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record Joined(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string CommandId,
        Occupant[] Occupants,
        [property: ProtoMember(5)] World.WorldEnvironment? Environment = null) : IMxoMessage, ITraced
    {
        /// <summary>The admission continues the enter or teleport that asked for it (docs/operations.md, "Tracing").</summary>
        [ProtoMember(6)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "player joined";

        /// <summary>Everyone present at the moment of joining, the joiner excluded.</summary>
        [ProtoMember(4)]
        public Occupant[] Occupants { get => _occupants ?? []; init => _occupants = value; }
        private Occupant[]? _occupants = Occupants;
    }

    /// <summary>The district is full: the player may go to one of <see cref="Alternatives"/> instead.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record JoinRefused(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string CommandId,
        [property: ProtoMember(4)] string Code,
        [property: ProtoMember(5)] string Message) : IMxoMessage;

    [ProtoContract(SkipConstructor = true)]
    public sealed record Status(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] int Present,
        [property: ProtoMember(3)] int Capacity,
        ObjectStatus[] Objects,
        [property: ProtoMember(5)] World.WorldEnvironment? Environment,
        [property: ProtoMember(6)] long Ticks,
        [property: ProtoMember(7)] double TickP50Ms,
        [property: ProtoMember(8)] double TickP99Ms) : IMxoMessage
    {
        [ProtoMember(4)]
        public ObjectStatus[] Objects { get => _objects ?? []; init => _objects = value; }
        private ObjectStatus[]? _objects = Objects;

        /// <summary>How late the last 1,024 ticks started (beyond one interval after the previous tick): median.</summary>
        [ProtoMember(9)]
        public double TickLateP50Ms { get; init; }

        /// <summary>How late the last 1,024 ticks started (beyond one interval after the previous tick): 99th percentile.</summary>
        [ProtoMember(10)]
        public double TickLateP99Ms { get; init; }
    }

    [ProtoContract(SkipConstructor = true)]
    public sealed record Occupancy(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] int Residents,
        Occupant[] Present) : IMxoMessage
    {
        [ProtoMember(3)]
        public Occupant[] Present { get => _present ?? []; init => _present = value; }
        private Occupant[]? _present = Present;
    }
}

/// <summary>A world object as anyone may see it.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ObjectStatus(
    [property: ProtoMember(1)] string Id,
    [property: ProtoMember(2)] string Kind,
    [property: ProtoMember(3)] Vec3 Position,
    [property: ProtoMember(4)] string State) : IMxoMessage;

/// <summary>The district's durable picture: its residents (players whose location is this district), recent chat ids
/// and the state of its world objects.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record DistrictState(
    [property: ProtoMember(1)] DistrictId District,
    ImmutableDictionary<string, string> Residents,
    ImmutableList<string> RecentChatIds,
    ImmutableDictionary<string, string>? Objects = null) : IMxoMessage
{
    /// <summary>Object id → state, for objects whose state changed since the world data file's initial one.</summary>
    [ProtoMember(4)]
    public ImmutableDictionary<string, string> Objects { get => _objects ?? ImmutableDictionary<string, string>.Empty; init => _objects = value; }
    private ImmutableDictionary<string, string>? _objects = Objects;

    /// <summary>Player id → character name.</summary>
    [ProtoMember(2)]
    public ImmutableDictionary<string, string> Residents { get => _residents ?? ImmutableDictionary<string, string>.Empty; init => _residents = value; }
    private ImmutableDictionary<string, string>? _residents = Residents;

    /// <summary>"player/command" keys of the last chat lines, newest last, so a retried "say" is recorded once.</summary>
    [ProtoMember(3)]
    public ImmutableList<string> RecentChatIds { get => _recent ?? []; init => _recent = value; }
    private ImmutableList<string>? _recent = RecentChatIds;

    /// <summary>
    /// Object id → the player who last changed it, for objects whose use leaves the state as it was (a terminal):
    /// the same player using it again records nothing.
    /// </summary>
    [ProtoMember(5)]
    public ImmutableDictionary<string, string> LastUsers { get => _lastUsers ?? ImmutableDictionary<string, string>.Empty; init => _lastUsers = value; }
    private ImmutableDictionary<string, string>? _lastUsers;

    /// <summary>Defeated NPC id → when it respawns (Unix ms); an NPC not listed stands at its spawn point.</summary>
    [ProtoMember(6)]
    public ImmutableDictionary<string, long> NpcRespawns { get => _npcRespawns ?? ImmutableDictionary<string, long>.Empty; init => _npcRespawns = value; }
    private ImmutableDictionary<string, long>? _npcRespawns;

    public static DistrictState Empty(DistrictId id) => new(id, ImmutableDictionary<string, string>.Empty, []);
}

/// <summary>Pushed by a district to the sessions of the players present in it.</summary>
public interface ISessionPush : IMxoMessage;

/// <summary>A player's latest position, as seen by others.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record Seen(
    [property: ProtoMember(1)] PlayerId PlayerId,
    [property: ProtoMember(2)] Vec3 Position) : IMxoMessage;

public static class SessionPushes
{
    /// <summary>
    /// One tick's news for one viewer: who came into view (within the interest radius), who moved among those in
    /// view, who left view. Clients apply Left, then Entered, then Moved. A view for a session that has just ended (the
    /// district had not yet heard it left) is an expected loss, not a dead letter worth a log line.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ViewUpdate(
        [property: ProtoMember(1)] DistrictId District,
        Occupant[] Entered,
        Seen[] Moved,
        PlayerId[] Left) : ISessionPush, Akka.Event.IDeadLetterSuppression
    {
        [ProtoMember(2)]
        public Occupant[] Entered { get => _entered ?? []; init => _entered = value; }
        private Occupant[]? _entered = Entered;

        [ProtoMember(3)]
        public Seen[] Moved { get => _moved ?? []; init => _moved = value; }
        private Seen[]? _moved = Moved;

        [ProtoMember(4)]
        public PlayerId[] Left { get => _left ?? []; init => _left = value; }
        private PlayerId[]? _left = Left;
    }

    [ProtoContract(SkipConstructor = true)]
    public sealed record ObjectChanged(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] ObjectStatus Object,
        [property: ProtoMember(3)] PlayerId By) : ISessionPush, IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.ObjectChanged(this);
    }

    /// <summary>The district's time of day, lighting phase or weather changed (and once on entering).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Environment(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] World.WorldEnvironment Current) : ISessionPush;

    /// <summary>A newer session took over the character: this one must close (4001).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Replaced([property: ProtoMember(1)] PlayerId PlayerId) : ISessionPush;

    /// <summary>The account's sessions were revoked (refresh token reuse, password change): close with 1008.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Revoked(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Reason) : ISessionPush;

    /// <summary>
    /// The world closes this session with <see cref="CloseCode"/> (one of <c>WireProtocol.CloseCodes</c>): the client
    /// kept flooding after <c>rate_limited</c> (4008) or kept sending refused moves (4009).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Disconnect(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] int CloseCode,
        [property: ProtoMember(3)] string Reason) : ISessionPush;

    /// <summary>Bystanders within the interest radius of a fight: its round and both fighters' health (frame <c>fight</c>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record FightSeen(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] string EncounterId,
        [property: ProtoMember(3)] int Round,
        FighterSeen[] Fighters,
        [property: ProtoMember(5)] bool Ended,
        [property: ProtoMember(6)] string? Winner) : ISessionPush, IClientBound, Akka.Event.IDeadLetterSuppression
    {
        [ProtoMember(4)]
        public FighterSeen[] Fighters { get => _fighters ?? []; init => _fighters = value; }
        private FighterSeen[]? _fighters = Fighters;

        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.Fight(this);
    }

    /// <summary>A player challenges this one to a duel: answer with duel_accept or duel_decline before <see cref="ExpiresAtMs"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record DuelChallenge(
        [property: ProtoMember(1)] PlayerId From,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] long ExpiresAtMs) : ISessionPush, IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.DuelChallenge(this);
    }

    /// <summary>The challenged player declined, did not answer in time (<c>timeout</c>) or left (<c>gone</c>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record DuelDeclined(
        [property: ProtoMember(1)] PlayerId By,
        [property: ProtoMember(2)] string Reason) : ISessionPush, IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.DuelDeclined(this);
    }

    [ProtoContract(SkipConstructor = true)]
    public sealed record ChatLine(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] PlayerId PlayerId,
        [property: ProtoMember(3)] string Name,
        [property: ProtoMember(4)] string Text,
        [property: ProtoMember(5)] long UnixTimeMs) : ISessionPush
    {
        /// <summary><c>say</c> (also when null), <c>district</c> or <c>system</c> (an operator's announcement).</summary>
        [ProtoMember(6)] public string? Channel { get; init; }
    }
}

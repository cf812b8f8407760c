using Akka.Actor;
using ProtoBuf;

namespace Mxo.Protocol.Players;

/// <summary>Routed by the player shard region on <see cref="PlayerId"/>.</summary>
public interface IPlayerCommand : IMxoMessage
{
    PlayerId PlayerId { get; }
}

/// <summary>Commands a session (or an operator) sends to a <c>PlayerEntity</c>. Replies go to the sender.</summary>
public static class PlayerCommands
{
    /// <summary>A session takes control of the character (creating it on first use). Reply: <see cref="PlayerReplies.Attached"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Attach(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] IActorRef Session) : IPlayerCommand
    {
        /// <summary>
        /// The organisation the account created the character with (null for none, and for a --dev <c>hello</c>): the
        /// attach that creates the character's entity records it, as it records the name; later attaches change nothing.
        /// </summary>
        [ProtoMember(4)] public string? Org { get; init; }

        /// <summary>
        /// A session taking the character back after its entity was lost (a resync), not a new login: it yields to a
        /// session already attached, which can only be a newer login, instead of replacing it.
        /// </summary>
        [ProtoMember(5)] public bool Resync { get; init; }
    }

    /// <summary>The session ended: checkpoint the position and go offline. Ignored unless sent by the attached session.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Detach(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] IActorRef Session) : IPlayerCommand;

    /// <summary>Reply: <see cref="PlayerReplies.EnteredDistrict"/> once both the district and the player have persisted it.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record EnterDistrict(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] DistrictId District,
        [property: ProtoMember(3)] string CommandId) : IPlayerCommand, ITraced
    {
        [ProtoMember(4)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "player enter";
    }

    /// <summary>
    /// Transient: no reply unless refused (<see cref="Replies.Rejected"/>, or <see cref="PlayerReplies.PositionCorrected"/>
    /// for a move faster than the speed limit). <see cref="ReceivedAtMs"/> is when the edge received it (its monotonic
    /// clock, milliseconds): speed is judged on server receive times, never on the client's word.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Move(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] Vec3 Position,
        [property: ProtoMember(3)] long ReceivedAtMs = 0) : IPlayerCommand;

    /// <summary>Teleport to an unlocked hardline. Reply: <see cref="PlayerReplies.EnteredDistrict"/> or <see cref="Replies.Rejected"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Teleport(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Hardline,
        [property: ProtoMember(3)] string CommandId) : IPlayerCommand, ITraced
    {
        [ProtoMember(4)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "player teleport";
    }

    /// <summary>Leave the world after the jack-out delay; any movement cancels it. Reply: <see cref="PlayerReplies.JackedOut"/> or Rejected.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record JackOut(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string CommandId) : IPlayerCommand, ITraced
    {
        [ProtoMember(3)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "player jack_out";
    }

    /// <summary>Use a world object (open a door, use a terminal). Reply: Acknowledged after the district recorded it, or Rejected.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Interact(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string ObjectId,
        [property: ProtoMember(3)] string Action,
        [property: ProtoMember(4)] string CommandId) : IPlayerCommand, ITraced
    {
        [ProtoMember(5)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "player interact";
    }

    /// <summary>
    /// A chat line on <see cref="Channel"/>: nearby (say) or district-wide. Reply: <see cref="Replies.Acknowledged"/> after
    /// the district has persisted the line.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Say(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Text,
        [property: ProtoMember(3)] string CommandId) : IPlayerCommand, ITraced
    {
        [ProtoMember(4)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "player say";

        /// <summary><c>say</c> (nearby; also when null) or <c>district</c> (Chat.ChatChannels).</summary>
        [ProtoMember(5)] public string? Channel { get; init; }
    }

    /// <summary>
    /// Close the character's live session. Without <see cref="CloseCode"/> (its account's refresh tokens were revoked):
    /// close 1008, no reply. With one (an operator's kick, 4003): that close code and the reason, and the reply
    /// <see cref="Replies.Acknowledged"/>, or <see cref="Replies.Rejected"/> (<c>not_attached</c>) when it is not online.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Kick(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Reason,
        [property: ProtoMember(3)] int CloseCode = 0) : IPlayerCommand;

    /// <summary>
    /// A combat encounter's round reached this fighter: its health and inner strength after the round (absolute values,
    /// so a repeat changes nothing). Applied once per (encounter, round) and never after a later round of the same
    /// encounter; health 0 derezzes the character. Reply: <see cref="Combat.CombatReplies.RoundTaken"/> once persisted,
    /// also for a repeat, so the encounter can retry until it hears it. The character's session hears the round
    /// (<see cref="Played"/>) and, with <see cref="Ended"/>, the end of the fight.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record TakeCombatRound(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string EncounterId,
        [property: ProtoMember(3)] int Round,
        [property: ProtoMember(4)] int Health,
        [property: ProtoMember(5)] int InnerStrength) : IPlayerCommand
    {
        public string CommandId => $"{EncounterId}#{Round}";

        /// <summary>What both sides did this round, for the client; null for a round 0 end (a forfeit before any round).</summary>
        [ProtoMember(6)] public Combat.CombatPushes.RoundPlayed? Played { get; init; }

        /// <summary>This round ended the fight (or it ended by a forfeit after it).</summary>
        [ProtoMember(7)] public bool Ended { get; init; }

        [ProtoMember(8)] public string? Winner { get; init; }

        [ProtoMember(9)] public Combat.EncounterEndReason Reason { get; init; }
    }

    /// <summary>
    /// The character attacks <see cref="Target"/> (an NPC or a player of its district): the entity refuses while derezzed
    /// and otherwise forwards it to the district with the character's fighting numbers now (health after regeneration,
    /// the death effect). The reply comes from the district (see <c>DistrictCommands.Engage</c>).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Engage(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Target,
        [property: ProtoMember(3)] string CommandId) : IPlayerCommand;

    /// <summary>Accept or decline the duel <see cref="Challenger"/> offered; forwarded to the district like <see cref="Engage"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record AnswerDuel(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Challenger,
        [property: ProtoMember(3)] bool Accept,
        [property: ProtoMember(4)] string CommandId) : IPlayerCommand;

    /// <summary>
    /// A derezzed character comes back at a hardline: the one named (unlocked), or the nearest unlocked one, or its
    /// district's spawn point when it has none; full health and inner strength, and the death effect. Reply:
    /// <see cref="PlayerReplies.Reconstructed"/>, or Rejected (<c>not_derezzed</c>, <c>unknown_hardline</c>,
    /// <c>hardline_locked</c>, …).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Reconstruct(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string? Hardline,
        [property: ProtoMember(3)] string CommandId) : IPlayerCommand, ITraced
    {
        [ProtoMember(4)] public string? TraceParent { get; init; } = MxoTracing.CurrentParent();
        public string SpanName => "player reconstruct";
    }

    /// <summary>Reply: the current <see cref="PlayerState"/> (operators, tests).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetState([property: ProtoMember(1)] PlayerId PlayerId) : IPlayerCommand;

    /// <summary>
    /// The attached session lost the character's previous incarnation (its world node died) and attached again: put the
    /// character back in the district it is in, at its position (the checkpoint, or newer if this incarnation has moves).
    /// Reply: <see cref="PlayerReplies.Resynced"/>, or Rejected (the district refused or did not answer).
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Resume(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string CommandId) : IPlayerCommand;
}

/// <summary>Persisted by <c>PlayerEntity</c>.</summary>
public static class PlayerEvents
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record CharacterCreated(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] int Health,
        [property: ProtoMember(4)] int InnerStrength,
        [property: ProtoMember(5)] long Info) : IMxoEvent
    {
        /// <summary>The character's organisation (issue 12), null for none and in journals from before organisations.</summary>
        [ProtoMember(6)] public string? Org { get; init; }
    }

    [ProtoContract(SkipConstructor = true)]
    public sealed record EnteredDistrict(
        [property: ProtoMember(1)] DistrictId District,
        [property: ProtoMember(2)] Vec3 Position,
        [property: ProtoMember(3)] string CommandId) : IMxoEvent;

    [ProtoContract(SkipConstructor = true)]
    public sealed record HardlineUnlocked([property: ProtoMember(1)] string Hardline) : IMxoEvent;

    /// <summary>Movement is transient; this records where the player was at a checkpoint, a district change or logout.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PositionCheckpointed([property: ProtoMember(1)] Vec3 Position) : IMxoEvent;

    /// <summary>A combat round's result for this fighter (see <see cref="PlayerCommands.TakeCombatRound"/>).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record CombatRoundTaken(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] int Round,
        [property: ProtoMember(3)] int Health,
        [property: ProtoMember(4)] int InnerStrength) : IMxoEvent
    {
        /// <summary>When it was taken (Unix ms): regeneration counts from the end of a fight.</summary>
        [ProtoMember(5)] public long AtMs { get; init; }

        /// <summary>The fight is over for this character.</summary>
        [ProtoMember(6)] public bool Ended { get; init; }
    }

    /// <summary>The character put <see cref="Other"/> on its ignore list (issue 12): none of its lines reach this character.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Ignored([property: ProtoMember(1)] PlayerId Other) : IMxoEvent;

    /// <summary>The character joined (or created) a crew; the crew entity recorded it first.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record CrewJoined(
        [property: ProtoMember(1)] string Crew,
        [property: ProtoMember(2)] string CrewName) : IMxoEvent;

    /// <summary>The character is no longer in <see cref="Crew"/> (left, kicked); the crew entity recorded it first.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record CrewLeft([property: ProtoMember(1)] string Crew) : IMxoEvent;

    /// <summary>The character joined (or, inviting, formed) a team; the team entity recorded it first.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record TeamJoined([property: ProtoMember(1)] string Team) : IMxoEvent;

    /// <summary>The character is no longer in <see cref="Team"/> (left, kicked, disbanded); the team entity recorded it first.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record TeamLeft([property: ProtoMember(1)] string Team) : IMxoEvent;

    /// <summary>The character took <see cref="Other"/> off its ignore list.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Unignored([property: ProtoMember(1)] PlayerId Other) : IMxoEvent;

    /// <summary>Back from derezzed: written together with the <see cref="EnteredDistrict"/> that puts it at the hardline.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Reconstructed(
        [property: ProtoMember(1)] int Health,
        [property: ProtoMember(2)] int InnerStrength,
        [property: ProtoMember(3)] long DeathEffectUntilMs) : IMxoEvent;

    /// <summary>
    /// The character's missions changed (a talk's offers, an accept, progress, a completion, an abandon or an expiry):
    /// <see cref="Sheet"/> is the whole new mission state, so a replay does not depend on the mission table of the day.
    /// <see cref="InfoPaid"/> is added to the character's info (a completion's reward). <see cref="CommandId"/> (the
    /// request's, or null for a world event or a timer) is remembered, so a retried request changes nothing again.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record MissionsChanged(
        [property: ProtoMember(1)] string? CommandId,
        [property: ProtoMember(2)] Missions.MissionSheet Sheet,
        [property: ProtoMember(3)] long InfoPaid) : IMxoEvent;
}

/// <summary>What a <c>PlayerEntity</c> answers.</summary>
public static class PlayerReplies
{
    /// <summary>The command id of a refused <see cref="PlayerCommands.Attach"/> (attach carries none of its own).</summary>
    public const string AttachCommandId = "attach";

    [ProtoContract(SkipConstructor = true)]
    public sealed record CharacterSheet(
        [property: ProtoMember(1)] PlayerId PlayerId,
        [property: ProtoMember(2)] string Name,
        [property: ProtoMember(3)] DistrictId? District,
        [property: ProtoMember(4)] Vec3 Position,
        [property: ProtoMember(5)] int Health,
        [property: ProtoMember(6)] int InnerStrength,
        [property: ProtoMember(7)] long Info) : IMxoMessage
    {
        /// <summary>The character's ignore list (player ids), for <c>welcome</c> and the session's chat filter.</summary>
        [ProtoMember(8)]
        public string[] Ignored { get => _ignored ?? []; init => _ignored = value; }
        private string[]? _ignored;

        /// <summary>The character's crew (id), null when none; for <c>welcome</c>.</summary>
        [ProtoMember(9)] public string? Crew { get; init; }

        [ProtoMember(10)] public string? CrewName { get; init; }

        /// <summary>The character's team (id), null when none; for <c>welcome</c>.</summary>
        [ProtoMember(11)] public string? Team { get; init; }
        /// <summary>Whispers reach the character while offline, as notifications (<c>chat_settings</c>); for <c>welcome</c>.</summary>
        [ProtoMember(41)] public bool OfflineWhispers { get; init; }
        /// <summary>The character's organisation, null when none; for <c>welcome</c> and the session's org channel.</summary>
        [ProtoMember(12)] public string? Org { get; init; }
    }

    [ProtoContract(SkipConstructor = true)]
    public sealed record Attached([property: ProtoMember(1)] CharacterSheet Character) : IMxoMessage;

    /// <summary><see cref="Environment"/>: the district's time and weather, when it knows them (sent after "entered").</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record EnteredDistrict(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] DistrictId District,
        [property: ProtoMember(3)] Vec3 Position,
        Occupant[] Occupants,
        [property: ProtoMember(5)] World.WorldEnvironment? Environment = null) : IMxoMessage
    {
        [ProtoMember(4)]
        public Occupant[] Occupants { get => _occupants ?? []; init => _occupants = value; }
        private Occupant[]? _occupants = Occupants;
    }


    /// <summary>A move was refused (too fast, or into a full district): this is where the server has the player.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record PositionCorrected(
        [property: ProtoMember(1)] Vec3 Position,
        [property: ProtoMember(2)] string Reason) : IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.PositionCorrected(this);
    }

    [ProtoContract(SkipConstructor = true)]
    public sealed record HardlineUnlocked(
        [property: ProtoMember(1)] string Hardline,
        [property: ProtoMember(2)] string Name) : IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.HardlineUnlocked(this);
    }

    /// <summary>
    /// The character is back in its district after a world node failed (its own incarnation's, after
    /// <see cref="PlayerCommands.Resume"/>, or its district's, which it re-joined by itself): the authoritative position
    /// and who is in view now. <see cref="District"/> is null for a character that was in no district.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Resynced(
        [property: ProtoMember(1)] DistrictId? District,
        [property: ProtoMember(2)] Vec3 Position,
        Occupant[] Occupants,
        [property: ProtoMember(4)] World.WorldEnvironment? Environment = null) : IMxoMessage
    {
        [ProtoMember(3)]
        public Occupant[] Occupants { get => _occupants ?? []; init => _occupants = value; }
        private Occupant[]? _occupants = Occupants;
    }

    /// <summary>
    /// The character is back from derezzed: where (as <c>entered</c> says it), who is in view there, its health and inner
    /// strength, and until when the death effect lasts.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Reconstructed(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] EnteredDistrict Entered,
        [property: ProtoMember(3)] int Health,
        [property: ProtoMember(4)] int InnerStrength,
        [property: ProtoMember(5)] long DeathEffectUntilMs) : IMxoMessage;

    /// <summary>Pushed when a combat round leaves the character at health 0.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Derezzed(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] int Round) : IClientBound
    {
        public byte[] ToFrame(string? requestId) => Wire.ServerFrames.Derezzed(this);
    }

    /// <summary>The jack-out completed: the character has left the world (checkpointed, gone from its district).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record JackedOut([property: ProtoMember(1)] string CommandId) : IMxoMessage;
}

/// <summary>Someone visible in a district.</summary>
[ProtoContract(SkipConstructor = true)]
public sealed record Occupant(
    [property: ProtoMember(1)] PlayerId PlayerId,
    [property: ProtoMember(2)] string Name,
    [property: ProtoMember(3)] Vec3 Position) : IMxoMessage
{
    /// <summary>An NPC's kind (e.g. "agent"); null for a player.</summary>
    [ProtoMember(4)] public string? Kind { get; init; }
}

using System.Collections.Immutable;
using ProtoBuf;

namespace Mxo.Protocol.Players;

/// <summary>
/// The character as the journal knows it. Immutable; changed only by <c>PlayerRules.Apply</c>. Persisted as a snapshot,
/// so its field numbers are a schema (golden bytes in the tests).
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record PlayerState(
    [property: ProtoMember(1)] PlayerId PlayerId,
    [property: ProtoMember(2)] string Name,
    [property: ProtoMember(3)] bool Created,
    [property: ProtoMember(4)] int Health,
    [property: ProtoMember(5)] int InnerStrength,
    [property: ProtoMember(6)] long Info,
    [property: ProtoMember(7)] DistrictId? District,
    [property: ProtoMember(8)] Vec3 Position,
    ImmutableList<string> RecentCommandIds,
    ImmutableList<string>? UnlockedHardlines = null) : IMxoMessage
{
    /// <summary>Hardlines the character has walked up to and may teleport to.</summary>
    [ProtoMember(10)]
    public ImmutableList<string> UnlockedHardlines { get => _hardlines ?? []; init => _hardlines = value; }
    private ImmutableList<string>? _hardlines = UnlockedHardlines;

    /// <summary>Ids of the last durable commands applied, newest last, so a retried command is applied once.</summary>
    [ProtoMember(9)]
    public ImmutableList<string> RecentCommandIds { get => _recent ?? []; init => _recent = value; }
    private ImmutableList<string>? _recent = RecentCommandIds;

    /// <summary>Defeated in combat (health 0): it cannot move, travel or use objects until it reconstructs.</summary>
    [ProtoMember(11)]
    public bool Derezzed { get; init; }

    /// <summary>Until when (Unix ms) the death effect of the last reconstruction weakens the character; 0 when none.</summary>
    [ProtoMember(12)]
    public long DeathEffectUntilMs { get; init; }

    /// <summary>
    /// The last combat round taken from each recent encounter, as "encounter#round", newest last (bounded): a round is
    /// applied once however often an encounter sends it, and never after a later one.
    /// </summary>
    [ProtoMember(13)]
    public ImmutableList<string> CombatRounds { get => _rounds ?? []; init => _rounds = value; }
    private ImmutableList<string>? _rounds;

    /// <summary>When combat last set <see cref="Health"/> and <see cref="InnerStrength"/> (Unix ms): they regenerate from then.</summary>
    [ProtoMember(14)]
    public long VitalsAtMs { get; init; }

    /// <summary>The encounter the character is fighting in (from its rounds), null when none.</summary>
    [ProtoMember(15)]
    public string? Encounter { get; init; }

    /// <summary>
    /// Characters (player ids) whose whispers, chat lines and emotes this character does not get, oldest first; at most
    /// <c>WorldSettings.MaxIgnored</c> (issue 12). Empty in journals from before it.
    /// </summary>
    [ProtoMember(16)]
    public ImmutableList<string> Ignored { get => _ignored ?? []; init => _ignored = value; }
    private ImmutableList<string>? _ignored;

    /// <summary>The crew the character is in (its id: the crew's name normalised), null when none. A copy of the crew
    /// entity's membership, which is the authority (docs/architecture.md, "Crews"). Null in journals from before crews.</summary>
    [ProtoMember(17)]
    public string? Crew { get; init; }

    /// <summary>The crew's name as its creator spelt it (null when in no crew, and in journals from before crews).</summary>
    [ProtoMember(18)]
    public string? CrewName { get; init; }

    /// <summary>The team the character is in (its id), null when none. A copy of the team entity's membership, which is
    /// the authority (docs/protocol.md, "Teams"). Null in journals from before teams.</summary>
    [ProtoMember(19)]
    public string? Team { get; init; }

    // Issue 12's kept whispers, offline whispers and mutes take field numbers from 41 on, clear of other additions.

    /// <summary>
    /// The character's side of its last whispers (<c>WhisperRules.Kept</c>, sent and received), oldest first. Bounded,
    /// so the snapshot is: at most 200 texts of at most 500 characters.
    /// </summary>
    [ProtoMember(41)]
    public ImmutableList<Chat.KeptWhisper> Whispers { get => _whispers ?? []; init => _whispers = value; }
    private ImmutableList<Chat.KeptWhisper>? _whispers;

    /// <summary>The last whisper sequence number given (numbers are never reused, deleted ones included).</summary>
    [ProtoMember(42)]
    public long LastWhisperSeq { get; init; }

    /// <summary>Whispers reach the character while it is offline, as notifications in its inbox (opt-in).</summary>
    [ProtoMember(43)]
    public bool OfflineWhispers { get; init; }

    /// <summary>Until when (Unix ms) the character may not chat (its chat limits' mute, or a moderator's); 0 when never muted.</summary>
    [ProtoMember(44)]
    public long MutedUntilMs { get; init; }

    /// <summary>The rank of the last mute its chat limits gave (the next one in a row is longer).</summary>
    [ProtoMember(45)]
    public int MuteLevel { get; init; }

    /// <summary>Why the character is muted: a moderator's reason, or empty for its chat limits.</summary>
    [ProtoMember(46)]
    public string? MuteReason { get; init; }

    /// <summary>
    /// The organisation the character was created in (<c>Orgs.Organisations</c>), null when none; set once, by the
    /// attach that created the character (docs/architecture.md, "Organisations"). Null in journals from before it.
    /// </summary>
    [ProtoMember(20)]
    public string? Org { get; init; }

    /// <summary>The character's missions (issue 13), null until it first talks to a contact: <see cref="Missions.MissionSheet.Empty"/>.</summary>
    [ProtoMember(21)]
    public Missions.MissionSheet? Missions { get; init; }

    public static PlayerState Empty(PlayerId id) => new(id, "", false, 0, 0, 0, null, default, []);
}

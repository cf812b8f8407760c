using System.Collections.Immutable;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Players;
using Mxo.Protocol.World;

namespace Mxo.Actors.Players;

/// <summary>What an entering player should do, decided from state alone.</summary>
public abstract record EnterDecision
{
    public sealed record Refuse(string Code, string Message) : EnterDecision;

    /// <summary>Ask the district to admit the player at <paramref name="Position"/>; persist the arrival only when <paramref name="IsNew"/>.</summary>
    public sealed record Admit(DistrictId District, Vec3 Position, bool IsNew, DistrictId? Previous) : EnterDecision;
}

/// <summary>The player's rules as pure functions over <see cref="PlayerState"/> (docs/architecture.md, decision 4).</summary>
public static class PlayerRules
{
    /// <summary>How many durable command ids a player remembers for de-duplication.</summary>
    public const int RememberedCommands = 32;

    public static PlayerState Apply(PlayerState state, IMxoEvent @event) => @event switch
    {
        PlayerEvents.CharacterCreated e => state with
        {
            Name = e.Name, Created = true, Health = e.Health, InnerStrength = e.InnerStrength, Info = e.Info, Org = e.Org,
        },
        PlayerEvents.EnteredDistrict e => state with
        {
            District = e.District, Position = e.Position, RecentCommandIds = RecentIds.Remember(state.RecentCommandIds, e.CommandId, RememberedCommands),
        },
        PlayerEvents.PositionCheckpointed e => state with { Position = e.Position },
        PlayerEvents.HardlineUnlocked e => state.UnlockedHardlines.Contains(e.Hardline)
            ? state
            : state with { UnlockedHardlines = state.UnlockedHardlines.Add(e.Hardline) },
        PlayerEvents.CombatRoundTaken e => state with
        {
            Health = e.Health, InnerStrength = e.InnerStrength, Derezzed = state.Derezzed || e.Health == 0,
            CombatRounds = RememberRound(state.CombatRounds, e.EncounterId, e.Round),
            VitalsAtMs = e.AtMs,
            Encounter = e.Ended ? (state.Encounter == e.EncounterId ? null : state.Encounter) : e.EncounterId,
        },
        PlayerEvents.Reconstructed e => state with
        {
            Derezzed = false, Health = e.Health, InnerStrength = e.InnerStrength, DeathEffectUntilMs = e.DeathEffectUntilMs,
            Encounter = null,
        },
        PlayerEvents.Ignored e => state.Ignored.Contains(e.Other.Value) ? state : state with { Ignored = state.Ignored.Add(e.Other.Value) },
        PlayerEvents.Unignored e => state with { Ignored = state.Ignored.Remove(e.Other.Value) },
        PlayerEvents.CrewJoined e => state with { Crew = e.Crew, CrewName = e.CrewName },
        PlayerEvents.CrewLeft e => state.Crew == e.Crew ? state with { Crew = null, CrewName = null } : state,
        PlayerEvents.TeamJoined e => state with { Team = e.Team },
        PlayerEvents.TeamLeft e => state.Team == e.Team ? state with { Team = null } : state,
        ChatEvents.WhisperKept e => state with
        {
            LastWhisperSeq = Math.Max(state.LastWhisperSeq, e.Whisper.Seq),
            Whispers = (state.Whispers.Count >= WhisperRules.Kept ? state.Whispers.RemoveRange(0, state.Whispers.Count - WhisperRules.Kept + 1) : state.Whispers)
                .Add(e.Whisper),
        },
        ChatEvents.WhisperDeleted e => state with { Whispers = state.Whispers.RemoveAll(w => w.Id == e.Id) },
        ChatEvents.WhispersPurged e => state with
        {
            Whispers = state.Whispers.RemoveAll(w => e.Author == state.PlayerId ? w.Outgoing : !w.Outgoing && w.Other == e.Author.Value),
        },
        ChatEvents.OfflineWhispersSet e => state with { OfflineWhispers = e.Enabled },
        ChatEvents.Muted e => state with
        {
            MutedUntilMs = e.UntilUnixMs, MuteLevel = e.By.Length == 0 ? e.Level : state.MuteLevel, MuteReason = e.Reason,
        },
        ChatEvents.Unmuted => state with { MutedUntilMs = 0, MuteReason = null },
        PlayerEvents.MissionsChanged e => state with
        {
            Missions = e.Sheet,
            Info = Math.Min(Protocol.Missions.MissionRules.MaxInfo, state.Info + e.InfoPaid),
            RecentCommandIds = e.CommandId is null ? state.RecentCommandIds : RecentIds.Remember(state.RecentCommandIds, e.CommandId, RememberedCommands),
        },
        _ => throw new ArgumentException($"PlayerEntity cannot apply {@event.GetType().Name}", nameof(@event)),
    };

    /// <summary>Attaching creates the character the first time its name is played, in the organisation its account gave it.</summary>
    public static IReadOnlyList<IMxoEvent> DecideAttach(PlayerState state, string name, string? org = null) =>
        state.Created
            ? []
            : [new PlayerEvents.CharacterCreated(state.PlayerId, name.Trim(), CharacterRules.StartingHealth,
                CharacterRules.StartingInnerStrength, CharacterRules.StartingInfo) { Org = org }];

    public static EnterDecision DecideEnter(PlayerState state, WorldMap map, DistrictId target, string commandId)
    {
        if (map.Find(target) is not { } info)
            return new EnterDecision.Refuse(ErrorCodes.UnknownDistrict, $"unknown district '{target.Value}'");
        // A retried request that was already applied re-admits the player where it is now, and changes nothing.
        if (state.RecentCommandIds.Contains(commandId) && state.District is { } current)
            return new EnterDecision.Admit(current, state.Position, IsNew: false, Previous: null);
        // Re-entering the district you are in (a reconnect) keeps your position and persists nothing.
        return state.District == target
            ? new EnterDecision.Admit(target, state.Position, IsNew: false, Previous: null)
            : new EnterDecision.Admit(target, info.Spawn, IsNew: true, Previous: state.District);
    }

    /// <summary>Teleporting needs the hardline to be unlocked; it always lands on the hardline (and is persisted).</summary>
    public static EnterDecision DecideTeleport(PlayerState state, WorldMap map, string hardlineId)
    {
        if (map.Hardline(hardlineId) is not { } hardline)
            return new EnterDecision.Refuse(ErrorCodes.UnknownHardline, $"no hardline '{hardlineId}'");
        if (!state.UnlockedHardlines.Contains(hardline.Id))
            return new EnterDecision.Refuse(ErrorCodes.HardlineLocked, $"'{hardline.Name}' is not unlocked: walk up to it first");
        return new EnterDecision.Admit(hardline.District, hardline.Position, IsNew: true,
            Previous: state.District == hardline.District ? null : state.District);
    }

    /// <summary>Walking up to a hardline unlocks it, once.</summary>
    public static IReadOnlyList<PlayerEvents.HardlineUnlocked> DecideUnlocks(PlayerState state, WorldMap map, Vec3 position, double radius)
    {
        if (state.District is not { } district || map.Find(district) is not { } data) return [];
        List<PlayerEvents.HardlineUnlocked>? unlocked = null;
        foreach (var hardline in data.Hardlines)
            if (!state.UnlockedHardlines.Contains(hardline.Id) && hardline.Position.FlatDistanceTo(position) <= radius)
                (unlocked ??= []).Add(new PlayerEvents.HardlineUnlocked(hardline.Id));
        return unlocked ?? (IReadOnlyList<PlayerEvents.HardlineUnlocked>)[];
    }

    /// <summary>A checkpoint is due when the live position differs from the last persisted one.</summary>
    public static PlayerEvents.PositionCheckpointed? DecideCheckpoint(PlayerState state, Vec3 livePosition) =>
        state.Position == livePosition ? null : new PlayerEvents.PositionCheckpointed(livePosition);

    /// <summary>How many recent encounters a player remembers the last round of.</summary>
    public const int RememberedEncounters = 16;

    /// <summary>
    /// A combat round's result, or null when this round (or a later one) of the encounter was already taken: a repeat
    /// or a late retry changes nothing. Health and inner strength are clamped to the character's maximum.
    /// </summary>
    public static PlayerEvents.CombatRoundTaken? DecideCombatRound(PlayerState state, PlayerCommands.TakeCombatRound cmd, long nowMs)
    {
        if (cmd.Round <= LastRound(state.CombatRounds, cmd.EncounterId)) return null;
        return new PlayerEvents.CombatRoundTaken(cmd.EncounterId, cmd.Round,
            Math.Clamp(cmd.Health, 0, CharacterRules.StartingHealth), Math.Clamp(cmd.InnerStrength, 0, CharacterRules.StartingInnerStrength))
        {
            AtMs = nowMs,
            Ended = cmd.Ended,
        };
    }

    /// <summary>
    /// Health and inner strength at <paramref name="nowMs"/>: out of combat (and not derezzed) both regenerate from when
    /// combat last set them, at the combat table's rates per second, up to a new character's values. Computed, never
    /// written: regeneration costs no event and no timer.
    /// </summary>
    public static (int Health, int InnerStrength) Vitals(PlayerState state, long nowMs, double healthPerSecond, double innerStrengthPerSecond)
    {
        if (state.Derezzed || state.Encounter is not null || state.VitalsAtMs <= 0 || nowMs <= state.VitalsAtMs)
            return (state.Health, state.InnerStrength);
        var seconds = (nowMs - state.VitalsAtMs) / 1000.0;
        return ((int)Math.Min(CharacterRules.StartingHealth, state.Health + Math.Floor(seconds * healthPerSecond)),
            (int)Math.Min(CharacterRules.StartingInnerStrength, state.InnerStrength + Math.Floor(seconds * innerStrengthPerSecond)));
    }

    /// <summary>The last round taken from <paramref name="encounterId"/>, 0 when none.</summary>
    public static int LastRound(ImmutableList<string> rounds, string encounterId)
    {
        foreach (var mark in rounds)
            if (IsMarkOf(mark, encounterId)
                && int.TryParse(mark.AsSpan(encounterId.Length + 1), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var round))
                return round;
        return 0;
    }

    /// <summary>Whether <paramref name="mark"/> ("encounter#round") is one of <paramref name="encounterId"/>'s.</summary>
    private static bool IsMarkOf(string mark, string encounterId) =>
        mark.Length > encounterId.Length && mark[encounterId.Length] == '#' && mark.StartsWith(encounterId, StringComparison.Ordinal);

    private static ImmutableList<string> RememberRound(ImmutableList<string> rounds, string encounterId, int round)
    {
        var kept = rounds.RemoveAll(m => IsMarkOf(m, encounterId));
        kept = kept.Add($"{encounterId}#{round.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        return kept.Count > RememberedEncounters ? kept.RemoveRange(0, kept.Count - RememberedEncounters) : kept;
    }

    /// <summary>
    /// Where a derezzed character comes back: the named hardline (it must be unlocked), else the nearest unlocked one
    /// to <paramref name="position"/> (ground-plane distance, across districts), else its district's spawn point.
    /// </summary>
    public static EnterDecision DecideReconstruct(PlayerState state, WorldMap map, string? hardlineId, Vec3 position)
    {
        if (!state.Derezzed) return new EnterDecision.Refuse(ErrorCodes.NotDerezzed, "the character is not derezzed");
        if (hardlineId is not null) return DecideTeleport(state, map, hardlineId);
        Hardline? nearest = null;
        var best = double.PositiveInfinity;
        foreach (var id in state.UnlockedHardlines)
        {
            if (map.Hardline(id) is not { } hardline) continue; // a hardline the map no longer has
            var distance = hardline.Position.FlatDistanceTo(position);
            if (distance < best || (distance == best && string.CompareOrdinal(hardline.Id, nearest!.Id) < 0))
            {
                best = distance;
                nearest = hardline;
            }
        }
        if (nearest is not null) return DecideTeleport(state, map, nearest.Id);
        if (state.District is not { } district || map.Find(district) is not { } data)
            return new EnterDecision.Refuse(ErrorCodes.NotInDistrict, "the character is in no district");
        return new EnterDecision.Admit(district, data.Spawn, IsNew: true, Previous: null);
    }

    public static PlayerReplies.CharacterSheet Sheet(PlayerState state, Vec3 position, (int Health, int InnerStrength)? vitals = null) =>
        new(state.PlayerId, state.Name, state.District, position, vitals?.Health ?? state.Health, vitals?.InnerStrength ?? state.InnerStrength, state.Info)
        {
            Ignored = [.. state.Ignored],
            Crew = state.Crew,
            CrewName = state.CrewName,
            Team = state.Team,
            OfflineWhispers = state.OfflineWhispers,
            Org = state.Org,
        };

    /// <summary>The event that keeps <paramref name="whisper"/> (numbered next) on this character's side.</summary>
    public static ChatEvents.WhisperKept KeepWhisper(PlayerState state, string id, PlayerId other, string otherName, bool outgoing, string text,
        long unixTimeMs) =>
        new(new KeptWhisper(state.LastWhisperSeq + 1, id, other.Value, otherName, outgoing, text, unixTimeMs));

    /// <summary>A page of kept whispers newest first, or null for a cursor this character's history did not give.</summary>
    public static (KeptWhisper[] Whispers, string? Next)? WhisperPage(PlayerState state, string cursor, int limit)
    {
        long? before = null;
        var owner = WhisperRules.CursorOwner(state.PlayerId);
        if (cursor.Length > 0)
        {
            if (KeptLines.ReadCursor(owner, cursor) is not { } seq) return null;
            before = seq;
        }
        return KeptLines.Page(state.Whispers, w => w.Seq, owner, before, limit <= 0 ? KeptLines.MaxPage : limit, KeptLines.MaxPage);
    }

    /// <summary>
    /// Putting <paramref name="other"/> on the ignore list (<paramref name="add"/>) or taking it off: the event to persist,
    /// none when the list already says so (a repeat changes nothing), or a refusal (code, message): oneself, or a full list.
    /// </summary>
    public static (IMxoEvent? Event, string? Code, string? Message) DecideIgnore(PlayerState state, PlayerId other, bool add, int maxIgnored)
    {
        var listed = state.Ignored.Contains(other.Value);
        if (!add) return (listed ? new PlayerEvents.Unignored(other) : null, null, null);
        if (other == state.PlayerId) return (null, Protocol.Chat.ChatErrorCodes.SelfTarget, "you cannot ignore yourself");
        if (listed) return (null, null, null);
        return state.Ignored.Count >= maxIgnored
            ? (null, Protocol.Chat.ChatErrorCodes.IgnoreListFull, $"you already ignore {maxIgnored} characters; unignore one first")
            : (new PlayerEvents.Ignored(other), null, null);
    }


}

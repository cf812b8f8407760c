using System.Collections.Immutable;
using Akka.Actor;
using ProtoBuf;

namespace Mxo.Protocol.Combat;

/// <summary>Routed by the combat shard region on <see cref="EncounterId"/>.</summary>
public interface ICombatCommand : IMxoMessage
{
    string EncounterId { get; }
}

/// <summary>Commands to a <c>CombatEncounterEntity</c>. Replies go to the sender.</summary>
public static class CombatCommands
{
    /// <summary>
    /// Starts the fight between two fighters <paramref name="Distance"/> apart, its dice seeded by <paramref name="Seed"/>;
    /// every ref of <see cref="Notify"/> gets each <see cref="CombatPushes.RoundPlayed"/> and the <see cref="CombatEvents.EncounterEnded"/>.
    /// Reply: <see cref="CombatReplies.EncounterStarted"/> (also to a repeat of the same start), or <see cref="Replies.Rejected"/>.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record StartEncounter(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string FighterA,
        [property: ProtoMember(3)] FighterStatsData StatsA,
        [property: ProtoMember(4)] string FighterB,
        [property: ProtoMember(5)] FighterStatsData StatsB,
        [property: ProtoMember(6)] double Distance,
        [property: ProtoMember(7)] ulong Seed,
        IActorRef[] Notify) : ICombatCommand
    {
        [ProtoMember(8)]
        public IActorRef[] Notify { get => _notify ?? []; init => _notify = value; }
        private IActorRef[]? _notify = Notify;

        /// <summary>The district the fight is in: it hears every round (<c>DistrictCommands.FightRound</c>) until it answers. Null: none.</summary>
        [ProtoMember(9)] public string? District { get; init; }

        /// <summary>Which fighters are characters: each hears every round (<c>PlayerCommands.TakeCombatRound</c>) until it answers.</summary>
        [ProtoMember(10)] public bool APlayer { get; init; }

        [ProtoMember(11)] public bool BPlayer { get; init; }
    }

    /// <summary>The fighter gives up (it stayed disconnected past the grace period): the fight ends, the other side wins. Reply: Accepted or Rejected.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Forfeit(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string FighterId) : ICombatCommand;

    /// <summary>The fighter attacks with <see cref="TacticId"/> from the next round. Reply: <see cref="CombatReplies.Accepted"/> or Rejected.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ChooseTactic(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string FighterId,
        [property: ProtoMember(3)] string TacticId,
        [property: ProtoMember(4)] string CommandId) : ICombatCommand;

    /// <summary>The fighter uses <see cref="AbilityId"/> (paid now, lands after its cast time). Reply: Accepted or Rejected.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record UseAbility(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string FighterId,
        [property: ProtoMember(3)] string AbilityId,
        [property: ProtoMember(4)] string CommandId) : ICombatCommand;

    /// <summary>The fighter tries to get away each round from now on. Reply: Accepted or Rejected.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Withdraw(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string FighterId,
        [property: ProtoMember(3)] string CommandId) : ICombatCommand;

    /// <summary>Reply: the <see cref="EncounterState"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record GetEncounter([property: ProtoMember(1)] string EncounterId) : ICombatCommand;
}

public static class CombatReplies
{
    [ProtoContract(SkipConstructor = true)]
    public sealed record EncounterStarted(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string FighterA,
        [property: ProtoMember(3)] string FighterB) : IMxoMessage;

    /// <summary>A fighter's entity (or the district) has the round: the encounter stops sending it.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RoundTaken(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string Recipient,
        [property: ProtoMember(3)] int Round) : IMxoMessage;

    /// <summary>The action is durable (or was already: a repeated command id).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Accepted(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string FighterId,
        [property: ProtoMember(3)] string CommandId) : IMxoMessage;
}

public static class CombatPushes
{
    /// <summary>A round was resolved and persisted: what each side did, A first.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RoundPlayed(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] int Round,
        [property: ProtoMember(3)] SideOutcomeData ByA,
        [property: ProtoMember(4)] SideOutcomeData ByB) : IMxoMessage;

    /// <summary>
    /// To both fighters' sessions: a fight began (the answer to <c>engage</c> against an NPC, or to <c>duel_accept</c>; the
    /// challenger hears it as a push). <see cref="CommandId"/> completes that request; null for the other side.
    /// </summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Started(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string Opponent,
        [property: ProtoMember(3)] string OpponentName,
        [property: ProtoMember(4)] string? OpponentKind,
        [property: ProtoMember(5)] int RoundMs,
        [property: ProtoMember(6)] string? CommandId) : IMxoMessage;

    /// <summary>To each character in the fight, once its entity has the last round: who won and why.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record Ended(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string? Winner,
        [property: ProtoMember(3)] EncounterEndReason Reason,
        [property: ProtoMember(4)] int Round) : IMxoMessage;
}

/// <summary>The encounter's journal. Field numbers are a schema (golden bytes in the tests).</summary>
public static class CombatEvents
{
    /// <summary>The fight started at <see cref="StartedAtUtcTicks"/> (its time origin), with the generator at <see cref="Seed"/>.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record EncounterBegan(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] long StartedAtUtcTicks,
        [property: ProtoMember(3)] double Distance,
        [property: ProtoMember(4)] ulong Seed,
        [property: ProtoMember(5)] FighterData A,
        [property: ProtoMember(6)] FighterData B,
        IActorRef[] Notify) : IMxoEvent
    {
        [ProtoMember(7)]
        public IActorRef[] Notify { get => _notify ?? []; init => _notify = value; }
        private IActorRef[]? _notify = Notify;

        [ProtoMember(8)] public string? District { get; init; }

        [ProtoMember(9)] public bool APlayer { get; init; }

        [ProtoMember(10)] public bool BPlayer { get; init; }
    }

    /// <summary>A fighter's accepted action: <see cref="Fighter"/> is that fighter afterwards.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record ActionTaken(
        [property: ProtoMember(1)] string CommandId,
        [property: ProtoMember(2)] FighterData Fighter) : IMxoEvent;

    /// <summary>Round <see cref="Round"/>, resolved at <see cref="AtTicks"/> from the start: both sides' outcomes, both fighters and the generator afterwards.</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record RoundResolved(
        [property: ProtoMember(1)] int Round,
        [property: ProtoMember(2)] long AtTicks,
        [property: ProtoMember(3)] SideOutcomeData ByA,
        [property: ProtoMember(4)] SideOutcomeData ByB,
        [property: ProtoMember(5)] FighterData A,
        [property: ProtoMember(6)] FighterData B,
        [property: ProtoMember(7)] ulong RandomState) : IMxoEvent;

    /// <summary>The fight is over; <see cref="Winner"/> is null when nobody won (a withdrawal).</summary>
    [ProtoContract(SkipConstructor = true)]
    public sealed record EncounterEnded(
        [property: ProtoMember(1)] string EncounterId,
        [property: ProtoMember(2)] string? Winner,
        [property: ProtoMember(3)] EncounterEndReason Reason,
        [property: ProtoMember(4)] int Round) : IMxoEvent;
}

/// <summary>
/// The encounter as the journal knows it; changed only by <c>EncounterRules.Apply</c>, so a replay rebuilds it exactly
/// (the generator state included). Persisted as a snapshot.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record EncounterState(
    [property: ProtoMember(1)] string EncounterId,
    [property: ProtoMember(2)] bool Started,
    [property: ProtoMember(3)] long StartedAtUtcTicks,
    [property: ProtoMember(4)] double Distance,
    [property: ProtoMember(5)] FighterData? A,
    [property: ProtoMember(6)] FighterData? B,
    [property: ProtoMember(7)] ulong RandomState,
    [property: ProtoMember(8)] int Round,
    [property: ProtoMember(9)] long LastRoundAtTicks,
    IActorRef[] Notify,
    [property: ProtoMember(11)] bool Ended,
    [property: ProtoMember(12)] string? Winner,
    [property: ProtoMember(13)] EncounterEndReason EndReason,
    ImmutableList<string> RecentCommandIds) : IMxoMessage
{
    [ProtoMember(10)]
    public IActorRef[] Notify { get => _notify ?? []; init => _notify = value; }
    private IActorRef[]? _notify = Notify;

    /// <summary>"fighterId/commandId" of the last accepted actions, newest last, so a retried action is applied once.</summary>
    [ProtoMember(14)]
    public ImmutableList<string> RecentCommandIds { get => _recent ?? []; init => _recent = value; }
    private ImmutableList<string>? _recent = RecentCommandIds;

    /// <summary>The district that hears each round; null when none (a test or benchmark fight).</summary>
    [ProtoMember(15)] public string? District { get; init; }

    [ProtoMember(16)] public bool APlayer { get; init; }

    [ProtoMember(17)] public bool BPlayer { get; init; }

    public static EncounterState Empty(string encounterId) =>
        new(encounterId, false, 0, 0, null, null, 0, 0, 0, [], false, null, EncounterEndReason.Defeat, []);

    public bool Equals(EncounterState? other) =>
        other is not null && EncounterId == other.EncounterId && Started == other.Started && StartedAtUtcTicks == other.StartedAtUtcTicks
        && Distance.Equals(other.Distance) && Equals(A, other.A) && Equals(B, other.B) && RandomState == other.RandomState
        && Round == other.Round && LastRoundAtTicks == other.LastRoundAtTicks && Notify.SequenceEqual(other.Notify)
        && Ended == other.Ended && Winner == other.Winner && EndReason == other.EndReason && RecentCommandIds.SequenceEqual(other.RecentCommandIds)
        && District == other.District && APlayer == other.APlayer && BPlayer == other.BPlayer;

    public override int GetHashCode() => HashCode.Combine(EncounterId, Round, RandomState, A, B, Ended);
}

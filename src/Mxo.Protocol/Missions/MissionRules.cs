using System.Collections.Immutable;

namespace Mxo.Protocol.Missions;

/// <summary>A real event that may count for a mission objective (issue 13): movement, combat outcomes, interactions.</summary>
public abstract record MissionEvent;

/// <summary>The character interacted with an NPC spawn or contact within reach (the caller checks the reach).</summary>
public sealed record Talked(string Target) : MissionEvent;

/// <summary>The character stands at <paramref name="Position"/> in <paramref name="District"/>.</summary>
public sealed record Reached(DistrictId District, Vec3 Position) : MissionEvent;

/// <summary>The character defeated an NPC of the kind.</summary>
public sealed record Defeated(string NpcKind) : MissionEvent;

/// <summary>The character takes the item from a defeated NPC of the kind.</summary>
public sealed record Looted(string ItemId, string FromKind) : MissionEvent;

/// <summary>The character takes the item from the world object.</summary>
public sealed record Got(string ItemId, string FromObject) : MissionEvent;

/// <summary>The character hands the item to an NPC spawn or contact.</summary>
public sealed record Gave(string ItemId, string ToId) : MissionEvent;

/// <summary>
/// The missions' rules as pure functions of a <see cref="MissionState"/> and the <see cref="MissionTable"/>: offers,
/// accepting, progress, abandoning, the time limit and the rewards. No clock and no I/O: the time is passed in, so a
/// mission actor can journal the outcome and replay it, and the tests drive it with explicit times.
/// docs/architecture.md ("Missions (data)") states the decisions in words.
/// </summary>
public static class MissionRules
{
    /// <summary>Reputation with each organisation stays within -1000..1000 (clamped when rewards are paid).</summary>
    public const int MinReputation = -1000;
    public const int MaxReputation = 1000;

    /// <summary>Experience and info stop growing here (clamped): far beyond any table, and no sum of rewards overflows.</summary>
    public const long MaxExperience = 1_000_000_000_000;
    public const long MaxInfo = 1_000_000_000_000;

    /// <summary>Quest items a character holds at most, unless its state says otherwise.</summary>
    public const int DefaultInventoryCap = 8;

    /// <summary>How long an offer can be accepted: the 5 minutes (configurable by the caller).</summary>
    public static readonly TimeSpan DefaultOfferLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// What the contact offers this character now: its missions whose level range holds the character's level, that are
    /// neither active nor completed, and that belong to no live event or to one in <paramref name="openEvents"/> (null:
    /// none is open; <see cref="LiveEvents.OpenAt"/> gives the open ones), in file order; none when the character's
    /// reputation with the contact's organisation is below what the contact needs, or for an unknown contact.
    /// </summary>
    public static IReadOnlyList<MissionData> Offers(MissionTable table, MissionState state, string contactId,
        IReadOnlySet<string>? openEvents = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(state);
        if (table.Contact(contactId) is not { } contact || state.ReputationWith(contact.Organisation) < contact.ReputationNeeded)
            return [];
        return table.Missions
            .Where(m => m.Contact.Id == contact.Id && RefusalOf(state, m) is null && IsOpen(m, openEvents))
            .ToArray();
    }

    /// <summary>Whether <paramref name="mission"/> can be had now as far as live events go: it belongs to none, or to an open one.</summary>
    public static bool IsOpen(MissionData mission, IReadOnlySet<string>? openEvents)
    {
        ArgumentNullException.ThrowIfNull(mission);
        return mission.Event is not { } eventId || (openEvents?.Contains(eventId) ?? false);
    }

    /// <summary>
    /// Accepts an offered mission: refused with <see cref="MissionErrorCodes.UnknownMission"/>, <c>already_completed</c>,
    /// <c>already_active</c>, <c>event_closed</c> (it belongs to a live event not in <paramref name="openEvents"/>; null:
    /// none is open), <c>offer_expired</c> (<paramref name="now"/> is <paramref name="offerLifetime"/> or more after
    /// <paramref name="offeredAt"/>, or before it), <c>level_too_low</c>/<c>level_too_high</c>, <c>reputation_too_low</c>
    /// or <c>too_many_missions</c> (<paramref name="maxActive"/> active already, finished ones awaiting payment included),
    /// checked in that order. A closed event comes before an expired offer: an offer made while the event was open is
    /// worth nothing once it closed, and that is the reason to tell. Accepted: active at phase 0 with a deadline of now
    /// plus its time limit; a mission accepted while its event was open goes on after the event closes.
    /// </summary>
    public static MissionOutcome Accept(MissionState state, MissionTable table, string missionId, DateTimeOffset offeredAt,
        DateTimeOffset now, int maxActive, TimeSpan offerLifetime, IReadOnlySet<string>? openEvents = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(table);
        if (table.Mission(missionId) is not { } mission) return MissionOutcome.Refuse(state, MissionErrorCodes.UnknownMission);
        if (state.Completed.Contains(mission.Id)) return MissionOutcome.Refuse(state, MissionErrorCodes.AlreadyCompleted);
        if (state.Active.ContainsKey(mission.Id)) return MissionOutcome.Refuse(state, MissionErrorCodes.AlreadyActive);
        if (!IsOpen(mission, openEvents)) return MissionOutcome.Refuse(state, MissionErrorCodes.EventClosed);
        if (now < offeredAt || now - offeredAt >= offerLifetime) return MissionOutcome.Refuse(state, MissionErrorCodes.OfferExpired);
        if (RefusalOf(state, mission) is { } refusal) return MissionOutcome.Refuse(state, refusal);
        if (state.ReputationWith(mission.Contact.Organisation) < mission.Contact.ReputationNeeded)
            return MissionOutcome.Refuse(state, MissionErrorCodes.ReputationTooLow);
        if (state.Active.Count >= maxActive) return MissionOutcome.Refuse(state, MissionErrorCodes.TooManyMissions);

        var active = new ActiveMission(mission.Id, 0, Zeros(mission, 0), now, now + mission.TimeLimit);
        return new MissionOutcome(state with { Active = state.Active.Add(mission.Id, active) }, null,
            [new MissionAccepted(mission.Id, active.Deadline)]);
    }

    /// <summary>Why the character cannot have <paramref name="mission"/> offered: level or already having it; null when it can.</summary>
    private static string? RefusalOf(MissionState state, MissionData mission) =>
        state.Completed.Contains(mission.Id) ? MissionErrorCodes.AlreadyCompleted
        : state.Active.ContainsKey(mission.Id) ? MissionErrorCodes.AlreadyActive
        : state.Level < mission.MinLevel ? MissionErrorCodes.LevelTooLow
        : state.Level > mission.MaxLevel ? MissionErrorCodes.LevelTooHigh
        : null;

    /// <summary>
    /// An event counted against the current phase of every active, unfinished mission, in mission id order; later phases
    /// never count. Within a mission an event counts for at most one objective (the first unfinished one it matches).
    /// Talked, Reached and Defeated count for every mission they match. An item is one thing: a Looted or Got counts for
    /// the first mission that wants it and puts it in the inventory for that mission, unless the inventory is full
    /// (refused with <see cref="MissionErrorCodes.InventoryFull"/>, nothing counted, <see cref="ItemNotTaken"/> says
    /// which); an item no objective wants is not picked up (no change, no error). A Gave counts for the first mission that
    /// asks for that item to that target and holds it, and takes the item out of the inventory: refused with
    /// <c>item_not_held</c> when such a mission does not hold it, <c>not_needed</c> when none asks. The caller expires
    /// missions (<see cref="Expire"/>) before counting events.
    /// </summary>
    public static MissionOutcome Progress(MissionState state, MissionTable table, MissionEvent gameEvent)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(gameEvent);
        var changes = ImmutableArray.CreateBuilder<MissionChange>();
        switch (gameEvent)
        {
            case Talked or Reached or Defeated:
                foreach (var (active, mission, index) in Candidates(state, table, o => Matches(o, gameEvent)).DistinctBy(c => c.Active.MissionId).ToArray())
                    state = Count(state, mission, active, index, changes);
                return new MissionOutcome(state, null, changes.ToImmutable());

            case Looted or Got:
                var (itemId, wants) = gameEvent switch
                {
                    Looted l => (l.ItemId, (Func<Objective, bool>)(o => o is LootObjective lo && lo.Item == l.ItemId && lo.FromKind == l.FromKind)),
                    Got g => (g.ItemId, o => o is GetObjective go && go.Item == g.ItemId && go.FromObject == g.FromObject),
                    _ => throw new InvalidOperationException("unreachable"),
                };
                if (Candidates(state, table, wants).FirstOrDefault() is not { Mission: not null } pick)
                    return new MissionOutcome(state, null, []);
                if (state.Inventory.Count >= state.InventoryCap)
                    return MissionOutcome.Refuse(state, MissionErrorCodes.InventoryFull,
                        new ItemNotTaken(pick.Active.MissionId, itemId, MissionErrorCodes.InventoryFull));
                state = state with { Inventory = state.Inventory.Add(new HeldItem(itemId, pick.Active.MissionId)) };
                changes.Add(new ItemAdded(pick.Active.MissionId, itemId));
                return new MissionOutcome(Count(state, pick.Mission, pick.Active, pick.Index, changes), null, changes.ToImmutable());

            case Gave gave:
                var asking = Candidates(state, table, o => o is GiveObjective go && go.Item == gave.ItemId && go.Target == gave.ToId).ToArray();
                if (asking.Length == 0) return MissionOutcome.Refuse(state, MissionErrorCodes.NotNeeded);
                foreach (var c in asking)
                {
                    var held = new HeldItem(gave.ItemId, c.Active.MissionId);
                    if (!state.Inventory.Contains(held)) continue;
                    state = state with { Inventory = state.Inventory.Remove(held) };
                    changes.Add(new ItemRemoved(held.MissionId, held.ItemId));
                    return new MissionOutcome(Count(state, c.Mission, c.Active, c.Index, changes), null, changes.ToImmutable());
                }
                return MissionOutcome.Refuse(state, MissionErrorCodes.ItemNotHeld);

            default:
                throw new ArgumentException($"unknown mission event {gameEvent.GetType().Name}", nameof(gameEvent));
        }
    }

    /// <summary>Gives up an active mission (finished or not): no pay, its items dropped. <c>not_active</c> when it is not active.</summary>
    public static MissionOutcome Abandon(MissionState state, string missionId)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (missionId is null || !state.Active.ContainsKey(missionId)) return MissionOutcome.Refuse(state, MissionErrorCodes.NotActive);
        var changes = ImmutableArray.CreateBuilder<MissionChange>();
        state = End(state, missionId, changes);
        changes.Add(new MissionEnded(missionId, MissionEnd.Abandoned));
        return new MissionOutcome(state, null, changes.ToImmutable());
    }

    /// <summary>
    /// Fails every unfinished active mission whose deadline is at or before <paramref name="now"/>: no pay, items dropped.
    /// A finished mission awaiting payment does not expire (its objectives were met in time).
    /// </summary>
    public static MissionOutcome Expire(MissionState state, MissionTable table, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(table);
        var changes = ImmutableArray.CreateBuilder<MissionChange>();
        foreach (var active in state.Active.Values)
        {
            if (active.Deadline > now || (table.Mission(active.MissionId) is { } m && active.IsFinished(m))) continue;
            state = End(state, active.MissionId, changes);
            changes.Add(new MissionEnded(active.MissionId, MissionEnd.Expired));
        }
        return new MissionOutcome(state, null, changes.ToImmutable());
    }

    /// <summary>
    /// Pays a finished mission's rewards, once: experience (the level follows the table, several levels at once if it
    /// reaches them), info, and reputation +R with the contact's organisation and -R/2 (rounded towards zero) with each
    /// of the other two, every value clamped to its range. The mission becomes completed and its items are dropped. A
    /// second call is refused with <see cref="MissionErrorCodes.AlreadyPaid"/> and changes nothing: a retry of the
    /// request cannot pay twice. <c>not_active</c> for a mission never accepted, <c>not_finished</c> for one whose phases
    /// are not all done.
    /// </summary>
    public static MissionOutcome Complete(MissionState state, MissionTable table, string missionId)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(table);
        if (missionId is not null && state.Completed.Contains(missionId)) return MissionOutcome.Refuse(state, MissionErrorCodes.AlreadyPaid);
        if (missionId is null || !state.Active.TryGetValue(missionId, out var active)) return MissionOutcome.Refuse(state, MissionErrorCodes.NotActive);
        if (table.Mission(missionId) is not { } mission) return MissionOutcome.Refuse(state, MissionErrorCodes.UnknownMission);
        if (!active.IsFinished(mission)) return MissionOutcome.Refuse(state, MissionErrorCodes.NotFinished);

        var changes = ImmutableArray.CreateBuilder<MissionChange>();
        state = End(state, missionId, changes);
        var rewards = mission.Rewards;
        var experience = Math.Min(MaxExperience, state.Experience + rewards.Experience);
        var info = Math.Min(MaxInfo, state.Info + rewards.Info);
        var reputation = state.Reputation;
        var delta = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var organisation in OrganisationIds.All)
        {
            var before = state.ReputationWith(organisation);
            var change = organisation == mission.Contact.Organisation ? rewards.Reputation : -(rewards.Reputation / 2);
            var after = Math.Clamp(before + change, MinReputation, MaxReputation);
            reputation = reputation.SetItem(organisation, after);
            delta[organisation] = after - before;
        }
        var level = table.LevelFor(experience);
        changes.Add(new RewardsPaid(missionId, experience - state.Experience, info - state.Info, state.Level, level, delta.ToImmutable()));
        state = state with
        {
            Completed = state.Completed.Add(missionId),
            Experience = experience,
            Level = level,
            Info = info,
            Reputation = reputation,
        };
        return new MissionOutcome(state, null, changes.ToImmutable());
    }

    private static bool Matches(Objective objective, MissionEvent gameEvent) => (objective, gameEvent) switch
    {
        (TalkObjective t, Talked e) => t.Target == e.Target,
        (ReachObjective r, Reached e) => r.Contains(e.District, e.Position),
        (DefeatObjective d, Defeated e) => d.NpcKind == e.NpcKind,
        _ => false,
    };

    /// <summary>The unfinished objectives of active missions' current phases that <paramref name="wants"/>, by mission id then objective.</summary>
    private static IEnumerable<(ActiveMission Active, MissionData Mission, int Index)> Candidates(MissionState state, MissionTable table,
        Func<Objective, bool> wants)
    {
        foreach (var active in state.Active.Values)
        {
            if (table.Mission(active.MissionId) is not { } mission || active.IsFinished(mission)) continue;
            var phase = mission.Phases[active.Phase];
            for (var i = 0; i < phase.Count; i++)
                if (active.Counts[i] < phase[i].Needed && wants(phase[i]))
                    yield return (active, mission, i);
        }
    }

    /// <summary>One more for objective <paramref name="index"/>; the phase advances when all its objectives are done.</summary>
    private static MissionState Count(MissionState state, MissionData mission, ActiveMission active, int index,
        ImmutableArray<MissionChange>.Builder changes)
    {
        var phase = mission.Phases[active.Phase];
        var counts = active.Counts.SetItem(index, active.Counts[index] + 1);
        changes.Add(new ObjectiveProgressed(mission.Id, active.Phase, index, counts[index], phase[index].Needed));
        var next = active with { Counts = counts };
        if (Enumerable.Range(0, phase.Count).All(i => counts[i] >= phase[i].Needed))
        {
            next = active with { Phase = active.Phase + 1, Counts = Zeros(mission, active.Phase + 1) };
            if (next.IsFinished(mission))
                changes.Add(new MissionFinished(mission.Id));
            else
                changes.Add(new PhaseAdvanced(mission.Id, next.Phase));
        }
        return state with { Active = state.Active.SetItem(mission.Id, next) };
    }

    /// <summary>The mission leaves the active ones and its items the inventory.</summary>
    private static MissionState End(MissionState state, string missionId, ImmutableArray<MissionChange>.Builder changes)
    {
        foreach (var item in state.Inventory.Where(i => i.MissionId == missionId))
            changes.Add(new ItemRemoved(item.MissionId, item.ItemId));
        return state with
        {
            Active = state.Active.Remove(missionId),
            Inventory = state.Inventory.RemoveAll(i => i.MissionId == missionId),
        };
    }

    private static ImmutableArray<int> Zeros(MissionData mission, int phase) =>
        phase < mission.Phases.Count ? ImmutableArray.Create(new int[mission.Phases[phase].Count]) : [];
}

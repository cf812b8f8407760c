using System.Diagnostics;
using System.Text.Json;
using Mxo.Protocol;
using Mxo.Protocol.Combat;

namespace Mxo.Bots;

/// <summary>
/// What a fighting bot (<see cref="BotOptions.Fight"/>) knows and decides, apart from its socket so that it can be
/// reasoned about alone. The receive loop tells it what the server said (who is in view and where, fights, duel
/// challenges, being derezzed, the answers to its own requests); the act loop, the only sender, asks it what to send
/// next (<see cref="Decide"/>) and how to walk (<see cref="Walk"/>). Both loops call it, so every member takes one lock.
/// The frames and their fields are docs/protocol.md's ("Combat", "Derezzed and reconstruction", "Views").
/// </summary>
internal sealed class BotFighter
{
    /// <summary>The tactics of world/combat.json.</summary>
    internal static readonly string[] Tactics = ["speed", "power", "block", "grab", "gun", "gun-aimed"];

    /// <summary>The damage and heal abilities of world/combat.json.</summary>
    internal static readonly string[] Abilities = ["hyper-strike", "code-shot", "heal-pulse"];

    /// <summary>How far a fight can start (world/combat.json, <c>engageRange</c>).</summary>
    internal const double EngageRange = 30;

    /// <summary>
    /// A bot engages within this distance of where it last saw its target, short of <see cref="EngageRange"/>: both
    /// may have walked since the last view.
    /// </summary>
    internal const double EngageWithin = 25;

    /// <summary>A bot walking up to its target stops this close to it.</summary>
    internal const double StopShortOf = 10;

    /// <summary>
    /// The least time between two of a bot's combat actions: the table's <c>minActionIntervalMs</c> (500, world/combat.json)
    /// with room for the frames' jitter on the way, since the server judges the interval on arrival (too_fast).
    /// </summary>
    internal static readonly TimeSpan MinActionGap = TimeSpan.FromMilliseconds(700);

    /// <summary>Codes that say the bot built a bad frame, not that the fight refused it: these count as ordinary errors.</summary>
    private static readonly HashSet<string> BotMistakes = new(Bot.ProtocolMistakes, StringComparer.Ordinal)
    {
        CombatErrorCodes.UnknownTactic, CombatErrorCodes.UnknownAbility,
    };

    private const int MaxWaitingChallenges = 8;
    private const int MaxTrackedRequests = 64;
    private const int MaxErrorCodes = 16;
    private const double AbilityChance = 0.25;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BusyFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReconstructRetry = TimeSpan.FromSeconds(1);

    public enum Act { Engage, Accept, Decline, Tactic, Ability, Reconstruct }

    /// <summary>A frame to send: its kind and its one argument (target, challenger, tactic or ability; none for reconstruct).</summary>
    public readonly record struct Step(Act Act, string Argument);

    /// <summary>How the bot walks this step: <see cref="Hold"/> (no move at all), toward a target, or its usual wander.</summary>
    public readonly record struct WalkPlan(bool Hold, double? TowardX, double? TowardZ);

    private enum Phase { Idle, Engaging, Challenging, Accepting, Fighting }

    /// <summary>Someone in view: where, whether an NPC, and its NPC kind (<c>kind</c> of <c>occupants</c> and <c>view</c>).</summary>
    private readonly record struct Known(double X, double Z, bool Npc, string? Kind);

    private readonly object _gate = new();
    private readonly long _lookTicks;
    private readonly double _acceptChance;
    private readonly Action _wake;

    /// <summary>Looks for someone to engage on its own (<see cref="BotOptions.Fight"/>); otherwise only a <see cref="Quarry"/>.</summary>
    private readonly bool _seeks;
    private string? _quarry;
    private readonly Dictionary<string, Known> _inView = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _busyUntil = new(StringComparer.Ordinal);
    private readonly Queue<string> _challenges = new();
    private readonly Dictionary<string, (Act Act, string Argument)> _requests = new(StringComparer.Ordinal);
    private string? _self;
    private string? _district;
    private Phase _phase;
    private long _phaseSince;
    private string? _target;
    private string? _chase;

    /// <summary>The encounter of the last <c>combat_ended</c>.</summary>
    private string? _ended;
    private long _nextLook;
    private long _nextAction;
    private long _lastAction = long.MinValue;
    private long _actionTicks;
    private bool _derezzed;
    private bool _reconstructPending;
    private long _nextReconstruct;

    /// <param name="wake">Called (under the lock) when the act loop should decide at once: a challenge came, a fight began, the bot was derezzed.</param>
    /// <param name="seeks">Engage whoever is near on its own (<c>--fight</c>); false: only NPCs of the <see cref="Quarry"/> (<c>--missions</c>).</param>
    public BotFighter(TimeSpan lookEvery, double acceptChance, Action wake, bool seeks = true)
    {
        _seeks = seeks;
        _lookTicks = Bot.Ticks(lookEvery);
        _acceptChance = acceptChance;
        _wake = wake;
        _actionTicks = Bot.Ticks(MinActionGap);
    }

    public long EngagesSent { get; private set; }
    public long ChallengesAccepted { get; private set; }
    public long ChallengesDeclined { get; private set; }

    /// <summary>This bot's own challenges that the other player declined or let expire (<c>duel_declined</c>).</summary>
    public long DeclinedByOthers { get; private set; }
    public long FightsStarted { get; private set; }
    public long Rounds { get; private set; }
    public long Won { get; private set; }
    public long Lost { get; private set; }

    /// <summary>Fights that ended without a winner: both down in the same round, or a withdrawal (src/Mxo.Actors/Combat/EncounterRules.cs).</summary>
    public long OtherEnds { get; private set; }
    public long TacticsSent { get; private set; }
    public long AbilitiesSent { get; private set; }
    public long Derezzed { get; private set; }
    public long ReconstructsSent { get; private set; }
    public long Reconstructed { get; private set; }

    /// <summary>Fight requests the server refused, by code (counted, never a reason to stop).</summary>
    public Dictionary<string, long> ErrorsByCode { get; } = new(StringComparer.Ordinal);

    /// <summary>The bot's player id, to tell its own side of a fight (from <c>welcome</c>).</summary>
    public void Identify(string self)
    {
        lock (_gate) _self = self;
    }

    /// <summary>
    /// The NPC kind a mission wants defeated (<see cref="BotMissions.Quarry"/>), or none: while set, the bot engages only
    /// NPCs of that kind (walking up to the nearest in view); without it, a bot that does not seek fights engages nobody.
    /// </summary>
    public string? Quarry
    {
        set
        {
            lock (_gate)
            {
                if (value == _quarry) return;
                _quarry = value;
                _chase = null;
            }
        }
    }

    /// <summary>
    /// A new socket: what the old one knew of the district and of requests in flight is gone. A fight or a derezzed state
    /// on the server outlives the socket; its next <c>round</c> or a refused action says so.
    /// </summary>
    public void Reset(long now)
    {
        lock (_gate)
        {
            _inView.Clear();
            _busyUntil.Clear();
            _challenges.Clear();
            _requests.Clear();
            _district = null;
            _chase = null;
            _target = null;
            _phase = Phase.Idle;
            _reconstructPending = false;
            _nextLook = now + (long)(_lookTicks * Random.Shared.NextDouble());
        }
    }

    /// <summary>
    /// <c>entered</c>, <c>resynced</c> or <c>reconstructed</c>: the bot is in <paramref name="data"/>'s district at a
    /// position, and its <c>occupants</c> are everyone in view (docs/protocol.md, "Views").
    /// </summary>
    public void Arrived(JsonElement data)
    {
        lock (_gate)
        {
            _district = Bot.Property(data, "district") is { ValueKind: JsonValueKind.String } d ? d.GetString() : null;
            _inView.Clear();
            _chase = null;
            Upsert(Bot.Property(data, "occupants"));
        }
    }

    /// <summary>A <c>view</c>: apply <c>left</c>, then <c>entered</c>, then <c>moved</c>; a view of another district is stale.</summary>
    public void Viewed(JsonElement data)
    {
        lock (_gate)
        {
            if (_district is { } mine && Bot.Property(data, "district") is { ValueKind: JsonValueKind.String } d && !d.ValueEquals(mine)) return;
            if (Bot.Property(data, "left") is { ValueKind: JsonValueKind.Array } left)
                foreach (var id in left.EnumerateArray())
                    if (id.ValueKind == JsonValueKind.String) _inView.Remove(id.GetString()!);
            Upsert(Bot.Property(data, "entered"));
            if (Bot.Property(data, "moved") is not { ValueKind: JsonValueKind.Array } moved) return;
            foreach (var entry in moved.EnumerateArray())
                if (Bot.Property(entry, "id") is { ValueKind: JsonValueKind.String } who && Bot.ReadPosition(Bot.Property(entry, "position")) is { } at
                    && _inView.TryGetValue(who.GetString()!, out var known))
                    _inView[who.GetString()!] = known with { X = at.X, Z = at.Z };
        }
    }

    private void Upsert(JsonElement occupants)
    {
        if (occupants.ValueKind != JsonValueKind.Array) return;
        foreach (var entry in occupants.EnumerateArray())
        {
            if (Bot.Property(entry, "id") is not { ValueKind: JsonValueKind.String } who || Bot.ReadPosition(Bot.Property(entry, "position")) is not { } at)
                continue;
            var id = who.GetString()!;
            var kind = Bot.Property(entry, "kind") is { ValueKind: JsonValueKind.String } k ? k.GetString() : null;
            var npc = kind is not null || id.StartsWith("npc:", StringComparison.Ordinal);
            _inView[id] = new Known(at.X, at.Z, npc, kind);
        }
    }

    /// <summary>A <c>fight</c> nearby: its fighters are busy until it ends (or until no round has been heard of for a while).</summary>
    public void FightSeen(JsonElement data, long now)
    {
        lock (_gate)
        {
            if (Bot.Property(data, "fighters") is not { ValueKind: JsonValueKind.Array } fighters) return;
            var ended = Bot.Property(data, "ended").ValueKind == JsonValueKind.True;
            foreach (var fighter in fighters.EnumerateArray())
            {
                if (Bot.Property(fighter, "id") is not { ValueKind: JsonValueKind.String } id) continue;
                if (ended) _busyUntil.Remove(id.GetString()!);
                else _busyUntil[id.GetString()!] = now + Bot.Ticks(BusyFor);
            }
        }
    }

    /// <summary><c>duel_challenge</c>: answered by the act loop, at once.</summary>
    public void Challenged(JsonElement data)
    {
        lock (_gate)
        {
            if (Bot.Property(data, "from") is not { ValueKind: JsonValueKind.String } from) return;
            if (_challenges.Count < MaxWaitingChallenges) _challenges.Enqueue(from.GetString()!); // more expire unanswered
            _wake();
        }
    }

    /// <summary><c>duel_declined</c>: the player this bot challenged will not fight it.</summary>
    public void ChallengeDeclined(JsonElement data, long now)
    {
        lock (_gate)
        {
            DeclinedByOthers++;
            if (_phase == Phase.Challenging && Bot.Property(data, "by") is { ValueKind: JsonValueKind.String } by && by.ValueEquals(_target))
                ToIdle(now);
        }
    }

    /// <summary>
    /// <c>combat_started</c> (the reply to an <c>engage</c> on an NPC or to <c>duel_accept</c>, or a push to a challenger):
    /// whatever the bot was waiting for, it is fighting now.
    /// </summary>
    public void Started(string? id, JsonElement data, long now)
    {
        lock (_gate)
        {
            if (id is not null) _requests.Remove(id);
            FightsStarted++;
            var roundMs = Bot.Property(data, "roundMs") is { ValueKind: JsonValueKind.Number } r && r.TryGetInt64(out var ms) ? ms : 0;
            // Now and then: between the least gap and one round apart, so some rounds see a change and some do not.
            _actionTicks = Math.Max(Bot.Ticks(MinActionGap), Bot.Ticks(TimeSpan.FromMilliseconds(roundMs)));
            _target = Bot.Property(Bot.Property(data, "opponent"), "id") is { ValueKind: JsonValueKind.String } o ? o.GetString() : null;
            _phase = Phase.Fighting;
            _phaseSince = now;
            _chase = null;
            _nextAction = Math.Max(now, NotBefore());
            _wake();
        }
    }

    /// <summary>
    /// A <c>round</c> of this bot's fight. One seen without <c>combat_started</c> (a fight from before a reconnect) is a
    /// fight too, unless it is of the fight that just ended (the encounter repeats a round until the character confirms it,
    /// docs/protocol.md "Combat").
    /// </summary>
    public void Round(JsonElement data, long now)
    {
        lock (_gate)
        {
            Rounds++;
            var encounter = Bot.Property(data, "encounter") is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;
            if (_phase == Phase.Fighting || (encounter is not null && encounter == _ended)) return;
            _phase = Phase.Fighting;
            _phaseSince = now;
            _nextAction = Math.Max(now, NotBefore());
            _wake();
        }
    }

    /// <summary><c>combat_ended</c>: won, lost, or neither (no winner).</summary>
    public void Ended(JsonElement data, long now)
    {
        lock (_gate)
        {
            var winner = Bot.Property(data, "winner") is { ValueKind: JsonValueKind.String } w ? w.GetString() : null;
            _ended = Bot.Property(data, "encounter") is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;
            if (winner is null) OtherEnds++;
            else if (winner == _self) Won++;
            else Lost++;
            ToIdle(now);
        }
    }

    /// <summary>
    /// <c>derezzed</c>, or a <c>welcome</c> at health 0 (<paramref name="counted"/> false: the bot was derezzed before this
    /// socket): no walking or fighting until <c>reconstruct</c> is answered.
    /// </summary>
    public void Derezz(long now, bool counted = true)
    {
        lock (_gate)
        {
            if (counted) Derezzed++;
            _derezzed = true;
            _reconstructPending = false;
            _nextReconstruct = now;
            ToIdle(now);
            _wake();
        }
    }

    /// <summary><c>reconstructed</c>: back at full health where <paramref name="data"/> says, with who is in view there.</summary>
    public void Back(string? id, JsonElement data)
    {
        lock (_gate)
        {
            if (id is not null) _requests.Remove(id);
            Reconstructed++;
            _derezzed = false;
            _reconstructPending = false;
        }
        Arrived(data);
    }

    /// <summary>
    /// An <c>ack</c> or <c>error</c> (<paramref name="code"/>) with <paramref name="id"/>. Returns true when it answered one
    /// of this bot's fight requests and is counted here (errors by code, never a reason to stop); false for anything else,
    /// and for an error that says the bot built a bad frame, which the bot counts as an ordinary error.
    /// </summary>
    public bool Answered(string? id, string? code, long now)
    {
        lock (_gate)
        {
            if (id is null || !_requests.Remove(id, out var request)) return false;
            if (code is null)
            {
                // An engage acknowledged is a challenge on its way to a player; the answer comes as combat_started or duel_declined.
                if (request.Act == Act.Engage && _phase == Phase.Engaging) _phase = Phase.Challenging;
                return true;
            }
            switch (request.Act)
            {
                case Act.Engage:
                    _busyUntil[request.Argument] = now + Bot.Ticks(BusyFor); // try someone else first
                    if (code == CombatErrorCodes.UnknownTarget) _inView.Remove(request.Argument);
                    if (_phase == Phase.Engaging || _phase == Phase.Challenging) ToIdle(now);
                    break;
                case Act.Accept:
                    if (_phase == Phase.Accepting) ToIdle(now);
                    break;
                case Act.Tactic or Act.Ability when code is CombatErrorCodes.NotInEncounter or CombatErrorCodes.EncounterOver:
                    if (_phase == Phase.Fighting) ToIdle(now); // the fight is over for the server: its end was missed
                    break;
                case Act.Reconstruct:
                    _reconstructPending = false;
                    if (code == ErrorCodes.NotDerezzed) _derezzed = false;
                    else _nextReconstruct = now + Bot.Ticks(ReconstructRetry); // busy, rate limited, timeout: again shortly
                    break;
            }
            if (BotMistakes.Contains(code)) return false;
            Bot.Count(ErrorsByCode, code, MaxErrorCodes);
            return true;
        }
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which <see cref="Decide"/> next has something to do.</summary>
    public long NextDue(long now)
    {
        lock (_gate)
        {
            if (_challenges.Count > 0) return now;
            if (_derezzed) return _reconstructPending ? long.MaxValue : _nextReconstruct;
            return _phase switch
            {
                Phase.Idle => !_seeks && _quarry is null ? long.MaxValue : _nextLook, // nothing to look for: no wake-ups
                Phase.Fighting => Math.Max(_nextAction, NotBefore()),
                _ => _phaseSince + Bot.Ticks(Patience),
            };
        }
    }

    /// <summary>
    /// What to send now, if anything: answers to challenges first, then <c>reconstruct</c> when derezzed, a combat action
    /// when one is due in a fight, or an <c>engage</c> when idle and someone is close enough. The caller sends it with
    /// the id it then passes to <see cref="Sending"/>.
    /// </summary>
    public Step? Decide(long now, double x, double z, Random random)
    {
        lock (_gate)
        {
            if (_challenges.TryDequeue(out var from))
            {
                var free = !_derezzed && _phase is Phase.Idle or Phase.Challenging;
                if (free && random.NextDouble() < _acceptChance)
                {
                    ChallengesAccepted++;
                    return Await(Phase.Accepting, new Step(Act.Accept, from), now);
                }
                ChallengesDeclined++;
                return new Step(Act.Decline, from);
            }

            if (_derezzed)
            {
                if (_reconstructPending || now < _nextReconstruct) return null;
                _reconstructPending = true;
                ReconstructsSent++;
                return new Step(Act.Reconstruct, "");
            }

            switch (_phase)
            {
                case Phase.Fighting:
                    if (now < _nextAction || now < NotBefore()) return null;
                    _lastAction = now;
                    _nextAction = now + Bot.Ticks(MinActionGap) + (long)((_actionTicks - Bot.Ticks(MinActionGap)) * random.NextDouble());
                    if (random.NextDouble() < AbilityChance)
                    {
                        AbilitiesSent++;
                        return new Step(Act.Ability, Abilities[random.Next(Abilities.Length)]);
                    }
                    TacticsSent++;
                    return new Step(Act.Tactic, Tactics[random.Next(Tactics.Length)]);
                case Phase.Engaging or Phase.Challenging or Phase.Accepting:
                    if (now - _phaseSince >= Bot.Ticks(Patience)) ToIdle(now); // its answer never came (a reconnect lost it)
                    return null;
            }

            if (!_seeks && _quarry is null)
            {
                _chase = null;
                return null;
            }
            if (_chase is { } chased && _inView.TryGetValue(chased, out var at) && Distance(x, z, at) <= EngageWithin && !Busy(chased, now))
                return Engage(chased, now);
            if (now < _nextLook) return null;
            _nextLook = now + (long)(_lookTicks * (0.8 + 0.4 * random.NextDouble()));
            _chase = null;

            // The nearest NPC within reach, else the nearest player; with none that close, walk up to the nearest one (NPCs first).
            string? nearest = null;
            var nearestDistance = double.MaxValue;
            var best = (Reach: 2, Kind: 2, Distance: double.MaxValue);
            foreach (var (id, known) in _inView)
            {
                if (id == _self || Busy(id, now) || (_quarry is not null && known.Kind != _quarry)) continue;
                var distance = Distance(x, z, known);
                var rank = (Reach: distance <= EngageWithin ? 0 : 1, Kind: known.Npc ? 0 : 1, Distance: distance);
                if (rank.CompareTo(best) >= 0) continue;
                (nearest, nearestDistance, best) = (id, distance, rank);
            }
            if (nearest is null) return null;
            if (nearestDistance <= EngageWithin) return Engage(nearest, now);
            _chase = nearest;
            return null;
        }
    }

    /// <summary>The caller is sending <paramref name="step"/> with request id <paramref name="id"/>: its answer is matched by it.</summary>
    public void Sending(string id, Step step)
    {
        lock (_gate)
        {
            if (_requests.Count >= MaxTrackedRequests) _requests.Clear(); // answers lost with a socket: nothing waits on them
            _requests[id] = (step.Act, step.Argument);
        }
    }

    /// <summary>
    /// How to walk: not at all while derezzed (the server refuses the moves) or while a fight is starting or going on
    /// (so the two stay within range); toward the bot it is walking up to; otherwise the usual wander.
    /// </summary>
    public WalkPlan Walk()
    {
        lock (_gate)
        {
            if (_derezzed || _phase != Phase.Idle) return new WalkPlan(true, null, null);
            if (_chase is { } chased && _inView.TryGetValue(chased, out var at)) return new WalkPlan(false, at.X, at.Z);
            _chase = null;
            return new WalkPlan(false, null, null);
        }
    }

    private Step Engage(string target, long now)
    {
        EngagesSent++;
        return Await(Phase.Engaging, new Step(Act.Engage, target), now);
    }

    /// <summary>The bot sends <paramref name="step"/> to or about another fighter and waits in <paramref name="phase"/> for its answer.</summary>
    private Step Await(Phase phase, Step step, long now)
    {
        _phase = phase;
        _phaseSince = now;
        _target = step.Argument;
        _chase = null;
        return step;
    }

    private void ToIdle(long now)
    {
        _phase = Phase.Idle;
        _target = null;
        if (_nextLook < now) _nextLook = now + (long)(_lookTicks * Random.Shared.NextDouble());
    }

    private bool Busy(string id, long now)
    {
        if (!_busyUntil.TryGetValue(id, out var until)) return false;
        if (until > now) return true;
        _busyUntil.Remove(id);
        return false;
    }

    /// <summary>The earliest time of the next combat action: never less than <see cref="MinActionGap"/> after the last.</summary>
    private long NotBefore() => _lastAction == long.MinValue ? long.MinValue : _lastAction + Bot.Ticks(MinActionGap);

    private static double Distance(double x, double z, Known to) => Math.Sqrt((to.X - x) * (to.X - x) + (to.Z - z) * (to.Z - z));

}

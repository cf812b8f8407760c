using System.Diagnostics;
using System.Text.Json;
using Mxo.Protocol;
using Mxo.Protocol.Missions;

namespace Mxo.Bots;

/// <summary>
/// What a bot in missions mode (<see cref="BotOptions.Missions"/>) knows and decides, apart from its socket so that it
/// can be reasoned about alone, as <see cref="BotFighter"/> is for fights. It walks to a contact of its district, talks
/// (<c>mission_talk</c>), accepts the offer it likes best, and plays the current phase's objectives: walks to a
/// <c>talk</c>/<c>get</c>/<c>give</c> place and sends the request, walks into a <c>reach</c> area (the move counts),
/// and leaves <c>defeat</c>/<c>loot</c> to the fighter through <see cref="Quarry"/>; until <c>mission_completed</c>.
/// An objective it cannot do (another district, nowhere to go, no progress for a long time, refusals that keep
/// coming) is abandoned, and the bot goes back for another offer. One mission request at a time, at most one every
/// <see cref="MinRequestGap"/>, so the interact limit the mission requests share is never met by a bot on time. The
/// receive loop tells it the answers and pushes; the act loop, the only sender, asks it what to send and where to walk.
/// Both call it, so every member takes one lock. The frames are docs/protocol.md's ("Missions").
/// </summary>
internal sealed class BotMissions
{
    /// <summary>How close a <c>mission_talk</c>, <c>mission_get</c> or <c>mission_give</c> must be (docs/protocol.md, "Missions": 10 units).</summary>
    internal const double Reach = 10;

    /// <summary>A bot walks this close to a contact, NPC or object before it asks: room for rounding and a corrected step.</summary>
    internal const double WalkWithin = 6;

    /// <summary>
    /// The least time between two mission requests: <c>mission_*</c> share the interact limit, 2 a second in bursts of 5
    /// (docs/protocol.md, "Missions" and "Rate limits"); one every 600 ms never empties the bucket.
    /// </summary>
    internal static readonly TimeSpan MinRequestGap = TimeSpan.FromMilliseconds(600);

    /// <summary>A request unanswered this long is given up (its answer went with a dropped socket, or never came).</summary>
    internal static readonly TimeSpan AnswerPatience = TimeSpan.FromSeconds(10);

    /// <summary>A refusal that says "not now" (<c>busy</c>, <c>timeout</c>, <c>derezzed</c>, …) is retried after this.</summary>
    internal static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>No contact of the district had an offer to take: talk to them again after this.</summary>
    internal static readonly TimeSpan RestAfterNoOffers = TimeSpan.FromSeconds(30);

    /// <summary>After <c>daily_limit</c> nothing is accepted before the next daily reset; the bot asks again this much later.</summary>
    internal static readonly TimeSpan RestAfterDailyLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// An active mission whose objectives have not moved for this long is abandoned: an NPC kind nobody finds, an area the
    /// bot stands in without it counting. Longer than the slowest shipped NPC respawn (an agent, 5 minutes, world/npcs.json)
    /// would be kinder to fights, but a load run wants missions done, not waited on.
    /// </summary>
    internal static readonly TimeSpan ObjectivePatience = TimeSpan.FromMinutes(3);

    /// <summary>Refusals of requests about the active mission (not "not now" ones) before the bot abandons it.</summary>
    internal const int MaxRefusalsPerMission = 3;

    private const int MaxErrorCodes = 16;
    private const int MaxOffers = 32;
    private const int MaxObjectives = 16;
    private const int MaxAvoided = 256;
    private const int MaxGivenUp = 8;

    /// <summary>Refusals that say "not now, nothing was done": the same request is sent again shortly.</summary>
    private static readonly HashSet<string> NotNow = new(StringComparer.Ordinal)
    {
        ErrorCodes.Busy, ErrorCodes.Timeout, ErrorCodes.Unavailable, ErrorCodes.Resyncing, ErrorCodes.Derezzed,
        ErrorCodes.NotAttached, ErrorCodes.NotInDistrict,
    };

    public enum Act { List, Talk, Accept, Get, Give, Abandon }

    /// <summary>
    /// A request to send: its kind, and its argument (target, mission or object; a give's item and target; an abandon's
    /// mission and why, which is counted in <see cref="AbandonReasons"/>, not sent).
    /// </summary>
    public readonly record struct Step(Act Act, string Argument, string Argument2 = "");

    /// <summary>Where the bot walks: toward (<see cref="X"/>, <see cref="Z"/>) until it is within <see cref="StopWithin"/>.</summary>
    public readonly record struct Destination(double X, double Z, double StopWithin);

    /// <summary>A mission contact where <c>GET /world/contacts</c> says it stands.</summary>
    public readonly record struct Contact(string Id, double X, double Z);

    /// <summary>An offer of <c>mission_offers</c>: what the bot chooses by.</summary>
    public readonly record struct Offer(string Mission, string Difficulty, string Length, int Phases);

    /// <summary>An objective of the current phase as <c>mission_accepted</c>, <c>mission_phase</c> or <c>missions</c> give it.</summary>
    public sealed record Objective(string Kind, int Count, int Needed)
    {
        public string? Target { get; init; }
        public string? Object { get; init; }
        public string? Item { get; init; }
        public string? NpcKind { get; init; }
        public string? District { get; init; }

        /// <summary>Where to go: a talk, get or give target's position, or a reach area's centre.</summary>
        public (double X, double Z)? Place { get; init; }
        public double Radius { get; init; }
        public bool Met => Count >= Needed;
        public bool IsFight => Kind is "defeat" or "loot";
    }

    private enum Phase { Listing, Seeking, Choosing, Playing, Resting }

    private readonly record struct Pending(string Id, Step Step, long SentAt);

    private readonly object _gate = new();
    private readonly string _district;
    private readonly IReadOnlyList<Contact> _contacts;
    private readonly LatencyHistogram _latency;
    private readonly long _countFrom;
    private readonly Action _wake;
    private readonly Action _completed;
    private readonly List<Offer> _offers = [];
    private readonly HashSet<string> _avoid = new(StringComparer.Ordinal);

    /// <summary>The ids of the last requests given up unanswered: an answer that still comes is this bot's, not a chat ack or an error.</summary>
    private readonly Queue<string> _givenUp = new();
    private Objective[] _objectives = [];
    private Phase _phase;
    private Pending? _pending;
    private long _nextRequest;
    private long _restUntil;
    private int _contact;
    private int _contactsAsked;
    private string? _mission;
    private int _missionPhase;
    private long _lastProgress;
    private int _refusals;

    /// <param name="district">The bot's district: objectives elsewhere are out of its reach.</param>
    /// <param name="contacts">The contacts of that district, asked in this order (the swarm puts the nearest to the spawn first).</param>
    /// <param name="latency">Where the time from a request to its answer goes (shared by the swarm's bots).</param>
    /// <param name="wake">Called (outside the lock) when the act loop should decide at once: an answer or a push came.</param>
    /// <param name="completed">Called (outside the lock) once per <c>mission_completed</c>.</param>
    /// <param name="countFrom">A <see cref="Stopwatch.GetTimestamp"/> before which requests sent are not timed (the warm-up).</param>
    public BotMissions(string district, IReadOnlyList<Contact> contacts, LatencyHistogram latency, Action wake, Action? completed = null,
        long countFrom = 0)
    {
        _countFrom = countFrom;
        _district = district;
        _contacts = contacts;
        _latency = latency;
        _wake = wake;
        _completed = completed ?? (() => { });
    }

    public long Accepted { get; private set; }
    public long Completed { get; private set; }

    /// <summary><c>mission_failed</c>: abandoned (by this bot) or expired (the time limit ran out).</summary>
    public long Abandoned { get; private set; }
    public long Expired { get; private set; }

    /// <summary><c>mission_abandon</c> frames sent, and why: the objective's kind and what made it impossible, or refusals.</summary>
    public long AbandonsSent { get; private set; }
    public Dictionary<string, long> AbandonReasons { get; } = new(StringComparer.Ordinal);

    /// <summary><c>mission_talk</c>s to a contact for offers, and of those the ones with no offer the bot would take.</summary>
    public long ContactTalks { get; private set; }
    public long NoOffers { get; private set; }

    public long RequestsSent { get; private set; }

    /// <summary>Requests given up after <see cref="AnswerPatience"/> without an answer.</summary>
    public long Unanswered { get; private set; }

    /// <summary>Mission requests the server refused, by code (counted, a reason to change course, never to stop).</summary>
    public Dictionary<string, long> RefusedByCode { get; } = new(StringComparer.Ordinal);

    /// <summary>The active mission, if any.</summary>
    public string? Mission
    {
        get { lock (_gate) return _mission; }
    }

    /// <summary>The NPC kind the fighter should engage now (the next objective is a <c>defeat</c> or <c>loot</c>), or none.</summary>
    public string? Quarry(double x, double z)
    {
        lock (_gate) return _phase == Phase.Playing && NextObjective(_objectives, x, z) is { IsFight: true } o ? o.NpcKind : null;
    }

    /// <summary>A new socket: what was in flight is gone; the active mission (if any) is read back with <c>missions</c>.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _pending = null;
            _offers.Clear();
            _phase = Phase.Listing;
            _nextRequest = 0;
        }
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which <see cref="Decide"/> next may have something to send.</summary>
    public long NextDue(long now, double x, double z)
    {
        lock (_gate) return Plan(now, x, z).Due;
    }

    /// <summary>What to send now, if anything; the caller sends it with the id it then passes to <see cref="Sending"/>.</summary>
    public Step? Decide(long now, double x, double z)
    {
        lock (_gate)
        {
            if (_pending is { } pending && now - pending.SentAt >= Bot.Ticks(AnswerPatience))
            {
                Unanswered++;
                _pending = null;
                if (_givenUp.Count >= MaxGivenUp) _givenUp.Dequeue();
                _givenUp.Enqueue(pending.Id);
                if (pending.Step.Act is Act.Accept or Act.Abandon or Act.List) _phase = Phase.Listing; // where it stands is unknown
            }
            if (_phase == Phase.Resting && now >= _restUntil) StartSeeking(now);
            if (_phase == Phase.Choosing && ChooseOffer(_offers, _avoid) is null) NextContact(now); // every offer used or refused
            var (step, due) = Plan(now, x, z);
            if (step is not { } chosen || now < due) return null;
            if (chosen.Act == Act.Abandon)
            {
                AbandonsSent++;
                Bot.Count(AbandonReasons, chosen.Argument2, MaxErrorCodes);
            }
            if (chosen.Act == Act.Talk && _phase == Phase.Seeking) ContactTalks++;
            return chosen;
        }
    }

    /// <summary>The caller is sending <paramref name="step"/> with request id <paramref name="id"/>: its answer is matched by it.</summary>
    public void Sending(string id, Step step, long now)
    {
        lock (_gate)
        {
            _pending = new Pending(id, step, now);
            _nextRequest = now + Bot.Ticks(MinRequestGap);
            RequestsSent++;
        }
    }

    /// <summary>Where to walk: to the contact, or to the next objective's place; <c>null</c> when the bot may wander.</summary>
    public Destination? Walk(double x, double z)
    {
        lock (_gate)
        {
            switch (_phase)
            {
                case Phase.Seeking or Phase.Choosing when _contacts.Count > 0:
                    var c = _contacts[_contact % _contacts.Count];
                    return new Destination(c.X, c.Z, WalkWithin);
                case Phase.Playing when NextObjective(_objectives, x, z) is { IsFight: false, Place: { } place } o && o.District == _district:
                    if (o.Kind != "reach") return new Destination(place.X, place.Z, WalkWithin);
                    // Only a move counts: a bot already well inside the area takes a step within it.
                    if (Distance(x, z, place.X, place.Z) > o.Radius / 2) return new Destination(place.X, place.Z, o.Radius / 2);
                    return new Destination(place.X + (x < place.X ? o.Radius / 4 : -o.Radius / 4), place.Z, 0);
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// An answer (<paramref name="type"/>, or <c>error</c> with <paramref name="code"/>) with <paramref name="id"/>.
    /// Returns true when it answered this bot's mission request and is counted here; false for anything else, and for an
    /// error that says the bot built a bad frame, which the bot counts as an ordinary error.
    /// </summary>
    public bool Answered(string? id, string type, JsonElement data, string? code, long now)
    {
        bool mine;
        lock (_gate)
        {
            mine = id is not null && _pending is { } pending && pending.Id == id;
            if (!mine) return id is not null && _givenUp.Contains(id); // too late to act on, not somebody else's either
            var step = _pending!.Value.Step;
            if (_pending.Value.SentAt >= _countFrom)
                _latency.Record(Stopwatch.GetElapsedTime(_pending.Value.SentAt, now).TotalMilliseconds);
            _pending = null;
            if (code is not null)
            {
                if (Bot.ProtocolMistakes.Contains(code)) return false;
                Refused(step, code, data, now);
            }
            else
            {
                Succeeded(step, type, data, now);
            }
        }
        _wake();
        return true;
    }

    /// <summary>
    /// A push about missions: <c>mission_progress</c>, <c>mission_phase</c>, <c>mission_completed</c> or <c>mission_failed</c>.
    /// Items (<c>item_added</c>) are not tracked: a <c>give</c> is simply tried, and <c>item_not_held</c> counts as a refusal.
    /// </summary>
    public void Pushed(string type, JsonElement data, long now)
    {
        var completed = false;
        lock (_gate)
        {
            var mission = Bot.Property(data, "mission") is { ValueKind: JsonValueKind.String } m ? m.GetString() : null;
            var ours = mission is not null && mission == _mission;
            switch (type)
            {
                case "mission_progress" when ours:
                    var index = Int(data, "phase");
                    var objective = Int(data, "objective");
                    if (index == _missionPhase && objective >= 0 && objective < _objectives.Length)
                    {
                        _objectives[objective] = _objectives[objective] with { Count = Int(data, "count") };
                        _lastProgress = now;
                    }
                    break;
                case "mission_phase" when ours:
                    _missionPhase = Int(data, "phase");
                    _objectives = ReadObjectives(data);
                    _lastProgress = now;
                    _refusals = 0;
                    break;
                case "mission_completed":
                    Completed++;
                    completed = true;
                    if (ours) EndMission(now);
                    break;
                case "mission_failed":
                    if (Bot.Property(data, "reason") is { ValueKind: JsonValueKind.String } reason && reason.ValueEquals("expired")) Expired++;
                    else Abandoned++;
                    if (mission is not null) Avoid(mission);
                    if (ours) EndMission(now);
                    break;
            }
        }
        if (completed) _completed();
        _wake();
    }

    /// <summary>
    /// The offer a bot takes: none it gave up on this run, then the easiest, shortest, fewest phases first (a load run
    /// wants missions finished), ties by id so that a run is repeatable.
    /// </summary>
    internal static Offer? ChooseOffer(IEnumerable<Offer> offers, IReadOnlySet<string> avoid) =>
        offers.Where(o => !avoid.Contains(o.Mission))
            .OrderBy(o => Rank(o.Difficulty, "easy", "normal", "hard"))
            .ThenBy(o => Rank(o.Length, "short", "medium", "long"))
            .ThenBy(o => o.Phases)
            .ThenBy(o => o.Mission, StringComparer.Ordinal)
            .Select(o => (Offer?)o)
            .FirstOrDefault();

    /// <summary>
    /// The objective to work on next among the unmet ones: the nearest that is walked to (talk, reach, get, give), then
    /// the fights (a fight may take a while, and a talk on the way costs nothing); <c>null</c> when all are met.
    /// </summary>
    internal static Objective? NextObjective(IReadOnlyList<Objective> objectives, double x, double z) =>
        objectives.Where(o => !o.Met)
            .OrderBy(o => o.IsFight ? 1 : 0)
            .ThenBy(o => o.Place is { } p ? Distance(x, z, p.X, p.Z) : double.MaxValue)
            .FirstOrDefault();

    /// <summary>Why the bot cannot do <paramref name="objective"/> in <paramref name="district"/>, or <c>null</c> when it can.</summary>
    internal static string? Impossible(Objective objective, string district) => objective.Kind switch
    {
        "defeat" or "loot" => objective.NpcKind is null ? "no npc kind" : null,
        "talk" or "reach" or "get" or "give" when objective.Place is null => "nowhere to go",
        "talk" or "reach" or "get" or "give" when objective.District != district => "in another district",
        "talk" => objective.Target is null ? "no target" : null,
        "get" => objective.Object is null ? "no object" : null,
        "give" => objective.Item is null || objective.Target is null ? "no item or target" : null,
        "reach" => null,
        _ => "unknown kind",
    };

    /// <summary>The objectives of a frame's <c>objectives</c> array (at most <see cref="MaxObjectives"/>).</summary>
    internal static Objective[] ReadObjectives(JsonElement data)
    {
        if (Bot.Property(data, "objectives") is not { ValueKind: JsonValueKind.Array } list) return [];
        var objectives = new List<Objective>();
        foreach (var o in list.EnumerateArray())
        {
            if (objectives.Count >= MaxObjectives) break;
            var at = Bot.ReadPosition(Bot.Property(o, "position")) ?? Bot.ReadPosition(Bot.Property(o, "centre"));
            objectives.Add(new Objective(Text(o, "kind") ?? "", Int(o, "count"), Math.Max(1, Int(o, "needed")))
            {
                Target = Text(o, "target"),
                Object = Text(o, "object"),
                Item = Text(o, "item"),
                NpcKind = Text(o, "npcKind"),
                District = Text(o, "district"),
                Place = at is { } p ? (p.X, p.Z) : null,
                Radius = Bot.Property(o, "radius") is { ValueKind: JsonValueKind.Number } r ? r.GetDouble() : 0,
            });
        }
        return objectives.ToArray();
    }

    /// <summary>The offers of a <c>mission_offers</c> frame (at most <see cref="MaxOffers"/>).</summary>
    internal static List<Offer> ReadOffers(JsonElement data)
    {
        var offers = new List<Offer>();
        if (Bot.Property(data, "offers") is not { ValueKind: JsonValueKind.Array } list) return offers;
        foreach (var o in list.EnumerateArray())
            if (offers.Count < MaxOffers && Text(o, "mission") is { } mission)
                offers.Add(new Offer(mission, Text(o, "difficulty") ?? "", Text(o, "length") ?? "", Int(o, "phases")));
        return offers;
    }

    /// <summary>What the bot would send at <paramref name="now"/> (if anything) and from when: no change of state.</summary>
    private (Step? Step, long Due) Plan(long now, double x, double z)
    {
        if (_pending is { } pending) return (null, pending.SentAt + Bot.Ticks(AnswerPatience));
        var ready = Math.Max(now, _nextRequest);
        switch (_phase)
        {
            case Phase.Listing:
                return (new Step(Act.List, ""), ready);
            case Phase.Resting:
                return (null, Math.Max(_restUntil, _nextRequest));
            case Phase.Seeking:
                if (_contacts.Count == 0) return (null, long.MaxValue);
                var c = _contacts[_contact % _contacts.Count];
                // Out of reach: the act loop's next move brings it closer and asks again.
                return Distance(x, z, c.X, c.Z) <= Reach - 1 ? (new Step(Act.Talk, c.Id), ready) : (null, long.MaxValue);
            case Phase.Choosing:
                // No offer left to take: Decide moves on to the next contact.
                return ChooseOffer(_offers, _avoid) is { } offer ? (new Step(Act.Accept, offer.Mission), ready) : (null, now);
            default:
                return PlanObjective(now, x, z, ready);
        }
    }

    private (Step? Step, long Due) PlanObjective(long now, double x, double z, long ready)
    {
        var mission = _mission!;
        (Step?, long) Abandon(string why) => (new Step(Act.Abandon, mission, why), ready);
        if (_refusals >= MaxRefusalsPerMission) return Abandon($"{MaxRefusalsPerMission} refusals");
        var stuckAt = _lastProgress + Bot.Ticks(ObjectivePatience);
        var objective = NextObjective(_objectives, x, z);
        if (now >= stuckAt) return Abandon($"{objective?.Kind ?? "next phase"}: no progress in {ObjectivePatience.TotalMinutes:0} min");
        if (objective is null) return (null, stuckAt); // all met: the next phase comes
        if (Impossible(objective, _district) is { } why) return Abandon($"{objective.Kind}: {why}");
        if (objective.IsFight || objective.Kind == "reach") return (null, stuckAt); // the fighter, or the moves, do it
        var (px, pz) = objective.Place!.Value;
        if (Distance(x, z, px, pz) > Reach - 1) return (null, stuckAt);
        Step step = objective.Kind switch
        {
            "talk" => new Step(Act.Talk, objective.Target!),
            "get" => new Step(Act.Get, objective.Object!),
            _ => new Step(Act.Give, objective.Item!, objective.Target!),
        };
        return (step, ready);
    }

    private void Succeeded(Step step, string type, JsonElement data, long now)
    {
        switch (step.Act)
        {
            case Act.List:
                _phase = Phase.Seeking;
                if (Bot.Property(data, "active") is { ValueKind: JsonValueKind.Array } active)
                    foreach (var a in active.EnumerateArray())
                    {
                        if (Bot.Property(a, "finished").ValueKind == JsonValueKind.True || Text(a, "mission") is not { } id) continue;
                        StartMission(id, Int(a, "phase"), ReadObjectives(a), now);
                        return;
                    }
                StartSeeking(now);
                return;
            case Act.Talk when _phase == Phase.Seeking && type == "mission_offers":
                _offers.Clear();
                _offers.AddRange(ReadOffers(data));
                if (ChooseOffer(_offers, _avoid) is null)
                {
                    NoOffers++;
                    NextContact(now);
                }
                else
                {
                    _phase = Phase.Choosing;
                }
                return;
            case Act.Accept when type == "mission_accepted":
                Accepted++;
                _offers.RemoveAll(o => o.Mission == step.Argument);
                StartMission(step.Argument, 0, ReadObjectives(data), now);
                return;
            case Act.Talk or Act.Get or Act.Give when _phase == Phase.Playing:
                // Counted by the server: its progress push sets the exact count, but the bot must not ask twice meanwhile.
                MarkMet(step);
                return;
            case Act.Abandon when step.Argument == _mission:
                EndMission(now); // its mission_failed push may come before or after this ack
                return;
        }
    }

    private void Refused(Step step, string code, JsonElement data, long now)
    {
        Bot.Count(RefusedByCode, code, MaxErrorCodes);

        if (code == ErrorCodes.RateLimited)
        {
            var wait = Bot.Property(data, "retryAfterMs") is { ValueKind: JsonValueKind.Number } ms ? TimeSpan.FromMilliseconds(ms.GetDouble()) : RetryAfter;
            _nextRequest = Math.Max(_nextRequest, now + Bot.Ticks(wait < MinRequestGap ? MinRequestGap : wait));
            return;
        }
        if (NotNow.Contains(code))
        {
            _nextRequest = Math.Max(_nextRequest, now + Bot.Ticks(RetryAfter));
            return;
        }
        switch (step.Act)
        {
            case Act.List:
                _nextRequest = Math.Max(_nextRequest, now + Bot.Ticks(RetryAfter));
                return;
            case Act.Talk when _phase == Phase.Seeking:
                if (code != ErrorCodes.OutOfReach) NextContact(now); // a contact the server does not know: try another
                return;
            case Act.Accept:
                switch (code)
                {
                    case MissionErrorCodes.NoOffer or MissionErrorCodes.OfferExpired:
                        StartSeeking(now, sameContact: true); // talk again for a fresh offer
                        return;
                    case MissionErrorCodes.AlreadyActive or MissionErrorCodes.TooManyMissions:
                        _phase = Phase.Listing; // a mission from before this socket: play it
                        return;
                    case MissionErrorCodes.DailyLimit:
                        Rest(now, RestAfterDailyLimit);
                        return;
                    default:
                        Avoid(step.Argument); // not for this character (level, reputation, completed, event): the next offer
                        return;
                }
            case Act.Abandon:
                if (code == MissionErrorCodes.NotActive && step.Argument == _mission) EndMission(now);
                return;
            default:
                // Out of reach: a move of its was corrected on the way (it walks on and asks again; a place it never gets
                // to is given up by ObjectivePatience). Not needed, not held, unknown: the bot's picture of the mission
                // may be wrong, so it reads it back, and gives the mission up if such refusals go on.
                if (_phase != Phase.Playing || code == ErrorCodes.OutOfReach) return;
                _refusals++;
                _phase = Phase.Listing;
                return;
        }
    }

    private void StartMission(string mission, int phase, Objective[] objectives, long now)
    {
        if (mission != _mission) _refusals = 0; // the same one read back after a refusal keeps its count
        _mission = mission;
        _missionPhase = phase;
        _objectives = objectives;
        _phase = Phase.Playing;
        _lastProgress = now;
    }

    private void EndMission(long now)
    {
        _mission = null;
        _objectives = [];
        // Back to the contact it was talking to, for another offer: it is where the bot took this one.
        StartSeeking(now, sameContact: true);
    }

    private void MarkMet(Step step)
    {
        for (var i = 0; i < _objectives.Length; i++)
        {
            var o = _objectives[i];
            var match = step.Act switch
            {
                Act.Talk => o.Kind == "talk" && o.Target == step.Argument,
                Act.Get => o.Kind == "get" && o.Object == step.Argument,
                _ => o.Kind == "give" && o.Item == step.Argument && o.Target == step.Argument2,
            };
            if (match && !o.Met) _objectives[i] = o with { Count = o.Needed };
        }
    }

    /// <summary>Off to a contact for offers: the same one again, or (a fresh round) the one after the last asked.</summary>
    private void StartSeeking(long now, bool sameContact = false)
    {
        _phase = _contacts.Count == 0 ? Phase.Resting : Phase.Seeking;
        if (!sameContact) _contactsAsked = 0;
        if (_phase == Phase.Resting) _restUntil = now + Bot.Ticks(RestAfterNoOffers);
    }

    /// <summary>This contact had nothing to take: the next one, or a rest when every contact of the district said so.</summary>
    private void NextContact(long now)
    {
        _offers.Clear();
        _contact = _contacts.Count == 0 ? 0 : (_contact + 1) % _contacts.Count;
        if (++_contactsAsked >= _contacts.Count)
        {
            _contactsAsked = 0;
            Rest(now, RestAfterNoOffers);
            return;
        }
        _phase = Phase.Seeking;
    }

    private void Rest(long now, TimeSpan span)
    {
        _phase = Phase.Resting;
        _restUntil = now + Bot.Ticks(span);
    }

    private void Avoid(string mission)
    {
        if (_avoid.Count >= MaxAvoided) _avoid.Clear(); // a bound, never met with the shipped content (16 missions)
        _avoid.Add(mission);
    }

    private static int Rank(string value, params string[] order) => Array.IndexOf(order, value) is var i && i >= 0 ? i : order.Length;

    private static string? Text(JsonElement element, string name) =>
        Bot.Property(element, name) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    private static int Int(JsonElement element, string name) =>
        Bot.Property(element, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var i) ? i : 0;

    private static double Distance(double x, double z, double tx, double tz) => Math.Sqrt((tx - x) * (tx - x) + (tz - z) * (tz - z));
}

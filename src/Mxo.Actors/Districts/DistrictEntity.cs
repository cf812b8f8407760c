using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Mxo.Actors.Players;
using Mxo.Actors.World;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.World;
using ProtocolSeen = Mxo.Protocol.Districts.Seen;

namespace Mxo.Actors.Districts;

/// <summary>
/// One district: sharded, persistent, remembered. Durable: its residents (who is located here), recent chat ids and
/// the state of its world objects. In memory: who is present right now, with their session, and where (an
/// <see cref="InterestManager"/>). While anyone is present it ticks (<see cref="WorldSettings.TickInterval"/>) and sends
/// each player one batched view of the players within the interest radius; an empty district does not tick.
/// </summary>
public sealed class DistrictEntity : MxoEntity<DistrictState>, IWithTimers
{
    private sealed record Presence(string Name, IActorRef Session);
    private sealed class Tick { public static readonly Tick Instance = new(); }

    /// <summary>Who operator announcements come from; no character may take this name (CharacterRules.ReservedNames).</summary>
    public static readonly PlayerId SystemSpeaker = new("system");

    private readonly WorldSettings _settings;
    private readonly DistrictData _data;
    private readonly (IActorRef Proxy, TimeSpan ResubscribeEvery)? _clock;
    private readonly string[] _others;
    private readonly Dictionary<PlayerId, Presence> _present = new();
    private readonly InterestManager _interest;
    private readonly TickTimings _timings = new(1024);
    private readonly TickTimings _lateness = new(1024);
    private readonly TickSchedule _schedule;
    private readonly WorldMetrics.DistrictMeter _meter;
    private WorldEnvironment? _environment;

    /// <param name="clock">The world clock's proxy, if the node has one, and how often to renew the subscription.</param>
    public DistrictEntity(string entityId, WorldSettings settings, WorldMap map, (IActorRef Proxy, TimeSpan ResubscribeEvery)? clock = null)
        : base("district-" + entityId, DistrictState.Empty(new DistrictId(entityId)), settings.SnapshotEvery)
    {
        _settings = settings;
        _data = map.Find(new DistrictId(entityId)) ?? throw new ArgumentException($"no district '{entityId}' in the world map", nameof(entityId));
        _clock = clock;
        _others = map.All.Where(d => d.Id != _data.Id).Select(d => d.Id.Value).ToArray();
        _meter = WorldMetrics.ForDistrict(entityId); // after the map check: the label stays within the map's districts
        _interest = new InterestManager(settings.InterestRadius);
        _schedule = new TickSchedule(settings.TickInterval);

        TracedCommand<DistrictCommands.Join>(HandleJoin);
        TracedCommand<DistrictCommands.Leave>(HandleLeave);
        Command<DistrictCommands.Depart>(cmd => RemovePresence(cmd.PlayerId));
        Command<DistrictCommands.UpdatePosition>(cmd =>
        {
            if (_present.ContainsKey(cmd.PlayerId)) _interest.Move(cmd.PlayerId, cmd.Position);
        });
        TracedCommand<DistrictCommands.Say>(HandleSay);
        TracedCommand<DistrictCommands.Interact>(HandleInteract);
        Command<DistrictCommands.GetOccupancy>(_ =>
            Sender.Tell(new DistrictReplies.Occupancy(State.District, State.Residents.Count, Occupants(near: null, except: null))));
        Command<DistrictCommands.GetStatus>(_ => Sender.Tell(Status()));
        Command<DistrictCommands.Announce>(cmd =>
        {
            Broadcast(new SessionPushes.ChatLine(State.District, SystemSpeaker, "System", cmd.Text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            Sender.Tell(new Replies.Acknowledged(_present.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
        Command<Tick>(_ => HandleTick());
        Command<WorldClockEvents.EnvironmentChanged>(e =>
        {
            // Re-subscribing is answered with the current environment: news only when the phase or weather changed.
            var news = _environment is not { } current || current.Phase != e.Environment.Phase || current.Weather != e.Environment.Weather;
            _environment = e.Environment;
            if (news) Broadcast(new SessionPushes.Environment(State.District, e.Environment));
        });
        Command<WorldEnvironment>(e =>
        {
            // The clock's answer to a subscription: the first one is news to anyone already present.
            if (_environment is not null) return;
            _environment = e;
            Broadcast(new SessionPushes.Environment(State.District, e));
        });
        CommandStop();
        Command<Terminated>(t =>
        {
            // A session died without departing (its edge node crashed): it is no longer present.
            foreach (var (player, presence) in _present.ToArray())
                if (presence.Session.Equals(t.ActorRef)) RemovePresence(player);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public int Capacity => _settings.DistrictCapacity ?? _data.Capacity;

    public static Props PropsFor(string entityId, WorldSettings settings, WorldMap map,
        (IActorRef Proxy, TimeSpan ResubscribeEvery)? clock = null) =>
        Props.Create(() => new DistrictEntity(entityId, settings, map, clock));

    protected override DistrictState Apply(DistrictState state, IMxoEvent @event) => DistrictRules.Apply(state, @event);

    protected override void PreStart()
    {
        base.PreStart();
        // Subscriptions do not survive a clock fail-over: the subscriber child renews ours now and then.
        if (_clock is { } clock) Context.ActorOf(WorldClockSubscriber.PropsFor(clock.Proxy, Self, clock.ResubscribeEvery), "clock");
    }

    protected override void PostStop()
    {
        _meter.Present(0); // whoever was present here is no longer counted on this node
        base.PostStop();
    }

    private void HandleJoin(DistrictCommands.Join cmd)
    {
        var replyTo = Sender;
        if (!_present.ContainsKey(cmd.PlayerId) && _present.Count >= Capacity)
        {
            replyTo.Tell(new DistrictReplies.JoinRefused(State.District, cmd.PlayerId, cmd.CommandId, ErrorCodes.DistrictFull,
                $"{_data.Name} is full ({Capacity} players); you may go to: {string.Join(", ", Alternatives())}"));
            return;
        }

        void Admit()
        {
            if (_present.Remove(cmd.PlayerId, out var old) && !old.Session.Equals(cmd.Session))
                Context.Unwatch(old.Session);
            _present[cmd.PlayerId] = new Presence(cmd.Name, cmd.Session);
            _meter.Present(_present.Count);
            Context.Watch(cmd.Session);
            _interest.Join(cmd.PlayerId, cmd.Position);
            if (_present.Count == 1)
            {
                Timers.StartPeriodicTimer("tick", Tick.Instance, _settings.TickInterval);
                _schedule.Restart();
            }
            // Those already in view are listed now; the next tick's view update tells everyone else concerned.
            // The environment rides with the reply, so the client hears it after "entered", not before.
            replyTo.Tell(new DistrictReplies.Joined(State.District, cmd.PlayerId, cmd.CommandId,
                Occupants(near: cmd.Position, except: cmd.PlayerId), _environment));
        }

        if (DistrictRules.DecideJoin(State, cmd.PlayerId, cmd.Name) is { } entered)
            PersistThen(entered, _ => Admit());
        else
            Admit();
    }

    private IEnumerable<string> Alternatives() => _others;

    private void HandleLeave(DistrictCommands.Leave cmd)
    {
        RemovePresence(cmd.PlayerId);
        if (DistrictRules.DecideLeave(State, cmd.PlayerId) is { } left)
            PersistThen(left, _ => { });
    }

    private void HandleTick()
    {
        var started = Stopwatch.GetTimestamp();
        RecordLateness(started);
        foreach (var update in _interest.Tick())
        {
            if (!_present.TryGetValue(update.Viewer, out var viewer)) continue;
            // The interest manager reuses its lists: copy into the message now.
            var entered = new Occupant[update.Entered.Count];
            for (var i = 0; i < entered.Length; i++)
            {
                var seen = update.Entered[i];
                entered[i] = new Occupant(seen.Player, _present.TryGetValue(seen.Player, out var p) ? p.Name : seen.Player.Value, seen.Position);
            }
            var moved = new ProtocolSeen[update.Moved.Count];
            for (var i = 0; i < moved.Length; i++) moved[i] = new ProtocolSeen(update.Moved[i].Player, update.Moved[i].Position);
            viewer.Session.Tell(new SessionPushes.ViewUpdate(State.District, entered, moved, update.Left.ToArray()), ActorRefs.NoSender);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        _timings.Record(elapsed);
        _meter.Ticked(elapsed);
        if (_present.Count == 0) Timers.Cancel("tick");
    }

    private void RecordLateness(long now)
    {
        var lateness = _schedule.Observe(now);
        _lateness.Record(lateness);
        _meter.Late(lateness);
    }

    private void HandleSay(DistrictCommands.Say cmd)
    {
        var replyTo = Sender;
        if (!_present.TryGetValue(cmd.PlayerId, out var presence))
        {
            replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "you are not present in this district"));
            return;
        }
        var line = DistrictRules.DecideSay(State, cmd.PlayerId, presence.Name, cmd.Text, cmd.CommandId,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (line is null)
        {
            replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
            return;
        }
        PersistThen(line, e =>
        {
            Broadcast(new SessionPushes.ChatLine(State.District, e.PlayerId, e.Name, e.Text, e.UnixTimeMs));
            replyTo.Tell(new Replies.Acknowledged(e.CommandId));
        });
    }

    private void HandleInteract(DistrictCommands.Interact cmd)
    {
        var replyTo = Sender;
        if (!_present.ContainsKey(cmd.PlayerId) || !_interest.TryGetPosition(cmd.PlayerId, out var at))
        {
            replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "you are not present in this district"));
            return;
        }
        var decision = DistrictRules.DecideInteract(State, _data, cmd.PlayerId, at, cmd.ObjectId, cmd.Action, cmd.CommandId,
            _settings.InteractionReach, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        switch (decision)
        {
            case InteractDecision.Refuse refuse:
                replyTo.Tell(new Replies.Rejected(cmd.CommandId, refuse.Code, refuse.Message));
                return;
            case InteractDecision.AlreadyDone:
                replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
                return;
            case InteractDecision.Record record:
                PersistThen(record.Event, e =>
                {
                    Broadcast(new SessionPushes.ObjectChanged(State.District, ObjectStatusOf(e.ObjectId), e.PlayerId));
                    replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
                });
                return;
        }
    }

    private ObjectStatus ObjectStatusOf(string objectId)
    {
        var data = _data.Objects.First(o => o.Id == objectId);
        return new ObjectStatus(data.Id, data.Kind, data.Position, DistrictRules.ObjectState(State, data));
    }

    private DistrictReplies.Status Status()
    {
        var (p50, p99) = _timings.Percentiles();
        var (lateP50, lateP99) = _lateness.Percentiles();
        return new DistrictReplies.Status(State.District, _present.Count, Capacity,
            _data.Objects.Select(o => ObjectStatusOf(o.Id)).ToArray(), _environment, _timings.Count, p50, p99)
        {
            TickLateP50Ms = lateP50,
            TickLateP99Ms = lateP99,
        };
    }

    private void RemovePresence(PlayerId player)
    {
        if (!_present.Remove(player, out var presence)) return;
        _meter.Present(_present.Count);
        Context.Unwatch(presence.Session);
        _interest.Leave(player);
    }

    /// <summary>Present players within the interest radius of <paramref name="near"/> (everyone when null).</summary>
    private Occupant[] Occupants(Vec3? near, PlayerId? except)
    {
        var list = new List<Occupant>();
        foreach (var (player, presence) in _present)
        {
            if (player == except || !_interest.TryGetPosition(player, out var position)) continue;
            if (near is { } centre && centre.FlatDistanceTo(position) > _interest.Radius) continue;
            list.Add(new Occupant(player, presence.Name, position));
        }
        return list.ToArray();
    }

    private void Broadcast(ISessionPush push)
    {
        foreach (var presence in _present.Values) presence.Session.Tell(push, ActorRefs.NoSender);
    }
}

/// <summary>
/// How late each tick is against a fixed-rate schedule (a periodic timer's ticks are due one interval apart): the
/// scheduler's resolution plus the time the tick waited in the mailbox behind moves. A tick more than one interval late
/// restarts the schedule from itself, so one stall is counted once, not again in every later tick.
/// </summary>
public sealed class TickSchedule(TimeSpan interval)
{
    private readonly long _interval = (long)(interval.TotalSeconds * Stopwatch.Frequency);
    private long _due; // Stopwatch timestamp the next tick is due at; 0 until the first tick after a (re)start

    /// <summary>The timer (re)started: its next tick is on time by definition.</summary>
    public void Restart() => _due = 0;

    /// <param name="now">A <see cref="Stopwatch.GetTimestamp"/> taken as the tick starts.</param>
    public TimeSpan Observe(long now)
    {
        if (_due == 0) _due = now;
        var late = Math.Max(0, now - _due);
        _due = late > _interval ? now + _interval : _due + _interval;
        return TimeSpan.FromSeconds((double)late / Stopwatch.Frequency);
    }
}

/// <summary>A bounded ring of recent tick durations (or latenesses), for the status reply (p50/p99) and the 1,000-bot benchmark.</summary>
internal sealed class TickTimings(int size)
{
    private readonly double[] _ms = new double[size];
    private int _next;

    public long Count { get; private set; }

    public void Record(TimeSpan elapsed)
    {
        _ms[_next] = elapsed.TotalMilliseconds;
        _next = (_next + 1) % _ms.Length;
        Count++;
    }

    public (double P50, double P99) Percentiles()
    {
        var n = (int)Math.Min(Count, _ms.Length);
        if (n == 0) return (0, 0);
        var sorted = _ms[..n];
        Array.Sort(sorted);
        return (sorted[(int)(0.50 * (n - 1))], sorted[(int)(0.99 * (n - 1))]);
    }
}

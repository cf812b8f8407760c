using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Mxo.Actors.Players;
using Mxo.Actors.World;
using Mxo.Protocol;
using Mxo.Protocol.Chat;
using Mxo.Protocol.Combat;
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

    private readonly WorldSettings _settings;
    private readonly DistrictData _data;
    private readonly (IActorRef Proxy, TimeSpan ResubscribeEvery)? _clock;
    private readonly string[] _others;
    private readonly Dictionary<PlayerId, Presence> _present = new();
    private readonly InterestManager _interest;
    private readonly TickTimings _timings = new(1024);
    private readonly TickTimings _lateness = new(1024);
    private readonly TickSchedule _schedule;
    private Timer? _tickClock;
    private int _tickPending; // 1 while a tick from the clock is in the mailbox
    private readonly WorldMetrics.DistrictMeter _meter;
    private WorldEnvironment? _environment;
    // Group commit (Route): commands that wait for the write in flight, in arrival order, with their senders; and the
    // players whose join is decided but not yet durable (their presence is not known until it is).
    private readonly Queue<(object Message, IActorRef Sender)> _held = new();
    private readonly HashSet<PlayerId> _admitting = new();
    private int _admittingNew; // of those, the ones not present yet: they count against the capacity
    private bool _draining;

    // Fights (issue 11). Who fights where is the encounters' to know: this is the district's working copy, rebuilt from
    // the rounds they send (each names its fighters), so a restarted district refuses a second fight for a fighter again
    // from the next round on.
    private readonly DistrictFighting? _fighting;
    private readonly Dictionary<string, DistrictNpc> _npcs = new();
    /// <summary>Fighter id → the encounter it is in (or being started in).</summary>
    private readonly Dictionary<string, string> _inFight = new();
    /// <summary>Encounters asked to start and not yet answered, with whom to tell.</summary>
    private readonly Dictionary<string, PendingFight> _starting = new();
    /// <summary>Challenged player → the duel challenge waiting for its answer (one per challenged player).</summary>
    private readonly Dictionary<PlayerId, Challenge> _challenges = new();
    private sealed record PendingFight(PlayerId A, string AName, IActorRef ASession, string? ACommand, string B, string BName, string? BKind,
        IActorRef? BSession, string? BCommand);
    private sealed record Challenge(PlayerId Challenger, string Name, FighterStatsData Stats, IActorRef Session, long ExpiresAtMs);
    private sealed record NpcRespawnDue(string NpcId);

    /// <param name="clock">The world clock's proxy, if the node has one, and how often to renew the subscription.</param>
    /// <param name="fighting">Combat: the table's settings, the district's NPCs and the encounters' region; null: no fights here.</param>
    public DistrictEntity(string entityId, WorldSettings settings, WorldMap map, (IActorRef Proxy, TimeSpan ResubscribeEvery)? clock = null,
        DistrictFighting? fighting = null)
        : base("district-" + entityId, DistrictState.Empty(new DistrictId(entityId)), settings.SnapshotEvery)
    {
        _settings = settings;
        _fighting = fighting;
        foreach (var npc in fighting?.Npcs ?? []) _npcs[npc.FighterId] = npc;
        _data = map.Find(new DistrictId(entityId)) ?? throw new ArgumentException($"no district '{entityId}' in the world map", nameof(entityId));
        _clock = clock;
        _others = map.All.Where(d => d.Id != _data.Id).Select(d => d.Id.Value).ToArray();
        _meter = WorldMetrics.ForDistrict(entityId); // after the map check: the label stays within the map's districts
        _interest = new InterestManager(settings.InterestRadius, viewCap: settings.ViewCap);
        _schedule = new TickSchedule(settings.TickInterval);

        // Every command goes through Route: while a journal write is in flight, some are decided now and join the next
        // write (group commit), the others wait in order (see Route).
        Command<DistrictCommands.Join>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.Leave>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.Depart>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.UpdatePosition>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.Say>(cmd => Route(cmd, Sender));
        Command<ChatCommands.DistrictEmote>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.Interact>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.GetOccupancy>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.GetStatus>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.Engage>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.AnswerDuel>(cmd => Route(cmd, Sender));
        Command<DistrictCommands.FightRound>(cmd => Route(cmd, Sender));
        Command<NpcRespawnDue>(due => Route(due, Sender));
        Command<CombatReplies.EncounterStarted>(HandleEncounterStarted);
        Command<Replies.Rejected>(r => _starting.ContainsKey(r.CommandId), HandleEncounterRefused);
        Command<CombatReplies.Accepted>(_ => { }); // an NPC's tactic was taken
        Command<Replies.Rejected>(_ => { }); // an NPC's tactic was refused (too fast, not enough inner strength): it fights on with the last one
        Command<Mxo.Protocol.Notifications.InboxReplies.Notified>(_ => { }); // a duel challenge's notification was pushed (or the player just left)
        Command<Tick>(tick =>
        {
            Volatile.Write(ref _tickPending, 0); // the clock may send the next one
            Route(tick, Sender);
        });
        Command<WorldClockEvents.EnvironmentChanged>(e => Route(e, Sender));
        Command<WorldEnvironment>(e => Route(e, Sender));
        CommandStop();
        Command<Terminated>(t => Route(t, Sender));
    }

    public int Capacity => _settings.DistrictCapacity ?? _data.Capacity;

    public static Props PropsFor(string entityId, WorldSettings settings, WorldMap map,
        (IActorRef Proxy, TimeSpan ResubscribeEvery)? clock = null, DistrictFighting? fighting = null) =>
        Props.Create(() => new DistrictEntity(entityId, settings, map, clock, fighting));

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>NPCs stand at their spawn points unless the journal says they are down; those come back when their time comes.</summary>
    protected override void OnRecovered()
    {
        base.OnRecovered();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var npc in _npcs.Values)
        {
            if (State.NpcRespawns.TryGetValue(npc.Id, out var at))
                Timers.StartSingleTimer("respawn-" + npc.Id, new NpcRespawnDue(npc.Id), TimeSpan.FromMilliseconds(Math.Max(0, at - now)));
            else _interest.Join(npc.ViewId, npc.Position);
        }
    }

    protected override DistrictState Apply(DistrictState state, IMxoEvent @event) => DistrictRules.Apply(state, @event);

    protected override void PreStart()
    {
        base.PreStart();
        // Subscriptions do not survive a clock fail-over: the subscriber child renews ours now and then.
        if (_clock is { } clock) Context.ActorOf(WorldClockSubscriber.PropsFor(clock.Proxy, Self, clock.ResubscribeEvery), "clock");
    }

    protected override void PostStop()
    {
        StopTicking();
        _meter.Present(0); // whoever was present here is no longer counted on this node
        base.PostStop();
    }

    /// <summary>
    /// Group commit (docs/architecture.md, "Durable writes"). While no write is in flight every command is handled at
    /// once. While one is, a say, an interact or a join is decided now — against the state with every undurable event
    /// applied (<see cref="MxoEntity{TState}.Decided"/>) and the presence it will find — and joins the next write; its
    /// answer waits for its own event and for everything decided before it. Every other command (and a say, interact or
    /// join of a player whose own join is not durable yet, whose presence is undecided) is held, and so is everything
    /// after it, until nothing is in flight: the order of what each client hears is the order of its commands, as when
    /// each write was awaited alone. Beyond <see cref="WorldSettings.DistrictWriteQueue"/> waiting commands a say,
    /// interact or join is refused at once with <c>busy</c>; it changed nothing.
    /// </summary>
    private void Route(object message, IActorRef sender)
    {
        if (GroupBusy && message is DistrictCommands.Say or ChatCommands.DistrictEmote or DistrictCommands.Interact or DistrictCommands.Join
            && _held.Count + GroupCollected >= _settings.DistrictWriteQueue)
        {
            RefuseBusy(message, sender);
            return;
        }
        if (_held.Count > 0 || !TryHandle(message, sender))
        {
            // Moves and ticks are transient and superseded by the next: past the bound they are dropped, so what waits
            // behind a slow write stays bounded (a player's next move carries its latest position; the next tick
            // sends everything that changed). The other commands that wait are few (one leave or depart per player,
            // operators' queries) and are kept.
            if (message is DistrictCommands.UpdatePosition or Tick && _held.Count >= _settings.DistrictWriteQueue) return;
            _held.Enqueue((message, sender));
        }
    }

    protected override void OnGroupIdle()
    {
        if (_draining) return;
        _draining = true;
        try
        {
            // What waited is decided in order and written together (one write), up to the next command that must wait.
            Collecting(() => _held.TryPeek(out var held) && TryHandle(held.Message, held.Sender) && _held.TryDequeue(out _));
        }
        finally
        {
            _draining = false;
        }
    }

    /// <summary>The stop message waits for the writes in flight and the commands before it, as they would have.</summary>
    protected override void OnStop()
    {
        if (GroupBusy || _held.Count > 0) _held.Enqueue((EntityStop.Instance, Sender));
        else base.OnStop();
    }

    /// <summary>Handles <paramref name="message"/> now, or returns false (changing nothing) when it has to wait.</summary>
    private bool TryHandle(object message, IActorRef sender)
    {
        if (GroupBusy)
        {
            var mayGoNow = message switch
            {
                DistrictCommands.Say say => !_admitting.Contains(say.PlayerId),
                ChatCommands.DistrictEmote emote => !_admitting.Contains(emote.PlayerId),
                DistrictCommands.Interact interact => !_admitting.Contains(interact.PlayerId),
                DistrictCommands.Join join => !_admitting.Contains(join.PlayerId),
                // A position is read by interact decisions (in order) and by the join answers and ticks, which wait.
                DistrictCommands.UpdatePosition => _admitting.Count == 0,
                _ => false,
            };
            if (!mayGoNow) return false;
        }
        using var span = message is ITraced traced ? MxoTracing.Receive(traced, Context.System, PersistenceId) : default;
        switch (message)
        {
            case DistrictCommands.Join cmd: HandleJoin(cmd, sender); break;
            case DistrictCommands.Leave cmd: HandleLeave(cmd); break;
            case DistrictCommands.Depart cmd: RemovePresence(cmd.PlayerId); break;
            case DistrictCommands.UpdatePosition cmd:
                if (_present.ContainsKey(cmd.PlayerId)) _interest.Move(cmd.PlayerId, cmd.Position);
                break;
            case DistrictCommands.Say cmd: HandleSay(cmd, sender); break;
            case ChatCommands.DistrictEmote cmd: HandleEmote(cmd, sender); break;
            case DistrictCommands.Interact cmd: HandleInteract(cmd, sender); break;
            case DistrictCommands.GetOccupancy:
                sender.Tell(new DistrictReplies.Occupancy(State.District, State.Residents.Count, Occupants(near: null, except: null)));
                break;
            case DistrictCommands.GetStatus: sender.Tell(Status()); break;
            case Tick: HandleTick(); break;
            case WorldClockEvents.EnvironmentChanged e:
            {
                // Re-subscribing is answered with the current environment: news only when the phase or weather changed.
                var news = _environment is not { } current || current.Phase != e.Environment.Phase || current.Weather != e.Environment.Weather;
                _environment = e.Environment;
                if (news) Broadcast(new SessionPushes.Environment(State.District, e.Environment));
                break;
            }
            case WorldEnvironment e:
                // The clock's answer to a subscription: the first one is news to anyone already present.
                if (_environment is not null) break;
                _environment = e;
                Broadcast(new SessionPushes.Environment(State.District, e));
                break;
            case Terminated t:
                // A session died without departing (its edge node crashed): it is no longer present.
                foreach (var (player, presence) in _present.ToArray())
                    if (presence.Session.Equals(t.ActorRef)) RemovePresence(player);
                break;
            case DistrictCommands.Engage cmd: HandleEngage(cmd); break;
            case DistrictCommands.AnswerDuel cmd: HandleAnswerDuel(cmd); break;
            case DistrictCommands.FightRound cmd: HandleFightRound(cmd, sender); break;
            case NpcRespawnDue due: HandleRespawn(due.NpcId); break;
            case EntityStop: base.OnStop(); break;
        }
        return true;
    }

    private void RefuseBusy(object message, IActorRef sender)
    {
        const string why = "the district has too many requests waiting for its journal; try again";
        switch (message)
        {
            case DistrictCommands.Join cmd:
                sender.Tell(new DistrictReplies.JoinRefused(State.District, cmd.PlayerId, cmd.CommandId, ErrorCodes.Busy, why));
                break;
            case DistrictCommands.Say cmd: sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Busy, why)); break;
            case ChatCommands.DistrictEmote cmd: sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Busy, why)); break;
            case DistrictCommands.Interact cmd: sender.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Busy, why)); break;
        }
    }

    private void HandleJoin(DistrictCommands.Join cmd, IActorRef replyTo)
    {
        var present = _present.ContainsKey(cmd.PlayerId);
        if (!present && _present.Count + _admittingNew >= Capacity)
        {
            var refused = new DistrictReplies.JoinRefused(State.District, cmd.PlayerId, cmd.CommandId, ErrorCodes.DistrictFull,
                $"{_data.Name} is full ({Capacity} players); you may go to: {string.Join(", ", Alternatives())}");
            PersistGrouped(null, () => replyTo.Tell(refused));
            return;
        }

        void Admit()
        {
            _admitting.Remove(cmd.PlayerId);
            if (!present) _admittingNew--;
            if (_present.Remove(cmd.PlayerId, out var old) && !old.Session.Equals(cmd.Session))
                Context.Unwatch(old.Session);
            _present[cmd.PlayerId] = new Presence(cmd.Name, cmd.Session);
            _meter.Present(_present.Count);
            Context.Watch(cmd.Session);
            _interest.Join(cmd.PlayerId, cmd.Position);
            if (_present.Count == 1)
            {
                StartTicking();
                _schedule.Restart();
            }
            // Those already in view are listed now; the next tick's view update tells everyone else concerned.
            // The environment rides with the reply, so the client hears it after "entered", not before.
            replyTo.Tell(new DistrictReplies.Joined(State.District, cmd.PlayerId, cmd.CommandId,
                Occupants(near: cmd.Position, except: cmd.PlayerId), _environment));
        }

        _admitting.Add(cmd.PlayerId);
        if (!present) _admittingNew++;
        PersistGrouped(DistrictRules.DecideJoin(Decided, cmd.PlayerId, cmd.Name), Admit, _ =>
        {
            _admitting.Remove(cmd.PlayerId);
            if (!present) _admittingNew--;
            replyTo.Tell(new DistrictReplies.JoinRefused(State.District, cmd.PlayerId, cmd.CommandId, ErrorCodes.Unavailable, JournalDown));
        });
    }

    /// <summary>What a client is told when the journal refused the write its request needed (nothing was stored).</summary>
    internal const string JournalDown = "the world's journal is unavailable, nothing was changed; retry in a few seconds";

    private IEnumerable<string> Alternatives() => _others;

    private void HandleLeave(DistrictCommands.Leave cmd)
    {
        RemovePresence(cmd.PlayerId);
        if (DistrictRules.DecideLeave(Decided, cmd.PlayerId) is { } left)
            PersistGrouped(left, () => { });
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
                entered[i] = OccupantOf(seen.Player, seen.Position);
            }
            var moved = new ProtocolSeen[update.Moved.Count];
            for (var i = 0; i < moved.Length; i++) moved[i] = new ProtocolSeen(update.Moved[i].Player, update.Moved[i].Position);
            viewer.Session.Tell(new SessionPushes.ViewUpdate(State.District, entered, moved, update.Left.ToArray()), ActorRefs.NoSender);
        }
        if (_challenges.Count > 0) ExpireChallenges();
        var elapsed = Stopwatch.GetElapsedTime(started);
        _timings.Record(elapsed);
        _meter.Ticked(elapsed);
        if (_present.Count == 0) StopTicking();
    }

    /// <summary>
    /// The 20 Hz clock is a .NET timer, not an Akka timer: Akka's scheduler works in 10 ms steps (it refuses a finer
    /// <c>akka.scheduler.tick-duration</c>), which alone made ticks up to 10 ms late (docs/benchmarks.md, "Tick
    /// lateness"). At most one tick waits in the mailbox: the clock skips a beat while one does.
    /// </summary>
    private void StartTicking()
    {
        if (_tickClock is not null) return;
        var self = Self;
        _tickClock = new Timer(_ =>
        {
            if (Interlocked.Exchange(ref _tickPending, 1) == 0) self.Tell(Tick.Instance, ActorRefs.NoSender);
        }, null, _settings.TickInterval, _settings.TickInterval);
    }

    private void StopTicking()
    {
        _tickClock?.Dispose();
        _tickClock = null;
        Volatile.Write(ref _tickPending, 0);
    }

    private void RecordLateness(long now)
    {
        var lateness = _schedule.Observe(now);
        _lateness.Record(lateness);
        _meter.Late(lateness);
    }

    private void HandleSay(DistrictCommands.Say cmd, IActorRef replyTo)
    {
        if (!_present.TryGetValue(cmd.PlayerId, out var presence))
        {
            PersistGrouped(null, () => replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "you are not present in this district")));
            return;
        }
        var districtWide = cmd.Channel == ChatChannels.District;
        var line = DistrictRules.DecideSay(Decided, cmd.PlayerId, presence.Name, cmd.Text, cmd.CommandId,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (line is null)
        {
            PersistGrouped(null, () => replyTo.Tell(new Replies.Acknowledged(cmd.CommandId)));
            return;
        }
        if (districtWide) line = line with { Channel = ChatChannels.District };
        PersistGrouped(line, () =>
        {
            var push = new SessionPushes.ChatLine(State.District, line.PlayerId, line.Name, line.Text, line.UnixTimeMs) { Channel = line.Channel };
            if (districtWide) Broadcast(push);
            else TellNear(line.PlayerId, push);
            replyTo.Tell(new Replies.Acknowledged(line.CommandId));
        }, _ => replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, JournalDown)));
    }

    /// <summary>
    /// An emote: not journaled (it changes nothing), told to those within the interest radius and acknowledged in the
    /// order of the commands around it (it waits, like a refusal, for the writes decided before it).
    /// </summary>
    private void HandleEmote(ChatCommands.DistrictEmote cmd, IActorRef replyTo)
    {
        if (!_present.TryGetValue(cmd.PlayerId, out var presence))
        {
            Refuse(replyTo, cmd.CommandId, ErrorCodes.NotInDistrict, "you are not present in this district");
            return;
        }
        var push = new ChatPushes.Emoted(State.District, cmd.PlayerId, presence.Name, cmd.Name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        PersistGrouped(null, () =>
        {
            TellNear(cmd.PlayerId, push);
            replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
        });
    }

    private readonly List<PlayerId> _hearers = new();

    /// <summary>
    /// Tells <paramref name="push"/> to the sessions of the players within the interest radius of <paramref name="speaker"/>
    /// (the speaker included), where the speaker is when it is told, which is after its line is durable.
    /// </summary>
    private void TellNear(PlayerId speaker, ISessionPush push)
    {
        // The speaker left between saying it and its line being durable: there is nowhere to hear it from.
        if (!_interest.TryGetPosition(speaker, out var at)) return;
        _hearers.Clear();
        _interest.CopyWithinRadius(at, _hearers);
        foreach (var player in _hearers)
            if (_present.TryGetValue(player, out var presence)) presence.Session.Tell(push, ActorRefs.NoSender);
        _hearers.Clear();
    }

    private void HandleInteract(DistrictCommands.Interact cmd, IActorRef replyTo)
    {
        if (!_present.ContainsKey(cmd.PlayerId) || !_interest.TryGetPosition(cmd.PlayerId, out var at))
        {
            PersistGrouped(null, () => replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.NotInDistrict, "you are not present in this district")));
            return;
        }
        var decision = DistrictRules.DecideInteract(Decided, _data, cmd.PlayerId, at, cmd.ObjectId, cmd.Action, cmd.CommandId,
            _settings.InteractionReach, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        switch (decision)
        {
            case InteractDecision.Refuse refuse:
                PersistGrouped(null, () => replyTo.Tell(new Replies.Rejected(cmd.CommandId, refuse.Code, refuse.Message)));
                return;
            case InteractDecision.AlreadyDone:
                PersistGrouped(null, () => replyTo.Tell(new Replies.Acknowledged(cmd.CommandId)));
                return;
            case InteractDecision.Record record:
                PersistGrouped(record.Event, () =>
                {
                    Broadcast(new SessionPushes.ObjectChanged(State.District, ObjectStatusOf(record.Event.ObjectId), record.Event.PlayerId));
                    replyTo.Tell(new Replies.Acknowledged(cmd.CommandId));
                }, _ => replyTo.Tell(new Replies.Rejected(cmd.CommandId, ErrorCodes.Unavailable, JournalDown)));
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
        DropChallenges(player);
        _meter.Present(_present.Count);
        Context.Unwatch(presence.Session);
        _interest.Leave(player);
    }

    /// <summary>
    /// Present players in view from <paramref name="near"/> by the interest manager's rule
    /// (<see cref="InterestManager.CopyNearestTo"/>); everyone when null.
    /// </summary>
    private Occupant[] Occupants(Vec3? near, PlayerId? except)
    {
        var list = new List<Occupant>();
        if (near is { } centre)
        {
            var ids = new List<PlayerId>();
            _interest.CopyNearestTo(centre, except, ids);
            foreach (var player in ids)
                if ((_present.ContainsKey(player) || _npcs.ContainsKey(player.Value)) && _interest.TryGetPosition(player, out var position))
                    list.Add(OccupantOf(player, position));
            return list.ToArray();
        }
        foreach (var (player, presence) in _present)
        {
            if (player == except || !_interest.TryGetPosition(player, out var position)) continue;
            list.Add(new Occupant(player, presence.Name, position));
        }
        return list.ToArray();
    }

    /// <summary>A player or an NPC as a view lists it (an NPC with its kind).</summary>
    private Occupant OccupantOf(PlayerId id, Vec3 position) =>
        _present.TryGetValue(id, out var presence) ? new Occupant(id, presence.Name, position)
        : _npcs.TryGetValue(id.Value, out var npc) ? new Occupant(id, npc.Name, position) { Kind = npc.Kind.Id }
        : new Occupant(id, id.Value, position);

    private void Reply(IActorRef to, object reply) => PersistGrouped(null, () => to.Tell(reply));

    private void Refuse(IActorRef to, string commandId, string code, string message) =>
        Reply(to, new Replies.Rejected(commandId, code, message));

    /// <summary>
    /// A present player attacks an NPC (the fight starts now) or challenges a player (who must accept). Checked here,
    /// where positions are known: the target exists in this district, is within the engage range, and neither side is
    /// fighting. Both are then held for the encounter until it answers.
    /// </summary>
    private void HandleEngage(DistrictCommands.Engage cmd)
    {
        if (_fighting is null)
        {
            Refuse(cmd.Session, cmd.CommandId, CombatErrorCodes.CannotEngage, "there is no fighting in this district");
            return;
        }
        if (!_present.TryGetValue(cmd.PlayerId, out var attacker) || !_interest.TryGetPosition(cmd.PlayerId, out var from))
        {
            Refuse(cmd.Session, cmd.CommandId, ErrorCodes.NotInDistrict, "you are not present in this district");
            return;
        }
        if (_inFight.TryGetValue(cmd.PlayerId.Value, out var current))
        {
            Refuse(cmd.Session, cmd.CommandId, CombatErrorCodes.InCombat, $"you are already fighting (encounter {current})");
            return;
        }
        var target = new PlayerId(cmd.Target);
        var isNpc = _npcs.TryGetValue(cmd.Target, out var npc);
        if (target == cmd.PlayerId || (!isNpc && !_present.ContainsKey(target)) || !_interest.TryGetPosition(target, out var at))
        {
            Refuse(cmd.Session, cmd.CommandId, CombatErrorCodes.UnknownTarget, $"no NPC or player '{cmd.Target}' here to fight");
            return;
        }
        if (RefusedOutOfRange(from, at, cmd.Target, cmd.Session, cmd.CommandId, out var distance)) return;
        if (_inFight.ContainsKey(cmd.Target) || (!isNpc && _challenges.TryGetValue(target, out var waiting) && waiting.Challenger != cmd.PlayerId))
        {
            Refuse(cmd.Session, cmd.CommandId, CombatErrorCodes.TargetBusy, $"{cmd.Target} is already fighting or answering a challenge");
            return;
        }
        if (isNpc)
        {
            StartFight(new PendingFight(cmd.PlayerId, attacker.Name, cmd.Session, cmd.CommandId, npc!.FighterId, npc.Name, npc.Kind.Id, null, null),
                cmd.Stats, npc.Stats, distance);
            return;
        }
        // A player is asked first (a repeat of the same challenge renews it).
        var expires = DateTimeOffset.UtcNow.Add(_fighting.Settings.DuelAnswerTimeout).ToUnixTimeMilliseconds();
        _challenges[target] = new Challenge(cmd.PlayerId, attacker.Name, cmd.Stats, cmd.Session, expires);
        _present[target].Session.Tell(new SessionPushes.DuelChallenge(cmd.PlayerId, attacker.Name, expires));
        _fighting.FindInboxes?.Invoke()?.Tell(Notifications.DuelNotification.For(target, cmd.PlayerId, attacker.Name, expires));
        Reply(cmd.Session, new Replies.Acknowledged(cmd.CommandId));
    }

    private void HandleAnswerDuel(DistrictCommands.AnswerDuel cmd)
    {
        if (_fighting is null || !_challenges.TryGetValue(cmd.PlayerId, out var challenge) || challenge.Challenger.Value != cmd.Challenger
            || challenge.ExpiresAtMs < DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())
        {
            Refuse(cmd.Session, cmd.CommandId, CombatErrorCodes.NoChallenge, $"no duel challenge from '{cmd.Challenger}' is waiting for you");
            return;
        }
        _challenges.Remove(cmd.PlayerId);
        if (!cmd.Accept)
        {
            challenge.Session.Tell(new SessionPushes.DuelDeclined(cmd.PlayerId, "declined"));
            Reply(cmd.Session, new Replies.Acknowledged(cmd.CommandId));
            return;
        }
        if (!_present.TryGetValue(cmd.PlayerId, out var accepter) || !_interest.TryGetPosition(cmd.PlayerId, out var at)
            || !_present.ContainsKey(challenge.Challenger) || !_interest.TryGetPosition(challenge.Challenger, out var from))
        {
            Refuse(cmd.Session, cmd.CommandId, CombatErrorCodes.UnknownTarget, $"{cmd.Challenger} is no longer here");
            return;
        }
        if (_inFight.ContainsKey(cmd.PlayerId.Value) || _inFight.ContainsKey(cmd.Challenger))
        {
            Refuse(cmd.Session, cmd.CommandId, CombatErrorCodes.TargetBusy, "one of you is already fighting");
            return;
        }
        if (RefusedOutOfRange(from, at, cmd.Challenger, cmd.Session, cmd.CommandId, out var distance)) return;
        StartFight(new PendingFight(challenge.Challenger, challenge.Name, challenge.Session, null, cmd.PlayerId.Value, accepter.Name, null,
            cmd.Session, cmd.CommandId), challenge.Stats, cmd.Stats, distance);
    }

    /// <summary>Refuses (out_of_range) a fight whose fighters stand farther apart than the engage range; the distance either way.</summary>
    private bool RefusedOutOfRange(Vec3 from, Vec3 at, string other, IActorRef session, string commandId, out double distance)
    {
        distance = from.DistanceTo(at);
        if (distance <= _fighting!.Settings.EngageRange) return false;
        Refuse(session, commandId, CombatErrorCodes.OutOfRange,
            $"{other} is {distance:0.#} units away; fights start within {_fighting.Settings.EngageRange:0.#}");
        return true;
    }

    private void StartFight(PendingFight fight, FighterStatsData statsA, FighterStatsData statsB, double distance)
    {
        var encounterId = State.District.Value + "-" + Guid.NewGuid().ToString("N");
        _inFight[fight.A.Value] = encounterId;
        _inFight[fight.B] = encounterId;
        _starting[encounterId] = fight;
        _fighting!.Encounters.Tell(new CombatCommands.StartEncounter(encounterId, fight.A.Value, statsA, fight.B, statsB, distance,
            (ulong)Random.Shared.NextInt64(), [])
        {
            District = State.District.Value,
            APlayer = true,
            BPlayer = fight.BSession is not null,
        });
    }

    private void HandleEncounterStarted(CombatReplies.EncounterStarted started)
    {
        if (!_starting.Remove(started.EncounterId, out var fight)) return;
        var roundMs = (int)_fighting!.Settings.Round.TotalMilliseconds;
        fight.ASession.Tell(new CombatPushes.Started(started.EncounterId, fight.B, fight.BName, fight.BKind, roundMs, fight.ACommand));
        fight.BSession?.Tell(new CombatPushes.Started(started.EncounterId, fight.A.Value, fight.AName, null, roundMs, fight.BCommand));
    }

    /// <summary>The encounter would not start (a defeated fighter): nobody is held for it.</summary>
    private void HandleEncounterRefused(Replies.Rejected refused)
    {
        if (!_starting.Remove(refused.CommandId, out var fight)) return;
        ReleaseFighter(fight.A.Value, refused.CommandId);
        ReleaseFighter(fight.B, refused.CommandId);
        var command = fight.ACommand ?? fight.BCommand ?? "";
        (fight.ACommand is not null ? fight.ASession : fight.BSession)?.Tell(new Replies.Rejected(command, refused.Code, refused.Message));
    }

    private void ReleaseFighter(string fighter, string encounterId)
    {
        if (_inFight.TryGetValue(fighter, out var held) && held == encounterId) _inFight.Remove(fighter);
    }

    /// <summary>
    /// A round of a fight here, durable in its encounter: bystanders near it see both fighters' health, an NPC in it
    /// picks its next tactic, and an NPC it defeated goes down (persisted, so it stays down across a restart) until its
    /// respawn time. Confirmed to the encounter once that is done.
    /// </summary>
    private void HandleFightRound(DistrictCommands.FightRound cmd, IActorRef encounter)
    {
        var taken = new CombatReplies.RoundTaken(cmd.EncounterId, "@" + State.District.Value, cmd.Round);
        foreach (var fighter in cmd.Fighters)
        {
            if (cmd.Ended) ReleaseFighter(fighter.Id, cmd.EncounterId);
            else _inFight[fighter.Id] = cmd.EncounterId;
        }
        ShowFight(cmd);
        DistrictEvents.NpcDefeated? defeated = null;
        foreach (var fighter in cmd.Fighters)
        {
            if (!_npcs.TryGetValue(fighter.Id, out var npc)) continue;
            if (!cmd.Ended)
                _fighting?.Encounters.Tell(new CombatCommands.ChooseTactic(cmd.EncounterId, npc.FighterId, npc.PickTactic(Random.Shared),
                    "ai-" + cmd.Round.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            else if (fighter.Health == 0 && !Decided.NpcRespawns.ContainsKey(npc.Id))
                defeated = new DistrictEvents.NpcDefeated(npc.Id, DateTimeOffset.UtcNow.Add(npc.Respawn).ToUnixTimeMilliseconds());
        }
        if (defeated is null)
        {
            Reply(encounter, taken);
            return;
        }
        PersistGrouped(defeated, () =>
        {
            _interest.Leave(new PlayerId(DistrictNpc.IdPrefix + defeated.NpcId));
            Timers.StartSingleTimer("respawn-" + defeated.NpcId, new NpcRespawnDue(defeated.NpcId), _npcs[DistrictNpc.IdPrefix + defeated.NpcId].Respawn);
            encounter.Tell(taken);
        }); // refused by the journal: no answer, so the encounter sends the round again
    }

    private void ShowFight(DistrictCommands.FightRound cmd)
    {
        if (cmd.Fighters.Length == 0 || !_interest.TryGetPosition(new PlayerId(cmd.Fighters[0].Id), out var where)) return;
        var seen = new SessionPushes.FightSeen(State.District, cmd.EncounterId, cmd.Round, cmd.Fighters, cmd.Ended, cmd.Winner);
        var near = new List<PlayerId>();
        _interest.CopyNearestTo(where, null, near);
        foreach (var player in near)
            if (_present.TryGetValue(player, out var presence)) presence.Session.Tell(seen, ActorRefs.NoSender);
    }

    private void HandleRespawn(string npcId)
    {
        if (!State.NpcRespawns.ContainsKey(npcId) || !_npcs.TryGetValue(DistrictNpc.IdPrefix + npcId, out var npc)) return;
        PersistGrouped(new DistrictEvents.NpcRespawned(npcId), () => _interest.Join(npc.ViewId, npc.Position),
            _ => Timers.StartSingleTimer("respawn-" + npcId, new NpcRespawnDue(npcId), TimeSpan.FromSeconds(5)));
    }

    private void ExpireChallenges()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var (target, challenge) in _challenges.ToArray())
        {
            if (challenge.ExpiresAtMs >= now) continue;
            _challenges.Remove(target);
            challenge.Session.Tell(new SessionPushes.DuelDeclined(target, "timeout"));
        }
    }

    /// <summary>A player who leaves the district can neither answer nor be answered.</summary>
    private void DropChallenges(PlayerId player)
    {
        if (_challenges.Remove(player, out var toThem)) toThem.Session.Tell(new SessionPushes.DuelDeclined(player, "gone"));
        foreach (var (target, challenge) in _challenges.ToArray())
            if (challenge.Challenger == player) _challenges.Remove(target);
    }

    private void Broadcast(ISessionPush push)
    {
        foreach (var presence in _present.Values) presence.Session.Tell(push, ActorRefs.NoSender);
    }
}

/// <summary>
/// How late each tick starts: the time since the previous tick beyond one interval (0 for the first after a start).
/// That is the clock's resolution plus the time the tick waited in the mailbox behind moves. Measured from the
/// previous tick, not from a fixed-rate schedule: a timer may fire a little early, and a schedule it runs ahead of
/// would hide later delays; and one stall counts once, in the tick it delayed.
/// </summary>
public sealed class TickSchedule(TimeSpan interval)
{
    private readonly long _interval = (long)(interval.TotalSeconds * Stopwatch.Frequency);
    private long _previous; // Stopwatch timestamp of the previous tick; 0 until the first tick after a (re)start

    /// <summary>The timer (re)started: its first tick is on time by definition.</summary>
    public void Restart() => _previous = 0;

    /// <param name="now">A <see cref="Stopwatch.GetTimestamp"/> taken as the tick starts.</param>
    public TimeSpan Observe(long now)
    {
        var late = _previous == 0 ? 0 : Math.Max(0, now - _previous - _interval);
        _previous = now;
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

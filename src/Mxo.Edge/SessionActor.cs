using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Mxo.Edge.Features;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;
using static Mxo.Edge.SessionProtocol;

namespace Mxo.Edge;

/// <summary>
/// One connected player. Receives parsed client frames from the connection's stream (one at a time, acknowledged) and
/// keeps only what every feature shares: the stream handshake, identity (access token or the --dev <c>hello</c>),
/// durable request ids and their completion, the frame and error limits, and closing. Everything else is a feature's
/// (<see cref="ISessionFeature"/>, e.g. <see cref="WorldFeature"/>); replies and pushes that are just a frame
/// (<see cref="IClientBound"/>) are written without a handler of their own.
/// </summary>
public sealed class SessionActor : ReceiveActor, IWithTimers
{
    private sealed record RequestTimedOut(string CommandId);
    private sealed class ResyncTimedOut { public static readonly ResyncTimedOut Instance = new(); }
    private sealed class TokenExpired { public static readonly TokenExpired Instance = new(); }
    private sealed class Drained { public static readonly Drained Instance = new(); }
    private sealed class WelcomeDue { public static readonly WelcomeDue Instance = new(); }

    private readonly IActorRef _players;
    private readonly IActorRef _outbound;
    private readonly EdgeOptions _options;
    private readonly SessionIdentity? _identity;
    private readonly Func<string, SessionIdentity?>? _validateToken;
    private readonly ClientFrameParser _parser;
    private readonly ISessionFeature[] _features;
    private readonly FeatureContext _context;
    private bool _detached;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Durable requests awaiting the world: command id → the client's request id (null when it sent none).</summary>
    private readonly Dictionary<string, string?> _inFlight = new();

    /// <summary>The spans of the durable requests in flight that are traced (none when tracing is off).</summary>
    private readonly Dictionary<string, Activity> _spans = new();

    /// <summary>The socket's upgrade request span, which every request span links to (default when not traced).</summary>
    private readonly ActivityContext _upgrade;

    /// <summary>The frame being handled: a durable request's span is named after its type.</summary>
    private ClientRequest? _handling;

    private readonly FrameGate _gate;
    /// <summary>When the frame being handled was read off the socket: the clock of every edge limit.</summary>
    private long _frameReceivedAt;
    private PlayerId? _player;
    /// <summary>The name the character was attached with (attaching again after a world node failure sends it again).</summary>
    private string _characterName = "";
    /// <summary>The organisation the account gave the character (null for none, and for --dev <c>hello</c>): the attach carries it.</summary>
    private string? _characterOrg;
    /// <summary>The token's permissions (none for --dev <c>hello</c>); a renewed token (<c>auth</c>) replaces them.</summary>
    private IReadOnlyList<string> _permissions = [];
    /// <summary>The player entity incarnation this session is attached to, watched: when it dies, the session re-attaches.</summary>
    private IActorRef? _entity;
    /// <summary>Set while re-attaching to a new incarnation of the character after its world node failed.</summary>
    private bool _resyncing;
    /// <summary>
    /// The resume command of this re-attachment, one id however often it is sent: an answer to any try (resynced, or
    /// refused) ends it, and a retry the entity is still working on is refused as busy under the same id.
    /// </summary>
    private string? _resumeCommand;
    /// <summary>The resume was sent to the incarnation that attached this session last.</summary>
    private bool _resumeSent;
    private long _resyncStarted; // Stopwatch timestamp of the entity's loss, for the log line that ends the resync
    private string? _attachRequest;
    private bool _attaching;
    /// <summary>The character of the welcome not sent yet (features hold it: <see cref="SessionContext.HoldWelcome"/>); null once sent.</summary>
    private PlayerReplies.CharacterSheet? _welcome;
    private int _welcomeHolds;
    private readonly List<Action<System.Text.Json.Utf8JsonWriter>> _welcomeFields = [];
    private bool _closing;
    /// <summary>Set when the client is to be closed once its requests in flight are answered.</summary>
    private (int Code, string Reason)? _draining;

    /// <param name="players">The player shard region: identity (attach and detach) goes through it.</param>
    /// <param name="features">The frame types this session reads and the features that handle them.</param>
    /// <param name="identity">Who the upgrade's access token says this is; null only for a --dev socket without a token.</param>
    /// <param name="validateToken">Checks a token sent with <c>auth</c>; returns the identity it names, or null.</param>
    /// <param name="upgrade">The upgrade request's span (<see cref="EdgeTracing.EndUpgrade"/>).</param>
    public SessionActor(IActorRef players, IActorRef outbound, EdgeOptions options, SessionFeatureSet features,
        SessionIdentity? identity = null, Func<string, SessionIdentity?>? validateToken = null, ActivityContext upgrade = default)
    {
        _upgrade = upgrade;
        _players = players;
        _outbound = outbound;
        _options = options;
        _identity = identity;
        _validateToken = validateToken;
        _parser = features.Parser;
        _features = features.Features.Select(make => make()).ToArray();
        _context = new FeatureContext(this);
        _gate = new FrameGate(options);
        Context.Watch(_outbound);

        Receive<StreamInit>(_ => Sender.Tell(StreamAck.Instance));
        Receive<InboundBatch>(batch =>
        {
            foreach (var frame in batch.Frames) HandleInbound(frame);
            Sender.Tell(StreamAck.Instance);
        });
        Receive<Inbound>(frame =>
        {
            HandleInbound(frame);
            Sender.Tell(StreamAck.Instance);
        });
        Receive<StreamCompleted>(_ => End(WireProtocol.CloseCodes.Normal, ""));
        Receive<StreamFailed>(f =>
        {
            _log.Debug("Connection of {0} failed: {1}", _player, f.Cause.Message);
            End(WireProtocol.CloseCodes.Normal, "");
        });
        Receive<Terminated>(t => _entity is not null && t.ActorRef.Equals(_entity), _ => EntityLost());
        Receive<Terminated>(t => t.ActorRef.Equals(_outbound), _ =>
        {
            // The writer stopped. After our close frame that is expected: wait for the reader to see the peer's
            // close (or the handshake timeout), so shutdown does not cut clients that are still reading their
            // backlog. Otherwise the client could not keep up with its outgoing queue.
            if (_closing) return;
            _closing = true;
            End(0, "");
        });
        Receive<Shutdown>(s => Close(s.Code, s.Reason));
        Receive<TokenExpired>(_ => Close(WireProtocol.CloseCodes.PolicyViolation, "access token expired"));
        Receive<SessionPushes.Replaced>(_ => Close(WireProtocol.CloseCodes.Replaced, "replaced by a new login"));
        Receive<SessionPushes.Revoked>(r => Close(WireProtocol.CloseCodes.PolicyViolation, "session revoked: " + r.Reason));
        Receive<SessionPushes.Disconnect>(d => CloseAfterInFlight(d.CloseCode, d.Reason));
        Receive<Drained>(_ =>
        {
            if (_draining is { } draining) Close(draining.Code, draining.Reason);
        });

        Receive<PlayerReplies.Attached>(a =>
        {
            _attaching = false;
            WatchEntity(Sender);
            // An earlier try's answer: the resume is on its way, and its timer (which resends it if the answer is lost)
            // keeps running. Cancelling it here left a session whose resume was refused waiting until the resync timeout.
            if (_resyncing && _resumeSent) return;
            Timers.Cancel("attach");
            if (_resyncing)
            {
                // The new incarnation has this session; now it re-enters its district and says where it is.
                _resumeSent = true;
                _players.Tell(new PlayerCommands.Resume(a.Character.PlayerId, _resumeCommand!));
                Timers.StartSingleTimer("attach", new RequestTimedOut("attach"), _options.RequestTimeout);
                return;
            }
            _player = a.Character.PlayerId;
            _welcome = a.Character;
            _welcomeHolds = 0;
            _welcomeFields.Clear();
            foreach (var feature in _features)
            {
                feature.OnAttached(_context);
                feature.OnWelcome(a.Character);
            }
            if (_welcomeHolds == 0) SendWelcome();
            else Timers.StartSingleTimer("welcome", WelcomeDue.Instance, _options.RequestTimeout);
        });
        // A feature did not release the welcome in time (its entity did not answer): the welcome goes without its fields.
        Receive<WelcomeDue>(_ => SendWelcome());
        Receive<RequestTimedOut>(t =>
        {
            if (t.CommandId == "attach" && _resyncing)
            {
                // The world has not placed the character yet (its shard may still be moving): ask again. Not once this
                // session is closing (a newer login replaced it): its attach would take the character back from that login.
                if (!_closing && _draining is null) Reattach();
                return;
            }
            if (t.CommandId == "attach")
            {
                _attaching = false;
                Send(ServerFrames.Error(ErrorCodes.Timeout, "the world did not answer in time; retry", _attachRequest));
                return;
            }
            if (!_inFlight.ContainsKey(t.CommandId)) return;
            EdgeMetrics.AskTimeouts.Inc();
            Send(ServerFrames.Error(ErrorCodes.Timeout, "the world did not answer in time; retry with the same id",
                Complete(t.CommandId, ErrorCodes.Timeout)));
        });
        Receive<PlayerReplies.Resynced>(r =>
        {
            if (_resyncing)
            {
                _log.Info("{0} is back in {1}, re-attached {2:0} ms after its entity stopped", _player, r.District?.Value ?? "no district",
                    Stopwatch.GetElapsedTime(_resyncStarted).TotalMilliseconds);
                EndResync();
            }
            else AnswerInFlightAsLost(); // the district failed: what went to it is lost
            foreach (var feature in _features)
                if (feature.TryReceive(r, _context)) return;
        });
        Receive<ResyncTimedOut>(_ =>
        {
            if (!_resyncing) return;
            _log.Warning("Could not re-attach {0} to the world within {1} s; closing its socket", _player, _options.ResyncTimeout.TotalSeconds);
            Close(WireProtocol.CloseCodes.InternalError, "the world could not take the character back; reconnect");
        });
        Receive<Replies.Rejected>(r => r.CommandId == PlayerReplies.AttachCommandId, r =>
        {
            // The character's entity could not record the attachment (its journal is down). A resync keeps asking.
            if (_resyncing || !_attaching) return;
            Timers.Cancel("attach");
            _attaching = false;
            Send(ServerFrames.Error(r.Code, r.Message, _attachRequest));
        });
        // Every reply or push that is just a frame, from any entity: complete its request (if any), write it.
        Receive<IClientBound>(m =>
        {
            if (_resyncing && m is Replies.Rejected resume && resume.CommandId == _resumeCommand)
            {
                // Busy: an earlier try's resume is still re-joining; its Resynced ends this.
                if (resume.Code == ErrorCodes.Busy) return;
                // The district would not take the character back (full, or no answer): it is in no district now.
                EndResync();
                foreach (var feature in _features) feature.OnAttached(_context);
            }
            if (m is Replies.Rejected { Code: ErrorCodes.RateLimited }) EdgeMetrics.RateLimited.WithLabels("request").Inc();
            Send(m.ToFrame(m.CompletesCommand is { } command ? Complete(command, (m as Replies.Rejected)?.Code) : null));
        });
        ReceiveAny(message =>
        {
            foreach (var feature in _features)
                if (feature.TryReceive(message, _context)) return;
            Unhandled(message);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(IActorRef players, IActorRef outbound, EdgeOptions options, SessionFeatureSet features,
        SessionIdentity? identity = null, Func<string, SessionIdentity?>? validateToken = null, ActivityContext upgrade = default) =>
        Props.Create(() => new SessionActor(players, outbound, options, features, identity, validateToken, upgrade));

    protected override void PreStart()
    {
        if (_identity is not { } identity) return;
        // An authenticated socket plays its token's character at once; welcome carries no request id.
        _attaching = true;
        _characterName = identity.CharacterName;
        _characterOrg = identity.Org;
        _permissions = identity.Permissions ?? [];
        foreach (var feature in _features) feature.OnAttaching(identity.PlayerId, _context);
        _players.Tell(AttachCommand(identity.PlayerId));
        Timers.StartSingleTimer("attach", new RequestTimedOut("attach"), _options.RequestTimeout);
        ScheduleExpiry(identity.ExpiresAt);
    }

    /// <summary>Whatever stopped this session (a crash included), its socket closes and its character goes offline.</summary>
    protected override void PostStop()
    {
        if (!_closing) _outbound.Tell(new CloseSocket(WireProtocol.CloseCodes.InternalError, "session ended"));
        Detach();
        foreach (var span in _spans.Values) EdgeTracing.EndRequest(span, "session ended");
    }

    private void SendWelcome()
    {
        if (_welcome is not { } character) return;
        Timers.Cancel("welcome");
        _welcome = null;
        var fields = _welcomeFields.ToArray();
        Send(ServerFrames.Welcome(_attachRequest, character, fields.Length == 0 ? null : w =>
        {
            foreach (var write in fields) write(w);
        }));
    }

    private void WatchForFeature(IActorRef actor) => Context.Watch(actor);

    private void WatchEntity(IActorRef entity)
    {
        if (entity.Equals(_entity) || entity.IsNobody()) return;
        if (_entity is not null) Context.Unwatch(_entity);
        _entity = entity;
        Context.Watch(entity);
    }

    /// <summary>
    /// The character's entity stopped while this client is connected: its world node died (or it was handed to another
    /// node). The session attaches to the next incarnation, which re-enters the district and answers
    /// <see cref="PlayerReplies.Resynced"/>; the client keeps its socket and gets one <c>resynced</c> frame. Meanwhile
    /// moves are dropped and durable requests are refused with <c>resyncing</c>.
    /// </summary>
    private void EntityLost()
    {
        _entity = null;
        if (_closing || _draining is not null || _player is null || _resyncing) return;
        _log.Info("The entity of {0} stopped; re-attaching", _player);
        _resyncing = true;
        _resyncStarted = Stopwatch.GetTimestamp();
        _reattachRetry = default;
        _resumeCommand = "resync-" + Guid.NewGuid().ToString("N");
        AnswerInFlightAsLost();
        Timers.StartSingleTimer("resync", ResyncTimedOut.Instance, _options.ResyncTimeout);
        Reattach();
    }

    /// <summary>
    /// Asks again on <see cref="FailoverRetry"/>'s schedule (never waiting longer than the request timeout): right after a
    /// node dies the region may still send the ask to the dead node's region, where it is lost.
    /// </summary>
    private FailoverRetry _reattachRetry;

    /// <summary>
    /// Requests in flight when a world node failed may have died with it: they are answered now, as a timeout would (they
    /// may or may not have been applied; retried with the same id after "resynced", each is applied once).
    /// </summary>
    private void AnswerInFlightAsLost()
    {
        foreach (var commandId in _inFlight.Keys.ToArray())
            Send(ServerFrames.Error(ErrorCodes.Timeout, "a world node failed; retry with the same id once resynced",
                Complete(commandId, ErrorCodes.Timeout)));
    }

    private void Reattach()
    {
        _resumeSent = false;
        _players.Tell(AttachCommand(_player!.Value) with { Resync = true });
        var wait = _reattachRetry.Delay;
        Timers.StartSingleTimer("attach", new RequestTimedOut("attach"), wait < _options.RequestTimeout ? wait : _options.RequestTimeout);
        _reattachRetry = _reattachRetry.Next();
    }

    private PlayerCommands.Attach AttachCommand(PlayerId player) => new(player, _characterName, Self) { Org = _characterOrg };

    private void EndResync()
    {
        _resyncing = false;
        _resumeCommand = null;
        _resumeSent = false;
        Timers.Cancel("attach");
        Timers.Cancel("resync");
    }

    private void ScheduleExpiry(DateTimeOffset expiresAt)
    {
        var remaining = expiresAt - DateTimeOffset.UtcNow;
        Timers.StartSingleTimer("token-expiry", TokenExpired.Instance, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    private void HandleInbound(Inbound frame)
    {
        if (_closing || _draining is not null) return;
        switch (frame)
        {
            case FrameTooBig tooBig:
                Close(WireProtocol.CloseCodes.MessageTooBig, $"frame exceeds {tooBig.Limit} bytes");
                return;
            case BinaryFrame:
                Close(WireProtocol.CloseCodes.UnsupportedData, "binary frames are not supported");
                return;
            case TextFrame text:
                var receivedAt = text.ReceivedAtMs > 0 ? text.ReceivedAtMs : Environment.TickCount64;
                _frameReceivedAt = receivedAt;
                // The frame rate is checked before the frame is even parsed: a flood costs a counter, not a parse.
                switch (_gate.Admit(receivedAt))
                {
                    case FrameGate.Verdict.Close:
                        _log.Warning("Closing {0}: {1} frames over the rate within {2} s", (object?)_player ?? "a session",
                            _gate.Dropped, _options.StrikeWindow.TotalSeconds);
                        CloseAfterInFlight(WireProtocol.CloseCodes.RateLimitExceeded, "too many frames");
                        return;
                    case FrameGate.Verdict.DropAndTell:
                        EdgeMetrics.RateLimited.WithLabels("frame").Inc();
                        // Once per run of dropped frames, outside the error-frame budget that errors may have spent.
                        var waitMs = (long)Math.Ceiling(_gate.RetryAfter.TotalMilliseconds);
                        Send(ServerFrames.Error(ErrorCodes.RateLimited,
                            $"more than {_options.FrameRate.PerSecond:0.##} frames/s; frames are dropped for {waitMs} ms", null, waitMs, 0));
                        return;
                    case FrameGate.Verdict.Drop:
                        EdgeMetrics.RateLimited.WithLabels("frame").Inc();
                        return;
                }
                var (request, error) = _parser.Parse(text.Utf8);
                if (error is not null) SendError(error.Code, error.Message, error.Id);
                else
                {
                    EdgeMetrics.FramesReceived.WithLabels(EdgeMetrics.TypeOf(request!)).Inc();
                    Handle(request!);
                }
                return;
        }
    }

    private void Handle(ClientRequest request)
    {
        switch (request)
        {
            case PingRequest:
                Send(ServerFrames.Pong(request.Id));
                return;
            case HelloRequest hello:
                HandleHello(hello);
                return;
            case AuthRequest auth:
                HandleAuth(auth);
                return;
        }
        if (_player is null)
        {
            SendError(ErrorCodes.NotIdentified, "send hello first", request.Id);
            return;
        }
        if (HandledByFeature(request)) return;
        _log.Error("No feature handles {0}, although its frame type was parsed", request.GetType().Name);
        SendError(ErrorCodes.UnknownType, "this frame type is not served here", request.Id);
    }

    private bool HandledByFeature(ClientRequest request)
    {
        var current = Activity.Current;
        _handling = request;
        try
        {
            foreach (var feature in _features)
                if (feature.TryHandle(request, _context)) return true;
            return false;
        }
        finally
        {
            _handling = null;
            // A durable request's span was current while its command was made (EdgeTracing.StartRequest); it ends with
            // the answer, in another message, and must not stay current on this thread.
            if (Activity.Current != current) Activity.Current = current;
        }
    }

    private void HandleHello(HelloRequest hello)
    {
        if (!_options.DevMode)
        {
            SendError(ErrorCodes.DevOnly, "hello is accepted only on a node started with --dev", hello.Id);
            return;
        }
        if (_player is not null || _attaching || _identity is not null)
        {
            SendError(ErrorCodes.AlreadyIdentified, "this connection already has a character", hello.Id);
            return;
        }
        if (CharacterRules.ValidateName(hello.Name) is { } problem)
        {
            SendError(ErrorCodes.InvalidField, problem, hello.Id);
            return;
        }
        _attaching = true;
        _attachRequest = hello.Id;
        _characterName = hello.Name.Trim();
        foreach (var feature in _features) feature.OnAttaching(PlayerId.FromName(hello.Name), _context);
        _players.Tell(AttachCommand(PlayerId.FromName(hello.Name)));
        Timers.StartSingleTimer("attach", new RequestTimedOut("attach"), _options.RequestTimeout);
    }

    private void HandleAuth(AuthRequest auth)
    {
        if (_identity is not { } current || _validateToken is null)
        {
            SendError(ErrorCodes.NotIdentified, "this socket was not opened with an access token", auth.Id);
            return;
        }
        var renewed = _validateToken(auth.Token);
        if (renewed is null)
        {
            SendError(ErrorCodes.InvalidToken, "the token is not valid", auth.Id);
            return;
        }
        if (renewed.PlayerId != current.PlayerId || renewed.AccountId != current.AccountId)
        {
            SendError(ErrorCodes.WrongCharacter, "the token names another character", auth.Id);
            return;
        }
        ScheduleExpiry(renewed.ExpiresAt);
        _permissions = renewed.Permissions ?? [];
        Send(ServerFrames.Ack(auth.Id));
    }

    /// <summary>Registers a durable request; returns its command id, or null (after telling the client) when refused.</summary>
    private string? Begin(string? requestId, TimeSpan? timeout = null)
    {
        var commandId = requestId ?? "auto-" + Guid.NewGuid().ToString("N");
        if (_inFlight.ContainsKey(commandId))
        {
            SendError(ErrorCodes.Busy, "a request with this id is still in progress", requestId);
            return null;
        }
        if (_inFlight.Count >= _options.MaxInFlight)
        {
            SendError(ErrorCodes.Busy, $"at most {_options.MaxInFlight} requests may be in flight", requestId);
            return null;
        }
        _inFlight[commandId] = requestId;
        Timers.StartSingleTimer(commandId, new RequestTimedOut(commandId), timeout ?? _options.RequestTimeout);
        if (_handling is { } request && _player is { } player
            && EdgeTracing.StartRequest(EdgeMetrics.TypeOf(request), commandId, player, _upgrade, Context.System) is { } span)
            _spans[commandId] = span;
        return commandId;
    }

    /// <summary>Finishes a durable request; returns the client's request id to echo (null for unsolicited or anonymous).</summary>
    /// <param name="error">The error code it failed with, if it did (its span says so).</param>
    private string? Complete(string commandId, string? error = null)
    {
        Timers.Cancel(commandId);
        if (_spans.Remove(commandId, out var span)) EdgeTracing.EndRequest(span, error);
        if (!_inFlight.Remove(commandId, out var requestId)) return null;
        // The last answer a closing client waited for: it is written first, then the socket closes.
        if (_draining is not null && _inFlight.Count == 0) Self.Tell(Drained.Instance);
        return requestId;
    }

    /// <summary>
    /// Closes the socket once the requests in flight are answered (so the client knows which were applied), or after at
    /// most the request timeout; meanwhile nothing more is read from it.
    /// </summary>
    private void CloseAfterInFlight(int code, string reason)
    {
        if (_closing || _draining is not null) return;
        if (_inFlight.Count == 0)
        {
            Close(code, reason);
            return;
        }
        _draining = (code, reason);
        Timers.StartSingleTimer("drain", Drained.Instance, _options.RequestTimeout);
    }

    /// <summary>
    /// An error the edge itself answers a client frame with. Rate-limited (<see cref="EdgeOptions.ErrorRate"/>): a client
    /// bursting bad frames gets some errors and a count of the rest, instead of overflowing its own outgoing queue.
    /// </summary>
    private void SendError(string code, string message, string? id, long retryAfterMs = 0)
    {
        var (send, suppressed) = _gate.AdmitError(_frameReceivedAt);
        if (send) Send(ServerFrames.Error(code, message, id, retryAfterMs, suppressed));
    }

    private void Send(byte[] frame, bool notifyWritten = false)
    {
        if (!_closing) _outbound.Tell(new SendFrame(frame, notifyWritten));
    }

    private void Close(int code, string reason)
    {
        if (_closing) return;
        _closing = true;
        _outbound.Tell(new CloseSocket(code, reason));
    }

    /// <summary>The client side is gone: let the character go offline, finish the close handshake, stop.</summary>
    private void End(int closeCode, string reason)
    {
        Detach();
        if (closeCode > 0) Close(closeCode, reason);
        Context.Stop(Self);
    }

    private void Detach()
    {
        if (_detached) return;
        _detached = true;
        if (_player is { } player) _players.Tell(new PlayerCommands.Detach(player, Self));
    }

    /// <summary>What the features see of this session.</summary>
    private sealed class FeatureContext(SessionActor session) : SessionContext
    {
        public override PlayerId Player => session._player ?? throw new InvalidOperationException("no character is attached yet");
        public override long ReceivedAtMs => session._frameReceivedAt;
        public override EdgeOptions Options => session._options;
        public override bool Closing => session._closing;
        public override bool Resyncing => session._resyncing;
        public override IReadOnlyList<string> Permissions => session._permissions;
        public override IActorRef Self => session.Self;
        public override string? Begin(string? requestId, TimeSpan? timeout = null) => session.Begin(requestId, timeout);
        public override string? Complete(string commandId) => session.Complete(commandId);
        public override void Send(byte[] frame) => session.Send(frame);
        public override void SendPaced(byte[] frame) => session.Send(frame, notifyWritten: true);
        public override void SendError(string code, string message, string? id) => session.SendError(code, message, id);
        public override void Close(int code, string reason) => session.Close(code, reason);
        public override IActorRef Sender => session.Sender;
        public override void Watch(IActorRef actor) => session.WatchForFeature(actor);
        public override void StartTimer(string key, object message, TimeSpan delay) => session.Timers.StartSingleTimer("feature-" + key, message, delay);
        public override void CancelTimer(string key) => session.Timers.Cancel("feature-" + key);

        public override bool HoldWelcome()
        {
            if (session._welcome is null) return false;
            session._welcomeHolds++;
            return true;
        }

        public override void ReleaseWelcome(Action<System.Text.Json.Utf8JsonWriter> fields)
        {
            if (session._welcome is null) return;
            session._welcomeFields.Add(fields);
            if (--session._welcomeHolds == 0) session.SendWelcome();
        }
    }
}

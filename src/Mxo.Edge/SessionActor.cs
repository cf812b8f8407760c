using Akka.Actor;
using Akka.Event;
using Mxo.Protocol;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.Wire;
using static Mxo.Edge.SessionProtocol;

namespace Mxo.Edge;

/// <summary>
/// One connected player. Receives parsed client frames from the connection's stream (one at a time, acknowledged),
/// talks to the player entity through the shard region, and turns replies and district pushes into server frames.
/// </summary>
public sealed class SessionActor : ReceiveActor, IWithTimers
{
    private sealed record RequestTimedOut(string CommandId);
    private sealed class TokenExpired { public static readonly TokenExpired Instance = new(); }

    private readonly IActorRef _players;
    private readonly IActorRef _outbound;
    private readonly EdgeOptions _options;
    private readonly SessionIdentity? _identity;
    private readonly Func<string, SessionIdentity?>? _validateToken;
    private bool _detached;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Durable requests awaiting the world: command id → the client's request id (null when it sent none).</summary>
    private readonly Dictionary<string, string?> _inFlight = new();

    private readonly ViewConflation _pendingView = new();
    private readonly FrameGate _gate;
    /// <summary>When the frame being handled was read off the socket: the clock of every edge limit.</summary>
    private long _frameReceivedAt;
    private SessionPushes.Environment? _heldEnvironment;
    private bool _viewInFlight;
    private PlayerId? _player;
    private string? _attachRequest;
    private bool _attaching;
    private DistrictId? _district;
    private bool _closing;

    /// <param name="identity">Who the upgrade's access token says this is; null only for a --dev socket without a token.</param>
    /// <param name="validateToken">Checks a token sent with <c>auth</c>; returns the identity it names, or null.</param>
    public SessionActor(IActorRef players, IActorRef outbound, EdgeOptions options,
        SessionIdentity? identity = null, Func<string, SessionIdentity?>? validateToken = null)
    {
        _players = players;
        _outbound = outbound;
        _options = options;
        _identity = identity;
        _validateToken = validateToken;
        _gate = new FrameGate(options);
        Context.Watch(_outbound);

        Receive<StreamInit>(_ => Sender.Tell(StreamAck.Instance));
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
        Receive<SessionPushes.Disconnect>(d => Close(d.CloseCode, d.Reason));

        Receive<PlayerReplies.Attached>(a =>
        {
            Timers.Cancel("attach");
            _attaching = false;
            _player = a.Character.PlayerId;
            _district = null;
            Send(ServerFrames.Welcome(_attachRequest, a.Character));
        });
        Receive<PlayerReplies.EnteredDistrict>(e =>
        {
            _district = e.District;
            Send(ServerFrames.Entered(Complete(e.CommandId), e));
            var environment = e.Environment;
            if (_heldEnvironment is { } held && held.District == e.District) environment ??= held.Current;
            _heldEnvironment = null;
            if (environment is not null) Send(ServerFrames.Environment(new SessionPushes.Environment(e.District, environment)));
        });
        Receive<PlayerReplies.Acknowledged>(a => Send(ServerFrames.Ack(Complete(a.CommandId))));
        Receive<PlayerReplies.PositionCorrected>(c => Send(ServerFrames.PositionCorrected(c)));
        Receive<PlayerReplies.HardlineUnlocked>(h => Send(ServerFrames.HardlineUnlocked(h)));
        Receive<PlayerReplies.JackedOut>(j =>
        {
            Send(ServerFrames.JackedOut(Complete(j.CommandId)));
            Close(WireProtocol.CloseCodes.Normal, "jacked out");
        });
        Receive<SessionPushes.ObjectChanged>(p => Send(ServerFrames.ObjectChanged(p)));
        Receive<SessionPushes.Environment>(p =>
        {
            // A district's news may overtake the reply that says we are in it: hold it until "entered" is sent.
            if (p.District == _district) Send(ServerFrames.Environment(p));
            else _heldEnvironment = p;
        });
        Receive<PlayerReplies.Rejected>(r => Send(ServerFrames.Error(r.Code, r.Message, Complete(r.CommandId), r.RetryAfterMs, 0)));
        Receive<RequestTimedOut>(t =>
        {
            if (t.CommandId == "attach")
            {
                _attaching = false;
                Send(ServerFrames.Error(ErrorCodes.Timeout, "the world did not answer in time; retry", _attachRequest));
                return;
            }
            if (_inFlight.ContainsKey(t.CommandId))
                Send(ServerFrames.Error(ErrorCodes.Timeout, "the world did not answer in time; retry with the same id", Complete(t.CommandId)));
        });

        Receive<SessionPushes.ChatLine>(p => Send(ServerFrames.Chat(p)));
        Receive<SessionPushes.ViewUpdate>(v =>
        {
            _pendingView.Add(v);
            SendPendingView();
        });
        Receive<ViewWritten>(_ =>
        {
            _viewInFlight = false;
            SendPendingView();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props PropsFor(IActorRef players, IActorRef outbound, EdgeOptions options,
        SessionIdentity? identity = null, Func<string, SessionIdentity?>? validateToken = null) =>
        Props.Create(() => new SessionActor(players, outbound, options, identity, validateToken));

    protected override void PreStart()
    {
        if (_identity is not { } identity) return;
        // An authenticated socket plays its token's character at once; welcome carries no request id.
        _attaching = true;
        _players.Tell(new PlayerCommands.Attach(identity.PlayerId, identity.CharacterName, Self));
        Timers.StartSingleTimer("attach", new RequestTimedOut("attach"), _options.RequestTimeout);
        ScheduleExpiry(identity.ExpiresAt);
    }

    /// <summary>Whatever stopped this session (a crash included), its socket closes and its character goes offline.</summary>
    protected override void PostStop()
    {
        if (!_closing) _outbound.Tell(new CloseSocket(WireProtocol.CloseCodes.InternalError, "session ended"));
        Detach();
    }

    private void ScheduleExpiry(DateTimeOffset expiresAt)
    {
        var remaining = expiresAt - DateTimeOffset.UtcNow;
        Timers.StartSingleTimer("token-expiry", TokenExpired.Instance, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
    }

    private void HandleInbound(Inbound frame)
    {
        if (_closing) return;
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
                        Close(WireProtocol.CloseCodes.RateLimitExceeded, "too many frames");
                        return;
                    case FrameGate.Verdict.DropAndTell:
                        var waitMs = (long)Math.Ceiling(_gate.RetryAfter.TotalMilliseconds);
                        SendError(ErrorCodes.RateLimited,
                            $"more than {_options.FrameRate.PerSecond:0.##} frames/s; frames are dropped for {waitMs} ms", null, waitMs);
                        return;
                    case FrameGate.Verdict.Drop:
                        return;
                }
                var (request, error) = ClientFrameParser.Parse(text.Utf8);
                if (error is not null) SendError(error.Code, error.Message, error.Id);
                else Handle(request!, receivedAt);
                return;
        }
    }

    private void Handle(ClientRequest request, long receivedAtMs)
    {
        if (request is PingRequest)
        {
            Send(ServerFrames.Pong(request.Id));
            return;
        }
        if (request is HelloRequest hello)
        {
            HandleHello(hello);
            return;
        }
        if (request is AuthRequest auth)
        {
            HandleAuth(auth);
            return;
        }
        if (_player is not { } player)
        {
            SendError(ErrorCodes.NotIdentified, "send hello first", request.Id);
            return;
        }
        switch (request)
        {
            case EnterRequest enter:
                if (Begin(enter.Id) is { } enterId)
                    _players.Tell(new PlayerCommands.EnterDistrict(player, enter.District, enterId));
                return;
            case MoveRequest move:
                if (_district is null)
                    SendError(ErrorCodes.NotInDistrict, "enter a district first", move.Id);
                else
                    // Speed is judged on when the server received the move, never on the client's word.
                    _players.Tell(new PlayerCommands.Move(player, move.Position, receivedAtMs));
                return;
            case TeleportRequest teleport:
                if (Begin(teleport.Id) is { } teleportId)
                    _players.Tell(new PlayerCommands.Teleport(player, teleport.Hardline, teleportId));
                return;
            case InteractRequest interact:
                if (Begin(interact.Id) is { } interactId)
                    _players.Tell(new PlayerCommands.Interact(player, interact.Object, interact.Action, interactId));
                return;
            case JackOutRequest jackOut:
                // The answer comes after the jack-out delay, so the usual request timeout would fire first.
                if (Begin(jackOut.Id, _options.RequestTimeout * 3) is { } jackOutId)
                    _players.Tell(new PlayerCommands.JackOut(player, jackOutId));
                return;
            case SayRequest say:
                if (_district is null)
                    SendError(ErrorCodes.NotInDistrict, "enter a district first", say.Id);
                else if (Begin(say.Id) is { } sayId)
                    _players.Tell(new PlayerCommands.Say(player, say.Text, sayId));
                return;
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
        _players.Tell(new PlayerCommands.Attach(PlayerId.FromName(hello.Name), hello.Name.Trim(), Self));
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
        return commandId;
    }

    /// <summary>Finishes a durable request; returns the client's request id to echo (null for unsolicited or anonymous).</summary>
    private string? Complete(string commandId)
    {
        Timers.Cancel(commandId);
        return _inFlight.Remove(commandId, out var requestId) ? requestId : null;
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

    private void Send(byte[] frame)
    {
        if (!_closing) _outbound.Tell(new SendFrame(frame));
    }

    /// <summary>At most one view frame is queued for the writer; later ticks merge into the next one meanwhile.</summary>
    private void SendPendingView()
    {
        if (_viewInFlight || _closing || _pendingView.Take() is not { } view) return;
        _viewInFlight = true;
        _outbound.Tell(new SendFrame(ServerFrames.View(view), NotifyWritten: true));
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
}

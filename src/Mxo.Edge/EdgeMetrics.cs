using Mxo.Protocol.Wire;
using Prometheus;

namespace Mxo.Edge;

/// <summary>
/// What the edge counts, in Prometheus' conventions (<c>_total</c> for counters, base units, docs/operations.md
/// "Metrics"). prometheus-net keeps them in its default registry; the node exposes them on the operator listener.
/// </summary>
public static class EdgeMetrics
{
    /// <summary>The seed's login counter: every <c>POST /auth/login</c> by outcome.</summary>
    public static readonly Counter LoginAttempts = Metrics.CreateCounter("mxo_auth_login_attempts_total",
        "Logins by outcome: success, invalid_credentials, locked, delayed, refused (busy, blocked, bad input), error.",
        new CounterConfiguration { LabelNames = ["result"] });

    /// <summary>The seed's login latency histogram.</summary>
    public static readonly Histogram LoginDuration = Metrics.CreateHistogram("mxo_auth_login_duration_seconds",
        "How long POST /auth/login took, whatever its outcome.", new HistogramConfiguration { Buckets = [0.1, 0.5, 1, 2, 5] });

    public static readonly Gauge Sessions = Metrics.CreateGauge("mxo_edge_sessions", "Player sockets open on this edge node.");

    public static readonly Counter FramesReceived = Metrics.CreateCounter("mxo_edge_frames_received_total",
        "Client frames taken by type (frames dropped by the frame limit are not counted here).",
        new CounterConfiguration { LabelNames = ["type"] });

    public static readonly Counter FramesSent = Metrics.CreateCounter("mxo_edge_frames_sent_total", "Server frames written to sockets.");

    public static readonly Counter SocketCloses = Metrics.CreateCounter("mxo_edge_socket_closes_total",
        "Close frames the server sent, by close code (docs/protocol.md \"Close codes\").", new CounterConfiguration { LabelNames = ["code"] });

    public static readonly Counter RateLimited = Metrics.CreateCounter("mxo_edge_rate_limited_total",
        "Refusals for going too fast: frame (dropped frames) or request (durable requests the world refused).",
        new CounterConfiguration { LabelNames = ["scope"] });

    public static readonly Counter ViewConflations = Metrics.CreateCounter("mxo_edge_view_conflations_total",
        "View updates merged into a pending view because the client had not read the previous one yet.");

    public static readonly Counter AskTimeouts = Metrics.CreateCounter("mxo_edge_request_timeouts_total",
        "Durable requests the world did not answer within Mxo:Edge:RequestTimeout.");

    /// <summary>A request's frame type, for the <c>type</c> label (a fixed set: the label cannot grow with client input).</summary>
    public static string TypeOf(ClientRequest request) => request switch
    {
        HelloRequest => "hello",
        PingRequest => "ping",
        AuthRequest => "auth",
        EnterRequest => "enter",
        MoveRequest => "move",
        SayRequest { Channel: Mxo.Protocol.Chat.ChatChannels.District } => "chat",
        SayRequest => "say",
        WhisperRequest => "whisper",
        ReplyRequest => "reply",
        EmoteRequest => "emote",
        IgnoreRequest { Ignore: true } => "ignore",
        IgnoreRequest => "unignore",
        IgnoresRequest => "ignores",
        TeleportRequest => "teleport",
        InteractRequest => "interact",
        JackOutRequest => "jack_out",
        _ => "other",
    };
}

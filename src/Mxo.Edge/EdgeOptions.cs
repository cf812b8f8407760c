using Mxo.Actors;
using Mxo.Actors.Limits;

namespace Mxo.Edge;

/// <summary>Edge tuning, bound from <c>Mxo:Edge</c> (docs/configuration.md).</summary>
public sealed record EdgeOptions : ICheckedSettings
{
    /// <summary>Accept the <c>hello</c> stand-in identity. Set only by <c>--dev</c>.</summary>
    public bool DevMode { get; init; }

    /// <summary>Client frames buffered ahead of the session actor; when full the socket is not read (TCP backpressure).</summary>
    public int InboundBuffer { get; init; } = 32;

    /// <summary>Server frames queued for a client; when full the client cannot keep up and is closed with 1013.</summary>
    public int OutboundBuffer { get; init; } = 256;

    /// <summary>How long a session waits for the world to answer a request before telling the client "timeout".</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a session keeps trying to re-attach its character after the character's world node failed (asking every
    /// half second, each resume waiting <see cref="RequestTimeout"/>) before it closes the socket with 1011 and the client
    /// must reconnect.
    /// </summary>
    public TimeSpan ResyncTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Durable requests (enter, say) a session may have in flight at once; beyond that the client hears "busy".</summary>
    public int MaxInFlight { get; init; } = 16;

    /// <summary>How long a closing handshake may take before the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Client frames of any type a socket may send (a token bucket). A frame over the rate is dropped unread; the
    /// first one of a run is answered with one <c>rate_limited</c> error.
    /// </summary>
    public RateLimit FrameRate { get; init; } = new(60, 120);

    /// <summary>A socket that has this many frames dropped within <see cref="StrikeWindow"/> is closed with 4008.</summary>
    public int MaxDroppedFrames { get; init; } = 300;

    /// <summary>The window in which dropped frames are counted.</summary>
    public TimeSpan StrikeWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Error frames the edge itself sends a socket (answers to frames it could not parse or take). Beyond this rate
    /// they are counted, not sent, and the next error frame says how many were left out (<c>suppressed</c>).
    /// </summary>
    public RateLimit ErrorRate { get; init; } = new(10, 20);

    /// <summary>Open sockets per client address (IPv6: per /64) on this edge node; the upgrade beyond it gets 429.</summary>
    public int MaxSocketsPerAddress { get; init; } = 500;

    /// <summary>
    /// Player sockets on this edge node at once; the upgrade beyond it gets 503 <c>server_full</c>. The node lowers it to
    /// what its open-file limit allows (src/Mxo.Node/Hosting/ConnectionCap.cs).
    /// </summary>
    public int MaxSockets { get; init; } = int.MaxValue;

    public IReadOnlyList<string> Problems() => new ProblemList("Mxo:Edge")
        .Require(InboundBuffer >= 1, "InboundBuffer must be at least 1")
        .Require(OutboundBuffer >= 1, "OutboundBuffer must be at least 1")
        .Require(MaxInFlight >= 1, "MaxInFlight must be at least 1")
        .Require(RequestTimeout > TimeSpan.Zero, "RequestTimeout must be positive")
        .Require(ResyncTimeout > TimeSpan.Zero, "ResyncTimeout must be positive")
        .Require(CloseTimeout > TimeSpan.Zero, "CloseTimeout must be positive")
        .AddRange(FrameRate.Problems("Mxo:Edge:FrameRate"))
        .AddRange(ErrorRate.Problems("Mxo:Edge:ErrorRate"))
        .Require(MaxDroppedFrames >= 1, "MaxDroppedFrames must be at least 1")
        .Require(StrikeWindow > TimeSpan.Zero, "StrikeWindow must be positive")
        .Require(MaxSocketsPerAddress >= 1, "MaxSocketsPerAddress must be at least 1")
        .Require(MaxSockets >= 1, "MaxSockets must be at least 1")
        .ToList();
}

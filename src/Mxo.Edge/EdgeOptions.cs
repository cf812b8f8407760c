namespace Mxo.Edge;

/// <summary>Edge tuning, bound from <c>Mxo:Edge</c> (docs/configuration.md).</summary>
public sealed record EdgeOptions
{
    /// <summary>Accept the <c>hello</c> stand-in identity. Set only by <c>--dev</c>.</summary>
    public bool DevMode { get; init; }

    /// <summary>Client frames buffered ahead of the session actor; when full the socket is not read (TCP backpressure).</summary>
    public int InboundBuffer { get; init; } = 32;

    /// <summary>Server frames queued for a client; when full the client cannot keep up and is closed with 1013.</summary>
    public int OutboundBuffer { get; init; } = 256;

    /// <summary>How long a session waits for the world to answer a request before telling the client "timeout".</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Durable requests (enter, say) a session may have in flight at once; beyond that the client hears "busy".</summary>
    public int MaxInFlight { get; init; } = 16;

    /// <summary>How long a closing handshake may take before the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

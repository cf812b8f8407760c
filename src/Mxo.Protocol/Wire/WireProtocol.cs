namespace Mxo.Protocol.Wire;

/// <summary>Constants of the client protocol (docs/protocol.md).</summary>
public static class WireProtocol
{
    public const int Version = 1;

    /// <summary>A client frame larger than this closes the socket with 1009 (message too big).</summary>
    public const int MaxFrameBytes = 64 * 1024;

    public const int MaxRequestIdLength = 64;

    public static class CloseCodes
    {
        public const int Normal = 1000;
        public const int GoingAway = 1001;          // node shutting down
        public const int ProtocolError = 1002;      // a WebSocket protocol violation (RFC 6455)
        public const int UnsupportedData = 1003;    // binary frame
        public const int InvalidPayload = 1007;     // a text frame that is not valid UTF-8
        public const int PolicyViolation = 1008;    // auth or protocol policy
        public const int MessageTooBig = 1009;      // frame over MaxFrameBytes
        public const int InternalError = 1011;      // the session failed
        public const int TryAgainLater = 1013;      // client cannot keep up with its outgoing queue
        public const int Replaced = 4001;           // a newer login took over the character
        public const int Kicked = 4003;             // an operator closed the session (world kick)
        public const int RateLimitExceeded = 4008;  // kept sending after being told rate_limited (frames or requests)
        public const int MovementRefused = 4009;    // kept sending moves the server refused
    }
}

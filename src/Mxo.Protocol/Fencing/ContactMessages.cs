using ProtoBuf;

namespace Mxo.Protocol.Fencing;

/// <summary>
/// The write fence's contact check (src/Mxo.Node/Fencing/ContactMonitor.cs): one node's contact monitor asks another's.
/// <see cref="SentAt"/> is the asker's monotonic clock when it asked, opaque to the answerer, which echoes it back.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ContactPing([property: ProtoMember(1)] long SentAt) : IMxoMessage;

/// <summary>
/// The answer to a <see cref="ContactPing"/>, given only to a member the answerer does not consider down. It carries the
/// ping's own <see cref="ContactPing.SentAt"/>, so an answer that waited in a socket while the asker was frozen counts
/// as contact at the time the question was asked, not when the answer was read.
/// </summary>
[ProtoContract(SkipConstructor = true)]
public sealed record ContactPong([property: ProtoMember(1)] long SentAt) : IMxoMessage;

namespace Mxo.Protocol;

/// <summary>
/// Marker for everything that is persisted or crosses a node boundary. The node binds this interface to
/// <see cref="Serialization.MxoSerializer"/>; nothing marked with it may fall back to Akka's default serializer.
/// </summary>
public interface IMxoMessage;

/// <summary>Persisted domain events (journal entries). Each one has a golden-bytes file in the tests.</summary>
public interface IMxoEvent : IMxoMessage;

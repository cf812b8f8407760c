namespace Mxo.Actors;

/// <summary>Tuning of the world entities. Bound from the <c>Mxo:World</c> configuration section (docs/configuration.md).</summary>
public sealed record WorldSettings
{
    /// <summary>A moving player's position is persisted at most this often (DESIGN.md decision 8).</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Entities snapshot their state every this many persisted events.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>A player with no session passivates after this long.</summary>
    public TimeSpan PlayerIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a player waits for a district to admit it before the client hears "timeout".</summary>
    public TimeSpan EnterTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Shards per entity type; fixed for the life of a cluster.</summary>
    public int MaxShards { get; init; } = 100;
}

namespace Mxo.Actors.Notifications;

/// <summary>Tuning of the inboxes. Bound from the <c>Mxo:Notifications</c> configuration section (docs/configuration.md).</summary>
public sealed record NotificationSettings : ICheckedSettings
{
    /// <summary>
    /// An inbox keeps at most this many notifications; storing one more drops first expired ones, then the oldest read
    /// ones, then the oldest unread ones.
    /// </summary>
    public int MaxKept { get; init; } = 500;

    /// <summary>An inbox snapshots its state every this many persisted events.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>An inbox with no subscribed session passivates after this long.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Shards of the inbox type; fixed for the life of a cluster.</summary>
    public int MaxShards { get; init; } = 100;

    /// <summary><c>world notify-all</c> sends to this many characters at a time, waiting for all of them to answer before the next batch.</summary>
    public int BroadcastBatch { get; init; } = 100;

    public IReadOnlyList<string> Problems() => new ProblemList("Mxo:Notifications")
        .Require(MaxKept >= 1, "MaxKept must be at least 1")
        .Require(SnapshotEvery >= 1, "SnapshotEvery must be at least 1")
        .Require(IdleTimeout > TimeSpan.Zero, "IdleTimeout must be positive")
        .Require(MaxShards >= 1, "MaxShards must be at least 1")
        .Require(BroadcastBatch is >= 1 and <= 10_000, "BroadcastBatch must be 1-10000")
        .ToList();
}

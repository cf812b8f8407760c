using Akka.Actor;
using Mxo.Protocol.Combat;

namespace Mxo.Actors.Districts;

/// <summary>What a district needs to host fights: the combat table's settings, its NPCs, and the combat shard region.</summary>
/// <param name="FindEncounters">The combat shard region (or proxy), where fights are started: looked up when needed, because
/// a remembered district may start before that region is registered.</param>
public sealed record DistrictFighting(CombatSettings Settings, IReadOnlyList<DistrictNpc> Npcs, Func<IActorRef?> FindEncounters)
{
    public IActorRef Encounters => FindEncounters() ?? ActorRefs.Nobody;

    /// <summary>The inbox shard region (or proxy), looked up when needed as <see cref="FindEncounters"/>: a duel challenge is also a notification.</summary>
    public Func<IActorRef?>? FindInboxes { get; init; }
}

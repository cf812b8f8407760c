using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Mxo.Actors.Accounts;
using Mxo.Actors.Districts;
using Mxo.Actors.Players;
using Mxo.Actors.World;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Districts;
using Mxo.Protocol.Players;
using Mxo.Protocol.World;

namespace Mxo.Actors.Hosting;

/// <summary>Registry key of the player shard region (or its proxy on nodes without the world role).</summary>
public sealed class PlayerRegion;

/// <summary>Registry key of the district shard region (or its proxy).</summary>
public sealed class DistrictRegion;

/// <summary>Registry key of the account shard region (or its proxy on nodes without the world role).</summary>
public sealed class AccountRegion;

/// <summary>Registry key of the character-name registry's shard region (or its proxy).</summary>
public sealed class CharacterNameRegion;

/// <summary>Routes <see cref="IPlayerCommand"/>s by player id.</summary>
public sealed class PlayerMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IPlayerCommand c ? c.PlayerId.Value : null;
}

/// <summary>Routes <see cref="IDistrictCommand"/>s by district id.</summary>
public sealed class DistrictMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message is IDistrictCommand c ? c.District.Value : null;
}

/// <summary>Routes <see cref="IAccountCommand"/>s by account id (the normalised user name).</summary>
public sealed class AccountMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) =>
        message is IAccountCommand { AccountId.Value: { Length: > 0 } id } ? id : null;
}

/// <summary>Routes <see cref="ICharacterNameCommand"/>s by normalised character name.</summary>
public sealed class CharacterNameMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) =>
        message is ICharacterNameCommand { Character.Value: { Length: > 0 } id } ? id : null;
}

/// <summary>One registration method per entity (DESIGN.md): the region where the node hosts the world, else a proxy.</summary>
public static class EntityRegistration
{
    public const string WorldRole = "world";
    public const string PlayerTypeName = "player";
    public const string DistrictTypeName = "district";
    public const string AccountTypeName = "account";
    public const string CharacterNameTypeName = "charactername";

    public static AkkaConfigurationBuilder AddPlayerEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, WorldMap map, bool hostsWorld)
    {
        var extractor = new PlayerMessageExtractor(settings.MaxShards);
        if (!hostsWorld)
            return builder.WithShardRegionProxy<PlayerRegion>(PlayerTypeName, WorldRole, extractor);

        return builder.WithShardRegion<PlayerRegion>(PlayerTypeName,
            (_, registry) => entityId => PlayerEntity.PropsFor(entityId, settings, map, registry.Get<DistrictRegion>()),
            extractor,
            new ShardOptions
            {
                Role = WorldRole,
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = false,
                // Players passivate themselves once no session is attached; idle sharding passivation would
                // stop a player that is connected but standing still.
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = PlayerEntity.Stop.Instance,
            });
    }

    /// <param name="clock">When set, districts subscribe to the world clock (registered with AddWorldClock) and renew the
    /// subscription every <see cref="WorldClockSettings.ResubscribeInterval"/>.</param>
    public static AkkaConfigurationBuilder AddDistrictEntity(this AkkaConfigurationBuilder builder, WorldSettings settings, WorldMap map,
        bool hostsWorld, WorldClockSettings? clock = null)
    {
        var extractor = new DistrictMessageExtractor(settings.MaxShards);
        if (!hostsWorld)
            return builder.WithShardRegionProxy<DistrictRegion>(DistrictTypeName, WorldRole, extractor);

        return builder.WithShardRegion<DistrictRegion>(DistrictTypeName,
            (_, registry) => entityId => DistrictEntity.PropsFor(entityId, settings, map,
                clock is not null && registry.TryGet<WorldClockKey>(out var proxy) ? (proxy, clock.ResubscribeInterval) : null),
            extractor,
            new ShardOptions
            {
                Role = WorldRole,
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
            });
    }

    /// <summary>
    /// Accounts and the character-name registry they claim names from: two regions ("account" keyed by
    /// <see cref="AccountId"/>, "charactername" keyed by the normalised character name), registered as
    /// <see cref="AccountRegion"/> and <see cref="CharacterNameRegion"/>; proxies on nodes without the world role.
    /// </summary>
    public static AkkaConfigurationBuilder AddAccountEntity(this AkkaConfigurationBuilder builder, AccountSettings settings, bool hostsWorld)
    {
        var accounts = new AccountMessageExtractor(settings.MaxShards);
        var names = new CharacterNameMessageExtractor(settings.MaxShards);
        if (!hostsWorld)
            return builder
                .WithShardRegionProxy<AccountRegion>(AccountTypeName, WorldRole, accounts)
                .WithShardRegionProxy<CharacterNameRegion>(CharacterNameTypeName, WorldRole, names);

        // One password queue for every account of this actor system (docs/configuration.md, Mxo:Accounts:HashingQueueLimit).
        var passwordWork = PasswordWork.For(settings);
        return builder
            .WithShardRegion<CharacterNameRegion>(CharacterNameTypeName,
                entityId => CharacterNameEntity.PropsFor(entityId, settings),
                names,
                new ShardOptions
                {
                    Role = WorldRole,
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    // Entities passivate themselves after AccountSettings.IdleTimeout.
                    ShouldPassivateIdleEntities = false,
                    HandOffStopMessage = CharacterNameEntity.Stop.Instance,
                })
            .WithShardRegion<AccountRegion>(AccountTypeName,
                (_, registry) => entityId => AccountEntity.PropsFor(entityId, settings, registry.Get<CharacterNameRegion>(), passwordWork),
                accounts,
                new ShardOptions
                {
                    Role = WorldRole,
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    ShouldPassivateIdleEntities = false,
                    // Hand-off waits for a password check or a name claim in flight, then stops.
                    HandOffStopMessage = AccountEntity.Stop.Instance,
                });
    }
}

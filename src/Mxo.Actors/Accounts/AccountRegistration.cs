using Akka.Cluster.Sharding;
using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Protocol.Accounts;

namespace Mxo.Actors.Accounts;

/// <summary>Registry key of the account shard region (or its proxy on nodes without the world role).</summary>
public sealed class AccountRegion;

/// <summary>Registry key of the character-name registry's shard region (or its proxy).</summary>
public sealed class CharacterNameRegion;

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

public static class AccountRegistration
{
    public const string AccountTypeName = "account";
    public const string CharacterNameTypeName = "charactername";

    /// <summary>
    /// Accounts and the character-name registry they claim names from: two regions ("account" keyed by
    /// <see cref="AccountId"/>, "charactername" keyed by the normalised character name), registered as
    /// <see cref="AccountRegion"/> and <see cref="CharacterNameRegion"/>; proxies on nodes without the world role.
    /// </summary>
    public static AkkaConfigurationBuilder AddAccountEntity(this AkkaConfigurationBuilder builder, AccountSettings settings, bool hostsWorld)
    {
        // One password queue for every account of this actor system (docs/configuration.md, Mxo:Accounts:HashingQueueLimit).
        var passwordWork = hostsWorld ? PasswordWork.For(settings) : null;
        return builder
            .AddShardedEntity<CharacterNameRegion>(CharacterNameTypeName, new CharacterNameMessageExtractor(settings.MaxShards), hostsWorld,
                _ => entityId => CharacterNameEntity.PropsFor(entityId, settings))
            .AddShardedEntity<AccountRegion>(AccountTypeName, new AccountMessageExtractor(settings.MaxShards), hostsWorld,
                registry => entityId => AccountEntity.PropsFor(entityId, settings, registry.Get<CharacterNameRegion>(), passwordWork!));
    }
}

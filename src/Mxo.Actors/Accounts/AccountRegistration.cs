using Akka.Hosting;
using Mxo.Actors.Hosting;
using Mxo.Protocol.Accounts;

namespace Mxo.Actors.Accounts;

/// <summary>Registry key of the account shard region (or its proxy on nodes without the world role).</summary>
public sealed class AccountRegion;

/// <summary>Registry key of the character-name registry's shard region (or its proxy).</summary>
public sealed class CharacterNameRegion;

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
            .AddShardedEntity<CharacterNameRegion>(CharacterNameTypeName, new CommandExtractor<ICharacterNameCommand>(settings.MaxShards, c => c.Character.Value), hostsWorld,
                _ => entityId => CharacterNameEntity.PropsFor(entityId, settings))
            .AddShardedEntity<AccountRegion>(AccountTypeName, new CommandExtractor<IAccountCommand>(settings.MaxShards, c => c.AccountId.Value), hostsWorld,
                registry => entityId => AccountEntity.PropsFor(entityId, settings, registry.Get<CharacterNameRegion>(), passwordWork!));
    }
}

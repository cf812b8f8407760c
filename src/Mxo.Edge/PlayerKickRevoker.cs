using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Logging;
using Mxo.Actors.Hosting;
using Mxo.Edge.Http;
using Mxo.Protocol.Accounts;
using Mxo.Protocol.Players;
using Mxo.Actors.Accounts;
using Mxo.Actors.Players;

namespace Mxo.Edge;

/// <summary>
/// Closes an account's sockets wherever they are in the cluster: every character of the account is told to kick its
/// live session (the player entity knows it, whichever edge node holds the socket), which closes with 1008.
/// </summary>
public sealed class PlayerKickRevoker(ActorRegistry registry, EdgeOptions options, ILogger<PlayerKickRevoker> logger) : ISessionRevoker
{
    public async Task RevokeAsync(AccountId account, string reason)
    {
        var accounts = await registry.GetAsync<AccountRegion>();
        var players = await registry.GetAsync<PlayerRegion>();
        var list = await accounts.Ask<AccountReplies.CharacterList>(new AccountCommands.ListCharacters(account), options.RequestTimeout);
        foreach (var character in list.Characters)
            players.Tell(new PlayerCommands.Kick(character.PlayerId, reason));
        logger.LogWarning("Closed the sessions of account {Account} ({Characters} characters): {Reason}",
            account, list.Characters.Length, reason);
    }
}

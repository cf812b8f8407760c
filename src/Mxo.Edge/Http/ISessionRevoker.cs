using Mxo.Protocol.Accounts;

namespace Mxo.Edge.Http;

/// <summary>
/// Closes an account's live sockets (close code 1008) when its sessions must end: a refresh token was reused (its
/// family is revoked: assume the tokens were stolen). Resolved from DI; the default does nothing.
/// </summary>
public interface ISessionRevoker
{
    /// <param name="account">Whose sockets to close.</param>
    /// <param name="reason">Why, e.g. <see cref="SessionRevocationReasons.TokenReused"/>; for logs and the close reason.</param>
    Task RevokeAsync(AccountId account, string reason);
}

/// <summary>Why <see cref="ISessionRevoker.RevokeAsync"/> was called.</summary>
public static class SessionRevocationReasons
{
    /// <summary>A spent refresh token was presented again after the grace window; the family is revoked.</summary>
    public const string TokenReused = "token_reused";
}

/// <summary>The default <see cref="ISessionRevoker"/> until the socket layer registers its own: closes nothing.</summary>
public sealed class NoSessionRevoker : ISessionRevoker
{
    public Task RevokeAsync(AccountId account, string reason) => Task.CompletedTask;
}

using Mxo.Protocol;

namespace Mxo.Edge;

/// <summary>Who an authenticated socket is: from its access token, checked against the account at upgrade.</summary>
/// <param name="Permissions">The token's permissions (<c>Auth.Permissions</c>): <c>gm</c> or <c>admin</c> may moderate.</param>
public sealed record SessionIdentity(string AccountId, PlayerId PlayerId, string CharacterName, DateTimeOffset ExpiresAt,
    IReadOnlyList<string>? Permissions = null);

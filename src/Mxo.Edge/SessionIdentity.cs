using Mxo.Protocol;

namespace Mxo.Edge;

/// <summary>Who an authenticated socket is: from its access token, checked against the account at upgrade.</summary>
/// <param name="Org">The character's organisation from its account (null for none): the attach carries it to the character's entity.</param>
/// <param name="Permissions">The token's permissions (<see cref="Auth.Permissions"/>): what the session may do beyond playing (<c>announce</c>; <c>gm</c> or <c>admin</c> may moderate).</param>
public sealed record SessionIdentity(string AccountId, PlayerId PlayerId, string CharacterName, DateTimeOffset ExpiresAt, string? Org = null,
    IReadOnlyList<string>? Permissions = null);

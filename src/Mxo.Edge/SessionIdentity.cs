using Mxo.Protocol;

namespace Mxo.Edge;

/// <summary>Who an authenticated socket is: from its access token, checked against the account at upgrade.</summary>
public sealed record SessionIdentity(string AccountId, PlayerId PlayerId, string CharacterName, DateTimeOffset ExpiresAt);

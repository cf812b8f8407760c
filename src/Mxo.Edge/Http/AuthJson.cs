using System.Text.Json.Serialization;

namespace Mxo.Edge.Http;

/// <summary>201 of <c>POST /auth/register</c>.</summary>
public sealed record RegisterResponse(string AccountId, string Username);

/// <summary>200 of <c>POST /auth/login</c> and <c>POST /auth/refresh</c> (docs/protocol.md "Token response").</summary>
/// <param name="ExpiresAt">When <paramref name="Token"/> expires, ISO 8601 UTC ("2025-01-31T12:00:00Z").</param>
/// <param name="PlayerId">The selected character's id, or null.</param>
/// <param name="Characters">The names of the account's characters.</param>
public sealed record TokenResponse(
    string Token,
    string RefreshToken,
    string ExpiresAt,
    string? PlayerId,
    string[] Permissions,
    string[] Characters);

/// <summary>200 of <c>GET /auth/validate</c>.</summary>
public sealed record ValidateResponse(string AccountId, string? PlayerId, string[] Permissions, string ExpiresAt);

/// <summary>200 of <c>POST /auth/logout</c>: whether a live login (refresh-token family) was ended.</summary>
public sealed record LogoutResponse(bool Revoked);

/// <summary>One character: its player id and its name as created.</summary>
/// <param name="Org">The character's organisation (issue 12), null when none.</param>
public sealed record CharacterResponse(string Id, string Name, string? Org = null);

/// <summary>200 of <c>GET /characters</c>.</summary>
public sealed record CharacterListResponse(CharacterResponse[] Characters);

/// <summary>200 of <c>POST /admin/permissions</c>: the account's permissions after the change.</summary>
public sealed record PermissionsResponse(string[] Permissions);

/// <summary>Source-generated JSON for the HTTP API (snake_case, as in docs/protocol.md); no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RegisterResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ValidateResponse))]
[JsonSerializable(typeof(LogoutResponse))]
[JsonSerializable(typeof(CharacterListResponse))]
[JsonSerializable(typeof(CharacterResponse))]
[JsonSerializable(typeof(PermissionsResponse))]
[JsonSerializable(typeof(ErrorBody))]
public sealed partial class AuthJson : JsonSerializerContext;

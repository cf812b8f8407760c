using Microsoft.AspNetCore.Http;

namespace Mxo.Edge;

/// <summary>
/// Where a socket's access token may come from: the Authorization header, or — for browsers, which cannot set headers
/// on a WebSocket — the subprotocol list <c>mxo.v1, bearer.&lt;token&gt;</c>. Never the query string: URLs are logged.
/// </summary>
public static class SocketToken
{
    public const string Subprotocol = "mxo.v1";
    private const string BearerProtocolPrefix = "bearer.";

    /// <returns>The token (or null), and whether the client offered the <c>mxo.v1</c> subprotocol.</returns>
    public static (string? Token, bool OfferedSubprotocol) From(HttpRequest request)
    {
        string? token = null;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = authorization["Bearer ".Length..].Trim();

        var offered = false;
        foreach (var value in request.Headers.SecWebSocketProtocol)
        foreach (var protocol in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (protocol == Subprotocol) offered = true;
            else if (protocol.StartsWith(BearerProtocolPrefix, StringComparison.Ordinal)) token ??= protocol[BearerProtocolPrefix.Length..];
        }
        return (string.IsNullOrEmpty(token) ? null : token, offered);
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Mxo.Edge.Http;

/// <summary>
/// The key a client is counted under by the rate limits and the login throttle: the connection's remote address
/// (forwarded headers are not trusted). IPv4 addresses (also IPv4-mapped IPv6) count one by one; an IPv6 address counts
/// by its /64 prefix, since one subscriber usually holds a whole /64.
/// </summary>
public static class ClientAddress
{
    /// <summary>Used when the server knows no remote address (in-memory test servers).</summary>
    public const string Unknown = "unknown";

    public static string Of(HttpContext context) => KeyOf(context.Connection.RemoteIpAddress);

    public static string KeyOf(IPAddress? address)
    {
        if (address is null) return Unknown;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}

using System.Net;
using System.Net.Sockets;

namespace Mxo.TestSupport;

/// <summary>Hands out loopback ports that are free at the moment of asking.</summary>
public static class FreePorts
{
    // Below Linux's ephemeral range (32768-60999 by default): a port the kernel handed out as "free" from that range
    // can be taken a moment later as the source port of any outgoing connection (tests open thousands), and then a
    // node's Kestrel failed to bind it ("address already in use", seen in CI). Ports below the range are only ever
    // taken by a listener that asks for them, and every one is bind-checked here before it is handed out.
    private const int First = 20000;
    private const int Count = 12000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly object Gate = new();

    /// <summary>
    /// Returns a TCP port that nothing listens on at 127.0.0.1 right now and that this process has not handed out
    /// before. Another test process may still take it before the caller binds it (unlikely: the start is random).
    /// </summary>
    public static int Tcp()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = First + Random.Shared.Next(Count);
                if (HandedOut.Contains(port) || !Bindable(port)) continue;
                HandedOut.Add(port);
                return port;
            }
            throw new InvalidOperationException($"no free loopback port in {First}-{First + Count - 1} after 1000 tries");
        }
    }

    private static bool Bindable(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

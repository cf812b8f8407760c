using System.Net;
using System.Net.Sockets;

namespace Mxo.TestSupport;

/// <summary>Hands out loopback ports that are free at the moment of asking.</summary>
public static class FreePorts
{
    /// <summary>
    /// Returns a TCP port that nothing listens on at 127.0.0.1 right now. Another process may take it before the
    /// caller binds it, so callers that start external servers should be ready to retry once with a new port.
    /// </summary>
    public static int Tcp()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>Free loopback TCP ports for servers that cannot be told to pick one themselves.</summary>
public static class FreePort
{
    /// <summary>A port that was free a moment ago (another process could still take it; tests retry on that).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

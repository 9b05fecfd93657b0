using System.Net;
using System.Net.Sockets;

namespace Encoder.Tests.Infrastructure;

internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static Task WaitUntilListeningAsync(int port, TimeSpan timeout) =>
        Poll.UntilAsync(() => AcceptsAsync(port), timeout, $"127.0.0.1:{port} accepts connections");

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

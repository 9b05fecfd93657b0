using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Encoder.Egress;

/// <summary>
/// The relay's UDP input: bound to a loopback port and connected to the port the recorder is told to send from
/// (FFmpeg's <c>localport=</c>), so the kernel delivers no other sender's datagrams and a neighbour cannot fill its
/// buffer. The recorder's port is free when chosen; FFmpeg binds it at each run.
/// </summary>
internal static class RelayInput
{
    internal const int RequestedReceiveBuffer = 8 * 1024 * 1024;

    public static (UdpClient Socket, int RecorderPort) Open(ILogger logger)
    {
        var recorderPort = FreeUdpPort();
        var input = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        input.Client.ReceiveBufferSize = RequestedReceiveBuffer;
        // Linux reports twice what it granted (the kernel's bookkeeping share); net.core.rmem_max caps the grant.
        var granted = input.Client.ReceiveBufferSize / (OperatingSystem.IsLinux() ? 2 : 1);
        if (granted < RequestedReceiveBuffer) // once, at start: a fact of the machine (the AMI raises the cap), not a fault
            logger.LogInformation("The relay asked for a {Requested} byte UDP receive buffer and got {Granted}: a burst can overflow it (raise net.core.rmem_max)",
                RequestedReceiveBuffer, granted);
        input.Client.Connect(new IPEndPoint(IPAddress.Loopback, recorderPort));
        return (input, recorderPort);
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

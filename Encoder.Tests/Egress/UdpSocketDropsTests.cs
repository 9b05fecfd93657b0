using System.Net;
using System.Net.Sockets;
using Encoder.Egress;

namespace Encoder.Tests.Egress;

public sealed class UdpSocketDropsTests
{
    private const string Header = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            \n";

    private static string Line(string local, string remote, long drops) =>
        $" 4196: {local} {remote} 07 00000000:00000000 00:00000000 00000000     0        0 818428 2 00000000a07a0564 {drops}        \n";

    [TestCase(34188, 17L, TestName = "The relay's own socket: its drops")]
    [TestCase(8080, null, TestName = "No socket on the port: unknown, not zero")]
    public void Reads_the_drops_of_the_socket_bound_to_the_loopback_port(int port, long? expected)
    {
        var table = Header
            + Line("0100007F:1F90", "00000000:0000", 0).Replace("0100007F:1F90", "00000000:1F90", StringComparison.Ordinal) // 0.0.0.0:8080, not ours
            + Line("0100007F:858C", "0100007F:9C40", 17); // 127.0.0.1:34188 connected to the recorder's port

        Assert.That(UdpSocketDrops.Parse(table, port), Is.EqualTo(expected));
    }

    [TestCase("", TestName = "An empty table")]
    [TestCase(" 1: 0100007F:858C 00000000:0000 07\n", TestName = "A truncated line")]
    [TestCase(" 4196: 0100007F:858C 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 818428 2 00000000a07a0564 lots\n", TestName = "A drops field that is not a number")]
    public void A_table_it_cannot_read_gives_unknown(string body)
    {
        Assert.That(UdpSocketDrops.Parse(Header + body, 34188), Is.Null);
    }

    [Test]
    [Category("Integration")]
    public void Counts_what_the_kernel_dropped_on_a_full_receive_buffer()
    {
        Assume.That(File.Exists("/proc/net/udp"), "Linux only");
        using var input = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4096 };
        input.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)input.LocalEndPoint!).Port;
        Assert.That(UdpSocketDrops.Read(port), Is.Zero, "nothing dropped yet");

        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        for (var i = 0; i < 200; i++) // never read: the buffer fills and the kernel drops the rest
            sender.SendTo(new byte[1316], new IPEndPoint(IPAddress.Loopback, port));

        Assert.That(UdpSocketDrops.Read(port), Is.GreaterThan(100));
    }
}

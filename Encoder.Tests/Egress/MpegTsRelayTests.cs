using System.Net;
using System.Net.Sockets;
using Encoder.Egress;
using Encoder.Status;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Egress;

/// <summary>The relay on real loopback sockets: who may send, what it drops, how many it serves.</summary>
public sealed class MpegTsRelayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private RelayCounters _counters = new();

    [SetUp]
    public void NewCounters() => _counters = new RelayCounters();

    private MpegTsRelay NewRelay(int maxClients = 4)
    {
        var relay = new MpegTsRelay(NullLogger.Instance, _counters, maxClients);
        relay.Start();
        return relay;
    }

    private static Socket Sender(int fromPort = 0)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, fromPort));
        return socket;
    }

    private static void Send(Socket sender, MpegTsRelay relay, byte[] datagram) =>
        sender.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, relay.InputPort));

    private static byte[] GoodStart() => [.. GopCacheTests.Pat(), .. GopCacheTests.Pmt(), .. GopCacheTests.Keyframe(10)];

    private static async Task<byte[]> ReadAsync(TcpClient client, int bytes)
    {
        var buffer = new byte[bytes];
        using var timeout = new CancellationTokenSource(Timeout);
        await client.GetStream().ReadExactlyAsync(buffer, timeout.Token);
        return buffer;
    }

    [Test]
    public async Task Datagrams_from_any_port_but_the_recorders_never_reach_the_relay()
    {
        await using var relay = NewRelay();
        using var neighbour = Sender();
        using var recorder = Sender(relay.RecorderPort);

        for (var i = 0; i < 100; i++)
            Send(neighbour, relay, GoodStart());
        Send(recorder, relay, GoodStart());

        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived >= 1, Timeout, "the recorder's datagram arrives");
        Send(recorder, relay, GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived >= 2, Timeout, "the recorder's second datagram arrives");
        Assert.That(_counters.ToSnapshot().DatagramsReceived, Is.EqualTo(2), "the kernel drops the neighbour's 100 datagrams");
    }

    [Test]
    public async Task Random_and_malformed_datagrams_are_dropped_and_counted_and_a_joiner_still_gets_the_stream()
    {
        await using var relay = NewRelay();
        using var recorder = Sender(relay.RecorderPort);
        var random = new Random(7);
        var sent = 0;
        var malformed = 0;
        var cache = new GopCache(); // the same judgement, to know what the relay must drop
        for (; sent < 2_000; sent++)
        {
            var datagram = GopCacheTests.RandomDatagram(random);
            malformed += cache.Add(datagram, maxPackets: 7).Accepted ? 0 : 1;
            if (datagram.Length == 0)
                datagram = [0]; // an empty datagram is indistinguishable on the wire; send one lone byte instead
            Send(recorder, relay, datagram);
            if (sent % 100 == 99) // let the relay keep up: this test is about parsing, not about overflowing its buffer
                await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == sent + 1, Timeout, "the relay catches up");
        }

        Send(recorder, relay, GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == sent + 1, Timeout, "every datagram arrives");

        using var egress = new TcpClient();
        await egress.ConnectAsync(IPAddress.Loopback, relay.OutputPort);
        var start = await ReadAsync(egress, 2 * GopCache.PacketSize);

        Assert.That(_counters.ToSnapshot().DatagramsDropped, Is.EqualTo(malformed));
        Assert.That(malformed, Is.GreaterThan(500));
        Assert.That(start, Is.EqualTo(GoodStart()[..(2 * GopCache.PacketSize)]), "a joiner starts with the latest good PAT and PMT");
    }

    [Test]
    public async Task Connections_beyond_the_egress_places_are_closed_at_once_and_counted()
    {
        await using var relay = NewRelay(maxClients: 2);
        using var recorder = Sender(relay.RecorderPort);
        Send(recorder, relay, GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 1, Timeout, "the stream starts");

        using var first = new TcpClient();
        using var second = new TcpClient();
        using var third = new TcpClient();
        foreach (var client in new[] { first, second, third })
            await client.ConnectAsync(IPAddress.Loopback, relay.OutputPort);

        Assert.That(await ReadAsync(first, GoodStart().Length), Is.EqualTo(GoodStart()));
        Assert.That(await ReadAsync(second, GoodStart().Length), Is.EqualTo(GoodStart()));
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.That(await third.GetStream().ReadAsync(new byte[1], timeout.Token), Is.Zero, "the third is closed without data");
        Assert.That(_counters.ToSnapshot().ClientsRejected, Is.EqualTo(1));
    }
}

using System.Net.Sockets;
using Encoder.Egress;
using Encoder.Status;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Egress;

/// <summary>The relay on its real unix sockets: who may connect, what it drops, how many it serves.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MpegTsRelayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private RelayCounters _counters = new();

    [SetUp]
    public void NewCounters() => _counters = new RelayCounters();

    private MpegTsRelay NewRelay(int maxClients = 4, IReadOnlyCollection<int>? peers = null)
    {
        var relay = new MpegTsRelay(NullLogger.Instance, _counters, maxClients, peers: peers);
        relay.Start();
        return relay;
    }

    private static byte[] GoodStart() => [.. GopCacheTests.Pat(), .. GopCacheTests.Pmt(), .. GopCacheTests.Keyframe(10)];

    private static async Task<byte[]> ReadAsync(Socket client, int bytes)
    {
        var buffer = new byte[bytes];
        using var timeout = new CancellationTokenSource(Timeout);
        for (var read = 0; read < bytes;) // the relay may send what it holds in more than one write: a busy machine reads between them
        {
            var got = await client.ReceiveAsync(buffer.AsMemory(read), timeout.Token);
            if (got == 0)
                break; // the relay closed: the buffer shows what came
            read += got;
        }

        return buffer;
    }

    [Test]
    public async Task The_relay_s_sockets_are_in_a_folder_only_the_daemon_s_user_can_enter()
    {
        await using var relay = NewRelay();

        var folder = Path.GetDirectoryName(relay.InputPath)!;

        Assert.That(Path.GetDirectoryName(relay.OutputPath), Is.EqualTo(folder));
        Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(relay.InputPath) & (UnixFileMode.OtherWrite | UnixFileMode.GroupWrite), Is.EqualTo(UnixFileMode.None));
    }

    [Test]
    public async Task A_connection_from_a_uid_the_relay_does_not_serve_is_closed_at_once_and_counted()
    {
        await using var relay = NewRelay(peers: [PeerCredentials.OwnUserId + 1]); // this process is not among them

        using var egress = await MpegTsRelayFlowTests.ConnectAsync(relay);
        using var recorder = MpegTsRelayFlowTests.Recorder(relay);
        using var timeout = new CancellationTokenSource(Timeout);

        Assert.That(await egress.ReceiveAsync(new byte[1], timeout.Token), Is.Zero, "the egress side is closed without data");
        Assert.That(await recorder.ReceiveAsync(new byte[1], timeout.Token), Is.Zero, "the recorder side is closed too");
        Assert.That(_counters.ToSnapshot().ClientsRejected, Is.EqualTo(2));
    }

    [Test]
    public async Task A_new_recorder_connection_replaces_the_previous_one()
    {
        await using var relay = NewRelay();
        using var first = MpegTsRelayFlowTests.Recorder(relay);
        first.Send(GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 1, Timeout, "the first run's stream arrives");

        using var second = MpegTsRelayFlowTests.Recorder(relay);
        second.Send(GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 2, Timeout, "the second run's stream arrives");
        using var timeout = new CancellationTokenSource(Timeout);

        Assert.That(await first.ReceiveAsync(new byte[1], timeout.Token), Is.Zero, "the previous run's connection is closed");
    }

    [Test]
    public async Task A_write_that_ends_inside_a_packet_is_relayed_once_the_packet_is_whole()
    {
        await using var relay = NewRelay();
        using var recorder = MpegTsRelayFlowTests.Recorder(relay);
        var start = GoodStart();
        recorder.Send(start.AsSpan(0, 200)); // one packet and 12 bytes of the next
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 1, Timeout, "the whole packet arrives");
        recorder.Send(start.AsSpan(200));
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 2, Timeout, "the rest arrives");

        using var egress = await MpegTsRelayFlowTests.ConnectAsync(relay);

        Assert.That(await ReadAsync(egress, start.Length), Is.EqualTo(start));
        Assert.That(_counters.ToSnapshot().DatagramsDropped, Is.Zero);
    }

    [Test]
    public async Task Random_and_malformed_MPEG_TS_is_dropped_and_counted_and_a_joiner_still_gets_the_stream()
    {
        await using var relay = NewRelay();
        var random = new Random(7);
        using var fuzz = MpegTsRelayFlowTests.Recorder(relay);
        for (var sent = 0; sent < 2_000; sent++)
            fuzz.Send(GopCacheTests.RandomDatagram(random)); // a stream: the relay cuts it into packets as they come

        using var recorder = MpegTsRelayFlowTests.Recorder(relay); // the next run, starting on a packet boundary
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.That(await fuzz.ReceiveAsync(new byte[1], timeout.Token), Is.Zero, "the next run replaces the fuzzing one");
        var received = _counters.ToSnapshot().DatagramsReceived;
        recorder.Send(GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived > received, Timeout, "the good start arrives");
        using var egress = await MpegTsRelayFlowTests.ConnectAsync(relay);
        var start = await ReadAsync(egress, 2 * GopCache.PacketSize);

        Assert.That(_counters.ToSnapshot().DatagramsDropped, Is.GreaterThan(0));
        Assert.That(start, Is.EqualTo(GoodStart()[..(2 * GopCache.PacketSize)]), "a joiner starts with the latest good PAT and PMT");
    }

    [Test]
    public async Task Connections_beyond_the_egress_places_are_closed_at_once_and_counted()
    {
        await using var relay = NewRelay(maxClients: 2);
        using var recorder = MpegTsRelayFlowTests.Recorder(relay);
        recorder.Send(GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 1, Timeout, "the stream starts");

        using var first = await MpegTsRelayFlowTests.ConnectAsync(relay);
        using var second = await MpegTsRelayFlowTests.ConnectAsync(relay);
        using var third = await MpegTsRelayFlowTests.ConnectAsync(relay);

        Assert.That(await ReadAsync(first, GoodStart().Length), Is.EqualTo(GoodStart()));
        Assert.That(await ReadAsync(second, GoodStart().Length), Is.EqualTo(GoodStart()));
        using var timeout = new CancellationTokenSource(Timeout);
        Assert.That(await third.ReceiveAsync(new byte[1], timeout.Token), Is.Zero, "the third is closed without data");
        Assert.That(_counters.ToSnapshot().ClientsRejected, Is.EqualTo(1));
    }
}

using System.Net.Sockets;
using Encoder.Egress;
using Encoder.Status;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Egress;

/// <summary>The relay's flow on its real unix sockets: slow egresses, late joiners, what it allocates.</summary>
public sealed class MpegTsRelayFlowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static byte[] Frames(byte marker) =>
        [.. Enumerable.Range(0, 7).SelectMany(i => GopCacheTests.Frame((byte)(marker + i)))];

    private static byte[] GoodStart() => [.. GopCacheTests.Pat(), .. GopCacheTests.Pmt(), .. GopCacheTests.Keyframe(10)];

    internal static Socket Recorder(MpegTsRelay relay)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(relay.InputPath));
        return socket;
    }

    internal static async Task<Socket> ConnectAsync(MpegTsRelay relay, int receiveBuffer = 0)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        if (receiveBuffer > 0)
            socket.ReceiveBufferSize = receiveBuffer;
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(relay.OutputPath));
        return socket;
    }

    /// <summary>Reads everything on a thread of its own (no allocation per read), counting bytes until the socket ends.</summary>
    private sealed class Drain
    {
        private long _bytes;
        private readonly Thread _thread;

        public Drain(Socket socket)
        {
            _thread = new Thread(() =>
            {
                var buffer = new byte[256 * 1024];
                try
                {
                    int read;
                    while ((read = socket.Receive(buffer)) > 0)
                        Interlocked.Add(ref _bytes, read);
                }
                catch (SocketException)
                {
                }
                catch (ObjectDisposedException)
                {
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public long Bytes => Interlocked.Read(ref _bytes);

        public bool Ended => !_thread.IsAlive;
    }

    /// <summary>Sends datagrams, letting the reader catch up every 20 so neither the UDP buffer nor its queue overflows on a busy machine.</summary>
    private static void Stream(Socket recorder, byte[] datagram, int count, Drain pace, long paceStart)
    {
        for (var i = 1; i <= count; i++)
        {
            recorder.Send(datagram);
            if (i % 20 == 0)
                CatchUp(() => pace.Bytes >= paceStart + (long)i * datagram.Length);
        }
    }

    /// <summary>Waits without allocating (the allocation test measures around it); fails the test after the timeout.</summary>
    private static void CatchUp(Func<bool> caughtUp)
    {
        var deadline = Environment.TickCount64 + (long)Timeout.TotalMilliseconds;
        while (!caughtUp())
        {
            if (Environment.TickCount64 > deadline)
                throw new TimeoutException("the egresses did not keep up with the relay");
            Thread.Sleep(1);
        }
    }

    [Test]
    public async Task An_egress_that_stops_reading_is_cut_off_and_the_others_get_every_byte()
    {
        var counters = new RelayCounters();
        await using var relay = new MpegTsRelay(NullLogger.Instance, counters, maxClients: 4, clientQueueBytes: 256 * 1024);
        relay.Start();
        using var recorder = Recorder(relay);
        recorder.Send(GoodStart());
        await Poll.UntilAsync(() => counters.ToSnapshot().DatagramsReceived == 1, Timeout, "the stream starts");
        using var stalled = await ConnectAsync(relay, receiveBuffer: 4096);
        using var reading = await ConnectAsync(relay);
        var drain = new Drain(reading);
        await Poll.UntilAsync(() => drain.Bytes == GoodStart().Length, Timeout, "the reader gets the cached start");

        var datagram = Frames(20);
        const int Count = 8_000; // ~10 MB: more than the kernel buffers toward the stalled egress plus its queue
        await Task.Run(() => Stream(recorder, datagram, Count, drain, GoodStart().Length));

        await Poll.UntilAsync(() => drain.Bytes == GoodStart().Length + (long)Count * datagram.Length, Timeout,
            "the reading egress gets every byte", () => $"{drain.Bytes} bytes");
        var stalledRead = 0L;
        var buffer = new byte[64 * 1024];
        stalled.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        try
        {
            int read;
            while ((read = stalled.Receive(buffer)) > 0)
                stalledRead += read;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        Assert.That(stalledRead, Is.LessThan((long)Count * datagram.Length), "the stalled egress was closed before the end");
        Assert.That(drain.Ended, Is.False, "the reading egress is still connected");
    }

    [Test]
    public async Task A_late_joiner_gets_PAT_PMT_and_the_last_GOPs_then_the_live_stream()
    {
        var counters = new RelayCounters();
        await using var relay = new MpegTsRelay(NullLogger.Instance, counters, maxClients: 4);
        relay.Start();
        using var recorder = Recorder(relay);
        byte[][] stream =
        [
            [.. GopCacheTests.Pat(), .. GopCacheTests.Pmt(), .. GopCacheTests.Keyframe(10)], [.. GopCacheTests.Frame(11)],
            [.. GopCacheTests.Keyframe(20), .. GopCacheTests.Frame(21)], [.. GopCacheTests.Keyframe(30)], [.. GopCacheTests.Frame(31)],
        ];
        for (var i = 0; i < stream.Length; i++)
        {
            recorder.Send(stream[i]);
            await Poll.UntilAsync(() => counters.ToSnapshot().DatagramsReceived == i + 1, Timeout, "the write arrives");
        }

        using var joinerSocket = await ConnectAsync(relay);
        using var joiner = new NetworkStream(joinerSocket);
        byte[] expectedStart = [.. GopCacheTests.Pat(), .. GopCacheTests.Pmt(), .. GopCacheTests.Keyframe(20), .. GopCacheTests.Frame(21), .. GopCacheTests.Keyframe(30), .. GopCacheTests.Frame(31)];
        var start = new byte[expectedStart.Length];
        using var timeout = new CancellationTokenSource(Timeout);
        await joiner.ReadExactlyAsync(start, timeout.Token);
        Assert.That(start, Is.EqualTo(expectedStart));

        recorder.Send(GopCacheTests.Frame(32));
        var live = new byte[GopCache.PacketSize];
        await joiner.ReadExactlyAsync(live, timeout.Token);
        Assert.That(live, Is.EqualTo(GopCacheTests.Frame(32)));
    }

    [Test]
    public async Task Relaying_to_two_egresses_copies_no_packet_into_a_new_array()
    {
        var counters = new RelayCounters();
        var relay = new MpegTsRelay(NullLogger.Instance, counters, maxClients: 4);
        relay.Start();
        using var recorder = Recorder(relay);
        recorder.Send(GoodStart());
        await Poll.UntilAsync(() => counters.ToSnapshot().DatagramsReceived == 1, Timeout, "the stream starts");
        using var first = await ConnectAsync(relay);
        using var second = await ConnectAsync(relay);
        var drains = new[] { new Drain(first), new Drain(second) };
        await Poll.UntilAsync(() => drains.All(d => d.Bytes == GoodStart().Length), Timeout, "both egresses get the start");

        // A keyframe every 30 datagrams, so the cache evicts GOPs throughout.
        var datagrams = Enumerable.Range(0, 30).Select(i => i == 0 ? [.. GopCacheTests.Keyframe(1), .. Frames(2)[..(6 * GopCache.PacketSize)]] : Frames((byte)i)).ToArray();
        var sent = 0L;
        bool CaughtUp() => drains[0].Bytes >= GoodStart().Length + sent && drains[1].Bytes >= GoodStart().Length + sent;
        Func<bool> caughtUp = CaughtUp;
        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                recorder.Send(datagrams[i % datagrams.Length]);
                sent += datagrams[i % datagrams.Length].Length;
                if (i % 100 == 99)
                    CatchUp(caughtUp);
            }

            CatchUp(caughtUp);
        }

        const int Measured = 60_000;
        Run(3_000); // warm-up: the pool, the rings and the sockets' reusable operations grow to their working size
        var blocksBefore = relay.Pool.Created;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        Run(Measured);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        var newBlocks = relay.Pool.Created - blocksBefore;
        // The pool grows to the peak backlog (egresses lagging on a busy machine): bounded, not per packet.
        var perPacket = (double)(allocated - newBlocks * relay.Pool.BlockBytes) / (Measured * 7);
        await TestContext.Out.WriteLineAsync(
            $"relay allocation: {allocated} bytes over {Measured} datagrams ({Measured * 7} packets) to 2 egresses, {newBlocks} new pool blocks " +
            $"({relay.Pool.Created} in all): {perPacket:F3} bytes per packet besides the pool's growth (whole process)");

        Assert.That(drains.Select(d => d.Bytes), Is.All.EqualTo(GoodStart().Length + sent), "every byte reached both egresses");
        // Measured ~8 bytes per packet (~60 per datagram, from the runtime's socket and thread-pool machinery and the
        // test host, not the relay's code); the relay before this allocated the datagram and a copy of every packet.
        Assert.That(perPacket, Is.LessThan(32), "no packet or datagram is copied into a new array");
        await relay.DisposeAsync();
        await Poll.UntilAsync(() => relay.Pool.Outstanding == 0, Timeout, "every block is back in the pool once all is closed",
            () => $"{relay.Pool.Outstanding} outstanding");
    }
}

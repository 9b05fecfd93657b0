using Encoder.Egress;

namespace Encoder.Tests.Egress;

public sealed class GopCacheTests
{
    private const int PmtPid = 0x1000;
    private const int VideoPid = 0x100;
    private const int AudioPid = 0x101;

    // Minimal, well-formed PSI as FFmpeg's mpegts muxer writes it (CRCs are not checked by the cache).
    internal static byte[] Pat() => Packet(0, payloadStart: true, randomAccess: false,
        [0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xF0, 0x00, 0, 0, 0, 0]);

    internal static byte[] Pmt() => Packet(PmtPid, payloadStart: true, randomAccess: false,
    [
        0x00, 0x02, 0xB0, 0x17, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE1, 0x00, 0xF0, 0x00,
        0x0F, 0xE1, 0x01, 0xF0, 0x00, // AAC on 0x101 first, to prove the cache picks the video stream
        0x1B, 0xE1, 0x00, 0xF0, 0x00, // H.264 on 0x100
        0, 0, 0, 0,
    ]);

    private static byte[] Packet(int pid, bool payloadStart, bool randomAccess, byte[]? payload = null, byte marker = 0)
    {
        var packet = new byte[GopCache.PacketSize];
        packet[0] = 0x47;
        packet[1] = (byte)((payloadStart ? 0x40 : 0) | (pid >> 8));
        packet[2] = (byte)pid;
        if (randomAccess)
        {
            packet[3] = 0x30; // adaptation field + payload
            packet[4] = 1;
            packet[5] = 0x40; // random_access_indicator
            packet[6] = marker;
        }
        else
        {
            packet[3] = 0x10;
            payload?.CopyTo(packet, 4);
            packet[^1] = marker;
        }

        return packet;
    }

    internal static byte[] Keyframe(byte marker) => Packet(VideoPid, payloadStart: true, randomAccess: true, marker: marker);

    internal static byte[] Frame(byte marker) => Packet(VideoPid, payloadStart: false, randomAccess: false, marker: marker);

    private static byte[] AudioKeyframe(byte marker) => Packet(AudioPid, payloadStart: true, randomAccess: true, marker: marker);

    private static List<byte[]> Packets(byte[] snapshot) => snapshot.Chunk(GopCache.PacketSize).ToList();

    [Test]
    public void Finds_the_video_stream_from_the_PMT()
    {
        var cache = new GopCache();
        cache.Add([.. Pat(), .. Pmt()]);

        Assert.That(cache.VideoPid, Is.EqualTo(VideoPid));
    }

    [Test]
    public void Gives_nothing_until_the_first_keyframe()
    {
        var cache = new GopCache();
        cache.Add([.. Pat(), .. Pmt(), .. Frame(1), .. AudioKeyframe(2)]);

        Assert.That(cache.Snapshot(), Is.Empty);
    }

    [Test]
    public void Starts_a_joiner_with_PAT_PMT_and_the_previous_and_current_GOP()
    {
        var cache = new GopCache();
        byte[][] stream = [Pat(), Pmt(), Frame(1), Keyframe(10), Frame(11), AudioKeyframe(12), Keyframe(20), Frame(21), Keyframe(30), Frame(31)];
        foreach (var packet in stream)
            cache.Add(packet);

        var snapshot = Packets(cache.Snapshot());

        Assert.That(snapshot, Is.EqualTo(new[] { Pat(), Pmt(), Keyframe(20), Frame(21), Keyframe(30), Frame(31) }));
    }

    [Test]
    public void Reads_whole_packets_from_datagrams_of_seven()
    {
        var cache = new GopCache();
        cache.Add([.. Pat(), .. Pmt(), .. Keyframe(10), .. Frame(11), .. Frame(12), .. Frame(13), .. Frame(14)]);

        Assert.That(Packets(cache.Snapshot()), Has.Count.EqualTo(2 + 5));
    }

    [Test]
    public void Stays_within_its_memory_bound_when_keyframes_stop_coming()
    {
        var cache = new GopCache(maxBytes: 10 * GopCache.PacketSize);
        cache.Add([.. Pat(), .. Pmt(), .. Keyframe(10)]);
        for (var i = 0; i < 20; i++)
            cache.Add(Frame((byte)i));

        Assert.That(cache.Snapshot(), Is.Empty, "a GOP larger than the bound is dropped until the next keyframe");
        cache.Add(Keyframe(50));
        Assert.That(Packets(cache.Snapshot()), Is.EqualTo(new[] { Pat(), Pmt(), Keyframe(50) }));
    }

    [Test]
    public void Clear_forgets_the_stream()
    {
        var cache = new GopCache();
        cache.Add([.. Pat(), .. Pmt(), .. Keyframe(10)]);

        cache.Clear();

        Assert.That(cache.Snapshot(), Is.Empty);
        Assert.That(cache.VideoPid, Is.EqualTo(-1));
    }

    [Test]
    public void Evicting_a_GOP_returns_its_blocks_to_the_pool_and_clear_returns_the_rest()
    {
        var pool = new RelayBlockPool(blockBytes: 4 * GopCache.PacketSize);
        var cache = new GopCache(pool: pool);
        cache.Add([.. Pat(), .. Pmt()]);
        cache.Add([.. Keyframe(10), .. Frame(11)]);
        cache.Add([.. Keyframe(20), .. Frame(21)]);
        Assert.That(pool.Outstanding, Is.EqualTo(2), "the previous and the current GOP each hold their block");

        cache.Add([.. Keyframe(30), .. Frame(31)]);
        Assert.That(pool.Outstanding, Is.EqualTo(2), "the GOP before the previous one was released");
        Assert.That(Packets(cache.Snapshot()), Is.EqualTo(new[] { Pat(), Pmt(), Keyframe(20), Frame(21), Keyframe(30), Frame(31) }));
        Assert.That(pool.Outstanding, Is.EqualTo(2), "a snapshot holds nothing once read");

        cache.Clear();
        Assert.That(pool.Outstanding, Is.Zero);
    }

    [Test]
    public void Datagrams_received_one_after_another_in_a_block_are_cached_as_one_slice_and_split_at_keyframes_and_PSI()
    {
        var pool = new RelayBlockPool();
        var cache = new GopCache(pool: pool);
        var block = pool.Rent();
        byte[][] datagrams = [[.. Pat(), .. Pmt(), .. Frame(1)], [.. Keyframe(10), .. Frame(11)], [.. Frame(12), .. Pat(), .. Frame(13)], [.. Frame(14), .. Keyframe(20)]];
        var at = 0;
        foreach (var datagram in datagrams)
        {
            datagram.CopyTo(block.Bytes, at);
            cache.Add(new TsSlice(block, at, datagram.Length));
            at += datagram.Length;
        }

        var slices = new List<TsSlice>();
        var bytes = cache.SnapshotTo(slices.Add);

        Assert.That(slices.Select(s => s.Length / GopCache.PacketSize), Is.EqualTo(new[] { 2, 3, 2, 1 }),
            "PAT+PMT; keyframe 10 to frame 12 in one slice; the PAT between 12 and 13 splits it; keyframe 20 starts a GOP");
        Assert.That(bytes, Is.EqualTo(slices.Sum(s => s.Length)));
        Assert.That(Packets([.. slices.SelectMany(s => s.Span.ToArray())]),
            Is.EqualTo(new[] { Pat(), Pmt(), Keyframe(10), Frame(11), Frame(12), Frame(13), Frame(14), Keyframe(20) }));
        foreach (var slice in slices)
            slice.Block.Release();
        block.Release();
        cache.Clear();
        Assert.That(pool.Outstanding, Is.Zero, "every reference taken was given back");
    }

    // Each case: a PAT or PMT whose lengths lie. None may throw, and none may replace the good PAT/PMT already seen.
    private static IEnumerable<TestCaseData> LyingPsi()
    {
        static byte[] With(byte[] packet, params (int At, byte Value)[] changes)
        {
            foreach (var (at, value) in changes)
                packet[at] = value;
            return packet;
        }

        yield return new TestCaseData(With(Pat(), (3, 0x30), (4, 200))).SetName("An adaptation field longer than the packet");
        yield return new TestCaseData(With(Pat(), (3, 0x30), (4, 183))).SetName("An adaptation field that fills the packet");
        yield return new TestCaseData(With(Pat(), (4, 250))).SetName("A pointer field past the packet");
        yield return new TestCaseData(With(Pat(), (4, 180))).SetName("A pointer field leaving no room for a section");
        yield return new TestCaseData(With(Pat(), (6, 0xB0), (7, 0x02))).SetName("A section length shorter than its header");
        yield return new TestCaseData(With(Pat(), (6, 0xBF), (7, 0xFF), (13, 0), (14, 0))).SetName("A PAT section length past the packet, no program");
        yield return new TestCaseData(With(Pmt(), (15, 0x0F), (16, 0xFF))).SetName("A program info length past the section");
        yield return new TestCaseData(With(Pmt(), (7, 0xFF), (6, 0xBF), (15, 0x0F), (16, 0xFF))).SetName("A program info length past the packet");
        yield return new TestCaseData(With(Pmt(), (20, 0x0F), (21, 0xFF))).SetName("An ES info length past the section");
    }

    [TestCaseSource(nameof(LyingPsi))]
    public void A_lying_length_is_ignored_and_never_throws(byte[] lying)
    {
        var cache = new GopCache();
        cache.Add([.. Pat(), .. Pmt(), .. Keyframe(10)]);

        var verdict = cache.Add(lying);
        cache.Add(Frame(11));

        Assert.That(verdict.Accepted, Is.True, "whole synced packets are relayed; only the cache ignores what does not parse");
        Assert.That(Packets(cache.Snapshot()), Is.EqualTo(new[] { Pat(), Pmt(), Keyframe(10), Frame(11) }));
        Assert.That(cache.VideoPid, Is.EqualTo(VideoPid));
    }

    [TestCase(0, TestName = "An empty datagram is dropped")]
    [TestCase(187, TestName = "A truncated packet is dropped")]
    [TestCase(188 * 7 + 1, TestName = "A datagram that is not whole packets is dropped")]
    [TestCase(188 * 8, TestName = "A datagram larger than the recorder sends is dropped")]
    public void A_datagram_that_is_not_whole_packets_is_dropped(int length)
    {
        var cache = new GopCache();
        var datagram = new byte[length];
        for (var at = 0; at < length; at += GopCache.PacketSize)
            Frame(1).AsSpan(0, Math.Min(GopCache.PacketSize, length - at)).CopyTo(datagram.AsSpan(at));

        Assert.That(cache.Add(datagram, maxPackets: 7).Accepted, Is.False);
    }

    [Test]
    public void A_datagram_with_a_packet_out_of_sync_is_dropped_whole()
    {
        var cache = new GopCache();
        var lost = Keyframe(10);
        lost[0] = 0x48;

        var verdict = cache.Add([.. Pat(), .. Pmt(), .. lost]);

        Assert.That(verdict.Accepted, Is.False);
        Assert.That(cache.VideoPid, Is.EqualTo(-1), "nothing of a dropped datagram is taken");
    }

    [Test]
    public void A_skipped_continuity_counter_is_counted_once_per_gap()
    {
        var cache = new GopCache();
        byte[] Counted(byte[] packet, int counter)
        {
            packet[3] = (byte)((packet[3] & 0xF0) | counter);
            return packet;
        }

        var errors = 0;
        foreach (var counter in new[] { 0, 1, 2, 2, 5, 6, 15, 0 })
            errors += cache.Add(Counted(Frame(1), counter)).ContinuityErrors;

        Assert.That(errors, Is.EqualTo(2), "2 → 5 and 6 → 15 are gaps; a single duplicate (2, 2) and the wrap (15 → 0) are not");
    }

    [Test]
    public void Thousands_of_random_and_malformed_datagrams_never_throw_and_a_good_stream_still_starts_a_joiner()
    {
        var random = new Random(20261124);
        var cache = new GopCache(maxBytes: 64 * GopCache.PacketSize);
        int accepted = 0, dropped = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var datagram = RandomDatagram(random);
            var verdict = cache.Add(datagram, maxPackets: 7);
            _ = verdict.Accepted ? accepted++ : dropped++;
            if (i % 997 == 0)
                _ = cache.Snapshot();
        }

        cache.Add([.. Pat(), .. Pmt(), .. Keyframe(10), .. Frame(11)]);
        var snapshot = Packets(cache.Snapshot());

        Assert.That(accepted, Is.GreaterThan(5_000), "the fuzz reached the PSI and keyframe parsing, not only the size check");
        Assert.That(dropped, Is.GreaterThan(5_000));
        Assert.That(snapshot.Take(2), Is.EqualTo(new[] { Pat(), Pmt() }));
        Assert.That(snapshot.TakeLast(2), Is.EqualTo(new[] { Keyframe(10), Frame(11) }));
    }

    /// <summary>Random bytes of random length, or synced packets with random PIDs, flags and lengths (often PSI).</summary>
    internal static byte[] RandomDatagram(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return RandomBytes(random, random.Next(0, 2000));
            case 1:
                return RandomBytes(random, random.Next(1, 8) * GopCache.PacketSize - random.Next(1, 188)); // truncated
            default:
                var packets = random.Next(1, 8);
                var datagram = RandomBytes(random, packets * GopCache.PacketSize);
                for (var at = 0; at < datagram.Length; at += GopCache.PacketSize)
                {
                    int[] pids = [0, PmtPid, VideoPid, random.Next(0x2000)];
                    var pid = pids[random.Next(pids.Length)];
                    datagram[at] = 0x47;
                    datagram[at + 1] = (byte)((random.Next(2) == 0 ? 0x40 : 0) | (pid >> 8));
                    datagram[at + 2] = (byte)pid;
                    if (random.Next(3) == 0)
                        datagram[at + 4] = (byte)random.Next(170, 256); // pointer or adaptation length near or past the end
                    if (random.Next(3) == 0)
                        datagram[at + 6] = (byte)(0xB0 | random.Next(16)); // any section length
                }

                return datagram;
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

using Encoder.Egress;

namespace Encoder.Tests.Egress;

public sealed class GopCacheTests
{
    private const int PmtPid = 0x1000;
    private const int VideoPid = 0x100;
    private const int AudioPid = 0x101;

    // Minimal, well-formed PSI as FFmpeg's mpegts muxer writes it (CRCs are not checked by the cache).
    private static byte[] Pat() => Packet(0, payloadStart: true, randomAccess: false,
        [0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xF0, 0x00, 0, 0, 0, 0]);

    private static byte[] Pmt() => Packet(PmtPid, payloadStart: true, randomAccess: false,
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

    private static byte[] Keyframe(byte marker) => Packet(VideoPid, payloadStart: true, randomAccess: true, marker: marker);

    private static byte[] Frame(byte marker) => Packet(VideoPid, payloadStart: false, randomAccess: false, marker: marker);

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
}

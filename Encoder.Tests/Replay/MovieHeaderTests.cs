using System.Buffers.Binary;
using Encoder.Replay;

namespace Encoder.Tests.Replay;

public sealed class MovieHeaderTests
{
    private static ReplayTimeline TwoSegments()
    {
        var timeline = new ReplayTimeline();
        timeline.Add(ReplayTimelineTests.Segment(0, 30), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        timeline.Add(ReplayTimelineTests.Segment(0, 30), timeline.End, TimeSpan.FromSeconds(1));
        return timeline;
    }

    [Test]
    public void The_index_comes_before_the_media_padded_to_the_parts_minimum()
    {
        var header = MovieHeader.Build(TwoSegments(), 5 * 1024 * 1024);

        Assert.That(Mp4Boxes.TopLevel(header).Select(b => b.Type), Is.EqualTo(new[] { "ftyp", "moov", "free" }), "mdat's header is cut off: its payload follows");
        Assert.That(header, Has.Length.EqualTo(5 * 1024 * 1024));
        Assert.That(header.AsSpan(header.Length - 12, 4).ToArray(), Is.EqualTo("mdat"u8.ToArray()));
        Assert.That(BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(header.Length - 8)), Is.EqualTo(16 + 6000), "the 64-bit size covers the media");
    }

    [Test]
    public void Without_a_minimum_there_is_no_padding()
    {
        var header = MovieHeader.Build(TwoSegments(), 0);

        var top = Mp4Boxes.Children(header, 0, header.Length - 16);
        Assert.That(top.Select(b => b.Type), Is.EqualTo(new[] { "ftyp", "moov" }));
    }

    [Test]
    public void Each_sample_points_into_the_media_after_the_header()
    {
        var header = MovieHeader.Build(TwoSegments(), 0);

        var moov = Mp4Boxes.TopLevel(header.AsSpan(0, header.Length - 16)).Single(b => b.Type == "moov");
        var co64 = Mp4Boxes.Find(header, Mp4Boxes.Child(header, moov, "trak")!.Value, "mdia/minf/stbl/co64")!.Value;
        var body = header.AsSpan((int)co64.PayloadStart);
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(body[4..]), Is.EqualTo(60));
        Assert.That(BinaryPrimitives.ReadUInt64BigEndian(body[8..]), Is.EqualTo((ulong)header.Length));
        Assert.That(BinaryPrimitives.ReadUInt64BigEndian(body[(8 + (59 * 8))..]), Is.EqualTo((ulong)header.Length + 5900));
    }

    [Test]
    public void The_duration_is_the_timelines()
    {
        Assert.That(MovieHeader.Duration(TwoSegments()).TotalSeconds, Is.EqualTo(2).Within(0.001));
    }
}

public sealed class MovieHeaderCostTests
{
    /// <summary>
    /// The only part of the class's end that grows with the class: the index of a 60-minute class, 30 fps video and 48 kHz AAC
    /// in 6 s segments (108,000 + 168,750 samples). <c>bench/replay</c> prints the figure (it runs this test).
    /// </summary>
    [Test]
    public void The_index_of_a_60_minute_class_is_built_in_well_under_a_second()
    {
        var video = new ReplayTrack("vide", 90_000, ReplayTimelineTests.Stsd("avc1"), 1920, 1080);
        var audio = new ReplayTrack("soun", 48_000, ReplayTimelineTests.Stsd("mp4a"), 0, 0);
        var timeline = new ReplayTimeline();
        for (var segment = 0; segment < 600; segment++)
        {
            var packets = new List<SegmentPacket>();
            long offset = 0;
            for (var i = 0; i < 180; i++, offset += 25_000)
                packets.Add(new SegmentPacket(0, i * 3000L, 3000, i % 3 == 1 ? 6000 : 0, 25_000, offset, i % 60 == 0));
            for (var i = 0; i < 281; i++, offset += 380)
                packets.Add(new SegmentPacket(1, i * 1024L, 1024, 0, 380, offset, true));
            timeline.Add(new SegmentMedia([video, audio], packets, 40, offset), timeline.End, TimeSpan.FromSeconds(6));
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var header = MovieHeader.Build(timeline, 5 * 1024 * 1024);
        watch.Stop();

        TestContext.Out.WriteLine($"replay-index: 60 min, {timeline.Samples.Sum(s => s.Count)} samples, {header.Length} bytes, built in {watch.Elapsed.TotalSeconds:0.000}s");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
        Assert.That(MovieHeader.Duration(timeline).TotalMinutes, Is.EqualTo(60).Within(0.01));
    }
}

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

using Encoder.Replay;

namespace Encoder.Tests.Replay;

public sealed class SegmentMediaTests
{
    private static readonly byte[] Delimiter = [0, 0, 0, 2, 0x09, 0xf0];
    private static readonly byte[] Slice = [0, 0, 0, 3, 0x65, 0x88, 0x84]; // an IDR slice (type 5)
    private static readonly byte[] Parameters = [0, 0, 0, 2, 0x67, 0x42, 0, 0, 0, 2, 0x68, 0xce]; // SPS, PPS

    [TestCase(new byte[] { 0, 0, 0, 2, 0x09, 0xf0, 0, 0, 0, 3, 0x65, 0x88, 0x84 }, "avc1", true, TestName = "A delimiter and a slice hold a picture")]
    [TestCase(new byte[] { 0, 0, 0, 2, 0x09, 0xf0 }, "avc1", false, TestName = "A delimiter alone holds no picture")]
    [TestCase(new byte[] { 0, 0, 0, 2, 0x67, 0x42, 0, 0, 0, 2, 0x68, 0xce }, "avc1", false, TestName = "Parameter sets alone hold no picture")]
    [TestCase(new byte[] { 0, 0, 0, 9, 0x09, 0xf0 }, "avc1", null, TestName = "A length past the packet cannot be read")]
    [TestCase(new byte[] { 0, 0, 0, 3, 0x26, 0x01, 0xaf }, "hvc1", true, TestName = "An H.265 IDR slice holds a picture")]
    [TestCase(new byte[] { 0, 0, 0, 3, 0x46, 0x01, 0x50 }, "hvc1", false, TestName = "An H.265 delimiter alone holds no picture")]
    [TestCase(new byte[] { 0, 0, 0, 2, 0x09, 0xf0 }, "mp4v", null, TestName = "Another codec is not judged")]
    public void A_packet_holds_a_picture_when_it_has_a_coded_slice(byte[] packet, string codec, bool? expected) =>
        Assert.That(SegmentMedia.HasPicture(packet, codec), Is.EqualTo(expected));

    [Test]
    public void A_video_packet_with_no_picture_is_left_out_of_the_replay_and_the_sound_is_not_judged()
    {
        var video = new ReplayTrack("vide", 90_000, ReplayTimelineTests.Stsd("avc1"), 640, 360);
        var audio = new ReplayTrack("soun", 48_000, ReplayTimelineTests.Stsd("mp4a"), 0, 0);
        byte[] mdat = [.. Parameters, .. Slice, .. Delimiter, .. Delimiter];
        var file = new byte[8].Concat(mdat).ToArray(); // the media starts after an 8-byte box header
        var media = new SegmentMedia([video, audio],
        [
            new SegmentPacket(0, 0, 3000, 0, Parameters.Length + Slice.Length, 0, true),
            new SegmentPacket(0, 3000, 3000, 0, Delimiter.Length, Parameters.Length + Slice.Length, false),
            new SegmentPacket(1, 0, 1024, 0, Delimiter.Length, Parameters.Length + Slice.Length + Delimiter.Length, true),
        ], 8, mdat.Length);

        var kept = media.WithoutEmptyPictures(file);

        Assert.That(kept.Packets.Select(p => (p.Track, p.Dts)), Is.EqualTo(new[] { (0, 0L), (1, 0L) }));
        Assert.That(kept.MediaLength, Is.EqualTo(mdat.Length), "the media stays as it is: only the index leaves the packet out");
    }
}

using System.Text;
using Encoder.Replay;

namespace Encoder.Tests.Replay;

public sealed class ReplayTimelineTests
{
    private static readonly ReplayTrack Video = new("vide", 90_000, Stsd("avc1"), 1280, 720);
    private static readonly ReplayTrack Audio = new("soun", 48_000, Stsd("mp4a"), 0, 0);

    internal static byte[] Stsd(string codec)
    {
        var stsd = new byte[32];
        stsd[3] = 32; // its size
        Encoding.ASCII.GetBytes("stsd").CopyTo(stsd, 4);
        Encoding.ASCII.GetBytes(codec).CopyTo(stsd, 20);
        return stsd;
    }

    /// <summary>A segment of <paramref name="frames"/> video frames (3000 ticks each) from <paramref name="firstDts"/>, each 100 bytes, the first a keyframe.</summary>
    internal static SegmentMedia Segment(long firstDts, int frames, ReplayTrack? video = null) =>
        new([video ?? Video], Enumerable.Range(0, frames).Select(i => new SegmentPacket(0, firstDts + (i * 3000), 3000, 0, 100, i * 100, i == 0)).ToList(), 40, frames * 100);

    private static long[] Times(ReplayTimeline timeline) => timeline.Samples[0].Select(s => s.Time).ToArray();

    [TestCase(0L, TestName = "A new recorder run's segment whose timestamps start at zero plays from the VOD's time")]
    [TestCase(8_100_000L, TestName = "A new recorder run's segment whose timestamps jumped ahead plays from the VOD's time")]
    [TestCase(-4110L, TestName = "A new recorder run's segment whose timestamps start below zero plays from the VOD's time")]
    public void Each_segment_starts_where_the_playlist_puts_it_whatever_its_own_timestamps(long firstDts)
    {
        var timeline = new ReplayTimeline();
        Assert.That(timeline.Add(Segment(900_000, 2), TimeSpan.Zero, TimeSpan.FromSeconds(2.0 / 30)), Is.Null); // its recorder run's clock at 10 s

        Assert.That(timeline.Add(Segment(firstDts, 2), timeline.End, TimeSpan.FromSeconds(2.0 / 30)), Is.Null);

        Assert.That(Times(timeline), Is.EqualTo(new long[] { 0, 3000, 6000, 9000 }));
    }

    [Test]
    public void After_a_camera_gap_the_timeline_runs_on_from_the_end_of_the_last_segment_before_it()
    {
        var timeline = new ReplayTimeline();
        timeline.Add(Segment(900_000, 2), TimeSpan.Zero, TimeSpan.FromSeconds(6));
        timeline.Add(Segment(0, 2), timeline.End, TimeSpan.FromSeconds(6)); // the recorder started again: its clock too

        Assert.That(Times(timeline), Is.EqualTo(new long[] { 0, 3000, 540_000, 543_000 }));
        Assert.That(timeline.End, Is.EqualTo(TimeSpan.FromSeconds(12)));
    }

    /// <summary>60 video frames from <paramref name="videoDts"/> and an audio frame every 1920 ticks (at 90 kHz) from <paramref name="audioDts"/>, as a recorder run's segment.</summary>
    private static SegmentMedia TwoSecondsOf(long videoDts, long audioDts)
    {
        var audio = Audio with { TimeScale = 90_000 };
        var packets = Enumerable.Range(0, 60).Select(i => new SegmentPacket(0, videoDts + (i * 3000), 3000, 0, 10, i * 10, i == 0))
            .Concat(Enumerable.Range(0, 94).Select(i => new SegmentPacket(1, audioDts + (i * 1920), 1920, 0, 10, 600 + (i * 10), true))).ToList();
        return new SegmentMedia([Video, audio], packets, 0, 600 + 940);
    }

    [Test]
    public void Within_one_recorder_run_each_track_keeps_its_own_timestamps_across_segment_boundaries()
    {
        // The recorder cuts at video keyframes; the audio frames do not fall on them, so each segment's earliest packet is
        // an audio frame a little before its keyframe, by a different amount each time.
        var timeline = new ReplayTimeline();
        timeline.Add(TwoSecondsOf(126_000, 125_000), TimeSpan.Zero, TimeSpan.FromSeconds(2));
        timeline.Add(TwoSecondsOf(306_000, 304_890), timeline.End, TimeSpan.FromSeconds(2));

        var video = Times(timeline);
        Assert.That(video.Zip(video.Skip(1), (a, b) => b - a), Is.All.EqualTo(3000), "the frames stay 1/30 s apart across the boundary");
        Assert.That(video[0], Is.EqualTo(1000));
    }

    [Test]
    public void The_segments_media_follow_one_another_in_the_replay()
    {
        var timeline = new ReplayTimeline();
        timeline.Add(Segment(0, 2), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        timeline.Add(Segment(0, 3), timeline.End, TimeSpan.FromSeconds(1));

        Assert.That(timeline.Samples[0].Select(s => s.Offset), Is.EqualTo(new long[] { 0, 100, 200, 300, 400 }));
        Assert.That(timeline.MediaLength, Is.EqualTo(500));
    }

    [Test]
    public void Every_track_of_a_segment_is_measured_from_its_earliest_packet()
    {
        var segment = new SegmentMedia([Video, Audio],
            [new SegmentPacket(0, 900, 3000, 0, 10, 0, true), new SegmentPacket(1, 0, 1024, 0, 10, 10, true), new SegmentPacket(1, 1024, 1024, 0, 10, 20, true)], 0, 30);
        var timeline = new ReplayTimeline();

        timeline.Add(segment, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

        Assert.That(Times(timeline), Is.EqualTo(new long[] { 900_900 }));
        Assert.That(timeline.Samples[1].Select(s => s.Time), Is.EqualTo(new long[] { 480_000, 481_024 }));
    }

    [TestCase(new long[] { 0, 3000, 6000 }, 3000, new long[] { 3000, 3000, 3000 }, TestName = "Evenly spaced samples keep their spacing; the last its packet's duration")]
    [TestCase(new long[] { 0, 3000, 2000, 9000 }, 3000, new long[] { 3000, 1, 5999, 3000 }, TestName = "A sample that overlaps the next segment's start is laid one tick after the one before")]
    [TestCase(new long[] { 0, 3000, 60_000 }, 3000, new long[] { 3000, 57_000, 3000 }, TestName = "A gap stretches the sample before it")]
    [TestCase(new long[] { 0, 3000 }, 0, new long[] { 3000, 3000 }, TestName = "A last packet without a duration takes the one before it")]
    public void A_samples_duration_is_the_step_to_the_next_one(long[] times, long lastPacketDuration, long[] expected)
    {
        var samples = times.Select((t, i) => new ReplaySample(t, i == times.Length - 1 ? lastPacketDuration : 3000, 0, 1, 0, true)).ToList();

        Assert.That(ReplayTimeline.Durations(samples), Is.EqualTo(expected));
    }

    [TestCase("hev1", 1280, 720, TestName = "A segment with another codec cannot join the replay")]
    [TestCase("avc1", 1920, 1080, TestName = "A segment with another picture size cannot join the replay")]
    public void A_segment_whose_streams_differ_from_the_first_ones_is_refused_with_a_reason(string codec, int width, int height)
    {
        var timeline = new ReplayTimeline();
        timeline.Add(Segment(0, 2), TimeSpan.Zero, TimeSpan.FromSeconds(1));

        var problem = timeline.Add(Segment(0, 2, new ReplayTrack("vide", 90_000, Stsd(codec), width, height)), timeline.End, TimeSpan.FromSeconds(1));

        Assert.That(problem, Does.Contain("differ"));
        Assert.That(timeline.SegmentCount, Is.EqualTo(1));
    }

    [Test]
    public void A_segment_whose_description_differs_only_in_its_bitrate_note_joins()
    {
        var timeline = new ReplayTimeline();
        timeline.Add(Segment(0, 2), TimeSpan.Zero, TimeSpan.FromSeconds(1));
        var other = Stsd("avc1");
        other[30] = 7;

        Assert.That(timeline.Add(Segment(0, 2, Video with { SampleDescription = other }), timeline.End, TimeSpan.FromSeconds(1)), Is.Null);
    }
}

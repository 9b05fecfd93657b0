using Encoder.Replay;

namespace Encoder.Tests.Replay;

/// <summary>The storyboard's timing on the VOD's timeline: cues from 0 to the end, contiguous, each tile from the segment and keyframe its start falls in.</summary>
public sealed class StoryboardCuesTests
{
    private static readonly TimeSpan Ten = TimeSpan.FromSeconds(10);
    private static readonly PictureSize Tile = new(160, 90);

    [TestCase(0.0, 0, TestName = "Nothing recorded: no cue")]
    [TestCase(4.0, 1, TestName = "A class shorter than one interval has one cue")]
    [TestCase(10.0, 1, TestName = "Exactly one interval: one cue")]
    [TestCase(10.001, 2, TestName = "A moment past an interval: a short last cue")]
    [TestCase(3600.0, 360, TestName = "An hour at 10 s")]
    public void The_cues_cover_the_VOD(double end, int count) =>
        Assert.That(StoryboardCues.Count(TimeSpan.FromSeconds(end), Ten), Is.EqualTo(count));

    [TestCase(0.0, 6.0, 0, 1, TestName = "The first segment holds cue 0")]
    [TestCase(6.0, 6.0, 1, 1, TestName = "A segment across 10 s holds cue 1")]
    [TestCase(12.0, 6.0, 2, 0, TestName = "A segment between two cue starts holds none")]
    [TestCase(10.0, 2.0, 1, 1, TestName = "A segment starting on a cue start holds it")]
    [TestCase(8.0, 2.0, 1, 0, TestName = "A segment ending on a cue start does not")]
    [TestCase(0.0, 35.0, 0, 4, TestName = "A long segment holds several")]
    public void Each_cue_start_lies_in_exactly_one_segment(double start, double duration, int first, int count) =>
        Assert.That(StoryboardCues.In(TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(duration), Ten), Is.EqualTo((first, count)));

    [Test]
    public void Consecutive_segments_across_a_camera_gap_give_every_cue_once()
    {
        // EXTINF durations of a class with a gap: the recorder's last segment before it is short, the timeline runs on.
        double[] durations = [2, 2, 2, 1.2, 2, 2, 2, 2, 2, 2.02];
        var start = TimeSpan.Zero;
        var cues = new List<int>();
        foreach (var d in durations)
        {
            var (first, count) = StoryboardCues.In(start, TimeSpan.FromSeconds(d), Ten);
            cues.AddRange(Enumerable.Range(first, count));
            start += TimeSpan.FromSeconds(d);
        }

        Assert.That(cues, Is.EqualTo(Enumerable.Range(0, StoryboardCues.Count(start, Ten))));
    }

    [TestCase(0.0, new[] { 0.0, 2.0, 4.0 }, 0, TestName = "The segment's start: its first keyframe")]
    [TestCase(3.0, new[] { 0.0, 2.0, 4.0 }, 1, TestName = "Between keyframes: the one before")]
    [TestCase(4.0, new[] { 0.0, 2.0, 4.0 }, 2, TestName = "On a keyframe: that one")]
    [TestCase(0.5, new[] { 1.0, 3.0 }, 0, TestName = "Before the first keyframe: the first")]
    public void A_cues_tile_is_the_keyframe_at_or_before_its_start(double offset, double[] keyframes, int chosen) =>
        Assert.That(StoryboardCues.KeyframeFor(TimeSpan.FromSeconds(offset), [.. keyframes.Select(TimeSpan.FromSeconds)]), Is.EqualTo(chosen));

    [Test]
    public void A_segment_without_keyframes_has_no_tile_of_its_own() =>
        Assert.That(StoryboardCues.KeyframeFor(TimeSpan.Zero, []), Is.Null);

    [TestCase(0, 0, 0, 0)]
    [TestCase(9, 0, 1440, 0, TestName = "The end of the first row")]
    [TestCase(10, 0, 0, 90, TestName = "The second row")]
    [TestCase(99, 0, 1440, 810, TestName = "The last tile of a sheet")]
    [TestCase(100, 1, 0, 0, TestName = "The next sheet starts again at the top left")]
    [TestCase(257, 2, 1120, 450)]
    public void Tiles_fill_sheets_of_ten_by_ten_row_by_row(int cue, int sheet, int x, int y) =>
        Assert.That(StoryboardCues.Place(cue, Tile), Is.EqualTo(new TilePlace(sheet, x, y)));

    [Test]
    public void The_VTT_of_a_class_shorter_than_one_interval_is_one_cue_to_its_end()
    {
        var vtt = StoryboardCues.Vtt(TimeSpan.FromSeconds(4.2), Ten, Tile, n => $"sprite-{n}.jpg");

        Assert.That(vtt, Is.EqualTo("WEBVTT\n\n00:00:00.000 --> 00:00:04.200\nsprite-0.jpg#xywh=0,0,160,90\n"));
    }

    [Test]
    public void The_VTT_cues_are_contiguous_and_the_last_ends_at_the_VODs_end()
    {
        var end = TimeSpan.FromSeconds(3725.48);
        var lines = StoryboardCues.Vtt(end, Ten, Tile, n => $"sprite-{n}.jpg").Split('\n');
        var times = lines.Where(l => l.Contains("-->", StringComparison.Ordinal)).Select(l => l.Split(" --> ")).ToList();

        Assert.That(times, Has.Count.EqualTo(373));
        Assert.That(times[0][0], Is.EqualTo("00:00:00.000"));
        for (var i = 1; i < times.Count; i++)
            Assert.That(times[i][0], Is.EqualTo(times[i - 1][1]), $"cue {i} starts where the one before ends");
        Assert.That(times[^1][1], Is.EqualTo("01:02:05.480"));
        Assert.That(lines, Does.Contain("sprite-3.jpg#xywh=320,630,160,90"), "cue 372: sheet 3, row 7, column 2");
    }

    [TestCase(0.0, "00:00:00.000")]
    [TestCase(61.0005, "00:01:01.001", TestName = "Rounded to the millisecond")]
    [TestCase(36000.0, "10:00:00.000")]
    public void WebVTT_timestamps_are_hours_minutes_seconds_and_milliseconds(double seconds, string text) =>
        Assert.That(StoryboardCues.Timestamp(TimeSpan.FromSeconds(seconds)), Is.EqualTo(text));
}

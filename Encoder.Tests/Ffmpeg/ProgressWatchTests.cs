using Encoder.Configuration;
using Encoder.Ffmpeg;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Ffmpeg;

public sealed class ProgressWatchTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();

    [TestCase(null, null, 0, 0.0, true)]
    [TestCase(10L, 1.0, 11, 1.0, true)]
    [TestCase(10L, 1.0, 10, 1.2, true)]
    [TestCase(10L, 1.0, 10, 1.0, false)]
    [TestCase(10L, 1.0, 9, 0.5, false)]
    public void Advanced_means_more_frames_or_more_media_time_than_the_last_line(long? lastFrames, double? lastSeconds, long frames, double seconds, bool advanced)
    {
        var last = lastFrames is { } f ? Progress(f, lastSeconds!.Value) : null;
        Assert.That(ProgressWatch.Advanced(last, Progress(frames, seconds)), Is.EqualTo(advanced));
    }

    [Test]
    public async Task A_recorder_that_stops_advancing_for_the_stall_timeout_is_stalled()
    {
        var watch = new ProgressWatch(_time, new RecorderHealth(_time));
        var stalled = 0;
        await using var recorder = watch.Watch(FfmpegRole.Recorder, Stall, () => stalled++);
        recorder.Progress(Progress(1, 0.1));
        _time.Advance(TimeSpan.FromSeconds(3));
        recorder.Progress(Progress(2, 0.2));
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.That(stalled, Is.Zero, "it advanced 4.9 s ago");
        recorder.Progress(Progress(2, 0.2));
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.That(stalled, Is.EqualTo(1), "a line that did not advance does not count");
    }

    [Test]
    public async Task A_run_without_any_progress_is_not_watched_yet()
    {
        var stalled = 0;
        await using var run = new ProgressWatch(_time, new RecorderHealth(_time)).Watch(FfmpegRole.Recorder, Stall, () => stalled++);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(stalled, Is.Zero);
    }

    // started at 0 s; advancedAt null = no progress line yet; stall 5 s; first-media deadline null = none
    [TestCase(null, 6.9, null, false, TestName = "Without a first-media deadline a run with no progress is never overdue")]
    [TestCase(null, 6.9, 7.0, false, TestName = "A run with no progress is not overdue before its first-media deadline")]
    [TestCase(null, 7.0, 7.0, true, TestName = "A run with no progress is overdue at its first-media deadline")]
    [TestCase(3.0, 7.5, 7.0, false, TestName = "A run that advanced is judged by the stall timeout, not the first-media deadline")]
    [TestCase(3.0, 8.0, null, true, TestName = "A run that has not advanced for the stall timeout is overdue")]
    [TestCase(3.0, 7.9, null, false, TestName = "A run that advanced within the stall timeout is not overdue")]
    public void A_run_is_overdue_when_its_media_is_late(double? advancedAt, double now, double? firstMedia, bool overdue)
    {
        var t0 = _time.GetUtcNow();
        Assert.That(ProgressWatch.Overdue(t0, advancedAt is { } a ? t0.AddSeconds(a) : null, t0.AddSeconds(now), Stall,
            firstMedia is { } f ? TimeSpan.FromSeconds(f) : null), Is.EqualTo(overdue));
    }

    [Test]
    public async Task A_recorder_that_never_prints_progress_is_stalled_at_its_first_media_deadline()
    {
        var stalls = new List<TimeSpan>();
        await using var run = new ProgressWatch(_time, new RecorderHealth(_time)).Watch(FfmpegRole.Recorder, Stall, stalls.Add, TimeSpan.FromSeconds(7));
        _time.Advance(TimeSpan.FromSeconds(6.9));
        Assert.That(stalls, Is.Empty, "connecting for 6.9 s of 7");
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.That(stalls, Is.EqualTo(new[] { TimeSpan.FromSeconds(7) }), "no media within the first-media deadline");
    }

    [Test]
    public async Task A_recorder_whose_media_arrives_in_time_is_then_watched_for_stalls()
    {
        var stalls = new List<TimeSpan>();
        await using var run = new ProgressWatch(_time, new RecorderHealth(_time)).Watch(FfmpegRole.Recorder, Stall, stalls.Add, TimeSpan.FromSeconds(7));
        _time.Advance(TimeSpan.FromSeconds(6));
        run.Progress(Progress(1, 0.1));
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.That(stalls, Is.Empty, "media came at 6 s and advanced 4.9 s ago");
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.That(stalls, Is.EqualTo(new[] { Stall }));
    }

    [Test]
    public void The_recorder_gets_the_camera_timeout_to_connect_and_the_stall_timeout_for_its_first_media()
    {
        var options = new EncoderOptions { Camera = new CameraOptions { TimeoutSeconds = 2 }, Ffmpeg = new FfmpegOptions { StallSeconds = 5 } };
        Assert.That(ProgressWatch.RecorderFirstMediaTimeout(options), Is.EqualTo(TimeSpan.FromSeconds(7)));
    }

    [Test]
    public async Task An_egress_is_not_blamed_while_the_recorder_is_down_and_is_once_it_is_up()
    {
        var recorder = new RecorderHealth(_time);
        var watch = new ProgressWatch(_time, recorder);
        var stalled = 0;
        await using var egress = watch.Watch(FfmpegRole.Egress, Stall, () => stalled++);
        recorder.RunStarting();
        recorder.Progress(Progress(1, 0.1));
        egress.Progress(Progress(1, 0.1));
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.That((recorder.IsUp, stalled), Is.EqualTo((false, 0)), "the recorder is down: the egress waits for the relay");

        for (var frame = 2; frame < 14; frame++)
        {
            recorder.Progress(Progress(frame, frame * 0.1));
            _time.Advance(TimeSpan.FromSeconds(0.5));
        }

        Assert.That((recorder.IsUp, stalled), Is.EqualTo((true, 1)), "the recorder advances, the egress does not: it is stalled");
    }

    private static FfmpegProgress Progress(long frames, double seconds) => new(frames, TimeSpan.FromSeconds(seconds), 1.0, IsEnd: false);
}

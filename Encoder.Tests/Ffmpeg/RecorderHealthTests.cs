using Encoder.Ffmpeg;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Ffmpeg;

/// <summary>The one "recorder up": what the router, the status file and the metrics all read.</summary>
public sealed class RecorderHealthTests
{
    private FakeTimeProvider _time = null!;
    private RecorderHealth _health = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        _health = new RecorderHealth(_time);
    }

    [Test]
    public void The_recorder_is_up_only_while_it_advances_with_frames()
    {
        _health.RunStarting();
        _health.Progress(Progress(0, 0.5));
        Assert.That((_health.IsUp, _health.State), Is.EqualTo((false, RecorderHealthState.Connecting)), "no frame yet");
        _health.Progress(Progress(1, 0.6));
        Assert.That((_health.IsUp, _health.State), Is.EqualTo((true, RecorderHealthState.Streaming)));
        _time.Advance(RecorderHealth.Window - TimeSpan.FromTicks(1));
        _health.Progress(Progress(1, 0.6));
        Assert.That(_health.IsUp, Is.True, "a repeated report is no advance, but the window has not passed");
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.That((_health.IsUp, _health.State), Is.EqualTo((false, RecorderHealthState.Down)), "frozen: down before its stall timeout kills it");
    }

    [TestCase(true, RecorderHealthState.Down)]
    [TestCase(false, RecorderHealthState.Idle)]
    public void A_run_that_ends_is_down_when_it_failed_and_idle_when_it_was_asked_to_end(bool failed, RecorderHealthState state)
    {
        _health.RunStarting();
        _health.Progress(Progress(1, 0.1));
        _health.RunEnded(failed);
        Assert.That((_health.IsUp, _health.State), Is.EqualTo((false, state)));
    }

    [Test]
    public void Down_counts_from_the_first_run_from_the_last_advance_and_from_a_run_that_ended_while_up()
    {
        Assert.That((_health.Started, _health.State, _health.DownSince), Is.EqualTo((false, RecorderHealthState.Idle, (DateTimeOffset?)null)), "before the class: not reported");
        var start = _time.GetUtcNow();
        _health.RunStarting();
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.That(_health.DownSince, Is.EqualTo(start), "never up: down from the first run");

        _health.Progress(Progress(1, 0.1));
        Assert.That(_health.DownSince, Is.Null);
        var advanced = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(_health.DownSince, Is.EqualTo(advanced + RecorderHealth.Window), "frozen: down from the end of the window");
        _health.RunEnded(failed: true);
        _health.RunStarting();
        Assert.That(_health.DownSince, Is.EqualTo(advanced + RecorderHealth.Window), "the outage goes on across runs");

        _health.Progress(Progress(1, 0.1));
        var ended = _time.GetUtcNow();
        _health.RunEnded(failed: true);
        Assert.That(_health.DownSince, Is.EqualTo(ended));
    }

    [Test]
    public void Each_change_told_is_announced_once()
    {
        var changes = 0;
        _health.Changed += () => changes++;
        _health.RunStarting();
        _health.Progress(Progress(0, 0.1));
        _health.Progress(Progress(1, 0.2));
        _health.Progress(Progress(2, 0.3));
        _health.RunEnded(failed: true);
        Assert.That(changes, Is.EqualTo(3), "connecting, streaming, down");
    }

    private static FfmpegProgress Progress(long frames, double seconds) => new(frames, TimeSpan.FromSeconds(seconds), 1.0, IsEnd: false);
}

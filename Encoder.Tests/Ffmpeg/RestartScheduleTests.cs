using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Resilience;

namespace Encoder.Tests.Ffmpeg;

public sealed class RestartScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void The_recorder_waits_the_nth_delay_after_its_nth_failure_in_a_row()
    {
        // The recorder's schedule under the default Ffmpeg options, without jitter: counted first, then delayed.
        var schedule = new RestartSchedule(new FfmpegOptions(), () => 0.5);
        var delays = Enumerable.Range(0, 6).Select(i => schedule.Failed(T0.AddSeconds(i), "exit code 1")).Select(r => (r.Failure, r.Delay.TotalSeconds));
        Assert.That(delays, Is.EqualTo(new[] { (1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 10.0) }));
    }

    [Test]
    public void A_run_that_streamed_starts_the_schedule_again()
    {
        var schedule = new RestartSchedule(new FfmpegOptions(), () => 0.5);
        schedule.Failed(T0, "exit code 1");
        schedule.Failed(T0.AddSeconds(1), "exit code 1");
        Assert.That(schedule.Recovered(T0.AddSeconds(3)), Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(schedule.Failed(T0.AddSeconds(9), "exit code 1"), Is.EqualTo(new RestartDecision(1, TimeSpan.FromSeconds(0.5), FailureReport.OutageStarted)));
    }

    [Test]
    public void A_camera_seen_coming_back_starts_the_delays_from_the_first_while_the_outage_goes_on()
    {
        var schedule = new RestartSchedule(new FfmpegOptions(), () => 0.5);
        for (var i = 0; i < 5; i++)
            schedule.Failed(T0.AddSeconds(i), "Connection refused");
        schedule.CameraBack();
        var delays = Enumerable.Range(5, 3).Select(i => schedule.Failed(T0.AddSeconds(i), "Invalid data")).Select(r => (r.Failure, r.Delay.TotalSeconds));
        Assert.That(delays, Is.EqualTo(new[] { (6, 0.5), (7, 1.0), (8, 2.0) }), "counted on, delayed from the first");
        Assert.That(schedule.OutageStartedAt, Is.EqualTo(T0));
        Assert.That(schedule.Recovered(T0.AddSeconds(10)), Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(schedule.Failed(T0.AddSeconds(20), "x").Delay, Is.EqualTo(TimeSpan.FromSeconds(0.5)));
    }

    [Test]
    public void Before_any_failure_the_next_delay_is_the_first() =>
        Assert.That(new RestartSchedule(new FfmpegOptions(), () => 0.5).NextDelay(), Is.EqualTo(TimeSpan.FromSeconds(0.5)));
}

using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Resilience;

namespace Encoder.Tests.Ffmpeg;

public sealed class RestartScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    // The recorder's schedule under the default Ffmpeg options, without jitter: the Nth failure waits the Nth delay.
    [TestCase(1, 0.5)]
    [TestCase(2, 1.0)]
    [TestCase(3, 2.0)]
    [TestCase(4, 4.0)]
    [TestCase(5, 8.0)]
    [TestCase(6, 10.0)]
    public void The_recorder_waits_the_nth_delay_after_its_nth_failure_in_a_row(int failures, double expectedSeconds)
    {
        var schedule = new RestartSchedule(new FfmpegOptions(), () => 0.5);
        RestartDecision? last = null;
        for (var i = 0; i < failures; i++)
            last = schedule.Failed(T0.AddSeconds(i), "exit code 1");
        Assert.That((last!.Failure, last.Delay.TotalSeconds), Is.EqualTo((failures, expectedSeconds)));
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
    public void Before_any_failure_the_next_delay_is_the_first() =>
        Assert.That(new RestartSchedule(new FfmpegOptions(), () => 0.5).NextDelay(), Is.EqualTo(TimeSpan.FromSeconds(0.5)));
}

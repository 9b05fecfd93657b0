using Encoder.Configuration;
using Encoder.Events;
using Encoder.Resilience;

namespace Encoder.Tests.Resilience;

public sealed class RestartScheduleTests
{
    private const double NoJitter = 0.5;
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static RestartSchedule Schedule => RestartSchedule.For(new FfmpegOptions());

    /// <summary>Fails <paramref name="schedule"/> once per second from <paramref name="fromSecond"/>, for <paramref name="count"/> failures.</summary>
    private static (RestartSchedule Schedule, List<RestartDecision> Decisions) Fail(RestartSchedule schedule, int fromSecond, int count, string reason = "exit code 1")
    {
        var decisions = new List<RestartDecision>();
        for (var i = 0; i < count; i++)
        {
            (schedule, var decision) = schedule.Failed(T0.AddSeconds(fromSecond + i), reason, NoJitter);
            decisions.Add(decision);
        }

        return (schedule, decisions);
    }

    [Test]
    public void The_recorder_waits_the_nth_delay_after_its_nth_failure_in_a_row()
    {
        // The recorder's schedule under the default Ffmpeg options, without jitter: counted first, then delayed.
        var (_, decisions) = Fail(Schedule, 0, 6);
        Assert.That(decisions.Select(r => (r.Failure, r.Delay.TotalSeconds)), Is.EqualTo(new[] { (1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 10.0) }));
    }

    [Test]
    public void A_run_that_streamed_starts_the_schedule_again()
    {
        var (failed, _) = Fail(Schedule, 0, 2);
        var (recovered, outage) = failed.Recovered(T0.AddSeconds(3));
        Assert.That(outage, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(recovered.Failed(T0.AddSeconds(9), "exit code 1", NoJitter).Decision,
            Is.EqualTo(new RestartDecision(1, TimeSpan.FromSeconds(0.5), FailureReport.OutageStarted)));
    }

    [Test]
    public void A_camera_seen_coming_back_starts_the_delays_from_the_first_while_the_outage_goes_on()
    {
        var (failed, _) = Fail(Schedule, 0, 5, "Connection refused");
        var (back, decisions) = Fail(failed.CameraBack(), 5, 3, "Invalid data");
        Assert.That(decisions.Select(r => (r.Failure, r.Delay.TotalSeconds)), Is.EqualTo(new[] { (6, 0.5), (7, 1.0), (8, 2.0) }), "counted on, delayed from the first");
        Assert.That(back.OutageStartedAt, Is.EqualTo(T0));
        var (recovered, outage) = back.Recovered(T0.AddSeconds(10));
        Assert.That(outage, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(recovered.Failed(T0.AddSeconds(20), "x", NoJitter).Decision.Delay, Is.EqualTo(TimeSpan.FromSeconds(0.5)));
    }

    [Test]
    public void Before_any_failure_the_next_delay_is_the_first() =>
        Assert.That(Schedule.NextDelay(NoJitter), Is.EqualTo(TimeSpan.FromSeconds(0.5)));
}

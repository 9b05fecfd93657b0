using Encoder.Events;
using Encoder.Resilience;

namespace Encoder.Tests.Resilience;

public sealed class FailureStreakTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    [Test]
    public void Reports_an_outage_once_then_only_a_reminder_a_minute_or_a_new_cause_later()
    {
        var streak = new FailureStreak(TimeSpan.FromMinutes(1));

        var reports = new[]
        {
            streak.Failed(T0, "Connection refused"),
            streak.Failed(T0.AddSeconds(1), "Connection refused"),
            streak.Failed(T0.AddSeconds(30), "Connection refused"),
            streak.Failed(T0.AddSeconds(61), "Connection refused"),
            streak.Failed(T0.AddSeconds(62), "401 Unauthorized"),
            streak.Failed(T0.AddSeconds(70), "401 Unauthorized"),
        };

        Assert.That(reports, Is.EqualTo(new[]
        {
            FailureReport.OutageStarted, FailureReport.Quiet, FailureReport.Quiet,
            FailureReport.StillFailing, FailureReport.StillFailing, FailureReport.Quiet,
        }));
        Assert.That(streak.Failures, Is.EqualTo(6));
    }

    [Test]
    public void Recovery_reports_the_outage_duration_and_starts_a_new_streak()
    {
        var streak = new FailureStreak(TimeSpan.FromMinutes(1));
        streak.Failed(T0, "x");
        streak.Failed(T0.AddSeconds(3), "x");

        Assert.That(streak.Recovered(T0.AddSeconds(7.5)), Is.EqualTo(TimeSpan.FromSeconds(7.5)));
        Assert.That(streak.Failures, Is.Zero);
        Assert.That(streak.Recovered(T0.AddSeconds(8)), Is.Null, "no outage, nothing to report");
        Assert.That(streak.Failed(T0.AddSeconds(9), "x"), Is.EqualTo(FailureReport.OutageStarted));
    }
}

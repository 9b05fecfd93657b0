using Encoder.Events;

namespace Encoder.Resilience;

/// <summary>
/// A run of consecutive failures (an outage) from the first failure to the first success, as a value: the rule for
/// what to say about each failure is here once. A reminder is due when the cause changed or
/// <paramref name="ReminderInterval"/> has passed since the last one.
/// </summary>
/// <param name="StartedAt">When the outage started; null while healthy.</param>
/// <param name="Failures">Failures in a row.</param>
public sealed record FailureStreakState(TimeSpan ReminderInterval, DateTimeOffset? StartedAt = null, int Failures = 0, DateTimeOffset? LastReminder = null, string? LastReason = null)
{
    public (FailureStreakState Streak, FailureReport Report) Failed(DateTimeOffset now, string reason)
    {
        if (StartedAt is null)
            return (this with { StartedAt = now, Failures = 1, LastReminder = now, LastReason = reason }, FailureReport.OutageStarted);
        if (reason != LastReason || now - LastReminder >= ReminderInterval)
            return (this with { Failures = Failures + 1, LastReminder = now, LastReason = reason }, FailureReport.StillFailing);
        return (this with { Failures = Failures + 1 }, FailureReport.Quiet);
    }

    /// <summary>Ends the outage; with how long it lasted, or null when there was none.</summary>
    public (FailureStreakState Streak, TimeSpan? Outage) Recovered(DateTimeOffset now) =>
        (new FailureStreakState(ReminderInterval), StartedAt is { } started ? now - started : null);
}

/// <summary>Tracks a run of consecutive failures (an outage) from the first failure to the first success (<see cref="FailureStreakState"/> decides).</summary>
public sealed class FailureStreak(TimeSpan reminderInterval)
{
    private FailureStreakState _streak = new(reminderInterval);

    public DateTimeOffset? StartedAt => _streak.StartedAt;

    public int Failures => _streak.Failures;

    public FailureReport Failed(DateTimeOffset now, string reason)
    {
        (_streak, var report) = _streak.Failed(now, reason);
        return report;
    }

    /// <summary>Ends the outage; returns how long it lasted, or null when there was none.</summary>
    public TimeSpan? Recovered(DateTimeOffset now)
    {
        (_streak, var outage) = _streak.Recovered(now);
        return outage;
    }
}

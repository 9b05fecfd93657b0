namespace Encoder.Resilience;

/// <summary>What to say about one more failed FFmpeg run, so that an outage is reported, not every attempt in it.</summary>
public enum FailureReport
{
    /// <summary>The first failure of an outage: say what happened, once.</summary>
    OutageStarted,

    /// <summary>Still failing, and a reminder is due (the cause changed, or a while has passed since the last one).</summary>
    StillFailing,

    /// <summary>Still failing; nothing new to say above debug level.</summary>
    Quiet,
}

/// <summary>Tracks a run of consecutive FFmpeg failures (an outage) from the first failure to the first healthy progress.</summary>
public sealed class FailureStreak(TimeSpan reminderInterval)
{
    private DateTimeOffset? _lastReminder;
    private string? _lastReason;

    public DateTimeOffset? StartedAt { get; private set; }

    public int Failures { get; private set; }

    public FailureReport Failed(DateTimeOffset now, string reason)
    {
        Failures++;
        if (StartedAt is null)
        {
            StartedAt = now;
            _lastReminder = now;
            _lastReason = reason;
            return FailureReport.OutageStarted;
        }

        if (reason != _lastReason || now - _lastReminder >= reminderInterval)
        {
            _lastReminder = now;
            _lastReason = reason;
            return FailureReport.StillFailing;
        }

        return FailureReport.Quiet;
    }

    /// <summary>Ends the outage; returns how long it lasted, or null when there was none.</summary>
    public TimeSpan? Recovered(DateTimeOffset now)
    {
        if (StartedAt is not { } started)
            return null;
        StartedAt = null;
        _lastReminder = null;
        _lastReason = null;
        Failures = 0;
        return now - started;
    }
}

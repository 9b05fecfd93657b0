using Encoder.Configuration;
using Encoder.Events;

namespace Encoder.Resilience;

/// <summary>What follows one more failed run: the how-manieth in a row it is, how long to wait, and what to say about it.</summary>
public sealed record RestartDecision(int Failure, TimeSpan Delay, FailureReport Report);

/// <summary>
/// The one decision "failure N in a row → wait this long", for the recorder and for each ingest slot, as a value: the
/// failure is counted first, then its delay is picked, so the Nth failure waits the Nth delay of
/// <see cref="RestartBackoff"/> (<c>Ffmpeg:RestartDelaySeconds</c> doubling to <c>Ffmpeg:MaxRestartDelaySeconds</c>:
/// 0.5, 1, 2, 4 … s, jittered). A run that streamed ends the streak. A camera seen coming back starts the delays from
/// the first again, though the outage goes on: what failed while it was away says nothing about how it fails now.
/// </summary>
/// <param name="Streak">The outage so far (a reminder at most once a minute).</param>
/// <param name="FailuresBeforeCameraBack">The failures counted when the camera was last seen coming back.</param>
public sealed record RestartSchedule(TimeSpan First, TimeSpan Cap, FailureStreakState Streak, int FailuresBeforeCameraBack = 0)
{
    public static readonly TimeSpan ReminderInterval = TimeSpan.FromMinutes(1);

    public static RestartSchedule For(FfmpegOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RestartSchedule(TimeSpan.FromSeconds(options.RestartDelaySeconds), TimeSpan.FromSeconds(options.MaxRestartDelaySeconds),
            new FailureStreakState(ReminderInterval));
    }

    public int Failures => Streak.Failures;

    /// <summary>When the current outage started, or null while healthy.</summary>
    public DateTimeOffset? OutageStartedAt => Streak.StartedAt;

    /// <param name="jitterUnit">Uniform in [0, 1); 0.5 means no jitter.</param>
    public (RestartSchedule Schedule, RestartDecision Decision) Failed(DateTimeOffset now, string reason, double jitterUnit)
    {
        var (streak, report) = Streak.Failed(now, reason);
        var next = this with { Streak = streak };
        return (next, new RestartDecision(streak.Failures, next.NextDelay(jitterUnit), report));
    }

    /// <summary>The wait before the next attempt: the first delay when nothing has failed yet.</summary>
    public TimeSpan NextDelay(double jitterUnit) =>
        RestartBackoff.Delay(Math.Max(1, Failures - FailuresBeforeCameraBack), First, Cap, jitterUnit);

    /// <summary>The camera was seen coming back: the next failure waits the first delay again.</summary>
    public RestartSchedule CameraBack() => this with { FailuresBeforeCameraBack = Failures };

    /// <summary>A run streamed: ends the outage, with how long it lasted, or null when there was none.</summary>
    public (RestartSchedule Schedule, TimeSpan? Outage) Recovered(DateTimeOffset now)
    {
        var (streak, outage) = Streak.Recovered(now);
        return (this with { Streak = streak, FailuresBeforeCameraBack = 0 }, outage);
    }
}

using Encoder.Configuration;
using Encoder.Resilience;

namespace Encoder.Ffmpeg;

/// <summary>What follows one more failed run: the how-manieth in a row it is, how long to wait, and what to say about it.</summary>
public sealed record RestartDecision(int Failure, TimeSpan Delay, FailureReport Report);

/// <summary>
/// The one decision "failure N in a row → wait this long", for the recorder and for each ingest slot: the failure is
/// counted first, then its delay is picked, so the Nth failure waits the Nth delay of <see cref="RestartBackoff"/>
/// (<c>Ffmpeg:RestartDelaySeconds</c> doubling to <c>Ffmpeg:MaxRestartDelaySeconds</c>: 0.5, 1, 2, 4 … s, jittered).
/// A run that streamed ends the streak. A camera seen coming back (<see cref="RestartWait"/>) starts the delays from the
/// first again, though the outage goes on: what failed while it was away says nothing about how it fails now.
/// </summary>
/// <param name="jitterUnit">Uniform in [0, 1); 0.5 means no jitter (tests).</param>
public sealed class RestartSchedule(FfmpegOptions options, Func<double> jitterUnit)
{
    private readonly FailureStreak _streak = new(TimeSpan.FromMinutes(1));
    private int _failuresBeforeCameraBack;

    public RestartSchedule(FfmpegOptions options)
        : this(options, Random.Shared.NextDouble)
    {
    }

    public int Failures => _streak.Failures;

    /// <summary>When the current outage started, or null while healthy.</summary>
    public DateTimeOffset? OutageStartedAt => _streak.StartedAt;

    public RestartDecision Failed(DateTimeOffset now, string reason)
    {
        var report = _streak.Failed(now, reason);
        return new RestartDecision(_streak.Failures, NextDelay(), report);
    }

    /// <summary>The wait before the next attempt: the first delay when nothing has failed yet.</summary>
    public TimeSpan NextDelay()
    {
        ArgumentNullException.ThrowIfNull(options);
        return RestartBackoff.Delay(Math.Max(1, _streak.Failures - _failuresBeforeCameraBack), TimeSpan.FromSeconds(options.RestartDelaySeconds),
            TimeSpan.FromSeconds(options.MaxRestartDelaySeconds), jitterUnit());
    }

    /// <summary>The camera was seen coming back: the next failure waits the first delay again.</summary>
    public void CameraBack() => _failuresBeforeCameraBack = _streak.Failures;

    /// <summary>A run streamed: ends the outage and returns how long it lasted, or null when there was none.</summary>
    public TimeSpan? Recovered(DateTimeOffset now)
    {
        _failuresBeforeCameraBack = 0;
        return _streak.Recovered(now);
    }
}

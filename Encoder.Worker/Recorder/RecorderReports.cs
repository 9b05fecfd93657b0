using Encoder.Ffmpeg;
using Encoder.Lifecycle;
using Encoder.Metrics;
using Encoder.Resilience;
using Encoder.Status;
using Microsoft.Extensions.Logging;
using static Encoder.Recorder.RecorderAction;

namespace Encoder.Recorder;

/// <summary>
/// Tells logs, the status file, the metrics and <c>session.json</c>'s outages what <see cref="RecorderPolicy"/>
/// decided. An outage is logged when it starts, as a reminder once a minute (or when its cause changes) and when it
/// ends, with its duration; the attempts in between at debug level. Called from the recorder's one loop, except
/// <see cref="RunEnded"/>.
/// </summary>
public sealed class RecorderReports(EncoderStatus status, SessionOutages outages, TimeProvider time, ILogger<RecorderReports> logger, EncoderMetrics? metrics = null)
{
    private long _recordedTicks;

    /// <summary>Media time recorded by all finished recorder runs.</summary>
    public TimeSpan Recorded => TimeSpan.FromTicks(Interlocked.Read(ref _recordedTicks));

    /// <summary>A run ended (whatever follows): what it recorded counts.</summary>
    public void RunEnded(FfmpegExit exit)
    {
        ArgumentNullException.ThrowIfNull(exit);
        Interlocked.Add(ref _recordedTicks, (exit.LastProgress?.OutTime ?? TimeSpan.Zero).Ticks);
    }

    /// <summary>Reports what an action says; the actions that start, stop, probe or wait are the service's.</summary>
    public void Report(RecorderAction action)
    {
        switch (action)
        {
            case Streaming(var run):
                logger.LogInformation("Recorder run {Run} is streaming", run);
                return;
            case CameraBack(var outage):
                var now = time.GetUtcNow();
                outages.Report(new Outage(Outage.Camera, now - outage, now, "the camera or the recorder failed; restarted"));
                logger.LogInformation("Camera back: recording again after an outage of {OutageSeconds:0.0}s", outage.TotalSeconds);
                return;
            case Replanning(var changed, var plan):
                logger.LogWarning("The camera sends other streams than planned for ({Changed}): restarting the recorder at once. {Plan}", changed, plan);
                return;
            case KeepsPlan(var run, var changed):
                logger.LogWarning("Recorder run {Run} goes on with its plan although the camera's streams changed ({Changed}): the run before was just restarted for the camera's streams",
                    run, changed);
                return;
            case RunFailed failed:
                Failed(failed);
                return;
            case RestartEarly(var early):
                logger.LogDebug("The camera answers again: restarting the recorder {Seconds:0.0}s before its backoff ends", early.TotalSeconds);
                return;
            case Stopped(null):
                logger.LogInformation("Recorder stopped between runs; {RecordedSeconds:0.0}s recorded in all runs", Recorded.TotalSeconds);
                return;
            case Stopped({ } exit):
                logger.LogInformation("Recorder stopped with exit code {ExitCode}; {RecordedSeconds:0.0}s recorded in all runs", exit.ExitCode, Recorded.TotalSeconds);
                return;
            default:
                return;
        }
    }

    private void Failed(RunFailed failed)
    {
        var (exit, reason, restart, outageStartedAt) = failed;
        status.RecorderEnded(reason, restarting: true);
        switch (restart.Report)
        {
            case FailureReport.OutageStarted:
                metrics?.CameraOutageStarted();
                logger.LogWarning("Recorder stopped after {Seconds:0.0}s: {Reason}. Restarting in {DelaySeconds:0.0}s, and until it works (retries are logged once a minute)",
                    exit.Duration.TotalSeconds, reason, restart.Delay.TotalSeconds);
                break;
            case FailureReport.StillFailing:
                logger.LogWarning("Recorder still failing after {Attempts} attempts over {OutageSeconds:0}s: {Reason}. Next try in {DelaySeconds:0.0}s",
                    restart.Failure, (time.GetUtcNow() - outageStartedAt).TotalSeconds, reason, restart.Delay.TotalSeconds);
                break;
            default:
                logger.LogDebug("Recorder failed: {Reason}; next try in {DelaySeconds:0.0}s", reason, restart.Delay.TotalSeconds);
                break;
        }
    }
}

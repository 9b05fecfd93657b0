using Encoder.Events;
using Encoder.Ffmpeg;
using static Encoder.Recorder.RecorderAction;

namespace Encoder.Recorder;

/// <summary>
/// Publishes what <see cref="RecorderPolicy"/> decided as the class's events (<see cref="ClassEvents"/>): a run streams,
/// the camera's outage begins, goes on or ends, a replan. The status file, the metrics, <c>session.json</c>'s outages
/// and the log (<see cref="RecorderLog"/>) each take what concerns them. Called from the recorder's one loop, except
/// <see cref="RunEnded"/>.
/// </summary>
public sealed class RecorderReports(ClassEvents events, TimeProvider time)
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

    /// <summary>Publishes what an action says; the actions that start, stop, probe or wait are the service's.</summary>
    public void Report(RecorderAction action)
    {
        var now = time.GetUtcNow();
        ClassEvent? happened = action switch
        {
            Streaming(var run) => new RecorderStreaming(now, run),
            RecorderAction.CameraBack(var outage) => new Events.CameraBack(now, now - outage),
            Replanning(var changed, var plan) => new RecorderReplanning(now, changed, plan),
            KeepsPlan(var run, var changed) => new RecorderKeepsPlan(now, run, changed),
            RunFailed(var exit, var reason, var restart, var outageStartedAt) =>
                new RecorderFailed(now, reason, exit.Duration, restart.Report, restart.Failure, outageStartedAt, restart.Delay),
            RestartEarly(var early) => new RecorderRestartsEarly(now, early),
            Stopped(var exit) => new RecorderStopped(now, exit is null, exit?.ExitCode, Recorded),
            _ => null,
        };
        if (happened is not null)
            events.Publish(happened);
    }
}

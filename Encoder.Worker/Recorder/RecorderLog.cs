using Encoder.Events;
using Microsoft.Extensions.Logging;

namespace Encoder.Recorder;

/// <summary>
/// What the log says about the recorder, from the class's events (<see cref="ClassEvents"/>): one line per run that
/// streams, a camera outage when it starts, as a reminder once a minute (or when its cause changes) and when it ends,
/// with its duration; the attempts in between at debug level. Each line has its event id (100–199), which tests and
/// log queries match, not the wording. The category stays <see cref="RecorderReports"/>'s.
/// </summary>
public sealed partial class RecorderLog(ILogger<RecorderReports> logger) : IClassEventSubscriber
{
    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case RecorderStreaming streaming:
                Log.Streaming(logger, streaming.Run);
                return;
            case CameraBack back:
                Log.CameraBack(logger, back.Outage.TotalSeconds);
                return;
            case RecorderReplanning replanning:
                Log.Replanning(logger, replanning.Changed, replanning.Plan);
                return;
            case RecorderKeepsPlan keeps:
                Log.KeepsPlan(logger, keeps.Run, keeps.Changed);
                return;
            case RecorderFailed { Report: FailureReport.OutageStarted } failed:
                Log.OutageStarted(logger, failed.RanFor.TotalSeconds, failed.Reason, failed.NextTry.TotalSeconds);
                return;
            case RecorderFailed { Report: FailureReport.StillFailing } failed:
                Log.StillFailing(logger, failed.Attempts, (failed.At - failed.OutageSince).TotalSeconds, failed.Reason, failed.NextTry.TotalSeconds);
                return;
            case RecorderFailed failed:
                Log.Failed(logger, failed.Reason, failed.NextTry.TotalSeconds);
                return;
            case RecorderRestartsEarly early:
                Log.RestartsEarly(logger, early.Early.TotalSeconds);
                return;
            case RecorderStopped { BetweenRuns: true } stopped:
                Log.StoppedBetweenRuns(logger, stopped.Recorded.TotalSeconds);
                return;
            case RecorderStopped stopped:
                Log.Stopped(logger, stopped.ExitCode, stopped.Recorded.TotalSeconds);
                return;
            default:
                return;
        }
    }

    /// <summary>The recorder's lines and their event ids.</summary>
    public static partial class Log
    {
        [LoggerMessage(EventId = 100, EventName = "RecorderStreaming", Level = LogLevel.Information, Message = "Recorder run {Run} is streaming")]
        public static partial void Streaming(ILogger logger, int run);

        [LoggerMessage(EventId = 101, EventName = "CameraOutageStarted", Level = LogLevel.Warning,
            Message = "Recorder stopped after {Seconds:0.0}s: {Reason}. Restarting in {DelaySeconds:0.0}s, and until it works (retries are logged once a minute)")]
        public static partial void OutageStarted(ILogger logger, double seconds, string reason, double delaySeconds);

        [LoggerMessage(EventId = 102, EventName = "CameraStillDown", Level = LogLevel.Warning,
            Message = "Recorder still failing after {Attempts} attempts over {OutageSeconds:0}s: {Reason}. Next try in {DelaySeconds:0.0}s")]
        public static partial void StillFailing(ILogger logger, int attempts, double outageSeconds, string reason, double delaySeconds);

        [LoggerMessage(EventId = 103, EventName = "RecorderRetryFailed", Level = LogLevel.Debug, Message = "Recorder failed: {Reason}; next try in {DelaySeconds:0.0}s")]
        public static partial void Failed(ILogger logger, string reason, double delaySeconds);

        [LoggerMessage(EventId = 104, EventName = "CameraBack", Level = LogLevel.Information, Message = "Camera back: recording again after an outage of {OutageSeconds:0.0}s")]
        public static partial void CameraBack(ILogger logger, double outageSeconds);

        [LoggerMessage(EventId = 105, EventName = "RecorderReplanning", Level = LogLevel.Warning,
            Message = "The camera sends other streams than planned for ({Changed}): restarting the recorder at once. {Plan}")]
        public static partial void Replanning(ILogger logger, string changed, string plan);

        [LoggerMessage(EventId = 106, EventName = "RecorderKeepsPlan", Level = LogLevel.Warning,
            Message = "Recorder run {Run} goes on with its plan although the camera's streams changed ({Changed}): the run before was just restarted for the camera's streams")]
        public static partial void KeepsPlan(ILogger logger, int run, string changed);

        [LoggerMessage(EventId = 107, EventName = "RecorderRestartsEarly", Level = LogLevel.Debug,
            Message = "The camera answers again: restarting the recorder {Seconds:0.0}s before its backoff ends")]
        public static partial void RestartsEarly(ILogger logger, double seconds);

        [LoggerMessage(EventId = 108, EventName = "RecorderStopped", Level = LogLevel.Information,
            Message = "Recorder stopped between runs; {RecordedSeconds:0.0}s recorded in all runs")]
        public static partial void StoppedBetweenRuns(ILogger logger, double recordedSeconds);

        [LoggerMessage(EventId = 109, EventName = "RecorderStoppedWithExit", Level = LogLevel.Information,
            Message = "Recorder stopped with exit code {ExitCode}; {RecordedSeconds:0.0}s recorded in all runs")]
        public static partial void Stopped(ILogger logger, int? exitCode, double recordedSeconds);
    }
}

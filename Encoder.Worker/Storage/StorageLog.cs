using Encoder.Events;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>
/// What the log says about storing the recording, from the class's events (<see cref="ClassEvents"/>): storage being
/// away (once when it starts, an error when only the operator can fix it, a reminder each minute, and when it works
/// again) and the drain's end. Each line has its event id (300–399), which tests and log queries match, not the
/// wording. The categories stay <see cref="StorageOutage"/>'s and <see cref="SegmentUploader"/>'s.
/// </summary>
public sealed partial class StorageLog(ILogger<StorageOutage> outageLogger, ILogger<SegmentUploader> drainLogger) : IClassEventSubscriber
{
    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case StorageFailed { Report: FailureReport.OutageStarted or FailureReport.StillFailing } failed:
                Log.StorageFailed(outageLogger, failed.Permanent ? LogLevel.Error : LogLevel.Warning, failed.Error, failed.Waiting);
                return;
            case StorageFailed failed:
                Log.StorageStillFails(outageLogger, failed.Error);
                return;
            case StorageBack back:
                Log.StorageBack(outageLogger, back.Outage.TotalSeconds);
                return;
            case DrainEnded { Pending.Count: > 0 } drain:
                Log.DrainIncomplete(drainLogger, drain.Took.TotalSeconds, drain.Pending.Count, drain.Directory, drain.Pending);
                return;
            case DrainEnded drain:
                Log.Drained(drainLogger, drain.Took.TotalSeconds, drain.SegmentsStored, drain.Duration.TotalSeconds, StorageKeys.PlaylistName,
                    drain.PlaylistEnded ? " (complete)" : " (no ENDLIST from FFmpeg: added for the VOD)", StorageKeys.ManifestName, drain.Destination);
                return;
            default:
                return;
        }
    }

    /// <summary>The storage's lines and their event ids.</summary>
    public static partial class Log
    {
        [LoggerMessage(EventId = 300, EventName = "StorageFailed",
            Message = "Storing the recording failed: {Error}. {Waiting} objects wait on disk and are retried (reminders once a minute)")]
        public static partial void StorageFailed(ILogger logger, LogLevel level, string error, int waiting);

        [LoggerMessage(EventId = 301, EventName = "StorageStillFails", Level = LogLevel.Debug, Message = "Storing the recording still fails: {Error}")]
        public static partial void StorageStillFails(ILogger logger, string error);

        [LoggerMessage(EventId = 302, EventName = "StorageBack", Level = LogLevel.Information,
            Message = "Storage works again after {OutageSeconds:0.0}s; the segments that waited on disk are stored, in order")]
        public static partial void StorageBack(ILogger logger, double outageSeconds);

        [LoggerMessage(EventId = 310, EventName = "DrainIncomplete", Level = LogLevel.Error,
            Message = "Upload drain incomplete after {Seconds:0.0}s: {Count} objects are only on this machine, in {Directory}: {Pending}")]
        public static partial void DrainIncomplete(ILogger logger, double seconds, int count, string directory, IReadOnlyList<string> pending);

        [LoggerMessage(EventId = 311, EventName = "Drained", Level = LogLevel.Information,
            Message = "Upload drained in {Seconds:0.00}s: {Segments} segments ({Duration:0.0}s), playlist {Playlist}{EndList}, logs and {Manifest} in {Destination}")]
        public static partial void Drained(ILogger logger, double seconds, int segments, double duration, string playlist, string endList, string manifest, string destination);
    }
}

using Encoder.Events;
using Microsoft.Extensions.Logging;

namespace Encoder.Egress;

/// <summary>
/// What the log says about the ingests, from the class's events (<see cref="ClassEvents"/>): an ingest's outage once
/// when it starts, a reminder once a minute and once when it ends, with its duration; failovers and returns. Each line
/// has its event id (200–299), which tests and log queries match, not the wording. The category stays
/// <see cref="IngestReports"/>'s.
/// </summary>
public sealed partial class IngestLog(ILogger<IngestReports> logger) : IClassEventSubscriber
{
    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case IngestFailed { Blamed: false } failed:
                Log.EndedWhileRecorderDown(logger, failed.Slot, failed.Reason);
                return;
            case IngestFailed { Report: FailureReport.OutageStarted } failed:
                Log.Down(logger, failed.Slot, failed.Reason);
                return;
            case IngestFailed { Report: FailureReport.StillFailing } failed:
                Log.StillDown(logger, failed.Slot, failed.Attempts, failed.Reason);
                return;
            case IngestFailed failed:
                Log.AttemptFailed(logger, failed.Slot, failed.Reason);
                return;
            case IngestBack { Outage: { } outage } back:
                Log.Back(logger, back.Slot, outage.TotalSeconds);
                return;
            case FailedOver failedOver:
                Log.FailedOver(logger, failedOver.Took.TotalSeconds);
                return;
            case ReturnStarted returning:
                Log.ReturnStarted(logger, returning.HealthyFor.TotalSeconds);
                return;
            case ReturnedToPrimary:
                Log.Returned(logger);
                return;
            case BothIngestsDown:
                Log.BothDown(logger);
                return;
            case OneIngestBack back:
                Log.OneBack(logger, back.Slot, back.DownFor.TotalSeconds);
                return;
            default:
                return;
        }
    }

    /// <summary>The ingests' lines and their event ids.</summary>
    public static partial class Log
    {
        [LoggerMessage(EventId = 200, EventName = "IngestDown", Level = LogLevel.Warning, Message = "Ingest {Slot} is down: {Reason}; reconnecting")]
        public static partial void Down(ILogger logger, string slot, string reason);

        [LoggerMessage(EventId = 201, EventName = "IngestStillDown", Level = LogLevel.Warning, Message = "Ingest {Slot} still down after {Attempts} attempts: {Reason}")]
        public static partial void StillDown(ILogger logger, string slot, int attempts, string reason);

        [LoggerMessage(EventId = 202, EventName = "IngestAttemptFailed", Level = LogLevel.Debug, Message = "Ingest {Slot} attempt failed: {Reason}")]
        public static partial void AttemptFailed(ILogger logger, string slot, string reason);

        [LoggerMessage(EventId = 203, EventName = "IngestEndedWhileRecorderDown", Level = LogLevel.Information,
            Message = "Ingest {Slot} ended while the recorder is down ({Reason}): not the ingest's fault; reconnecting")]
        public static partial void EndedWhileRecorderDown(ILogger logger, string slot, string reason);

        [LoggerMessage(EventId = 204, EventName = "IngestBack", Level = LogLevel.Information, Message = "Ingest {Slot} is streaming again after an outage of {Seconds:0.0}s")]
        public static partial void Back(ILogger logger, string slot, double seconds);

        [LoggerMessage(EventId = 205, EventName = "FailedOver", Level = LogLevel.Warning,
            Message = "Failed over: the secondary ingest is streaming, {Seconds:0.00}s after the primary failed")]
        public static partial void FailedOver(ILogger logger, double seconds);

        [LoggerMessage(EventId = 206, EventName = "ReturnStarted", Level = LogLevel.Information, Message = "The primary ingest has answered for {Seconds:0}s; returning to it")]
        public static partial void ReturnStarted(ILogger logger, double seconds);

        [LoggerMessage(EventId = 207, EventName = "ReturnedToPrimary", Level = LogLevel.Information, Message = "Back on the primary ingest; the secondary is released")]
        public static partial void Returned(ILogger logger);

        [LoggerMessage(EventId = 208, EventName = "BothIngestsDown", Level = LogLevel.Warning,
            Message = "Both ingests are down; retrying each with backoff while the recording goes on")]
        public static partial void BothDown(ILogger logger);

        [LoggerMessage(EventId = 209, EventName = "OneIngestBack", Level = LogLevel.Information,
            Message = "Ingest {Slot} is streaming after both ingests were down for {Seconds:0.0}s")]
        public static partial void OneBack(ILogger logger, string slot, double seconds);
    }
}

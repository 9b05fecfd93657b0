using Encoder.Lifecycle;
using Encoder.Resilience;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>
/// Storage being away, as the uploader sees it: logged once when it starts (an error when only the operator can fix
/// it), with a reminder each minute; the pause before the next pass (<see cref="UploadBackoff"/>); and, once a pass
/// succeeds again, one storage outage for <c>session.json</c>.
/// </summary>
public sealed class StorageOutage(SessionOutages outages, TimeProvider time, ILogger<StorageOutage> logger)
{
    private readonly FailureStreak _failures = new(TimeSpan.FromMinutes(1));

    /// <summary>How long to wait before the next pass after a failed one.</summary>
    public TimeSpan Backoff => UploadBackoff.Delay(_failures.Failures);

    /// <summary>True from the uploader's first failed pass until one succeeds again: others skip their puts meanwhile (<see cref="Status.StatusUploader"/>).</summary>
    public bool IsDown => _failures.Failures > 0;

    public void Failed(Exception failure, int waiting)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var permanent = failure is StorageUnavailableException { Transient: false };
        switch (_failures.Failed(time.GetUtcNow(), failure.Message))
        {
            case FailureReport.OutageStarted:
            case FailureReport.StillFailing:
                logger.Log(permanent ? LogLevel.Error : LogLevel.Warning,
                    "Storing the recording failed: {Error}. {Waiting} objects wait on disk and are retried (reminders once a minute)",
                    failure.Message, waiting);
                break;
            default:
                logger.LogDebug("Storing the recording still fails: {Error}", failure.Message);
                break;
        }
    }

    public void Succeeded()
    {
        if (_failures.Recovered(time.GetUtcNow()) is not { } outage)
            return;
        outages.Report(new Outage(Outage.Storage, time.GetUtcNow() - outage, time.GetUtcNow(), "storage unavailable"));
        logger.LogInformation("Storage works again after {OutageSeconds:0.0}s; the segments that waited on disk are stored, in order", outage.TotalSeconds);
    }
}

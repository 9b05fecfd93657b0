using Encoder.Events;
using Encoder.Resilience;

namespace Encoder.Storage;

/// <summary>
/// Storage being away, as the uploader sees it: each failed pass and the first pass that succeeds again are published
/// (<see cref="StorageFailed"/>, <see cref="StorageBack"/>: the log says the outage once when it starts, an error when
/// only the operator can fix it, with a reminder each minute; <c>session.json</c> gets one storage outage); and the
/// pause before the next pass (<see cref="UploadBackoff"/>).
/// </summary>
public sealed class StorageOutage(ClassEvents events, TimeProvider time)
{
    private readonly FailureStreak _failures = new(TimeSpan.FromMinutes(1));

    /// <summary>How long to wait before the next pass after a failed one.</summary>
    public TimeSpan Backoff => UploadBackoff.Delay(_failures.Failures);

    /// <summary>True from the uploader's first failed pass until one succeeds again: others skip their puts meanwhile (<see cref="Status.StatusUploader"/>).</summary>
    public bool IsDown => _failures.Failures > 0;

    public void Failed(Exception failure, int waiting)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var now = time.GetUtcNow();
        var report = _failures.Failed(now, failure.Message);
        events.Publish(new StorageFailed(now, failure.Message, Permanent: failure is StorageUnavailableException { Transient: false }, waiting, report));
    }

    public void Succeeded()
    {
        var now = time.GetUtcNow();
        if (_failures.Recovered(now) is { } outage)
            events.Publish(new StorageBack(now, now - outage));
    }
}

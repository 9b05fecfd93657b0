using Encoder.Configuration;
using Encoder.Metrics;
using Encoder.Resilience;
using Encoder.Status;
using Microsoft.Extensions.Logging;
using static Encoder.Egress.RoutingAction;

namespace Encoder.Egress;

/// <summary>
/// Tells logs and the status file what the router did. An outage is logged once when it starts and once when it ends,
/// with its duration, and a reminder once a minute; each slot's <see cref="RestartSchedule"/> also gives its next delay.
/// Called from the router's one loop only.
/// </summary>
public sealed class IngestReports(EncoderOptions options, IngestPlan plan, EncoderStatus status, TimeProvider time, ILogger<IngestReports> logger,
    EncoderMetrics? metrics = null)
{
    private readonly Dictionary<SlotRole, RestartSchedule> _schedules = new()
    {
        [SlotRole.Primary] = RestartSchedule.For(options.Ffmpeg),
        [SlotRole.Secondary] = RestartSchedule.For(options.Ffmpeg),
    };

    public IngestSlot Slot(SlotRole role) => role == SlotRole.Primary ? plan.Primary : plan.Secondary!;

    /// <summary>How long the slot waits before its next attempt: the backoff of its failures in a row.</summary>
    public TimeSpan RetryDelay(SlotRole role) => _schedules[role].NextDelay(Random.Shared.NextDouble());

    /// <summary>Reports what an action says; other actions are the router's to carry out.</summary>
    public void Report(RoutingAction action)
    {
        switch (action)
        {
            case Activate(var slot, var why):
                status.Activated(Slot(slot), isFailover: why == Activation.Failover, isReturn: why == Activation.Return);
                metrics?.Activated(secondary: slot == SlotRole.Secondary, failover: why == Activation.Failover);
                return;
            case SlotFailed(var slot, var reason, Blamed: false):
                logger.LogInformation("Ingest {Slot} ended while the recorder is down ({Reason}): not the ingest's fault; reconnecting", Slot(slot).Name, reason);
                return;
            case SlotFailed(var slot, var reason, Blamed: true):
                Failed(slot, reason);
                return;
            case SlotStreaming(var slot):
                (_schedules[slot], var outage) = _schedules[slot].Recovered(time.GetUtcNow());
                if (outage is { } back)
                    logger.LogInformation("Ingest {Slot} is streaming again after an outage of {Seconds:0.0}s", Slot(slot).Name, back.TotalSeconds);
                return;
            case FailedOver(var took):
                logger.LogWarning("Failed over: the secondary ingest is streaming, {Seconds:0.00}s after the primary failed", took.TotalSeconds);
                status.FailoverTook(took);
                return;
            case ReturnStarted(var healthyFor):
                logger.LogInformation("The primary ingest has answered for {Seconds:0}s; returning to it", healthyFor.TotalSeconds);
                return;
            case Returned:
                logger.LogInformation("Back on the primary ingest; the secondary is released");
                return;
            case BothDown:
                logger.LogWarning("Both ingests are down; retrying each with backoff while the recording goes on");
                return;
            case OneBack(var slot, var downFor):
                logger.LogInformation("Ingest {Slot} is streaming after both ingests were down for {Seconds:0.0}s", Slot(slot).Name, downFor.TotalSeconds);
                return;
            default:
                return;
        }
    }

    private void Failed(SlotRole role, string reason)
    {
        (_schedules[role], var restart) = _schedules[role].Failed(time.GetUtcNow(), reason, Random.Shared.NextDouble());
        switch (restart.Report)
        {
            case FailureReport.OutageStarted:
                logger.LogWarning("Ingest {Slot} is down: {Reason}; reconnecting", Slot(role).Name, reason);
                break;
            case FailureReport.StillFailing:
                logger.LogWarning("Ingest {Slot} still down after {Attempts} attempts: {Reason}", Slot(role).Name, restart.Failure, reason);
                break;
            default:
                logger.LogDebug("Ingest {Slot} attempt failed: {Reason}", Slot(role).Name, reason);
                break;
        }
    }
}

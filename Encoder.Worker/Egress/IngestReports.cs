using Encoder.Configuration;
using Encoder.Events;
using Encoder.Resilience;
using static Encoder.Egress.RoutingAction;

namespace Encoder.Egress;

/// <summary>
/// Publishes what the router decided as the class's events (<see cref="ClassEvents"/>): the active slot, a failover, a
/// return, a slot's outage as it begins, goes on and ends (each slot's <see cref="RestartSchedule"/> says which, and
/// gives its next delay). The status file, the metrics and the log (<see cref="IngestLog"/>) each take what concerns
/// them. Called from the router's one loop only.
/// </summary>
public sealed class IngestReports(EncoderOptions options, IngestPlan plan, ClassEvents events, TimeProvider time)
{
    private readonly Dictionary<SlotRole, RestartSchedule> _schedules = new()
    {
        [SlotRole.Primary] = RestartSchedule.For(options.Ffmpeg),
        [SlotRole.Secondary] = RestartSchedule.For(options.Ffmpeg),
    };

    public IngestSlot Slot(SlotRole role) => role == SlotRole.Primary ? plan.Primary : plan.Secondary!;

    /// <summary>How long the slot waits before its next attempt: the backoff of its failures in a row.</summary>
    public TimeSpan RetryDelay(SlotRole role) => _schedules[role].NextDelay(Random.Shared.NextDouble());

    /// <summary>Publishes what an action says; other actions are the router's to carry out.</summary>
    public void Report(RoutingAction action)
    {
        var now = time.GetUtcNow();
        switch (action)
        {
            case Activate(var slot, var why):
                events.Publish(new IngestActivated(now, Slot(slot).Name, Secondary: slot == SlotRole.Secondary,
                    Failover: why == Activation.Failover, Return: why == Activation.Return));
                return;
            case SlotFailed(var slot, var reason, Blamed: false):
                events.Publish(new IngestFailed(now, Slot(slot).Name, reason, Blamed: false, FailureReport.Quiet, 0));
                return;
            case SlotFailed(var slot, var reason, Blamed: true):
                (_schedules[slot], var restart) = _schedules[slot].Failed(now, reason, Random.Shared.NextDouble());
                events.Publish(new IngestFailed(now, Slot(slot).Name, reason, Blamed: true, restart.Report, restart.Failure));
                return;
            case SlotStreaming(var slot):
                (_schedules[slot], var outage) = _schedules[slot].Recovered(now);
                events.Publish(new IngestBack(now, Slot(slot).Name, outage));
                return;
            case RoutingAction.FailedOver(var took):
                events.Publish(new Events.FailedOver(now, took));
                return;
            case RoutingAction.ReturnStarted(var healthyFor):
                events.Publish(new Events.ReturnStarted(now, healthyFor));
                return;
            case Returned:
                events.Publish(new ReturnedToPrimary(now));
                return;
            case BothDown:
                events.Publish(new BothIngestsDown(now));
                return;
            case OneBack(var slot, var downFor):
                events.Publish(new OneIngestBack(now, Slot(slot).Name, downFor));
                return;
            default:
                return;
        }
    }
}

using Encoder.Configuration;
using static Encoder.Egress.RoutingAction;
using static Encoder.Egress.RoutingEvent;

namespace Encoder.Egress;

/// <summary>
/// Where the stream goes, as one pure function: <c>(state, event, now) → (state, actions)</c>. Every decision to
/// fail over, to return and to retry an ingest is here; <see cref="IngestRouter"/> only turns happenings into
/// events and carries out the actions.
/// <list type="table">
/// <item><term>on primary</term><description>the primary fails → on secondary at once (start it, probe the primary).</description></item>
/// <item><term>on secondary</term><description>the primary has answered every probe for the return window, or the
///   secondary never streamed → returning; the secondary fails too → both down.</description></item>
/// <item><term>returning</term><description>make before break: the primary's first frame → on primary, the secondary
///   is released; the primary fails → on secondary again, which carried on.</description></item>
/// <item><term>both down</term><description>each slot is retried after its backoff; the first to stream takes over.</description></item>
/// <item><term>redundant</term><description>(and a single slot) every slot streams, each retried after its backoff.</description></item>
/// </list>
/// While the recorder is down, a failing egress is not blamed: it is retried on its slot, with no failover.
/// </summary>
public sealed class IngestRouting(IngestMode mode, bool hasSecondary, TimeSpan returnWindow)
{
    private static readonly RoutingAction[] None = [];

    public RoutingState Initial { get; } = mode == IngestMode.Failover && hasSecondary
        ? new RoutingState(Route.OnPrimary, EgressPhase.Off, EgressPhase.Off, RecorderUp: false)
        : new RoutingState(Route.Redundant, EgressPhase.Off, hasSecondary ? EgressPhase.Off : null, RecorderUp: false);

    public (RoutingState State, IReadOnlyList<RoutingAction> Actions) Decide(RoutingState state, RoutingEvent happened, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return happened switch
        {
            Begin when state.Primary == EgressPhase.Off => Start(state),
            RecorderDown => (state with { RecorderUp = false }, None),
            RecorderUp => (state with { RecorderUp = true }, None),
            RetryDue r when state.Phase(r.Slot) == EgressPhase.Waiting => (state.With(r.Slot, EgressPhase.Starting), [new StartEgress(r.Slot)]),
            EgressStreaming s when state.Phase(s.Slot) == EgressPhase.Starting => Streaming(state.With(s.Slot, EgressPhase.Streaming), s.Slot, now),
            EgressFailed f when state.Phase(f.Slot) is EgressPhase.Starting or EgressPhase.Streaming => state.RecorderUp
                ? Failed(state, f, now)
                : (state.With(f.Slot, EgressPhase.Waiting), [new SlotFailed(f.Slot, f.Reason, Blamed: false), new RetryLater(f.Slot)]),
            ProbeHealthy when state.Route == Route.OnSecondary => PrimaryAnswered(state, now),
            ProbeUnhealthy when state.Route == Route.OnSecondary => (state with { PrimaryHealthySince = null }, None),
            _ => (state, None), // late news from an egress, probe or timer the machine has moved past
        };
    }

    private static (RoutingState, RoutingAction[]) Start(RoutingState state) => state.Route == Route.Redundant && state.Secondary is not null
        ? (state with { Primary = EgressPhase.Starting, Secondary = EgressPhase.Starting },
            [new Activate(SlotRole.Primary, Activation.First), new StartEgress(SlotRole.Primary), new StartEgress(SlotRole.Secondary)])
        : (state with { Primary = EgressPhase.Starting }, [new Activate(SlotRole.Primary, Activation.First), new StartEgress(SlotRole.Primary)]);

    private static (RoutingState, RoutingAction[]) Streaming(RoutingState state, SlotRole slot, DateTimeOffset now)
    {
        var other = slot == SlotRole.Primary ? SlotRole.Secondary : SlotRole.Primary;
        return (state.Route, slot) switch
        {
            (Route.OnSecondary, SlotRole.Secondary) when state.PrimaryFailedAt is { } failedAt =>
                (state with { PrimaryFailedAt = null }, [new SlotStreaming(slot), new FailedOver(now - failedAt)]),
            (Route.Returning, SlotRole.Primary) => (state with { Route = Route.OnPrimary, Secondary = EgressPhase.Off },
                [new SlotStreaming(slot), new Activate(slot, Activation.Return), new StopEgress(SlotRole.Secondary), new Returned()]),
            (Route.BothDown, SlotRole.Primary) => (state with { Route = Route.OnPrimary, Secondary = EgressPhase.Off, BothDownSince = null },
                [new SlotStreaming(slot), new OneBack(slot, now - state.BothDownSince!.Value), new Activate(slot, Activation.Resume), new StopEgress(other)]),
            // The secondary is back first: a primary already starting makes it a return, else the primary is probed.
            (Route.BothDown, SlotRole.Secondary) when state.Primary == EgressPhase.Starting => (state with { Route = Route.Returning, BothDownSince = null },
                [new SlotStreaming(slot), new OneBack(slot, now - state.BothDownSince!.Value), new Activate(slot, Activation.Failover)]),
            (Route.BothDown, SlotRole.Secondary) => (state with { Route = Route.OnSecondary, Primary = EgressPhase.Off, BothDownSince = null },
                [new SlotStreaming(slot), new OneBack(slot, now - state.BothDownSince!.Value), new Activate(slot, Activation.Failover), new StartProbing()]),
            _ => (state, [new SlotStreaming(slot)]),
        };
    }

    private static (RoutingState, RoutingAction[]) Failed(RoutingState state, EgressFailed failed, DateTimeOffset now)
    {
        var slot = failed.Slot;
        RoutingAction blamed = new SlotFailed(slot, failed.Reason, Blamed: true);
        return (state.Route, slot) switch
        {
            (Route.OnPrimary, SlotRole.Primary) => (
                state with { Route = Route.OnSecondary, Primary = EgressPhase.Off, Secondary = EgressPhase.Starting, PrimaryFailedAt = now, PrimaryHealthySince = null },
                [blamed, new Activate(SlotRole.Secondary, Activation.Failover), new StartEgress(SlotRole.Secondary), new StartProbing()]),
            (Route.OnSecondary, SlotRole.Secondary) => (
                state with { Route = Route.BothDown, Primary = EgressPhase.Waiting, Secondary = EgressPhase.Waiting, PrimaryFailedAt = null, BothDownSince = now },
                [blamed, new StopProbing(), new BothDown(), new RetryLater(SlotRole.Primary), new RetryLater(SlotRole.Secondary)]),
            // The primary failed during the return: the secondary, still pushing, carries on.
            (Route.Returning, SlotRole.Primary) => (state with { Route = Route.OnSecondary, Primary = EgressPhase.Off, PrimaryHealthySince = null },
                [blamed, new StartProbing()]),
            // The secondary failed during the return: the primary, already starting, is all there is.
            (Route.Returning, SlotRole.Secondary) => (state with { Route = Route.OnPrimary, Secondary = EgressPhase.Off }, [blamed]),
            _ => (state.With(slot, EgressPhase.Waiting), [blamed, new RetryLater(slot)]), // both down, redundant
        };
    }

    private (RoutingState, RoutingAction[]) PrimaryAnswered(RoutingState state, DateTimeOffset now)
    {
        var since = state.PrimaryHealthySince ?? now;
        if (now - since < returnWindow && state.Secondary == EgressPhase.Streaming)
            return (state with { PrimaryHealthySince = since }, None);
        return (state with { Route = Route.Returning, Primary = EgressPhase.Starting, PrimaryHealthySince = null },
            [new StopProbing(), new ReturnStarted(now - since), new StartEgress(SlotRole.Primary)]);
    }
}

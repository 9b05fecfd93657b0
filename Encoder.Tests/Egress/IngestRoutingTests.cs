using Encoder.Configuration;
using Encoder.Egress;
using static Encoder.Egress.RoutingAction;
using static Encoder.Egress.RoutingEvent;

namespace Encoder.Tests.Egress;

/// <summary>Every transition of the routing machine, as (events so far) → (route, the last event's actions).</summary>
public sealed class IngestRoutingTests
{
    private const SlotRole P = SlotRole.Primary;
    private const SlotRole S = SlotRole.Secondary;
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ReturnWindow = TimeSpan.FromSeconds(30);

    // Shared beginnings: seconds since T0 and what happened.
    private static readonly (double, RoutingEvent)[] OnPrimaryStreaming = [(0, new Begin()), (0, new RecorderUp()), (1, new EgressStreaming(P))];
    private static readonly (double, RoutingEvent)[] FailedOver = [.. OnPrimaryStreaming, (10, new EgressFailed(P, "broken pipe"))];
    private static readonly (double, RoutingEvent)[] OnSecondaryStreaming = [.. FailedOver, (10.8, new EgressStreaming(S))];
    private static readonly (double, RoutingEvent)[] ReturningToPrimary = [.. OnSecondaryStreaming, (20, new ProbeHealthy()), (50, new ProbeHealthy())];
    private static readonly (double, RoutingEvent)[] BothDown = [.. OnSecondaryStreaming, (15, new EgressFailed(S, "connection refused"))];

    private static IEnumerable<TestCaseData> FailoverTransitions()
    {
        yield return Case("Starts_on_the_primary", [(0, new Begin())], Route.OnPrimary,
            new Activate(P, Activation.First), new StartEgress(P));
        yield return Case("Reports_the_primary_streaming", OnPrimaryStreaming, Route.OnPrimary, new SlotStreaming(P));
        yield return Case("Fails_over_at_once_when_the_primary_dies", FailedOver, Route.OnSecondary,
            new SlotFailed(P, "broken pipe", Blamed: true), new Activate(S, Activation.Failover), new StartEgress(S), new StartProbing());
        yield return Case("Measures_the_failover_from_the_primary_failing_to_the_secondary_first_frame", OnSecondaryStreaming, Route.OnSecondary,
            new SlotStreaming(S), new RoutingAction.FailedOver(TimeSpan.FromSeconds(0.8)));
        yield return Case("Stays_on_the_secondary_while_the_primary_has_answered_for_less_than_the_window",
            [.. OnSecondaryStreaming, (20, new ProbeHealthy()), (49.9, new ProbeHealthy())], Route.OnSecondary);
        yield return Case("Returns_to_primary_after_the_window", ReturningToPrimary, Route.Returning,
            new StopProbing(), new ReturnStarted(ReturnWindow), new StartEgress(P));
        yield return Case("A_failed_probe_starts_the_window_again",
            [.. OnSecondaryStreaming, (20, new ProbeHealthy()), (30, new ProbeUnhealthy()), (40, new ProbeHealthy()), (60, new ProbeHealthy())], Route.OnSecondary);
        yield return Case("Returns_at_once_when_the_secondary_never_streamed", [.. FailedOver, (12, new ProbeHealthy())], Route.Returning,
            new StopProbing(), new ReturnStarted(TimeSpan.Zero), new StartEgress(P));
        yield return Case("Returns_make_before_break_releasing_the_secondary_once_the_primary_streams",
            [.. ReturningToPrimary, (51, new EgressStreaming(P))], Route.OnPrimary,
            new SlotStreaming(P), new Activate(P, Activation.Return), new StopEgress(S), new Returned());
        yield return Case("The_secondary_carries_on_when_the_primary_fails_again_during_the_return",
            [.. ReturningToPrimary, (51, new EgressFailed(P, "connection refused"))], Route.OnSecondary,
            new SlotFailed(P, "connection refused", Blamed: true), new StartProbing());
        yield return Case("The_primary_alone_when_the_secondary_fails_during_the_return",
            [.. ReturningToPrimary, (51, new EgressFailed(S, "reset"))], Route.OnPrimary, new SlotFailed(S, "reset", Blamed: true));
        yield return Case("Both_down_retries_both_with_backoff", BothDown, Route.BothDown,
            new SlotFailed(S, "connection refused", Blamed: true), new StopProbing(), new RoutingAction.BothDown(), new RetryLater(P), new RetryLater(S));
        yield return Case("Both_down_starts_a_slot_when_its_backoff_elapses", [.. BothDown, (15.5, new RetryDue(P))], Route.BothDown, new StartEgress(P));
        yield return Case("Both_down_retries_a_slot_that_fails_again", [.. BothDown, (15.5, new RetryDue(S)), (16, new EgressFailed(S, "refused"))],
            Route.BothDown, new SlotFailed(S, "refused", Blamed: true), new RetryLater(S));
        yield return Case("Both_down_and_the_primary_back_goes_on_the_primary", [.. BothDown, (15.5, new RetryDue(P)), (17, new EgressStreaming(P))],
            Route.OnPrimary, new SlotStreaming(P), new OneBack(P, TimeSpan.FromSeconds(2)), new Activate(P, Activation.Resume), new StopEgress(S));
        yield return Case("Both_down_and_the_secondary_back_goes_on_the_secondary_and_probes_the_primary",
            [.. BothDown, (15.5, new RetryDue(S)), (17, new EgressStreaming(S))], Route.OnSecondary,
            new SlotStreaming(S), new OneBack(S, TimeSpan.FromSeconds(2)), new Activate(S, Activation.Failover), new StartProbing());
        yield return Case("Both_down_and_the_secondary_back_while_the_primary_starts_is_a_return",
            [.. BothDown, (15.5, new RetryDue(P)), (15.5, new RetryDue(S)), (17, new EgressStreaming(S))], Route.Returning,
            new SlotStreaming(S), new OneBack(S, TimeSpan.FromSeconds(2)), new Activate(S, Activation.Failover));
    }

    private static IEnumerable<TestCaseData> RecorderOutages()
    {
        (double, RoutingEvent)[] recorderDown = [.. OnPrimaryStreaming, (5, new RecorderDown())];
        yield return Case("An_egress_failing_while_the_recorder_is_down_is_retried_on_its_slot_without_failover",
            [.. recorderDown, (6, new EgressFailed(P, "end of file"))], Route.OnPrimary, new SlotFailed(P, "end of file", Blamed: false), new RetryLater(P));
        yield return Case("An_egress_not_blamed_is_started_again_after_its_backoff",
            [.. recorderDown, (6, new EgressFailed(P, "end of file")), (6.5, new RetryDue(P))], Route.OnPrimary, new StartEgress(P));
        yield return Case("An_egress_failing_once_the_recorder_is_back_fails_over",
            [.. recorderDown, (8, new RecorderUp()), (9, new EgressFailed(P, "reset"))], Route.OnSecondary,
            new SlotFailed(P, "reset", Blamed: true), new Activate(S, Activation.Failover), new StartEgress(S), new StartProbing());
        yield return Case("The_secondary_failing_while_the_recorder_is_down_is_not_both_down",
            [.. OnSecondaryStreaming, (12, new RecorderDown()), (13, new EgressFailed(S, "end of file"))], Route.OnSecondary,
            new SlotFailed(S, "end of file", Blamed: false), new RetryLater(S));
    }

    private static IEnumerable<TestCaseData> LateNews()
    {
        yield return Case("A_probe_answer_after_the_return_started_is_ignored", [.. ReturningToPrimary, (51, new ProbeHealthy())], Route.Returning);
        yield return Case("A_retry_for_a_slot_that_is_not_waiting_is_ignored", [.. OnSecondaryStreaming, (12, new RetryDue(P))], Route.OnSecondary);
        yield return Case("A_failure_of_a_released_egress_is_ignored",
            [.. ReturningToPrimary, (51, new EgressStreaming(P)), (52, new EgressFailed(S, "stopped"))], Route.OnPrimary);
        yield return Case("A_second_begin_is_ignored", [.. OnPrimaryStreaming, (2, new Begin())], Route.OnPrimary);
    }

    [TestCaseSource(nameof(FailoverTransitions))]
    [TestCaseSource(nameof(RecorderOutages))]
    [TestCaseSource(nameof(LateNews))]
    public void Failover_mode((double, RoutingEvent)[] events, Route route, RoutingAction[] actions) =>
        AssertLastStep(new IngestRouting(IngestMode.Failover, hasSecondary: true, ReturnWindow), events, route, actions);

    private static IEnumerable<TestCaseData> RedundantTransitions()
    {
        (double, RoutingEvent)[] streaming = [(0, new Begin()), (0, new RecorderUp()), (1, new EgressStreaming(P)), (1, new EgressStreaming(S))];
        yield return Case("Redundant_mode_starts_every_slot", [(0, new Begin())], Route.Redundant,
            new Activate(P, Activation.First), new StartEgress(P), new StartEgress(S));
        yield return Case("Redundant_mode_retries_a_failed_slot_on_its_own", [.. streaming, (5, new EgressFailed(P, "reset"))], Route.Redundant,
            new SlotFailed(P, "reset", Blamed: true), new RetryLater(P));
        yield return Case("Redundant_mode_starts_the_slot_again_after_its_backoff", [.. streaming, (5, new EgressFailed(P, "reset")), (5.5, new RetryDue(P))],
            Route.Redundant, new StartEgress(P));
        yield return Case("Redundant_mode_ignores_probes", [.. streaming, (5, new ProbeHealthy())], Route.Redundant);
    }

    [TestCaseSource(nameof(RedundantTransitions))]
    public void Redundant_mode((double, RoutingEvent)[] events, Route route, RoutingAction[] actions) =>
        AssertLastStep(new IngestRouting(IngestMode.Redundant, hasSecondary: true, ReturnWindow), events, route, actions);

    [TestCase(IngestMode.Failover)]
    [TestCase(IngestMode.Redundant)]
    public void A_single_slot_is_retried_on_its_own_and_never_fails_over(IngestMode mode)
    {
        var routing = new IngestRouting(mode, hasSecondary: false, ReturnWindow);
        AssertLastStep(routing, [(0, new Begin())], Route.Redundant, new Activate(P, Activation.First), new StartEgress(P));
        AssertLastStep(routing, [(0, new Begin()), (0, new RecorderUp()), (1, new EgressStreaming(P)), (5, new EgressFailed(P, "reset"))], Route.Redundant,
            new SlotFailed(P, "reset", Blamed: true), new RetryLater(P));
    }

    private static TestCaseData Case(string name, (double, RoutingEvent)[] events, Route route, params RoutingAction[] actions) =>
        new TestCaseData(events, route, actions).SetName(name);

    private static void AssertLastStep(IngestRouting routing, (double, RoutingEvent)[] events, Route route, params RoutingAction[] actions)
    {
        var state = routing.Initial;
        IReadOnlyList<RoutingAction> last = [];
        foreach (var (seconds, happened) in events)
            (state, last) = routing.Decide(state, happened, T0.AddSeconds(seconds));
        Assert.Multiple(() =>
        {
            Assert.That(state.Route, Is.EqualTo(route));
            Assert.That(last, Is.EqualTo(actions));
        });
    }
}

using Encoder.Configuration;
using Encoder.Lifecycle;

namespace Encoder.Tests.Lifecycle;

public sealed class TerminationDecisionTests
{
    // enabled, dryRun, withPending, drainCompleted, pending → verdict, for a stop that ends the class (the session's end)
    [TestCase(false, false, false, true, 0, TerminationVerdict.Disabled)]
    [TestCase(false, true, true, false, 3, TerminationVerdict.Disabled)]
    [TestCase(true, false, false, true, 0, TerminationVerdict.Terminate)]
    [TestCase(true, false, false, true, 2, TerminationVerdict.KeepUploadsPending)]
    [TestCase(true, false, false, false, 0, TerminationVerdict.KeepDrainUnfinished)]
    [TestCase(true, false, true, true, 2, TerminationVerdict.TerminateDespitePendingUploads)]
    [TestCase(true, false, true, false, 0, TerminationVerdict.TerminateDespitePendingUploads)]
    [TestCase(true, true, false, true, 0, TerminationVerdict.DryRun)]
    [TestCase(true, true, false, true, 2, TerminationVerdict.KeepUploadsPending)]
    [TestCase(true, true, true, true, 2, TerminationVerdict.DryRun)]
    public void Terminates_only_when_enabled_and_everything_is_stored_unless_told_otherwise(
        bool enabled, bool dryRun, bool withPendingUploads, bool drainCompleted, int pending, TerminationVerdict expected)
    {
        var options = new SelfTerminateOptions { Enabled = enabled, DryRun = dryRun, WithPendingUploads = withPendingUploads };

        Assert.That(TerminationDecision.Decide(options, StopReason.SessionEnded, drainCompleted, pending), Is.EqualTo(expected));
    }

    // why the host stopped × (drain completed, pending) → verdict, self-termination enabled
    [TestCase(StopReason.SessionEnded, true, 0, TerminationVerdict.Terminate)]
    [TestCase(StopReason.ClassEndedByOperator, true, 0, TerminationVerdict.Terminate)]
    [TestCase(StopReason.HardStop, true, 0, TerminationVerdict.Terminate)]
    [TestCase(StopReason.OperatorStop, true, 0, TerminationVerdict.KeepClassNotOver)]
    [TestCase(StopReason.Failure, true, 0, TerminationVerdict.KeepClassNotOver)]
    [TestCase(StopReason.SessionEnded, true, 2, TerminationVerdict.KeepUploadsPending)]
    [TestCase(StopReason.ClassEndedByOperator, false, 0, TerminationVerdict.KeepDrainUnfinished)]
    [TestCase(StopReason.HardStop, true, 2, TerminationVerdict.KeepUploadsPending)]
    [TestCase(StopReason.OperatorStop, true, 2, TerminationVerdict.KeepClassNotOver)]
    [TestCase(StopReason.OperatorStop, false, 0, TerminationVerdict.KeepClassNotOver)]
    [TestCase(StopReason.Failure, false, 0, TerminationVerdict.KeepClassNotOver)]
    public void Only_a_stop_that_ends_the_class_terminates_a_stop_restart_reboot_or_failure_never_does(
        StopReason why, bool drainCompleted, int pending, TerminationVerdict expected)
    {
        var options = new SelfTerminateOptions { Enabled = true };

        Assert.That(TerminationDecision.Decide(options, why, drainCompleted, pending), Is.EqualTo(expected));
    }

    [TestCase(StopReason.OperatorStop)]
    [TestCase(StopReason.Failure)]
    public void Neither_a_dry_run_nor_terminating_despite_pending_uploads_ends_a_class_that_is_not_over(StopReason why)
    {
        var options = new SelfTerminateOptions { Enabled = true, DryRun = true, WithPendingUploads = true };

        Assert.That(TerminationDecision.Decide(options, why, drainCompleted: true, pendingUploads: 0), Is.EqualTo(TerminationVerdict.KeepClassNotOver));
    }

    [Test]
    public void Disabled_wins_over_every_reason() =>
        Assert.That(Enum.GetValues<StopReason>().Select(why => TerminationDecision.Decide(new SelfTerminateOptions(), why, true, 0)),
            Is.All.EqualTo(TerminationVerdict.Disabled));
}

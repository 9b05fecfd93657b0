using Encoder.Configuration;
using Encoder.Lifecycle;

namespace Encoder.Tests.Lifecycle;

public sealed class TerminationDecisionTests
{
    // enabled, dryRun, withPending, drainCompleted, pending → verdict
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

        Assert.That(TerminationDecision.Decide(options, drainCompleted, pending), Is.EqualTo(expected));
    }
}

using Encoder.Configuration;
using Encoder.Lifecycle;

namespace Encoder.Tests.Lifecycle;

public sealed class ClassEndPlanTests
{
    public enum SelfTerminate
    {
        Off,
        On,
        DryRun,
        EvenWithPendingUploads,
    }

    private static SelfTerminateOptions Settings(SelfTerminate self) => new()
    {
        Enabled = self != SelfTerminate.Off,
        DryRun = self == SelfTerminate.DryRun,
        WithPendingUploads = self == SelfTerminate.EvenWithPendingUploads,
    };

    private const bool Done = true;
    private const bool Unfinished = false;
    private const bool Kept = true;
    private const bool NotKept = false;
    private const string None = "";
    private const string Uploader = "SegmentUploader";

    // why, failed service, drain, pending, kept before, self-termination, termination outcome → volume, instance, alert, exit code
    // the class is over: everything stored
    [TestCase(StopReason.SessionEnded, None, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.Terminated, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.Clean)]
    [TestCase(StopReason.HardStop, None, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.Terminated, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.Clean)]
    [TestCase(StopReason.SessionEnded, None, Done, 0, Kept, SelfTerminate.On, TerminationOutcome.Terminated, KeepVerdict.Release, InstanceAction.Terminate, false, ExitCodes.Clean)]
    [TestCase(StopReason.SessionEnded, None, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.NotEc2, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.Clean)]
    [TestCase(StopReason.SessionEnded, None, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.Failed, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.TerminationFailed)]
    [TestCase(StopReason.SessionEnded, None, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.PowerOffRequested, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.PowerOffRequested)]
    [TestCase(StopReason.SessionEnded, None, Done, 0, NotKept, SelfTerminate.DryRun, TerminationOutcome.DryRun, KeepVerdict.Nothing, InstanceAction.DryRun, false, ExitCodes.Clean)]
    [TestCase(StopReason.SessionEnded, None, Done, 0, Kept, SelfTerminate.DryRun, TerminationOutcome.DryRun, KeepVerdict.Nothing, InstanceAction.DryRun, false, ExitCodes.Clean)]
    [TestCase(StopReason.SessionEnded, None, Done, 0, NotKept, SelfTerminate.DryRun, TerminationOutcome.Failed, KeepVerdict.Nothing, InstanceAction.DryRun, false, ExitCodes.TerminationFailed)]
    [TestCase(StopReason.SessionEnded, None, Done, 0, NotKept, SelfTerminate.Off, TerminationOutcome.NotAttempted, KeepVerdict.Nothing, InstanceAction.Nothing, false, ExitCodes.Clean)]
    // the class is over: uploads left behind
    [TestCase(StopReason.SessionEnded, None, Done, 2, NotKept, SelfTerminate.On, TerminationOutcome.NotAttempted, KeepVerdict.Keep, InstanceAction.Nothing, true, ExitCodes.UploadsPending)]
    [TestCase(StopReason.SessionEnded, None, Done, 2, Kept, SelfTerminate.On, TerminationOutcome.NotAttempted, KeepVerdict.Keep, InstanceAction.Nothing, true, ExitCodes.UploadsPending)]
    [TestCase(StopReason.ClassEndedByOperator, None, Unfinished, 0, NotKept, SelfTerminate.On, TerminationOutcome.NotAttempted, KeepVerdict.Keep, InstanceAction.Nothing, true, ExitCodes.UploadsPending)]
    [TestCase(StopReason.HardStop, None, Done, 2, NotKept, SelfTerminate.Off, TerminationOutcome.NotAttempted, KeepVerdict.Nothing, InstanceAction.Nothing, false, ExitCodes.UploadsPending)]
    [TestCase(StopReason.SessionEnded, None, Done, 2, NotKept, SelfTerminate.DryRun, TerminationOutcome.NotAttempted, KeepVerdict.Keep, InstanceAction.Nothing, true, ExitCodes.UploadsPending)]
    [TestCase(StopReason.SessionEnded, None, Done, 2, NotKept, SelfTerminate.EvenWithPendingUploads, TerminationOutcome.Terminated, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.UploadsPending)]
    [TestCase(StopReason.SessionEnded, None, Done, 2, NotKept, SelfTerminate.EvenWithPendingUploads, TerminationOutcome.NotEc2, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.UploadsPending)]
    [TestCase(StopReason.SessionEnded, None, Done, 2, NotKept, SelfTerminate.EvenWithPendingUploads, TerminationOutcome.Failed, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.UploadsPending)]
    [TestCase(StopReason.SessionEnded, None, Unfinished, 0, NotKept, SelfTerminate.EvenWithPendingUploads, TerminationOutcome.PowerOffRequested, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.PowerOffRequested)]
    // the class is not over: whatever is pending goes up at the next start
    [TestCase(StopReason.OperatorStop, None, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.NotAttempted, KeepVerdict.Nothing, InstanceAction.Nothing, false, ExitCodes.Clean)]
    [TestCase(StopReason.OperatorStop, None, Done, 2, NotKept, SelfTerminate.On, TerminationOutcome.NotAttempted, KeepVerdict.Nothing, InstanceAction.Nothing, false, ExitCodes.Clean)]
    [TestCase(StopReason.OperatorStop, None, Unfinished, 0, Kept, SelfTerminate.On, TerminationOutcome.NotAttempted, KeepVerdict.Nothing, InstanceAction.Nothing, false, ExitCodes.Clean)]
    [TestCase(StopReason.OperatorStop, None, Done, 2, NotKept, SelfTerminate.Off, TerminationOutcome.NotAttempted, KeepVerdict.Nothing, InstanceAction.Nothing, false, ExitCodes.Clean)]
    // a service failed: 1, so systemd restarts the daemon, even with uploads pending (only a poweroff asked for wins)
    [TestCase(StopReason.Failure, Uploader, Done, 2, NotKept, SelfTerminate.On, TerminationOutcome.NotAttempted, KeepVerdict.Nothing, InstanceAction.Nothing, false, ExitCodes.Failure)]
    [TestCase(StopReason.Failure, Uploader, Unfinished, 0, NotKept, SelfTerminate.Off, TerminationOutcome.NotAttempted, KeepVerdict.Nothing, InstanceAction.Nothing, false, ExitCodes.Failure)]
    [TestCase(StopReason.SessionEnded, Uploader, Done, 2, NotKept, SelfTerminate.On, TerminationOutcome.NotAttempted, KeepVerdict.Keep, InstanceAction.Nothing, true, ExitCodes.Failure)]
    [TestCase(StopReason.SessionEnded, Uploader, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.Terminated, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.Failure)]
    [TestCase(StopReason.SessionEnded, Uploader, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.Failed, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.Failure)]
    [TestCase(StopReason.SessionEnded, Uploader, Done, 0, NotKept, SelfTerminate.On, TerminationOutcome.PowerOffRequested, KeepVerdict.Nothing, InstanceAction.Terminate, false, ExitCodes.PowerOffRequested)]
    public void The_class_s_end_is_one_plan_and_one_exit_code(StopReason why, string failedService, bool drain, int pending, bool keptBefore, SelfTerminate self,
        TerminationOutcome outcome, KeepVerdict volume, InstanceAction instance, bool alert, int exitCode)
    {
        var facts = new ClassEndFacts(why, failedService.Length > 0 ? [failedService] : [], drain, pending, keptBefore);

        var plan = ClassEnd.Plan(Settings(self), facts);

        Assert.That((plan.Volume, plan.Instance, plan.Alert), Is.EqualTo((volume, instance, alert)));
        Assert.That(outcome == TerminationOutcome.NotAttempted, Is.EqualTo(plan.Instance == InstanceAction.Nothing), "a row's outcome is one the plan can have");
        Assert.That(ClassEnd.ExitCode(plan, outcome), Is.EqualTo(exitCode));
    }

    // fallback on, action, outcome, machine known to be EC2 → falls back
    [TestCase(true, InstanceAction.Terminate, TerminationOutcome.Failed, true, true)]
    [TestCase(true, InstanceAction.Terminate, TerminationOutcome.Failed, false, false)]
    [TestCase(false, InstanceAction.Terminate, TerminationOutcome.Failed, true, false)]
    [TestCase(true, InstanceAction.DryRun, TerminationOutcome.Failed, true, false)]
    [TestCase(true, InstanceAction.Terminate, TerminationOutcome.Terminated, true, false)]
    [TestCase(true, InstanceAction.Terminate, TerminationOutcome.NotEc2, false, false)]
    public void A_failed_termination_falls_back_to_the_poweroff_only_when_enabled_never_in_a_dry_run_and_only_on_a_machine_known_to_be_EC2(
        bool fallback, InstanceAction action, TerminationOutcome outcome, bool knownEc2, bool expected) =>
        Assert.That(ClassEnd.FallsBack(new SelfTerminateOptions { Enabled = true, ShutdownFallback = fallback }, action, new TerminationAttempt(outcome, knownEc2, "i-1")),
            Is.EqualTo(expected));

    [Test]
    public void Every_plan_and_outcome_has_one_of_the_daemon_s_exit_codes()
    {
        var codes = new[] { ExitCodes.Clean, ExitCodes.Failure, ExitCodes.UploadsPending, ExitCodes.TerminationFailed, ExitCodes.PowerOffRequested };
        var all =
            from why in Enum.GetValues<StopReason>()
            from failed in new[] { false, true }
            from drain in new[] { false, true }
            from pending in new[] { 0, 2 }
            from kept in new[] { false, true }
            from self in Enum.GetValues<SelfTerminate>()
            from outcome in Enum.GetValues<TerminationOutcome>()
            let plan = ClassEnd.Plan(Settings(self), new ClassEndFacts(why, failed ? [Uploader] : [], drain, pending, kept))
            select (plan, failed, outcome, code: ClassEnd.ExitCode(plan, outcome));

        foreach (var (plan, failed, outcome, code) in all)
        {
            Assert.That(codes, Does.Contain(code));
            if (failed && outcome != TerminationOutcome.PowerOffRequested)
                Assert.That(code, Is.EqualTo(ExitCodes.Failure), $"{plan} {outcome}: a failure is 1");
        }
    }
}

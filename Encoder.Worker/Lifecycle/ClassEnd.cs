using Encoder.Configuration;

namespace Encoder.Lifecycle;

/// <summary>
/// What the services reported by the time every one of them has stopped: facts, not exit codes.
/// </summary>
/// <param name="Why">Why the host stopped (<see cref="StopCause"/>).</param>
/// <param name="FailedServices">The hosted services that failed (<see cref="StopCause.FailedServices"/>); empty when none did.</param>
/// <param name="DrainCompleted">The uploader's drain finished (whether or not it stored everything).</param>
/// <param name="PendingUploads">What the drain could not store.</param>
/// <param name="KeptBefore">An earlier run kept the recording past the instance (its marker is on the machine).</param>
public sealed record ClassEndFacts(StopReason Why, IReadOnlyList<string> FailedServices, bool DrainCompleted, int PendingUploads, bool KeptBefore)
{
    /// <summary>The drain left uploads behind, or never finished, so nobody knows what is stored.</summary>
    public bool UploadsAtRisk => !DrainCompleted || PendingUploads > 0;
}

/// <summary>What the class's end does with this instance.</summary>
public enum InstanceAction
{
    /// <summary>Leave it running: the class is not over, self-termination is off, or it is kept for its uploads.</summary>
    Nothing,

    /// <summary>Look the instance up and say what would be terminated.</summary>
    DryRun,

    /// <summary>Terminate it, falling back to a poweroff when that fails and the fallback is on.</summary>
    Terminate,
}

/// <summary>How the termination step ended, as <see cref="SelfTerminator"/> reports it.</summary>
public enum TerminationOutcome
{
    /// <summary>The plan terminates nothing.</summary>
    NotAttempted,

    /// <summary>EC2 accepted TerminateInstances.</summary>
    Terminated,

    /// <summary>A dry run looked the instance up and named it.</summary>
    DryRun,

    /// <summary>The metadata service did not answer and the firmware does not say EC2: a laptop, a CI runner.</summary>
    NotEc2,

    /// <summary>Termination was due and did not happen (IMDSv2 refused; EC2 refused, kept failing or was out of time; a metadata service silent on EC2), and no fallback took over.</summary>
    Failed,

    /// <summary>It failed on a machine known to be EC2 and the fallback asked encoder.service for the poweroff.</summary>
    PowerOffRequested,
}

/// <summary>What the class's end step does, in order (keep or release the volume, then the instance), and the exit code if acting changes nothing.</summary>
/// <param name="Verdict">Why the instance is or is not terminated (<see cref="TerminationDecision"/>).</param>
/// <param name="Volume">Keep the recording past the instance, release what an earlier run kept, or nothing (<see cref="KeepDecision"/>).</param>
/// <param name="Alert">Raise the alarm: the class is over and this machine holds the only copy of part of it.</param>
/// <param name="ExitCode">The exit code unless the termination step's outcome changes it (<see cref="ClassEnd.ExitCode"/>).</param>
public sealed record ClassEndPlan(TerminationVerdict Verdict, KeepVerdict Volume, InstanceAction Instance, bool Alert, int ExitCode);

/// <summary>
/// The class's end, decided once, after every hosted service has stopped: what to do with the recording's volume and
/// with the instance, and the daemon's exit code. Pure; <see cref="ClassEndStep"/> carries it out.
/// <list type="bullet">
/// <item>A service failed → exit <see cref="ExitCodes.Failure"/> (1), even with uploads pending: systemd restarts the
/// daemon and the class goes on (a failure never ends the class; <see cref="StopReason.Failure"/>).</item>
/// <item>The class is over and the drain left uploads behind (or never finished) → <see cref="ExitCodes.UploadsPending"/>
/// (3): the local copy is the only one. A stop that does not end the class exits 0 whatever is pending: the next start
/// uploads it.</item>
/// <item>Termination due and failed → <see cref="ExitCodes.TerminationFailed"/> (4); its fallback asked for the poweroff
/// → <see cref="ExitCodes.PowerOffRequested"/> (5), which wins over everything (the class is over: the instance must go).</item>
/// <item>Otherwise <see cref="ExitCodes.Clean"/> (0). Configuration errors (2) end the start before any of this.</item>
/// </list>
/// </summary>
public static class ClassEnd
{
    public static ClassEndPlan Plan(SelfTerminateOptions options, ClassEndFacts facts)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(facts);
        var verdict = TerminationDecision.Decide(options, facts.Why, facts.DrainCompleted, facts.PendingUploads);
        var volume = KeepDecision.Decide(verdict, facts.KeptBefore);
        var instance = verdict switch
        {
            TerminationVerdict.DryRun => InstanceAction.DryRun,
            TerminationVerdict.Terminate or TerminationVerdict.TerminateDespitePendingUploads => InstanceAction.Terminate,
            _ => InstanceAction.Nothing,
        };
        var alert = verdict is TerminationVerdict.KeepUploadsPending or TerminationVerdict.KeepDrainUnfinished;
        var exitCode = facts.FailedServices.Count > 0 ? ExitCodes.Failure
            : facts.Why.EndsTheClass() && facts.UploadsAtRisk ? ExitCodes.UploadsPending
            : ExitCodes.Clean;
        return new ClassEndPlan(verdict, volume, instance, alert, exitCode);
    }

    /// <summary>
    /// Whether a failed termination falls back to the poweroff: only when <c>SelfTerminate:ShutdownFallback</c> is on,
    /// never in a dry run, and only on a machine known to be EC2 (IMDSv2 named it, or its metadata service stayed silent
    /// on a machine whose firmware says EC2): halting a machine that is not one (a laptop) would be a disaster.
    /// </summary>
    public static bool FallsBack(SelfTerminateOptions options, InstanceAction action, TerminationAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(attempt);
        return options.ShutdownFallback && action == InstanceAction.Terminate && attempt is { Outcome: TerminationOutcome.Failed, KnownEc2: true };
    }

    /// <summary>The daemon's exit code once the plan was carried out.</summary>
    public static int ExitCode(ClassEndPlan plan, TerminationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return outcome switch
        {
            TerminationOutcome.PowerOffRequested => ExitCodes.PowerOffRequested,
            _ when plan.ExitCode != ExitCodes.Clean => plan.ExitCode,
            TerminationOutcome.Failed => ExitCodes.TerminationFailed,
            _ => ExitCodes.Clean,
        };
    }
}

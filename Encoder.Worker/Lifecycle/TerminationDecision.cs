using Encoder.Configuration;

namespace Encoder.Lifecycle;

public enum TerminationVerdict
{
    /// <summary><c>SelfTerminate:Enabled</c> is false: the machine keeps running, as on a laptop.</summary>
    Disabled,

    /// <summary>
    /// The class is not over (an operator's stop, a restart, a reboot, a failure): exit without terminating, so the
    /// class resumes when the service starts again.
    /// </summary>
    KeepClassNotOver,

    /// <summary>The drain left uploads behind: this machine holds the only copy, so it stays for an operator.</summary>
    KeepUploadsPending,

    /// <summary>The drain never finished, so nobody knows what is stored: keep the machine, like pending uploads.</summary>
    KeepDrainUnfinished,

    /// <summary>Look the instance up and say what would be terminated; terminate nothing.</summary>
    DryRun,

    /// <summary>Everything is stored: terminate.</summary>
    Terminate,

    /// <summary>Uploads are pending (or unknown) but <c>SelfTerminate:WithPendingUploads</c> says terminate anyway.</summary>
    TerminateDespitePendingUploads,
}

/// <summary>
/// Whether the class's instance may be terminated, from the options, why the daemon stopped and what the upload drain
/// achieved. Only a stop that ends the class (the session's end, an operator's <c>encoder end-class</c>, the hard stop)
/// may terminate; a SIGTERM alone (stop, restart, reboot) or a failure never does.
/// </summary>
public static class TerminationDecision
{
    public static TerminationVerdict Decide(SelfTerminateOptions options, StopReason why, bool drainCompleted, int pendingUploads)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
            return TerminationVerdict.Disabled;
        if (!why.EndsTheClass())
            return TerminationVerdict.KeepClassNotOver;

        var uploadsAtRisk = !drainCompleted || pendingUploads > 0;
        if (uploadsAtRisk && !options.WithPendingUploads)
            return drainCompleted ? TerminationVerdict.KeepUploadsPending : TerminationVerdict.KeepDrainUnfinished;
        if (options.DryRun)
            return TerminationVerdict.DryRun;
        return uploadsAtRisk ? TerminationVerdict.TerminateDespitePendingUploads : TerminationVerdict.Terminate;
    }
}

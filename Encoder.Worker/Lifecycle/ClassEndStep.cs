using Encoder.Configuration;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>
/// The last step of every stop: it reads what the services reported (why the host stopped, which failed, what the
/// drain stored, what an earlier run kept), asks <see cref="ClassEnd"/> for the plan, carries it out in order — keep or
/// release the recording's volume (<see cref="PendingUploadsKeeper"/>), then terminate or name the instance, then the
/// fallback (<see cref="SelfTerminator"/>) — each within its slice of <see cref="StopBudget"/>, and decides the exit
/// code (<see cref="DaemonExit"/>). It acts in <see cref="StoppedAsync"/>, which the host calls only after every hosted
/// service has stopped: after FFmpeg has flushed and the uploader has drained.
/// </summary>
public sealed class ClassEndStep(
    EncoderOptions options,
    StopCause cause,
    UploadDrainReport drain,
    RecordingLayout layout,
    PendingUploadsKeeper keeper,
    SelfTerminator terminator,
    DaemonExit exit,
    TimeProvider time,
    ILogger<ClassEndStep> logger) : IHostedLifecycleService
{
    private SelfTerminateOptions Settings => options.SelfTerminate;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Settings.Enabled)
            logger.LogInformation(
                "Self-termination is on: once the recording is stored, this EC2 instance is terminated (dry run {DryRun}, even with pending uploads {WithPendingUploads}, shutdown fallback {ShutdownFallback}, within {TimeoutSeconds}s)",
                Settings.DryRun, Settings.WithPendingUploads, Settings.ShutdownFallback, Settings.TimeoutSeconds);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        var facts = new ClassEndFacts(cause.Reason ?? StopReason.OperatorStop, cause.FailedServices(), drain.Completed, drain.Pending.Count, keeper.KeptBefore);
        var plan = ClassEnd.Plan(Settings, facts);
        var budget = StopBudget.From(options);
        var started = time.GetTimestamp();

        switch (plan.Volume)
        {
            case KeepVerdict.Keep:
                await BoundedAsync(budget.Termination, keeper.KeepAsync, cancellationToken).ConfigureAwait(false);
                break;
            case KeepVerdict.Release:
                await BoundedAsync(PendingUploadsKeeper.ReleaseBudget, keeper.ReleaseAsync, cancellationToken).ConfigureAwait(false);
                break;
        }

        SayWhatBecomesOfTheInstance(plan, facts);
        var outcome = TerminationOutcome.NotAttempted;
        if (plan.Instance != InstanceAction.Nothing)
        {
            var slice = budget.Termination - (Settings.ShutdownFallback ? SelfTerminator.FallbackReserve : TimeSpan.Zero);
            var attempt = await terminator.TerminateAsync(plan.Instance, slice, cancellationToken).ConfigureAwait(false);
            outcome = attempt.Outcome;
            if (ClassEnd.FallsBack(Settings, plan.Instance, attempt))
                outcome = await terminator.FallBackAsync(attempt).ConfigureAwait(false) ? TerminationOutcome.PowerOffRequested : TerminationOutcome.Failed;
            else if (attempt is { Outcome: TerminationOutcome.Failed, KnownEc2: true } && plan.Instance == InstanceAction.Terminate)
                terminator.KeepsRunning(attempt, "Encoder:SelfTerminate:ShutdownFallback is off");
        }

        if (plan.Verdict is not (TerminationVerdict.Disabled or TerminationVerdict.KeepClassNotOver))
            logger.LogInformation("Self-termination step finished in {Seconds:0.00}s", time.GetElapsedTime(started).TotalSeconds);

        var code = ClassEnd.ExitCode(plan, outcome);
        exit.Decide(code);
        if (code == ExitCodes.Failure)
            logger.LogError("Exiting with code {ExitCode} so systemd restarts the daemon: {Services} failed", code, facts.FailedServices);
        else
            logger.Log(code == ExitCodes.Clean ? LogLevel.Information : LogLevel.Warning, "Exiting with code {ExitCode}: {Meaning}", code, ExitCodes.Meaning(code));
    }

    private async Task BoundedAsync(TimeSpan slice, Func<TimeSpan, CancellationToken, Task> step, CancellationToken hostToken)
    {
        using var budget = new CancellationTokenSource(slice, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(hostToken, budget.Token);
        await step(slice, bounded.Token).ConfigureAwait(false);
    }

    private void SayWhatBecomesOfTheInstance(ClassEndPlan plan, ClassEndFacts facts)
    {
        if (plan.Alert && facts.DrainCompleted)
            logger.LogCritical(
                "ALERT: keeping this instance running: {Count} uploads are still pending after the drain and exist only on this machine, in {Directory}: {Pending}. " +
                "Recover them, then terminate the instance (Encoder:SelfTerminate:WithPendingUploads=true would have terminated it anyway)",
                drain.Pending.Count, layout.SessionDirectory, drain.Pending);
        else if (plan.Alert)
            logger.LogCritical(
                "ALERT: keeping this instance running: the upload drain did not finish, so the recording in {Directory} may exist only on this machine. " +
                "Recover it, then terminate the instance", layout.SessionDirectory);
        else if (plan.Verdict == TerminationVerdict.Disabled)
            logger.LogInformation("Self-termination is disabled; this machine keeps running");
        else if (plan.Verdict == TerminationVerdict.KeepClassNotOver)
            logger.LogInformation("Not terminating this instance: {Reason}. Starting the service again resumes the class", facts.Why.Describe());
        else if (plan.Verdict == TerminationVerdict.TerminateDespitePendingUploads)
            logger.LogWarning("Terminating despite pending uploads (Encoder:SelfTerminate:WithPendingUploads=true): {Count} objects in {Directory} are lost: {Pending}",
                drain.Pending.Count, layout.SessionDirectory, drain.Pending);
    }
}

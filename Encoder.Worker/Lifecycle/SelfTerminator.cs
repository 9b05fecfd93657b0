using Encoder.Aws;
using Encoder.Configuration;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>
/// The last step of a class: terminate this EC2 instance. It acts in <see cref="StoppedAsync"/>, which the host calls
/// only after every hosted service has stopped — so after FFmpeg has flushed and the uploader has drained. Whether it
/// may act is <see cref="TerminationDecision"/>'s call; the whole step is bounded by <c>SelfTerminate:TimeoutSeconds</c>.
/// </summary>
public sealed class SelfTerminator(
    EncoderOptions options,
    UploadDrainReport drain,
    StopCause cause,
    RecordingLayout layout,
    IInstanceMetadata metadata,
    IInstanceTerminator terminator,
    IShutdownCommand shutdown,
    DaemonOutcome outcome,
    TimeProvider time,
    ILogger<SelfTerminator> logger) : IHostedLifecycleService
{
    /// <summary>Held back from the termination attempt for the shutdown fallback, when that is enabled.</summary>
    public static readonly TimeSpan FallbackReserve = TimeSpan.FromSeconds(5);

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
        var why = cause.Reason ?? StopReason.OperatorStop;
        var verdict = TerminationDecision.Decide(Settings, why, drain.Completed, drain.Pending.Count);
        if (verdict == TerminationVerdict.Disabled)
        {
            logger.LogInformation("Self-termination is disabled; this machine keeps running");
            return;
        }

        if (verdict == TerminationVerdict.KeepClassNotOver)
        {
            logger.LogInformation("Not terminating this instance: {Reason}. Starting the service again resumes the class", why.Describe());
            return;
        }

        var started = time.GetTimestamp();
        try
        {
            await ActAsync(verdict, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            logger.LogInformation("Self-termination step finished in {Seconds:0.00}s", time.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task ActAsync(TerminationVerdict verdict, CancellationToken hostToken)
    {
        switch (verdict)
        {
            case TerminationVerdict.KeepUploadsPending:
                logger.LogCritical(
                    "ALERT: keeping this instance running: {Count} uploads are still pending after the drain and exist only on this machine, in {Directory}: {Pending}. " +
                    "Recover them, then terminate the instance (Encoder:SelfTerminate:WithPendingUploads=true would have terminated it anyway)",
                    drain.Pending.Count, layout.SessionDirectory, drain.Pending);
                outcome.Report(ExitCodes.UploadsPending);
                return;
            case TerminationVerdict.KeepDrainUnfinished:
                logger.LogCritical(
                    "ALERT: keeping this instance running: the upload drain did not finish, so the recording in {Directory} may exist only on this machine. " +
                    "Recover it, then terminate the instance", layout.SessionDirectory);
                outcome.Report(ExitCodes.UploadsPending);
                return;
            case TerminationVerdict.TerminateDespitePendingUploads:
                logger.LogWarning("Terminating despite pending uploads (Encoder:SelfTerminate:WithPendingUploads=true): {Count} objects in {Directory} are lost: {Pending}",
                    drain.Pending.Count, layout.SessionDirectory, drain.Pending);
                break;
        }

        var budget = StopBudget.From(options).Termination - (Settings.ShutdownFallback ? FallbackReserve : TimeSpan.Zero);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(hostToken);
        bounded.CancelAfter(budget);
        InstanceIdentity? instance = null;
        try
        {
            var lookup = await metadata.GetIdentityAsync(bounded.Token).ConfigureAwait(false);
            switch (lookup.Status)
            {
                case MetadataStatus.Unreachable:
                    logger.LogWarning("Not terminating: the instance metadata service at {Endpoint} did not answer ({Detail}), so this is not an EC2 instance",
                        metadata.Endpoint, lookup.Detail);
                    return;
                case MetadataStatus.Refused:
                    logger.LogError("Not terminating: the instance metadata service at {Endpoint} refused IMDSv2 ({Detail}); IMDSv1 is never used. This instance keeps running",
                        metadata.Endpoint, lookup.Detail);
                    outcome.Report(ExitCodes.TerminationFailed);
                    return;
            }

            instance = lookup.Identity!;
            if (verdict == TerminationVerdict.DryRun)
            {
                logger.LogInformation("Dry run (Encoder:SelfTerminate:DryRun): would terminate instance {InstanceId} in {Region}; terminating nothing",
                    instance.InstanceId, instance.Region);
                return;
            }

            logger.LogInformation("Terminating instance {InstanceId} in {Region}", instance.InstanceId, instance.Region);
            var result = await terminator.TerminateAsync(instance, bounded.Token).ConfigureAwait(false);
            logger.LogInformation("EC2 is terminating instance {InstanceId}: {PreviousState} -> {CurrentState}",
                instance.InstanceId, result.PreviousState, result.CurrentState);
        }
#pragma warning disable CA1031 // whatever failed, the answer is the same: say so, fall back if allowed, exit 4
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var reason = bounded.IsCancellationRequested
                ? $"out of time ({budget.TotalSeconds:0}s for the termination step)"
                : Ec2Retry.Describe(ex);
            logger.LogError(ex, "Terminating instance {InstanceId} failed: {Reason}", instance?.InstanceId ?? "(not yet known)", reason);
            if (instance is null || !await FallBackAsync(instance).ConfigureAwait(false))
                outcome.Report(ExitCodes.TerminationFailed);
        }
    }

    /// <summary>Only for a known EC2 instance: halting a machine that is not one (a laptop) would be a disaster.</summary>
    private async Task<bool> FallBackAsync(InstanceIdentity instance)
    {
        if (!Settings.ShutdownFallback)
        {
            logger.LogError("Instance {InstanceId} keeps running (Encoder:SelfTerminate:ShutdownFallback is off)", instance.InstanceId);
            return false;
        }

        using var bounded = new CancellationTokenSource(FallbackReserve);
        string? problem;
        try
        {
            problem = await shutdown.RunAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            problem = $"no answer within {FallbackReserve.TotalSeconds:0}s";
        }

        if (problem is null)
        {
            logger.LogWarning("Fallback for instance {InstanceId}: {Command}; EC2 terminates it if it was launched with InstanceInitiatedShutdownBehavior=terminate",
                instance.InstanceId, shutdown.Description);
            return true;
        }

        logger.LogError("Fallback {Command} failed on instance {InstanceId}: {Problem}. The instance keeps running", shutdown.Description, instance.InstanceId, problem);
        return false;
    }
}

using Encoder.Aws;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>How a termination attempt ended.</summary>
/// <param name="KnownEc2">The machine is known to be EC2: IMDSv2 named it, or stayed silent on a machine whose firmware says EC2.</param>
/// <param name="Instance">The instance id, for log lines, or "(not yet known)".</param>
public sealed record TerminationAttempt(TerminationOutcome Outcome, bool KnownEc2, string Instance);

/// <summary>
/// Terminates this EC2 instance when <see cref="ClassEnd"/>'s plan says so (or, in a dry run, names it), and halts it
/// when that fails and the fallback applies. Decides nothing itself; <see cref="ClassEndStep"/> calls it last, within
/// the termination slice, and turns its outcome into the exit code.
/// </summary>
public sealed class SelfTerminator(
    InstanceLookup lookup,
    IInstanceTerminator terminator,
    IShutdownCommand shutdown,
    TimeProvider time,
    ILogger<SelfTerminator> logger)
{
    /// <summary>Held back from the termination attempt for the shutdown fallback, when that is enabled.</summary>
    public static readonly TimeSpan FallbackReserve = TimeSpan.FromSeconds(5);

    private const string NotYetKnown = "(not yet known)";

    /// <summary>Looks the instance up (asking again on a machine that says it is EC2), then terminates it or names it.</summary>
    /// <param name="slice">The whole attempt's bound; the host's <paramref name="hostToken"/> bounds it too.</param>
    public async Task<TerminationAttempt> TerminateAsync(InstanceAction action, TimeSpan slice, CancellationToken hostToken)
    {
        using var budget = new CancellationTokenSource(slice, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(hostToken, budget.Token);
        var knownEc2 = lookup.MachineSaysEc2;
        InstanceIdentity? instance = null;
        try
        {
            var found = await lookup.FindAsync(slice, bounded.Token).ConfigureAwait(false);
            switch (found.Last.Status)
            {
                case MetadataStatus.Unreachable when !found.MachineSaysEc2:
                    logger.LogWarning("Not terminating: the instance metadata service at {Endpoint} did not answer ({Detail}), so this is not an EC2 instance",
                        lookup.Endpoint, found.Last.Detail);
                    return new TerminationAttempt(TerminationOutcome.NotEc2, false, NotYetKnown);
                case MetadataStatus.Unreachable:
                    logger.LogError("Terminating failed: the instance metadata service at {Endpoint} did not answer in {Attempts} attempts within {Seconds:0}s ({Detail}), though this machine's firmware says it is EC2",
                        lookup.Endpoint, found.Attempts, slice.TotalSeconds, found.Last.Detail);
                    return new TerminationAttempt(TerminationOutcome.Failed, true, NotYetKnown);
                case MetadataStatus.Refused:
                    logger.LogError("Not terminating: the instance metadata service at {Endpoint} refused IMDSv2 ({Detail}); IMDSv1 is never used. This instance keeps running",
                        lookup.Endpoint, found.Last.Detail);
                    return new TerminationAttempt(TerminationOutcome.Failed, false, NotYetKnown);
            }

            instance = found.Last.Identity!;
            knownEc2 = true;
            if (action == InstanceAction.DryRun)
            {
                logger.LogInformation("Dry run (Encoder:SelfTerminate:DryRun): would terminate instance {InstanceId} in {Region}; terminating nothing",
                    instance.InstanceId, instance.Region);
                return new TerminationAttempt(TerminationOutcome.DryRun, true, instance.InstanceId);
            }

            logger.LogInformation("Terminating instance {InstanceId} in {Region}", instance.InstanceId, instance.Region);
            var result = await terminator.TerminateAsync(instance, bounded.Token).ConfigureAwait(false);
            logger.LogInformation("EC2 is terminating instance {InstanceId}: {PreviousState} -> {CurrentState}",
                instance.InstanceId, result.PreviousState, result.CurrentState);
            return new TerminationAttempt(TerminationOutcome.Terminated, true, instance.InstanceId);
        }
#pragma warning disable CA1031 // whatever failed, the answer is the same: say so; the step falls back if allowed
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var reason = bounded.IsCancellationRequested
                ? $"out of time ({slice.TotalSeconds:0}s for the termination step)"
                : Ec2Retry.Describe(ex);
            logger.LogError(ex, "Terminating instance {InstanceId} failed: {Reason}", instance?.InstanceId ?? NotYetKnown, reason);
            return new TerminationAttempt(TerminationOutcome.Failed, knownEc2, instance?.InstanceId ?? NotYetKnown);
        }
    }

    /// <summary>Says that a failed termination leaves the instance running (no fallback applies).</summary>
    public void KeepsRunning(TerminationAttempt attempt, string why)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        logger.LogError("Instance {InstanceId} keeps running ({Why})", attempt.Instance, why);
    }

    /// <summary>The fallback, bounded by <see cref="FallbackReserve"/>: true when the halt was asked for.</summary>
    public async Task<bool> FallBackAsync(TerminationAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        using var bounded = new CancellationTokenSource(FallbackReserve, time);
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
                attempt.Instance, shutdown.Description);
            return true;
        }

        logger.LogError("Fallback {Command} failed on instance {InstanceId}: {Problem}. The instance keeps running", shutdown.Description, attempt.Instance, problem);
        return false;
    }
}

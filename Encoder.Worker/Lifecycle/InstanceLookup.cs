using Encoder.Aws;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

public enum MetadataMissVerdict
{
    /// <summary>The firmware does not say EC2: a machine without a metadata service is no EC2 instance.</summary>
    NotEc2,

    /// <summary>An EC2 instance whose metadata service is slow or briefly away: ask again after <see cref="MetadataMiss.RetryDelay"/>.</summary>
    AskAgain,

    /// <summary>An EC2 instance whose metadata service never answered within the slice: the caller falls back.</summary>
    GiveUp,
}

/// <summary>
/// What a metadata miss (no answer within a request's timeout) means. On a machine whose firmware does not say it is
/// EC2 (<see cref="DmiIdentity"/>) it means "not on EC2", at once. On one that does, it is a metadata service slow to
/// answer: it is asked again, <see cref="RetryDelay"/> after each miss, as long as another attempt (as long as the last
/// one took) fits in what is left of the step's slice; then the step gives up and, for termination, falls back.
/// </summary>
public static class MetadataMiss
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public static MetadataMissVerdict Decide(bool machineSaysEc2, TimeSpan left, TimeSpan lastAttemptTook) =>
        !machineSaysEc2 ? MetadataMissVerdict.NotEc2
        : left >= RetryDelay + lastAttemptTook ? MetadataMissVerdict.AskAgain
        : MetadataMissVerdict.GiveUp;
}

/// <summary>The last answer of a lookup, how many attempts it took, and whether the firmware says EC2.</summary>
public sealed record InstanceLookupResult(MetadataLookup Last, int Attempts, bool MachineSaysEc2);

/// <summary>
/// Which EC2 instance this is, for the class's end: IMDSv2 (<see cref="IInstanceMetadata"/>), asked again after a miss
/// as <see cref="MetadataMiss"/> decides, within the caller's slice. An identity once found is kept: the keep and the
/// termination of one stop ask once.
/// </summary>
public sealed class InstanceLookup(IInstanceMetadata metadata, DmiIdentity machine, TimeProvider time, ILogger<InstanceLookup> logger)
{
    private InstanceIdentity? _found;

    public Uri Endpoint => metadata.Endpoint;

    public bool MachineSaysEc2 => machine.MachineSaysEc2;

    /// <summary>The root volume's device, or null when it cannot be read (see <see cref="IInstanceMetadata.GetRootDeviceAsync"/>).</summary>
    public Task<string?> GetRootDeviceAsync(CancellationToken cancellationToken) => metadata.GetRootDeviceAsync(cancellationToken);

    /// <param name="slice">How long the caller gives it; <paramref name="cancellationToken"/> enforces it.</param>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public async Task<InstanceLookupResult> FindAsync(TimeSpan slice, CancellationToken cancellationToken)
    {
        if (_found is { } known)
            return new InstanceLookupResult(MetadataLookup.Found(known), 0, machine.MachineSaysEc2);

        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var attemptStarted = time.GetTimestamp();
            var lookup = await metadata.GetIdentityAsync(cancellationToken).ConfigureAwait(false);
            _found = lookup.Identity;
            if (lookup.Status != MetadataStatus.Unreachable)
                return new InstanceLookupResult(lookup, attempt, machine.MachineSaysEc2);

            var verdict = MetadataMiss.Decide(machine.MachineSaysEc2, slice - time.GetElapsedTime(started), time.GetElapsedTime(attemptStarted));
            if (verdict != MetadataMissVerdict.AskAgain)
                return new InstanceLookupResult(lookup, attempt, machine.MachineSaysEc2);
            logger.LogWarning("The instance metadata service at {Endpoint} did not answer ({Detail}), though this machine's firmware says it is EC2: asking again in {Seconds:0.#}s (attempt {Attempt})",
                metadata.Endpoint, lookup.Detail, MetadataMiss.RetryDelay.TotalSeconds, attempt + 1);
            await Task.Delay(MetadataMiss.RetryDelay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}

namespace Encoder.Aws;

/// <summary>What EC2 reported for the instance: e.g. <c>running</c> → <c>shutting-down</c>.</summary>
public sealed record TerminationResult(string PreviousState, string CurrentState);

/// <summary>EC2's TerminateInstances on one instance: the side effect that ends the class's machine.</summary>
public interface IInstanceTerminator
{
    /// <summary>Throws when EC2 refuses or keeps failing after the retries; stops retrying when <paramref name="cancellationToken"/> is cancelled.</summary>
    Task<TerminationResult> TerminateAsync(InstanceIdentity instance, CancellationToken cancellationToken);
}

namespace Encoder.Aws;

/// <summary>
/// The EC2 side of keeping a recording past its instance: the root volume's fate at termination, and a tag on the
/// instance that anyone outside can see. Only ever the calling instance (the role allows nothing else).
/// </summary>
public interface IInstanceKeeper
{
    /// <summary>ModifyInstanceAttribute: whether <paramref name="deviceName"/>'s EBS volume is deleted when the instance is terminated.</summary>
    Task SetDeleteOnTerminationAsync(InstanceIdentity instance, string deviceName, bool deleteOnTermination, CancellationToken cancellationToken);

    /// <summary>CreateTags on the instance (it replaces a tag's value).</summary>
    Task TagAsync(InstanceIdentity instance, string key, string value, CancellationToken cancellationToken);
}

using Amazon.EC2;
using Amazon.EC2.Model;
using Polly;

namespace Encoder.Aws;

/// <summary>The keeper's EC2 calls through the AWS SDK, with <see cref="Ec2Retry"/> deciding what is retried.</summary>
public sealed class Ec2InstanceKeeper(Func<InstanceIdentity, IAmazonEC2> clients, ResiliencePipeline retry) : IInstanceKeeper
{
    public async Task SetDeleteOnTerminationAsync(InstanceIdentity instance, string deviceName, bool deleteOnTermination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        using var ec2 = clients(instance);
        await retry.ExecuteAsync(
            async ct => await ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest
            {
                InstanceId = instance.InstanceId,
                BlockDeviceMappings = [new InstanceBlockDeviceMappingSpecification { DeviceName = deviceName, Ebs = new EbsInstanceBlockDeviceSpecification { DeleteOnTermination = deleteOnTermination } }],
            }, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task TagAsync(InstanceIdentity instance, string key, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        using var ec2 = clients(instance);
        await retry.ExecuteAsync(
            async ct => await ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [instance.InstanceId], Tags = [new Tag(key, value)] }, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }
}

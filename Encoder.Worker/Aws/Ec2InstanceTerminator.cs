using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Polly;

namespace Encoder.Aws;

/// <summary>TerminateInstances through the AWS SDK, with <see cref="Ec2Retry"/> deciding what is retried.</summary>
public sealed class Ec2InstanceTerminator(Func<InstanceIdentity, IAmazonEC2> clients, ResiliencePipeline retry) : IInstanceTerminator
{
    /// <summary>One HTTP attempt's bound; the retries and the whole step have their own.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The production client: the instance's own region, the SDK's default credentials (on EC2 the instance profile;
    /// <c>AWS_ENDPOINT_URL_EC2</c> is honoured), no SDK retries — <see cref="Ec2Retry"/> is the one retry policy.
    /// </summary>
    public static IAmazonEC2 CreateClient(InstanceIdentity instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return new AmazonEC2Client(new AmazonEC2Config
        {
            RegionEndpoint = RegionEndpoint.GetBySystemName(instance.Region),
            Timeout = AttemptTimeout,
            MaxErrorRetry = 0,
        });
    }

    public async Task<TerminationResult> TerminateAsync(InstanceIdentity instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        using var ec2 = clients(instance);
        var response = await retry.ExecuteAsync(
            async ct => await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instance.InstanceId] }, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        // AWSSDK v4: collections are null when empty.
        var change = response.TerminatingInstances?.FirstOrDefault(c => c.InstanceId == instance.InstanceId)
            ?? throw new InvalidOperationException($"EC2 accepted TerminateInstances but did not report instance {instance.InstanceId}");
        return new TerminationResult(change.PreviousState?.Name?.Value ?? "unknown", change.CurrentState?.Name?.Value ?? "unknown");
    }
}

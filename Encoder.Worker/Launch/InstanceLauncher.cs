using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Encoder.Launch;

/// <summary>The side effects of <c>encoder launch</c>: storing the class's secrets in SSM, asking EC2 about the instance type and the session's instance, and starting the instance.</summary>
public interface IInstanceLauncher
{
    /// <summary>Whether the instance type carries instance store (its recordings' disk); null when EC2 would not say.</summary>
    Task<bool?> HasInstanceStoreAsync(string instanceType, CancellationToken cancellationToken);

    /// <summary>Stores one secret parameter (<see cref="ClassSecrets.PutRequest"/>).</summary>
    Task PutSecretAsync(PutParameterRequest request, CancellationToken cancellationToken);

    /// <summary>Runs the instance and returns its id.</summary>
    Task<string> LaunchAsync(RunInstancesRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The pending or running instance tagged with the session (<see cref="RunInstancesRequests.SessionTag"/>) and its
    /// type, or null when EC2 shows none (yet: DescribeInstances is eventually consistent for a few seconds).
    /// </summary>
    Task<(string InstanceId, string InstanceType)?> FindSessionInstanceAsync(string sessionId, CancellationToken cancellationToken);
}

/// <summary>
/// SSM and EC2 through the AWS SDK: credentials, region and endpoints (<c>AWS_ENDPOINT_URL_SSM</c>,
/// <c>AWS_ENDPOINT_URL_EC2</c>) from its usual sources.
/// </summary>
public sealed class Ec2InstanceLauncher(IAmazonEC2 ec2, IAmazonSimpleSystemsManagement ssm) : IInstanceLauncher
{
    public static Ec2InstanceLauncher Create(string? region) => region is null
        ? new(new AmazonEC2Client(), new AmazonSimpleSystemsManagementClient())
        : new(new AmazonEC2Client(RegionEndpoint.GetBySystemName(region)), new AmazonSimpleSystemsManagementClient(RegionEndpoint.GetBySystemName(region)));

    public async Task PutSecretAsync(PutParameterRequest request, CancellationToken cancellationToken) =>
        await ssm.PutParameterAsync(request, cancellationToken).ConfigureAwait(false);

    public async Task<bool?> HasInstanceStoreAsync(string instanceType, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ec2.DescribeInstanceTypesAsync(new DescribeInstanceTypesRequest { InstanceTypes = [instanceType] }, cancellationToken).ConfigureAwait(false);
            return response.InstanceTypes?.FirstOrDefault()?.InstanceStorageSupported;
        }
        catch (AmazonEC2Exception)
        {
            return null; // e.g. not allowed: the root volume is then sized for the class, which is always safe
        }
    }

    public async Task<(string InstanceId, string InstanceType)?> FindSessionInstanceAsync(string sessionId, CancellationToken cancellationToken)
    {
        var response = await ec2.DescribeInstancesAsync(new DescribeInstancesRequest
        {
            Filters =
            [
                new Filter($"tag:{RunInstancesRequests.SessionTag}", [sessionId]),
                new Filter("instance-state-name", ["pending", "running"]),
            ],
        }, cancellationToken).ConfigureAwait(false);
        var instance = response.Reservations?.SelectMany(r => r.Instances ?? []).FirstOrDefault();
        return instance is null ? null : (instance.InstanceId, instance.InstanceType?.Value ?? "");
    }

    public async Task<string> LaunchAsync(RunInstancesRequest request, CancellationToken cancellationToken)
    {
        var response = await ec2.RunInstancesAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Reservation?.Instances?.FirstOrDefault()?.InstanceId
            ?? throw new InvalidOperationException("RunInstances answered without an instance.");
    }
}

using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Encoder.Launch;

/// <summary>The side effects of <c>encoder launch</c>: storing the class's secrets in SSM, asking EC2 about the instance type, and starting the instance.</summary>
public interface IInstanceLauncher
{
    /// <summary>Whether the instance type carries instance store (its recordings' disk); null when EC2 would not say.</summary>
    Task<bool?> HasInstanceStoreAsync(string instanceType, CancellationToken cancellationToken);

    /// <summary>Stores one secret parameter (<see cref="ClassSecrets.PutRequest"/>).</summary>
    Task PutSecretAsync(PutParameterRequest request, CancellationToken cancellationToken);

    /// <summary>Runs the instance and returns its id.</summary>
    Task<string> LaunchAsync(RunInstancesRequest request, CancellationToken cancellationToken);
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

    public async Task<string> LaunchAsync(RunInstancesRequest request, CancellationToken cancellationToken)
    {
        var response = await ec2.RunInstancesAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Reservation?.Instances?.FirstOrDefault()?.InstanceId
            ?? throw new InvalidOperationException("RunInstances answered without an instance.");
    }
}

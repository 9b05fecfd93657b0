using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Encoder.Launch;

/// <summary>
/// The EC2 RunInstances call for one class, as data: one instance, terminate on shutdown, IMDSv2 only with a hop limit
/// of 1 (a token's PUT answer cannot cross a second network hop, e.g. into a container or through a forwarding
/// process), tagged.
/// </summary>
public static class RunInstancesRequests
{
    public const string SessionTag = "encoder:session-id";
    public const string HardStopTag = "encoder:hard-stop-at";

    /// <summary>IMDS answers a token request with this IP TTL: 1 reaches the instance's own processes and nothing beyond.</summary>
    public const int ImdsHopLimit = 1;

    /// <param name="rootVolumeGiB">The root volume's size when the recording lives on it (no instance store); null keeps the AMI's.</param>
    public static RunInstancesRequest Create(LaunchRequest request, string userData, int? rootVolumeGiB = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.Instance;
        var tags = new List<Tag>
        {
            new("Name", $"encoder-{request.SessionId}"),
            new(SessionTag, request.SessionId),
            new(HardStopTag, HardStop.Iso(request.HardStopAt)),
        };
        return new RunInstancesRequest
        {
            ImageId = spec.ImageId ?? throw new ArgumentException("A launch needs an AMI.", nameof(request)),
            InstanceType = InstanceType.FindValue(spec.InstanceType),
            MinCount = 1,
            MaxCount = 1,
            IamInstanceProfile = spec.InstanceProfile!.StartsWith("arn:", StringComparison.Ordinal)
                ? new IamInstanceProfileSpecification { Arn = spec.InstanceProfile }
                : new IamInstanceProfileSpecification { Name = spec.InstanceProfile },
            InstanceInitiatedShutdownBehavior = ShutdownBehavior.Terminate,
            MetadataOptions = new InstanceMetadataOptionsRequest
            {
                HttpTokens = HttpTokensState.Required,
                HttpEndpoint = InstanceMetadataEndpointState.Enabled,
                HttpPutResponseHopLimit = ImdsHopLimit,
            },
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(userData)),
            SubnetId = spec.SubnetId,
            SecurityGroupIds = spec.SecurityGroupIds.Count > 0 ? [.. spec.SecurityGroupIds] : null,
            KeyName = spec.KeyName,
            BlockDeviceMappings = rootVolumeGiB is { } size ? [RootVolume.Mapping(size)] : null,
            TagSpecifications =
            [
                new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags },
                new TagSpecification { ResourceType = ResourceType.Volume, Tags = [.. tags] },
            ],
        };
    }
}

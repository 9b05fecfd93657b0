using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Encoder.Launch;

/// <summary>
/// The EC2 RunInstances call for one class, as data: one instance, terminate on shutdown, IMDSv2 only with a hop limit
/// of 1 (a token's PUT answer cannot cross a second network hop, e.g. into a container or through a forwarding
/// process), tagged, idempotent per session (<see cref="ClientToken"/>).
/// </summary>
public static class RunInstancesRequests
{
    public const string SessionTag = "encoder:session-id";
    public const string HardStopTag = "encoder:hard-stop-at";

    /// <summary>IMDS answers a token request with this IP TTL: 1 reaches the instance's own processes and nothing beyond.</summary>
    public const int ImdsHopLimit = 1;

    /// <summary>EC2's limit on a ClientToken: 64 ASCII characters.</summary>
    public const int MaxClientTokenLength = 64;

    /// <summary>
    /// The RunInstances idempotency token of a session: <c>encoder-{SessionId}</c> while it fits, else the id's head and
    /// a digest of the whole id. EC2 answers a request whose token it has seen with the instance that token started, so a
    /// retried <c>encoder launch</c> of a session never starts a second instance (and one with other parameters is refused
    /// with <c>IdempotentParameterMismatch</c>). EC2 keeps a token for some time after the instance ends: a session launched
    /// again after its instance ended gets that ended instance back; launch it under a new session id.
    /// </summary>
    public static string ClientToken(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var readable = $"encoder-{sessionId}";
        if (readable.Length <= MaxClientTokenLength)
            return readable;
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId)))[..16];
        return $"{readable[..(MaxClientTokenLength - digest.Length - 1)]}-{digest}";
    }

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
            ClientToken = ClientToken(request.SessionId),
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

using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Encoder.Launch;

/// <summary>
/// The EC2 RunInstances call for one class, as data: one instance, terminate on shutdown, IMDSv2 only with a hop limit
/// of 1 (a token's PUT answer cannot cross a second network hop, e.g. into a container or through a forwarding
/// process), tagged, idempotent per session and attempt (<see cref="ClientToken"/>), with unlimited CPU credits on a burstable type
/// (<see cref="Credits"/>).
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
    /// The RunInstances idempotency token of one attempt of a session: <c>encoder-{SessionId}/{type}</c>, plus
    /// <c>/{subnet}</c> when one is given, while it fits; else its head and a digest of the whole. EC2 answers a request
    /// whose token it has seen with the instance that token started, so a retried <c>encoder launch</c> of a session never
    /// starts a second instance for the same attempt. Each attempt of another type or subnet (a capacity fallback,
    /// <see cref="CapacityFallback"/>) has its own token: EC2 refuses a token seen with other parameters
    /// (<c>IdempotentParameterMismatch</c>), and a retry walks the same attempts in the same order, so it meets the token
    /// of the attempt that succeeded. (If capacity came back in between, an earlier attempt could now succeed: the
    /// launcher first looks for the session's running instance, <see cref="IInstanceLauncher.FindSessionInstanceAsync"/>.)
    /// EC2 keeps a token for some time after the instance ends: a session launched again after its instance ended gets
    /// that ended instance back; launch it under a new session id.
    /// </summary>
    public static string ClientToken(string sessionId, LaunchAttempt attempt)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(attempt);
        // '/' is in no session id, type or subnet id: the parts can't run into each other.
        var whole = attempt.SubnetId is null ? $"{sessionId}/{attempt.InstanceType}" : $"{sessionId}/{attempt.InstanceType}/{attempt.SubnetId}";
        var readable = $"encoder-{whole}";
        if (readable.Length <= MaxClientTokenLength)
            return readable;
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(whole)))[..16];
        return $"{readable[..(MaxClientTokenLength - digest.Length - 1)]}-{digest}";
    }

    /// <summary>
    /// CPU credits for a burstable (T) type: <c>unlimited</c>, said in the request rather than left to the account's
    /// default for the family (which an account can set to <c>standard</c>). In standard mode a T instance that has
    /// spent its credits is held to its baseline (10–40 % of each vCPU): a class that must transcode, or catch up after
    /// a restart, would fall below real time and lose video. Unlimited never throttles; CPU above the baseline, averaged
    /// over the instance's life, is billed as surplus credits ($0.05 per vCPU-hour for t3/t3a). Null for other types
    /// (EC2 refuses a credit specification for them).
    /// </summary>
    public static CreditSpecificationRequest? Credits(string instanceType) =>
        InstanceSizing.IsBurstable(instanceType) ? new CreditSpecificationRequest { CpuCredits = "unlimited" } : null;

    /// <param name="rootVolumeGiB">The root volume's size when the recording lives on it (no instance store); null keeps the AMI's.</param>
    /// <param name="attempt">The type and subnet to try; null: the first pick (<see cref="InstanceSpec.InstanceType"/>, <see cref="InstanceSpec.SubnetId"/>).</param>
    public static RunInstancesRequest Create(LaunchRequest request, string userData, int? rootVolumeGiB = null, LaunchAttempt? attempt = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.Instance;
        attempt ??= new LaunchAttempt(spec.InstanceType, spec.SubnetId);
        var tags = new List<Tag>
        {
            new("Name", $"encoder-{request.SessionId}"),
            new(SessionTag, request.SessionId),
            new(HardStopTag, HardStop.Iso(request.HardStopAt)),
        };
        return new RunInstancesRequest
        {
            ImageId = spec.ImageFor(InstanceSizing.ArchitectureOf(attempt.InstanceType))
                ?? throw new ArgumentException($"A launch of {attempt.InstanceType} needs an {InstanceSizing.ArchitectureOf(attempt.InstanceType)} AMI.", nameof(request)),
            InstanceType = InstanceType.FindValue(attempt.InstanceType),
            CreditSpecification = Credits(attempt.InstanceType),
            MinCount = 1,
            MaxCount = 1,
            ClientToken = ClientToken(request.SessionId, attempt),
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
            SubnetId = attempt.SubnetId,
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

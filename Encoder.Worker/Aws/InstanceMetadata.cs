namespace Encoder.Aws;

/// <summary>Which EC2 instance this is, as the instance metadata service says.</summary>
public sealed record InstanceIdentity(string InstanceId, string Region);

public enum MetadataStatus
{
    /// <summary>IMDSv2 answered with this instance's id and region.</summary>
    Found,

    /// <summary>
    /// Nothing answered in time: not an EC2 instance (or its metadata service is switched off), unless the machine's
    /// firmware says it is one (<see cref="DmiIdentity"/>): then the service is slow or briefly away, and is asked again.
    /// </summary>
    Unreachable,

    /// <summary>Something answered but would not give an IMDSv2 token or a usable answer; IMDSv1 is never tried.</summary>
    Refused,
}

/// <summary>The outcome of one lookup; <see cref="Detail"/> says why when nothing was found.</summary>
public sealed record MetadataLookup(MetadataStatus Status, InstanceIdentity? Identity, string Detail)
{
    public static MetadataLookup Found(InstanceIdentity identity) => new(MetadataStatus.Found, identity, "");

    public static MetadataLookup Unreachable(string detail) => new(MetadataStatus.Unreachable, null, detail);

    public static MetadataLookup Refused(string detail) => new(MetadataStatus.Refused, null, detail);
}

/// <summary>The EC2 instance metadata service: the one side effect that tells the daemon which instance it runs on.</summary>
public interface IInstanceMetadata
{
    /// <summary>Where the service is looked for, for log lines.</summary>
    Uri Endpoint { get; }

    /// <summary>Bounded: answers within a few seconds, never throws except when <paramref name="cancellationToken"/> is cancelled.</summary>
    Task<MetadataLookup> GetIdentityAsync(CancellationToken cancellationToken);

    /// <summary>The root volume's device name (<c>block-device-mapping/root</c>, e.g. <c>/dev/xvda</c>), or null when it cannot be read. Bounded like <see cref="GetIdentityAsync"/>.</summary>
    Task<string?> GetRootDeviceAsync(CancellationToken cancellationToken);

    /// <summary>The instance's type (<c>instance-type</c>, e.g. <c>c5.large</c>), or null when it cannot be read (a stand-in that does not say). Bounded like <see cref="GetIdentityAsync"/>.</summary>
    Task<string?> GetInstanceTypeAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

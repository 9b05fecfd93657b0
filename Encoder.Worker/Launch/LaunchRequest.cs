namespace Encoder.Launch;

/// <summary>One class to launch: the daemon's configuration for it, when the instance must be gone, and where it runs.</summary>
/// <param name="ClassSettings">Full configuration keys (<c>Encoder:Camera:Url</c>) and values, validated by the daemon's own rules. The secret settings hold references (<see cref="Secrets"/>), never the values.</param>
/// <param name="HardStopAt">When the instance powers off whatever the daemon does: the class's end plus the hard limit.</param>
/// <param name="RecordingMbps">The recording's bitrate as the launcher reckons it (<see cref="RootVolume.Mbps"/>), to size a root volume that holds it.</param>
public sealed record LaunchRequest(
    IReadOnlyDictionary<string, string> ClassSettings,
    string SessionId,
    DateTimeOffset EndsAt,
    DateTimeOffset HardStopAt,
    InstanceSpec Instance,
    bool DryRun,
    double RecordingMbps = RootVolume.CopyModeMbps)
{
    /// <summary>The secret settings' values and the SSM parameters they go to (the launcher puts them before RunInstances).</summary>
    public IReadOnlyList<ClassSecret> Secrets { get; init; } = [];
}

/// <summary>
/// The EC2 side of a launch. <see cref="ImageId"/> is the x86-64 AMI, <see cref="Arm64ImageId"/> the arm64 one; at least
/// one is given, and <see cref="InstanceProfile"/> too, except in a dry run.
/// </summary>
/// <param name="InstanceTypes">The types to try, in order (<see cref="InstanceSizing.Choices"/>): the first pick, then the capacity fallbacks; only one when <c>--instance-type</c> named it.</param>
/// <param name="SubnetIds">The subnets to try each type in, in order; empty: the default VPC's.</param>
public sealed record InstanceSpec(
    string? ImageId,
    IReadOnlyList<string> InstanceTypes,
    string? InstanceProfile,
    IReadOnlyList<string> SubnetIds,
    IReadOnlyList<string> SecurityGroupIds,
    string? KeyName,
    string? Region)
{
    /// <summary>The arm64 AMI (<c>--ami-arm64</c>), for Graviton types.</summary>
    public string? Arm64ImageId { get; init; }

    /// <summary>The AMI for a type of <paramref name="architecture"/>, or null when none was given.</summary>
    public string? ImageFor(string architecture) => architecture == InstanceSizing.Arm64 ? Arm64ImageId : ImageId;

    /// <summary>The architectures there is an AMI for (x86-64 alone in a dry run given none).</summary>
    public IReadOnlyList<string> Architectures =>
        ImageId is null && Arm64ImageId is not null ? [InstanceSizing.Arm64]
        : Arm64ImageId is not null ? [InstanceSizing.X8664, InstanceSizing.Arm64]
        : [InstanceSizing.X8664];

    /// <summary>The first pick.</summary>
    public string InstanceType => InstanceTypes[0];

    /// <summary>The first subnet, or null for the default VPC's.</summary>
    public string? SubnetId => SubnetIds.Count > 0 ? SubnetIds[0] : null;

    /// <summary>Every type in every subnet, in the order they are tried (<see cref="CapacityFallback.Plan"/>).</summary>
    public IReadOnlyList<LaunchAttempt> Attempts => CapacityFallback.Plan(InstanceTypes, SubnetIds);
}

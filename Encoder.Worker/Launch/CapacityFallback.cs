namespace Encoder.Launch;

/// <summary>One RunInstances try: an instance type in a subnet (null: the default VPC's, EC2 picks the zone).</summary>
public sealed record LaunchAttempt(string InstanceType, string? SubnetId)
{
    public override string ToString() => SubnetId is null ? InstanceType : $"{InstanceType} in {SubnetId}";
}

/// <summary>What a refused RunInstances means for the attempts left.</summary>
public enum Refusal
{
    /// <summary>Not about capacity (a permission, a parameter, an idempotency mismatch): trying elsewhere would not help; the launch fails.</summary>
    Final,

    /// <summary>The type has no capacity in the subnet's zone, or is not offered there: the same type may run in another subnet.</summary>
    TypeInZone,

    /// <summary>A quota on running instances (vCPUs of a family, instances of a type) is reached; quotas are regional, so no subnet helps: the next type.</summary>
    TypeInRegion,
}

/// <summary>
/// A class is never lost to EC2 capacity (pure): the launcher tries the types that carry the class (cheapest first,
/// <see cref="InstanceSizing.Choices"/>), each in every subnet given, in order, and after a capacity refusal skips what
/// that refusal rules out. Any other refusal ends the launch.
/// </summary>
public static class CapacityFallback
{
    /// <summary>EC2's error codes for a zone without capacity for the type, or a type the zone does not offer.</summary>
    public static readonly IReadOnlySet<string> ZoneCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "InsufficientInstanceCapacity", "InsufficientCapacity", "Unsupported",
    };

    /// <summary>EC2's error codes for a regional quota: the family's On-Demand vCPUs, or the type's instance count.</summary>
    public static readonly IReadOnlySet<string> QuotaCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "VcpuLimitExceeded", "InstanceLimitExceeded",
    };

    public static Refusal Classify(string? errorCode) =>
        errorCode is null ? Refusal.Final
        : ZoneCodes.Contains(errorCode) ? Refusal.TypeInZone
        : QuotaCodes.Contains(errorCode) ? Refusal.TypeInRegion
        : Refusal.Final;

    /// <summary>Every type in every subnet, types outermost: the cheapest type anywhere before a dearer one.</summary>
    public static IReadOnlyList<LaunchAttempt> Plan(IReadOnlyList<string> instanceTypes, IReadOnlyList<string> subnetIds)
    {
        ArgumentNullException.ThrowIfNull(instanceTypes);
        ArgumentNullException.ThrowIfNull(subnetIds);
        IReadOnlyList<string?> subnets = subnetIds.Count == 0 ? [null] : [.. subnetIds];
        return [.. instanceTypes.SelectMany(type => subnets.Select(subnet => new LaunchAttempt(type, subnet)))];
    }

    /// <summary>The attempts left after <paramref name="refused"/> was refused as <paramref name="refusal"/> says: none after a final one.</summary>
    public static IReadOnlyList<LaunchAttempt> After(IReadOnlyList<LaunchAttempt> remaining, LaunchAttempt refused, Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(remaining);
        ArgumentNullException.ThrowIfNull(refused);
        return refusal switch
        {
            Refusal.TypeInZone => [.. remaining.Where(a => a != refused)],
            Refusal.TypeInRegion => [.. remaining.Where(a => a.InstanceType != refused.InstanceType)],
            _ => [],
        };
    }
}

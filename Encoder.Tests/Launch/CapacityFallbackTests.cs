using Encoder.Launch;

namespace Encoder.Tests.Launch;

public sealed class CapacityFallbackTests
{
    private static readonly LaunchAttempt MicroA = new("t3a.micro", "subnet-a");
    private static readonly LaunchAttempt MicroB = new("t3a.micro", "subnet-b");
    private static readonly LaunchAttempt T3MicroA = new("t3.micro", "subnet-a");
    private static readonly LaunchAttempt T3MicroB = new("t3.micro", "subnet-b");

    [Test]
    public void Each_type_is_tried_in_every_subnet_before_the_next_dearer_type()
    {
        Assert.That(CapacityFallback.Plan(["t3a.micro", "t3.micro"], ["subnet-a", "subnet-b"]), Is.EqualTo(new[] { MicroA, MicroB, T3MicroA, T3MicroB }));
        Assert.That(CapacityFallback.Plan(["t3a.micro", "t3.micro"], []), Is.EqualTo(new[] { new LaunchAttempt("t3a.micro", null), new LaunchAttempt("t3.micro", null) }),
            "no subnet given: the default VPC's");
    }

    // EC2's error code → what it rules out
    [TestCase("InsufficientInstanceCapacity", Refusal.TypeInZone)]
    [TestCase("InsufficientCapacity", Refusal.TypeInZone)]
    [TestCase("Unsupported", Refusal.TypeInZone)]
    [TestCase("VcpuLimitExceeded", Refusal.TypeInRegion)]
    [TestCase("InstanceLimitExceeded", Refusal.TypeInRegion)]
    [TestCase("UnauthorizedOperation", Refusal.Final)]
    [TestCase("InvalidParameterValue", Refusal.Final)]
    [TestCase("IdempotentParameterMismatch", Refusal.Final)]
    [TestCase(null, Refusal.Final)]
    public void A_refusal_is_classified_by_its_error_code(string? code, Refusal refusal)
    {
        Assert.That(CapacityFallback.Classify(code), Is.EqualTo(refusal));
    }

    [Test]
    public void No_capacity_in_a_zone_moves_to_the_next_subnet_then_the_next_type()
    {
        IReadOnlyList<LaunchAttempt> all = [MicroA, MicroB, T3MicroA, T3MicroB];

        Assert.That(CapacityFallback.After(all, MicroA, Refusal.TypeInZone), Is.EqualTo(new[] { MicroB, T3MicroA, T3MicroB }));
        Assert.That(CapacityFallback.After([MicroB, T3MicroA, T3MicroB], MicroB, Refusal.TypeInZone), Is.EqualTo(new[] { T3MicroA, T3MicroB }));
    }

    [Test]
    public void A_regional_quota_skips_the_type_in_every_subnet()
    {
        Assert.That(CapacityFallback.After([MicroA, MicroB, T3MicroA, T3MicroB], MicroA, Refusal.TypeInRegion), Is.EqualTo(new[] { T3MicroA, T3MicroB }));
    }

    [Test]
    public void Any_other_refusal_ends_the_launch()
    {
        Assert.That(CapacityFallback.After([MicroA, MicroB, T3MicroA], MicroA, Refusal.Final), Is.Empty);
    }
}

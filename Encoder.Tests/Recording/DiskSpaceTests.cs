using Encoder.Recording;

namespace Encoder.Tests.Recording;

public sealed class DiskSpaceTests
{
    private const long Gb = 1024L * 1024 * 1024;

    [TestCase(50, 100, 15, DiskSpaceLevel.Ok)]
    [TestCase(15, 100, 15, DiskSpaceLevel.Ok)]
    [TestCase(14, 100, 15, DiskSpaceLevel.Low)]
    [TestCase(8, 100, 15, DiskSpaceLevel.Low)]
    [TestCase(7, 100, 15, DiskSpaceLevel.Critical)]
    [TestCase(0, 100, 15, DiskSpaceLevel.Critical)]
    [TestCase(0, 0, 15, DiskSpaceLevel.Ok)]
    public void The_guard_warns_below_the_threshold_and_errs_below_half_of_it(long freeGb, long totalGb, double percent, DiskSpaceLevel expected) =>
        Assert.That(DiskSpace.Assess(freeGb * Gb, totalGb * Gb, percent), Is.EqualTo(expected));

    [TestCase(10_000, 9_000, 60, 9.0)]
    [TestCase(10_000, 10_000, 60, null)]
    [TestCase(10_000, 11_000, 60, null)]
    public void Minutes_left_follow_the_rate_the_disk_fills_at(long before, long now, int seconds, double? minutes) =>
        Assert.That(DiskSpace.MinutesLeft(before, now, TimeSpan.FromSeconds(seconds)), Is.EqualTo(minutes));
}

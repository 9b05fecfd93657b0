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

    // The disk: 100 GB, warning below 15 % free. Segments oldest first, 2 GB each: S stored, U only here.
    // free (GB), segments → deleted, free after, level after, segments only here
    [TestCase(50, "SSU", "", 50, DiskSpaceLevel.Ok, 1)]
    [TestCase(15, "SSU", "", 15, DiskSpaceLevel.Ok, 1)]
    [TestCase(14, "SSSU", "0", 16, DiskSpaceLevel.Ok, 1)]
    [TestCase(10, "SSSU", "0 1 2", 16, DiskSpaceLevel.Ok, 1)]
    [TestCase(10, "SUSU", "0 2", 14, DiskSpaceLevel.Low, 2)]
    [TestCase(4, "SSU", "0 1", 8, DiskSpaceLevel.Low, 1)]
    [TestCase(2, "SUUU", "0", 4, DiskSpaceLevel.Critical, 3)]
    [TestCase(10, "UUU", "", 10, DiskSpaceLevel.Low, 3)]
    [TestCase(5, "", "", 5, DiskSpaceLevel.Critical, 0)]
    public void Below_the_threshold_the_guard_deletes_stored_segments_oldest_first_and_keeps_what_only_this_machine_holds(
        long freeGb, string segments, string dropped, long freeAfterGb, DiskSpaceLevel after, int onlyHere)
    {
        var files = segments.Select((kind, i) => new SegmentFile($"seg_{i:D5}.ts", 2 * Gb, kind == 'S')).ToList();

        var plan = DiskSpace.Plan(freeGb * Gb, 100 * Gb, 15, files);

        Assert.That(plan.Drop.Select(s => files.IndexOf(s)), Is.EqualTo(dropped.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)));
        Assert.That(plan.Drop.All(s => s.Stored), Is.True);
        Assert.That((plan.FreeAfter, plan.After, plan.OnlyHere.Count), Is.EqualTo((freeAfterGb * Gb, after, onlyHere)));
    }

    [TestCase(10_000, 9_000, 60, 9.0)]
    [TestCase(10_000, 10_000, 60, null)]
    [TestCase(10_000, 11_000, 60, null)]
    public void Minutes_left_follow_the_rate_the_disk_fills_at(long before, long now, int seconds, double? minutes) =>
        Assert.That(DiskSpace.MinutesLeft(before, now, TimeSpan.FromSeconds(seconds)), Is.EqualTo(minutes));
}

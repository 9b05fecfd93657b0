namespace Encoder.Recording;

public enum DiskSpaceLevel
{
    Ok,

    /// <summary>Below the warning threshold: warn, loudly and repeatedly.</summary>
    Low,

    /// <summary>Below half the threshold: the recording is at risk.</summary>
    Critical,
}

/// <summary>A segment file in the session folder, and whether storage already holds it (the <see cref="SegmentLedger"/> says so).</summary>
public sealed record SegmentFile(string Name, long Bytes, bool Stored);

/// <summary>
/// What the disk guard does about one reading (<see cref="DiskSpace.Plan"/>): which already-stored segments to delete,
/// the level once they are gone, and what exists only on this machine.
/// </summary>
/// <param name="Drop">Stored segments to delete, oldest first.</param>
/// <param name="OnlyHere">Segments that storage does not hold yet: the ones the guard can't free and must not lose.</param>
public sealed record DiskPlan(DiskSpaceLevel Before, IReadOnlyList<SegmentFile> Drop, long FreeAfter, DiskSpaceLevel After, IReadOnlyList<SegmentFile> OnlyHere)
{
    public long DropBytes => Drop.Sum(s => s.Bytes);

    public long OnlyHereBytes => OnlyHere.Sum(s => s.Bytes);
}

/// <summary>How full the recording disk may get, and what the guard does about it (pure).</summary>
public static class DiskSpace
{
    public static DiskSpaceLevel Assess(long freeBytes, long totalBytes, double warningPercent)
    {
        if (totalBytes <= 0)
            return DiskSpaceLevel.Ok;
        var freePercent = 100.0 * freeBytes / totalBytes;
        return freePercent < warningPercent / 2 ? DiskSpaceLevel.Critical
            : freePercent < warningPercent ? DiskSpaceLevel.Low
            : DiskSpaceLevel.Ok;
    }

    /// <summary>
    /// The guard's one decision. Above the warning threshold: nothing. Below it: delete segments storage already holds,
    /// oldest first, until the free space is back at the threshold (or none are left); what is left below it is for
    /// the operator to hear about, with what only this machine holds.
    /// </summary>
    /// <param name="segments">The session's segments, oldest first.</param>
    public static DiskPlan Plan(long freeBytes, long totalBytes, double warningPercent, IReadOnlyList<SegmentFile> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var before = Assess(freeBytes, totalBytes, warningPercent);
        var onlyHere = segments.Where(s => !s.Stored).ToList();
        if (before == DiskSpaceLevel.Ok)
            return new DiskPlan(before, [], freeBytes, before, onlyHere);

        var wanted = (long)Math.Ceiling(totalBytes * warningPercent / 100);
        var drop = new List<SegmentFile>();
        var free = freeBytes;
        foreach (var segment in segments.Where(s => s.Stored))
        {
            if (free >= wanted)
                break;
            drop.Add(segment);
            free += segment.Bytes;
        }

        return new DiskPlan(before, drop, free, Assess(free, totalBytes, warningPercent), onlyHere);
    }

    /// <summary>Minutes until the disk is full at the rate it filled between two samples; null when it is not filling.</summary>
    public static double? MinutesLeft(long freeBefore, long freeNow, TimeSpan between)
    {
        var used = freeBefore - freeNow;
        if (used <= 0 || between <= TimeSpan.Zero)
            return null;
        return freeNow / (used / between.TotalMinutes);
    }
}

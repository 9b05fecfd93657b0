namespace Encoder.Recording;

public enum DiskSpaceLevel
{
    Ok,

    /// <summary>Below the warning threshold: warn, loudly and repeatedly.</summary>
    Low,

    /// <summary>Below half the threshold: the recording is at risk.</summary>
    Critical,
}

/// <summary>How full the recording disk may get before the operator is told (pure).</summary>
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

    /// <summary>Minutes until the disk is full at the rate it filled between two samples; null when it is not filling.</summary>
    public static double? MinutesLeft(long freeBefore, long freeNow, TimeSpan between)
    {
        var used = freeBefore - freeNow;
        if (used <= 0 || between <= TimeSpan.Zero)
            return null;
        return freeNow / (used / between.TotalMinutes);
    }
}

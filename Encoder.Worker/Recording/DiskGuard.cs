using Encoder.Configuration;
using Encoder.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Recording;

/// <summary>
/// Keeps the recording disk from filling. Every <see cref="Interval"/>: below <c>Recording:LowDiskWarningPercent</c>
/// free it deletes segments storage already holds (oldest first, per the <see cref="SegmentLedger"/>) until the threshold is
/// met again; what it can't free is said loudly, each minute: a warning below the threshold, an ALERT naming the
/// segments that exist only on this machine and the minutes left at the current rate below half of it. The decision
/// is <see cref="DiskSpace.Plan"/>'s; the disk is behind <see cref="IRecordingDisk"/>.
/// </summary>
public sealed class DiskGuard(EncoderOptions options, IRecordingDisk disk, TimeProvider time, ILogger<DiskGuard> logger, ClassEvents? events = null)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Reminder = TimeSpan.FromMinutes(1);

    private DiskSpaceLevel _level = DiskSpaceLevel.Ok;
    private DateTimeOffset _lastSaid = DateTimeOffset.MinValue;
    private (long Free, DateTimeOffset At)? _previous;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Check();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                logger.LogDebug(ex, "Could not check the recording disk");
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One look at the disk: act on the plan, then say what is left to say. Returns the plan it acted on.</summary>
    public DiskPlan Check()
    {
        var now = time.GetUtcNow();
        var (free, total) = disk.Space();
        var percent = options.Recording.LowDiskWarningPercent;
        var segments = DiskSpace.Assess(free, total, percent) == DiskSpaceLevel.Ok ? [] : disk.Segments();
        var plan = DiskSpace.Plan(free, total, percent, segments);
        if (total > 0)
            events?.Publish(new DiskChecked(now, 100.0 * plan.FreeAfter / total));
        if (plan.Drop.Count > 0)
            Drop(plan, free, total);

        var minutes = _previous is { } p ? DiskSpace.MinutesLeft(p.Free, plan.FreeAfter, now - p.At) : null;
        _previous = (plan.FreeAfter, now);
        if (plan.After != _level || (plan.After != DiskSpaceLevel.Ok && now - _lastSaid >= Reminder))
        {
            _lastSaid = now;
            Say(plan, total, minutes);
        }

        _level = plan.After;
        return plan;
    }

    private void Drop(DiskPlan plan, long free, long total)
    {
        var dropped = 0;
        long bytes = 0;
        foreach (var segment in plan.Drop)
        {
            try
            {
                if (!disk.Delete(segment.Name))
                    continue;
                dropped++;
                bytes += segment.Bytes;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogError(ex, "Could not delete {Segment} (already stored) to free the recording disk", segment.Name);
            }
        }

        events?.Publish(new DiskSegmentsDeleted(time.GetUtcNow(), free, 100.0 * free / total, dropped, plan.Drop[0].Name, plan.Drop[^1].Name, bytes, disk.Directory));
    }

    private void Say(DiskPlan plan, long total, double? minutesLeft)
    {
        var now = time.GetUtcNow();
        var percent = 100.0 * plan.FreeAfter / total;
        if (plan.After == DiskSpaceLevel.Ok)
        {
            if (_level != DiskSpaceLevel.Ok)
                events?.Publish(new DiskRoomAgain(now, plan.FreeAfter, percent));
            return;
        }

        events?.Publish(new DiskLow(now, plan.After == DiskSpaceLevel.Critical, plan.FreeAfter, percent, options.Recording.LowDiskWarningPercent, disk.Directory,
            [.. plan.OnlyHere.Select(s => s.Name)], plan.OnlyHereBytes, minutesLeft));
    }
}

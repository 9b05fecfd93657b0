using Encoder.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Recording;

/// <summary>
/// Watches the recording disk every <see cref="Interval"/> and warns well before it fills: a warning when free space
/// falls below <c>Recording:LowDiskWarningPercent</c>, errors below half of it, repeated every minute with the time
/// left at the current rate (segments waiting for storage pile up here during an outage).
/// </summary>
public sealed class DiskGuard(EncoderOptions options, RecordingLayout layout, TimeProvider time, ILogger<DiskGuard> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Reminder = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var level = DiskSpaceLevel.Ok;
        var lastSaid = DateTimeOffset.MinValue;
        (long Free, DateTimeOffset At)? previous = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var drive = new DriveInfo(layout.SessionDirectory);
                var now = time.GetUtcNow();
                var free = drive.AvailableFreeSpace;
                var current = DiskSpace.Assess(free, drive.TotalSize, options.Recording.LowDiskWarningPercent);
                var minutes = previous is { } p ? DiskSpace.MinutesLeft(p.Free, free, now - p.At) : null;
                previous = (free, now);
                if (current != level || (current != DiskSpaceLevel.Ok && now - lastSaid >= Reminder))
                {
                    lastSaid = now;
                    Say(current, level, free, drive.TotalSize, minutes);
                }

                level = current;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                logger.LogDebug(ex, "Could not read the recording disk's free space");
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

    private void Say(DiskSpaceLevel level, DiskSpaceLevel before, long free, long total, double? minutesLeft)
    {
        var freeMb = free / (1024 * 1024);
        var percent = 100.0 * free / total;
        var left = minutesLeft is { } m ? $"about {m:0} minutes of recording left at the current rate" : "not filling right now";
        switch (level)
        {
            case DiskSpaceLevel.Critical:
                logger.LogError("RECORDING DISK NEARLY FULL: {FreeMb} MB free ({Percent:0.0}%) on {Directory}; {Left}. Free space or restore storage now",
                    freeMb, percent, layout.SessionDirectory, left);
                break;
            case DiskSpaceLevel.Low:
                logger.LogWarning("Recording disk low: {FreeMb} MB free ({Percent:0.0}%, warning below {Threshold}%) on {Directory}; {Left}",
                    freeMb, percent, options.Recording.LowDiskWarningPercent, layout.SessionDirectory, left);
                break;
            default:
                if (before != DiskSpaceLevel.Ok)
                    logger.LogInformation("Recording disk has room again: {FreeMb} MB free ({Percent:0.0}%)", freeMb, percent);
                break;
        }
    }
}

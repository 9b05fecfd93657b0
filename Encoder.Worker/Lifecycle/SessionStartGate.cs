using Encoder.Configuration;
using Encoder.Recording;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>
/// Holds FFmpeg back until <c>Session:StartsAt</c>. An instance booted early starts every service (so systemd sees it
/// ready and a SIGTERM stops it like any other) but streams nothing before the class starts. A daemon started after
/// the class is over (<c>Session:EndsAt</c> or <c>Session:MaxDuration</c> since the class's first start passed, or an operator ran <c>encoder end-class</c>) never opens it: it
/// only stores what is left, and <see cref="SessionClock"/> stops it at once.
/// </summary>
public sealed class SessionStartGate(EncoderOptions options, RecordingLayout layout, TimeProvider time, ILogger<SessionStartGate> logger)
{
    /// <summary>Completes at the session's start; false when the class is already over or the daemon was stopped while waiting.</summary>
    public async Task<bool> WaitAsync(CancellationToken stoppingToken)
    {
        if (ClassOver(time.GetUtcNow()) is { } over)
        {
            logger.LogWarning("The class is over ({Why}): FFmpeg is not started; what the recording folder still holds is stored", over);
            return false;
        }

        if (options.Session.StartsAt is not { } startsAt)
            return true;
        var wait = startsAt - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
            return true;

        logger.LogInformation("The session starts at {StartsAt:O}: waiting {Wait} before starting FFmpeg", startsAt, TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)));
        if (!await time.WaitUntilAsync(startsAt, stoppingToken).ConfigureAwait(false))
        {
            logger.LogInformation("Stopped before the session started; FFmpeg was never started");
            return false;
        }

        logger.LogInformation("The session starts now ({StartsAt:O})", startsAt);
        return true;
    }

    private string? ClassOver(DateTimeOffset now)
    {
        // The session's end as SessionClock reckons it: MaxDuration counts from the class's first start.
        if (SessionEnd.Compute(options.Session, ClassStart.Read(layout, now) ?? now) is { } end && end.At <= now)
            return $"{end.Reason} has passed";
        return ClassEndMarkers.ClassEnded(layout) ? $"an operator ended it: {ClassEndMarkers.ClassEndedPath(layout)}" : null;
    }
}

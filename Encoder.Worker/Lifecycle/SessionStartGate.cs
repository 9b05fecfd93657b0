using Encoder.Configuration;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>
/// Holds FFmpeg back until <c>Session:StartsAt</c>. An instance booted early starts every service (so systemd sees it
/// ready and a SIGTERM stops it like any other) but streams nothing before the class starts.
/// </summary>
public sealed class SessionStartGate(EncoderOptions options, TimeProvider time, ILogger<SessionStartGate> logger)
{
    /// <summary>Completes at the session's start; false when the daemon was stopped while waiting.</summary>
    public async Task<bool> WaitAsync(CancellationToken stoppingToken)
    {
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
}

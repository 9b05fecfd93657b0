using Encoder.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>Ends the class on time by stopping the host — exactly the path SIGTERM takes.</summary>
public sealed class SessionClock(
    EncoderOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SessionClock> logger) : BackgroundService
{
    /// <summary>MaxDuration counts from here: the host builds its services as it starts.</summary>
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (SessionEnd.Compute(options.Session, _startedAt) is not { } end)
        {
            logger.LogInformation("No session end is configured; streaming until stopped");
            return;
        }

        logger.LogInformation("The session ends at {EndsAt:O} ({Reason})", end.At, end.Reason);
        if (!await time.WaitUntilAsync(end.At, stoppingToken).ConfigureAwait(false))
            return;

        logger.LogInformation("Session end reached ({Reason}); stopping", end.Reason);
        lifetime.StopApplication();
    }
}

using Encoder.Configuration;
using Encoder.Recording;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>
/// Ends the class by stopping the host — exactly the path SIGTERM takes — having first claimed why
/// (<see cref="StopCause"/>): at the session's end, or within a second of an operator's <c>encoder end-class</c>. A
/// daemon started after the class was over (a late restart) stops as soon as every service has started: FFmpeg never
/// starts (<see cref="SessionStartGate"/>), and the uploader's drain stores what the recording folder still holds.
/// </summary>
public sealed class SessionClock(
    EncoderOptions options,
    RecordingLayout layout,
    StopCause cause,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SessionClock> logger) : BackgroundService
{
    /// <summary>How often the class-ended marker is looked for.</summary>
    public static readonly TimeSpan MarkerPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>This daemon's start: the host builds its services as it starts.</summary>
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // MaxDuration counts from the class's first start, which a restart or a reboot must not move.
        var classStartedAt = ClassStart.ReadOrRecord(layout, _startedAt);
        var end = SessionEnd.Compute(options.Session, classStartedAt);
        if (end is null)
            logger.LogInformation("No session end is configured; streaming until stopped or until the class is ended (encoder end-class)");
        else if (end.At <= _startedAt)
            logger.LogWarning("The class is already over ({Reason}): storing what the recording folder still holds, then stopping", end.Reason);
        else
            logger.LogInformation("The session ends at {EndsAt:O} ({Reason})", end.At, end.Reason);

        if (await WaitForEndAsync(end, stoppingToken).ConfigureAwait(false) is not { } reason)
            return;
        // Stop only once the host has started (a class already over ends at once), so the start completes as usual.
        if (!await StartedAsync(stoppingToken).ConfigureAwait(false))
            return;

        cause.Claim(reason);
        if (reason == StopReason.SessionEnded)
            logger.LogInformation("Session end reached ({Reason}); stopping", end!.Reason);
        else
            logger.LogInformation("The class was ended by an operator ({Marker}); stopping", ClassEndMarkers.ClassEndedPath(layout));
        lifetime.StopApplication();
    }

    /// <summary>The reason the class ended, or null when the daemon was stopped first.</summary>
    private async Task<StopReason?> WaitForEndAsync(SessionEnd? end, CancellationToken stoppingToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            if (end is not null && now >= end.At)
                return StopReason.SessionEnded;
            if (ClassEndMarkers.ClassEnded(layout))
                return StopReason.ClassEndedByOperator;
            var wait = end is not null && end.At - now < MarkerPollInterval ? end.At - now : MarkerPollInterval;
            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStarted, stoppingToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return lifetime.ApplicationStarted.IsCancellationRequested && !stoppingToken.IsCancellationRequested;
    }
}

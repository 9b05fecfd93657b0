using Encoder.Configuration;
using Encoder.Status;
using Microsoft.Extensions.Logging;

namespace Encoder.Media;

/// <summary>
/// Before each recorder run (the first, and every restart after a camera fault), asks the camera what it sends and
/// turns that into the run's <see cref="MediaPlan"/>. A probe that fails (the camera is away, or too slow to answer)
/// falls back to what the camera sent last time, since a reconnecting camera rarely changes codec; the recorder then
/// fails or succeeds on its own as it always did. The plan is logged when it first differs from the last one logged
/// (a warning or an error when the operator should act), so an outage's retries do not repeat it; status.json shows it always.
/// </summary>
public sealed class MediaPlanner(EncoderOptions options, ICameraProbe probe, EncoderStatus status, TimeProvider time, ILogger<MediaPlanner> logger)
{
    private CameraStreams? _known;
    private (CameraStreams? Streams, MediaPlan Plan)? _logged;

    public async Task<MediaPlan> PlanAsync(CancellationToken cancellationToken)
    {
        var probed = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
        if (probed.Streams is { } streams)
            _known = streams;
        else
            logger.LogDebug("Could not probe the camera: {Error}; planning with {Known}", probed.Error, _known?.ToString() ?? "nothing known yet");

        var plan = MediaPlan.Decide(_known, options.Video.Mode);
        status.MediaPlanned(_known, probed.Streams is null ? probed.Error : null, time.GetUtcNow(), plan);
        if (_logged != (_known, plan))
        {
            _logged = (_known, plan);
            Log(plan, _known, probed.Error);
        }

        return plan;
    }

    private void Log(MediaPlan plan, CameraStreams? streams, string? probeError)
    {
        var level = plan.Concern switch
        {
            PlanConcern.Error => LogLevel.Error,
            PlanConcern.Warning => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        if (streams is null) // the camera is down: the supervisor reports that outage; this only says what runs meanwhile
            logger.Log(level == LogLevel.Warning ? LogLevel.Information : level, "Camera not probed ({ProbeError}): {Plan}", probeError, plan.Reason);
        else
            logger.Log(level, "Camera sends {Streams}: {Plan}", streams.ToString(), plan.Reason);
    }
}

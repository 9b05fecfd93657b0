using Encoder.Configuration;
using Encoder.Events;
using Microsoft.Extensions.Logging;

namespace Encoder.Media;

/// <summary>
/// Gives each recorder run its <see cref="MediaPlan"/>. Once the camera's streams are known (from an earlier run of
/// this daemon, or from <see cref="KnownCamera"/>'s <c>camera.json</c> after a daemon restart) the plan is made from
/// them at once, with no probe: a camera coming back is on air as soon as the recorder has it. The recorder then tells
/// what the camera sends now from its own stderr (<see cref="SeenAsync"/>), and tells whether its plan still fits
/// (<see cref="PlanCheck"/>; the recorder's policy decides what follows). Only a session's first run with nothing known asks
/// the camera first (ffprobe, <see cref="ICameraProbe"/>); a probe that fails plans for an unknown camera, which the
/// recorder's own report then corrects. The plan is logged when it first differs from the last one logged (a warning
/// or an error when the operator should act), so an outage's retries do not repeat it; each plan is published
/// (<see cref="CameraPlanned"/>), so status.json shows it always.
/// </summary>
public sealed class MediaPlanner(
    EncoderOptions options,
    ICameraProbe probe,
    KnownCamera kept,
    ClassEvents events,
    TimeProvider time,
    ILogger<MediaPlanner> logger)
{
    private CameraStreams? _known;
    private bool _loaded;
    private (CameraStreams? Streams, MediaPlan Plan)? _logged;

    /// <summary>What the camera sent when last probed or seen; null while nothing is known.</summary>
    public CameraStreams? Known => _known;

    /// <summary>The plan for the next run: from the known streams at once, else from a probe of the camera.</summary>
    public async Task<MediaPlan> PlanAsync(CancellationToken cancellationToken)
    {
        if (!_loaded)
        {
            _loaded = true;
            _known ??= kept.Load();
        }

        string? probeError = null;
        if (_known is null)
        {
            var probed = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
            if (probed.Streams is { } streams)
                await KnowAsync(streams, cancellationToken).ConfigureAwait(false);
            else
            {
                probeError = probed.Error;
                logger.LogDebug("Could not probe the camera: {Error}; planning for a camera not known yet", probed.Error);
            }
        }

        var plan = MediaPlan.Decide(_known, options.Video.Mode);
        Planned(_known, probeError, plan);
        if (_logged != (_known, plan))
        {
            _logged = (_known, plan);
            Log(plan, _known, probeError);
        }

        return plan;
    }

    /// <summary>
    /// The running recorder says what the camera sends (<see cref="InputDump"/>): it becomes what is known (and kept),
    /// and the answer says whether the running plan fits, and the plan for what the camera sends.
    /// </summary>
    public async Task<PlanCheck> SeenAsync(CameraStreams seen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        var before = _known;
        var check = PlanCheck.Decide(before, seen, options.Video.Mode);
        if (seen != before)
            await KnowAsync(seen, cancellationToken).ConfigureAwait(false);
        Planned(seen, null, check.Plan);
        _logged = (seen, check.Plan);
        if (!check.Restart && seen != before)
            logger.LogDebug("Camera sends {Streams}; the recorder's plan fits: {Plan}", seen.ToString(), check.Plan.Reason);
        return check;
    }

    private void Planned(CameraStreams? streams, string? probeError, MediaPlan plan) =>
        events.Publish(new CameraPlanned(
            time.GetUtcNow(), streams?.VideoCodec, streams?.Width, streams?.Height, streams?.AudioCodec, probeError,
            plan.Video == VideoPlan.Copy ? "copy" : "transcode",
            plan.Audio switch { AudioPlan.Encode => "encode", AudioPlan.Silent => "silent", AudioPlan.Copy => "copy", _ => "encode-if-present" },
            plan.Reason));

    private async Task KnowAsync(CameraStreams streams, CancellationToken cancellationToken)
    {
        _known = streams;
        try
        {
            await kept.SaveAsync(streams, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a restarted daemon's first run is slower for it (it probes): nothing to stop the recording for.
            logger.LogDebug(ex, "Could not keep the camera's streams in {Path}", kept.Path);
        }
    }

    private void Log(MediaPlan plan, CameraStreams? streams, string? probeError)
    {
        var level = plan.Concern switch
        {
            PlanConcern.Error => LogLevel.Error,
            PlanConcern.Warning => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        if (streams is null) // the camera is down: the recorder reports that outage; this only says what runs meanwhile
            logger.Log(level == LogLevel.Warning ? LogLevel.Information : level, "Camera not probed ({ProbeError}): {Plan}", probeError, plan.Reason);
        else
            logger.Log(level, "Camera sends {Streams}: {Plan}", streams.ToString(), plan.Reason);
    }
}

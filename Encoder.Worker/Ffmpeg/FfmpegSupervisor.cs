using System.Globalization;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Ffmpeg;

/// <summary>
/// Keeps FFmpeg running for the whole class. A live camera never ends, so every exit before the daemon stops is a
/// failure: FFmpeg is restarted after a doubling, capped delay, and the recording continues where it left off.
/// On stop, FFmpeg is asked to finish its last segment before the uploader drains.
/// </summary>
public sealed class FfmpegSupervisor(
    EncoderOptions options,
    RecordingLayout layout,
    FfmpegRun ffmpeg,
    SessionOutages outages,
    TimeProvider time,
    ILogger<FfmpegSupervisor> logger) : BackgroundService
{
    private static readonly TimeSpan ReminderInterval = TimeSpan.FromMinutes(1);
    private readonly FailureStreak _streak = new(ReminderInterval);
    private long _recordedTicks;

    /// <summary>Media time recorded by all finished runs.</summary>
    public TimeSpan Recorded => TimeSpan.FromTicks(Interlocked.Read(ref _recordedTicks));

    public int Runs { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting before the first (slow) process start.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            Runs++;
            var run = Runs;
            var continues = File.Exists(layout.PlaylistPath);
            if (run == 1 || _streak.StartedAt is null)
                logger.LogInformation("Starting FFmpeg run {Run}: {Camera} -> {Ingest}, recording to {Directory}{Continues}",
                    run, options.Camera.Url, options.Ingest.Primary, layout.SessionDirectory, continues ? " (continuing the existing playlist)" : "");

            var result = await RunOnceAsync(run, continues, stoppingToken).ConfigureAwait(false);

            Interlocked.Add(ref _recordedTicks, (result.LastProgress?.OutTime ?? TimeSpan.Zero).Ticks);
            if (result.StoppedOnRequest)
            {
                logger.LogInformation("FFmpeg run {Run} stopped with exit code {ExitCode}; {RecordedSeconds:0.0}s recorded in all runs",
                    run, result.ExitCode, Recorded.TotalSeconds);
                break;
            }

            var reason = Describe(result);
            var delay = RestartBackoff.Delay(Math.Max(_streak.Failures + 1, 1),
                TimeSpan.FromSeconds(options.Ffmpeg.RestartDelaySeconds), TimeSpan.FromSeconds(options.Ffmpeg.MaxRestartDelaySeconds));
            switch (_streak.Failed(time.GetUtcNow(), reason))
            {
                case FailureReport.OutageStarted:
                    logger.LogWarning("FFmpeg run {Run} ended after {Seconds:0.0}s: {Reason}. Restarting in {DelaySeconds:0.0}s, and until it works (retries are logged once a minute)",
                        run, result.Duration.TotalSeconds, reason, delay.TotalSeconds);
                    break;
                case FailureReport.StillFailing:
                    logger.LogWarning("FFmpeg still failing after {Attempts} attempts over {OutageSeconds:0}s: {Reason}. Next try in {DelaySeconds:0.0}s",
                        _streak.Failures, (time.GetUtcNow() - _streak.StartedAt!.Value).TotalSeconds, reason, delay.TotalSeconds);
                    break;
                default:
                    logger.LogDebug("FFmpeg run {Run} failed: {Reason}; next try in {DelaySeconds:0.0}s", run, reason, delay.TotalSeconds);
                    break;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One run; a run that cannot even start is a failed run like any other, never a fault of the service.</summary>
    private async Task<FfmpegRunResult> RunOnceAsync(int run, bool continues, CancellationToken stoppingToken)
    {
        var healthy = false;
        var startedAt = time.GetUtcNow();
        try
        {
            return await ffmpeg.RunAsync(run, continues, progress =>
            {
                if (healthy || progress.Frame <= 0)
                    return;
                healthy = true;
                if (_streak.Recovered(time.GetUtcNow()) is { } outage)
                {
                    outages.Report(new Outage(Outage.Camera, time.GetUtcNow() - outage, time.GetUtcNow(), "FFmpeg or the camera failed; restarted"));
                    logger.LogInformation("FFmpeg is streaming again after an outage of {OutageSeconds:0.0}s", outage.TotalSeconds);
                }
                else
                    logger.LogInformation("FFmpeg run {Run} is streaming", run);
            }, stoppingToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // whatever stopped FFmpeg from running, the answer is to try again
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            logger.LogDebug(ex, "FFmpeg run {Run} could not run", run);
            return new FfmpegRunResult(null, time.GetUtcNow() - startedAt, null, $"FFmpeg could not run: {ex.Message}", stoppingToken.IsCancellationRequested);
        }
    }

    private static string Describe(FfmpegRunResult result)
    {
        var code = result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none";
        return result.LastError is { Length: > 0 } error
            ? $"{error} (exit code {code})"
            : result.ExitCode == 0
                ? "the camera stream ended (exit code 0)"
                : $"exit code {code}";
    }
}

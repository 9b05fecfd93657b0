using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Lifecycle;
using Encoder.Media;
using Encoder.Metrics;
using Encoder.Recording;
using Encoder.Resilience;
using Encoder.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Ffmpeg;

/// <summary>
/// Keeps the class on air: the recorder (camera → HLS + relay) and the ingest router (relay → CDN) run side by side.
/// A live camera never ends, so every recorder exit before the stop is a failure: it is restarted
/// (after <see cref="RestartSchedule"/>'s delay: first within a second, doubling with jitter, capped, never giving up;
/// sooner when a camera that went away answers again, as <see cref="RestartWait"/> decides), and the recording continues in
/// the same playlist. Each run starts with the plan for the camera's known streams (<see cref="MediaPlanner"/>: no probe
/// once they are known) and reads what the camera sends from FFmpeg's own report; if that changes the plan, the run is
/// stopped and the next one started at once with it. On stop, both are asked to finish; the recorder writes its last
/// segment and ENDLIST.
/// </summary>
public sealed class FfmpegSupervisor(
    EncoderOptions options,
    RecordingLayout layout,
    IngestPlan plan,
    MpegTsRelay relay,
    MediaPlanner media,
    FfmpegProcess ffmpeg,
    IngestRouter router,
    SessionStartGate startGate,
    EncoderStatus status,
    SessionOutages outages,
    ICameraReachability camera,
    TimeProvider time,
    ILogger<FfmpegSupervisor> logger,
    EncoderMetrics? metrics = null) : BackgroundService
{
    private readonly RestartSchedule _restarts = new(options.Ffmpeg);
    private long _recordedTicks;

    private int _runs;

    /// <summary>Media time recorded by all finished recorder runs.</summary>
    private TimeSpan Recorded => TimeSpan.FromTicks(Interlocked.Read(ref _recordedTicks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // An instance booted before Session:StartsAt waits here: nothing is pulled or pushed before the class.
        if (!await startGate.WaitAsync(stoppingToken).ConfigureAwait(false))
            return;
        relay.Start();
        // On stop, end the egresses' input so they finish at once instead of waiting on a silent relay.
        await using var onStop = stoppingToken.Register(relay.DisconnectAll).ConfigureAwait(false);
        await Task.WhenAll(RecordAsync(stoppingToken), router.RunAsync(stoppingToken)).ConfigureAwait(false);
    }

    private async Task RecordAsync(CancellationToken stoppingToken)
    {
        try
        {
            var replanned = false;
            while (true)
            {
                var (exit, replan) = await RecordOnceAsync(mayReplan: !replanned, stoppingToken).ConfigureAwait(false);
                replanned = replan;
                if (replan && !stoppingToken.IsCancellationRequested)
                    continue; // the camera sends other streams than planned for: at once, with the plan for them
                if (stoppingToken.IsCancellationRequested || exit.StoppedOnRequest)
                {
                    logger.LogInformation("Recorder stopped with exit code {ExitCode}; {RecordedSeconds:0.0}s recorded in all runs", exit.ExitCode, Recorded.TotalSeconds);
                    return;
                }

                var restart = _restarts.Failed(time.GetUtcNow(), Describe(exit));
                ReportFailure(exit, restart);
                await WaitToRestartAsync(restart.Delay, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Recorder stopped between runs; {RecordedSeconds:0.0}s recorded in all runs", Recorded.TotalSeconds);
        }
    }

    /// <summary>Waits out <paramref name="delay"/>, or less when the camera is seen coming back (<see cref="RestartWait"/> decides).</summary>
    private async Task WaitToRestartAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        var wait = RestartWait.Begin(time.GetUtcNow(), delay);
        while (true)
        {
            var now = time.GetUtcNow();
            var step = wait.Next(now);
            switch (step.Action)
            {
                case RestartWaitAction.Start:
                    if (wait.CameraBack)
                    {
                        _restarts.CameraBack();
                        logger.LogDebug("The camera answers again: restarting the recorder {Seconds:0.0}s before its backoff ends", (wait.Due - now).TotalSeconds);
                    }

                    return;
                case RestartWaitAction.Probe:
                    wait = wait.Probed(now, await camera.AnswersAsync(stoppingToken).ConfigureAwait(false));
                    stoppingToken.ThrowIfCancellationRequested();
                    break;
                default:
                    await Task.Delay(step.Sleep, time, stoppingToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>One recorder run. <c>Replanned</c>: it was stopped because the camera sends other streams than it was planned for.</summary>
    /// <param name="mayReplan">False right after a replanned run: a camera whose report flips between two plans then keeps the second rather than restarting forever.</param>
    private async ValueTask<(FfmpegExit Exit, bool Replanned)> RecordOnceAsync(bool mayReplan, CancellationToken stoppingToken)
    {
        var run = ++_runs;
        var continues = File.Exists(layout.PlaylistPath);
        if (_restarts.OutageStartedAt is null)
            logger.LogInformation("Starting recorder run {Run}: {Camera} -> {Directory}{Continues}; relaying to {Slots}",
                run, options.Camera.Url, layout.SessionDirectory, continues ? " (continuing the existing playlist)" : "",
                string.Join(", ", plan.Slots.Select(s => $"{s.Name} {s.Url}")));

        // What the camera sends decides copy or transcode, and its audio or a silent track: known from an earlier run
        // (then at once), else asked first. The run itself reports what the camera sends now (below).
        var mediaPlan = await media.PlanAsync(stoppingToken).ConfigureAwait(false);
        var healthy = false;
        var startedAt = time.GetUtcNow();
        var invocation = new FfmpegInvocation(
            $"Recorder run {run}",
            FfmpegArguments.Recorder(options, mediaPlan, continues, relay.InputPort, relay.RecorderPort, cameraKnown: media.Known is not null),
            layout.SessionDirectory,
            layout.FfmpegLogPath("recorder", run, startedAt),
            TimeSpan.FromSeconds(options.Ffmpeg.StallSeconds),
            FfmpegRole.Recorder,
            FirstMediaTimeout: ProgressWatch.RecorderFirstMediaTimeout(options));
        status.RecorderStarting();
        metrics?.RecorderStarting();
        relay.Reset();
        using var runStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var input = new InputDump();
        var seen = new TaskCompletionSource<CameraStreams>(TaskCreationOptions.RunContinuationsAsynchronously);
        DateTimeOffset? stopRequestedAt = null;
        await using var onStop = stoppingToken.Register(() =>
        {
            stopRequestedAt = time.GetUtcNow();
            logger.LogInformation("Stopping recorder run {Run}: asking FFmpeg to finish the last segment", run);
        }).ConfigureAwait(false);
        var running = ffmpeg.RunAsync(invocation, progress =>
        {
            status.RecorderProgress(progress);
            metrics?.RecorderProgress(progress);
            if (healthy || progress.Frame <= 0)
                return;
            healthy = true;
            metrics?.RecorderStreaming();
            if (_restarts.Recovered(time.GetUtcNow()) is { } outage)
            {
                outages.Report(new Outage(Outage.Camera, time.GetUtcNow() - outage, time.GetUtcNow(), "the camera or the recorder failed; restarted"));
                logger.LogInformation("Camera back: recording again after an outage of {OutageSeconds:0.0}s", outage.TotalSeconds);
            }
            else
                logger.LogInformation("Recorder run {Run} is streaming", run);
        }, runStop.Token, line =>
        {
            if (input.Add(line) is { } streams)
                seen.TrySetResult(streams);
        });

        var replanned = false;
        if (await Task.WhenAny(seen.Task, running).ConfigureAwait(false) != seen.Task && input.End() is { } dumped)
            seen.TrySetResult(dumped); // the run ended right after the dump (say, a planned audio stream that is gone)
        // Not cancelled by the stop: the run must be awaited below whatever happens, so FFmpeg's last segment is flushed.
        if (seen.Task.IsCompleted && await media.SeenAsync(await seen.Task.ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false) is not null)
        {
            replanned = mayReplan;
            if (!mayReplan)
                logger.LogWarning("Recorder run {Run} goes on with its plan: the run before was just restarted for the camera's streams", run);
            else if (!running.IsCompleted)
                await runStop.CancelAsync().ConfigureAwait(false);
        }

        var exit = await running.ConfigureAwait(false);

        Interlocked.Add(ref _recordedTicks, (exit.LastProgress?.OutTime ?? TimeSpan.Zero).Ticks);
        metrics?.RecorderDown();
        if (stopRequestedAt is { } stopAt)
            logger.LogInformation("Recorder run {Run} flushed in {Seconds:0.00}s (stop requested to exit)", run, (time.GetUtcNow() - stopAt).TotalSeconds);
        if (!exit.StoppedOnRequest && !replanned)
        {
            if (healthy)
                _restarts.Recovered(time.GetUtcNow()); // a run that recorded resets the backoff
            status.RecorderEnded(Describe(exit), restarting: true);
        }

        return (exit, replanned);
    }

    private void ReportFailure(FfmpegExit exit, RestartDecision restart)
    {
        var reason = Describe(exit);
        switch (restart.Report)
        {
            case FailureReport.OutageStarted:
                metrics?.CameraOutageStarted();
                logger.LogWarning("Recorder stopped after {Seconds:0.0}s: {Reason}. Restarting in {DelaySeconds:0.0}s, and until it works (retries are logged once a minute)",
                    exit.Duration.TotalSeconds, reason, restart.Delay.TotalSeconds);
                break;
            case FailureReport.StillFailing:
                logger.LogWarning("Recorder still failing after {Attempts} attempts over {OutageSeconds:0}s: {Reason}. Next try in {DelaySeconds:0.0}s",
                    restart.Failure, (time.GetUtcNow() - _restarts.OutageStartedAt!.Value).TotalSeconds, reason, restart.Delay.TotalSeconds);
                break;
            default:
                logger.LogDebug("Recorder failed: {Reason}; next try in {DelaySeconds:0.0}s", reason, restart.Delay.TotalSeconds);
                break;
        }
    }

    /// <summary>A camera that ends its stream cleanly (exit code 0) is still a fault: a live camera never ends.</summary>
    private static string Describe(FfmpegExit exit) =>
        exit is { ExitCode: 0, LastError: null or "" } ? "the camera stream ended (exit code 0)" : exit.Describe();
}

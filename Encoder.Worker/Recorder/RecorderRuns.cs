using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Media;
using Encoder.Recording;
using Encoder.Status;
using Microsoft.Extensions.Logging;
using static Encoder.Recorder.RecorderEvent;

namespace Encoder.Recorder;

/// <summary>
/// Starts recorder runs. Each run starts with the plan for the camera's known streams (<see cref="MediaPlanner"/>: no
/// probe once they are known), reads what the camera sends from FFmpeg's own report, and tells the recorder its first
/// frame, a change of the camera's streams that its plan does not fit, and its end. What a run reports goes to
/// <see cref="RecorderHealth"/> and is published as it comes (<see cref="ClassEvents"/>: a run's start, its progress
/// with its rates, its end).
/// </summary>
public sealed class RecorderRuns(
    EncoderOptions options,
    RecordingLayout layout,
    IngestPlan plan,
    MpegTsRelay relay,
    MediaPlanner media,
    FfmpegProcess ffmpeg,
    RecorderHealth health,
    RecorderReports reports,
    RelayCounters relayed,
    ClassEvents events,
    TimeProvider time,
    ILogger<RecorderRuns> logger)
{
    /// <summary>Starts run <paramref name="run"/>; it tells <paramref name="tell"/> what happens to it, lastly <see cref="RunEnded"/> or <see cref="RunAbandoned"/>.</summary>
    /// <param name="daemonStop">The daemon's stop: it asks the run to finish its last segment.</param>
    public RecorderRun Start(int run, bool announce, Action<RecorderEvent> tell, Func<double> jitterUnit, CancellationToken daemonStop)
    {
        ArgumentNullException.ThrowIfNull(tell);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(daemonStop);
        return new RecorderRun(stop, RunAsync(run, announce, tell, jitterUnit, stop.Token, daemonStop));
    }

    private async Task RunAsync(int run, bool announce, Action<RecorderEvent> tell, Func<double> jitterUnit, CancellationToken runStop, CancellationToken daemonStop)
    {
        await Task.Yield(); // the caller's loop goes on while this run is planned and runs
        var continues = File.Exists(layout.PlaylistPath);
        if (announce)
            logger.LogInformation("Starting recorder run {Run}: {Camera} -> {Directory}{Continues}; relaying to {Slots}",
                run, options.Camera.Url, layout.SessionDirectory, continues ? " (continuing the existing playlist)" : "",
                string.Join(", ", plan.Slots.Select(s => $"{s.Name} {s.Url}")));

        // What the camera sends decides copy or transcode, and its audio or a silent track: known from an earlier run
        // (then at once), else asked first. The run itself reports what the camera sends now (below).
        MediaPlan mediaPlan;
        try
        {
            mediaPlan = await media.PlanAsync(daemonStop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (daemonStop.IsCancellationRequested)
        {
            tell(new RunAbandoned());
            return;
        }

        var startedAt = time.GetUtcNow();
        var invocation = new FfmpegInvocation(
            $"Recorder run {run}",
            RecorderArguments.For(options, mediaPlan, continues, relay.InputPath, cameraKnown: media.Known is not null),
            layout.SessionDirectory,
            layout.FfmpegLogPath("recorder", run, startedAt),
            TimeSpan.FromSeconds(options.Ffmpeg.StallSeconds),
            FfmpegRole.Recorder,
            FirstMediaTimeout: ProgressWatch.RecorderFirstMediaTimeout(options));
        health.RunStarting();
        events.Publish(new RecorderRunStarting(startedAt, run));
        relay.Reset();
        var rates = StreamRates.Start(0, relayed.BytesReceived, startedAt);
        var input = new InputDump();
        var seen = new TaskCompletionSource<CameraStreams>(TaskCreationOptions.RunContinuationsAsynchronously);
        var streaming = false;
        DateTimeOffset? stopRequestedAt = null;
        await using var onStop = daemonStop.Register(() =>
        {
            stopRequestedAt = time.GetUtcNow();
            logger.LogInformation("Stopping recorder run {Run}: asking FFmpeg to finish the last segment", run);
        }).ConfigureAwait(false);
        var running = ffmpeg.RunAsync(invocation, progress =>
        {
            health.Progress(progress);
            var now = time.GetUtcNow();
            rates = rates.Next(progress.Frame, relayed.BytesReceived, now);
            events.Publish(new RecorderProgressed(now, progress.Frame, progress.TotalSize, progress.OutTime, progress.Speed, rates.FramesPerSecond, rates.BitrateKbps));
            if (streaming || progress.Frame <= 0)
                return;
            streaming = true;
            tell(new RunStreaming());
        }, runStop, line =>
        {
            if (input.Add(line) is { } streams)
                seen.TrySetResult(streams);
        });

        if (await Task.WhenAny(seen.Task, running).ConfigureAwait(false) != seen.Task && input.End() is { } dumped)
            seen.TrySetResult(dumped); // the run ended right after the dump (say, a planned audio stream that is gone)
        // Not cancelled by the stop: the run must be awaited below whatever happens, so FFmpeg's last segment is flushed.
        if (seen.Task.IsCompleted && await media.SeenAsync(await seen.Task.ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false) is { Restart: true } check)
            tell(new StreamsChanged(check.Changed ?? "", check.Plan.Reason));

        var exit = await running.ConfigureAwait(false);
        reports.RunEnded(exit);
        health.RunEnded(failed: !exit.StoppedOnRequest);
        events.Publish(new RecorderRunEnded(time.GetUtcNow(), run, exit.LastProgress?.OutTime ?? TimeSpan.Zero, Failed: !exit.StoppedOnRequest));
        if (stopRequestedAt is { } stopAt)
            logger.LogInformation("Recorder run {Run} flushed in {Seconds:0.00}s (stop requested to exit)", run, (time.GetUtcNow() - stopAt).TotalSeconds);
        tell(new RunEnded(exit, jitterUnit()));
    }
}

/// <summary>One recorder run, as the recorder holds it: its own stop (for a restart with another plan) and its work.</summary>
public sealed class RecorderRun(CancellationTokenSource stop, Task completion) : IDisposable
{
    /// <summary>Completes once the run has told its end; faults if planning it failed unexpectedly.</summary>
    public Task Completion { get; } = completion;

    /// <summary>Asks FFmpeg to finish now (<c>q</c>, then SIGINT, then SIGKILL).</summary>
    public void Stop() => stop.Cancel();

    public void Dispose() => stop.Dispose();
}

using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Recording;
using Encoder.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Content;

/// <summary>
/// Watches what the viewers get, from the class's start until the daemon is asked to stop: one small FFmpeg reads the
/// relay like an egress (<see cref="ContentMeasurements"/>; run where every FFmpeg runs, as <c>encoder-media</c> through
/// the media runner on the AMI, holding no credentials, since it parses the camera's media), each measurement goes to
/// <see cref="ContentJudge"/> and what it decides is published (<see cref="ClassEvents"/>: status, metrics and
/// <see cref="ContentLog"/> hear it); so is each measurement (<see cref="ContentMeasured"/>). A clock tick each second
/// lets a condition be confirmed and stale measurements expire between keyframes. When its FFmpeg ends, the judge hears
/// the stream was lost and the watch starts it again after a backoff (1 s doubling to 30 s; reset by a run that measured).
/// It decides nothing itself.
/// </summary>
public sealed partial class ContentWatch(
    EncoderOptions options,
    RecordingLayout layout,
    MpegTsRelay relay,
    FfmpegProcess ffmpeg,
    RecorderHealth recorder,
    ClassEvents events,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<ContentWatch> logger) : BackgroundService
{
    /// <summary>
    /// The watch's FFmpeg is stalled when it has not advanced for this long while the recorder is up (a stalled
    /// watch is restarted): longer than a camera's keyframe interval, since it outputs only keyframes and sound.
    /// </summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan FirstRestartDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    private readonly ContentJudge _judge = new(ContentThresholds.From(options.Content));
    private readonly Lock _lock = new();
    private ContentState _state = ContentState.Initial;

    /// <summary>The judge's state, for tests and diagnostics.</summary>
    public ContentState State
    {
        get
        {
            lock (_lock)
                return _state;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await recorder.Begun.WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopped before the class began
        }

        var ticking = TickAsync(stop.Token);
        var run = 0;
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            run++;
            var parser = new ContentLineParser();
            var measured = false;
            var invocation = new FfmpegInvocation(
                "Content watch",
                ContentMeasurements.Arguments(relay.OutputPath),
                layout.SessionDirectory,
                layout.FfmpegLogPath("content", run, time.GetUtcNow()),
                StallTimeout,
                FfmpegRole.Egress, // it reads the relay: silence while the recorder is down is not its fault
                StopGrace: TimeSpan.FromSeconds(1)); // nothing to save
            var exit = await ffmpeg.RunAsync(invocation, _ => { }, stop.Token, onStdout: line =>
            {
                if (parser.Add(line) is not { } observation)
                    return;
                measured = true;
                Observe(observation);
            }).ConfigureAwait(false);
            Observe(new ContentObservation.StreamLost());
            if (stop.IsCancellationRequested)
                break;
            failures = measured ? 1 : failures + 1;
            var delay = RestartBackoff.Delay(failures, FirstRestartDelay, MaxRestartDelay);
            if (failures == 3) // three runs in a row measured nothing: say so once, not at every retry
                Log.NotMeasuring(logger, failures, exit.Describe());
            Log.Restarting(logger, exit.Describe(), delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, time, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await ticking.ConfigureAwait(false);
    }

    /// <summary>Judges one observation and publishes what follows, in order (one at a time: FFmpeg's lines and the clock's ticks come on their own threads).</summary>
    private void Observe(ContentObservation observation)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var (state, decided) = _judge.Decide(_state, observation, now);
            _state = state;
            switch (observation)
            {
                case ContentObservation.Picture picture:
                    events.Publish(new ContentMeasured(now, Math.Round(picture.Luma, 1), picture.Change is { } change ? Math.Round(change, 2) : null, null));
                    break;
                case ContentObservation.Sound sound:
                    events.Publish(new ContentMeasured(now, null, null, Math.Round(sound.LevelDbfs, 1)));
                    break;
            }

            foreach (var happened in decided)
                events.Publish(happened);
        }
    }

    private async Task TickAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                Observe(new ContentObservation.Tick());
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 505, EventName = "ContentWatchRestarting", Level = LogLevel.Debug,
            Message = "The content watch's FFmpeg ended ({Reason}); starting it again in {Seconds:0.0}s")]
        public static partial void Restarting(ILogger logger, string reason, double seconds);

        [LoggerMessage(EventId = 506, EventName = "ContentWatchNotMeasuring", Level = LogLevel.Warning,
            Message = "The content watch has measured nothing in {Runs} runs of its FFmpeg (last: {Reason}): black, frozen and silent are not reported; retrying")]
        public static partial void NotMeasuring(ILogger logger, int runs, string reason);
    }
}

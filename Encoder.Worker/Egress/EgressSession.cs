using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Recording;

namespace Encoder.Egress;

/// <summary>One running egress FFmpeg pushing the relay to one slot: connecting, streaming (first frame out), ended, each published (<see cref="ClassEvents"/>).</summary>
public sealed class EgressSession : IEgress
{
    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource<bool> _streaming = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EgressSession(IngestSlot slot, CancellationTokenSource stop)
    {
        Slot = slot;
        _stop = stop;
    }

    public IngestSlot Slot { get; }

    /// <summary>Completes true with the first frame out, false if the session ended without one.</summary>
    public Task<bool> Streaming => _streaming.Task;

    public Task<FfmpegExit> Completion { get; private set; } = null!;

    internal static EgressSession Start(
        IngestSlot slot, int run, string relayOutput, EncoderOptions options, RecordingLayout layout, FfmpegProcess ffmpeg, ClassEvents events,
        TimeProvider time, CancellationToken daemonStop)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(daemonStop);
        var session = new EgressSession(slot, stop);
        var name = $"egress-{slot.Name}";
        var stall = TimeSpan.FromSeconds(options.Ffmpeg.StallSeconds);
        var invocation = new FfmpegInvocation(
            $"Egress to the {slot.Name} ingest",
            FfmpegArguments.Egress(relayOutput, slot.Url, (int)Math.Ceiling(options.Ffmpeg.StallSeconds), options.Tls),
            layout.SessionDirectory,
            layout.FfmpegLogPath(name, run, time.GetUtcNow()),
            stall,
            FfmpegRole.Egress, // silence while the recorder is down is not the ingest's fault: ProgressWatch rules
            StopGrace: TimeSpan.FromSeconds(1)); // an egress has nothing to save: stop it quickly
        events.Publish(new IngestConnecting(time.GetUtcNow(), slot.Name));
        session.Completion = RunAsync();
        return session;

        async Task<FfmpegExit> RunAsync()
        {
            try
            {
                var exit = await ffmpeg.RunAsync(invocation, progress =>
                {
                    var now = time.GetUtcNow();
                    events.Publish(new IngestProgressed(now, slot.Name, progress.Frame, progress.TotalSize, progress.OutTime, progress.Speed));
                    if (progress.Frame > 0 && !session._streaming.Task.IsCompleted)
                    {
                        events.Publish(new IngestStreaming(now, slot.Name)); // before the router hears of it
                        session._streaming.TrySetResult(true);
                    }
                }, stop.Token).ConfigureAwait(false);
                events.Publish(new IngestEnded(time.GetUtcNow(), slot.Name, exit.Describe(), Failed: !exit.StoppedOnRequest));
                return exit;
            }
            finally
            {
                session._streaming.TrySetResult(false);
            }
        }
    }

    /// <summary>Asks FFmpeg to finish (q, then SIGINT, then SIGKILL) and waits for it.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Completion.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}

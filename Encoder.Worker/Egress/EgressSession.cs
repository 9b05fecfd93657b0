using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Metrics;
using Encoder.Recording;
using Encoder.Status;

namespace Encoder.Egress;

/// <summary>One running egress FFmpeg pushing the relay to one slot: started, streaming (first frame out), ended.</summary>
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
        IngestSlot slot, int run, string relayOutput, EncoderOptions options, RecordingLayout layout, FfmpegProcess ffmpeg, EncoderStatus status,
        TimeProvider time, CancellationToken daemonStop, EncoderMetrics? metrics = null)
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
        status.SlotStarting(slot);
        session.Completion = RunAsync();
        return session;

        async Task<FfmpegExit> RunAsync()
        {
            try
            {
                var exit = await ffmpeg.RunAsync(invocation, progress =>
                {
                    status.SlotProgress(slot, progress);
                    if (progress.Frame > 0)
                    {
                        metrics?.IngestStreaming(slot.Name);
                        session._streaming.TrySetResult(true);
                    }
                }, stop.Token).ConfigureAwait(false);
                status.SlotEnded(slot, exit.Describe(), failed: !exit.StoppedOnRequest);
                metrics?.IngestDown(slot.Name);
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

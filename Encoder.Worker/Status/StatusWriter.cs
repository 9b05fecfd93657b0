using System.Text.Json;
using Encoder.Configuration;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Status;

/// <summary>
/// Rewrites the status JSON every second and at once when a state changes (<see cref="EncoderStatus.NextChange"/>),
/// writing beside and then renaming so a reader never sees half, and logs a summary now and then.
/// </summary>
public sealed class StatusWriter(
    EncoderOptions options,
    RecordingLayout layout,
    EncoderStatus status,
    TimeProvider time,
    ILogger<StatusWriter> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSummary = time.GetUtcNow() + TimeSpan.FromSeconds(options.Status.LogIntervalSeconds);
        using var timer = new PeriodicTimer(Interval, time);
        Task<bool>? tick = null;
        var changed = Task.CompletedTask;
        try
        {
            do
            {
                // The change to wait for is taken before the snapshot: a change between the two is then written at once,
                // not lost until the next tick.
                changed = status.NextChange;
                var snapshot = status.Snapshot(options.SessionId);
                Write(snapshot);
                if (time.GetUtcNow() >= nextSummary)
                {
                    nextSummary += TimeSpan.FromSeconds(options.Status.LogIntervalSeconds);
                    logger.LogInformation("Status: recorder {Recorder}, ingest {Active} ({Slots}), {Segments} segments recorded, {Stored} stored, {Failovers} failovers, up {Uptime:0}s",
                        snapshot.Recorder.State, snapshot.ActiveSlot ?? "none",
                        string.Join(", ", snapshot.Ingest.Select(kv => $"{kv.Key} {kv.Value.State}")),
                        snapshot.SegmentsRecorded, snapshot.SegmentsStored, snapshot.Failovers, snapshot.UptimeSeconds);
                }
            }
            while (await NextWriteAsync());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // The next tick, or a change of state before it (the tick stays pending: a periodic timer takes one waiter).
        async Task<bool> NextWriteAsync()
        {
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            if (await Task.WhenAny(tick, changed).ConfigureAwait(false) != tick)
                return true;
            var ticked = await tick.ConfigureAwait(false);
            tick = null;
            return ticked;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Write(status.Snapshot(options.SessionId));
    }

    private void Write(StatusSnapshot snapshot)
    {
        try
        {
            AtomicFile.WriteAllBytes(layout.StatusPath, JsonSerializer.SerializeToUtf8Bytes(snapshot, StatusJsonContext.Default.StatusSnapshot));
        }
        catch (IOException ex)
        {
            logger.LogDebug(ex, "Could not write the status file");
        }
    }
}

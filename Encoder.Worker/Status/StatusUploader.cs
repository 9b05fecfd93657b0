using System.Text.Json;
using Encoder.Configuration;
using Encoder.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Status;

/// <summary>
/// With S3 storage, puts the status snapshot as <c>{SessionId}/status.json</c> every <c>Status:UploadIntervalSeconds</c>,
/// so a CMS sees the class live without a console. Its own small loop through the same <see cref="IRecordingStore"/>:
/// it never waits for the segment uploads, and they never wait for it (one small PUT at a time, bounded by the
/// interval). While the uploader finds storage away (<see cref="StorageOutage.IsDown"/>) it skips; a tick that finds
/// the previous put still running is dropped, never queued: only the newest status matters.
/// </summary>
public sealed class StatusUploader(
    EncoderOptions options,
    EncoderStatus status,
    IRecordingStore store,
    StorageOutage storage,
    TimeProvider time,
    ILogger<StatusUploader> logger) : BackgroundService
{
    private readonly string _key = StorageKeys.For(options.SessionId, StorageKeys.StatusName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Storage.Kind != StorageKind.S3)
            return;
        var interval = TimeSpan.FromSeconds(options.Status.UploadIntervalSeconds);
        var failing = false;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                if (storage.IsDown)
                    continue;
                using var deadline = new CancellationTokenSource(interval, time);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deadline.Token);
                try
                {
                    var json = JsonSerializer.SerializeToUtf8Bytes(status.Snapshot(options.SessionId), StatusJsonContext.Default.StatusSnapshot);
                    await store.PutBytesAsync(_key, json, ObjectHeaders.Status, attempt.Token).ConfigureAwait(false);
                    if (failing)
                        logger.LogInformation("{Object} is stored again", store.Describe(_key));
                    failing = false;
                }
                catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
                {
                    // The uploader reports storage outages; this only says once that the live status is not getting through.
                    if (!failing)
                        logger.LogWarning("Storing the live status {Object} failed: {Error}; trying again every {Interval:0.#}s", store.Describe(_key),
                            ex is OperationCanceledException ? $"no answer within {interval.TotalSeconds:0.#}s" : ex.Message, interval.TotalSeconds);
                    failing = true;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

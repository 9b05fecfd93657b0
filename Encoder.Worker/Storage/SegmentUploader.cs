using System.Text;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>
/// Copies the recording to storage while the class runs: every segment the playlist names, in playlist order, and
/// then the playlist itself, so the stored playlist never names a segment that isn't stored. It stops after FFmpeg
/// (hosted services stop in reverse order) and then drains: the remaining segments, the final playlist with
/// <c>#EXT-X-ENDLIST</c>, and the logs.
/// </summary>
public sealed class SegmentUploader(
    EncoderOptions options,
    RecordingLayout layout,
    IRecordingStore store,
    UploadDrainReport drainReport,
    DaemonOutcome outcome,
    EncoderStatus status,
    TimeProvider time,
    ILogger<SegmentUploader> logger) : BackgroundService
{
    public const string SegmentContentType = "video/mp2t";
    public const string PlaylistContentType = "application/vnd.apple.mpegurl";
    public const string LogContentType = "text/plain; charset=utf-8";

    private static readonly TimeSpan ScanInterval = TimeSpan.FromMilliseconds(500);
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);
    private string? _storedPlaylist;
    private bool _failing;

    public int SegmentsStored => _stored.Count;

    private string Key(string name) => $"{options.SessionId}/{name}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await SyncAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(ScanInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var started = time.GetUtcNow();
        var playlist = await SyncAsync(cancellationToken).ConfigureAwait(false);
        var logs = await StoreLogsAsync(cancellationToken).ConfigureAwait(false);
        var pending = playlist.Segments.Where(s => !_stored.Contains(s.Uri)).Select(s => Key(s.Uri)).ToList();
        if (_storedPlaylist is null && File.Exists(layout.PlaylistPath))
            pending.Add(Key(RecordingLayout.PlaylistFileName));
        drainReport.Complete(pending);
        if (pending.Count > 0)
        {
            logger.LogError("Upload drain incomplete: {Count} objects are only on this machine, in {Directory}: {Pending}",
                pending.Count, layout.SessionDirectory, pending);
            outcome.Report(ExitCodes.UploadsPending);
        }

        logger.LogInformation("Upload drained in {Seconds:0.00}s: {Segments} segments ({Duration:0.0}s), playlist {Playlist}{EndList}, {Logs} logs, in {Destination}",
            (time.GetUtcNow() - started).TotalSeconds, _stored.Count, playlist.TotalDuration.TotalSeconds,
            RecordingLayout.PlaylistFileName, playlist.HasEndList ? " (complete)" : " (no ENDLIST: FFmpeg did not finish cleanly)",
            logs, store.Describe(options.SessionId));
    }

    /// <summary>One pass: store what is new, in order, then the playlist that names it. Returns the playlist as read.</summary>
    private async Task<HlsPlaylist> SyncAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(layout.PlaylistPath))
            return HlsPlaylist.Empty;
        var bytes = await File.ReadAllBytesAsync(layout.PlaylistPath, cancellationToken).ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(bytes);
        var playlist = HlsPlaylist.Parse(text);
        try
        {
            foreach (var segment in playlist.Segments)
            {
                if (_stored.Contains(segment.Uri))
                    continue;
                await store.PutFileAsync(Key(segment.Uri), Path.Combine(layout.SessionDirectory, segment.Uri), SegmentContentType, cancellationToken)
                    .ConfigureAwait(false);
                _stored.Add(segment.Uri);
                logger.LogDebug("Stored {Segment} ({Seconds:0.00}s)", segment.Uri, segment.Duration.TotalSeconds);
            }

            if (text != _storedPlaylist)
            {
                await store.PutBytesAsync(Key(RecordingLayout.PlaylistFileName), bytes, PlaylistContentType, cancellationToken).ConfigureAwait(false);
                _storedPlaylist = text;
            }

            status.Segments(playlist.Segments.Count, _stored.Count);
            if (_failing)
                logger.LogInformation("Storage works again; {Segments} segments stored", _stored.Count);
            _failing = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Segments stay on disk and go up, in order, on a later pass.
            if (!_failing)
                logger.LogWarning(ex, "Storing the recording failed; segments wait on disk and are retried");
            _failing = true;
        }

        return playlist;
    }

    private async Task<int> StoreLogsAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(layout.LogDirectory))
            return 0;
        var stored = 0;
        foreach (var path in Directory.EnumerateFiles(layout.LogDirectory, "*.log").Order(StringComparer.Ordinal))
        {
            try
            {
                await store.PutFileAsync(Key($"logs/{Path.GetFileName(path)}"), path, LogContentType, cancellationToken).ConfigureAwait(false);
                stored++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not store log {Log}", Path.GetFileName(path));
            }
        }

        return stored;
    }
}

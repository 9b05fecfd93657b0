using System.Text;
using Encoder.Configuration;
using Encoder.Resilience;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>
/// Uploads the recording while the class runs: every segment the playlist names (complete by <see cref="HlsPlaylist"/>'s
/// rule), in playlist order, then the playlist itself, so a stored playlist never names a segment that isn't stored.
/// Each verified upload is written to the <see cref="UploadJournal"/> before the next begins, so a restarted daemon
/// resumes where the killed one stopped. While storage is down, segments wait on disk and passes are retried with
/// <see cref="UploadBackoff"/>. It stops after FFmpeg (hosted services stop in reverse order) and then drains: the
/// remaining segments, the final VOD playlist, the logs and <c>session.json</c>, within the host's shutdown timeout;
/// what it could not store is reported and the daemon exits with <see cref="ExitCodes.UploadsPending"/>.
/// </summary>
public sealed class SegmentUploader(
    EncoderOptions options,
    RecordingLayout layout,
    IRecordingStore store,
    UploadJournal journal,
    SessionOutages outages,
    UploadDrainReport drainReport,
    DaemonOutcome outcome,
    EncoderStatus status,
    TimeProvider time,
    ILogger<SegmentUploader> logger,
    IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromMilliseconds(500);
    private readonly FailureStreak _failures = new(TimeSpan.FromMinutes(1));
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private DateTimeOffset _stopRequestedAt = DateTimeOffset.MaxValue;
    private bool _recovered;

    /// <summary>Segments verified in storage (by this daemon or, per the journal, an earlier one).</summary>
    public int SegmentsStored => journal.State.Stored.Keys.Count(k => k.EndsWith(".ts", StringComparison.Ordinal));

    private string Key(string name) => StorageKeys.For(options.SessionId, name);

    private string Destination(string name) => store.Describe(Key(name));

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        journal.Open();
        lifetime?.ApplicationStopping.Register(() => _stopRequestedAt = time.GetUtcNow());
        if (journal.State.FirstStart is { } first && journal.State.Restarts.Count > 0)
            logger.LogWarning("Resuming the upload of session {SessionId} (first started {FirstStart:O}): {Stored} objects are already stored, per {Journal}",
                options.SessionId, first, journal.State.Stored.Count, journal.Path);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var ok = await TryPassAsync(final: false, stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(ok ? ScanInterval : UploadBackoff.Delay(_failures.Failures), time, stoppingToken).ConfigureAwait(false);
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
        if (_stopRequestedAt == DateTimeOffset.MaxValue)
            _stopRequestedAt = started;
        var budget = _stopRequestedAt + StopBudget.From(options).DrainDeadline - started;
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(budget > TimeSpan.Zero ? budget : TimeSpan.Zero);

        IReadOnlyList<UploadItem> left = [];
        while (true)
        {
            if (await TryPassAsync(final: true, drain.Token).ConfigureAwait(false))
            {
                left = [];
                break;
            }

            left = _lastLeft;
            try
            {
                await Task.Delay(UploadBackoff.Delay(_failures.Failures), time, drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        var pending = left.Select(i => i.Key).Concat(_lost.Select(Key)).ToList();
        drainReport.Complete(pending);
        var playlist = ReadPlaylist().Playlist;
        if (pending.Count > 0)
        {
            logger.LogError("Upload drain incomplete after {Seconds:0.0}s: {Count} objects are only on this machine, in {Directory}: {Pending}",
                (time.GetUtcNow() - started).TotalSeconds, pending.Count, layout.SessionDirectory, pending);
            outcome.Report(ExitCodes.UploadsPending);
            return;
        }

        logger.LogInformation("Upload drained in {Seconds:0.00}s: {Segments} segments ({Duration:0.0}s), playlist {Playlist}{EndList}, logs and {Manifest} in {Destination}",
            (time.GetUtcNow() - started).TotalSeconds, SegmentsStored, playlist.TotalDuration.TotalSeconds, StorageKeys.PlaylistName,
            playlist.HasEndList ? " (complete)" : " (no ENDLIST from FFmpeg: added for the VOD)", StorageKeys.ManifestName,
            store.Describe(StorageKeys.SessionFolder(options.SessionId)));
    }

    private List<UploadItem> _lastLeft = [];

    /// <summary>One pass; false when storage failed (what is left is in <see cref="_lastLeft"/>).</summary>
    private int _segmentsRecorded;

    private async Task<bool> TryPassAsync(bool final, CancellationToken cancellationToken)
    {
        IReadOnlyList<UploadItem>? items = null;
        var done = 0;
        try
        {
            items = Plan(final);
            if (!_recovered)
                _recovered = await TryRecoverAsync(cancellationToken).ConfigureAwait(false);

            foreach (var item in items)
            {
                await UploadAsync(item, cancellationToken).ConfigureAwait(false);
                done++;
            }

            status.Segments(_segmentsRecorded, SegmentsStored);
            if (_failures.Recovered(time.GetUtcNow()) is { } outage)
            {
                outages.Report(new Outage(Outage.Storage, time.GetUtcNow() - outage, time.GetUtcNow(), "storage unavailable"));
                logger.LogInformation("Storage works again after {OutageSeconds:0.0}s; the segments that waited on disk are stored, in order", outage.TotalSeconds);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _lastLeft = Left(items, done);
            var permanent = ex is StorageUnavailableException { Transient: false };
            switch (_failures.Failed(time.GetUtcNow(), ex.Message))
            {
                case FailureReport.OutageStarted:
                case FailureReport.StillFailing:
                    logger.Log(permanent ? LogLevel.Error : LogLevel.Warning,
                        "Storing the recording failed: {Error}. {Waiting} objects wait on disk and are retried (reminders once a minute)",
                        ex.Message, _lastLeft.Count);
                    break;
                default:
                    logger.LogDebug("Storing the recording still fails: {Error}", ex.Message);
                    break;
            }

            return false;
        }
        catch (OperationCanceledException)
        {
            _lastLeft = Left(items, done);
            return false;
        }
    }

    /// <summary>What a failed pass left; when it failed before it knew (reading the recording failed), the whole session folder counts as left.</summary>
    private List<UploadItem> Left(IReadOnlyList<UploadItem>? items, int done) =>
        items is null
            ? [new UploadItem(StorageKeys.SessionFolder(options.SessionId), null, null, ObjectHeaders.Manifest, null)]
            : items.Skip(done).ToList();

    /// <summary>What this pass must store, in order: new segments, then the playlist naming them; on the final pass also the logs and session.json.</summary>
    private List<UploadItem> Plan(bool final)
    {
        var (playlist, text) = ReadPlaylist();
        _segmentsRecorded = playlist.Segments.Count;
        var items = new List<UploadItem>();
        foreach (var segment in UploadPlan.PendingSegments(playlist, journal.State, Destination))
        {
            if (_lost.Contains(segment.Uri))
                continue;
            var path = Path.Combine(layout.SessionDirectory, segment.Uri);
            if (!File.Exists(path))
            {
                _lost.Add(segment.Uri);
                logger.LogError("Segment {Segment} is named by the playlist but is missing on disk and not in storage: it cannot be stored", segment.Uri);
                continue;
            }

            items.Add(new UploadItem(Key(segment.Uri), path, null, ObjectHeaders.Segment, segment.Uri));
        }

        if (text is not null)
        {
            var content = Encoding.UTF8.GetBytes(final ? HlsPlaylist.AsFinal(text) : text);
            if (!journal.State.IsStored(Destination(StorageKeys.PlaylistName), ContentMd5.Hex(content)))
                items.Add(new UploadItem(Key(StorageKeys.PlaylistName), null, content, final ? ObjectHeaders.FinalPlaylist : ObjectHeaders.LivePlaylist, null));
        }

        if (!final)
            return items;

        if (Directory.Exists(layout.LogDirectory))
        {
            foreach (var log in Directory.EnumerateFiles(layout.LogDirectory, "*.log").Order(StringComparer.Ordinal))
                items.Add(new UploadItem(StorageKeys.Log(options.SessionId, Path.GetFileName(log)), log, null, ObjectHeaders.Log, null));
        }

        var manifest = SessionManifest.Build(options.SessionId, journal.State.FirstStart ?? time.GetUtcNow(), time.GetUtcNow(),
            HlsPlaylist.Parse(text is null ? "" : HlsPlaylist.AsFinal(text)), StorageKeys.ObjectKey(options.Storage.Kind == StorageKind.S3 ? options.Storage.Prefix : null, Key(StorageKeys.PlaylistName)),
            IngestSlots(), outages.All, journal.State.Restarts);
        items.Add(new UploadItem(Key(StorageKeys.ManifestName), null, manifest.ToJson(), ObjectHeaders.Manifest, null));
        return items;
    }

    /// <summary>Failover to the secondary slot is not built yet: every class streams to the primary.</summary>
    /// <summary>Every slot that carried the stream at some point (had a first frame out).</summary>
    private List<string> IngestSlots() => status.SlotsThatStreamed();

    private async Task UploadAsync(UploadItem item, CancellationToken cancellationToken)
    {
        var destination = store.Describe(item.Key);
        if (item.LocalPath is { } path && journal.State.InFlight.Contains(destination) && await AlreadyStoredAsync(item, path, cancellationToken).ConfigureAwait(false))
            return;
        if (item.LocalPath is { } logPath && item.Headers == ObjectHeaders.Log)
        {
            // A log unchanged since its last upload (e.g. an earlier daemon's) is not sent again.
            var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            await using (stream.ConfigureAwait(false))
            {
                if (journal.State.IsStored(destination, await ContentMd5.HexAsync(stream, cancellationToken).ConfigureAwait(false)))
                    return;
            }
        }

        journal.Begin(destination);
        var started = time.GetTimestamp();
        string md5;
        long size;
        if (item.LocalPath is { } file)
        {
            size = new FileInfo(file).Length;
            md5 = await store.PutFileAsync(item.Key, file, item.Headers, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            size = item.Content!.Length;
            md5 = await store.PutBytesAsync(item.Key, item.Content, item.Headers, cancellationToken).ConfigureAwait(false);
        }

        journal.Stored(destination, md5, size);
        if (item.Segment is { } segment)
            SegmentStored(segment, item.LocalPath!, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Aborts the unfinished multipart uploads an earlier, killed run left. Best effort: the least-privilege role
    /// (iam/encoder-instance-policy.json) may not allow listing them, and that must never stop the recording going up;
    /// the bucket's AbortIncompleteMultipartUpload lifecycle rule then cleans them. Returns whether to stop trying.
    /// </summary>
    private async Task<bool> TryRecoverAsync(CancellationToken cancellationToken)
    {
        var folder = StorageKeys.SessionFolder(options.SessionId);
        try
        {
            var cleaned = await store.RecoverAsync(folder, cancellationToken).ConfigureAwait(false);
            if (cleaned > 0)
                logger.LogWarning("Cleaned up {Count} unfinished uploads an earlier run left in {Destination}", cleaned, store.Describe(folder));
            return true;
        }
        catch (StorageUnavailableException ex) when (ex.Denied)
        {
            logger.LogWarning("Could not look for unfinished uploads an earlier run may have left in {Destination} ({Error}); uploading goes on, and the bucket's lifecycle rule cleans them",
                store.Describe(folder), ex.Message);
            return true;
        }
        catch (StorageUnavailableException ex) when (ex.Transient)
        {
            logger.LogDebug("Looking for unfinished uploads failed for now ({Error}); trying again on the next pass", ex.Message);
            return false;
        }
    }

    /// <summary>
    /// A killed daemon may have finished this upload without journaling it: if storage holds exactly this content,
    /// record it instead of sending it twice. Storage that may not be read (a put-only role) counts as "not known":
    /// the identical content is simply put again.
    /// </summary>
    private async Task<bool> AlreadyStoredAsync(UploadItem item, string path, CancellationToken cancellationToken)
    {
        string? stored;
        try
        {
            stored = await store.StoredMd5Async(item.Key, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex) when (ex.Denied)
        {
            logger.LogDebug("Cannot check whether {Object} is already stored ({Error}); uploading it again", store.Describe(item.Key), ex.Message);
            return false;
        }

        if (stored is null)
            return false;
        var stream = File.OpenRead(path);
        string local;
        await using (stream.ConfigureAwait(false))
            local = await ContentMd5.HexAsync(stream, cancellationToken).ConfigureAwait(false);
        if (stored != local)
            return false;
        journal.Stored(store.Describe(item.Key), local, new FileInfo(path).Length);
        logger.LogInformation("{Object} was already stored by the previous run; not uploaded again", store.Describe(item.Key));
        if (item.Segment is { } segment)
            SegmentStored(segment, path, TimeSpan.Zero);
        return true;
    }

    /// <summary>Lag: from the segment's completion (FFmpeg's last write before renaming it in) to its verified upload.</summary>
    private void SegmentStored(string segment, string path, TimeSpan upload)
    {
        var lag = time.GetUtcNow() - File.GetLastWriteTimeUtc(path);
        logger.LogDebug("Stored {Segment} (lag {LagSeconds:0.000}s, {Bytes} bytes in {UploadSeconds:0.000}s)", segment, lag.TotalSeconds, new FileInfo(path).Length, upload.TotalSeconds);
        if (options.Storage.DeleteLocalAfterUpload)
            File.Delete(path);
    }

    private (HlsPlaylist Playlist, string? Text) ReadPlaylist()
    {
        if (!File.Exists(layout.PlaylistPath))
            return (HlsPlaylist.Empty, null);
        var text = File.ReadAllText(layout.PlaylistPath, Encoding.UTF8);
        return (HlsPlaylist.Parse(text), text);
    }

    private sealed record UploadItem(string Key, string? LocalPath, byte[]? Content, ObjectHeaders Headers, string? Segment);
}

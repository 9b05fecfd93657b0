using Encoder.Configuration;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Replay;

/// <summary>
/// Builds the replay MP4 of the whole class while it runs, so that at its end only the index is left to send. Each
/// segment the playlist names is remuxed (<see cref="SegmentRemux"/>, no decode), laid on the VOD's timeline
/// (<see cref="ReplayTimeline"/>) and its media appended to a file in the session folder; whenever that holds a part
/// (<see cref="ReplayParts"/>), the part goes up into the MP4's multipart upload (<see cref="IPartStore"/>), begun once storage
/// holds a first segment (the uploader's first pass has cleaned up what an earlier run left). The segments wait on this disk
/// until taken in (<see cref="SegmentLedger.HoldForReplay"/>). At the class's end the drain calls <see cref="FinishAsync"/> just
/// before <c>session.json</c>: the last segments, the last part, the index as part 1 (<see cref="MovieHeader"/>), and the upload
/// is completed. Whatever goes wrong, the replay gives up with a reason, which <c>session.json</c> states; the VOD never waits.
/// </summary>
public sealed class ReplayBuilder : BackgroundService, IReplayFinisher
{
    public const string MediaFileName = "replay-media.bin";
    private static readonly TimeSpan FinishBudget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly EncoderOptions _options;
    private readonly RecordingLayout _layout;
    private readonly PlaylistReader _playlists;
    private readonly SegmentLedger _ledger;
    private readonly IRecordingDisk _disk;
    private readonly SegmentRemux _remux;
    private readonly IPartStore? _parted;
    private readonly IRecordingStore _describe;
    private readonly ILogger<ReplayBuilder> _logger;
    private readonly PlaylistChanges? _changes;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ReplayTimeline _timeline = new();
    private readonly List<StoredPart> _parts = [];
    private string? _uploadId;
    private long _sent; // bytes of the media file already sent as parts
    private long _gathered; // bytes in the media file
    private int _nextPart = ReplayParts.FirstMediaPart;
    private string? _problem;
    private ReplayOutcome? _finished;

    public ReplayBuilder(EncoderOptions options, RecordingLayout layout, PlaylistReader playlists, SegmentLedger ledger, IRecordingDisk disk, SegmentRemux remux,
        IRecordingStore store, ILogger<ReplayBuilder> logger, PlaylistChanges? changes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ledger);
        _options = options;
        _layout = layout;
        _playlists = playlists;
        _ledger = ledger;
        _disk = disk;
        _remux = remux;
        _describe = store;
        _parted = store as IPartStore;
        _logger = logger;
        _changes = changes;
        if (options.Replay.Enabled && _parted is not null)
            ledger.HoldForReplay();
    }

    private IPartStore Parts => _parted!;

    private bool Enabled => _options.Replay.Enabled && _parted is not null;

    private string Mp4Key => StorageKeys.For(_options.SessionId, StorageKeys.ReplayMp4Name);

    private string MediaPath => Path.Combine(_layout.SessionDirectory, MediaFileName);

    public override void Dispose()
    {
        _turn.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        try
        {
            File.Delete(MediaPath); // what an earlier run gathered belongs to its upload, which the uploader's first pass aborts
            while (!stoppingToken.IsCancellationRequested && _problem is null)
            {
                var changed = _changes is { Watching: true } ? _changes.Next : null;
                await _turn.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await TakeInAsync(final: false, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    _turn.Release();
                }

                var delay = Task.Delay(Poll, stoppingToken);
                await (changed is null ? delay : Task.WhenAny(changed, delay)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The class is ending: the drain finishes the replay.
        }
    }

    public async Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
            return ReplayOutcome.Missing(_options.Replay.Enabled ? "the store cannot put an object in parts" : "the replay is turned off (Replay:Enabled)");
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(FinishBudget);
        try
        {
            await _turn.WaitAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new ReplayOutcome(new ReplayManifest(null, "the replay was still busy when the class ended"), [Mp4Key]);
        }

        try
        {
            if (_finished is { } finished)
                return finished;
            var started = DateTimeOffset.UtcNow;
            var before = _timeline.SegmentCount;
            await TakeInAsync(final: true, budget.Token).ConfigureAwait(false);
            var tookIn = DateTimeOffset.UtcNow;
            if (_problem is { } problem)
                return _finished = ReplayOutcome.Missing(problem);
            if (_timeline.SegmentCount == 0 || _timeline.MediaLength == 0)
                return _finished = ReplayOutcome.Missing("no media was recorded");
            var pending = _gathered - _sent;
            await SendPartsAsync(final: true, budget.Token).ConfigureAwait(false);
            var header = MovieHeader.Build(_timeline, IPartStore.MinPartSize);
            _parts.RemoveAll(p => p.Number == ReplayParts.IndexPart);
            _parts.Add(await Parts.PutPartAsync(Mp4Key, _uploadId!, ReplayParts.IndexPart, header, budget.Token).ConfigureAwait(false));
            var size = await Parts.CompletePartsAsync(Mp4Key, _uploadId!, _parts, budget.Token).ConfigureAwait(false);
            var duration = MovieHeader.Duration(_timeline);
            var done = DateTimeOffset.UtcNow;
            _logger.LogInformation("The replay {Object} is stored: {Bytes} bytes, {Seconds:0.0}s, {Parts} parts, its index sent and the upload completed in {FinishSeconds:0.000}s ({Segments} last segments taken in in {TakeInSeconds:0.000}s, then the last {LastPartBytes} bytes of media, the {IndexBytes}-byte index and the completion in {SendSeconds:0.000}s)",
                _describe.Describe(Mp4Key), size, duration.TotalSeconds, _parts.Count, (done - started).TotalSeconds, _timeline.SegmentCount - before,
                (tookIn - started).TotalSeconds, pending, header.Length, (done - tookIn).TotalSeconds);
            File.Delete(MediaPath);
            var key = StorageKeys.ObjectKey(_options.Storage.Kind == StorageKind.S3 ? _options.Storage.Prefix : null, Mp4Key);
            return _finished = new ReplayOutcome(new ReplayManifest(new ReplayObject(key, size, ObjectHeaders.ReplayMp4.ContentType, Math.Round(duration.TotalSeconds, 3))), []);
        }
        catch (Exception ex) when (ex is StorageUnavailableException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _logger.LogWarning("The replay {Object} could not be stored yet: {Error}", _describe.Describe(Mp4Key), ex.Message);
            return new ReplayOutcome(new ReplayManifest(null, $"not stored yet: {ex.Message}"), [Mp4Key]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return _finished = ReplayOutcome.Missing(GiveUp($"the replay failed: {ex.Message}"));
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Takes in the segments the playlist names that are not in yet, then sends the parts that are ready.</summary>
    private async Task TakeInAsync(bool final, CancellationToken cancellationToken)
    {
        if (_problem is not null || _playlists.Read()?.Parsed is not { } playlist)
            return;
        for (var i = _timeline.SegmentCount; i < playlist.Segments.Count && _problem is null; i++)
        {
            var segment = playlist.Segments[i];
            if (!File.Exists(Path.Combine(_layout.SessionDirectory, segment.Uri)))
            {
                GiveUp($"{segment.Uri} was no longer on this machine when the replay came to it (stored and removed by an earlier run)");
                return;
            }

            var (media, file, problem) = await _remux.RemuxAsync(segment.Uri, cancellationToken).ConfigureAwait(false);
            if (media is null)
            {
                GiveUp(problem ?? $"{segment.Uri} could not be remuxed");
                return;
            }

            if (_timeline.Add(media, _timeline.End, segment.Duration) is { } cannot)
            {
                GiveUp($"{segment.Uri}: {cannot}");
                return;
            }

            var output = new FileStream(MediaPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            await using (output.ConfigureAwait(false))
                await output.WriteAsync(file.AsMemory((int)media.MediaStart, (int)media.MediaLength), cancellationToken).ConfigureAwait(false);
            _gathered += media.MediaLength;
            _ledger.Replayed(segment.Uri);
            if (_options.Storage.DeletesLocalAfterUpload())
                _disk.Delete(segment.Uri); // the uploader's rule: gone once stored (and now taken in)
        }

        if (!final)
        {
            try
            {
                await SendPartsAsync(final: false, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageUnavailableException ex)
            {
                _logger.LogDebug("A replay part waits for storage: {Error}", ex.Message);
            }
        }
    }

    /// <summary>Sends the gathered media as parts (<see cref="ReplayParts"/>); the upload is begun once storage holds a first segment.</summary>
    private async Task SendPartsAsync(bool final, CancellationToken cancellationToken)
    {
        if (!final && _ledger.StoredCount == 0)
            return;
        while (ReplayParts.NextPart(_gathered - _sent, _options.Replay.PartMebibytes * 1024L * 1024, final) is > 0 and var size)
        {
            if (!ReplayParts.Fits(_nextPart))
            {
                GiveUp("the class is longer than the replay's 10,000 parts hold (raise Replay:PartMebibytes)");
                return;
            }

            _uploadId ??= await Parts.BeginPartsAsync(Mp4Key, ObjectHeaders.ReplayMp4, cancellationToken).ConfigureAwait(false);
            var content = new byte[size];
            var input = new FileStream(MediaPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            await using (input.ConfigureAwait(false))
            {
                input.Position = _sent;
                await input.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
            }

            _parts.Add(await Parts.PutPartAsync(Mp4Key, _uploadId, _nextPart, content, cancellationToken).ConfigureAwait(false));
            _nextPart++;
            _sent += size;
            if (_sent == _gathered)
            {
                File.Delete(MediaPath); // everything gathered is sent: start the file again
                _sent = _gathered = 0;
            }
        }

        if (!final && _uploadId is null && _ledger.StoredCount > 0)
            _uploadId = await Parts.BeginPartsAsync(Mp4Key, ObjectHeaders.ReplayMp4, cancellationToken).ConfigureAwait(false);
    }

    private string GiveUp(string reason)
    {
        _problem ??= reason;
        _logger.LogWarning("No replay MP4 for this class: {Reason}. The HLS recording is not affected", reason);
        _ledger.ReleaseReplayHold();
        foreach (var segment in _disk.Segments().Where(s => s.Stored && _options.Storage.DeletesLocalAfterUpload()))
            _disk.Delete(segment.Name);
        if (_uploadId is { } id)
            _ = Parts.AbortPartsAsync(Mp4Key, id, CancellationToken.None);
        File.Delete(MediaPath);
        return _problem;
    }
}

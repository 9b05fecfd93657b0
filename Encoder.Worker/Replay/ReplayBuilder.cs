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
/// (<see cref="ReplayParts"/>), the part goes up into the MP4's multipart upload (<see cref="IPartStore"/>), begun with the
/// first part once storage holds a first segment. The segments wait on this disk until taken in
/// (<see cref="SegmentLedger.HoldForReplay"/>). Each step is written to the replay's journal (<see cref="ReplayJournal"/>), so a
/// daemon stopped, killed or rebooted mid-class goes on with the same upload. At the class's end the drain calls
/// <see cref="FinishAsync"/> just before <c>session.json</c>: the last segments, the last part, the index as part 1
/// (<see cref="MovieHeader"/>), and the upload is completed; storage failing then leaves it pending for the drain's next try.
/// A replay that cannot be made gives up with a reason, which <c>session.json</c> states; the VOD never waits.
/// </summary>
public sealed class ReplayBuilder : BackgroundService, IReplayFinisher
{
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
    private readonly Lock _resumeLock = new();
    private List<StoredPart> _parts = [];
    private IReadOnlyList<JournaledSegment> _journaled = [];
    private bool _resumed;
    private ReplayMediaFile? _media;
    private string? _uploadId;
    private long _sent; // bytes of media already stored as parts
    private long _gathered; // bytes of media taken in
    private int _nextPart = ReplayParts.FirstMediaPart;
    private int _storedWhenBeginFailed = -1; // the segments stored when beginning the upload last failed: try again only after another is
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

    private string JournalPath => Path.Combine(_layout.SessionDirectory, ReplayJournal.FileName);

    /// <summary>The MP4's upload an earlier run of this class begun and this one goes on with (the uploader's clean-up leaves it).</summary>
    public string? ContinuedUpload
    {
        get
        {
            Resume();
            return _finished is null && _problem is null ? _uploadId : null;
        }
    }

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
            Resume();
            while (!stoppingToken.IsCancellationRequested && _problem is null)
            {
                var changed = _changes is { Watching: true } ? _changes.Next : null;
                await _turn.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await TakeInAsync(final: false, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    GiveUp($"the replay failed: {ex.Message}");
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
            Resume();
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
            var key = StorageKeys.ObjectKey(_options.Storage.Kind == StorageKind.S3 ? _options.Storage.Prefix : null, Mp4Key);
            var mp4 = new ReplayObject(key, size, ObjectHeaders.ReplayMp4.ContentType, Math.Round(duration.TotalSeconds, 3));
            Journal(new ReplayJournalLine { Completed = mp4 });
            var done = DateTimeOffset.UtcNow;
            _logger.LogInformation("The replay {Object} is stored: {Bytes} bytes, {Seconds:0.0}s, {Parts} parts, its index sent and the upload completed in {FinishSeconds:0.000}s ({Segments} last segments taken in in {TakeInSeconds:0.000}s, then the last {LastPartBytes} bytes of media, the {IndexBytes}-byte index and the completion in {SendSeconds:0.000}s)",
                _describe.Describe(Mp4Key), size, duration.TotalSeconds, _parts.Count, (done - started).TotalSeconds, _timeline.SegmentCount - before,
                (tookIn - started).TotalSeconds, pending, header.Length, (done - tookIn).TotalSeconds);
            ReplayMediaFile.DeleteAll(_layout.SessionDirectory);
            return _finished = new ReplayOutcome(new ReplayManifest(mp4), []);
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
        if (_journaled.Count > 0)
        {
            if (playlist.Segments.Count < _journaled.Count || _journaled.Where((s, i) => s.Uri != playlist.Segments[i].Uri).Any())
            {
                GiveUp("the playlist no longer begins with the segments an earlier run took into the replay");
                return;
            }

            _journaled = [];
        }

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

            await _media!.AppendAsync(file.AsMemory((int)media.MediaStart, (int)media.MediaLength), cancellationToken).ConfigureAwait(false);
            Journal(new ReplayJournalLine { Segment = JournaledSegment.Of(segment.Uri, segment.Duration, media) }); // after its media: a cut append is not counted
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

    /// <summary>Sends the gathered media as parts (<see cref="ReplayParts"/>), once storage holds a first segment.</summary>
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

            if (!await BeginAsync(final, cancellationToken).ConfigureAwait(false))
                return;
            var content = await _media!.ReadAsync(_sent, (int)size, cancellationToken).ConfigureAwait(false);
            var part = await Parts.PutPartAsync(Mp4Key, _uploadId!, _nextPart, content, cancellationToken).ConfigureAwait(false);
            Journal(new ReplayJournalLine { Part = part });
            _parts.Add(part);
            _nextPart++;
            _sent += size;
            _media.DropBefore(_sent);
        }

    }

    /// <summary>
    /// Begins the MP4's multipart upload once, when its first part is ready (or at the class's end). S3 cannot be asked to
    /// begin one only once: a begin that timed out may still have made an upload (empty: it costs nothing, and the bucket's
    /// lifecycle rule removes it). So a begin is one attempt, and after a failed one, the class's end or another segment
    /// stored (storage is answering again) comes first.
    /// </summary>
    private async Task<bool> BeginAsync(bool final, CancellationToken cancellationToken)
    {
        if (_uploadId is not null)
            return true;
        var stored = _ledger.StoredCount;
        if (!final && stored <= _storedWhenBeginFailed)
            return false;
        try
        {
            _uploadId = await Parts.BeginPartsAsync(Mp4Key, ObjectHeaders.ReplayMp4, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            _storedWhenBeginFailed = stored;
            throw;
        }

        Journal(new ReplayJournalLine { Upload = _uploadId });
        return true;
    }

    /// <summary>
    /// Picks up where an earlier run of this class left the replay (<see cref="ReplayJournal"/>): the segments it took in back
    /// on the timeline, the parts it stored, its media not yet stored; or the MP4 it completed, or why it gave up. Once.
    /// </summary>
    private void Resume()
    {
        lock (_resumeLock)
        {
            if (_resumed || !Enabled)
                return;
            _resumed = true;
            if (!File.Exists(JournalPath))
            {
                ReplayMediaFile.DeleteAll(_layout.SessionDirectory); // media no journal counts
                _media = ReplayMediaFile.Open(_layout.SessionDirectory, 0, 0).File;
                return;
            }

            var progress = ReplayJournal.Read(File.ReadAllText(JournalPath));
            if (progress.Completed is { } mp4)
            {
                _finished = new ReplayOutcome(new ReplayManifest(mp4), []);
                _ledger.ReleaseReplayHold();
                return;
            }

            if (progress.Problem is { } problem)
            {
                _problem = problem;
                _ledger.ReleaseReplayHold();
                return;
            }

            foreach (var segment in progress.Segments)
            {
                if (segment.Media() is not { } media || _timeline.Add(media, _timeline.End, TimeSpan.FromSeconds(segment.Seconds)) is not null)
                {
                    GiveUp($"the replay's journal names {segment.Uri} in a form this run cannot take");
                    return;
                }

                _ledger.Replayed(segment.Uri);
            }

            _journaled = progress.Segments;
            _uploadId = progress.UploadId;
            _parts = [.. progress.Parts];
            _nextPart = progress.NextPart;
            _gathered = progress.Gathered;
            _sent = progress.Sent;
            (_media, var cannot) = ReplayMediaFile.Open(_layout.SessionDirectory, _sent, _gathered);
            if (cannot is not null)
                GiveUp(cannot);
            else if (progress.Segments.Count > 0)
                _logger.LogInformation("The replay goes on from an earlier run: {Segments} segments taken in, {Parts} parts stored", progress.Segments.Count, _parts.Count);
        }
    }

    private void Journal(ReplayJournalLine line)
    {
        using var file = new FileStream(JournalPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(ReplayJournal.Line(line));
    }

    private string GiveUp(string reason)
    {
        if (_problem is not null)
            return _problem;
        _problem = reason;
        Journal(new ReplayJournalLine { GaveUp = reason });
        _logger.LogWarning("No replay MP4 for this class: {Reason}. The HLS recording is not affected", reason);
        _ledger.ReleaseReplayHold();
        foreach (var segment in _disk.Segments().Where(s => s.Stored && _options.Storage.DeletesLocalAfterUpload()))
            _disk.Delete(segment.Name);
        if (_uploadId is { } id)
            _ = Parts.AbortPartsAsync(Mp4Key, id, CancellationToken.None);
        ReplayMediaFile.DeleteAll(_layout.SessionDirectory);
        return _problem;
    }
}

using Encoder.Configuration;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Logging;

namespace Encoder.Replay;

/// <summary>
/// The replay MP4 as it is made: each segment the playlist names is remuxed (<see cref="SegmentRemux"/>, no decode), laid on
/// the VOD's timeline (<see cref="ReplayTimeline"/>), its media gathered on this disk (<see cref="ReplayMediaFile"/>) and sent
/// in parts (<see cref="ReplayUpload"/>); every step is journaled (<see cref="ReplayJournal"/>), so a run stopped, killed or
/// rebooted mid-class is gone on with by the next (<see cref="Resume"/>). The segments wait on this disk until taken in
/// (<see cref="SegmentLedger.HoldForReplay"/>). At the end: the last segments, the last part, the index as part 1
/// (<see cref="MovieHeader"/>), the upload completed. A replay that cannot be made gives up with a reason and lets the
/// segments go. Not thread-safe: <see cref="ReplayBuilder"/> drives it one step at a time.
/// </summary>
public sealed class ReplayMovie
{
    private readonly EncoderOptions _options;
    private readonly RecordingLayout _layout;
    private readonly PlaylistReader _playlists;
    private readonly SegmentLedger _ledger;
    private readonly IRecordingDisk _disk;
    private readonly SegmentRemux _remux;
    private readonly IPartStore? _parted;
    private readonly IRecordingStore _describe;
    private readonly ILogger _logger;
    private readonly ReplayJournalFile _journal;
    private readonly ReplayTimeline _timeline = new();
    private readonly Lock _resumeLock = new();
    private IReadOnlyList<JournaledSegment> _journaled = [];
    private bool _resumed;
    private ReplayMediaFile? _media;
    private ReplayUpload? _upload;
    private long _gathered; // bytes of media taken in
    private string? _problem;
    private ReplayOutcome? _finished;

    public ReplayMovie(EncoderOptions options, RecordingLayout layout, PlaylistReader playlists, SegmentLedger ledger, IRecordingDisk disk, SegmentRemux remux,
        IRecordingStore store, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(layout);
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
        _journal = new ReplayJournalFile(layout.SessionDirectory);
        if (options.Replay.Enabled && _parted is not null)
            ledger.HoldForReplay();
    }

    public bool Enabled => _options.Replay.Enabled && _parted is not null;

    public string Mp4Key => StorageKeys.For(_options.SessionId, StorageKeys.ReplayMp4Name);

    /// <summary>The MP4's upload an earlier run of this class begun and this one goes on with (the uploader's clean-up leaves it).</summary>
    public string? ContinuedUpload
    {
        get
        {
            Resume();
            return _finished is null && _problem is null ? _upload?.UploadId : null;
        }
    }

    /// <summary>What an earlier finish or this run's journal settled (the MP4 stored, or given up), if anything.</summary>
    public ReplayOutcome? Finished => _finished;

    public bool GaveUp => _problem is not null;

    /// <summary>The replay cannot be made: <c>session.json</c> says why.</summary>
    public ReplayOutcome Fail(string reason) => _finished = ReplayOutcome.Missing(GiveUp(reason));

    /// <summary>The last segments, the last part, the index as part 1, and the upload completed.</summary>
    public async Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var before = _timeline.SegmentCount;
        await TakeInAsync(cancellationToken).ConfigureAwait(false);
        var tookIn = DateTimeOffset.UtcNow;
        if (_problem is { } problem)
            return _finished = ReplayOutcome.Missing(problem);
        if (_timeline.SegmentCount == 0 || _timeline.MediaLength == 0)
            return _finished = ReplayOutcome.Missing("no media was recorded");
        var pending = _gathered - _upload!.Sent;
        if (!await SendAsync(final: true, cancellationToken).ConfigureAwait(false))
            return _finished = ReplayOutcome.Missing(_problem!);
        var header = MovieHeader.Build(_timeline, IPartStore.MinPartSize);
        long size;
        try
        {
            size = await _upload.CompleteAsync(header, cancellationToken).ConfigureAwait(false);
        }
        catch (PartsGoneException)
        {
            if (!await StoredAlreadyAsync(_gathered + header.Length, cancellationToken).ConfigureAwait(false))
                throw;
            size = _gathered + header.Length; // an earlier run completed it and was stopped before its journal said so
        }

        var duration = MovieHeader.Duration(_timeline);
        var key = StorageKeys.ObjectKey(_options.Storage.Kind == StorageKind.S3 ? _options.Storage.Prefix : null, Mp4Key);
        var mp4 = new ReplayObject(key, size, ObjectHeaders.ReplayMp4.ContentType, Math.Round(duration.TotalSeconds, 3));
        _journal.Append(new ReplayJournalLine { Completed = mp4 });
        var done = DateTimeOffset.UtcNow;
        _logger.LogInformation("The replay {Object} is stored: {Bytes} bytes, {Seconds:0.0}s, {Parts} parts, its index sent and the upload completed in {FinishSeconds:0.000}s ({Segments} last segments taken in in {TakeInSeconds:0.000}s, then the last {LastPartBytes} bytes of media, the {IndexBytes}-byte index and the completion in {SendSeconds:0.000}s)",
            _describe.Describe(Mp4Key), size, duration.TotalSeconds, _upload.PartCount, (done - started).TotalSeconds, _timeline.SegmentCount - before,
            (tookIn - started).TotalSeconds, pending, header.Length, (done - tookIn).TotalSeconds);
        ReplayMediaFile.DeleteAll(_layout.SessionDirectory);
        return _finished = new ReplayOutcome(new ReplayManifest(mp4), []);
    }

    /// <summary>Whether storage holds the MP4 whole (<paramref name="size"/> bytes): the upload is gone because it was completed.</summary>
    private async Task<bool> StoredAlreadyAsync(long size, CancellationToken cancellationToken) =>
        _describe is IStoreContents contents
        && (await contents.ListAsync(Mp4Key[..(Mp4Key.LastIndexOf('/') + 1)], cancellationToken).ConfigureAwait(false)).Any(o => o.Key == Mp4Key && o.Size == size);

    /// <summary>Takes in the segments the playlist names that are not in yet: remuxed, on the timeline, their media gathered, journaled.</summary>
    public async Task TakeInAsync(CancellationToken cancellationToken)
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
                GiveUp($"{segment.Uri} was no longer on this machine when the replay came to it (the class continued on a machine without the replay's journal)");
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
            _journal.Append(new ReplayJournalLine { Segment = JournaledSegment.Of(segment.Uri, segment.Duration, media) }); // after its media: a cut append is not counted
            _gathered += media.MediaLength;
            _ledger.Replayed(segment.Uri);
            if (_options.Storage.DeletesLocalAfterUpload())
                _disk.Delete(segment.Uri); // the uploader's rule: gone once stored (and now taken in)
        }
    }

    /// <summary>Sends the media gathered as parts; false when the replay gave up.</summary>
    public async Task<bool> SendAsync(bool final, CancellationToken cancellationToken)
    {
        if (_problem is not null)
            return false;
        if (await _upload!.SendAsync(_gathered, final, _ledger.StoredCount, cancellationToken).ConfigureAwait(false) is { } cannot)
            GiveUp(cannot);
        return _problem is null;
    }

    /// <summary>
    /// Picks up where an earlier run of this class left the replay (<see cref="ReplayJournal"/>): the segments it took in back
    /// on the timeline, the upload and its parts, its media not yet stored; or the MP4 it completed, or why it gave up. Once.
    /// </summary>
    public void Resume()
    {
        lock (_resumeLock)
        {
            if (_resumed || !Enabled)
                return;
            _resumed = true;
            if (!_journal.Exists)
                ReplayMediaFile.DeleteAll(_layout.SessionDirectory); // media no journal counts
            var progress = _journal.Read();
            if (progress.Completed is { } mp4)
                _finished = new ReplayOutcome(new ReplayManifest(mp4), []);
            _problem = progress.Problem;
            if (_finished is not null || _problem is not null)
            {
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
            _gathered = progress.Gathered;
            (_media, var cannot) = ReplayMediaFile.Open(_layout.SessionDirectory, progress.Sent, _gathered);
            if (_media is not null)
                _upload = new ReplayUpload(_parted!, Mp4Key, _media, _journal, _options.Replay.PartMebibytes * 1024L * 1024, progress);
            if (cannot is not null)
                GiveUp(cannot);
            else if (progress.Segments.Count > 0)
                _logger.LogInformation("The replay goes on from an earlier run: {Segments} segments taken in, {Parts} parts stored", progress.Segments.Count, progress.Parts.Count);
        }
    }

    public string GiveUp(string reason)
    {
        if (_problem is not null)
            return _problem;
        _problem = reason;
        _journal.Append(new ReplayJournalLine { GaveUp = reason });
        _logger.LogWarning("No replay MP4 for this class: {Reason}. The HLS recording is not affected", reason);
        _ledger.ReleaseReplayHold();
        foreach (var segment in _disk.Segments().Where(s => s.Stored && _options.Storage.DeletesLocalAfterUpload()))
            _disk.Delete(segment.Name);
        _upload?.Abort();
        ReplayMediaFile.DeleteAll(_layout.SessionDirectory);
        return _problem;
    }
}

using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Media;
using Encoder.Recording;
using Encoder.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Replay;

/// <summary>
/// The replay's pictures, made while the class runs from the segments the playlist names, each looked at once
/// (<see cref="PictureTools"/>: one FFmpeg decoding only its keyframes, run as <c>encoder-media</c> in the session folder):
/// the poster (<see cref="PosterSide"/>) and the storyboard (<see cref="StoryboardSheets"/>). This service drives them: it
/// takes in the segments, hands each one's keyframes to both, and stores what they made. Their progress is journaled
/// (<see cref="PicturesJournal"/>): a daemon restarted mid-class goes on from the next segment, with neither repeated tiles
/// nor a second poster. The segments wait on this disk until looked at (<see cref="SegmentLedger.HoldForPictures"/>).
/// At the class's end the drain (through <see cref="ReplayFinish"/>) calls <see cref="FinishAsync"/> (<see cref="PicturesFinish"/>).
/// A picture that cannot be made is a reason in <c>session.json</c>; one storage did not take is left pending. The VOD never waits for them.
/// </summary>
public sealed class ReplayPictures : BackgroundService, IReplayFinisher
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly EncoderOptions _options;
    private readonly RecordingLayout _layout;
    private readonly PlaylistReader _playlists;
    private readonly SegmentLedger _ledger;
    private readonly IRecordingDisk _disk;
    private readonly TimeProvider _time;
    private readonly ILogger<ReplayPictures> _logger;
    private readonly PlaylistChanges? _changes;
    private readonly PicturesJournalFile _journal;
    private readonly PictureTools _tools;
    private readonly PicturesFinish _finish;
    private bool _resumed;
    private bool _released;
    private int _segments;

    public ReplayPictures(EncoderOptions options, RecordingLayout layout, PlaylistReader playlists, SegmentLedger ledger, IRecordingDisk disk, IMediaTools tools,
        IRecordingStore store, ClassEvents events, TimeProvider time, ILogger<ReplayPictures> logger, PlaylistChanges? changes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(ledger);
        _options = options;
        _layout = layout;
        _playlists = playlists;
        _ledger = ledger;
        _disk = disk;
        _time = time;
        _logger = logger;
        _changes = changes;
        var folder = layout.SessionDirectory;
        _journal = new PicturesJournalFile(folder);
        _tools = new PictureTools(options, folder, tools, logger);
        Poster = new PosterSide(options, folder, _journal, store, events, time, logger);
        Storyboard = new StoryboardSheets(options, folder, _journal, _tools, store, logger);
        _finish = new PicturesFinish(this, time, logger);
        if (options.Replay.Enabled)
            ledger.HoldForPictures();
    }

    internal PosterSide Poster { get; }

    internal StoryboardSheets Storyboard { get; }

    internal bool Enabled => _options.Replay.Enabled;

    /// <summary>The VOD's end after the segments looked at.</summary>
    internal TimeSpan Recorded { get; private set; }

    /// <summary>No segment needs looking at any more: the poster is chosen (or cannot be) and the storyboard gave up.</summary>
    internal bool NothingToLookAt => !Poster.Wants && Storyboard.Problem is not null;

    /// <summary>The pictures are put whole: no upload in parts to go on with.</summary>
    public string? ContinuedUpload => null;

    public override void Dispose()
    {
        _finish.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        try
        {
            while (!stoppingToken.IsCancellationRequested && !(NothingToLookAt && (Poster.Poster is not null || Poster.Problem is not null)))
            {
                var changed = _changes is { Watching: true } ? _changes.Next : null;
                await _finish.PassAsync(stoppingToken).ConfigureAwait(false);
                var delay = Task.Delay(Poll, _time, stoppingToken);
                await (changed is null ? delay : Task.WhenAny(changed, delay)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The class is ending: the drain finishes the pictures.
        }
    }

    public Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken) => _finish.FinishAsync(cancellationToken);

    /// <summary>
    /// Picks up where an earlier run of this class left the pictures (<see cref="PicturesJournal"/>): the segments looked at, the
    /// tiles and sheets made, the poster's best candidate or the poster stored; without a journal, what an earlier run left is cleared. Once.
    /// </summary>
    internal async Task ResumeAsync(CancellationToken cancellationToken)
    {
        if (_resumed) // under the pictures' one turn (PicturesFinish)
            return;
        _resumed = true;

        if (!Directory.Exists(_layout.SessionDirectory))
            return;
        File.Delete(Path.Combine(_layout.SessionDirectory, KeyframePictures.TilesFileName)); // what a decode cut short left
        foreach (var file in Directory.EnumerateFiles(_layout.SessionDirectory, "replay-candidate-*.jpg"))
            File.Delete(file);

        var progress = _journal.Read();
        _segments = progress.Segments.Count;
        Recorded = progress.Recorded;
        foreach (var segment in progress.Segments)
            _ledger.Pictured(segment.Uri);
        Poster.Resume(progress);
        await Storyboard.ResumeAsync(progress, cancellationToken).ConfigureAwait(false);
        if (_segments > 0)
            _logger.LogInformation("The replay's pictures go on from an earlier run: {Segments} segments looked at, {Tiles} tiles, poster {Poster}",
                _segments, Storyboard.Tiles, Poster.Poster?.Key ?? (Poster.Chosen ? "chosen" : "not chosen yet"));
        ReleaseWhenDone();
    }

    /// <summary>Looks at the segments the playlist names that were not looked at yet.</summary>
    internal async Task TakeInAsync(CancellationToken cancellationToken)
    {
        await ResumeAsync(cancellationToken).ConfigureAwait(false);
        if (_playlists.Read()?.Parsed is not { } playlist)
            return;
        for (var i = _segments; i < playlist.Segments.Count; i++)
        {
            var segment = playlist.Segments[i];
            if (!NothingToLookAt)
                await LookAtAsync(segment, Recorded, cancellationToken).ConfigureAwait(false);
            _journal.Append(new PicturesJournalLine { Segment = new LookedSegment(segment.Uri, segment.Duration.TotalSeconds) });
            _segments++;
            Recorded += segment.Duration;
            _ledger.Pictured(segment.Uri);
            if (_options.Storage.DeletesLocalAfterUpload())
                _disk.Delete(segment.Uri); // the uploader's rule: gone once stored (and taken into the MP4, and looked at here)
            Poster.ChooseIfDue(Recorded, ended: false);
        }
    }

    /// <summary>One segment's keyframes: candidates for the poster while it is not chosen, and the tiles of the cues that start in it.</summary>
    private async Task LookAtAsync(HlsSegment segment, TimeSpan start, CancellationToken cancellationToken)
    {
        var (first, count) = StoryboardCues.In(start, segment.Duration, Storyboard.Interval);
        var wantTiles = Storyboard.Problem is null && count > 0 && first + count > Storyboard.Tiles;
        var wantCandidates = Poster.Wants;
        if (!wantTiles && !wantCandidates)
            return;
        var keyframes = SegmentKeyframes.None;
        if (File.Exists(Path.Combine(_layout.SessionDirectory, segment.Uri)))
        {
            if (Storyboard.Tile is null)
                Storyboard.SetTile(await _tools.TileAsync(segment.Uri, cancellationToken).ConfigureAwait(false));
            keyframes = await _tools.KeyframesAsync(segment.Uri, Storyboard.Tile!.Value, wantCandidates, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _logger.LogWarning("{Segment} was no longer on this machine when the replay's pictures came to it: its storyboard tiles repeat the one before", segment.Uri);
        }

        if (wantCandidates)
            Poster.Consider(keyframes.Looks, start);
        if (wantTiles)
            await Storyboard.AddTilesAsync(first, count, start, keyframes.Looks, keyframes.Raw, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives up what is not made yet: the poster unless chosen, and the storyboard.</summary>
    internal void GiveUp(string reason)
    {
        Poster.GiveUp(reason);
        Storyboard.GiveUp(reason);
        ReleaseWhenDone();
    }

    /// <summary>Once nothing is left to look at, the segments no longer wait for the pictures.</summary>
    internal void ReleaseWhenDone()
    {
        if (!NothingToLookAt || _released)
            return;
        _released = true;
        _ledger.ReleasePicturesHold();
        foreach (var segment in _disk.Segments().Where(s => s.Stored && _options.Storage.DeletesLocalAfterUpload()))
            _disk.Delete(segment.Name);
    }
}

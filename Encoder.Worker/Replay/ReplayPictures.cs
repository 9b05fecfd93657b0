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
/// (<see cref="KeyframePictures"/>: one FFmpeg decoding only its keyframes, run as <c>encoder-media</c> in the session folder):
/// <list type="bullet">
/// <item>the <b>poster</b>: each keyframe is a candidate until <see cref="PosterChoice"/> chooses; then it is stored at once
///   (<c>replay/poster.jpg</c>) and <see cref="ReplayPosterStored"/> is published (status.json shows it while live);</item>
/// <item>the <b>storyboard</b>: one tile per <c>Replay:StoryboardSeconds</c> of the VOD (<see cref="StoryboardCues"/>), gathered raw
///   in the session folder; each full sheet of 100 becomes a sprite JPEG and is stored at once (<c>replay/sprite-N.jpg</c>).</item>
/// </list>
/// The segments wait on this disk until looked at (<see cref="SegmentLedger.HoldForPictures"/>). At the class's end the drain
/// (through <see cref="ReplayFinish"/>) calls <see cref="FinishAsync"/>: the last segments, the poster if not chosen yet,
/// the last sheet and the WebVTT file (<c>replay/storyboard.vtt</c>). A picture that cannot be made is a reason in
/// <c>session.json</c>; one storage did not take is left pending. The VOD never waits for them.
/// </summary>
public sealed class ReplayPictures : BackgroundService, IReplayFinisher
{
    public const string SheetFileName = "replay-storyboard.yuv";
    public const string PosterFileName = "replay-poster.jpg";
    public const string VttFileName = "replay-storyboard.vtt";
    private static readonly TimeSpan FinishBudget = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan ToolDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    private readonly EncoderOptions _options;
    private readonly RecordingLayout _layout;
    private readonly PlaylistReader _playlists;
    private readonly SegmentLedger _ledger;
    private readonly IRecordingDisk _disk;
    private readonly IMediaTools _tools;
    private readonly IRecordingStore _store;
    private readonly ClassEvents _events;
    private readonly TimeProvider _time;
    private readonly ILogger<ReplayPictures> _logger;
    private readonly PlaylistChanges? _changes;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly PosterChoice _choice;
    private readonly TimeSpan _interval;
    private readonly List<Sprite> _sprites = [];
    private int _segments;
    private TimeSpan _recorded; // the VOD's end after the segments looked at
    private PictureSize? _tile;
    private int _tiles;
    private byte[]? _lastTile;
    private PosterCandidate? _best;
    private bool _posterChosen;
    private ReplayPoster? _poster;
    private string? _posterProblem;
    private bool _sheetsClosed;
    private ReplayObject? _vtt;
    private string? _storyboardProblem;
    private ReplayOutcome? _finished;

    public ReplayPictures(EncoderOptions options, RecordingLayout layout, PlaylistReader playlists, SegmentLedger ledger, IRecordingDisk disk, IMediaTools tools,
        IRecordingStore store, ClassEvents events, TimeProvider time, ILogger<ReplayPictures> logger, PlaylistChanges? changes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ledger);
        _options = options;
        _layout = layout;
        _playlists = playlists;
        _ledger = ledger;
        _disk = disk;
        _tools = tools;
        _store = store;
        _events = events;
        _time = time;
        _logger = logger;
        _changes = changes;
        _choice = new PosterChoice(TimeSpan.FromSeconds(options.Replay.PosterAtSeconds), TimeSpan.FromSeconds(options.Replay.PosterWindowSeconds),
            options.Content.BlackMaxLuma);
        _interval = TimeSpan.FromSeconds(options.Replay.StoryboardSeconds);
        if (options.Replay.Enabled)
            ledger.HoldForPictures();
    }

    /// <summary>A sprite sheet made: its number, the file in the session folder, and the object once stored.</summary>
    private sealed record Sprite(int Sheet, string File)
    {
        public ReplayObject? Stored { get; set; }
    }

    private bool Enabled => _options.Replay.Enabled;

    private string Folder => _layout.SessionDirectory;

    private string PosterKey => StorageKeys.For(_options.SessionId, StorageKeys.ReplayPosterName);

    private string VttKey => StorageKeys.For(_options.SessionId, StorageKeys.ReplayStoryboardName);

    private string FullKey(string key) => StorageKeys.ObjectKey(_options.Storage.Kind == StorageKind.S3 ? _options.Storage.Prefix : null, key);

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
            CleanWorkFiles(); // what an earlier run gathered: this run starts the pictures again
            while (!stoppingToken.IsCancellationRequested && !(NothingToLookAt && (_poster is not null || _posterProblem is not null)))
            {
                var changed = _changes is { Watching: true } ? _changes.Next : null;
                await _turn.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await TakeInAsync(stoppingToken).ConfigureAwait(false);
                    await StoreMadeAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (StorageUnavailableException ex)
                {
                    _logger.LogDebug("A replay picture waits for storage: {Error}", ex.Message);
                }
#pragma warning disable CA1031 // whatever fails here is the pictures' problem, never the class's: it ends as a reason in session.json
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    GiveUp($"the replay's pictures failed: {ex.Message}");
                }
                finally
                {
                    _turn.Release();
                }

                var delay = Task.Delay(Poll, _time, stoppingToken);
                await (changed is null ? delay : Task.WhenAny(changed, delay)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The class is ending: the drain finishes the pictures.
        }
    }

    /// <summary>No segment needs looking at any more: the poster is chosen (or cannot be) and the storyboard gave up.</summary>
    private bool NothingToLookAt => (_posterChosen || _posterProblem is not null) && _storyboardProblem is not null;

    /// <summary>The pictures are put whole: no upload in parts to go on with.</summary>
    public string? ContinuedUpload => null;

    public async Task<ReplayOutcome> FinishAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            const string off = "the replay is turned off (Replay:Enabled)";
            return new ReplayOutcome(new ReplayManifest(null, PosterProblem: off, StoryboardProblem: off), []);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(FinishBudget);
        try
        {
            await _turn.WaitAsync(budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            const string busy = "the replay's pictures were still busy when the class ended";
            return new ReplayOutcome(new ReplayManifest(null, PosterProblem: busy, StoryboardProblem: busy), [PosterKey, VttKey]);
        }

        try
        {
            if (_finished is { } finished)
                return finished;
            var started = _time.GetTimestamp();
            try
            {
                await TakeInAsync(budget.Token).ConfigureAwait(false);
                if (!_posterChosen && _posterProblem is null)
                {
                    if (_choice.Due(_best, _recorded, ended: true))
                        Choose();
                    else
                        _posterProblem = _best is null ? "no keyframe was recorded" : "the picture was black at every keyframe looked at";
                }

                if (_storyboardProblem is null && !_sheetsClosed)
                    await CloseSheetsAsync(budget.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning("The replay's pictures were not finished within {Seconds:0}s of the class's end", FinishBudget.TotalSeconds);
                return Outcome($"not finished within {FinishBudget.TotalSeconds:0}s of the class's end", unfinished: true);
            }
#pragma warning disable CA1031 // a picture that cannot be made is a reason in session.json, never an exception in the drain
            catch (Exception ex) when (ex is not OperationCanceledException and not StorageUnavailableException)
#pragma warning restore CA1031
            {
                GiveUp($"the replay's pictures failed: {ex.Message}");
            }

            try
            {
                await StoreMadeAsync(budget.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is StorageUnavailableException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                _logger.LogWarning("The replay's pictures could not be stored yet: {Error}", ex.Message);
                return Outcome($"not stored yet: {ex.Message}");
            }
#pragma warning disable CA1031 // see above
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                var reason = $"the replay's pictures could not be stored: {ex.Message}";
                _posterProblem ??= _poster is null ? reason : null;
                GiveUp(reason);
                return _finished = Outcome(null);
            }

            _logger.LogInformation("The replay's pictures are finished in {Seconds:0.000}s: poster {Poster}, storyboard {Storyboard} ({Sheets} sprite sheets, {Tiles} tiles)",
                _time.GetElapsedTime(started).TotalSeconds, _poster?.Key ?? _posterProblem, _vtt?.Key ?? _storyboardProblem, _sprites.Count, _tiles);
            return _finished = Outcome(null);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// What <c>session.json</c> lists now; <paramref name="notStored"/> names why what is made but not stored is missing, and with
    /// <paramref name="unfinished"/> what is not made yet either (the end's budget ran out): a later final pass finishes it.
    /// </summary>
    private ReplayOutcome Outcome(string? notStored, bool unfinished = false)
    {
        var pending = new List<string>();
        if ((_posterChosen || unfinished) && _poster is null && _posterProblem is null)
            pending.Add(PosterKey);
        if (_storyboardProblem is null)
        {
            pending.AddRange(_sprites.Where(s => s.Stored is null).Select(s => StorageKeys.For(_options.SessionId, StorageKeys.ReplaySpriteName(s.Sheet))));
            if (_vtt is null)
                pending.Add(VttKey);
        }

        var storyboard = _storyboardProblem is null && _vtt is { } vtt && _tile is { } tile && pending.Count == 0
            ? new ReplayStoryboard(vtt, [.. _sprites.Select(s => s.Stored!)], _interval.TotalSeconds, tile.Width, tile.Height, StoryboardCues.Columns, StoryboardCues.Rows)
            : null;
        return new ReplayOutcome(new ReplayManifest(null,
            Poster: _poster,
            PosterProblem: _poster is not null ? null : _posterProblem ?? notStored ?? "no poster was chosen",
            Storyboard: storyboard,
            StoryboardProblem: storyboard is not null ? null : _storyboardProblem ?? notStored ?? "the storyboard was not finished"), pending);
    }

    /// <summary>Looks at the segments the playlist names that were not looked at yet.</summary>
    private async Task TakeInAsync(CancellationToken cancellationToken)
    {
        if (_playlists.Read()?.Parsed is not { } playlist)
            return;
        for (var i = _segments; i < playlist.Segments.Count; i++)
        {
            var segment = playlist.Segments[i];
            if (!NothingToLookAt)
                await LookAtAsync(segment, _recorded, cancellationToken).ConfigureAwait(false);
            _segments++;
            _recorded += segment.Duration;
            _ledger.Pictured(segment.Uri);
            if (_options.Storage.DeletesLocalAfterUpload())
                _disk.Delete(segment.Uri); // the uploader's rule: gone once stored (and taken into the MP4, and looked at here)
            if (!_posterChosen && _posterProblem is null && _choice.Due(_best, _recorded, ended: false))
                Choose();
        }
    }

    /// <summary>One segment's keyframes: candidates for the poster while it is not chosen, and the tiles of the cues that start in it.</summary>
    private async Task LookAtAsync(HlsSegment segment, TimeSpan start, CancellationToken cancellationToken)
    {
        var (first, count) = StoryboardCues.In(start, segment.Duration, _interval);
        var wantTiles = _storyboardProblem is null && count > 0;
        var wantCandidates = !_posterChosen && _posterProblem is null;
        if (!wantTiles && !wantCandidates)
            return;
        IReadOnlyList<KeyframeLook> looks = [];
        byte[] raw = [];
        if (File.Exists(Path.Combine(Folder, segment.Uri)))
        {
            _tile ??= await TileAsync(segment.Uri, cancellationToken).ConfigureAwait(false);
            var tiles = Path.Combine(Folder, KeyframePictures.TilesFileName);
            File.Delete(tiles);
            var run = await MediaToolRun.RunAsync(_tools, _options.Ffmpeg.Path, KeyframePictures.DecodeArguments(segment.Uri, _tile.Value, wantCandidates), Folder,
                ToolDeadline, cancellationToken).ConfigureAwait(false);
            if (run.Succeeded && File.Exists(tiles))
            {
                raw = await File.ReadAllBytesAsync(tiles, cancellationToken).ConfigureAwait(false);
                looks = [.. KeyframePictures.Parse(run.Stdout).Where(l => (l.Index + 1L) * _tile.Value.Yuv420Bytes <= raw.Length)];
            }
            else
            {
                _logger.LogWarning("The keyframes of {Segment} could not be decoded for the replay's pictures: {Error}", segment.Uri, run.Error);
            }

            File.Delete(tiles);
        }
        else
        {
            _logger.LogWarning("{Segment} was no longer on this machine when the replay's pictures came to it: its storyboard tiles repeat the one before", segment.Uri);
        }

        if (wantCandidates)
            Consider(looks, start);
        if (wantTiles)
            await AddTilesAsync(first, count, start, looks, raw, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The storyboard's tile size, from the first segment's picture (16:9 when it cannot be read).</summary>
    private async Task<PictureSize> TileAsync(string segment, CancellationToken cancellationToken)
    {
        var probe = await MediaToolRun.RunAsync(_tools, FfprobeCamera.FfprobePath(_options.Ffmpeg.Path), KeyframePictures.SizeArguments(segment), Folder,
            ToolDeadline, cancellationToken).ConfigureAwait(false);
        if (probe.Succeeded && KeyframePictures.ParseSize(probe.Stdout) is { } picture)
            return KeyframePictures.TileFor(picture);
        _logger.LogWarning("The picture size of {Segment} could not be read ({Error}): storyboard tiles are {Tile}", segment, probe.Error, KeyframePictures.DefaultTile);
        return KeyframePictures.DefaultTile;
    }

    private void Consider(IReadOnlyList<KeyframeLook> looks, TimeSpan start)
    {
        foreach (var look in looks)
        {
            var candidate = new PosterCandidate(start + look.At, look.Low, look.High);
            var file = Path.Combine(Folder, KeyframePictures.CandidateFileName(look.Index));
            if (_choice.Beats(candidate, _best) && File.Exists(file))
            {
                File.Move(file, Path.Combine(Folder, PosterFileName), overwrite: true);
                _best = candidate;
            }
        }

        foreach (var file in Directory.EnumerateFiles(Folder, "replay-candidate-*.jpg"))
            File.Delete(file);
    }

    private void Choose()
    {
        _posterChosen = true;
        _logger.LogInformation("The replay's poster is the keyframe at {Seconds:0.0}s of the VOD (luma {Low:0}-{High:0})", _best!.At.TotalSeconds, _best.Low, _best.High);
    }

    private async Task AddTilesAsync(int first, int count, TimeSpan start, IReadOnlyList<KeyframeLook> looks, byte[] raw, CancellationToken cancellationToken)
    {
        var tile = _tile ?? KeyframePictures.DefaultTile;
        _tile = tile;
        var size = tile.Yuv420Bytes;
        var keyframes = looks.Select(l => l.At).ToList();
        for (var cue = Math.Max(first, _tiles); cue < first + count; cue++)
        {
            var picture = StoryboardCues.KeyframeFor(StoryboardCues.Start(cue, _interval) - start, keyframes) is { } k
                ? raw.AsMemory(looks[k].Index * size, size).ToArray()
                : _lastTile ?? Blank(tile);
            var sheet = new FileStream(Path.Combine(Folder, SheetFileName), FileMode.Append, FileAccess.Write, FileShare.Read);
            await using (sheet.ConfigureAwait(false))
                await sheet.WriteAsync(picture, cancellationToken).ConfigureAwait(false);
            _lastTile = picture;
            _tiles++;
            if (_tiles % StoryboardCues.PerSheet == 0)
            {
                await MakeSheetAsync(_tiles / StoryboardCues.PerSheet - 1, StoryboardCues.PerSheet, cancellationToken).ConfigureAwait(false);
                File.Delete(Path.Combine(Folder, SheetFileName));
            }
        }
    }

    /// <summary>Makes sheet <paramref name="number"/> from the <paramref name="tiles"/> raw tiles gathered; the storyboard gives up when FFmpeg cannot.</summary>
    private async Task MakeSheetAsync(int number, int tiles, CancellationToken cancellationToken)
    {
        var file = $"replay-{StorageKeys.ReplaySpriteFile(number)}";
        var run = await MediaToolRun.RunAsync(_tools, _options.Ffmpeg.Path,
            KeyframePictures.SheetArguments(SheetFileName, _tile!.Value, tiles, StoryboardCues.Columns, file), Folder, ToolDeadline, cancellationToken).ConfigureAwait(false);
        if (!run.Succeeded || !File.Exists(Path.Combine(Folder, file)))
        {
            GiveUpStoryboard($"FFmpeg could not make sprite sheet {number}: {run.Error}");
            return;
        }

        _sprites.Add(new Sprite(number, file));
    }

    /// <summary>At the class's end: the last, partly filled sheet and the WebVTT file whose cues cover the VOD.</summary>
    private async Task CloseSheetsAsync(CancellationToken cancellationToken)
    {
        if (_tiles == 0 || _tile is not { } tile)
        {
            GiveUpStoryboard("no media was recorded");
            return;
        }

        if (_tiles % StoryboardCues.PerSheet is > 0 and var left)
            await MakeSheetAsync(_tiles / StoryboardCues.PerSheet, left, cancellationToken).ConfigureAwait(false);
        File.Delete(Path.Combine(Folder, SheetFileName));
        if (_storyboardProblem is not null)
            return;
        if (StoryboardCues.Count(_recorded, _interval) != _tiles)
        {
            GiveUpStoryboard($"{_tiles} tiles were made for {StoryboardCues.Count(_recorded, _interval)} cues");
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(Folder, VttFileName), StoryboardCues.Vtt(_recorded, _interval, tile, StorageKeys.ReplaySpriteFile), cancellationToken)
            .ConfigureAwait(false);
        _sheetsClosed = true;
    }

    /// <summary>Stores what is made and not stored yet: the poster once chosen, each sprite sheet, the VTT once written. Throws what storage threw.</summary>
    private async Task StoreMadeAsync(CancellationToken cancellationToken)
    {
        if (_posterChosen && _poster is null && _posterProblem is null)
        {
            var path = Path.Combine(Folder, PosterFileName);
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (KeyframePictures.JpegSize(bytes) is not { } size)
            {
                _posterProblem = "FFmpeg's poster JPEG could not be read";
            }
            else
            {
                await _store.PutBytesAsync(PosterKey, bytes, ObjectHeaders.ReplayPoster, cancellationToken).ConfigureAwait(false);
                _poster = new ReplayPoster(FullKey(PosterKey), bytes.Length, ObjectHeaders.ReplayPoster.ContentType, size.Width, size.Height);
                _logger.LogInformation("The replay's poster {Object} is stored: {Size}, {Bytes} bytes", _store.Describe(PosterKey), size, bytes.Length);
                _events.Publish(new ReplayPosterStored(_time.GetUtcNow(), _poster.Key, size.Width, size.Height, bytes.Length, Math.Round(_best!.At.TotalSeconds, 3)));
                File.Delete(path);
            }
        }

        if (_storyboardProblem is not null)
            return;
        foreach (var sprite in _sprites.Where(s => s.Stored is null))
        {
            var key = StorageKeys.For(_options.SessionId, StorageKeys.ReplaySpriteName(sprite.Sheet));
            var path = Path.Combine(Folder, sprite.File);
            var length = new FileInfo(path).Length;
            await _store.PutFileAsync(key, path, ObjectHeaders.StoryboardSprite, cancellationToken).ConfigureAwait(false);
            sprite.Stored = new ReplayObject(FullKey(key), length, ObjectHeaders.StoryboardSprite.ContentType);
            File.Delete(path);
        }

        if (_sheetsClosed && _vtt is null)
        {
            var path = Path.Combine(Folder, VttFileName);
            var length = new FileInfo(path).Length;
            await _store.PutFileAsync(VttKey, path, ObjectHeaders.StoryboardVtt, cancellationToken).ConfigureAwait(false);
            _vtt = new ReplayObject(FullKey(VttKey), length, ObjectHeaders.StoryboardVtt.ContentType, Math.Round(_recorded.TotalSeconds, 3));
            File.Delete(path);
        }
    }

    /// <summary>A black tile (video black, neutral colour).</summary>
    private static byte[] Blank(PictureSize tile)
    {
        var bytes = new byte[tile.Yuv420Bytes];
        Array.Fill(bytes, (byte)16, 0, tile.Width * tile.Height);
        Array.Fill(bytes, (byte)128, tile.Width * tile.Height, bytes.Length - tile.Width * tile.Height);
        return bytes;
    }

    private void GiveUpStoryboard(string reason)
    {
        _storyboardProblem ??= reason;
        _logger.LogWarning("No storyboard for this class: {Reason}. The HLS recording is not affected", reason);
        foreach (var sprite in _sprites)
            File.Delete(Path.Combine(Folder, sprite.File));
        File.Delete(Path.Combine(Folder, SheetFileName));
        ReleaseWhenDone();
    }

    private void GiveUp(string reason)
    {
        _posterProblem ??= _posterChosen ? null : reason;
        if (_storyboardProblem is null)
            GiveUpStoryboard(reason);
        ReleaseWhenDone();
    }

    /// <summary>Once nothing is left to look at, the segments no longer wait for the pictures.</summary>
    private void ReleaseWhenDone()
    {
        if (!NothingToLookAt)
            return;
        _ledger.ReleasePicturesHold();
        foreach (var segment in _disk.Segments().Where(s => s.Stored && _options.Storage.DeletesLocalAfterUpload()))
            _disk.Delete(segment.Name);
    }

    private void CleanWorkFiles()
    {
        foreach (var name in new[] { SheetFileName, PosterFileName, VttFileName, KeyframePictures.TilesFileName })
            File.Delete(Path.Combine(Folder, name));
        if (Directory.Exists(Folder))
        {
            foreach (var file in Directory.EnumerateFiles(Folder, "replay-candidate-*.jpg").Concat(Directory.EnumerateFiles(Folder, "replay-sprite-*.jpg")))
                File.Delete(file);
        }
    }
}

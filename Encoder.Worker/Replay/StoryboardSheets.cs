using Encoder.Configuration;
using Encoder.Storage;
using Microsoft.Extensions.Logging;

namespace Encoder.Replay;

/// <summary>
/// The storyboard: one tile per <c>Replay:StoryboardSeconds</c> of the VOD (<see cref="StoryboardCues"/>), gathered raw in
/// <see cref="RawTiles"/>; each full sheet of 100 becomes a sprite JPEG (<see cref="PictureTools"/>) and is stored at once
/// (<c>replay/sprite-N.jpg</c>); at the class's end the last sheet and the WebVTT file. Each step is journaled
/// (<see cref="PicturesJournal"/>): a later run goes on with the same tiles, never repeating one.
/// </summary>
public sealed class StoryboardSheets(EncoderOptions options, string folder, PicturesJournalFile journal, PictureTools tools, IRecordingStore store, ILogger logger)
{
    public const string VttFileName = "replay-storyboard.vtt";

    /// <summary>A sprite sheet made: its number, how many tiles, and the object once stored.</summary>
    private sealed record Sprite(int Sheet, int Tiles)
    {
        public ReplayObject? Stored { get; set; }

        public string File => $"replay-{StorageKeys.ReplaySpriteFile(Sheet)}";
    }

    private readonly List<Sprite> _sprites = [];
    private readonly RawTiles _raw = new(folder);
    private byte[]? _lastTile;
    private bool _closed;

    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(options.Replay.StoryboardSeconds);

    public PictureSize? Tile { get; private set; }

    public int Tiles { get; private set; }

    public int Sheets => _sprites.Count;

    public ReplayObject? Vtt { get; private set; }

    public string? Problem { get; private set; }

    public string VttKey => StorageKeys.For(options.SessionId, StorageKeys.ReplayStoryboardName);

    private string Key(int sheet) => StorageKeys.For(options.SessionId, StorageKeys.ReplaySpriteName(sheet));

    /// <summary>Takes up where an earlier run left the storyboard: its tiles (the raw file cut to the count journaled), its sheets, its problem.</summary>
    public async Task ResumeAsync(PicturesProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        (Tile, Tiles, Vtt, Problem) = (progress.Tile, progress.Tiles, progress.Vtt, progress.StoryboardProblem);
        _sprites.AddRange(progress.Sheets.Select(s => new Sprite(s.Made.Number, s.Made.Tiles) { Stored = s.Stored }));
        var keep = _sprites.Where(s => s.Stored is null).Select(s => s.File).ToHashSet();
        foreach (var file in Directory.EnumerateFiles(folder, "replay-sprite-*.jpg").Where(f => !keep.Contains(Path.GetFileName(f))))
            File.Delete(file);
        File.Delete(Path.Combine(folder, VttFileName));
        if (Tiles == 0)
            _raw.DeleteAll();
        if (Problem is not null)
            return;
        if (keep.Any(f => !File.Exists(Path.Combine(folder, f))))
        {
            GiveUp("a sprite sheet made by an earlier run is gone from this disk");
            return;
        }

        (var whole, _lastTile) = await _raw.ResumeAsync(progress.Unsheeted, Tile, cancellationToken).ConfigureAwait(false);
        if (!whole)
        {
            GiveUp("the storyboard's tiles gathered on this disk are gone");
            return;
        }

        if (progress.Unsheeted == StoryboardCues.PerSheet)
            await MakeSheetAsync(StoryboardCues.PerSheet, cancellationToken).ConfigureAwait(false); // full, but not made before the stop
    }

    /// <summary>The tile size, known from the first segment looked at.</summary>
    public void SetTile(PictureSize tile)
    {
        Tile = tile;
        journal.Append(new PicturesJournalLine { Tile = tile });
    }

    /// <summary>The tiles of cues <paramref name="first"/>… (<paramref name="count"/>) from one segment's keyframes (<paramref name="raw"/>), those not made yet.</summary>
    public async Task AddTilesAsync(int first, int count, TimeSpan start, IReadOnlyList<KeyframeLook> looks, byte[] raw, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(looks);
        if (Tile is not { } tile)
            SetTile(tile = KeyframePictures.DefaultTile);
        var size = tile.Yuv420Bytes;
        var keyframes = looks.Select(l => l.At).ToList();
        var made = Tiles;
        for (var cue = Math.Max(first, Tiles); cue < first + count; cue++)
        {
            var picture = StoryboardCues.KeyframeFor(StoryboardCues.Start(cue, Interval) - start, keyframes) is { } k
                ? raw.AsMemory(looks[k].Index * size, size).ToArray()
                : _lastTile ?? PictureTools.Blank(tile);
            await _raw.AppendAsync(picture, cancellationToken).ConfigureAwait(false);
            _lastTile = picture;
            Tiles++;
            if (Tiles % StoryboardCues.PerSheet == 0)
            {
                journal.Append(new PicturesJournalLine { Tiles = Tiles });
                await MakeSheetAsync(StoryboardCues.PerSheet, cancellationToken).ConfigureAwait(false);
            }
        }

        if (Tiles != made && Tiles % StoryboardCues.PerSheet != 0)
            journal.Append(new PicturesJournalLine { Tiles = Tiles });
    }

    private async Task MakeSheetAsync(int tiles, CancellationToken cancellationToken)
    {
        var number = _sprites.Count;
        var sprite = new Sprite(number, tiles);
        if (await tools.MakeSheetAsync(RawTiles.FileName, Tile!.Value, tiles, sprite.File, cancellationToken).ConfigureAwait(false) is { } error)
        {
            GiveUp($"FFmpeg could not make sprite sheet {number}: {error}");
            return;
        }

        _sprites.Add(sprite);
        journal.Append(new PicturesJournalLine { Sheet = new MadeSheet(number, tiles) });
        await _raw.SheetMadeAsync(_lastTile, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>At the class's end, <paramref name="recorded"/> of VOD looked at: the last, partly filled sheet and the WebVTT file whose cues cover the VOD.</summary>
    public async Task CloseAsync(TimeSpan recorded, CancellationToken cancellationToken)
    {
        if (Problem is not null || _closed || Vtt is not null)
            return;
        if (Tiles == 0 || Tile is not { } tile)
        {
            GiveUp(NothingRecorded);
            return;
        }

        if (Tiles - _sprites.Sum(s => s.Tiles) is > 0 and var left)
            await MakeSheetAsync(left, cancellationToken).ConfigureAwait(false);
        if (Problem is not null)
            return;
        if (StoryboardCues.Count(recorded, Interval) != Tiles)
        {
            GiveUp($"{Tiles} tiles were made for {StoryboardCues.Count(recorded, Interval)} cues");
            return;
        }

        await File.WriteAllTextAsync(Path.Combine(folder, VttFileName), StoryboardCues.Vtt(recorded, Interval, tile, StorageKeys.ReplaySpriteFile), cancellationToken)
            .ConfigureAwait(false);
        _closed = true;
    }

    /// <summary>Stores each sprite sheet made and the VTT once written. Throws what storage threw.</summary>
    public async Task StoreAsync(TimeSpan recorded, CancellationToken cancellationToken)
    {
        if (Problem is not null)
            return;
        foreach (var sprite in _sprites.Where(s => s.Stored is null))
        {
            var path = Path.Combine(folder, sprite.File);
            var length = new FileInfo(path).Length;
            await store.PutFileAsync(Key(sprite.Sheet), path, ObjectHeaders.StoryboardSprite, cancellationToken).ConfigureAwait(false);
            sprite.Stored = new ReplayObject(FullKey(Key(sprite.Sheet)), length, ObjectHeaders.StoryboardSprite.ContentType);
            journal.Append(new PicturesJournalLine { Sprite = new StoredSheet(sprite.Sheet, sprite.Stored) });
            File.Delete(path);
        }

        if (_closed && Vtt is null)
        {
            var path = Path.Combine(folder, VttFileName);
            var length = new FileInfo(path).Length;
            await store.PutFileAsync(VttKey, path, ObjectHeaders.StoryboardVtt, cancellationToken).ConfigureAwait(false);
            Vtt = new ReplayObject(FullKey(VttKey), length, ObjectHeaders.StoryboardVtt.ContentType, Math.Round(recorded.TotalSeconds, 3));
            journal.Append(new PicturesJournalLine { Vtt = Vtt });
            File.Delete(path);
            _raw.DeleteAll();
        }
    }

    /// <summary>The keys made and not stored yet (none once given up).</summary>
    public IEnumerable<string> Pending() => Problem is not null ? [] : [.. _sprites.Where(s => s.Stored is null).Select(s => Key(s.Sheet)), .. Vtt is null ? [VttKey] : Array.Empty<string>()];

    /// <summary>The storyboard for <c>session.json</c>, once all of it is stored.</summary>
    public ReplayStoryboard? Stored() => Problem is null && Vtt is { } vtt && Tile is { } tile && !Pending().Any()
        ? new ReplayStoryboard(vtt, [.. _sprites.Select(s => s.Stored!)], Interval.TotalSeconds, tile.Width, tile.Height, StoryboardCues.Columns, StoryboardCues.Rows)
        : null;

    private const string NothingRecorded = "no media was recorded";

    public void GiveUp(string reason)
    {
        if (Problem is not null)
            return;
        Problem = reason;
        journal.Append(new PicturesJournalLine { StoryboardProblem = reason });
        if (reason == NothingRecorded)
            logger.LogInformation("No storyboard for this class: {Reason}", reason); // the camera's outage is the warning
        else
            logger.LogWarning("No storyboard for this class: {Reason}. The HLS recording is not affected", reason);
        foreach (var sprite in _sprites)
            File.Delete(Path.Combine(folder, sprite.File));
        _raw.DeleteAll();
        File.Delete(Path.Combine(folder, VttFileName));
    }

    private string FullKey(string key) => StorageKeys.ObjectKey(options.Storage.Kind == StorageKind.S3 ? options.Storage.Prefix : null, key);
}

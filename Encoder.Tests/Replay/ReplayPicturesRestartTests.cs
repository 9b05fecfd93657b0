using System.Globalization;
using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Recording;
using Encoder.Replay;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Replay;

/// <summary>
/// The replay's pictures across a daemon stopped mid-class, in process against the real FFmpeg and the local store: a first run
/// looks at the class's first segments (deleted once stored and looked at), stores the poster, and is dropped without finishing
/// (as a kill leaves it: a raw tile written but not counted, a journal line cut); a second run, a new process's, finishes the
/// same storyboard from the next segment.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ReplayPicturesRestartTests
{
    private const int TileWidth = 160;
    private const int TileHeight = 90;
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("encoder-pictures-restart-").FullName;

    [TearDown]
    public void TearDown() { if (Environment.GetEnvironmentVariable("KEEP") is null) Directory.Delete(_root, recursive: true); }

    /// <summary>A local folder store that counts what it was given, by key.</summary>
    private sealed class CountingStore(string directory) : IRecordingStore
    {
        private readonly LocalFolderStore _store = new(directory);

        public List<string> Puts { get; } = [];

        public string Describe(string key) => _store.Describe(key);

        public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken)
        {
            lock (Puts)
                Puts.Add(key);
            return _store.PutFileAsync(key, localPath, headers, cancellationToken);
        }

        public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken)
        {
            lock (Puts)
                Puts.Add(key);
            return _store.PutBytesAsync(key, content, headers, cancellationToken);
        }

        public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => _store.StoredMd5Async(key, cancellationToken);

        public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) =>
            _store.RecoverAsync(keyPrefix, keepUploads, cancellationToken);
    }

    [Test]
    public async Task Pictures_cut_by_a_restart_go_on_from_the_next_segment_without_repeated_tiles_or_a_second_poster()
    {
        var storeDirectory = Path.Combine(_root, "store");
        var options = new EncoderOptions
        {
            SessionId = "yoga",
            Recording = new RecordingOptions { Directory = Path.Combine(_root, "recordings") },
            Storage = new StorageOptions { Kind = StorageKind.Local, Directory = storeDirectory, DeleteLocalAfterUpload = true },
            Replay = new ReplayOptions { Enabled = true, PosterAtSeconds = 4, PosterWindowSeconds = 4, StoryboardSeconds = 1 },
        };
        var layout = new RecordingLayout(options);
        Directory.CreateDirectory(layout.SessionDirectory);
        await RecordedClass.RecordAsync(layout.SessionDirectory, 24, "320x180", ["-vf", "drawbox=c=black:t=fill:enable='lt(t,3)'", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30"]);
        var all = await File.ReadAllTextAsync(layout.PlaylistPath);
        var segments = HlsPlaylist.Parse(all).Segments;
        Assume.That(segments, Has.Count.GreaterThanOrEqualTo(10));
        const int firstRun = 6; // 12 s: past the poster's window
        await File.WriteAllTextAsync(layout.PlaylistPath, RecordedClass.PlaylistOf(all, firstRun));
        var store = new CountingStore(storeDirectory);
        var poster = Path.Combine(storeDirectory, "yoga", "replay", "poster.jpg");

        // The first run: its segments stored, looked at and deleted, the poster stored; then it is gone without finishing.
        {
            var ledger = new SegmentLedger(TimeProvider.System);
            foreach (var segment in segments.Take(firstRun))
                ledger.Stored(segment.Uri);
            using var first = Pictures(options, layout, ledger, store);
            await first.StartAsync(CancellationToken.None);
            await Poll.UntilAsync(() => File.Exists(poster) && segments.Take(firstRun).All(s => !File.Exists(Path.Combine(layout.SessionDirectory, s.Uri))),
                TimeSpan.FromSeconds(60), "the first run looked at its segments and stored the poster");
            await first.StopAsync(CancellationToken.None);
        }

        var raw = Path.Combine(layout.SessionDirectory, RawTiles.FileName);
        Assert.That(new FileInfo(raw).Length, Is.EqualTo(12L * new PictureSize(TileWidth, TileHeight).Yuv420Bytes), "the first run's 12 tiles wait raw for their sheet");
        var black = new byte[new PictureSize(TileWidth, TileHeight).Yuv420Bytes];
        Array.Fill(black, (byte)16);
        await File.AppendAllBytesAsync(raw, black); // a tile written when the kill came, before its count was journaled
        await File.AppendAllTextAsync(Path.Combine(layout.SessionDirectory, PicturesJournal.FileName), "{\"segment\":{\"uri\":\"seg_0"); // a line cut by the kill
        await File.WriteAllTextAsync(layout.PlaylistPath, all);

        // The second run: a new process, which finishes the class.
        var secondLedger = new SegmentLedger(TimeProvider.System);
        foreach (var segment in segments)
            secondLedger.Stored(segment.Uri);
        using var second = Pictures(options, layout, secondLedger, store);
        var outcome = await second.FinishAsync(CancellationToken.None);

        Assert.That(outcome.NotStored, Is.Empty);
        Assert.That(outcome.Manifest.StoryboardProblem, Is.Null);
        Assert.That(outcome.Manifest.Poster?.Key, Is.EqualTo("yoga/replay/poster.jpg"));
        Assert.That(store.Puts.Count(k => k == "yoga/replay/poster.jpg"), Is.EqualTo(1), "the poster was stored once");
        var vod = segments.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);
        var folder = Path.Combine(storeDirectory, "yoga", "replay");
        ReplayPictureChecks.AssertCovers(await File.ReadAllTextAsync(Path.Combine(folder, "storyboard.vtt")), vod.TotalSeconds, 0.001,
            name => File.Exists(Path.Combine(folder, name)) ? KeyframePictures.JpegSize(File.ReadAllBytes(Path.Combine(folder, name))) : null);

        var cues = StoryboardCues.Count(vod, TimeSpan.FromSeconds(1));
        var tiles = await TilesAsync(Path.Combine(folder, "sprite-0.jpg"), cues);
        for (var cue = 4; cue < cues; cue++)
        {
            Assert.That(tiles[cue].Average(b => (double)b), Is.GreaterThan(40), $"tile {cue} shows the picture, not a blank for a segment gone");
            Assert.That(Difference(tiles[cue], tiles[cue - 1]), Is.GreaterThan(1.0), $"tile {cue} is not a repeat of tile {cue - 1}");
        }
    }

    private static ReplayPictures Pictures(EncoderOptions options, RecordingLayout layout, SegmentLedger ledger, IRecordingStore store) =>
        new(options, layout, new PlaylistReader(layout, ledger), ledger, new RecordingDisk(layout, ledger), new LocalMediaTools(new ChildProcessThread()),
            store, ClassEvents.None, TimeProvider.System, NullLogger<ReplayPictures>.Instance);

    /// <summary>The first <paramref name="count"/> tiles of a sprite sheet, each its luma (8-bit), row after row.</summary>
    private async Task<List<byte[]>> TilesAsync(string sprite, int count)
    {
        var size = KeyframePictures.JpegSize(await File.ReadAllBytesAsync(sprite))!.Value;
        var gray = Path.Combine(_root, "sprite.gray");
        var run = await Tool.RunAsync("ffmpeg", ["-v", "error", "-y", "-i", sprite, "-f", "rawvideo", "-pix_fmt", "gray", gray]);
        Assert.That(run.ExitCode, Is.Zero, run.Output);
        var pixels = await File.ReadAllBytesAsync(gray);
        var tiles = new List<byte[]>();
        for (var cue = 0; cue < count; cue++)
        {
            var place = StoryboardCues.Place(cue, new PictureSize(TileWidth, TileHeight));
            var tile = new byte[TileWidth * TileHeight];
            for (var row = 0; row < TileHeight; row++)
                Array.Copy(pixels, (place.Y + row) * size.Width + place.X, tile, row * TileWidth, TileWidth);
            tiles.Add(tile);
        }

        return tiles;
    }

    private static double Difference(byte[] a, byte[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Average();
}

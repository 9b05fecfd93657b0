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
/// The replay's pictures against the real FFmpeg and a local store: segments of two recorder runs (a camera gap between them),
/// the picture black for the first seconds (a camera waking up), looked at while the playlist grows, then finished as the drain does.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ReplayPicturesTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("encoder-pictures-").FullName;

    [TearDown]
    public void TearDown() { if (Environment.GetEnvironmentVariable("KEEP") is null) Directory.Delete(_root, recursive: true); }

    private sealed class Heard : IClassEventSubscriber
    {
        public List<ClassEvent> Events { get; } = [];

        public void Hear(ClassEvent happened)
        {
            lock (Events)
                Events.Add(happened);
        }
    }

    /// <summary>A class on the local store with a poster window at 4-8 s and a tile every second.</summary>
    private (EncoderOptions Options, RecordingLayout Layout) Class()
    {
        var options = new EncoderOptions
        {
            SessionId = "yoga",
            Recording = new RecordingOptions { Directory = Path.Combine(_root, "recordings") },
            Storage = new StorageOptions { Kind = StorageKind.Local, Directory = Path.Combine(_root, "store") },
            Replay = new ReplayOptions { Enabled = true, PosterAtSeconds = 4, PosterWindowSeconds = 4, StoryboardSeconds = 1 },
        };
        var layout = new RecordingLayout(options);
        Directory.CreateDirectory(layout.SessionDirectory);
        return (options, layout);
    }

    [Test]
    public async Task The_poster_is_stored_during_the_class_and_the_storyboard_covers_the_VOD_across_a_camera_gap()
    {
        var (options, layout) = Class();
        var store = options.Storage.Directory;
        // 61 s then 50 s (its timestamps starting again): 112 one-second cues, so one full sheet of 100 and a last one of 12.
        await RecordAsync(layout.SessionDirectory, 0, 61);
        await RecordAsync(layout.SessionDirectory, 31, 50);
        var first = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(layout.SessionDirectory, "run0.m3u8"))).Segments;
        var second = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(layout.SessionDirectory, "run31.m3u8"))).Segments;
        var vod = first.Concat(second).Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);
        var playlist = Path.Combine(layout.SessionDirectory, RecordingLayout.PlaylistFileName);
        await File.WriteAllTextAsync(playlist, Playlist(first.Take(6), [], ended: false)); // 12 s: past the poster's window

        var heard = new Heard();
        var ledger = new SegmentLedger(TimeProvider.System);
        using var pictures = new ReplayPictures(options, layout, new PlaylistReader(layout, ledger), ledger, new RecordingDisk(layout, ledger),
            new LocalMediaTools(new ChildProcessThread()), new LocalFolderStore(store), new ClassEvents([heard]), TimeProvider.System, NullLogger<ReplayPictures>.Instance);
        await pictures.StartAsync(CancellationToken.None);
        var poster = Path.Combine(store, "yoga", "replay", "poster.jpg");
        await Poll.UntilAsync(() => File.Exists(poster), TimeSpan.FromSeconds(30), "the poster was stored during the class");
        ReplayPosterStored published;
        lock (heard.Events)
            published = heard.Events.OfType<ReplayPosterStored>().Single();
        Assert.That((published.Key, published.Width, published.Height), Is.EqualTo(("yoga/replay/poster.jpg", 320, 180)));
        Assert.That(published.VodSeconds, Is.InRange(4.0, 12.0), "from the window, not the black start");

        await File.WriteAllTextAsync(playlist, Playlist(first, second, ended: true));
        await pictures.StopAsync(CancellationToken.None);
        var outcome = await pictures.FinishAsync(CancellationToken.None);

        Assert.That(outcome.NotStored, Is.Empty);
        var manifest = outcome.Manifest;
        Assert.That(manifest.Poster, Is.EqualTo(new ReplayPoster("yoga/replay/poster.jpg", new FileInfo(poster).Length, "image/jpeg", 320, 180)));
        Assert.That(KeyframePictures.JpegSize(await File.ReadAllBytesAsync(poster)), Is.EqualTo(new PictureSize(320, 180)));
        Assert.That(await ReplayPictureChecks.MeanLumaAsync(poster), Is.GreaterThan(40), "not black");
        var storyboard = manifest.Storyboard!;
        Assert.That(storyboard.Sprites.Select(s => s.Key), Is.EqualTo(new[] { "yoga/replay/sprite-0.jpg", "yoga/replay/sprite-1.jpg" }), manifest.StoryboardProblem);
        Assert.That((storyboard.TileWidth, storyboard.TileHeight, storyboard.IntervalSeconds), Is.EqualTo((160, 90, 1.0)));
        Assert.That(storyboard.Vtt.Key, Is.EqualTo("yoga/replay/storyboard.vtt"));
        var folder = Path.Combine(store, "yoga", "replay");
        Assert.That(KeyframePictures.JpegSize(await File.ReadAllBytesAsync(Path.Combine(folder, "sprite-0.jpg"))), Is.EqualTo(new PictureSize(1600, 900)));
        Assert.That(KeyframePictures.JpegSize(await File.ReadAllBytesAsync(Path.Combine(folder, "sprite-1.jpg"))), Is.EqualTo(new PictureSize(1600, 180)),
            "the last sheet has only the rows it needs");
        ReplayPictureChecks.AssertCovers(await File.ReadAllTextAsync(Path.Combine(folder, "storyboard.vtt")), vod.TotalSeconds, 0.001,
            name => File.Exists(Path.Combine(folder, name)) ? KeyframePictures.JpegSize(File.ReadAllBytes(Path.Combine(folder, name))) : null);
        Assert.That(Directory.GetFiles(layout.SessionDirectory, "replay-*").Select(Path.GetFileName), Is.EqualTo(new[] { PicturesJournal.FileName }),
            "no working file is left, only the pictures' journal");
    }

    /// <summary>A local folder store that is down while <see cref="Down"/> is set.</summary>
    private sealed class FlakyStore(string directory) : IRecordingStore
    {
        private readonly LocalFolderStore _store = new(directory);

        public bool Down { get; set; }

        public string Describe(string key) => _store.Describe(key);

        public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) =>
            Down ? throw new StorageUnavailableException("S3 is away", transient: true, storageWide: true) : _store.PutFileAsync(key, localPath, headers, cancellationToken);

        public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken) =>
            Down ? throw new StorageUnavailableException("S3 is away", transient: true, storageWide: true) : _store.PutBytesAsync(key, content, headers, cancellationToken);

        public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => _store.StoredMd5Async(key, cancellationToken);

        public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) => _store.RecoverAsync(keyPrefix, keepUploads, cancellationToken);
    }

    [Test]
    public async Task Pictures_storage_did_not_take_at_the_end_are_left_pending_with_the_reason_and_a_later_final_pass_stores_them()
    {
        var (options, layout) = Class();
        var storeDirectory = options.Storage.Directory;
        await RecordAsync(layout.SessionDirectory, 0, 12);
        var segments = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(layout.SessionDirectory, "run0.m3u8"))).Segments;
        await File.WriteAllTextAsync(Path.Combine(layout.SessionDirectory, RecordingLayout.PlaylistFileName), Playlist(segments, [], ended: true));
        var store = new FlakyStore(storeDirectory) { Down = true };
        var ledger = new SegmentLedger(TimeProvider.System);
        using var pictures = new ReplayPictures(options, layout, new PlaylistReader(layout, ledger), ledger, new RecordingDisk(layout, ledger),
            new LocalMediaTools(new ChildProcessThread()), store, ClassEvents.None, TimeProvider.System, NullLogger<ReplayPictures>.Instance);

        var down = await pictures.FinishAsync(CancellationToken.None);

        Assert.That(down.NotStored, Is.EquivalentTo(new[] { "yoga/replay/poster.jpg", "yoga/replay/sprite-0.jpg", "yoga/replay/storyboard.vtt" }));
        Assert.That((down.Manifest.Poster, down.Manifest.Storyboard), Is.EqualTo(((ReplayPoster?)null, (ReplayStoryboard?)null)));
        Assert.That((down.Manifest.PosterProblem, down.Manifest.StoryboardProblem), Is.EqualTo(("not stored yet: S3 is away", "not stored yet: S3 is away")));

        store.Down = false;
        var back = await pictures.FinishAsync(CancellationToken.None);

        Assert.That(back.NotStored, Is.Empty);
        Assert.That(back.Manifest.Poster?.Key, Is.EqualTo("yoga/replay/poster.jpg"));
        Assert.That(back.Manifest.Storyboard?.Sprites.Select(s => s.Key), Is.EqualTo(new[] { "yoga/replay/sprite-0.jpg" }));
        Assert.That(File.Exists(Path.Combine(storeDirectory, "yoga", "replay", "storyboard.vtt")), Is.True);
    }

    private static string Playlist(IEnumerable<HlsSegment> first, IEnumerable<HlsSegment> second, bool ended)
    {
        var text = new System.Text.StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n");
        foreach (var s in first)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"#EXTINF:{s.Duration.TotalSeconds:0.000000},\n{s.Uri}\n");
        var gap = true;
        foreach (var s in second)
        {
            if (gap)
                text.Append("#EXT-X-DISCONTINUITY\n");
            gap = false;
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"#EXTINF:{s.Duration.TotalSeconds:0.000000},\n{s.Uri}\n");
        }

        return text.Append(ended ? "#EXT-X-ENDLIST\n" : "").ToString();
    }

    /// <summary>An HLS recording of a moving picture, black for its first 3 s, keyframes every second, 2 s segments.</summary>
    private static async Task RecordAsync(string directory, int startNumber, int seconds)
    {
        var result = await Tool.RunAsync("ffmpeg", [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-vf", "drawbox=c=black:t=fill:enable='lt(t,3)'",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-ac", "2", "-f", "hls", "-hls_time", "2", "-start_number", startNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-hls_segment_filename", "seg_%05d.ts", "-hls_list_size", "0", $"run{startNumber}.m3u8"], workingDirectory: directory);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }
}

using System.Globalization;
using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Recording;
using Encoder.Replay;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Replay;

/// <summary>
/// The replay across a daemon killed mid-class, in process against the real FFmpeg and the local store: a first builder takes
/// in the class's first segments and stores a part, then is dropped without finishing (as SIGKILL leaves it, the segments it
/// took in deleted once stored, a segment's media half appended and its journal line cut); a second builder, a new process's,
/// finishes the same MP4 from where the first stopped.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ReplayBuilderRestartTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("encoder-replay-restart-").FullName;

    [TearDown]
    public void TearDown() { if (Environment.GetEnvironmentVariable("KEEP") is null) Directory.Delete(_root, recursive: true); }

    [Test]
    public async Task A_replay_cut_by_a_kill_goes_on_in_the_next_run_into_the_same_upload_and_ends_as_long_as_the_VOD()
    {
        var (options, layout, store) = Class();
        await RecordedClass.RecordAsync(layout.SessionDirectory, 24, "640x360", ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "4", "-g", "60"]);
        var all = await File.ReadAllTextAsync(layout.PlaylistPath);
        var segments = HlsPlaylist.Parse(all).Segments;
        Assume.That(segments, Has.Count.GreaterThanOrEqualTo(6));
        var firstRun = segments.Count / 2;
        await File.WriteAllTextAsync(layout.PlaylistPath, RecordedClass.PlaylistOf(all, firstRun));

        // The first run: its segments stored, taken in, a part sent; then it is gone without a word.
        string firstUpload;
        {
            var (builder, ledger) = Builder(options, layout, store);
            foreach (var segment in segments.Take(firstRun))
                ledger.Stored(segment.Uri);
            using var stop = new CancellationTokenSource();
            await builder.StartAsync(stop.Token);
            await Poll.UntilAsync(() => Journal(layout).Parts.Count > 0 && Journal(layout).Segments.Count == firstRun, TimeSpan.FromSeconds(60),
                "the first run took its segments in and stored a part");
            await stop.CancelAsync();
            await builder.StopAsync(CancellationToken.None);
            firstUpload = Journal(layout).UploadId!;
        }

        Assert.That(segments.Take(firstRun).Select(s => File.Exists(Path.Combine(layout.SessionDirectory, s.Uri))), Is.All.False,
            "the first run's segments were stored and taken in, so they are gone from this disk");
        var media = Directory.GetFiles(layout.SessionDirectory, "replay-media-*.bin").Single();
        await File.AppendAllTextAsync(media, new string('x', 1000)); // a segment's media half appended when the kill came
        await File.AppendAllTextAsync(Path.Combine(layout.SessionDirectory, ReplayJournal.FileName), "{\"segment\":{\"uri\":\"seg_0"); // its line cut
        await File.WriteAllTextAsync(layout.PlaylistPath, all);

        // The second run: a new process, which finishes the class.
        var (second, secondLedger) = Builder(options, layout, store);
        foreach (var segment in segments)
            secondLedger.Stored(segment.Uri);
        var outcome = await second.FinishAsync(CancellationToken.None);

        Assert.That(outcome.Manifest.Mp4Problem, Is.Null);
        Assert.That(Journal(layout).UploadId, Is.EqualTo(firstUpload), "the same upload went on");
        var mp4 = Path.Combine(options.Storage.Directory, "yoga", "replay", "recording.mp4");
        Assert.That(new FileInfo(mp4).Length, Is.EqualTo(outcome.Manifest.Mp4!.Size));
        var vod = segments.Sum(s => s.Duration.TotalSeconds);
        Assert.That(await Ffprobe.DurationSecondsAsync(mp4), Is.EqualTo(vod).Within(1.5));
        var decode = await Tool.RunAsync("ffmpeg", ["-v", "error", "-xerror", "-i", mp4, "-f", "null", "-"]);
        Assert.That(decode.ExitCode, Is.Zero, decode.Output);
        Assert.That(decode.Output.Trim(), Is.Empty, "every frame of both runs decodes");
        Assert.That(Directory.GetDirectories(Path.Combine(options.Storage.Directory, "yoga", "replay")), Is.Empty, "no upload left unfinished");
        Assert.That(Directory.GetFiles(layout.SessionDirectory, "replay-media-*.bin"), Is.Empty);
    }

    [Test]
    public async Task A_replay_completed_just_before_a_kill_is_listed_by_the_next_run_as_stored_not_given_up()
    {
        var (options, layout, store) = Class();
        await RecordedClass.RecordAsync(layout.SessionDirectory, 6, "640x360", ["-c:v", "libx264", "-preset", "ultrafast", "-g", "60"]);
        var (first, firstLedger) = Builder(options, layout, store);
        foreach (var segment in HlsPlaylist.Parse(await File.ReadAllTextAsync(layout.PlaylistPath)).Segments)
            firstLedger.Stored(segment.Uri);
        var stored = (await first.FinishAsync(CancellationToken.None)).Manifest.Mp4;
        Assume.That(stored, Is.Not.Null);
        // The kill came after storage completed the upload and before the journal said so.
        var journal = Path.Combine(layout.SessionDirectory, ReplayJournal.FileName);
        var lines = await File.ReadAllLinesAsync(journal);
        await File.WriteAllLinesAsync(journal, lines[..^1]);

        var (second, _) = Builder(options, layout, store);
        var outcome = await second.FinishAsync(CancellationToken.None);

        Assert.That(outcome.Manifest.Mp4Problem, Is.Null);
        Assert.That(outcome.Manifest.Mp4, Is.EqualTo(stored), "the MP4 storage holds, as the first run stored it");
        Assert.That(new FileInfo(Path.Combine(options.Storage.Directory, "yoga", "replay", "recording.mp4")).Length, Is.EqualTo(stored!.Size));
    }

    /// <summary>A class on the local store whose segments go once stored and taken in (the S3 default), its replay in 5 MiB parts.</summary>
    private (EncoderOptions Options, RecordingLayout Layout, LocalFolderStore Store) Class()
    {
        var options = new EncoderOptions
        {
            SessionId = "yoga",
            Recording = new RecordingOptions { Directory = Path.Combine(_root, "recordings") },
            Storage = new StorageOptions { Kind = StorageKind.Local, Directory = Path.Combine(_root, "storage"), DeleteLocalAfterUpload = true },
            Replay = new ReplayOptions { Enabled = true, PartMebibytes = 5 },
        };
        var layout = new RecordingLayout(options);
        Directory.CreateDirectory(layout.SessionDirectory);
        return (options, layout, new LocalFolderStore(options.Storage.Directory));
    }

    private static ReplayProgress Journal(RecordingLayout layout) => new ReplayJournalFile(layout.SessionDirectory).Read();

    private static (ReplayBuilder Builder, SegmentLedger Ledger) Builder(EncoderOptions options, RecordingLayout layout, LocalFolderStore store)
    {
        var ledger = new SegmentLedger(new FakeTimeProvider());
        var remux = new SegmentRemux(options, layout, new LocalMediaTools(new ChildProcessThread()));
        var builder = new ReplayBuilder(options, layout, new PlaylistReader(layout, ledger), ledger, new RecordingDisk(layout, ledger), remux, store,
            NullLogger<ReplayBuilder>.Instance);
        return (builder, ledger);
    }
}

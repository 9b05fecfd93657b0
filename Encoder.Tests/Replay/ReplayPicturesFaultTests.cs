using Encoder.Configuration;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Recording;
using Encoder.Replay;
using Encoder.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Replay;

/// <summary>The replay's pictures when their tools fail: a reason in session.json, never an exception in the drain nor a held segment.</summary>
public sealed class ReplayPicturesFaultTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("encoder-pictures-fault-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private sealed class MissingTools : IMediaTools
    {
        public Task<IFfmpegRun> StartAsync(string program, IReadOnlyList<string> arguments, string? workingDirectory, Action<string> onStdout, Action<string> onStderr) =>
            throw new InvalidOperationException($"{program}: no such file");
    }

    [Test]
    public async Task A_media_tool_that_cannot_start_ends_as_reasons_in_session_json_and_releases_the_segments()
    {
        var options = new EncoderOptions
        {
            SessionId = "yoga",
            Recording = new RecordingOptions { Directory = Path.Combine(_root, "recordings") },
            Storage = new StorageOptions { Kind = StorageKind.Local, Directory = Path.Combine(_root, "store") },
            Replay = new ReplayOptions { Enabled = true },
        };
        var layout = new RecordingLayout(options);
        Directory.CreateDirectory(layout.SessionDirectory);
        await File.WriteAllBytesAsync(Path.Combine(layout.SessionDirectory, "seg_00000.ts"), new byte[188]);
        await File.WriteAllTextAsync(Path.Combine(layout.SessionDirectory, RecordingLayout.PlaylistFileName),
            "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000000,\nseg_00000.ts\n#EXT-X-ENDLIST\n");
        var ledger = new SegmentLedger(TimeProvider.System);
        using var pictures = new ReplayPictures(options, layout, new PlaylistReader(layout, ledger), ledger, new RecordingDisk(layout, ledger),
            new MissingTools(), new LocalFolderStore(options.Storage.Directory), ClassEvents.None, TimeProvider.System, NullLogger<ReplayPictures>.Instance);

        var outcome = await pictures.FinishAsync(CancellationToken.None);

        Assert.That(outcome.NotStored, Is.Empty);
        Assert.That((outcome.Manifest.Poster, outcome.Manifest.Storyboard), Is.EqualTo(((ReplayPoster?)null, (ReplayStoryboard?)null)));
        Assert.That(outcome.Manifest.PosterProblem, Does.Contain("no such file"));
        Assert.That(outcome.Manifest.StoryboardProblem, Does.Contain("no such file"));
        ledger.Stored("seg_00000.ts");
        Assert.That(ledger.IsDeletable("seg_00000.ts"), Is.True, "the segments no longer wait for the pictures");
    }

    [Test]
    public async Task With_the_replay_off_the_pictures_say_so_and_hold_no_segment()
    {
        var options = new EncoderOptions { SessionId = "yoga", Recording = new RecordingOptions { Directory = _root }, Replay = new ReplayOptions { Enabled = false } };
        var ledger = new SegmentLedger(TimeProvider.System);
        var layout = new RecordingLayout(options);
        using var pictures = new ReplayPictures(options, layout, new PlaylistReader(layout, ledger), ledger, new RecordingDisk(layout, ledger),
            new MissingTools(), new LocalFolderStore(_root), ClassEvents.None, TimeProvider.System, NullLogger<ReplayPictures>.Instance);

        var outcome = await pictures.FinishAsync(CancellationToken.None);

        Assert.That((outcome.Manifest.PosterProblem, outcome.Manifest.StoryboardProblem),
            Is.EqualTo(("the replay is turned off (Replay:Enabled)", "the replay is turned off (Replay:Enabled)")));
        ledger.PlaylistRead(new HlsPlaylist([new HlsSegment("seg_00000.ts", TimeSpan.FromSeconds(2), false)], false));
        ledger.Stored("seg_00000.ts");
        Assert.That(ledger.IsDeletable("seg_00000.ts"), Is.True);
    }
}

using Encoder.Configuration;
using Encoder.Events;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Status;
using Encoder.Storage;
using Microsoft.Extensions.Logging.Abstractions;

using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Storage;

/// <summary>A recording on disk and an uploader over a store stand-in, for the uploader's tests.</summary>
public abstract class UploaderFixture
{
    private string _work = "";
    protected EncoderOptions Options { get; private set; } = null!;
    protected RecordingLayout Layout { get; private set; } = null!;

    /// <summary>The segments' ledger of the daemon under test (a restarted daemon gets a new one: <see cref="Uploader"/> without a journal).</summary>
    protected SegmentLedger Segments { get; private set; } = null!;

    [SetUp]
    public void CreateRecording()
    {
        _work = Directory.CreateTempSubdirectory("encoder-uploader-").FullName;
        Options = new EncoderOptions
        {
            SessionId = "class-9",
            Recording = new RecordingOptions { Directory = Path.Combine(_work, "rec") },
            Storage = new StorageOptions { Directory = Path.Combine(_work, "store") },
        };
        Layout = new RecordingLayout(Options);
        Segments = new SegmentLedger(TimeProvider.System);
        Directory.CreateDirectory(Layout.LogDirectory);
    }

    [TearDown]
    public void DeleteRecording() => Directory.Delete(_work, recursive: true);

    /// <summary>The upload journal of the session folder, feeding <paramref name="segments"/> (default: <see cref="Segments"/>).</summary>
    protected UploadJournal Journal(SegmentLedger? segments = null, TimeProvider? time = null) => new(Layout, segments ?? Segments, time ?? TimeProvider.System);

    /// <summary>The uploader's reader of the recording; its <c>session.json</c> tells of <paramref name="status"/> and <paramref name="outages"/>.</summary>
    protected RecordingReader Reader(UploadJournal journal, EncoderStatus? status = null, SessionOutages? outages = null, SegmentLedger? segments = null) =>
        new(Layout, new PlaylistReader(Layout, segments ?? Segments),
            new SessionManifestSource(Options, journal, outages ?? new SessionOutages(), status ?? new EncoderStatus(TimeProvider.System), TimeProvider.System));

    /// <summary>One pass over the recording into <paramref name="store"/>, as the uploader runs it.</summary>
    protected UploadPass Pass(IRecordingStore store, UploadJournal journal, RecordingReader? reader = null, SegmentLedger? segments = null,
        TimeProvider? time = null)
    {
        segments ??= Segments;
        time ??= TimeProvider.System;
        return new(Options, store, reader ?? Reader(journal, segments: segments),
            new ObjectUploader(Options, store, journal, new RecordingDisk(Layout, segments), time, NullLogger<ObjectUploader>.Instance), journal,
            segments, time, NullLogger<UploadPass>.Instance);
    }

    /// <param name="time">The uploader's clock: its passes, its waits and its outage (default: the real one).</param>
    protected SegmentUploader Uploader(IRecordingStore store, UploadDrainReport? report = null, UploadJournal? journal = null,
        PlaylistChanges? playlistChanges = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var segments = journal is null ? new SegmentLedger(time) : Segments;
        var status = new EncoderStatus(time, segments: segments);
        var outages = new SessionOutages();
        journal ??= Journal(segments);
        var pass = Pass(store, journal, Reader(journal, status, outages, segments), segments, time);
        return new SegmentUploader(Options, Layout, pass, new StorageOutage(new ClassEvents([outages]), time), journal, store,
            report ?? new UploadDrainReport(), segments, time, NullLogger<SegmentUploader>.Instance,
            playlistChanges: playlistChanges);
    }

    protected static string Md5Of(string text) => ContentMd5.Hex(System.Text.Encoding.UTF8.GetBytes(text));

    /// <param name="asFfmpeg">Write the playlist beside and rename it in, as FFmpeg does (<c>temp_file</c>), rather than in place.</param>
    protected void Record(int segments, bool ended = false, bool asFfmpeg = false)
    {
        var playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n";
        for (var i = 0; i < segments; i++)
        {
            var name = $"seg_{i:D5}.ts";
            if (!File.Exists(Path.Combine(Layout.SessionDirectory, name)))
                File.WriteAllBytes(Path.Combine(Layout.SessionDirectory, name), [(byte)i, 1, 2, 3]);
            playlist += $"#EXTINF:6.0,\n{name}\n";
        }

        var content = playlist + (ended ? "#EXT-X-ENDLIST\n" : "");
        if (!asFfmpeg)
        {
            File.WriteAllText(Layout.PlaylistPath, content);
            return;
        }

        File.WriteAllText(Layout.PlaylistPath + ".tmp", content);
        File.Move(Layout.PlaylistPath + ".tmp", Layout.PlaylistPath, overwrite: true);
    }

    protected static Task Eventually(Func<bool> condition) => Poll.UntilAsync(condition, TimeSpan.FromSeconds(10), "the uploader gets there");
}

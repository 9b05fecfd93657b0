using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Status;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Encoder.Tests.Storage;

public sealed class SegmentUploaderTests
{
    private string _work = "";
    private EncoderOptions _options = null!;
    private RecordingLayout _layout = null!;

    [SetUp]
    public void CreateRecording()
    {
        _work = Directory.CreateTempSubdirectory("encoder-uploader-").FullName;
        _options = new EncoderOptions
        {
            SessionId = "class-9",
            Recording = new RecordingOptions { Directory = Path.Combine(_work, "rec") },
            Storage = new StorageOptions { Directory = Path.Combine(_work, "store") },
        };
        _layout = new RecordingLayout(_options);
        Directory.CreateDirectory(_layout.LogDirectory);
    }

    [TearDown]
    public void DeleteRecording() => Directory.Delete(_work, recursive: true);

    private SegmentUploader Uploader(IRecordingStore store, UploadDrainReport? report = null, DaemonOutcome? outcome = null, UploadJournal? journal = null)
    {
        var time = TimeProvider.System;
        var status = new EncoderStatus(time);
        var outages = new SessionOutages();
        journal ??= new UploadJournal(_layout, time);
        var reader = new RecordingReader(_layout, new SessionManifestSource(_options, journal, outages, status, time));
        var pass = new UploadPass(_options, store, reader, new ObjectUploader(_options, store, journal, time, NullLogger<ObjectUploader>.Instance), journal,
            NullLogger<UploadPass>.Instance);
        return new SegmentUploader(_options, _layout, pass, new StorageOutage(outages, time, NullLogger<StorageOutage>.Instance), journal, store,
            report ?? new UploadDrainReport(), outcome ?? new DaemonOutcome(), status, time, NullLogger<SegmentUploader>.Instance);
    }

    private static string Md5Of(string text) => ContentMd5.Hex(System.Text.Encoding.UTF8.GetBytes(text));

    private void Record(int segments, bool ended = false)
    {
        var playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n";
        for (var i = 0; i < segments; i++)
        {
            var name = $"seg_{i:D5}.ts";
            if (!File.Exists(Path.Combine(_layout.SessionDirectory, name)))
                File.WriteAllBytes(Path.Combine(_layout.SessionDirectory, name), [(byte)i, 1, 2, 3]);
            playlist += $"#EXTINF:6.0,\n{name}\n";
        }

        File.WriteAllText(_layout.PlaylistPath, playlist + (ended ? "#EXT-X-ENDLIST\n" : ""));
    }

    private static Task Eventually(Func<bool> condition, string what) => Poll.UntilAsync(condition, TimeSpan.FromSeconds(10), what);

    [Test]
    public async Task Stores_segments_as_they_complete_and_drains_the_final_playlist_logs_and_manifest_on_stop()
    {
        var store = new LocalFolderStore(_options.Storage.Directory);
        using var uploader = Uploader(store);
        var stored = Path.Combine(_options.Storage.Directory, "class-9");
        Record(segments: 2);
        await File.WriteAllTextAsync(Path.Combine(_layout.LogDirectory, "ffmpeg-run001.log"), "ffmpeg said things");

        await uploader.StartAsync(CancellationToken.None);
        await Eventually(() => File.Exists(Path.Combine(stored, "index.m3u8")), "the uploader gets there");
        Assert.That(File.Exists(Path.Combine(stored, "seg_00001.ts")), Is.True);

        Record(segments: 3, ended: true);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "index.m3u8")), Is.EqualTo(HlsPlaylist.AsFinal(await File.ReadAllTextAsync(_layout.PlaylistPath))));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "session.json")), Does.Contain("\"segmentCount\": 3").And.Contain("\"sessionId\": \"class-9\""));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(stored, "seg_00002.ts")), Is.EqualTo(new byte[] { 2, 1, 2, 3 }));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "logs", "ffmpeg-run001.log")), Is.EqualTo("ffmpeg said things"));
        Assert.That(Directory.GetFiles(stored, "*.partial", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task A_failed_store_keeps_order_and_the_playlist_waits_until_every_segment_it_names_is_stored()
    {
        // A storage fault there is no runnable stand-in for yet: the first attempt at seg_00001 fails.
        var calls = new List<string>();
        var store = new Mock<IRecordingStore>();
        var failedOnce = false;
        store.Setup(s => s.Describe(It.IsAny<string>())).Returns((string key) => "mock://" + key);
        store.Setup(s => s.PutFileAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<ObjectHeaders>(), It.IsAny<CancellationToken>()))
            .Returns((string key, string _, ObjectHeaders _, CancellationToken _) =>
            {
                if (key.EndsWith("seg_00001.ts", StringComparison.Ordinal) && !failedOnce)
                {
                    failedOnce = true;
                    calls.Add(key + " (failed)");
                    throw new IOException("storage unavailable");
                }

                calls.Add(key);
                return Task.FromResult(Md5Of(key));
            });
        store.Setup(s => s.PutBytesAsync(It.IsAny<string>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<ObjectHeaders>(), It.IsAny<CancellationToken>()))
            .Returns((string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken _) =>
            {
                calls.Add($"{key} [{headers.ContentType}; {headers.CacheControl}]");
                return Task.FromResult(ContentMd5.Hex(content.Span));
            });
        using var uploader = Uploader(store.Object);
        Record(segments: 3);

        await uploader.StartAsync(CancellationToken.None);
        await Eventually(() => calls.Any(c => c.Contains("index.m3u8", StringComparison.Ordinal)), "the uploader gets there");
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(calls, Is.EqualTo(new[]
        {
            "class-9/seg_00000.ts",
            "class-9/seg_00001.ts (failed)",
            "class-9/seg_00001.ts",
            "class-9/seg_00002.ts",
            "class-9/index.m3u8 [application/vnd.apple.mpegurl; no-cache]",
            // The drain: the playlist again, now the final VOD, then the manifest.
            "class-9/index.m3u8 [application/vnd.apple.mpegurl; public, max-age=300]",
            "class-9/session.json [application/json; no-cache, private]",
        }));
    }

    [Test]
    public async Task A_restarted_uploader_resumes_from_the_journal_and_stores_nothing_twice()
    {
        var store = new CountingStore(new LocalFolderStore(_options.Storage.Directory));
        Record(segments: 2);
        var journal = new UploadJournal(_layout, TimeProvider.System);
        var first = Uploader(store, journal: journal);
        await first.StartAsync(CancellationToken.None);
        await Eventually(() => store.Puts.Contains("class-9/index.m3u8"), "the uploader gets there");
        first.Dispose(); // killed: no drain; the journal stays as it was
        await first.ExecuteTask!;
        journal.Dispose();

        Record(segments: 4, ended: true);
        using var second = Uploader(store);
        await second.StartAsync(CancellationToken.None);
        await second.StopAsync(CancellationToken.None);

        Assert.That(store.Puts.Where(k => k.EndsWith(".ts", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "class-9/seg_00000.ts", "class-9/seg_00001.ts", "class-9/seg_00002.ts", "class-9/seg_00003.ts" }));
        Assert.That(second.SegmentsStored, Is.EqualTo(4));
    }

    [Test]
    public async Task An_upload_a_killed_daemon_finished_but_did_not_journal_is_recognised_and_not_sent_again()
    {
        var store = new CountingStore(new LocalFolderStore(_options.Storage.Directory));
        Record(segments: 1, ended: true);
        var stored = Path.Combine(_options.Storage.Directory, "class-9", "seg_00000.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        File.Copy(Path.Combine(_layout.SessionDirectory, "seg_00000.ts"), stored);
        await File.WriteAllTextAsync(Path.Combine(_layout.SessionDirectory, UploadJournal.FileName),
            JournalState.StartLine(DateTimeOffset.UtcNow) + "\n" + JournalState.BeginLine(DateTimeOffset.UtcNow, store.Describe("class-9/seg_00000.ts")) + "\n");

        using var uploader = Uploader(store);
        await uploader.StartAsync(CancellationToken.None);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(store.Puts, Does.Not.Contain("class-9/seg_00000.ts"));
        Assert.That(store.Puts, Does.Contain("class-9/index.m3u8"));
    }

    [Test]
    public async Task A_put_only_role_still_stores_everything_and_resumes_by_putting_the_unjournaled_upload_again()
    {
        var store = new CountingStore(new PutOnlyStore(new LocalFolderStore(_options.Storage.Directory)));
        Record(segments: 2, ended: true);
        await File.WriteAllTextAsync(Path.Combine(_layout.SessionDirectory, UploadJournal.FileName),
            JournalState.StartLine(DateTimeOffset.UtcNow) + "\n" + JournalState.BeginLine(DateTimeOffset.UtcNow, store.Describe("class-9/seg_00000.ts")) + "\n");
        var report = new UploadDrainReport();
        var outcome = new DaemonOutcome();

        using var uploader = Uploader(store, report, outcome);
        await uploader.StartAsync(CancellationToken.None);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(store.Puts, Does.Contain("class-9/seg_00000.ts").And.Contain("class-9/seg_00001.ts").And.Contain("class-9/index.m3u8"));
        Assert.That(report.Pending, Is.Empty);
        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.Clean));
    }

    [Test]
    public async Task Local_segments_are_deleted_after_their_verified_upload_only_when_configured()
    {
        _options.Storage.DeleteLocalAfterUpload = true;
        var store = new LocalFolderStore(_options.Storage.Directory);
        Record(segments: 2, ended: true);

        using var uploader = Uploader(store);
        await uploader.StartAsync(CancellationToken.None);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(Directory.GetFiles(_layout.SessionDirectory, "seg_*.ts"), Is.Empty);
        Assert.That(File.Exists(_layout.PlaylistPath), Is.True, "the playlist stays");
        Assert.That(Directory.GetFiles(Path.Combine(_options.Storage.Directory, "class-9"), "seg_*.ts"), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task A_drain_that_cannot_store_everything_reports_what_is_left_and_exits_with_uploads_pending()
    {
        var store = new Mock<IRecordingStore>();
        store.Setup(s => s.Describe(It.IsAny<string>())).Returns((string key) => "mock://" + key);
        store.Setup(s => s.PutFileAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<ObjectHeaders>(), It.IsAny<CancellationToken>()))
            .Returns((string key, string _, ObjectHeaders _, CancellationToken _) => key.EndsWith("seg_00001.ts", StringComparison.Ordinal)
                ? throw new IOException("storage unavailable")
                : Task.FromResult(Md5Of(key)));
        var report = new UploadDrainReport();
        var outcome = new DaemonOutcome();
        _options.ShutdownTimeout = TimeSpan.FromSeconds(5); // the drain retries until its budget is spent
        using var uploader = Uploader(store.Object, report, outcome);
        Record(segments: 3, ended: true);

        await uploader.StartAsync(CancellationToken.None);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(report.Completed, Is.True);
        Assert.That(report.Pending, Is.EqualTo(new[] { "class-9/seg_00001.ts", "class-9/seg_00002.ts", "class-9/index.m3u8", "class-9/session.json" }));
        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.UploadsPending));
    }
}

/// <summary>The real local store, counting what reaches it.</summary>
/// <summary>
/// Storage as the least-privilege instance role sees S3 (iam/encoder-instance-policy.json): puts are allowed, but
/// reading objects back and listing unfinished uploads are denied.
/// </summary>
internal sealed class PutOnlyStore(IRecordingStore inner) : IRecordingStore
{
    public string Describe(string key) => inner.Describe(key);

    public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) =>
        inner.PutFileAsync(key, localPath, headers, cancellationToken);

    public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken) =>
        inner.PutBytesAsync(key, content, headers, cancellationToken);

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) =>
        throw new StorageUnavailableException($"access to {key} was denied (HeadObject)", transient: false, denied: true);

    public Task<int> RecoverAsync(string keyPrefix, CancellationToken cancellationToken) =>
        throw new StorageUnavailableException($"access to {keyPrefix} was denied (ListMultipartUploads)", transient: false, denied: true);
}

internal sealed class CountingStore(IRecordingStore inner) : IRecordingStore
{
    public List<string> Puts { get; } = [];

    public string Describe(string key) => inner.Describe(key);

    public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        Puts.Add(key);
        return inner.PutFileAsync(key, localPath, headers, cancellationToken);
    }

    public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        Puts.Add(key);
        return inner.PutBytesAsync(key, content, headers, cancellationToken);
    }

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => inner.StoredMd5Async(key, cancellationToken);

    public Task<int> RecoverAsync(string keyPrefix, CancellationToken cancellationToken) => inner.RecoverAsync(keyPrefix, cancellationToken);
}

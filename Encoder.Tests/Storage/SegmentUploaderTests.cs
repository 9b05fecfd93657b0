using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Status;
using Encoder.Storage;
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
            time, NullLogger<UploadPass>.Instance);
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

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(25);
        }
    }

    [Test]
    public async Task Stores_segments_as_they_complete_and_drains_the_final_playlist_logs_and_manifest_on_stop()
    {
        var store = new LocalFolderStore(_options.Storage.Directory);
        using var uploader = Uploader(store);
        var stored = Path.Combine(_options.Storage.Directory, "class-9");
        Record(segments: 2);
        await File.WriteAllTextAsync(Path.Combine(_layout.LogDirectory, "ffmpeg-run001.log"), "ffmpeg said things");

        await uploader.StartAsync(CancellationToken.None);
        await Eventually(() => File.Exists(Path.Combine(stored, "index.m3u8")));
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
    public async Task A_segment_that_fails_once_goes_up_after_the_next_ones_and_a_stored_playlist_names_only_stored_segments()
    {
        // A storage fault there is no runnable stand-in for yet: the first attempt at seg_00001 fails (its own failure: seg_00002 then goes up).
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
                var named = key.EndsWith(".m3u8", StringComparison.Ordinal)
                    ? " naming " + string.Join(",", HlsPlaylist.Parse(System.Text.Encoding.UTF8.GetString(content.Span)).Segments.Select(s => s.Uri[4..^3]))
                    : "";
                calls.Add($"{key} [{headers.ContentType}; {headers.CacheControl}]{named}");
                return Task.FromResult(ContentMd5.Hex(content.Span));
            });
        using var uploader = Uploader(store.Object);
        Record(segments: 3);

        await uploader.StartAsync(CancellationToken.None);
        await Eventually(() => calls.Count(c => c.Contains("index.m3u8", StringComparison.Ordinal)) == 2);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(calls, Is.EqualTo(new[]
        {
            "class-9/seg_00000.ts",
            "class-9/seg_00001.ts (failed)",
            "class-9/seg_00002.ts",
            // The live playlist, cut after the last segment before the one that failed.
            "class-9/index.m3u8 [application/vnd.apple.mpegurl; no-cache] naming 00000",
            // The failed segment's own retry (after 0.5 s), then the whole playlist.
            "class-9/seg_00001.ts",
            "class-9/index.m3u8 [application/vnd.apple.mpegurl; no-cache] naming 00000,00001,00002",
            // The drain: the playlist again, now the final VOD, then the manifest.
            "class-9/index.m3u8 [application/vnd.apple.mpegurl; public, max-age=300] naming 00000,00001,00002",
            "class-9/session.json [application/json; no-cache]",
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
        await Eventually(() => store.Puts.Contains("class-9/index.m3u8"));
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

    [TestCase(true, TestName = "A put-only role (HEAD denied: a bodiless 403) still stores everything and resumes by putting the unjournaled upload again")]
    [TestCase(false, TestName = "A HEAD that S3 refuses for that one object does not block it: the unjournaled upload is put again")]
    public async Task The_check_of_an_unjournaled_upload_can_only_save_a_put_never_block_one(bool denied)
    {
        var store = new CountingStore(new PutOnlyStore(new LocalFolderStore(_options.Storage.Directory), denied));
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
    public async Task A_segment_that_keeps_failing_does_not_hold_back_the_next_ones_and_the_drain_reports_it_and_the_playlist_waiting_for_it()
    {
        var store = new CountingStore(new RejectingStore(new LocalFolderStore(_options.Storage.Directory), "class-9/seg_00001.ts"));
        var stored = Path.Combine(_options.Storage.Directory, "class-9");
        var report = new UploadDrainReport();
        var outcome = new DaemonOutcome();
        _options.ShutdownTimeout = TimeSpan.FromSeconds(5); // the drain retries until its budget is spent
        using var uploader = Uploader(store, report, outcome);
        Record(segments: 3);

        await uploader.StartAsync(CancellationToken.None);
        await Eventually(() => File.Exists(Path.Combine(stored, "seg_00002.ts")));
        Record(segments: 5, ended: true);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(Directory.GetFiles(stored, "seg_*.ts").Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "seg_00000.ts", "seg_00002.ts", "seg_00003.ts", "seg_00004.ts" }), "every segment but the rejected one went up");
        Assert.That(HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(stored, "index.m3u8"))).Segments.Select(s => s.Uri), Is.EqualTo(new[] { "seg_00000.ts" }),
            "the stored playlist names only the stored prefix, and is no VOD");
        Assert.That(File.Exists(Path.Combine(stored, "session.json")), Is.True);
        Assert.That(store.Puts.Count(k => k == "class-9/seg_00001.ts"), Is.InRange(3, 12), "retried on its own backoff, not hammered");
        Assert.That(report.Completed, Is.True);
        Assert.That(report.Pending, Is.EqualTo(new[] { "class-9/seg_00001.ts", "class-9/index.m3u8" }), "the VOD waits for the segment it names");
        Assert.That(outcome.ExitCode, Is.EqualTo(ExitCodes.UploadsPending));
    }

    [Test]
    public async Task A_storage_outage_is_one_backoff_probed_with_the_first_objects_not_a_retry_loop_per_object()
    {
        var store = new CountingStore(new RejectingStore(new LocalFolderStore(_options.Storage.Directory), key => true, transient: true));
        Record(segments: 10);
        using var uploader = Uploader(store);

        await uploader.StartAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        uploader.Dispose();
        await uploader.ExecuteTask!;

        // Passes at 0, 0.5, 1.5 s (the outage's backoff doubles), each trying one object and the next to tell S3 from the object.
        Assert.That(store.Puts.Distinct(), Is.EqualTo(new[] { "class-9/seg_00000.ts", "class-9/seg_00001.ts" }));
        Assert.That(store.Puts, Has.Count.InRange(4, 6));
    }
}

/// <summary>
/// The real local store, where storage refuses some keys as S3 does under a policy that denies them (403 AccessDenied),
/// or (<paramref name="transient"/>) answers 503 for them.
/// </summary>
internal sealed class RejectingStore(IRecordingStore inner, Func<string, bool> rejects, bool transient = false) : IRecordingStore
{
    public RejectingStore(IRecordingStore inner, string rejected)
        : this(inner, key => key == rejected)
    {
    }

    public string Describe(string key) => inner.Describe(key);

    public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) =>
        rejects(key) ? throw Rejected(key) : inner.PutFileAsync(key, localPath, headers, cancellationToken);

    public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken) =>
        rejects(key) ? throw Rejected(key) : inner.PutBytesAsync(key, content, headers, cancellationToken);

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => inner.StoredMd5Async(key, cancellationToken);

    public Task<int> RecoverAsync(string keyPrefix, CancellationToken cancellationToken) => inner.RecoverAsync(keyPrefix, cancellationToken);

    private StorageUnavailableException Rejected(string key) => transient
        ? new($"S3 bucket 'studio' answered 503 SlowDown for {key}", transient: true)
        : new($"access to the S3 bucket 'studio' was denied for {key}", transient: false, denied: true);
}

/// <summary>The real local store, counting what reaches it.</summary>
/// <summary>
/// Storage as the least-privilege instance role sees S3 (iam/encoder-instance-policy.json): puts are allowed, but
/// reading objects back and listing unfinished uploads are denied.
/// </summary>
/// <param name="denied">False: the HEAD is refused another way, for that object only (a 400 S3 answers for it).</param>
internal sealed class PutOnlyStore(IRecordingStore inner, bool denied = true) : IRecordingStore
{
    public string Describe(string key) => inner.Describe(key);

    public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) =>
        inner.PutFileAsync(key, localPath, headers, cancellationToken);

    public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken) =>
        inner.PutBytesAsync(key, content, headers, cancellationToken);

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) =>
        throw (denied
            ? new StorageUnavailableException($"access to {key} was denied (HeadObject)", transient: false, denied: true)
            : new StorageUnavailableException($"S3 answered 400 InvalidRequest for {key} (HeadObject)", transient: false));

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

using System.Text.Json;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Storage;

/// <summary>
/// A session that starts without its folder continues what the local folder store holds (<c>Storage:Kind=local</c>): the
/// start-up step puts the stored playlist back, journals the stored segments, and the uploader then stores only the new
/// segments, the VOD of both runs and a <c>session.json</c> counting both; a segment storage holds is never replaced.
/// </summary>
public sealed class StoredRecordingResumeTests : UploaderFixture
{
    private static readonly DateTimeOffset Run1Start = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    private string Stored(string name) => Path.Combine(Options.Storage.Directory, "class-9", name);

    /// <summary>What run 1 left in the store: four segments, its VOD playlist and its session.json; its folder is gone.</summary>
    private void StoreRun1()
    {
        Directory.CreateDirectory(Path.Combine(Options.Storage.Directory, "class-9"));
        var playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n";
        for (var i = 0; i < 4; i++)
        {
            File.WriteAllBytes(Stored($"seg_{i:D5}.ts"), [(byte)i, 9, 9, 9]);
            playlist += $"#EXTINF:6.000000,\nseg_{i:D5}.ts\n";
        }

        File.WriteAllText(Stored("index.m3u8"), playlist + "#EXT-X-ENDLIST\n");
        var manifest = SessionManifest.Build("class-9", Run1Start, Run1Start.AddSeconds(30), HlsPlaylist.Parse(playlist), "class-9/index.m3u8", ["primary"],
            [new Outage(Outage.Camera, Run1Start.AddSeconds(5), Run1Start.AddSeconds(7), "camera dropped")], []);
        File.WriteAllBytes(Stored("session.json"), manifest.ToJson());
    }

    private StoredRecordingResume Resume(IRecordingStore store, UploadJournal journal, ILogger<StoredRecordingResume>? logger = null) =>
        new(Options, Layout, store, journal, TimeProvider.System, logger ?? NullLogger<StoredRecordingResume>.Instance);

    [Test]
    public async Task A_session_started_without_its_folder_continues_what_the_local_store_holds_and_stores_both_runs_without_replacing_any()
    {
        StoreRun1();
        var run1 = Enumerable.Range(0, 4).ToDictionary(i => $"seg_{i:D5}.ts", i => File.ReadAllBytes(Stored($"seg_{i:D5}.ts")));
        var storedPlaylist = File.ReadAllText(Stored("index.m3u8"));
        var local = new LocalFolderStore(Options.Storage.Directory);
        var store = new CountingStore(local);
        var journal = Journal();

        await Resume(local, journal).StartAsync(CancellationToken.None);

        Assert.That(File.ReadAllText(Layout.PlaylistPath), Is.EqualTo(storedPlaylist), "the stored playlist is back, for FFmpeg's append_list");
        Assert.That(run1.Keys.Select(Segments.IsStored), Is.All.True, "the stored segments are journaled as stored");
        Assert.That(ClassStart.Read(Layout, DateTimeOffset.UtcNow), Is.EqualTo(Run1Start), "the class counts from its first run");

        // Run 2: FFmpeg continued the playlist (append_list): a discontinuity, then seg_00004 and seg_00005.
        File.WriteAllText(Layout.PlaylistPath, storedPlaylist.Replace("#EXT-X-ENDLIST\n", "", StringComparison.Ordinal).Replace("VOD", "EVENT", StringComparison.Ordinal)
            + "#EXT-X-DISCONTINUITY\n#EXTINF:6.000000,\nseg_00004.ts\n#EXTINF:6.000000,\nseg_00005.ts\n#EXT-X-ENDLIST\n");
        File.WriteAllBytes(Path.Combine(Layout.SessionDirectory, "seg_00004.ts"), [4, 2, 2, 2]);
        File.WriteAllBytes(Path.Combine(Layout.SessionDirectory, "seg_00005.ts"), [5, 2, 2, 2]);
        var report = new UploadDrainReport();
        using var uploader = Uploader(store, report, journal);
        await uploader.StartAsync(CancellationToken.None);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That((report.Completed, report.Pending), Is.EqualTo((true, Array.Empty<string>())));
        Assert.That(store.Puts.Where(k => k.EndsWith(".ts", StringComparison.Ordinal)), Is.EqualTo(new[] { "class-9/seg_00004.ts", "class-9/seg_00005.ts" }),
            "only run 2's segments went up");
        Assert.That(run1.Select(kv => File.ReadAllBytes(Stored(kv.Key))), Is.EqualTo(run1.Values), "run 1's segments are as they were");
        var vod = HlsPlaylist.Parse(File.ReadAllText(Stored("index.m3u8")));
        Assert.That(vod.Segments.Select(s => (s.Uri, s.DiscontinuityBefore)), Is.EqualTo(new[]
        {
            ("seg_00000.ts", false), ("seg_00001.ts", false), ("seg_00002.ts", false), ("seg_00003.ts", false), ("seg_00004.ts", true), ("seg_00005.ts", false),
        }));
        var manifest = JsonDocument.Parse(File.ReadAllBytes(Stored("session.json"))).RootElement;
        Assert.That(manifest.GetProperty("runs").GetArrayLength(), Is.EqualTo(2));
        Assert.That(manifest.GetProperty("runs")[0].GetProperty("startedAt").GetDateTimeOffset(), Is.EqualTo(Run1Start));
        Assert.That(manifest.GetProperty("startedAt").GetDateTimeOffset(), Is.EqualTo(Run1Start));
        Assert.That(manifest.GetProperty("segmentCount").GetInt32(), Is.EqualTo(6));
        Assert.That(manifest.GetProperty("outages").EnumerateArray().Select(o => o.GetProperty("kind").GetString()), Is.EqualTo(new[] { "camera", "daemon" }),
            "run 1's outages, then the time between the runs");
    }

    [Test]
    public async Task A_session_whose_folder_holds_its_playlist_asks_storage_nothing()
    {
        StoreRun1();
        Record(segments: 1);
        var journal = Journal();

        await Resume(new LocalFolderStore(Options.Storage.Directory), journal).StartAsync(CancellationToken.None);

        Assert.That(HlsPlaylist.Parse(File.ReadAllText(Layout.PlaylistPath)).Segments, Has.Count.EqualTo(1));
        Assert.That(File.Exists(EarlierRuns.PathIn(Layout.SessionDirectory)), Is.False);
        Assert.That(Segments.IsStored("seg_00000.ts"), Is.False);
    }

    [Test]
    public async Task A_new_class_with_nothing_stored_starts_from_nothing()
    {
        var journal = Journal();

        await Resume(new LocalFolderStore(Options.Storage.Directory), journal).StartAsync(CancellationToken.None);

        Assert.That(File.Exists(Layout.PlaylistPath), Is.False);
        Assert.That(ClassStart.Read(Layout, DateTimeOffset.UtcNow), Is.Null);
    }

    [Test]
    public async Task Storage_that_may_not_be_listed_is_said_as_an_error_naming_the_permissions_and_the_recording_starts()
    {
        StoreRun1();
        var logger = new ListLogger<StoredRecordingResume>();

        await Resume(new UnlistableStore(new LocalFolderStore(Options.Storage.Directory)), Journal(), logger).StartAsync(CancellationToken.None);

        Assert.That(File.Exists(Layout.PlaylistPath), Is.False);
        Assert.That(logger.Lines.Single().Level, Is.EqualTo(LogLevel.Error));
        Assert.That(logger.Lines.Single().Message, Does.Contain("s3:ListBucket").And.Contain("s3:GetObject"));
    }

    [Test]
    public async Task A_segment_the_local_store_holds_is_never_replaced_while_the_playlist_is()
    {
        var store = new LocalFolderStore(Options.Storage.Directory);
        var first = Path.Combine(Layout.SessionDirectory, "a.ts");
        var second = Path.Combine(Layout.SessionDirectory, "b.ts");
        File.WriteAllBytes(first, [1, 1]);
        File.WriteAllBytes(second, [2, 2]);
        await store.PutFileAsync("class-9/seg_00000.ts", first, ObjectHeaders.Segment, CancellationToken.None);
        await store.PutBytesAsync("class-9/index.m3u8", "one"u8.ToArray(), ObjectHeaders.LivePlaylist, CancellationToken.None);

        var file = Assert.ThrowsAsync<StorageUnavailableException>(() => store.PutFileAsync("class-9/seg_00000.ts", second, ObjectHeaders.Segment, CancellationToken.None));
        var bytes = Assert.ThrowsAsync<StorageUnavailableException>(() => store.PutBytesAsync("class-9/seg_00000.ts", new byte[] { 3 }, ObjectHeaders.Segment, CancellationToken.None));
        await store.PutBytesAsync("class-9/index.m3u8", "two"u8.ToArray(), ObjectHeaders.LivePlaylist, CancellationToken.None);

        Assert.That((file!.Exists, file.Transient, bytes!.Exists), Is.EqualTo((true, false, true)));
        Assert.That(File.ReadAllBytes(Stored("seg_00000.ts")), Is.EqualTo(new byte[] { 1, 1 }));
        Assert.That(File.ReadAllText(Stored("index.m3u8")), Is.EqualTo("two"));
        Assert.That(Directory.GetFiles(Path.Combine(Options.Storage.Directory, "class-9"), "*.partial"), Is.Empty);
    }

    [Test]
    public async Task A_segment_whose_key_storage_holds_with_other_content_is_an_error_stays_on_disk_and_is_left_pending()
    {
        Record(segments: 2, ended: true);
        Directory.CreateDirectory(Path.Combine(Options.Storage.Directory, "class-9"));
        File.WriteAllBytes(Stored("seg_00000.ts"), [7, 7, 7]); // another recording's
        File.WriteAllBytes(Stored("seg_00001.ts"), File.ReadAllBytes(Path.Combine(Layout.SessionDirectory, "seg_00001.ts"))); // this very segment
        Options.Storage.DeleteLocalAfterUpload = true;
        Options.ShutdownTimeout = TimeSpan.FromSeconds(5); // the drain retries until its budget is spent
        var report = new UploadDrainReport();

        using var uploader = Uploader(new LocalFolderStore(Options.Storage.Directory), report, Journal());
        await uploader.StartAsync(CancellationToken.None);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(File.ReadAllBytes(Stored("seg_00000.ts")), Is.EqualTo(new byte[] { 7, 7, 7 }), "not replaced");
        Assert.That(report.Pending, Does.Contain("class-9/seg_00000.ts"));
        Assert.That(ClassEnd.Plan(new SelfTerminateOptions(), new ClassEndFacts(StopReason.SessionEnded, [], report.Completed, report.Pending.Count, KeptBefore: false)).ExitCode,
            Is.EqualTo(ExitCodes.UploadsPending), "a class that is over ends with 3: the segment is on this machine only");
        Assert.That(File.Exists(Path.Combine(Layout.SessionDirectory, "seg_00000.ts")), Is.True, "kept on this machine");
        Assert.That(Segments.IsStored("seg_00001.ts"), Is.True, "the same content already there counts as stored");
        Assert.That(File.Exists(Path.Combine(Layout.SessionDirectory, "seg_00001.ts")), Is.False, "and its local copy may go");
    }

    /// <summary>The local store, but listing is refused as S3 refuses a role without s3:ListBucket.</summary>
    private sealed class UnlistableStore(LocalFolderStore inner) : IRecordingStore, IStoreContents
    {
        public string Describe(string key) => inner.Describe(key);

        public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) =>
            inner.PutFileAsync(key, localPath, headers, cancellationToken);

        public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken) =>
            inner.PutBytesAsync(key, content, headers, cancellationToken);

        public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => inner.StoredMd5Async(key, cancellationToken);

        public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) => inner.RecoverAsync(keyPrefix, keepUploads, cancellationToken);

        public Task<IReadOnlyList<StoredObject>> ListAsync(string keyPrefix, CancellationToken cancellationToken) =>
            throw new StorageUnavailableException($"access to the S3 bucket 'studio' was denied for {keyPrefix}", transient: false, denied: true);

        public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken) => inner.ReadAsync(key, cancellationToken);
    }
}

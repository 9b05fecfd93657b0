using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;

namespace Encoder.Tests.Storage;

public sealed class SegmentUploaderTests : UploaderFixture
{
    [Test]
    public async Task Stores_segments_as_they_complete_and_drains_the_final_playlist_logs_and_manifest_on_stop()
    {
        var store = new LocalFolderStore(Options.Storage.Directory);
        using var uploader = Uploader(store);
        var stored = Path.Combine(Options.Storage.Directory, "class-9");
        Record(segments: 2);
        await File.WriteAllTextAsync(Path.Combine(Layout.LogDirectory, "ffmpeg-run001.log"), "ffmpeg said things");

        await uploader.StartAsync(CancellationToken.None);
        await Eventually(() => File.Exists(Path.Combine(stored, "index.m3u8")));
        Assert.That(File.Exists(Path.Combine(stored, "seg_00001.ts")), Is.True);

        Record(segments: 3, ended: true);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "index.m3u8")), Is.EqualTo(HlsPlaylist.AsFinal(await File.ReadAllTextAsync(Layout.PlaylistPath))));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "session.json")), Does.Contain("\"segmentCount\": 3").And.Contain("\"sessionId\": \"class-9\""));
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(stored, "seg_00002.ts")), Is.EqualTo(new byte[] { 2, 1, 2, 3 }));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(stored, "logs", "ffmpeg-run001.log")), Is.EqualTo("ffmpeg said things"));
        Assert.That(Directory.GetFiles(stored, "*.partial", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task A_restarted_uploader_resumes_from_the_journal_and_stores_nothing_twice()
    {
        var store = new CountingStore(new LocalFolderStore(Options.Storage.Directory));
        Record(segments: 2);
        var journal = Journal();
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

        Assert.That(store.Stored.Where(k => k.EndsWith(".ts", StringComparison.Ordinal)),
            Is.EqualTo(new[] { "class-9/seg_00000.ts", "class-9/seg_00001.ts", "class-9/seg_00002.ts", "class-9/seg_00003.ts" }));
        Assert.That(second.SegmentsStored, Is.EqualTo(4));
    }

    [Test]
    public async Task An_upload_a_killed_daemon_finished_but_did_not_journal_is_recognised_and_not_sent_again()
    {
        var store = new CountingStore(new LocalFolderStore(Options.Storage.Directory));
        Record(segments: 1, ended: true);
        var stored = Path.Combine(Options.Storage.Directory, "class-9", "seg_00000.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
        File.Copy(Path.Combine(Layout.SessionDirectory, "seg_00000.ts"), stored);
        await File.WriteAllTextAsync(Path.Combine(Layout.SessionDirectory, UploadJournal.FileName),
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
        var store = new CountingStore(new PutOnlyStore(new LocalFolderStore(Options.Storage.Directory), denied));
        Record(segments: 2, ended: true);
        await File.WriteAllTextAsync(Path.Combine(Layout.SessionDirectory, UploadJournal.FileName),
            JournalState.StartLine(DateTimeOffset.UtcNow) + "\n" + JournalState.BeginLine(DateTimeOffset.UtcNow, store.Describe("class-9/seg_00000.ts")) + "\n");
        var report = new UploadDrainReport();

        using var uploader = Uploader(store, report);
        await uploader.StartAsync(CancellationToken.None);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(store.Puts, Does.Contain("class-9/seg_00000.ts").And.Contain("class-9/seg_00001.ts").And.Contain("class-9/index.m3u8"));
        Assert.That(report.Pending, Is.Empty);
    }

    [Test]
    public async Task Local_segments_are_deleted_after_their_verified_upload_only_when_configured()
    {
        Options.Storage.DeleteLocalAfterUpload = true;
        var store = new LocalFolderStore(Options.Storage.Directory);
        Record(segments: 2, ended: true);

        using var uploader = Uploader(store);
        await uploader.StartAsync(CancellationToken.None);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(Directory.GetFiles(Layout.SessionDirectory, "seg_*.ts"), Is.Empty);
        Assert.That(File.Exists(Layout.PlaylistPath), Is.True, "the playlist stays");
        Assert.That(Directory.GetFiles(Path.Combine(Options.Storage.Directory, "class-9"), "seg_*.ts"), Has.Length.EqualTo(2));
    }
}

using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Moq;

namespace Encoder.Tests.Storage;

/// <summary>One object that fails does not hold back the others; storage that is away is one outage (<see cref="UploadRetries"/>).</summary>
public sealed class StuckObjectTests : UploaderFixture
{
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
            "class-9/session.json [application/json; no-cache, private]",
        }));
    }

    [Test]
    public async Task A_segment_that_keeps_failing_does_not_hold_back_the_next_ones_and_the_drain_reports_it_and_the_playlist_waiting_for_it()
    {
        var store = new CountingStore(new RejectingStore(new LocalFolderStore(Options.Storage.Directory), "class-9/seg_00001.ts"));
        var stored = Path.Combine(Options.Storage.Directory, "class-9");
        var report = new UploadDrainReport();
        Options.ShutdownTimeout = TimeSpan.FromSeconds(5); // the drain retries until its budget is spent
        using var uploader = Uploader(store, report);
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
        Assert.That(store.Puts.Count(k => k == "class-9/seg_00001.ts"), Is.InRange(2, 12), "retried on its own backoff (timing-bound: at least once more), not hammered");
        Assert.That(report.Completed, Is.True);
        Assert.That(report.Pending, Is.EqualTo(new[] { "class-9/seg_00001.ts", "class-9/index.m3u8" }), "the VOD waits for the segment it names");
    }

    [Test]
    public async Task A_storage_outage_is_one_backoff_probed_with_the_first_objects_not_a_retry_loop_per_object()
    {
        var store = new CountingStore(new RejectingStore(new LocalFolderStore(Options.Storage.Directory), key => true, transient: true));
        Record(segments: 10);
        var time = new ObservedTime(DateTimeOffset.UtcNow);
        var start = time.GetUtcNow();
        using var uploader = Uploader(store, time: time);

        // Passes at 0, 0.5, 1.5 s (the outage's backoff doubles: the next is due at 3.5 s), each trying one object and
        // the next to tell S3 from the object.
        var passes = new List<(double At, int Puts, double? NextDueAt)>();
        var armings = time.Armings;
        await uploader.StartAsync(CancellationToken.None);
        foreach (var wait in new[] { 0.5, 1.0, 0.0 })
        {
            await time.UntilArmedSinceAsync(armings, "the pass is over and the uploader waits");
            armings = time.Armings;
            passes.Add(((time.GetUtcNow() - start).TotalSeconds, store.Puts.Count, (time.NextDue - start)?.TotalSeconds));
            time.Advance(TimeSpan.FromSeconds(wait));
        }

        uploader.Dispose();
        await uploader.ExecuteTask!;

        Assert.That(passes, Is.EqualTo(new[] { (0.0, 2, (double?)0.5), (0.5, 4, 1.5), (1.5, 6, 3.5) }));
        Assert.That(store.Puts.Distinct(), Is.EqualTo(new[] { "class-9/seg_00000.ts", "class-9/seg_00001.ts" }));
    }
}

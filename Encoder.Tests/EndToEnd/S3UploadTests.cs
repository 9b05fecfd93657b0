using System.Text.Json;
using Amazon.S3;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The real daemon recording from the real test camera and uploading to a real S3 API (moto_server on loopback,
/// enforcing IAM): during the class, through a frozen S3, across a SIGKILL in the middle of a PUT, and into a bucket
/// that does not exist. The daemon runs as a user holding only <c>iam/encoder-instance-policy.json</c> (put, and read back under its prefix);
/// the test reads what was stored as moto's admin. One object that S3 keeps refusing (IAM denies its key) is retried on its
/// own while the rest go up.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Order(1)] // among the first to start, so the overlapping fixtures do not wait for it at the end: the longest of them (~150 s)
[Category("Integration")]
public sealed class S3UploadTests : LiveClassFixture
{
    protected override bool WithMoto => true;

    private const string Prefix = "recordings/";
    private const string Bucket = "studio-recordings";
    private AwsUser _instance = null!;

    /// <summary>A test that failed while S3 was frozen must not leave it frozen for the next one.</summary>
    [TearDown]
    public void ThawS3() => Moto.Thaw();

    [OneTimeSetUp]
    public async Task CreateTheBucketAndTheInstanceUser()
    {
        await Moto.CreateBucketAsync(Bucket);
        _instance = await Moto.CreateUserAsync("encoder-instance", IamPolicies.Instance(Bucket, Prefix));
    }

    private Dictionary<string, string> Settings(string sessionId, string work, string bucket = Bucket)
    {
        var settings = EncoderDaemon.Settings(sessionId, Camera.Url, Ingest.UrlFor(NewStreamKey()), work);
        EncoderDaemon.StoreInS3(settings, bucket, Moto.Url);
        settings["Storage:RequestTimeoutSeconds"] = "2";
        settings["Storage:DeleteLocalAfterUpload"] = "false"; // s3 deletes stored segments by default; these tests compare S3 with the local copy
        settings["Logging:Level"] = "Debug";
        return settings;
    }

    private ChildProcess Start(Dictionary<string, string> settings, AwsUser? user = null) => EncoderDaemon.Start(settings, Moto.EnvironmentFor(user ?? _instance));

    private async Task<List<string>> StoredKeysAsync(string sessionId) =>
        (await Moto.ListAsync(Bucket, $"{Prefix}{sessionId}/")).Select(o => o.Key).ToList();

    private Task WaitForStoredSegmentsAsync(string sessionId, int count, TimeSpan timeout, ChildProcess? daemon = null) =>
        Poll.UntilAsync(async () => (await StoredKeysAsync(sessionId)).Count(k => k.EndsWith(".ts", StringComparison.Ordinal)) >= count,
            timeout, $"{count} segments reached S3", () => $"The daemon's log ends:\n{LastLines(daemon)}");

    private static string LastLines(ChildProcess? daemon) => daemon is null ? "" : string.Join('\n', daemon.Output.Split('\n').TakeLast(15));


    /// <summary>The segment PUTs that reached S3, in the order they arrived.</summary>
    private List<string> SegmentPuts(string sessionId) =>
        Moto.Requests()
            .Where(r => r.Method == "PUT" && r.Status == 200 && r.Path.StartsWith($"/{Bucket}/{Prefix}{sessionId}/seg_", StringComparison.Ordinal))
            .Select(r => Path.GetFileName(r.Path))
            .ToList();

    /// <summary>Everything in S3 is the local recording, byte for byte; the playlist is the final VOD and every segment it names is there.</summary>
    private async Task<HlsPlaylist> AssertStoredRecordingMatchesAsync(string sessionId, string work)
    {
        var local = Path.Combine(work, "recordings", sessionId);
        var keys = await StoredKeysAsync(sessionId);
        var playlistText = System.Text.Encoding.UTF8.GetString(await Moto.GetAsync(Bucket, $"{Prefix}{sessionId}/index.m3u8"));
        Assert.That(playlistText, Is.EqualTo(HlsPlaylist.AsFinal(await File.ReadAllTextAsync(Path.Combine(local, "index.m3u8")))));
        var playlist = HlsPlaylist.Parse(playlistText);
        Assert.That(playlist.HasEndList, Is.True);
        Assert.That(playlistText, Does.Contain("#EXT-X-PLAYLIST-TYPE:VOD"));
        Assert.That(keys.Where(k => k.EndsWith(".ts", StringComparison.Ordinal)).Select(Path.GetFileName), Is.EqualTo(playlist.Segments.Select(s => s.Uri)),
            "exactly the playlist's segments are stored");
        foreach (var segment in playlist.Segments)
        {
            Assert.That(await Moto.GetAsync(Bucket, $"{Prefix}{sessionId}/{segment.Uri}"), Is.EqualTo(await File.ReadAllBytesAsync(Path.Combine(local, segment.Uri))),
                segment.Uri);
        }

        foreach (var log in Directory.GetFiles(Path.Combine(local, "logs"), "ffmpeg-*.log"))
        {
            Assert.That(await Moto.GetAsync(Bucket, $"{Prefix}{sessionId}/logs/{Path.GetFileName(log)}"), Is.EqualTo(await File.ReadAllBytesAsync(log)),
                Path.GetFileName(log));
        }

        Assert.That(keys, Does.Contain($"{Prefix}{sessionId}/logs/encoder.log"));
        using (var s3 = Moto.Client())
            Assert.That((await s3.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? [], Is.Empty);
        return playlist;
    }

    private async Task<JsonElement> ManifestAsync(string sessionId) =>
        JsonDocument.Parse(await Moto.GetAsync(Bucket, $"{Prefix}{sessionId}/session.json")).RootElement;

    [Test]
    public async Task A_class_is_uploaded_while_it_runs_and_what_S3_holds_is_the_recording_byte_for_byte_and_plays()
    {
        var work = Path.Combine(Work, "class");
        var settings = Settings("s3-class-1", work);
        settings["Session:MaxDuration"] = "00:00:14";

        await using var daemon = Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(30));
        await WaitForStoredSegmentsAsync("s3-class-1", 2, TimeSpan.FromSeconds(20));
        Assert.That(daemon.HasExited, Is.False, "segments go up during the class, not only at its end");
        var livePlaylist = System.Text.Encoding.UTF8.GetString(await Moto.GetAsync(Bucket, $"{Prefix}s3-class-1/index.m3u8"));
        var liveKeys = await StoredKeysAsync("s3-class-1");
        Assert.That(HlsPlaylist.Parse(livePlaylist).Segments.Select(s => $"{Prefix}s3-class-1/{s.Uri}"), Is.SubsetOf(liveKeys),
            "a stored playlist names only stored segments");
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, daemon.Output);

        var playlist = await AssertStoredRecordingMatchesAsync("s3-class-1", work);
        Assert.That(playlist.Segments, Has.Count.GreaterThanOrEqualTo(4));

        using (var s3 = Moto.Client())
        {
            var segment = await s3.GetObjectMetadataAsync(Bucket, $"{Prefix}s3-class-1/{playlist.Segments[0].Uri}");
            var index = await s3.GetObjectMetadataAsync(Bucket, $"{Prefix}s3-class-1/index.m3u8");
            Assert.That(new[] { segment.Headers.ContentType, segment.Headers.CacheControl, index.Headers.ContentType, index.Headers.CacheControl },
                Is.EqualTo(new[] { "video/mp2t", ObjectHeaders.Segment.CacheControl, "application/vnd.apple.mpegurl", ObjectHeaders.FinalPlaylist.CacheControl }));
        }

        var manifest = await ManifestAsync("s3-class-1");
        Assert.That(manifest.GetProperty("sessionId").GetString(), Is.EqualTo("s3-class-1"));
        Assert.That(manifest.GetProperty("segmentCount").GetInt32(), Is.EqualTo(playlist.Segments.Count));
        Assert.That(manifest.GetProperty("playlistKey").GetString(), Is.EqualTo($"{Prefix}s3-class-1/index.m3u8"));
        Assert.That(manifest.GetProperty("durationSeconds").GetDouble(), Is.EqualTo(playlist.TotalDuration.TotalSeconds).Within(0.01));
        Assert.That(manifest.GetProperty("endedAt").GetDateTimeOffset() - manifest.GetProperty("startedAt").GetDateTimeOffset(),
            Is.GreaterThan(TimeSpan.FromSeconds(10)));

        // Downloaded as a player would fetch it, the VOD plays end to end.
        var download = Path.Combine(work, "download");
        Directory.CreateDirectory(download);
        foreach (var key in await StoredKeysAsync("s3-class-1"))
        {
            if (!key.Contains("/logs/", StringComparison.Ordinal))
                await File.WriteAllBytesAsync(Path.Combine(download, Path.GetFileName(key)), await Moto.GetAsync(Bucket, key));
        }

        Assert.That(await Ffprobe.DurationSecondsAsync(Path.Combine(download, "index.m3u8")), Is.EqualTo(playlist.TotalDuration.TotalSeconds).Within(0.5));
        Assert.That(daemon.Output, Does.Not.Contain(_instance.SecretAccessKey).And.Not.Contain(_instance.AccessKeyId));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(work, "recordings", "s3-class-1", "logs", "encoder.log")),
            Does.Not.Contain(_instance.SecretAccessKey).And.Not.Contain(TestCamera.Password));
    }

    [Test]
    public async Task A_frozen_S3_holds_segments_on_disk_and_they_all_go_up_in_order_when_it_returns()
    {
        var work = Path.Combine(Work, "frozen");
        var settings = Settings("s3-class-2", work);
        await using var agent = EmfAgent.Start();
        EncoderDaemon.WithMetrics(settings, agent.Endpoint);

        await using var daemon = Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(30));
        await WaitForStoredSegmentsAsync("s3-class-2", 1, TimeSpan.FromSeconds(20));
        Moto.Freeze();
        var beforeFreeze = agent.Values("s3-class-2", "ObjectsPending").Count;
        await Poll.UntilAsync(() => agent.Values("s3-class-2", "ObjectsPending").Skip(beforeFreeze).DefaultIfEmpty(0).Max() >= 3, TimeSpan.FromSeconds(30),
            "the metrics show objects piling up while S3 is frozen");
        var pendingDuringFreeze = agent.Values("s3-class-2", "ObjectsPending").Skip(beforeFreeze).ToList();
        Assert.That(pendingDuringFreeze, Is.Ordered, "pending objects only rise while S3 is frozen");
        Assert.That(agent.Values("s3-class-2", "UploadLagSeconds").Max(), Is.GreaterThan(2));
        await Task.Delay(TimeSpan.FromSeconds(4));
        var heldDuringFreeze = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(work, "recordings", "s3-class-2", "index.m3u8"))).Segments.Count;
        Moto.Thaw();
        await daemon.WaitForLineAsync("Storage works again", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, daemon.Output);

        var playlist = await AssertStoredRecordingMatchesAsync("s3-class-2", work);
        Assert.That(playlist.Segments.Count, Is.GreaterThan(heldDuringFreeze), "the recording went on during the freeze");
        Assert.That((agent.Values("s3-class-2", "ObjectsPending")[^1], agent.Values("s3-class-2", "UploadsPendingAtEnd").Single()), Is.EqualTo((0.0, 0.0)),
            "the last document, after the drain, says nothing is left");
        Assert.That(agent.Documents.SelectMany(d => EmfSpec.Problems(d, DateTimeOffset.UtcNow)).Distinct(), Is.Empty);
        Assert.That(playlist.Segments.Count(s => s.DiscontinuityBefore), Is.Zero, "FFmpeg never stopped: the freeze is invisible in the recording\n" + daemon.Output);
        var order = SegmentPuts("s3-class-2").Distinct().ToList();
        Assert.That(order, Is.EqualTo(playlist.Segments.Select(s => s.Uri)), "segments went up in playlist order");
        Assert.That(daemon.Output, Does.Contain("Storing the recording failed").And.Contain("studio-recordings"));
        var outages = (await ManifestAsync("s3-class-2")).GetProperty("outages").EnumerateArray().Select(o => o.GetProperty("kind").GetString()).ToList();
        Assert.That(outages, Does.Contain("storage"));
    }

    [Test]
    public async Task While_S3_hangs_in_a_request_the_metrics_and_the_status_show_the_pending_segments_rising_and_afterwards_each_is_stored_once()
    {
        var work = Path.Combine(Work, "hung");
        var settings = Settings("s3-class-6", work);
        settings["Storage:RequestTimeoutSeconds"] = "60"; // the request outlives the freeze: the pass stays blocked in one PUT throughout
        await using var agent = EmfAgent.Start();
        EncoderDaemon.WithMetrics(settings, agent.Endpoint); // one document a second
        var status = EncoderDaemon.Status(settings);
        int? Pending() => status.Read() is { } root && root.TryGetProperty("segmentsPending", out var p) ? p.GetInt32() : null;
        double? Lag() => status.Read() is { } root && root.TryGetProperty("uploadLagSeconds", out var l) ? l.GetDouble() : null;

        await using var daemon = Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(30));
        await WaitForStoredSegmentsAsync("s3-class-6", 1, TimeSpan.FromSeconds(20), daemon);
        await Poll.UntilAsync(() => Pending() == 0, TimeSpan.FromSeconds(10), "nothing waits before the freeze");
        var before = agent.Values("s3-class-6", "ObjectsPending").Count;
        List<double> during;
        Moto.Freeze();
        try
        {
            // A segment every 2 s, a document every second: the next segment shows within a segment and an interval.
            await Poll.UntilAsync(() => agent.Values("s3-class-6", "ObjectsPending").Skip(before).DefaultIfEmpty(0).Max() >= 2 && Pending() >= 2,
                TimeSpan.FromSeconds(8), "the metrics and status.json show segments waiting soon after S3 froze", () => LastLines(daemon));
            await Poll.UntilAsync(() => Lag() >= 40, TimeSpan.FromSeconds(60), "S3 has been frozen for 40 s, as the daemon's own lag says", () => LastLines(daemon));
            during = agent.Values("s3-class-6", "ObjectsPending").Skip(before).ToList();
            Assert.That(Pending(), Is.GreaterThanOrEqualTo(15), "status.json counts the segments recorded during the freeze");
        }
        finally
        {
            Moto.Thaw();
        }

        Assert.That(during, Is.Ordered, "pending segments only rise while S3 hangs");
        Assert.That(during.Distinct().Count(), Is.GreaterThanOrEqualTo(10), "the count rose all along, not once");
        Assert.That(during[^1], Is.GreaterThanOrEqualTo(15));
        Assert.That(agent.Values("s3-class-6", "UploadLagSeconds").Max(), Is.GreaterThanOrEqualTo(35));
        await Poll.UntilAsync(() => Pending() == 0, TimeSpan.FromSeconds(60), "everything that waited is stored once S3 answers", () => LastLines(daemon));
        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, daemon.Output);

        var playlist = await AssertStoredRecordingMatchesAsync("s3-class-6", work);
        Assert.That(SegmentPuts("s3-class-6"), Is.EqualTo(playlist.Segments.Select(s => s.Uri)), "every segment was PUT exactly once, in order");
        Assert.That((agent.Values("s3-class-6", "ObjectsPending")[^1], agent.Values("s3-class-6", "UploadsPendingAtEnd").Single()), Is.EqualTo((0.0, 0.0)));
    }

    [Test]
    public async Task A_daemon_killed_mid_upload_resumes_and_stores_every_segment_once_under_the_instance_policy()
    {
        var work = Path.Combine(Work, "crash");
        var settings = Settings("s3-class-3", work);
        string inFlight;

        await using (var first = Start(settings))
        {
            await EncoderDaemon.UntilRecordingAsync(first, settings, TimeSpan.FromSeconds(30));
            await WaitForStoredSegmentsAsync("s3-class-3", 3, TimeSpan.FromSeconds(30));
            // S3 stops answering, so the next segment's PUT is begun (journaled) and never confirmed: the daemon dies during it.
            Moto.Freeze();
            try
            {
                inFlight = await SegmentInFlightAsync(work, "s3-class-3", TimeSpan.FromSeconds(20));
                first.Signal(Signals.SigKill);
                await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            finally
            {
                Moto.Thaw();
            }
        }

        var beforeRestart = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(work, "recordings", "s3-class-3", "index.m3u8"))).Segments.Count;
        await using var second = Start(settings);
        await second.WaitForLineAsync("Resuming the upload of session s3-class-3", TimeSpan.FromSeconds(30));
        await EncoderDaemon.UntilRecordingAsync(second, settings, TimeSpan.FromSeconds(30));
        await WaitForStoredSegmentsAsync("s3-class-3", beforeRestart + 2, TimeSpan.FromSeconds(40), second);
        second.Signal(Signals.SigTerm);
        Assert.That(await second.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, second.Output);

        var playlist = await AssertStoredRecordingMatchesAsync("s3-class-3", work);
        Assert.That(LiveJournal.Read(work, "s3-class-3").InFlight, Is.Empty, "no upload left unconfirmed");
        Assert.That(playlist.Segments.Count, Is.GreaterThan(beforeRestart + 1), "the second daemon recorded on");
        Assert.That(playlist.Segments.Select(s => s.Uri), Is.Unique.And.Ordered, "no gaps in numbering, nothing overwritten");
        Assert.That(playlist.Segments.Skip(beforeRestart).Count(s => s.DiscontinuityBefore), Is.EqualTo(1), "the restart is marked once");

        // The instance role may read back under its prefix: the restarted daemon asks (HEAD) whether the in-flight segment
        // is stored, and puts it again only if S3 does not hold exactly it (a put never replaces a segment: If-None-Match).
        var requests = Moto.Requests();
        var inFlightPath = $"/{Bucket}/{Prefix}s3-class-3/{inFlight}";
        var head = requests.ToList().FindIndex(r => r.Method == "HEAD" && r.Path == inFlightPath);
        Assert.That(head, Is.GreaterThanOrEqualTo(0), $"the restarted daemon asked whether {inFlight} was stored");
        Assert.That(requests[head].Status == 200 || requests.Skip(head).Any(r => r is { Method: "PUT", Status: 200 } && r.Path == inFlightPath), Is.True,
            $"{inFlight} was stored by the killed daemon's PUT, or put again after the HEAD");
        Assert.That(requests.Where(r => r.Path.StartsWith($"/{Bucket}/{Prefix}s3-class-3/seg_", StringComparison.Ordinal)).Select(r => r.Status), Has.None.EqualTo(412),
            "no segment PUT found its key taken");
        var puts = SegmentPuts("s3-class-3");
        Assert.That(puts.Where(p => p != inFlight), Is.EqualTo(playlist.Segments.Select(s => s.Uri).Where(u => u != inFlight)),
            "every other segment was PUT exactly once, in order");
        Assert.That(puts.Count(p => p == inFlight), Is.InRange(1, 2), "the in-flight segment: its interrupted PUT (if S3 finished it) and one more");

        var outages = (await ManifestAsync("s3-class-3")).GetProperty("outages").EnumerateArray().Select(o => o.GetProperty("kind").GetString()).ToList();
        Assert.That(outages, Does.Contain("daemon"));
        Assert.That(ProcessTable.WithCommandLineContaining(settings["Ingest:Primary"].Split('/')[^1]), Is.Empty);
    }

    /// <summary>Waits until the journal shows a segment upload begun and not confirmed; returns the segment's file name.</summary>
    private static async Task<string> SegmentInFlightAsync(string work, string sessionId, TimeSpan timeout)
    {
        var segment = await Poll.ForAsync(() => LiveJournal.Read(work, sessionId).InFlight.FirstOrDefault(d => d.EndsWith(".ts", StringComparison.Ordinal)),
            timeout, "a segment upload has begun and is not confirmed");
        return segment[(segment.LastIndexOf('/') + 1)..];
    }

    [Test]
    public async Task A_segment_S3_keeps_refusing_does_not_hold_back_the_later_ones_and_is_left_pending_with_exit_code_3()
    {
        var work = Path.Combine(Work, "refused");
        var settings = Settings("s3-class-5", work);
        settings["Session:MaxDuration"] = "00:00:12";
        settings["Ffmpeg:StopTimeoutSeconds"] = "2";
        settings["ShutdownTimeout"] = "00:00:15";
        // The instance policy, and IAM denying PutObject on exactly one key: S3 answers 403 AccessDenied for it, every time.
        var refused = $"{Prefix}s3-class-5/seg_00001.ts";
        var user = await Moto.CreateUserAsync("encoder-instance-refused", DenyingPut(IamPolicies.Instance(Bucket, Prefix), $"arn:aws:s3:::{Bucket}/{refused}"));

        await using var daemon = Start(settings, user);
        await daemon.WaitForLineAsync("is streaming", TimeSpan.FromSeconds(30));
        await WaitForStoredSegmentsAsync("s3-class-5", 3, TimeSpan.FromSeconds(30), daemon);
        Assert.That(daemon.HasExited, Is.False, "the segments after the refused one go up during the class");
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UploadsPending), daemon.Output);
        var local = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(work, "recordings", "s3-class-5", "index.m3u8")));
        var keys = await StoredKeysAsync("s3-class-5");
        Assert.That(keys.Where(k => k.EndsWith(".ts", StringComparison.Ordinal)).Select(Path.GetFileName),
            Is.EqualTo(local.Segments.Select(s => s.Uri).Where(u => u != "seg_00001.ts")), "every segment but the refused one is stored");
        Assert.That(local.Segments, Has.Count.GreaterThanOrEqualTo(4));
        var stored = HlsPlaylist.Parse(System.Text.Encoding.UTF8.GetString(await Moto.GetAsync(Bucket, $"{Prefix}s3-class-5/index.m3u8")));
        Assert.That((stored.Segments.Select(s => s.Uri), stored.HasEndList), Is.EqualTo((new[] { "seg_00000.ts" }, false)),
            "the stored playlist names only the stored prefix, and is no VOD");
        Assert.That(keys, Does.Contain($"{Prefix}s3-class-5/session.json").And.Contain($"{Prefix}s3-class-5/logs/encoder.log"));
        var drain = await daemon.WaitForLineAsync("Upload drain incomplete", TimeSpan.FromSeconds(1));
        Assert.That(drain, Does.Contain("2 objects").And.Contain("s3-class-5/seg_00001.ts").And.Contain("s3-class-5/index.m3u8"));
        var warnings = daemon.Output.Split('\n').Where(l => l.Contains("[WRN]", StringComparison.Ordinal) && l.Contains($"s3://{Bucket}/{refused}", StringComparison.Ordinal)).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), "said once (a reminder only after a minute), with the reason");
        Assert.That(warnings[0], Does.Contain($"Storing s3://{Bucket}/{refused} failed").And.Contain("denied"));
        Assert.That(daemon.Output, Does.Not.Contain("Storing the recording failed"), "one refused object is no storage outage");
    }

    /// <summary><paramref name="policy"/> with one more statement denying <c>s3:PutObject</c> on <paramref name="resource"/>.</summary>
    private static string DenyingPut(string policy, string resource)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(policy)!;
        document["Statement"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
        {
            ["Effect"] = "Deny",
            ["Action"] = "s3:PutObject",
            ["Resource"] = resource,
        });
        return document.ToJsonString();
    }

    [Test]
    public async Task An_unknown_bucket_is_named_in_a_clear_error_and_an_operator_s_stop_keeps_the_only_copy_on_disk_for_the_next_start()
    {
        var work = Path.Combine(Work, "no-bucket");
        var settings = Settings("s3-class-4", work, bucket: "no-such-studio-bucket");
        settings["Ffmpeg:StopTimeoutSeconds"] = "2";
        settings["ShutdownTimeout"] = "00:00:12";
        // The role names that bucket (as the operator meant it), so S3 answers for the bucket, not for the role.
        var user = await Moto.CreateUserAsync("encoder-instance-no-bucket", IamPolicies.Instance("no-such-studio-bucket", Prefix));

        await using var daemon = Start(settings, user);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(30));
        var error = await daemon.WaitForLineAsync(@"\[ERR\] Encoder\.Storage.*does not exist", TimeSpan.FromSeconds(30));
        daemon.Signal(Signals.SigTerm);
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60));

        // An operator's stop does not end the class: 0, the next start stores what is left (3 is only for a class that is over).
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Clean), daemon.Output);
        Assert.That(error, Does.Contain("[ERR]").And.Contain("the S3 bucket 'no-such-studio-bucket' does not exist"));
        var drain = await daemon.WaitForLineAsync("Upload drain incomplete", TimeSpan.FromSeconds(1));
        Assert.That(drain, Does.Contain("s3-class-4/seg_00000.ts").And.Contain("s3-class-4/index.m3u8").And.Contain("s3-class-4/session.json"));
        Assert.That(File.Exists(Path.Combine(work, "recordings", "s3-class-4", "seg_00000.ts")), Is.True, "the only copy stays on disk");
    }
}

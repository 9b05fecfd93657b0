using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Encoder.Configuration;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// <c>Storage:Kind=s3</c> against a real S3-compatible store that is not AWS: Ceph's RADOS Gateway (<see cref="RadosGateway"/>),
/// as a studio's Ceph, or the way R2, B2 and MinIO are reached (an endpoint, path-style, the store's own keys). The settings it
/// needs are the ones docs/operations.md lists under "S3-compatible stores": <c>Storage:ServiceUrl</c> and
/// <c>Storage:RequestChecksumCalculation=WhenRequired</c>.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters] // a class and a frozen gateway: waiting, on a cluster and servers of its own
[Order(8)] // the longest first (then the shorter fill in beside them, and no long one starts last): ~40 s
[Category("Integration")]
public sealed class RadosGatewayStorageTests : LiveClassFixture
{
    private const string Prefix = "recordings/";
    private const string Bucket = "studio-ceph";
    private RadosGateway _rgw = null!;

    [OneTimeSetUp]
    public async Task StartTheGatewayAndCreateTheBucket()
    {
        _rgw = await RadosGateway.StartAsync();
        TestContext.Progress.WriteLine(_rgw.ToString());
        await _rgw.CreateBucketAsync(Bucket);
    }

    [OneTimeTearDown]
    public async Task StopTheGateway()
    {
        if (_rgw is not null)
            await _rgw.DisposeAsync();
    }

    [TearDown]
    public void ThawTheGateway()
    {
        if (!_rgw.Gateway.HasExited)
            _rgw.Thaw();
    }

    private S3RecordingStore Store(ChecksumCalculation? checksums, long multipartThreshold = S3RecordingStore.DefaultMultipartThreshold, int partSize = S3RecordingStore.DefaultPartSize)
    {
        var options = new StorageOptions { Kind = StorageKind.S3, Bucket = Bucket, ServiceUrl = _rgw.Url, RequestChecksumCalculation = checksums, RequestTimeoutSeconds = 5 };
        var s3 = S3StoreFactory.Client(options, new Amazon.Runtime.BasicAWSCredentials(RadosGateway.AccessKeyId, RadosGateway.SecretAccessKey));
        return new S3RecordingStore(s3, Bucket, Prefix, UploadResilience.Create(TimeSpan.FromSeconds(5), NullLogger.Instance), NullLogger<S3RecordingStore>.Instance,
            multipartThreshold, partSize);
    }

    [Test]
    public void With_the_SDK_s_default_checksums_radosgw_refuses_every_put()
    {
        var store = Store(checksums: null); // the SDK's default: WhenSupported, a trailing CRC on every PUT

        var refused = Assert.ThrowsAsync<StorageUnavailableException>(() =>
            store.PutBytesAsync("checksums/default.bin", "x"u8.ToArray(), ObjectHeaders.Manifest, CancellationToken.None));

        Assert.That(refused!.ToString(), Does.Contain("XAmzContentSHA256Mismatch"));
    }

    [Test]
    public async Task With_checksums_only_when_required_radosgw_stores_verified_and_refuses_to_replace_a_segment_with_412()
    {
        var store = Store(ChecksumCalculation.WhenRequired);
        var first = "first segment"u8.ToArray();

        var md5 = await store.PutBytesAsync("conditional/seg_00000.ts", first, ObjectHeaders.Segment, CancellationToken.None);
        var again = Assert.ThrowsAsync<StorageUnavailableException>(() =>
            store.PutBytesAsync("conditional/seg_00000.ts", "another body"u8.ToArray(), ObjectHeaders.Segment, CancellationToken.None));

        Assert.That(again!.Exists, Is.True, "If-None-Match: * is honoured on a PUT: 412, nothing written");
        Assert.That(await _rgw.GetAsync(Bucket, $"{Prefix}conditional/seg_00000.ts"), Is.EqualTo(first));
        Assert.That(await store.StoredMd5Async("conditional/seg_00000.ts", CancellationToken.None), Is.EqualTo(md5), "radosgw's ETag is the MD5");
    }

    /// <summary>Why docs/operations.md says RGW ignores If-None-Match on a multipart completion: what it does, pinned.</summary>
    [Test]
    public async Task A_multipart_segment_is_stored_verified_but_radosgw_ignores_If_None_Match_on_its_completion_and_replaces_it()
    {
        const int part = 5 * 1024 * 1024; // S3's (and radosgw's) smallest part
        var store = Store(ChecksumCalculation.WhenRequired, multipartThreshold: part, partSize: part);
        var file = Path.Combine(Work, "multipart.ts");
        var body = new byte[part + 1024];
        new Random(7).NextBytes(body);
        await File.WriteAllBytesAsync(file, body);
        await store.PutFileAsync("multipart/seg_00000.ts", file, ObjectHeaders.Segment, CancellationToken.None);
        Assert.That(await _rgw.GetAsync(Bucket, $"{Prefix}multipart/seg_00000.ts"), Is.EqualTo(body), "stored in parts, each verified");

        var other = body.Reverse().ToArray();
        await File.WriteAllBytesAsync(file, other);
        await store.PutFileAsync("multipart/seg_00000.ts", file, ObjectHeaders.Segment, CancellationToken.None);

        Assert.That(await _rgw.GetAsync(Bucket, $"{Prefix}multipart/seg_00000.ts"), Is.EqualTo(other),
            "radosgw 16 completed the second upload despite If-None-Match: * (AWS S3 and R2 answer 412)");
        using var s3 = _rgw.Client();
        Assert.That((await s3.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? [], Is.Empty, "no parts left behind");
    }

    private Dictionary<string, string> Settings(string sessionId, string work)
    {
        var settings = EncoderDaemon.Settings(sessionId, Camera.Url, Ingest.UrlFor(NewStreamKey()), work);
        EncoderDaemon.StoreInS3(settings, Bucket, _rgw.Url);
        settings["Storage:RequestChecksumCalculation"] = "WhenRequired";
        settings["Storage:RequestTimeoutSeconds"] = "2";
        settings["Logging:Level"] = "Debug";
        return settings;
    }

    private static string LastLines(ChildProcess daemon) => string.Join('\n', daemon.Output.Split('\n').TakeLast(20));

    [Test]
    public async Task A_class_killed_mid_upload_and_started_again_is_stored_in_radosgw_whole_nothing_overwritten_and_the_VOD_plays()
    {
        const string session = "rgw-class";
        var work = Path.Combine(Work, session);
        var settings = Settings(session, work);
        var folder = $"{Prefix}{session}/";
        string inFlight;

        await using (var first = EncoderDaemon.Start(settings, RadosGateway.Environment()))
        {
            await EncoderDaemon.UntilRecordingAsync(first, settings, TimeSpan.FromSeconds(30));
            await Poll.UntilAsync(async () => (await _rgw.ListAsync(Bucket, folder)).Count(o => o.Key.EndsWith(".ts", StringComparison.Ordinal)) >= 3,
                TimeSpan.FromSeconds(40), "run 1 stored 3 segments", () => LastLines(first) + "\n" + _rgw.Logs());
            // The gateway stops answering, so a segment's PUT is begun (journaled) and never confirmed: the daemon dies during it.
            _rgw.Freeze();
            try
            {
                var segment = await Poll.ForAsync(() => LiveJournal.Read(work, session).InFlight.FirstOrDefault(d => d.EndsWith(".ts", StringComparison.Ordinal)),
                    TimeSpan.FromSeconds(20), "a segment upload has begun and is not confirmed");
                inFlight = segment[(segment.LastIndexOf('/') + 1)..];
                first.Signal(Signals.SigKill);
                await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            finally
            {
                _rgw.Thaw();
            }
        }

        var run1 = (await _rgw.ListAsync(Bucket, folder)).Where(o => o.Key.EndsWith(".ts", StringComparison.Ordinal))
            .ToDictionary(o => o.Key, o => (o.ETag, o.LastModified));
        var beforeRestart = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(work, "recordings", session, "index.m3u8"))).Segments.Count;

        settings["Session:EndsAt"] = DateTimeOffset.UtcNow.AddSeconds(20).ToString("O", CultureInfo.InvariantCulture);
        await using (var second = EncoderDaemon.Start(settings, RadosGateway.Environment()))
        {
            await second.WaitForLineAsync($"Resuming the upload of session {session}", TimeSpan.FromSeconds(30));
            await EncoderDaemon.UntilRecordingAsync(second, settings, TimeSpan.FromSeconds(30));
            Assert.That(await second.WaitForExitAsync(TimeSpan.FromSeconds(90)), Is.Zero, second.Output);
            Assert.That(second.Output, Does.Not.Contain(RadosGateway.SecretAccessKey));
        }

        var stored = (await _rgw.ListAsync(Bucket, folder)).ToDictionary(o => o.Key, o => (o.ETag, o.LastModified));
        Assert.That(run1.Select(kv => (kv.Key, stored.GetValueOrDefault(kv.Key))), Is.EqualTo(run1.Select(kv => (kv.Key, kv.Value))),
            "every segment run 1 stored keeps its ETag and time: nothing recorded was written again");
        Assert.That(LiveJournal.Read(work, session).InFlight, Is.Empty, $"no upload left unconfirmed (the killed one was {inFlight})");

        var vod = HlsPlaylist.Parse(System.Text.Encoding.UTF8.GetString(await _rgw.GetAsync(Bucket, $"{folder}index.m3u8")));
        Assert.That(vod.HasEndList, Is.True);
        Assert.That(vod.Segments.Count, Is.GreaterThan(beforeRestart + 2), "the second daemon recorded on");
        Assert.That(vod.Segments.Select(s => s.Uri), Is.Unique.And.Ordered, "no gaps in numbering, nothing overwritten");
        Assert.That(vod.Segments.Skip(beforeRestart).Count(s => s.DiscontinuityBefore), Is.EqualTo(1), "the restart is marked once");
        Assert.That(stored.Keys.Where(k => k.EndsWith(".ts", StringComparison.Ordinal)), Is.EquivalentTo(vod.Segments.Select(s => folder + s.Uri)),
            "exactly the VOD's segments are stored");
        var manifest = JsonDocument.Parse(await _rgw.GetAsync(Bucket, $"{folder}session.json")).RootElement;
        Assert.That(manifest.GetProperty("segmentCount").GetInt32(), Is.EqualTo(vod.Segments.Count), manifest.ToString());
        Assert.That(manifest.GetProperty("outages").EnumerateArray().Select(o => o.GetProperty("kind").GetString()), Does.Contain("daemon"));
        Assert.That(stored.Keys, Does.Contain($"{folder}logs/encoder.log"));
        using (var s3 = _rgw.Client())
            Assert.That((await s3.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? [], Is.Empty);

        // Downloaded as a player would fetch it, the VOD plays end to end.
        var download = Path.Combine(work, "download");
        Directory.CreateDirectory(download);
        foreach (var key in stored.Keys.Where(k => !k.Contains("/logs/", StringComparison.Ordinal)))
            await File.WriteAllBytesAsync(Path.Combine(download, Path.GetFileName(key)), await _rgw.GetAsync(Bucket, key));
        Assert.That(await Ffprobe.DurationSecondsAsync(Path.Combine(download, "index.m3u8")), Is.EqualTo(vod.TotalDuration.TotalSeconds).Within(0.5));

        // The replay MP4 spans both runs: the second went on with the first's upload (its journal), across the restart.
        var mp4 = manifest.GetProperty("replay").GetProperty("mp4");
        Assert.That(mp4.ValueKind, Is.EqualTo(JsonValueKind.Object), manifest.GetProperty("replay").ToString());
        var movie = Path.Combine(download, "recording.mp4");
        Assert.That(new FileInfo(movie).Length, Is.EqualTo(mp4.GetProperty("size").GetInt64()));
        Assert.That(await Ffprobe.DurationSecondsAsync(movie), Is.EqualTo(vod.TotalDuration.TotalSeconds).Within(1.5));
        var decode = await Tool.RunAsync("ffmpeg", ["-v", "error", "-xerror", "-i", movie, "-f", "null", "-"]);
        Assert.That(decode.ExitCode, Is.Zero, decode.Output);
    }

}

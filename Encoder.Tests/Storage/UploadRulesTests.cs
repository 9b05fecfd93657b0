using System.Net;
using Amazon.S3;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Resilience;
using Encoder.Storage;
using Polly.Timeout;

namespace Encoder.Tests.Storage;

/// <summary>The pure decisions of the upload: key naming, backoff, journal replay, failures, the manifest (what goes up next: <see cref="UploadPlanTests"/>).</summary>
public sealed class UploadRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    [TestCase("recordings/", "yoga/seg_00001.ts", "recordings/yoga/seg_00001.ts")]
    [TestCase("recordings", "yoga/index.m3u8", "recordings/yoga/index.m3u8")]
    [TestCase("vod/2026//", "yoga/session.json", "vod/2026/yoga/session.json")]
    [TestCase("", "yoga/logs/encoder.log", "yoga/logs/encoder.log")]
    [TestCase(null, "yoga/seg_00000.ts", "yoga/seg_00000.ts")]
    public void Object_keys_are_the_prefix_then_the_session_folder(string? prefix, string key, string expected) =>
        Assert.That(StorageKeys.ObjectKey(prefix, key), Is.EqualTo(expected));

    [TestCase("AccessDenied", HttpStatusCode.Forbidden, true)]
    [TestCase("", HttpStatusCode.Forbidden, true)] // HeadObject's 403 has no body, so no code
    [TestCase("Forbidden", HttpStatusCode.Forbidden, true)] // ... which the .NET SDK reports as code "Forbidden"
    [TestCase("NoSuchBucket", HttpStatusCode.NotFound, false)]
    [TestCase("InvalidAccessKeyId", HttpStatusCode.Forbidden, false)]
    [TestCase("InternalError", HttpStatusCode.InternalServerError, false)]
    public void Only_a_refusal_of_this_request_counts_as_access_denied(string code, HttpStatusCode status, bool denied) =>
        Assert.That(S3Failures.IsAccessDenied(S3Error(code, status)), Is.EqualTo(denied));

    [TestCase("NoSuchBucket", HttpStatusCode.NotFound, true)]
    [TestCase("InvalidAccessKeyId", HttpStatusCode.Forbidden, true)]
    [TestCase("PermanentRedirect", HttpStatusCode.MovedPermanently, true)]
    [TestCase("", HttpStatusCode.MovedPermanently, true)]
    [TestCase("AccessDenied", HttpStatusCode.Forbidden, false)] // may be a policy that denies this one key
    [TestCase("Forbidden", HttpStatusCode.Forbidden, false)]
    [TestCase("InternalError", HttpStatusCode.InternalServerError, false)]
    [TestCase("SlowDown", HttpStatusCode.ServiceUnavailable, false)]
    [TestCase("KeyTooLongError", HttpStatusCode.BadRequest, false)]
    public void An_answer_from_S3_is_storage_wide_only_when_it_is_about_the_bucket_or_the_credentials(string code, HttpStatusCode status, bool storageWide) =>
        Assert.That(S3Failures.IsStorageWide(S3Error(code, status)), Is.EqualTo(storageWide));

    [Test]
    public void No_answer_from_S3_is_storage_wide() =>
        Assert.That(new Exception[] { new TimeoutRejectedException(), new HttpRequestException("connection refused"), new IOException("reset"), new TaskCanceledException() }
            .Select(S3Failures.IsStorageWide), Is.All.True);

    [Test]
    public void A_session_lays_out_segments_playlist_logs_and_manifest_in_its_folder() =>
        Assert.That(new[]
        {
            StorageKeys.For("yoga", "seg_00003.ts"), StorageKeys.For("yoga", StorageKeys.PlaylistName),
            StorageKeys.Log("yoga", "encoder.log"), StorageKeys.For("yoga", StorageKeys.ManifestName), StorageKeys.SessionFolder("yoga"),
        }, Is.EqualTo(new[] { "yoga/seg_00003.ts", "yoga/index.m3u8", "yoga/logs/encoder.log", "yoga/session.json", "yoga/" }));

    [TestCase(0, 0.5)]
    [TestCase(1, 0.5)]
    [TestCase(2, 1.0)]
    [TestCase(3, 2.0)]
    [TestCase(4, 4.0)]
    [TestCase(5, 8.0)]
    [TestCase(6, 15.0)]
    [TestCase(100, 15.0)]
    public void Upload_retries_back_off_from_half_a_second_doubling_to_fifteen(int failures, double seconds) =>
        Assert.That(UploadBackoff.Delay(failures), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    private static readonly string Md5A = new('a', 32);
    private static readonly string Md5B = new('b', 32);

    [Test]
    public void Replaying_the_journal_gives_what_is_stored_what_was_in_flight_and_the_restarts()
    {
        var lines = new[]
        {
            JournalState.StartLine(T0),
            JournalState.BeginLine(T0.AddSeconds(6), "s3://b/r/yoga/seg_00000.ts"),
            JournalState.StoredLine(T0.AddSeconds(7), "s3://b/r/yoga/seg_00000.ts", Md5A, 1000),
            JournalState.BeginLine(T0.AddSeconds(7), "s3://b/r/yoga/index.m3u8"),
            JournalState.StoredLine(T0.AddSeconds(7), "s3://b/r/yoga/index.m3u8", Md5A, 100),
            JournalState.BeginLine(T0.AddSeconds(8), "s3://b/r/yoga/index.m3u8"),
            JournalState.StoredLine(T0.AddSeconds(8), "s3://b/r/yoga/index.m3u8", Md5B, 120),
            JournalState.BeginLine(T0.AddSeconds(12), "s3://b/r/yoga/seg_00001.ts"),
            "stored\t2026-11-23T18:00:13.0000000Z\ts3://b/r/yo", // torn by SIGKILL
            JournalState.StartLine(T0.AddSeconds(20)),
        };

        var state = JournalState.Replay(lines);

        Assert.That(state.Stored, Is.EqualTo(new Dictionary<string, string>
        {
            ["s3://b/r/yoga/seg_00000.ts"] = Md5A,
            ["s3://b/r/yoga/index.m3u8"] = Md5B,
        }));
        Assert.That(state.InFlight, Is.EquivalentTo(new[] { "s3://b/r/yoga/seg_00001.ts" }));
        Assert.That(state.FirstStart, Is.EqualTo(T0));
        Assert.That(state.Restarts, Is.EqualTo(new[] { new DaemonRestart(T0.AddSeconds(12), T0.AddSeconds(20)) }));
        Assert.That(state.IsStored("s3://b/r/yoga/index.m3u8", Md5A), Is.False, "the playlist changed since");
    }

    [TestCase("")]
    [TestCase("garbage")]
    [TestCase("stored\tyesterday\ts3://b/k\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\t1")]
    [TestCase("stored\t2026-11-23T18:00:00.0000000Z\ts3://b/k\tnot-an-md5\t1")]
    [TestCase("begin\t2026-11-23T18:00:00.0000000Z")]
    public void A_line_that_is_not_whole_changes_nothing(string line)
    {
        var state = new JournalState();

        Assert.That(state.Apply(line), Is.False);
        Assert.That(state.Stored, Is.Empty);
        Assert.That(state.InFlight, Is.Empty);
    }

    [TestCase("#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2.0,\nseg_00000.ts\n", "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n")]
    [TestCase("#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n", "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n")]
    [TestCase("#EXTM3U\n#EXTINF:2.0,\nseg_00000.ts\n", "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n")]
    public void The_final_playlist_is_a_VOD_with_an_end_even_when_FFmpeg_was_killed(string live, string final) =>
        Assert.That(HlsPlaylist.AsFinal(live), Is.EqualTo(final));

    private static AmazonS3Exception S3Error(string code, HttpStatusCode status) => new($"{code} message") { ErrorCode = code, StatusCode = status };

    [TestCase("NoSuchBucket", HttpStatusCode.NotFound, false, "the S3 bucket 'studio-rec' does not exist")]
    [TestCase("AccessDenied", HttpStatusCode.Forbidden, false, "access to the S3 bucket 'studio-rec' was denied for r/yoga/seg_00001.ts")]
    [TestCase("Forbidden", HttpStatusCode.Forbidden, false, "access to the S3 bucket 'studio-rec' was denied for r/yoga/seg_00001.ts")]
    [TestCase("InvalidAccessKeyId", HttpStatusCode.Forbidden, false, "S3 rejected this machine's AWS credentials for bucket 'studio-rec' (InvalidAccessKeyId)")]
    [TestCase("PermanentRedirect", HttpStatusCode.MovedPermanently, false, "the S3 bucket 'studio-rec' is in another region")]
    [TestCase("InternalError", HttpStatusCode.InternalServerError, true, "S3 bucket 'studio-rec' answered 500 InternalError for r/yoga/seg_00001.ts")]
    [TestCase("SlowDown", HttpStatusCode.ServiceUnavailable, true, "S3 bucket 'studio-rec' answered 503 SlowDown")]
    [TestCase("BadDigest", HttpStatusCode.BadRequest, true, "S3 bucket 'studio-rec' answered 400 BadDigest")]
    public void S3_errors_say_whether_to_retry_and_name_the_bucket(string code, HttpStatusCode status, bool transient, string description)
    {
        var error = S3Error(code, status);

        Assert.That(S3Failures.IsTransient(error), Is.EqualTo(transient));
        Assert.That(S3Failures.Describe(error, "studio-rec", "r/yoga/seg_00001.ts"), Does.StartWith(description));
    }

    [Test]
    public void Timeouts_and_connection_failures_are_retried()
    {
        Assert.That(new Exception[] { new TimeoutRejectedException("t", TimeSpan.FromSeconds(3)), new HttpRequestException("refused"), new TaskCanceledException(), new IOException("reset") }
            .Select(S3Failures.IsTransient), Is.All.True);
        Assert.That(S3Failures.Describe(new TimeoutRejectedException("t", TimeSpan.FromSeconds(3)), "studio-rec", "k"),
            Is.EqualTo("S3 bucket 'studio-rec' did not answer within 3s for k"));
    }

    [Test]
    public void The_manifest_counts_the_recording_and_lists_outages_with_daemon_restarts_in_time_order()
    {
        var playlist = HlsPlaylist.Parse(HlsPlaylist.AsFinal("#EXTM3U\n#EXTINF:2.0,\nseg_00000.ts\n#EXTINF:1.5,\nseg_00001.ts\n"));
        var camera = new Outage(Outage.Camera, T0.AddMinutes(5), T0.AddMinutes(5).AddSeconds(12), "camera dropped");

        var manifest = SessionManifest.Build("yoga", T0, T0.AddMinutes(60), playlist, "recordings/yoga/index.m3u8", ["primary"],
            [camera], [new DaemonRestart(T0.AddMinutes(2), T0.AddMinutes(2).AddSeconds(4))]);

        Assert.That(manifest with { Outages = [], Missing = null, Faults = null, Runs = null },
            Is.EqualTo(new SessionManifest("yoga", T0, T0.AddMinutes(60), 3.5, 2, "recordings/yoga/index.m3u8", true, manifest.IngestSlotsUsed, [], SessionOutcome.Incomplete)));
        Assert.That(manifest.Runs, Is.EqualTo(new[] { new SessionRun(T0, T0.AddMinutes(2)), new SessionRun(T0.AddMinutes(2).AddSeconds(4), T0.AddMinutes(60)) }),
            "one run per start of the journal");
        Assert.That(manifest.Outages.Select(o => (o.Kind, o.Seconds)), Is.EqualTo(new[] { (Outage.Daemon, 4.0), (Outage.Camera, 12.0) }));
        var json = System.Text.Encoding.UTF8.GetString(manifest.ToJson());
        Assert.That(json, Does.Contain("\"playlistKey\": \"recordings/yoga/index.m3u8\"").And.Contain("\"ingestSlotsUsed\": [").And.Contain("\"kind\": \"daemon\""));
    }
}

using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Preflight;
using Encoder.Status;
using Encoder.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Preflight;

public sealed class PreflightJudgementTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    // S3's clock minus ours (s) → status and a part of the detail
    [TestCase(0.0, CheckStatus.Pass, "within 2 s of S3")]
    [TestCase(-1.9, CheckStatus.Pass, "within 2 s of S3")]
    [TestCase(5.0, CheckStatus.Warn, "5 s behind S3")]
    [TestCase(-30.0, CheckStatus.Warn, "30 s ahead of S3")]
    [TestCase(120.0, CheckStatus.Fail, "120 s behind S3 (s3.example): S3 refuses requests 15 min off")]
    public void The_clock_passes_within_two_seconds_of_s3_warns_within_a_minute_and_fails_beyond(double skewSeconds, CheckStatus status, string detail)
    {
        var row = ClockSkew.Judge(TimeSpan.FromSeconds(skewSeconds), "S3 (s3.example)");

        Assert.That((row.Check, row.Status), Is.EqualTo(("clock", status)));
        Assert.That(row.Detail, Does.Contain(detail));
    }

    [Test]
    public void The_skew_is_taken_against_the_middle_of_the_request() =>
        Assert.That(ClockSkew.Skew(T0, T0.AddSeconds(2), T0.AddSeconds(11)), Is.EqualTo(TimeSpan.FromSeconds(10)));

    // service URL, region → where S3's clock is asked
    [TestCase("http://127.0.0.1:5000", null, "http://127.0.0.1:5000/")]
    [TestCase(null, "eu-west-1", "https://s3.eu-west-1.amazonaws.com/")]
    [TestCase(null, null, "https://s3.amazonaws.com/")]
    public void S3_s_clock_is_asked_where_storage_is(string? serviceUrl, string? region, string endpoint) =>
        Assert.That(ClockSkew.Endpoint(new StorageOptions { ServiceUrl = serviceUrl, Region = region }, null), Is.EqualTo(new Uri(endpoint)));

    // free GB, needed GB (null: no end), storage → status and a part of the detail
    [TestCase(100.0, 4.5, StorageKind.S3, CheckStatus.Pass, "100 GB free, 22.2 h at 8 Mbit/s; the class needs 4.5 GB")]
    [TestCase(3.0, 4.5, StorageKind.S3, CheckStatus.Warn, "enough only while S3 takes the segments")]
    [TestCase(3.0, 4.5, StorageKind.Local, CheckStatus.Fail, "a local folder must hold the whole recording")]
    [TestCase(3.0, null, StorageKind.Local, CheckStatus.Pass, "(the class has no end set)")]
    public void The_disk_must_hold_the_class_s_recording(double freeGb, double? neededGb, StorageKind storage, CheckStatus status, string detail)
    {
        var row = DiskRoom.Judge((long)(freeGb * 1e9), neededGb * 1e9, 8, storage);

        Assert.That((row.Check, row.Status), Is.EqualTo(("disk", status)));
        Assert.That(row.Detail, Does.Contain(detail));
    }

    // StartsAt minus now (s; null: none) → runs?
    [TestCase(null, false)]
    [TestCase(-60.0, false)]
    [TestCase(10.0, false)]
    [TestCase(20.0, true)]
    [TestCase(3600.0, true)]
    public void The_daemon_runs_the_preflight_only_when_the_class_starts_later_than_its_budget(double? secondsToStart, bool runs) =>
        Assert.That(PreflightService.WhyNotNow(secondsToStart is { } s ? T0.AddSeconds(s) : null, T0) is null, Is.EqualTo(runs));

    [Test]
    public void A_class_ended_by_an_operator_gets_no_preflight() =>
        Assert.That(PreflightService.WhyNotNow(T0.AddHours(1), T0, classEnded: true), Does.Contain("encoder end-class"));

    // URL → the application and the tcUrl the connect sends (never the stream key)
    [TestCase("rtmp://127.0.0.1:1935/live/key-123", "live", "rtmp://127.0.0.1:1935/live")]
    [TestCase("rtmps://live-api-s.facebook.com:443/rtmp/FB-123", "rtmp", "rtmps://live-api-s.facebook.com:443/rtmp")]
    [TestCase("rtmp://a.rtmp.youtube.com/live2/abcd-efgh", "live2", "rtmp://a.rtmp.youtube.com/live2")]
    [TestCase("rtmp://cdn.example/app?token=t0k/stream", "app?token=t0k/stream", "rtmp://cdn.example/app?token=t0k/stream")]
    public void The_connect_names_the_application_and_never_the_stream_key(string url, string app, string tcUrl) =>
        Assert.That(RtmpConnect.Split(new Uri(url)), Is.EqualTo((app, tcUrl)));

    [Test]
    public void The_connect_message_raises_the_chunk_size_then_sends_connect_in_one_chunk()
    {
        var bytes = RtmpConnect.ConnectMessages("live", "rtmp://h/live");

        Assert.That(bytes[..12], Is.EqualTo(new byte[] { 0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0 }), "Set Chunk Size on chunk stream 2");
        Assert.That(bytes[12..16], Is.EqualTo(new byte[] { 0, 0, 0x10, 0 }), "4096");
        var length = (bytes[20] << 16) | (bytes[21] << 8) | bytes[22];
        Assert.That((bytes[16], bytes[23], bytes.Length - 28), Is.EqualTo(((byte)0x03, (byte)20, length)), "connect on chunk stream 3, an AMF0 command, all in one chunk");
        Assert.That(RtmpConnect.CommandAnswer(bytes.AsSpan(28)), Is.EqualTo("connect"));
    }

    [Test]
    public void An_error_answer_gives_its_code()
    {
        byte[] answer = [0x02, 0, 6, .. "_error"u8, 0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x05, 0x03,
            0, 4, .. "code"u8, 0x02, 0, 30, .. "NetConnection.Connect.Rejected"u8, 0, 0, 0x09];

        Assert.That((RtmpConnect.CommandAnswer(answer), RtmpConnect.Code(answer)), Is.EqualTo(("_error", "NetConnection.Connect.Rejected")));
    }

    private static PreflightCompleted Completed(string verdict) =>
        new(T0, verdict, 4.6, "ingest secondary: connection refused", [new PreflightCheckOutcome("ingest secondary", "fail", "connection refused")]);

    [Test]
    public void Status_json_carries_the_preflight_the_daemon_published()
    {
        var status = new EncoderStatus(new FakeTimeProvider(T0));

        status.Hear(Completed("fail"));

        var preflight = status.Snapshot("yoga").Preflight!;
        Assert.That((preflight.At, preflight.Verdict, preflight.Seconds, preflight.Summary), Is.EqualTo((T0, "fail", 4.6, "ingest secondary: connection refused")));
        Assert.That(preflight.Checks, Is.EqualTo(Completed("fail").Checks));
    }

    [Test]
    public void Session_json_keeps_a_preflight_that_ran_over_a_later_one_that_did_not()
    {
        var kept = new SessionPreflight();

        kept.Hear(Completed("fail"));
        kept.Hear(new PreflightCompleted(T0.AddHours(1), "not-run", 0, "the daemon started after the class's start", []));

        Assert.That(kept.Outcome?.Verdict, Is.EqualTo("fail"));
    }
}

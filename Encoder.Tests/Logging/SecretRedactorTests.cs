using Encoder.Configuration;
using Encoder.Logging;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace Encoder.Tests.Logging;

public sealed class SecretRedactorTests
{
    private static readonly SecretRedactor Redactor = SecretRedactor.For(new EncoderOptions
    {
        Camera = new CameraOptions { Url = "rtsp://admin:p%40ss%3Aword@10.0.0.5:554/stream1" },
        Ingest = new IngestOptions
        {
            Primary = "rtmp://a.example.com/live/sk-primary-123",
            Secondary = "rtmps://b.example.com:443/app/sk-backup?token=t0k3n",
        },
    });

    [TestCase("Input #0, rtsp, from 'rtsp://admin:p%40ss%3Aword@10.0.0.5:554/stream1':", "Input #0, rtsp, from 'rtsp://admin:***@10.0.0.5:554/stream1':")]
    [TestCase("auth failed for password p@ss:word", "auth failed for password ***")]
    [TestCase("[tee] Slave '[f=flv]rtmp://a.example.com/live/sk-primary-123': Broken pipe", "[tee] Slave '[f=flv]rtmp://a.example.com/live/***': Broken pipe")]
    [TestCase("pushing to rtmps://b.example.com:443/app/sk-backup?token=t0k3n", "pushing to rtmps://b.example.com:443/app/***")]
    [TestCase("token t0k3n and key sk-backup seen alone", "token *** and key *** seen alone")]
    [TestCase("nothing secret here", "nothing secret here")]
    public void Masks_the_camera_password_and_stream_keys_in_any_form_they_appear(string line, string expected) =>
        Assert.That(Redactor.Redact(line), Is.EqualTo(expected));

    [TestCase("from 'rtsp://u:p@10.0.0.5/c': refused", "from 'rtsp://u:***@10.0.0.5/c': refused")]
    [TestCase("]rtmp://h:1935/live/k|[f=hls]index.m3u8", "]rtmp://h:1935/live/***|[f=hls]index.m3u8")]
    [TestCase("Encoder.Ffmpeg.FfmpegSupervisor: keep a p and a k", "Encoder.Ffmpeg.FfmpegSupervisor: keep a p and a k")]
    public void Masks_short_secrets_by_their_place_in_a_url_without_mangling_other_text(string line, string expected)
    {
        var shortSecrets = SecretRedactor.For(new EncoderOptions
        {
            Camera = new CameraOptions { Url = "rtsp://u:p@10.0.0.5/c" },
            Ingest = new IngestOptions { Primary = "rtmp://h:1935/live/k" },
        });

        Assert.That(shortSecrets.Redact(line), Is.EqualTo(expected));
    }

    [TestCase("rtsp://other:hunter2@cam2.local/s", "rtsp://other:***@cam2.local/s")]
    [TestCase("rtmps://other.example.com/app/unconfigured-key?x=1 done", "rtmps://other.example.com/app/*** done")]
    [TestCase("see https://docs.example.com/path/page", "see https://docs.example.com/path/page")]
    [TestCase("(secondary rtmp://h:1936/live/some-key); video copy", "(secondary rtmp://h:1936/live/***); video copy")]
    public void Masks_any_url_password_or_rtmp_key_even_when_not_configured(string line, string expected) =>
        Assert.That(Redactor.Redact(line), Is.EqualTo(expected));

    [Test]
    public void The_log_formatter_redacts_properties_and_exceptions_too()
    {
        var formatter = new RedactingFormatter(new MessageTemplateTextFormatter("{Message:lj} {Exception}", null), Redactor);
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Warning,
            new InvalidOperationException("cannot open rtmp://a.example.com/live/sk-primary-123"),
            new MessageTemplateParser().Parse("Camera {Camera}"),
            [new LogEventProperty("Camera", new ScalarValue("rtsp://admin:p%40ss%3Aword@10.0.0.5/stream1"))]);
        using var output = new StringWriter();

        formatter.Format(logEvent, output);

        Assert.That(output.ToString(), Does.Contain("rtsp://admin:***@10.0.0.5/stream1").And.Contain("live/***")
            .And.Not.Contain("p%40ss").And.Not.Contain("sk-primary"));
    }
}

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
        Camera = new CameraOptions { Url = "rtsp://admin:p%40ss%3Aword@10.0.0.5:554/cam/realmonitor?channel=1&subtype=0&user=admin&password=Qs%26Secret%3D9" },
        Ingest = new IngestOptions
        {
            Primary = "rtmp://a.example.com/live/sk-primary-123",
            Secondary = "rtmps://b.example.com:443/app/sk-backup?token=t0k3n",
        },
    });

    /// <summary>Shapes alone, nothing configured: what any URL in any line loses.</summary>
    private static readonly SecretRedactor ShapesOnly = new([]);

    [TestCase("rtsp://admin:hunter2@10.0.0.5:554/stream1", "rtsp://admin:***@10.0.0.5:554/stream1", TestName = "userinfo password")]
    [TestCase("rtsp://admin:p%40ss%3Aw@cam/s", "rtsp://admin:***@cam/s", TestName = "userinfo password, percent-encoded")]
    [TestCase("rtsp://admin:pa@ss@cam/s", "rtsp://admin:***@cam/s", TestName = "userinfo password with a bare @")]
    [TestCase("rtsp://admin@cam/s", "rtsp://admin@cam/s", TestName = "userinfo user alone stays")]
    [TestCase("rtsp://10.0.0.5/cam/realmonitor?channel=1&subtype=0&user=admin&password=hunter2",
        "rtsp://10.0.0.5/cam/realmonitor?channel=1&subtype=0&user=admin&password=***", TestName = "Dahua query password")]
    [TestCase("http://cam/axis-media/media.amp?resolution=640x480&pwd=hunter2&fps=15", "http://cam/axis-media/media.amp?resolution=640x480&pwd=***&fps=15", TestName = "Axis pwd")]
    [TestCase("rtsp://cam/s;PASSWD=x&Pass=y", "rtsp://cam/s;PASSWD=***&Pass=***", TestName = "any case, ; and & separators")]
    [TestCase("rtsp://cam/s?password=a%26b%3Dc&user=u", "rtsp://cam/s?password=***&user=u", TestName = "percent-encoded & and = inside the value")]
    [TestCase("rtsp://cam/s?token=abc#frag", "rtsp://cam/s?token=***#frag", TestName = "value ends at the fragment")]
    [TestCase("https://api.example.com/x?access_token=abc&api_key=def&client_secret=ghi&authorization=jkl",
        "https://api.example.com/x?access_token=***&api_key=***&client_secret=***&authorization=***", TestName = "names that contain a credential word")]
    [TestCase("https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abcd&X-Amz-Security-Token=zz&x-id=GetObject",
        "https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Security-Token=***&x-id=GetObject", TestName = "presigned S3 URL")]
    [TestCase("srt://ingest.example.com:9000?mode=caller&passphrase=longsecret123&streamid=#!::r=live/key,m=publish",
        "srt://ingest.example.com:9000?mode=caller&passphrase=***&streamid=***", TestName = "SRT passphrase and streamid")]
    [TestCase("https://x/cb?next=rtsp%3A%2F%2Fcam%2Fs%3Fuser%3Du%26password%3Dhunter2",
        "https://x/cb?next=rtsp%3A%2F%2Fcam%2Fs%3Fuser%3Du%26password%3D***", TestName = "a URL percent-encoded inside another")]
    [TestCase("rtmp://live.example.com/app/sk-live-123?token=t", "rtmp://live.example.com/app/***", TestName = "RTMP key and query")]
    [TestCase("rtmps://h:443/live2/key-1", "rtmps://h:443/live2/***", TestName = "RTMPS key")]
    [TestCase("rtmpt://h/app/key-1", "rtmpt://h/app/***", TestName = "RTMPT key")]
    [TestCase("rtmp://h/app", "rtmp://h/app", TestName = "RTMP without a key stays")]
    [TestCase("(see rtmp://h/app/ke)y).", "(see rtmp://h/app/***).", TestName = "RTMP key up to the sentence's end")]
    [TestCase("Input #0, rtsp, from 'rtsp://u:p@h:1/c?user=u&password=x':", "Input #0, rtsp, from 'rtsp://u:***@h:1/c?user=u&password=***':", TestName = "FFmpeg input line")]
    [TestCase("[error] rtsp://u:p@h:1/c?user=u&password=x: Connection refused", "[error] rtsp://u:***@h:1/c?user=u&password=***: Connection refused", TestName = "FFmpeg error line")]
    [TestCase("[tcp @ 0x5] [error] Connection to tcp://127.0.0.1:1?timeout=2000000 failed", "[tcp @ 0x5] [error] Connection to tcp://127.0.0.1:1?timeout=2000000 failed", TestName = "harmless query stays")]
    [TestCase("Authorization: Basic c3R1ZGlvOmNhbS1wYTU1", "Authorization: Basic ***", TestName = "Authorization header")]
    [TestCase("Proxy-Authorization: dG9rZW4", "Proxy-Authorization: ***", TestName = "Proxy-Authorization without a scheme")]
    [TestCase("[libx264 @ 0x5] [info] 264 - options: cabac=1 keyint=60 keyint_min=6", "[libx264 @ 0x5] [info] 264 - options: cabac=1 keyint=60 keyint_min=6", TestName = "free-text options stay")]
    public void Masks_secrets_by_the_shape_of_a_url(string line, string expected) =>
        Assert.That(ShapesOnly.Redact(line), Is.EqualTo(expected));

    [TestCase("Input #0, rtsp, from 'rtsp://admin:p%40ss%3Aword@10.0.0.5:554/cam/realmonitor?channel=1&subtype=0&user=admin&password=Qs%26Secret%3D9':",
        "Input #0, rtsp, from 'rtsp://admin:***@10.0.0.5:554/cam/realmonitor?channel=1&subtype=0&user=admin&password=***':")]
    [TestCase("auth failed for password p@ss:word", "auth failed for password ***")]
    [TestCase("rejected Qs&Secret=9", "rejected ***")]
    [TestCase("rejected Qs%26Secret%3d9", "rejected ***")]
    [TestCase("[tee] Slave '[f=flv]rtmp://a.example.com/live/sk-primary-123': Broken pipe", "[tee] Slave '[f=flv]rtmp://a.example.com/live/***': Broken pipe")]
    [TestCase("pushing to rtmps://b.example.com:443/app/sk-backup?token=t0k3n", "pushing to rtmps://b.example.com:443/app/***")]
    [TestCase("token t0k3n and key sk-backup seen alone", "token *** and key *** seen alone")]
    [TestCase("channel=1 subtype=0 user admin", "channel=1 subtype=0 user admin")]
    [TestCase("nothing secret here", "nothing secret here")]
    public void Masks_the_configured_secrets_in_any_form_they_appear(string line, string expected) =>
        Assert.That(Redactor.Redact(line), Is.EqualTo(expected));

    [TestCase("from 'rtsp://u:p@10.0.0.5/c': refused", "from 'rtsp://u:***@10.0.0.5/c': refused")]
    [TestCase("]rtmp://h:1935/live/k|[f=hls]index.m3u8", "]rtmp://h:1935/live/***|[f=hls]index.m3u8")]
    [TestCase("rtsp://10.0.0.5/c?user=u&pwd=ab", "rtsp://10.0.0.5/c?user=u&pwd=***")]
    [TestCase("Opening 'http://10.0.0.5/other/ab/x' for reading", "Opening 'http://10.0.0.5/other/***/x' for reading")]
    [TestCase("relay udp://127.0.0.1:5000?pkt_size=1316&t=z9", "relay udp://127.0.0.1:5000?pkt_size=1316&t=***")]
    [TestCase("see http://h/x/ab.", "see http://h/x/***.")]
    [TestCase("see http://h/abc/ab.ts and http://h/x%2Fab", "see http://h/abc/ab.ts and http://h/x%2Fab")]
    [TestCase("Encoder.Ffmpeg.FfmpegSupervisor: keep a p and a k, ab and z9", "Encoder.Ffmpeg.FfmpegSupervisor: keep a p and a k, ab and z9")]
    public void Masks_short_secrets_where_they_stand_as_a_url_component_without_mangling_other_text(string line, string expected)
    {
        var shortSecrets = SecretRedactor.For(new EncoderOptions
        {
            Camera = new CameraOptions { Url = "rtsp://u:p@10.0.0.5/c?user=u&pwd=ab" },
            Ingest = new IngestOptions { Primary = "rtmp://h:1935/live/k?t=z9" },
        });

        Assert.That(shortSecrets.Redact(line), Is.EqualTo(expected));
    }

    [TestCase("rtsp://other:hunter2@cam2.local/s", "rtsp://other:***@cam2.local/s")]
    [TestCase("rtmps://other.example.com/app/unconfigured-key?x=1 done", "rtmps://other.example.com/app/*** done")]
    [TestCase("see https://docs.example.com/path/page", "see https://docs.example.com/path/page")]
    [TestCase("(secondary rtmp://h:1936/live/some-key); video copy", "(secondary rtmp://h:1936/live/***); video copy")]
    public void Masks_any_url_password_or_rtmp_key_even_when_not_configured(string line, string expected) =>
        Assert.That(Redactor.Redact(line), Is.EqualTo(expected));

    [TestCase("[info] frame=  100 fps= 30 q=-1.0 size=    512kB time=00:00:03.33 bitrate=1258.3kbits/s speed=1.0x")]
    [TestCase("[info] Opening 'seg_00012.ts' for writing")]
    [TestCase("Input #0, rtsp, from 'rtsp://10.0.0.5:554/cam/realmonitor?channel=1&subtype=0':")]
    public void Returns_a_line_without_secrets_as_the_same_string(string line) =>
        Assert.That(Redactor.Redact(line), Is.SameAs(line));

    [TestCase("password", true)]
    [TestCase("Passphrase", true)]
    [TestCase("PWD", true)]
    [TestCase("access_token", true)]
    [TestCase("api_key", true)]
    [TestCase("Authorization", true)]
    [TestCase("X-Amz-Signature", true)]
    [TestCase("streamid", true)]
    [TestCase("user", false)]
    [TestCase("channel", false)]
    [TestCase("timeout", false)]
    public void Knows_a_credential_by_its_parameter_name(string name, bool credential) =>
        Assert.That(SecretRedactor.IsCredentialName(name), Is.EqualTo(credential));

    [Test]
    public void The_log_formatter_redacts_properties_and_exceptions_too()
    {
        var formatter = new RedactingFormatter(new MessageTemplateTextFormatter("{Message:lj} {Exception}", null), Redactor);
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Warning,
            new InvalidOperationException("cannot open rtmp://a.example.com/live/sk-primary-123 or rtsp://10.0.0.5/c?password=Qs%26Secret%3D9"),
            new MessageTemplateParser().Parse("Camera {Camera}"),
            [new LogEventProperty("Camera", new ScalarValue("rtsp://admin:p%40ss%3Aword@10.0.0.5/stream1?user=admin&password=Qs%26Secret%3D9"))]);
        using var output = new StringWriter();

        formatter.Format(logEvent, output);

        Assert.That(output.ToString(), Does.Contain("rtsp://admin:***@10.0.0.5/stream1?user=admin&password=***").And.Contain("live/***")
            .And.Not.Contain("p%40ss").And.Not.Contain("sk-primary").And.Not.Contain("Secret"));
    }
}

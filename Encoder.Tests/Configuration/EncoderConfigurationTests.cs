using Encoder.Configuration;
using Microsoft.Extensions.Configuration;
using static Encoder.Tests.Configuration.TestConfigurations;

namespace Encoder.Tests.Configuration;

public sealed class EncoderConfigurationTests
{
    [Test]
    public void A_minimal_class_configuration_is_valid_and_takes_the_documented_defaults()
    {
        var result = EncoderConfiguration.Load(Build(Valid()), Now);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Options.Recording.SegmentSeconds, Is.EqualTo(6));
        Assert.That(result.Options.Video.Mode, Is.EqualTo(VideoMode.Auto));
        Assert.That(result.Options.Storage.Kind, Is.EqualTo(StorageKind.Local));
        Assert.That(result.Options.Ingest.Secondary, Is.Null);
    }

    // Each case: one bad setting, and the one line that must name its key.
    [TestCase("Encoder:Camera:Url", null, "Encoder:Camera:Url: is required (an rtsp:// or rtsps:// URL)")]
    [TestCase("Encoder:Camera:Url", "http://10.0.0.5/stream", "Encoder:Camera:Url: must be an rtsp:// or rtsps:// URL (got http://)")]
    [TestCase("Encoder:Camera:Url", "10.0.0.5:554/stream", "Encoder:Camera:Url: must be an rtsp:// or rtsps:// URL")]
    [TestCase("Encoder:Ingest:Primary", null, "Encoder:Ingest:Primary: is required (an rtmp:// or rtmps:// URL)")]
    [TestCase("Encoder:Ingest:Primary", "rtmp://a.rtmp.example.com/live", "Encoder:Ingest:Primary: must be rtmp://host[:port]/app/streamkey (the stream key is missing)")]
    [TestCase("Encoder:Ingest:Primary", "rtmp://a.rtmp.example.com", "Encoder:Ingest:Primary: must be rtmp://host[:port]/app/streamkey (the application and stream key are missing)")]
    [TestCase("Encoder:Ingest:Primary", "srt://a.example.com/live/key", "Encoder:Ingest:Primary: must be an rtmp:// or rtmps:// URL (got srt://)")]
    [TestCase("Encoder:Ingest:Secondary", "rtmps://b.example.com/live", "Encoder:Ingest:Secondary: must be rtmps://host[:port]/app/streamkey (the stream key is missing)")]
    [TestCase("Encoder:Ingest:Secondary", "rtmp://a.rtmp.example.com/live/primary-key", "Encoder:Ingest:Secondary: must differ from Encoder:Ingest:Primary")]
    [TestCase("Encoder:Recording:SegmentSeconds", "0", "Encoder:Recording:SegmentSeconds: must be between 1 and 60")]
    [TestCase("Encoder:Recording:SegmentSeconds", "-6", "Encoder:Recording:SegmentSeconds: must be between 1 and 60")]
    [TestCase("Encoder:Recording:SegmentSeconds", "six", "Encoder:Recording:SegmentSeconds: cannot be read as a whole number (got 'six')")]
    [TestCase("Encoder:Session:EndsAt", "2026-11-23T17:59:00Z", "Encoder:Session:EndsAt: is in the past (2026-11-23T17:59:00.0000000+00:00; now is 2026-11-23T18:00:00.0000000+00:00)")]
    [TestCase("Encoder:Session:EndsAt", "tonight", "Encoder:Session:EndsAt: cannot be read as an ISO-8601 instant (e.g. 2026-11-23T18:00:00Z) (got 'tonight')")]
    [TestCase("Encoder:Session:MaxDuration", "-00:10:00", "Encoder:Session:MaxDuration: must be positive (e.g. 01:30:00)")]
    [TestCase("Encoder:SessionId", "../etc", "Encoder:SessionId: may contain only letters, digits, '.', '_' and '-' (at most 128)")]
    [TestCase("Encoder:SessionId", null, "Encoder:SessionId: is required (it names the recording)")]
    [TestCase("Encoder:Video:Mode", "h265", "Encoder:Video:Mode: cannot be read as one of auto, copy, transcode (got 'h265')")]
    [TestCase("Encoder:Storage:Kind", "s3", "Encoder:Storage:Bucket: is required when Encoder:Storage:Kind is s3")]
    [TestCase("Encoder:Ingest:Mode", "both", "Encoder:Ingest:Mode: cannot be read as one of failover, redundant (got 'both')")]
    [TestCase("Encoder:Ffmpeg:StallSeconds", "0", "Encoder:Ffmpeg:StallSeconds: must be between 1 and 120")]
    [TestCase("Encoder:Logging:Level", "Chatty", "Encoder:Logging:Level: must be Verbose, Debug, Information, Warning, Error or Fatal")]
    [TestCase("Encoder:Ffmpeg:StopTimeoutSeconds", "200", "Encoder:ShutdownTimeout: must be at least 210s (Encoder:Ffmpeg:StopTimeoutSeconds plus 10s to interrupt and kill FFmpeg, drain the uploads and exit)")]
    [TestCase("Encoder:Camra:Url", "rtsp://x/y", "Encoder:Camra:Url: is not a known key (did you mean Encoder:Camera:Url?)")]
    [TestCase("Encoder:Recording:SegmentSecond", "4", "Encoder:Recording:SegmentSecond: is not a known key (did you mean Encoder:Recording:SegmentSeconds?)")]
    [TestCase("Encoder:Whatever", "1", "Encoder:Whatever: is not a known key")]
    public void Bad_input_fails_with_one_line_naming_the_key(string key, string? value, string expected)
    {
        var values = Valid();
        values[key] = value;

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, Is.EqualTo(new[] { expected }));
    }

    // recording of the session on this machine → is a past EndsAt an error?
    [TestCase(false, true)]
    [TestCase(true, false)]
    public void A_past_end_is_an_error_only_when_no_recording_of_the_session_is_on_this_machine(bool recorded, bool isError)
    {
        var values = Valid();
        values["Encoder:Session:EndsAt"] = "2026-11-23T17:00:00Z";
        EncoderOptions? asked = null;

        var errors = EncoderConfiguration.Load(Build(values), Now, sessionRecorded: o => (asked = o) is not null && recorded).Errors;

        Assert.That(errors.Any(e => e.StartsWith("Encoder:Session:EndsAt: is in the past", StringComparison.Ordinal)
            && e.EndsWith($"and this machine holds no recording of session {values["Encoder:SessionId"]} to finish", StringComparison.Ordinal)), Is.EqualTo(isError), string.Join('\n', errors));
        Assert.That(asked?.SessionId, Is.EqualTo(values["Encoder:SessionId"]), "the question is about this session");
    }

    [Test]
    public void Error_lines_never_repeat_a_camera_password_or_stream_key()
    {
        var values = Valid();
        values["Encoder:Camera:Url"] = "http://admin:s3cret@10.0.0.5/stream";
        values["Encoder:Ingest:Primary"] = "rtmp://host/primary-key";

        var errors = EncoderConfiguration.Load(Build(values), Now).Errors;

        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(string.Join('\n', errors), Does.Not.Contain("s3cret").And.Not.Contain("primary-key"));
    }

    [Test]
    public void Environment_variables_and_the_command_line_bind_the_same_keys()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Valid())
            .AddCommandLine(["--Encoder:Recording:SegmentSeconds=4", "--Encoder:Video:Mode=transcode"])
            .Build();

        var options = EncoderConfiguration.Load(configuration, Now).Options;

        Assert.That(options.Recording.SegmentSeconds, Is.EqualTo(4));
        Assert.That(options.Video.Mode, Is.EqualTo(VideoMode.Transcode));
    }

    [Test]
    [NonParallelizable]
    public void Double_underscore_environment_variables_bind_like_the_contract_says()
    {
        Environment.SetEnvironmentVariable("Encoder__Recording__SegmentSeconds", "3");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(Valid()).AddEnvironmentVariables().Build();

            Assert.That(EncoderConfiguration.Load(configuration, Now).Options.Recording.SegmentSeconds, Is.EqualTo(3));
        }
        finally
        {
            Environment.SetEnvironmentVariable("Encoder__Recording__SegmentSeconds", null);
        }
    }

    [Test]
    public void Every_catalogued_key_binds_to_the_options()
    {
        var values = Valid();
        foreach (var key in ConfigurationKeys.All.Where(k => !values.ContainsKey(ConfigurationKeys.Full(k))))
            values[ConfigurationKeys.Full(key)] = SampleValue(key);

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, Is.Empty);
        var o = result.Options;
        Assert.That(new object?[]
        {
            o.ShutdownTimeout, o.Camera.TimeoutSeconds, o.Ingest.Secondary, o.Recording.Directory, o.Video.Preset, o.Video.BitrateKbps,
            o.Storage.Directory, o.Session.EndsAt, o.Session.MaxDuration, o.Ffmpeg.Path, o.Ffmpeg.StopTimeoutSeconds,
            o.Ffmpeg.RestartDelaySeconds, o.Ffmpeg.MaxRestartDelaySeconds, o.Logging.Level, o.Logging.Directory,
        }, Is.EqualTo(new object?[]
        {
            TimeSpan.FromMinutes(3), 7, "rtmp://b.example.com/live/backup-key", "/srv/rec", "fast", 2500,
            "/srv/store", new DateTimeOffset(2026, 11, 23, 19, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(75), "/opt/ffmpeg", 12,
            0.5, 8.0, "Debug", "/srv/logs",
        }));
        Assert.That(o.Content, Is.EqualTo(new ContentOptions
        {
            Enabled = false, BlackMaxLuma = 40, BlackMinSeconds = 3, FrozenMaxChange = 0.25, FrozenMinSeconds = 12, SilentMaxDbfs = -55, SilentMinSeconds = 20,
        }));
    }

    private static string SampleValue(string key) => key switch
    {
        "ShutdownTimeout" => "00:03:00",
        "Camera:TimeoutSeconds" => "7",
        "Ingest:Secondary" => "rtmp://b.example.com/live/backup-key",
        "Recording:Directory" => "/srv/rec",
        "Recording:SegmentSeconds" => "6",
        "Video:Mode" => "transcode",
        "Video:Preset" => "fast",
        "Video:BitrateKbps" => "2500",
        "Storage:Kind" => "local",
        "Storage:Directory" => "/srv/store",
        "Session:StartsAt" => "2026-11-23T18:05:00Z",
        "Storage:Bucket" => "studio-recordings",
        "Storage:Prefix" => "vod/",
        "Storage:Region" => "eu-west-1",
        "Storage:ServiceUrl" => "http://rgw.local:7480",
        "Storage:RequestChecksumCalculation" => "WhenRequired",
        "Storage:RequestTimeoutSeconds" => "12",
        "Storage:DeleteLocalAfterUpload" => "true",
        "Aws:ClassRoleArn" => "arn:aws:iam::123456789012:role/encoder-class",
        "Recording:LowDiskWarningPercent" => "25",
        "Session:EndsAt" => "2026-11-23T19:00:00Z",
        "Session:MaxDuration" => "01:15:00",
        "Ffmpeg:Path" => "/opt/ffmpeg",
        "Ffmpeg:StopTimeoutSeconds" => "12",
        "Ffmpeg:RestartDelaySeconds" => "0.5",
        "Ffmpeg:MaxRestartDelaySeconds" => "8",
        "Metrics:Enabled" => "false",
        "Metrics:Endpoint" => "udp://127.0.0.1:25888",
        "Metrics:IntervalSeconds" => "5",
        "Logging:Level" => "Debug",
        "Logging:Directory" => "/srv/logs",
        "Ingest:Mode" => "redundant",
        "Ingest:ProbeIntervalSeconds" => "1.5",
        "Ingest:ReturnWindowSeconds" => "45",
        "Tls:Verify" => "false",
        "Tls:CaFile" => "/etc/encoder/cdn-ca.pem",
        "Ffmpeg:StallSeconds" => "7",
        "Status:Path" => "/run/encoder/status.json",
        "Status:LogIntervalSeconds" => "30",
        "Status:UploadIntervalSeconds" => "5",
        "Logging:Format" => "json",
        "Playback:BaseUrl" => "https://d111111abcdef8.cloudfront.net",
        "Playback:LiveUrl" => "https://cdn.example.com/live/index.m3u8?token=abc123",
        "Playback:CheckIntervalSeconds" => "3",
        "Playback:RequestTimeoutSeconds" => "1.5",
        "Playback:StaleSeconds" => "20",
        "Playback:StartGraceSeconds" => "45",
        "SelfTerminate:Enabled" => "true",
        "SelfTerminate:DryRun" => "true",
        "SelfTerminate:WithPendingUploads" => "true",
        "SelfTerminate:ShutdownFallback" => "true",
        "SelfTerminate:TimeoutSeconds" => "45",
        "SelfTerminate:MetadataEndpoint" => "http://127.0.0.1:1338",
        "Content:Enabled" => "false",
        "Content:BlackMaxLuma" => "40",
        "Content:BlackMinSeconds" => "3",
        "Content:FrozenMaxChange" => "0.25",
        "Content:FrozenMinSeconds" => "12",
        "Content:SilentMaxDbfs" => "-55",
        "Content:SilentMinSeconds" => "20",
        "Replay:Enabled" => "true",
        "Replay:PartMebibytes" => "16",
        "Replay:PosterAtSeconds" => "60",
        "Replay:PosterWindowSeconds" => "20",
        "Replay:StoryboardSeconds" => "5",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "add a sample value for the new key"),
    };
}

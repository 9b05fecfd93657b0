using System.Text.Json;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// Cameras that break plain copy mode, each with its own test camera, ingest and daemon (in the default
/// <c>Video:Mode=auto</c>), run once per variant and then examined: the daemon probes the camera before going live,
/// transcodes what FLV cannot carry, copies AAC 48 kHz audio (the test camera's default), encodes any other audio to
/// AAC and adds a silent track when there is none, so the ingest and the recording always carry H.264 and AAC 48 kHz.
/// Small pictures keep the transcodes cheap.
/// </summary>
[TestFixtureSource(nameof(Variants))]
[NonParallelizable] // alone: two of its cameras are transcoded
[Category("Integration")]
public sealed class CameraCodecsTests(string video, string audio, string expectedVideoPlan, string expectedAudioPlan)
{
    public static readonly object[] Variants =
    [
        new object[] { "hevc", "aac", "transcode", "copy" },
        new object[] { "mjpeg", "pcma", "transcode", "encode" },
        new object[] { "h264", "none", "copy", "silent" },
        new object[] { "h264", "aac", "copy", "copy" },
    ];

    private string _work = "";
    private TestCamera _camera = null!;
    private RtmpIngest _ingest = null!;
    private string _key = "";
    private string _stored = "";
    private JsonElement _camerasStatus;
    private string _daemonOutput = "";

    [OneTimeSetUp]
    public async Task RunAClassAgainstTheCamera()
    {
        _work = Directory.CreateTempSubdirectory($"encoder-codecs-{video}-").FullName;
        _camera = await TestCamera.StartAsync(video: video, audioCodec: audio, size: "320x240", bitrateKbps: 300);
        _ingest = await RtmpIngest.StartAsync(Path.Combine(_work, "ingest"));
        _key = $"codecs-{video}-{Guid.NewGuid():N}"[..24];
        var settings = EncoderDaemon.Settings("codecs", _camera.Url, _ingest.UrlFor(_key), _work);
        settings["Video:Preset"] = "ultrafast";
        settings["Video:BitrateKbps"] = "400";
        _stored = Path.Combine(_work, "storage", "codecs");

        await using var daemon = EncoderDaemon.Start(settings);
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(90));
        var status = EncoderDaemon.Status(settings);
        var recording = Path.Combine(_work, "recordings", "codecs", RecordingLayout.PlaylistFileName);
        await Poll.UntilAsync(
            () => _ingest.BytesRecordedFor(_key) > 0 && File.Exists(recording) && HlsPlaylist.Parse(File.ReadAllText(recording)).Segments.Count >= 2,
            TimeSpan.FromSeconds(90), "two segments are recorded and the ingest receives the stream", () => daemon.Output);
        _camerasStatus = status.Read()!.Value.GetProperty("camera");
        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, daemon.Output);
        _daemonOutput = daemon.Output;
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        await _ingest.DisposeAsync();
        await _camera.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Test]
    public void The_status_shows_what_the_camera_sends_and_the_plan()
    {
        Assert.That(_camerasStatus.GetProperty("videoCodec").GetString(), Is.EqualTo(video));
        Assert.That(_camerasStatus.TryGetProperty("audioCodec", out var audioCodec) ? audioCodec.GetString() : null,
            Is.EqualTo(audio switch { "aac" => "aac", "pcma" => "pcm_alaw", _ => null }));
        Assert.That((_camerasStatus.GetProperty("video").GetString(), _camerasStatus.GetProperty("audio").GetString()),
            Is.EqualTo((expectedVideoPlan, expectedAudioPlan)), _camerasStatus.ToString());
    }

    [Test]
    public void A_transcoded_camera_is_said_once_as_a_warning_naming_the_setting()
    {
        var warnings = _daemonOutput.Split('\n').Count(line => line.Contains("Encoder:Video:Mode", StringComparison.Ordinal));
        Assert.That(warnings, Is.EqualTo(expectedVideoPlan == "transcode" ? 1 : 0), _daemonOutput);
    }

    [Test]
    public async Task The_ingest_receives_H264_video_and_AAC_audio()
    {
        var received = _ingest.RecordingsFor(_key);
        Assert.That(received, Is.Not.Empty, "nothing reached the ingest");

        Assert.That(await CodecsAsync(received[0]), Is.EqualTo(new[] { "audio aac 48000", "video h264 320" }));
        Assert.That(await Ffprobe.CountVideoFramesAsync(received[0]), Is.GreaterThan(0), "the FLV does not decode");
    }

    [Test]
    public async Task The_recording_carries_H264_video_and_AAC_audio_in_every_segment()
    {
        var playlist = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(_stored, RecordingLayout.PlaylistFileName)));
        Assert.That(playlist.HasEndList, Is.True);
        Assert.That(playlist.Segments, Has.Count.GreaterThanOrEqualTo(2));
        foreach (var segment in playlist.Segments)
        {
            var path = Path.Combine(_stored, segment.Uri);
            Assert.That(await CodecsAsync(path), Is.EqualTo(new[] { "audio aac 48000", "video h264 320" }), segment.Uri);
            Assert.That(await Ffprobe.CountVideoFramesAsync(path), Is.GreaterThan(0), segment.Uri);
        }
    }

    [Test]
    public async Task The_recorder_copies_or_encodes_the_audio_as_planned()
    {
        var log = Directory.GetFiles(Path.Combine(_stored, "logs"), "ffmpeg-recorder-*.log").Order(StringComparer.Ordinal).First();
        var command = (await File.ReadAllLinesAsync(log))[0];

        Assert.That(command, expectedAudioPlan == "copy"
            ? Does.Contain(" -c:a copy ").And.Not.Contain("-b:a")
            : Does.Contain(" -c:a aac -ar 48000 -ac 2 "), command);
    }

    /// <summary>"video CODEC WIDTH" and "audio CODEC RATE" for each stream of the file, sorted (MPEG-TS lists them under its program too).</summary>
    private static async Task<string[]> CodecsAsync(string path)
    {
        var output = await Ffprobe.ShowAsync(path, "stream=codec_type,codec_name,width,sample_rate");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|').Skip(1).Select(field => field.Split('=', 2)).ToDictionary(f => f[0], f => f.Length > 1 ? f[1] : ""))
            .Select(s => s["codec_type"] == "video" ? $"video {s["codec_name"]} {s.GetValueOrDefault("width")}" : $"{s["codec_type"]} {s["codec_name"]} {s.GetValueOrDefault("sample_rate")}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}

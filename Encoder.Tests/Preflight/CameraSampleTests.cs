using Encoder.Configuration;
using Encoder.Media;
using Encoder.Preflight;

namespace Encoder.Tests.Preflight;

public sealed class CameraSampleTests
{
    private static readonly string[] DumpWithAudio =
    [
        "Input #0, rtsp, from 'rtsp://127.0.0.1:8554/camera':",
        "  Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(tv, smpte170m, progressive), 640x360 [SAR 1:1 DAR 16:9], 30 fps, 30 tbr, 90k tbn",
        "  Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp",
        "Output #0, framecrc, to 'pipe:1':",
        "[Parsed_volumedetect_0 @ 0x5641387eb780] mean_volume: -5.0 dB",
        "[Parsed_volumedetect_0 @ 0x5641387eb780] max_volume: -1.9 dB",
    ];

    /// <summary>framecrc of <paramref name="frames"/> video packets at 30 fps (90 kHz), a keyframe every <paramref name="gop"/>, audio lines between, and the muxer's repeated last line.</summary>
    private static List<string> Framecrc(int frames, int gop)
    {
        List<string> lines = ["#software: Lavf59.27.100", "#tb 0: 1/90000", "#media_type 0: video", "#tb 1: 1/48000"];
        for (var i = 0; i < frames; i++)
        {
            lines.Add($"0,     {i * 3000,8},     {i * 3000,8},     3000,     5000, 0x12345678{(i % gop == 0 ? "" : ", F=0x0")}, S=1,       16");
            lines.Add($"1,     {i * 1600,8},     {i * 1600,8},     1600,     6400, 0x9abcdef0");
        }

        lines.Add($"0,     {(frames - 1) * 3000,8},     {(frames - 1) * 3000,8},     3000,     3003, 0x257d1ac6, F=0x0, S=1,       16");
        return lines;
    }

    [Test]
    public void The_sample_reads_the_streams_the_frame_rate_the_keyframe_interval_and_the_loudest_sound()
    {
        var sample = CameraSampleReader.Read(Framecrc(120, 60), DumpWithAudio);

        Assert.That(sample, Is.EqualTo(new CameraSample(new CameraStreams("h264", 640, 360, "aac", 48_000, 2, "LC"), 30, 2, 2, 3.97, -1.9)));
    }

    [Test]
    public void A_camera_without_audio_has_no_loudness_and_one_keyframe_has_no_interval()
    {
        string[] dump = [DumpWithAudio[0], DumpWithAudio[1], "Output #0, framecrc, to 'pipe:1':"];

        var sample = CameraSampleReader.Read(Framecrc(30, 60), dump);

        Assert.That((sample.Streams?.AudioCodec, sample.AudioMaxDb, sample.Keyframes, sample.KeyframeSeconds), Is.EqualTo(((string?)null, (double?)null, 1, (double?)null)));
    }

    [Test]
    public void A_camera_that_never_answered_has_no_streams()
    {
        var sample = CameraSampleReader.Read([], ["[tcp @ 0x55] Connection to tcp://127.0.0.1:9 failed: Connection refused", "rtsp://127.0.0.1:9/camera: Connection refused"]);

        Assert.That((sample.Streams, sample.FramesPerSecond), Is.EqualTo(((CameraStreams?)null, (double?)null)));
    }

    private static CameraSample Sample(string video = "h264", string? audio = "aac", double? maxDb = -12, double? gop = 2, int keyframes = 2, double? fps = 30) =>
        new(new CameraStreams(video, 1280, 720, audio, audio is null ? null : 48_000, audio is null ? null : 2, audio is null ? null : "LC"), fps, gop, keyframes, 4, audio is null ? null : maxDb);

    // camera → status and the start of its detail
    [TestCase("fine", CheckStatus.Pass, "h264 1280x720 30 fps, keyframe every 2 s")]
    [TestCase("down", CheckStatus.Fail, "unreachable: Connection refused")]
    [TestCase("no picture", CheckStatus.Fail, "the camera answered (h264) but sent no picture")]
    [TestCase("long gop copied", CheckStatus.Warn, "h264 1280x720 30 fps, keyframe every 4 s: longer than the 2 s segments")]
    [TestCase("one keyframe copied", CheckStatus.Warn, "h264 1280x720 30 fps, 1 keyframe(s) in 4 s: longer than the 2 s segments")]
    [TestCase("long gop transcoded", CheckStatus.Pass, "hevc 1280x720 30 fps, keyframe every 4 s")]
    public void The_camera_check_says_what_it_sends_and_fails_when_it_sends_no_picture(string camera, CheckStatus status, string detail)
    {
        var (sample, error, plan) = camera switch
        {
            "fine" => (Sample(), null, VideoPlan.Copy),
            "down" => ((CameraSample?)null, "unreachable: Connection refused", (VideoPlan?)null),
            "no picture" => (Sample(fps: null, gop: null, keyframes: 0), null, VideoPlan.Copy),
            "long gop copied" => (Sample(gop: 4), null, VideoPlan.Copy),
            "one keyframe copied" => (Sample(gop: null, keyframes: 1), null, VideoPlan.Copy),
            _ => (Sample(video: "hevc", gop: 4), null, VideoPlan.Transcode),
        };

        var row = CameraVerdict.ForCamera(sample, error, segmentSeconds: 2, plan);

        Assert.That((row.Check, row.Status), Is.EqualTo(("camera", status)));
        Assert.That(row.Detail, Does.StartWith(detail));
    }

    // audio → status and a part of its detail
    [TestCase("aac", -12.0, CheckStatus.Pass, "aac (LC) 48000 Hz 2ch, loudest -12 dBFS over 4 s")]
    [TestCase("aac", -59.0, CheckStatus.Pass, "loudest -59 dBFS")]
    [TestCase("aac", -91.0, CheckStatus.Fail, "silent: loudest -91 dBFS over 4 s (below -60 dBFS); is the microphone on?")]
    [TestCase("aac", null, CheckStatus.Fail, "but no sound arrived")]
    [TestCase(null, null, CheckStatus.Warn, "the camera sends no audio: a silent track is added")]
    public void The_audio_check_fails_on_silence_and_warns_on_a_camera_without_audio(string? audio, double? maxDb, CheckStatus status, string detail)
    {
        var row = CameraVerdict.ForAudio(Sample(audio: audio, maxDb: maxDb) with { AudioMaxDb = maxDb });

        Assert.That((row.Check, row.Status), Is.EqualTo(("audio", status)));
        Assert.That(row.Detail, Does.Contain(detail));
    }

    [Test]
    public void Audio_is_not_judged_without_a_sample() =>
        Assert.That(CameraVerdict.ForAudio(null).Status, Is.EqualTo(CheckStatus.Skip));

    // camera codec, mode, instance type (known?, shortfall) → status and a part of the detail
    [TestCase("h264", VideoMode.Auto, "c5.large", true, null, CheckStatus.Pass, "copy: copying H.264; AAC 48 kHz audio copied; c5.large carries it")]
    [TestCase("hevc", VideoMode.Auto, "c5.large", true, null, CheckStatus.Warn, "transcode: the camera sends hevc, which FLV (RTMP) cannot carry")]
    [TestCase("hevc", VideoMode.Copy, "c5.large", true, null, CheckStatus.Fail, "copy: Encoder:Video:Mode is copy but the camera sends hevc")]
    [TestCase("hevc", VideoMode.Auto, "t3.micro", true, "its 2 vCPUs are fewer", CheckStatus.Fail, "t3.micro cannot carry it: its 2 vCPUs are fewer")]
    [TestCase("h264", VideoMode.Auto, "m7i.large", false, null, CheckStatus.Warn, "m7i.large is not in the launcher's table")]
    [TestCase("h264", VideoMode.Auto, null, false, null, CheckStatus.Pass, "instance type unknown (not on EC2)")]
    public void The_plan_check_says_copy_or_transcode_and_whether_this_instance_carries_it(
        string video, VideoMode mode, string? type, bool known, string? shortfall, CheckStatus status, string detail)
    {
        var plan = MediaPlan.Decide(Sample(video: video).Streams, mode);

        var row = CameraVerdict.ForPlan(plan, type, known, shortfall);

        Assert.That((row.Check, row.Status), Is.EqualTo(("plan", status)));
        Assert.That(row.Detail, Does.Contain(detail));
    }

    [Test]
    public void The_sample_runs_ffmpeg_on_the_camera_for_four_seconds_copying_video_and_measuring_audio()
    {
        var arguments = CameraSampler.Arguments(new CameraOptions { Url = "rtsp://cam/stream", TimeoutSeconds = 3 });

        Assert.That(string.Join(' ', arguments), Is.EqualTo(
            "-hide_banner -nostdin -nostats -v info -rtsp_transport tcp -timeout 3000000 -t 4 -i rtsp://cam/stream " +
            "-map 0:v:0 -map 0:a:0? -c:v copy -c:a pcm_s16le -af volumedetect -f framecrc pipe:1"));
    }
}

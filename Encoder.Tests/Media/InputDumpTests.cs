using Encoder.Media;

namespace Encoder.Tests.Media;

public sealed class InputDumpTests
{
    private const string Header = """
        [info] Input #0, rtsp, from 'rtsp://studio:***@127.0.0.1:45757/camera':
        [info]   Metadata:
        [info]     title           : Session streamed with GStreamer
        [info]     comment         : rtsp-server
        [info]   Duration: N/A, start: 0.000000, bitrate: N/A
        """;

    private const string SilentInput = """
        [info] Input #1, lavfi, from 'anullsrc=channel_layout=stereo:sample_rate=48000':
        [info]   Duration: N/A, start: 0.000000, bitrate: 768 kb/s
        [info]   Stream #1:0: Audio: pcm_u8, 48000 Hz, stereo, u8, 768 kb/s
        [info] Output #0, tee, to '[f=hls]index.m3u8|[f=mpegts]udp://127.0.0.1:40001':
        [info]   Stream #0:0: Video: h264 (High), yuv420p(progressive), 1920x1080, q=2-31, 30 fps, 90k tbn
        [info]   Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp, 128 kb/s
        """;

    private static CameraStreams? Read(params string[] lines)
    {
        var dump = new InputDump();
        foreach (var line in lines)
        {
            if (dump.Add(line) is { } streams)
                return streams;
        }

        return null;
    }

    private static string[] Lines(string text) => text.Split('\n');

    // FFmpeg 5.1's dump of the test camera's variants (dev/test-camera.py) and of cameras in the field.
    [TestCase("[info]   Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(tv, smpte170m, progressive), 320x240 [SAR 1:1 DAR 4:3], 30 fps, 30 tbr, 90k tbn",
        "[info]   Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp", "h264", 320, 240, "aac", 48000, 2, "LC")]
    [TestCase("[info]   Stream #0:0: Video: hevc (Rext), yuv444p12le(tv, smpte170m), 320x240 [SAR 1:1 DAR 4:3], 30 fps, 30 tbr, 90k tbn",
        "[info]   Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp", "hevc", 320, 240, "aac", 48000, 2, "LC")]
    [TestCase("[info]   Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 320x240 [SAR 1:1 DAR 4:3], 30 fps, 30 tbr, 90k tbn",
        "[info]   Stream #0:1: Audio: pcm_alaw, 8000 Hz, mono, s16, 64 kb/s", "mjpeg", 320, 240, "pcm_alaw", 8000, 1, null)]
    [TestCase("[info]   Stream #0:0: Video: h264 (Main), yuv420p(progressive), 1280x720, 25 fps, 25 tbr, 90k tbn",
        "[info]   Stream #0:1: Audio: pcm_mulaw, 8000 Hz, 1 channels, s16, 64 kb/s", "h264", 1280, 720, "pcm_mulaw", 8000, 1, null)]
    [TestCase("[info]   Stream #0:0: Video: h264 (High), yuv420p(tv, bt709, progressive), 1920x1080, 30 tbr, 90k tbn",
        "[info]   Stream #0:1: Audio: aac (HE-AAC), 48000 Hz, stereo, fltp", "h264", 1920, 1080, "aac", 48000, 2, "HE-AAC")]
    [TestCase("[info]   Stream #0:0: Video: h264 (Main), yuv420p(progressive), 1280x720, 30 fps, 30 tbr, 90k tbn",
        "[info]   Stream #0:1: Audio: aac (LC), 16000 Hz, mono, fltp", "h264", 1280, 720, "aac", 16000, 1, "LC")]
    [TestCase("[info]   Stream #0:0: Video: h264 (Main), yuv420p(progressive), 1280x720, 30 fps, 30 tbr, 90k tbn",
        "[info]   Stream #0:1: Audio: aac, fltp", "h264", 1280, 720, "aac", null, null, null)]
    [TestCase("[info]   Stream #0:0: Video: h264, none, 90k tbr, 90k tbn",
        "[info]   Stream #0:1: Audio: aac (LC), 0 channels", "h264", null, null, "aac", null, null, "LC")]
    [TestCase("[info]   Stream #0:0[0x100]: Video: h264 (High) ([27][0][0][0] / 0x001B), yuv420p(progressive), 640x360, 30 fps, 90k tbn",
        "[info]   Stream #0:1[0x101](und): Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz, 5.1, fltp, 384 kb/s", "h264", 640, 360, "aac", 48000, null, "LC")]
    public void Reads_the_cameras_first_video_and_audio_stream_from_the_recorders_input_dump(
        string videoLine, string audioLine, string video, int? width, int? height, string audio, int? rate, int? channels, string? profile)
    {
        var streams = Read([.. Lines(Header), videoLine, audioLine, .. Lines(SilentInput)]);

        Assert.That(streams, Is.EqualTo(new CameraStreams(video, width, height, audio, rate, channels, profile)));
    }

    [Test]
    public void A_camera_without_audio_has_none_and_the_silent_input_and_the_output_are_not_the_camera()
    {
        var streams = Read([.. Lines(Header),
            "[info]   Stream #0:0: Video: h264 (Constrained Baseline), yuv420p(tv, smpte170m, progressive), 320x240 [SAR 1:1 DAR 4:3], 30 fps, 30 tbr, 90k tbn",
            .. Lines(SilentInput)]);

        Assert.That(streams, Is.EqualTo(new CameraStreams("h264", 320, 240, null)));
    }

    [Test]
    public void An_error_right_after_the_dump_ends_it()
    {
        var streams = Read([.. Lines(Header),
            "[info]   Stream #0:0: Video: h264 (Main), yuv420p(progressive), 1280x720, 30 fps, 30 tbr, 90k tbn",
            "[fatal] Stream map '0:a:0' matches no streams."]);

        Assert.That(streams, Is.EqualTo(new CameraStreams("h264", 1280, 720, null)));
    }

    [Test]
    public void A_run_that_ends_with_the_dump_still_says_what_it_saw_once()
    {
        var dump = new InputDump();
        foreach (var line in Lines(Header))
            Assert.That(dump.Add(line), Is.Null);
        Assert.That(dump.Add("[info]   Stream #0:0: Video: hevc (Main), yuv420p(tv), 1920x1080, 25 fps, 25 tbr, 90k tbn"), Is.Null);

        Assert.That((dump.End(), dump.End()), Is.EqualTo((new CameraStreams("hevc", 1920, 1080, null), (CameraStreams?)null)));
    }

    [Test]
    public void Says_the_streams_once_even_when_FFmpeg_dumps_more_later()
    {
        var dump = new InputDump();
        var said = Lines(Header).Concat(["[info]   Stream #0:0: Video: h264 (Main), yuv420p, 1280x720, 30 fps, 90k tbn"]).Concat(Lines(SilentInput))
            .Concat(Lines(Header)).Concat(["[info]   Stream #0:0: Video: hevc (Main), yuv420p, 1280x720, 30 fps, 90k tbn", "[info] Press [q] to stop"])
            .Select(dump.Add).Where(s => s is not null).ToList();

        Assert.That((said.Count, dump.End()), Is.EqualTo((1, (CameraStreams?)null)));
    }

    [TestCase("[rtsp @ 0x5581a8f0c2c0] [error] method DESCRIBE failed: 404 Not Found")]
    [TestCase("[tcp @ 0x5581a8f0c2c0] [error] Connection to tcp://127.0.0.1:554?timeout=5000000 failed: Connection refused")]
    [TestCase("[info]   Stream #0:0: Video: h264 (Main), yuv420p, 1280x720, 30 fps, 90k tbn")]
    public void Without_the_cameras_dump_nothing_is_said(string line)
    {
        var dump = new InputDump();

        Assert.That((dump.Add(line), dump.End()), Is.EqualTo(((CameraStreams?)null, (CameraStreams?)null)));
    }

    [Test]
    public void A_dump_without_a_video_stream_says_nothing() =>
        Assert.That(Read([.. Lines(Header), "[info]   Stream #0:0: Audio: aac (LC), 48000 Hz, stereo, fltp", "[info] Output #0, tee, to 'x':"]), Is.Null);

    [Test]
    public void Lines_without_the_level_tag_are_read_too() =>
        Assert.That(Read("Input #0, rtsp, from 'rtsp://cam/s':", "  Stream #0:0: Video: h264 (Main), yuv420p, 1280x720, 30 fps, 90k tbn", "Output #0, tee, to 'x':"),
            Is.EqualTo(new CameraStreams("h264", 1280, 720, null)));
}

using Encoder.Configuration;
using Encoder.Ffmpeg;

namespace Encoder.Tests.Ffmpeg;

public sealed class FfmpegArgumentsTests
{
    private static EncoderOptions Options(VideoMode mode = VideoMode.Copy, string primary = "rtmp://a.example.com/live/key1") => new()
    {
        SessionId = "s",
        Camera = new CameraOptions { Url = "rtsp://u:p@10.0.0.5/s", TimeoutSeconds = 5 },
        Ingest = new IngestOptions { Primary = primary },
        Recording = new RecordingOptions { SegmentSeconds = 6 },
        Video = new VideoOptions { Mode = mode, Preset = "veryfast", BitrateKbps = 3000 },
    };

    private static string Value(IReadOnlyList<string> args, string flag) => args[args.ToList().IndexOf(flag) + 1];

    [Test]
    public void Pulls_the_camera_over_tcp_with_a_socket_timeout_and_reports_progress_on_stdout()
    {
        var args = FfmpegArguments.Build(Options(), continuesRecording: false);

        Assert.That(Value(args, "-rtsp_transport"), Is.EqualTo("tcp"));
        Assert.That(Value(args, "-timeout"), Is.EqualTo("5000000"));
        Assert.That(Value(args, "-i"), Is.EqualTo("rtsp://u:p@10.0.0.5/s"));
        Assert.That(Value(args, "-progress"), Is.EqualTo("pipe:1"));
        Assert.That(Value(args, "-stats_period"), Is.EqualTo("1"));
        Assert.That(args, Does.Not.Contain("-nostdin"), "stopping with 'q' needs stdin");
    }

    [Test]
    public void Maps_the_first_video_and_an_optional_audio_stream_and_encodes_AAC_48kHz_128k_stereo()
    {
        var args = FfmpegArguments.Build(Options(), continuesRecording: false);

        Assert.That(string.Join(' ', args), Does.Contain("-map 0:v:0 -map 0:a:0? "));
        Assert.That(string.Join(' ', args), Does.Contain("-c:a aac -ar 48000 -ac 2 -b:a 128k"));
    }

    [TestCase(VideoMode.Copy, "-c:v copy")]
    [TestCase(VideoMode.Transcode, "-c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 3000k -maxrate 3000k -bufsize 6000k -force_key_frames expr:gte(t,n_forced*6) -sc_threshold 0 -flags +global_header")]
    public void Video_is_copied_or_transcoded_with_a_keyframe_on_every_segment_boundary(VideoMode mode, string expected) =>
        Assert.That(string.Join(' ', FfmpegArguments.Build(Options(mode), continuesRecording: false)), Does.Contain(expected));

    [TestCase(false, "[f=hls:hls_time=6:hls_list_size=0:hls_playlist_type=event:hls_flags=temp_file:hls_segment_filename=seg_%05d.ts]index.m3u8")]
    [TestCase(true, "[f=hls:hls_time=6:hls_list_size=0:hls_playlist_type=event:hls_flags=append_list+temp_file:hls_segment_filename=seg_%05d.ts]index.m3u8")]
    public void Records_HLS_with_a_playlist_complete_from_the_first_segment_and_continues_it_after_a_restart(bool continues, string expectedHls)
    {
        var tee = FfmpegArguments.Build(Options(), continues)[^1];

        Assert.That(tee.Split('|')[0], Is.EqualTo(expectedHls));
    }

    [Test]
    public void Pushes_FLV_to_the_ingest_behind_a_recovering_fifo_so_an_ingest_fault_never_stops_the_recording()
    {
        var args = FfmpegArguments.Build(Options(), continuesRecording: false);

        Assert.That(Value(args, "-f"), Is.EqualTo("tee"));
        Assert.That(args[^1].Split('|')[1], Is.EqualTo(
            @"[f=flv:onfail=ignore:use_fifo=1:fifo_options=drop_pkts_on_overflow=1\\\:attempt_recovery=1\\\:recovery_wait_time=1\\\:max_recovery_attempts=0]rtmp://a.example.com/live/key1"));
    }

    [TestCase("rtmp://h/live/plain-key", "rtmp://h/live/plain-key")]
    [TestCase("rtmp://h/live/a|b", @"rtmp://h/live/a\|b")]
    [TestCase(@"rtmp://h/live/it's\[x]", @"rtmp://h/live/it\'s\\\[x\]")]
    public void Escapes_tee_syntax_in_the_ingest_url(string url, string expected) =>
        Assert.That(FfmpegArguments.EscapeTeeTarget(url), Is.EqualTo(expected));
}

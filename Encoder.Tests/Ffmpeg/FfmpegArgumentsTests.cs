using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Media;
using Encoder.Recorder;

namespace Encoder.Tests.Ffmpeg;

public sealed class FfmpegArgumentsTests
{

    private static EncoderOptions Options(VideoMode mode = VideoMode.Copy) => new()
    {
        SessionId = "s",
        Camera = new CameraOptions { Url = "rtsp://u:p@10.0.0.5/s", TimeoutSeconds = 5 },
        Ingest = new IngestOptions { Primary = "rtmp://a.example.com/live/key1" },
        Recording = new RecordingOptions { SegmentSeconds = 6 },
        Video = new VideoOptions { Mode = mode, Preset = "veryfast", BitrateKbps = 3000 },
    };

    private static readonly MediaPlan CopyH264WithAudio = Plan(VideoPlan.Copy, AudioPlan.Encode);

    private static MediaPlan Plan(VideoPlan video, AudioPlan audio) => new(video, audio, PlanConcern.None, "test");

    private const string RelayIn = "/tmp/encoder-relay-x/input.sock";
    private const string RelayOut = "/tmp/encoder-relay-x/output.sock";

    private static IReadOnlyList<string> Recorder(MediaPlan? plan = null, bool continues = false) =>
        RecorderArguments.For(Options(), plan ?? CopyH264WithAudio, continues, relayInput: RelayIn);

    private static string Value(IReadOnlyList<string> args, string flag) => args[args.ToList().IndexOf(flag) + 1];

    [Test]
    public void The_recorder_pulls_the_camera_over_tcp_with_a_socket_timeout_and_reports_progress_on_stdout()
    {
        var args = Recorder();

        Assert.That(Value(args, "-rtsp_transport"), Is.EqualTo("tcp"));
        Assert.That(Value(args, "-timeout"), Is.EqualTo("5000000"));
        Assert.That(Value(args, "-i"), Is.EqualTo("rtsp://u:p@10.0.0.5/s"));
        Assert.That(Value(args, "-progress"), Is.EqualTo("pipe:1"));
        Assert.That(Value(args, "-stats_period"), Is.EqualTo("0.25"));
        Assert.That(args, Does.Not.Contain("-nostdin"), "stopping with 'q' needs stdin");
    }

    [TestCase(false, "-timeout 5000000 -i rtsp://u:p@10.0.0.5/s")]
    [TestCase(true, "-timeout 5000000 -analyzeduration 500000 -i rtsp://u:p@10.0.0.5/s")]
    public void A_camera_whose_streams_are_known_is_analysed_for_half_a_second_not_FFmpegs_default_five(bool known, string expected) =>
        Assert.That(string.Join(' ', RecorderArguments.For(Options(), CopyH264WithAudio, false, RelayIn, cameraKnown: known)), Does.Contain(expected));

    // Each case: the plan's audio, the inputs after the camera's, and the maps. Whatever the source, the output is AAC 48 kHz 128k stereo.
    [TestCase(AudioPlan.Encode, "", "-map 0:v:0 -map 0:a:0 ")]
    [TestCase(AudioPlan.Silent, "-f lavfi -i anullsrc=channel_layout=stereo:sample_rate=48000 ", "-map 0:v:0 -map 1:a:0 ")]
    [TestCase(AudioPlan.EncodeIfPresent, "", "-map 0:v:0 -map 0:a:0? ")]
    public void The_recorder_maps_the_first_video_and_the_planned_audio_and_always_sends_AAC_48kHz_128k_stereo(AudioPlan audio, string extraInput, string maps)
    {
        var args = string.Join(' ', Recorder(Plan(VideoPlan.Copy, audio)));

        Assert.That(args, Does.Contain("-i rtsp://u:p@10.0.0.5/s " + extraInput + maps));
        Assert.That(args, Does.Contain("-c:a aac -ar 48000 -ac 2 -b:a 128k"));
    }

    [Test]
    public void Audio_the_camera_already_sends_as_AAC_48kHz_is_copied_not_encoded()
    {
        var args = string.Join(' ', Recorder(Plan(VideoPlan.Copy, AudioPlan.Copy)));

        Assert.That(args, Does.Contain("-map 0:v:0 -map 0:a:0 -c:v copy -c:a copy -f tee"));
        Assert.That(args, Does.Not.Contain("anullsrc").And.Not.Contain("-b:a"));
    }

    [TestCase(VideoPlan.Copy, "-c:v copy")]
    [TestCase(VideoPlan.Transcode, "-c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 3000k -maxrate 3000k -bufsize 6000k -force_key_frames expr:gte(t,n_forced*6) -sc_threshold 0 -flags +global_header")]
    public void Video_is_copied_or_transcoded_with_a_keyframe_on_every_segment_boundary(VideoPlan video, string expected) =>
        Assert.That(string.Join(' ', Recorder(Plan(video, AudioPlan.Encode))), Does.Contain(expected));

    [TestCase("h264", "aac", VideoMode.Auto, "-c:v copy", "-map 0:v:0 -map 0:a:0 ")]
    [TestCase("hevc", "aac", VideoMode.Auto, "-c:v libx264", "-map 0:v:0 -map 0:a:0 ")]
    [TestCase("mjpeg", "pcm_alaw", VideoMode.Auto, "-c:v libx264", "-map 0:v:0 -map 0:a:0 ")]
    [TestCase("h264", null, VideoMode.Auto, "-c:v copy", "anullsrc=channel_layout=stereo:sample_rate=48000 -map 0:v:0 -map 1:a:0 ")]
    [TestCase("hevc", null, VideoMode.Copy, "-c:v copy", "-map 0:v:0 -map 1:a:0 ")]
    [TestCase("h264", "aac", VideoMode.Transcode, "-c:v libx264", "-map 0:v:0 -map 0:a:0 ")]
    [TestCase("h264", "aac48", VideoMode.Auto, "-c:v copy -c:a copy", "-map 0:v:0 -map 0:a:0 ")]
    [TestCase("hevc", "aac48", VideoMode.Auto, "-c:a copy", "-map 0:v:0 -map 0:a:0 ")]
    public void What_the_camera_sends_becomes_the_recorders_arguments(string video, string? audio, VideoMode mode, string codec, string maps)
    {
        var plan = MediaPlan.Decide(audio == "aac48" ? new CameraStreams(video, 1280, 720, "aac", 48_000, 2, "LC") : new CameraStreams(video, 1280, 720, audio), mode);
        var args = string.Join(' ', RecorderArguments.For(Options(mode), plan, false, RelayIn));

        Assert.That(args, Does.Contain(codec).And.Contain(maps));
    }

    [TestCase(false, "[f=hls:hls_time=6:hls_list_size=0:hls_playlist_type=event:hls_flags=temp_file:hls_segment_filename=seg_%05d.ts]index.m3u8")]
    [TestCase(true, "[f=hls:hls_time=6:hls_list_size=0:hls_playlist_type=event:hls_flags=append_list+temp_file:hls_segment_filename=seg_%05d.ts]index.m3u8")]
    public void Records_HLS_with_a_playlist_complete_from_the_first_segment_and_continues_it_after_a_restart(bool continues, string expectedHls) =>
        Assert.That(Recorder(continues: continues)[^1].Split('|')[0], Is.EqualTo(expectedHls));

    [Test]
    public void The_recorder_relays_MPEG_TS_over_the_relay_s_unix_socket_and_waits_for_it_at_most_two_seconds()
    {
        var args = Recorder();

        Assert.That(Value(args, "-f"), Is.EqualTo("tee"));
        Assert.That(args[^1].Split('|').Skip(1), Is.EqualTo(new[] { "[f=mpegts:onfail=ignore:flush_packets=0:pes_payload_size=0:rw_timeout=2000000:timeout=2000]unix:/tmp/encoder-relay-x/input.sock" }));
        Assert.That(string.Join(' ', args), Does.Not.Contain("rtmp://"), "the recorder never talks to an ingest");
    }

    [TestCase(1.0, 500)]
    [TestCase(3.0, 1500)]
    [TestCase(5.0, 2000)]
    [TestCase(120.0, 2000)]
    public void The_recorder_waits_on_the_relay_for_two_seconds_or_half_the_stall_time_whichever_is_less(double stallSeconds, int milliseconds) =>
        Assert.That(RecorderArguments.RelayWriteTimeout(new FfmpegOptions { StallSeconds = stallSeconds }), Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));

    [Test]
    public void An_egress_copies_the_relay_to_its_ingest_as_FLV_with_a_socket_timeout()
    {
        var args = FfmpegArguments.Egress(RelayOut, "rtmp://b.example.com/live/key2", timeoutSeconds: 5, new TlsOptions());

        Assert.That(string.Join(' ', args), Does.EndWith(
            "-analyzeduration 500000 -fpsprobesize 0 -f mpegts -i unix:/tmp/encoder-relay-x/output.sock -map 0:v:0 -map 0:a:0? -c copy -rw_timeout 5000000 -flvflags no_duration_filesize -f flv rtmp://b.example.com/live/key2"));
        Assert.That(Value(args, "-progress"), Is.EqualTo("pipe:1"));
    }

    private const string Pinned = "/etc/encoder/cdn-ca.pem";

    [TestCase("rtmp://b.example.com/live/key2", true, null, "")]
    [TestCase("rtmp://b.example.com/live/key2", false, null, "")]
    [TestCase("rtmps://b.example.com:443/live/key2", true, null, "-tls_verify 1 -ca_file /etc/ssl/certs/ca-certificates.crt")]
    [TestCase("rtmps://b.example.com:443/live/key2", true, Pinned, "-tls_verify 1 -ca_file /etc/encoder/cdn-ca.pem")]
    [TestCase("rtmps://b.example.com:443/live/key2", false, null, "-tls_verify 0")]
    [TestCase("rtmps://b.example.com:443/live/key2", false, Pinned, "-tls_verify 0")]
    [TestCase("RTMPS://b.example.com/live/key2", true, null, "-tls_verify 1 -ca_file /etc/ssl/certs/ca-certificates.crt")]
    public void An_rtmps_egress_verifies_the_ingest_s_certificate_against_the_system_or_pinned_CAs_unless_told_not_to(
        string url, bool verify, string? caFile, string expectedTls)
    {
        var tls = new TlsOptions { Verify = verify, CaFile = caFile ?? TlsOptions.SystemCaFile };

        var args = string.Join(' ', FfmpegArguments.Egress(RelayOut, url, timeoutSeconds: 5, tls));

        Assert.That(args, Does.EndWith($"-flvflags no_duration_filesize {expectedTls}{(expectedTls.Length > 0 ? " " : "")}-f flv {url}"),
            "output options go before the URL they apply to");
    }

    [TestCase("rtsp://u:p@10.0.0.5/s", true)]
    [TestCase("rtsps://u:p@10.0.0.5/s", false)]
    public void The_recorder_gets_no_TLS_options_FFmpeg_5_1_s_RTSP_would_refuse_them(string cameraUrl, bool verify)
    {
        var options = Options() with { Camera = new CameraOptions { Url = cameraUrl }, Tls = new TlsOptions { Verify = verify, CaFile = Pinned } };

        var args = RecorderArguments.For(options, CopyH264WithAudio, continuesRecording: false, relayInput: RelayIn);

        Assert.That(args, Has.None.StartsWith("-tls").And.None.StartsWith("-ca_file"));
    }
}

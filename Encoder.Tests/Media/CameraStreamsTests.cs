using Encoder.Configuration;
using Encoder.Media;

namespace Encoder.Tests.Media;

public sealed class CameraStreamsTests
{
    // ffprobe -show_entries stream=codec_type,codec_name,width,height -of json, as it answered the test camera's variants.
    [TestCase("""{"programs":[],"streams":[{"codec_name":"hevc","codec_type":"video","width":320,"height":180},{"codec_name":"aac","codec_type":"audio"}]}""", "hevc", 320, 180, "aac")]
    [TestCase("""{"programs":[],"streams":[{"codec_name":"mjpeg","codec_type":"video","width":320,"height":240},{"codec_name":"pcm_alaw","codec_type":"audio"}]}""", "mjpeg", 320, 240, "pcm_alaw")]
    [TestCase("""{"programs":[],"streams":[{"codec_name":"h264","codec_type":"video","width":320,"height":180}]}""", "h264", 320, 180, null)]
    [TestCase("""{"streams":[{"codec_type":"audio","codec_name":"aac"},{"codec_type":"video","codec_name":"h264","width":0,"height":0},{"codec_type":"video","codec_name":"hevc"}]}""", "h264", null, null, "aac")]
    [TestCase("""{"streams":[{"codec_type":"data"},{"codec_type":"video","codec_name":"h264"},{"codec_type":"audio"},{"codec_type":"audio","codec_name":"pcm_mulaw"}]}""", "h264", null, null, "pcm_mulaw")]
    public void Reads_the_first_video_and_the_first_audio_stream_from_ffprobes_JSON(string json, string video, int? width, int? height, string? audio) =>
        Assert.That(CameraStreams.FromFfprobeJson(json), Is.EqualTo(new CameraStreams(video, width, height, audio)));

    // ffprobe -show_entries stream=codec_type,codec_name,profile,width,height,sample_rate,channels -of json, as it answered the test camera.
    [TestCase("""{"programs":[],"streams":[{"codec_name":"h264","profile":"Constrained Baseline","codec_type":"video","width":320,"height":240},{"codec_name":"aac","profile":"LC","codec_type":"audio","sample_rate":"48000","channels":2}]}""", "aac", 48000, 2, "LC")]
    [TestCase("""{"programs":[],"streams":[{"codec_name":"mjpeg","profile":"Baseline","codec_type":"video","width":320,"height":240},{"codec_name":"pcm_alaw","codec_type":"audio","sample_rate":"8000","channels":1}]}""", "pcm_alaw", 8000, 1, null)]
    [TestCase("""{"streams":[{"codec_name":"h264","codec_type":"video"},{"codec_name":"aac","profile":"unknown","codec_type":"audio","sample_rate":"0","channels":0}]}""", "aac", null, null, null)]
    public void Reads_the_audios_profile_sample_rate_and_channels(string json, string audio, int? rate, int? channels, string? profile)
    {
        var streams = CameraStreams.FromFfprobeJson(json);

        Assert.That((streams?.AudioCodec, streams?.AudioSampleRate, streams?.AudioChannels, streams?.AudioProfile), Is.EqualTo((audio, rate, channels, profile)));
    }

    [TestCase("""{"programs":[],"streams":[{"codec_name":"aac","codec_type":"audio"}]}""")]
    [TestCase("""{"streams":[]}""")]
    [TestCase("{}")]
    [TestCase("")]
    [TestCase("rtsp://127.0.0.1:8554/camera: Invalid data found when processing input")]
    [TestCase("""{"streams":{"codec_type":"video"}}""")]
    public void Without_a_video_stream_nothing_is_known(string output) =>
        Assert.That(CameraStreams.FromFfprobeJson(output), Is.Null);

    [Test]
    public void Describes_itself_for_the_log() =>
        Assert.That((new CameraStreams("hevc", 1920, 1080, "aac").ToString(), new CameraStreams("mjpeg", null, null, null).ToString(),
                new CameraStreams("h264", 1280, 720, "aac", 48_000, 2, "LC").ToString()),
            Is.EqualTo(("hevc 1920x1080 + aac", "mjpeg, no audio", "h264 1280x720 + aac (LC) 48000 Hz 2ch")));

    [Test]
    public void ffprobe_pulls_the_camera_as_the_recorder_does_over_TCP_with_its_socket_timeout_and_reads_only_its_description()
    {
        var args = FfprobeCamera.Arguments(new CameraOptions { Url = "rtsp://u:p@10.0.0.5/s", TimeoutSeconds = 3 });

        Assert.That(string.Join(' ', args), Is.EqualTo(
            "-v error -rtsp_transport tcp -timeout 3000000 -analyzeduration 0 -probesize 32 -show_entries stream=codec_type,codec_name,profile,width,height,sample_rate,channels -of json rtsp://u:p@10.0.0.5/s"));
    }

    [TestCase("ffmpeg", "ffprobe")]
    [TestCase("/opt/ffmpeg/bin/ffmpeg", "/opt/ffmpeg/bin/ffprobe")]
    [TestCase("./ffmpeg", "./ffprobe")]
    public void ffprobe_is_the_one_beside_FFmpeg(string ffmpeg, string ffprobe) =>
        Assert.That(FfprobeCamera.FfprobePath(ffmpeg), Is.EqualTo(ffprobe));
}

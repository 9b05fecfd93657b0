using Encoder.Configuration;
using Encoder.Media;

namespace Encoder.Tests.Media;

public sealed class MediaPlanTests
{
    // Each case: what the camera sends (null video: never probed), Encoder:Video:Mode → the plan and how loudly it is said.
    [TestCase("h264", "aac", VideoMode.Auto, VideoPlan.Copy, AudioPlan.Encode, PlanConcern.None)]
    [TestCase("h264", "aac", VideoMode.Copy, VideoPlan.Copy, AudioPlan.Encode, PlanConcern.None)]
    [TestCase("h264", "aac", VideoMode.Transcode, VideoPlan.Transcode, AudioPlan.Encode, PlanConcern.None)]
    [TestCase("hevc", "aac", VideoMode.Auto, VideoPlan.Transcode, AudioPlan.Encode, PlanConcern.Warning)]
    [TestCase("hevc", "aac", VideoMode.Copy, VideoPlan.Copy, AudioPlan.Encode, PlanConcern.Error)]
    [TestCase("hevc", "aac", VideoMode.Transcode, VideoPlan.Transcode, AudioPlan.Encode, PlanConcern.None)]
    [TestCase("mjpeg", "pcm_alaw", VideoMode.Auto, VideoPlan.Transcode, AudioPlan.Encode, PlanConcern.Warning)]
    [TestCase("mjpeg", "pcm_alaw", VideoMode.Copy, VideoPlan.Copy, AudioPlan.Encode, PlanConcern.Error)]
    [TestCase("mpeg4", "aac", VideoMode.Auto, VideoPlan.Transcode, AudioPlan.Encode, PlanConcern.Warning)]
    [TestCase("h264", null, VideoMode.Auto, VideoPlan.Copy, AudioPlan.Silent, PlanConcern.None)]
    [TestCase("h264", null, VideoMode.Transcode, VideoPlan.Transcode, AudioPlan.Silent, PlanConcern.None)]
    [TestCase("hevc", null, VideoMode.Auto, VideoPlan.Transcode, AudioPlan.Silent, PlanConcern.Warning)]
    [TestCase("h264", "pcm_mulaw", VideoMode.Auto, VideoPlan.Copy, AudioPlan.Encode, PlanConcern.None)]
    [TestCase("h264", "opus", VideoMode.Auto, VideoPlan.Copy, AudioPlan.Encode, PlanConcern.None)]
    [TestCase(null, null, VideoMode.Auto, VideoPlan.Transcode, AudioPlan.EncodeIfPresent, PlanConcern.Warning)]
    [TestCase(null, null, VideoMode.Copy, VideoPlan.Copy, AudioPlan.EncodeIfPresent, PlanConcern.Warning)]
    [TestCase(null, null, VideoMode.Transcode, VideoPlan.Transcode, AudioPlan.EncodeIfPresent, PlanConcern.None)]
    public void What_the_camera_sends_and_the_video_mode_decide_the_plan(
        string? video, string? audio, VideoMode mode, VideoPlan expectedVideo, AudioPlan expectedAudio, PlanConcern expectedConcern)
    {
        var camera = video is null ? null : new CameraStreams(video, 1280, 720, audio);

        var plan = MediaPlan.Decide(camera, mode);

        Assert.That((plan.Video, plan.Audio, plan.Concern), Is.EqualTo((expectedVideo, expectedAudio, expectedConcern)));
    }

    // Each case: the camera's audio codec, profile, sample rate and channels → copied or encoded (the video is H.264 and copied).
    [TestCase("aac", "LC", 48_000, 2, AudioPlan.Copy)]
    [TestCase("aac", "LC", 48_000, 1, AudioPlan.Copy)]
    [TestCase("AAC", "lc", 48_000, 2, AudioPlan.Copy)]
    [TestCase("aac", "LC", 44_100, 2, AudioPlan.Encode)]
    [TestCase("aac", "LC", 16_000, 1, AudioPlan.Encode)]
    [TestCase("aac", "LC", 8_000, 1, AudioPlan.Encode)]
    [TestCase("aac", "LC", 48_000, 6, AudioPlan.Encode)]
    [TestCase("aac", "HE-AAC", 48_000, 2, AudioPlan.Encode)]
    [TestCase("aac", null, 48_000, 2, AudioPlan.Encode)]
    [TestCase("aac", "LC", null, 2, AudioPlan.Encode)]
    [TestCase("aac", "LC", 48_000, null, AudioPlan.Encode)]
    [TestCase("pcm_alaw", null, 8_000, 1, AudioPlan.Encode)]
    [TestCase("opus", null, 48_000, 2, AudioPlan.Encode)]
    public void Audio_that_is_already_AAC_LC_at_48kHz_mono_or_stereo_is_copied_anything_else_encoded(
        string codec, string? profile, int? rate, int? channels, AudioPlan expected)
    {
        var plan = MediaPlan.Decide(new CameraStreams("h264", 1280, 720, codec, rate, channels, profile), VideoMode.Auto);

        Assert.That((plan.Video, plan.Audio, plan.Concern), Is.EqualTo((VideoPlan.Copy, expected, PlanConcern.None)));
    }

    [Test]
    public void Copied_audio_is_said_in_the_plans_reason() =>
        Assert.That(MediaPlan.Decide(new CameraStreams("h264", 1280, 720, "aac", 48_000, 2, "LC"), VideoMode.Auto).Reason,
            Is.EqualTo("copying H.264; AAC 48 kHz audio copied"));

    [Test]
    public void Transcoding_in_auto_mode_warns_naming_the_setting_and_the_codec()
    {
        var plan = MediaPlan.Decide(new CameraStreams("hevc", 1920, 1080, "aac"), VideoMode.Auto);

        Assert.That(plan.Reason, Does.Contain("Encoder:Video:Mode").And.Contain("hevc").And.Contain("auto"));
    }

    [Test]
    public void Forcing_copy_of_a_codec_FLV_cannot_carry_is_an_error_naming_the_setting_the_codec_and_the_fix()
    {
        var plan = MediaPlan.Decide(new CameraStreams("mjpeg", 640, 480, null), VideoMode.Copy);

        Assert.That(plan.Reason, Does.Contain("Encoder:Video:Mode is copy").And.Contain("mjpeg").And.Contain("Encoder:Video:Mode=auto"));
    }

    [TestCase("H264")]
    [TestCase("h264")]
    public void H264_is_recognised_in_any_case(string codec) =>
        Assert.That(MediaPlan.Decide(new CameraStreams(codec, null, null, "aac"), VideoMode.Auto).Video, Is.EqualTo(VideoPlan.Copy));
}

using Encoder.Configuration;
using Encoder.Media;

namespace Encoder.Tests.Media;

public sealed class PlanCheckTests
{
    private static readonly Dictionary<string, CameraStreams?> Cameras = new()
    {
        ["unknown"] = null,
        ["h264+aac48"] = new("h264", 1280, 720, "aac", 48_000, 2, "LC"),
        ["h264+aac48 1080p"] = new("h264", 1920, 1080, "aac", 48_000, 2, "LC"),
        ["h264+aac48 mono"] = new("h264", 1280, 720, "aac", 48_000, 1, "LC"),
        ["h264+aac16"] = new("h264", 1280, 720, "aac", 16_000, 1, "LC"),
        ["h264+pcma"] = new("h264", 1280, 720, "pcm_alaw", 8_000, 1),
        ["h264+pcmu"] = new("h264", 1280, 720, "pcm_mulaw", 8_000, 1),
        ["h264"] = new("h264", 1280, 720, null),
        ["hevc+aac48"] = new("hevc", 1280, 720, "aac", 48_000, 2, "LC"),
        ["hevc+pcma"] = new("hevc", 1280, 720, "pcm_alaw", 8_000, 1),
        ["mjpeg"] = new("mjpeg", 640, 480, null),
    };

    // Each case: what the running plan was made for, what the recorder sees, the mode → restart, and the plan for what it sees.
    [TestCase("h264+aac48", "h264+aac48", VideoMode.Auto, false, VideoPlan.Copy, AudioPlan.Copy)]
    [TestCase("h264+aac48", "h264+aac48 1080p", VideoMode.Auto, false, VideoPlan.Copy, AudioPlan.Copy)]
    [TestCase("h264+aac48", "h264+aac48 mono", VideoMode.Auto, false, VideoPlan.Copy, AudioPlan.Copy)]
    [TestCase("h264+pcma", "h264+pcmu", VideoMode.Auto, false, VideoPlan.Copy, AudioPlan.Encode)]
    [TestCase("h264+pcma", "h264+aac16", VideoMode.Auto, false, VideoPlan.Copy, AudioPlan.Encode)]
    [TestCase("h264+aac48", "h264+aac16", VideoMode.Auto, true, VideoPlan.Copy, AudioPlan.Encode)]
    [TestCase("h264+pcma", "h264+aac48", VideoMode.Auto, true, VideoPlan.Copy, AudioPlan.Copy)]
    [TestCase("h264+aac48", "h264", VideoMode.Auto, true, VideoPlan.Copy, AudioPlan.Silent)]
    [TestCase("h264", "h264+pcma", VideoMode.Auto, true, VideoPlan.Copy, AudioPlan.Encode)]
    [TestCase("h264+aac48", "hevc+aac48", VideoMode.Auto, true, VideoPlan.Transcode, AudioPlan.Copy)]
    [TestCase("hevc+aac48", "h264+aac48", VideoMode.Auto, true, VideoPlan.Copy, AudioPlan.Copy)]
    [TestCase("hevc+pcma", "mjpeg", VideoMode.Auto, true, VideoPlan.Transcode, AudioPlan.Silent)]
    [TestCase("hevc+pcma", "h264+pcma", VideoMode.Transcode, false, VideoPlan.Transcode, AudioPlan.Encode)]
    [TestCase("h264+aac48", "hevc+aac48", VideoMode.Copy, false, VideoPlan.Copy, AudioPlan.Copy)]
    [TestCase("unknown", "h264+pcma", VideoMode.Auto, true, VideoPlan.Copy, AudioPlan.Encode)]
    [TestCase("unknown", "hevc+pcma", VideoMode.Auto, false, VideoPlan.Transcode, AudioPlan.Encode)]
    [TestCase("unknown", "hevc+aac48", VideoMode.Auto, true, VideoPlan.Transcode, AudioPlan.Copy)]
    [TestCase("unknown", "h264+pcma", VideoMode.Transcode, false, VideoPlan.Transcode, AudioPlan.Encode)]
    [TestCase("unknown", "h264", VideoMode.Transcode, true, VideoPlan.Transcode, AudioPlan.Silent)]
    [TestCase("unknown", "h264+pcma", VideoMode.Copy, false, VideoPlan.Copy, AudioPlan.Encode)]
    public void The_recorder_restarts_only_when_what_it_sees_changes_the_plan(
        string known, string seen, VideoMode mode, bool restart, VideoPlan video, AudioPlan audio)
    {
        var check = PlanCheck.Decide(Cameras[known], Cameras[seen]!, mode);

        Assert.That((check.Restart, check.Plan.Video, check.Plan.Audio), Is.EqualTo((restart, video, audio)));
    }

    [TestCase("h264+aac48", "hevc+aac48", "video h264 → hevc")]
    [TestCase("h264+aac48", "h264+pcma", "audio aac (LC) 48000 Hz 2ch → pcm_alaw 8000 Hz 1ch")]
    [TestCase("h264+aac48", "h264", "audio aac (LC) 48000 Hz 2ch → no audio")]
    [TestCase("hevc+pcma", "h264+aac48", "video hevc → h264, audio pcm_alaw 8000 Hz 1ch → aac (LC) 48000 Hz 2ch")]
    [TestCase("unknown", "h264", "the camera was never probed and sends h264 1280x720, no audio")]
    public void A_restart_says_what_changed(string known, string seen, string changed) =>
        Assert.That(PlanCheck.Decide(Cameras[known], Cameras[seen]!, VideoMode.Auto).Changed, Is.EqualTo(changed));
}

using Encoder.Configuration;
using Encoder.Media;
using Encoder.Status;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Media;

public sealed class MediaPlannerTests
{
    private static readonly CameraStreams Hevc = new("hevc", 1920, 1080, "aac");
    private static readonly CameraStreams H264VideoOnly = new("h264", 1280, 720, null);

    /// <summary>Answers each probe with the next scripted result (the camera's side of the seam).</summary>
    private sealed class ScriptedCamera(params CameraProbeResult[] answers) : ICameraProbe
    {
        private int _next;

        public Task<CameraProbeResult> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(answers[Math.Min(_next++, answers.Length - 1)]);
    }

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private ListLogger<MediaPlanner> _log = null!;
    private EncoderStatus _status = null!;

    [SetUp]
    public void NewStatusAndLog()
    {
        _status = new EncoderStatus(_time);
        _log = new ListLogger<MediaPlanner>();
    }

    private IEnumerable<LogLevel> LevelsSaid => _log.Lines.Select(l => l.Level).Where(level => level >= LogLevel.Information);

    private MediaPlanner Planner(VideoMode mode, params CameraProbeResult[] answers) =>
        new(new EncoderOptions { Video = new VideoOptions { Mode = mode } }, new ScriptedCamera(answers), _status, _time, _log);

    private static CameraProbeResult Sends(CameraStreams streams) => new(streams, null);

    [Test]
    public async Task A_failed_probe_plans_with_what_the_camera_sent_before()
    {
        var planner = Planner(VideoMode.Auto, Sends(Hevc), CameraProbeResult.Failed("Connection refused"));

        var first = await planner.PlanAsync(CancellationToken.None);
        var afterReconnect = await planner.PlanAsync(CancellationToken.None);

        Assert.That((first.Video, afterReconnect.Video), Is.EqualTo((VideoPlan.Transcode, VideoPlan.Transcode)));
        var camera = _status.Snapshot("s").Camera!;
        Assert.That((camera.VideoCodec, camera.ProbeError, camera.Video), Is.EqualTo(("hevc", "Connection refused", "transcode")));
    }

    [Test]
    public async Task A_camera_never_probed_is_transcoded_in_auto_mode_until_it_answers()
    {
        var planner = Planner(VideoMode.Auto, CameraProbeResult.Failed("Connection refused"), Sends(H264VideoOnly));

        var unknown = await planner.PlanAsync(CancellationToken.None);
        var known = await planner.PlanAsync(CancellationToken.None);

        Assert.That((unknown.Video, unknown.Audio), Is.EqualTo((VideoPlan.Transcode, AudioPlan.EncodeIfPresent)));
        Assert.That((known.Video, known.Audio), Is.EqualTo((VideoPlan.Copy, AudioPlan.Silent)));
    }

    [Test]
    public async Task The_status_shows_the_probed_codecs_and_the_plan()
    {
        await Planner(VideoMode.Auto, Sends(H264VideoOnly)).PlanAsync(CancellationToken.None);

        Assert.That(_status.Snapshot("s").Camera, Is.EqualTo(new CameraSnapshot("h264", 1280, 720, null, _time.GetUtcNow(), null, "copy", "silent",
            "copying H.264; no audio: a silent AAC track is added")));
    }

    [Test]
    public async Task A_plan_that_needs_the_operator_is_said_once_per_change_not_on_every_reconnect()
    {
        var planner = Planner(VideoMode.Auto, Sends(Hevc), Sends(Hevc), CameraProbeResult.Failed("timed out"), Sends(Hevc), Sends(H264VideoOnly), Sends(Hevc));

        for (var run = 0; run < 6; run++)
            await planner.PlanAsync(CancellationToken.None);

        Assert.That(LevelsSaid, Is.EqualTo(new[] { LogLevel.Warning, LogLevel.Information, LogLevel.Warning }), _log.Text);
    }

    [Test]
    public async Task Forcing_copy_of_HEVC_is_logged_as_an_error()
    {
        await Planner(VideoMode.Copy, Sends(Hevc)).PlanAsync(CancellationToken.None);

        Assert.That(LevelsSaid, Is.EqualTo(new[] { LogLevel.Error }), _log.Text);
    }
}

using Encoder.Configuration;
using Encoder.Events;
using Encoder.Media;
using Encoder.Recording;
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

        public int Probes => _next;

        public Task<CameraProbeResult> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(answers[Math.Min(_next++, answers.Length - 1)]);
    }

    private static readonly CameraStreams H264Aac48 = new("h264", 1280, 720, "aac", 48_000, 2, "LC");
    private static readonly CameraStreams H264Pcma = new("h264", 1280, 720, "pcm_alaw", 8_000, 1);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private ListLogger<MediaPlanner> _log = null!;
    private EncoderStatus _status = null!;

    private string _recordings = "";
    private ScriptedCamera _camera = null!;

    [SetUp]
    public void NewStatusAndLog()
    {
        _status = new EncoderStatus(_time);
        _log = new ListLogger<MediaPlanner>();
        _recordings = Directory.CreateTempSubdirectory("encoder-planner-").FullName;
    }

    [TearDown]
    public void RemoveRecordings() => Directory.Delete(_recordings, recursive: true);

    private EncoderOptions Options(VideoMode mode) => new() { SessionId = "s", Video = new VideoOptions { Mode = mode }, Recording = new RecordingOptions { Directory = _recordings } };

    private KnownCamera Kept => new(new RecordingLayout(Options(VideoMode.Auto)));

    private IEnumerable<LogLevel> LevelsSaid => _log.Lines.Select(l => l.Level).Where(level => level >= LogLevel.Information);

    private MediaPlanner Planner(VideoMode mode, params CameraProbeResult[] answers)
    {
        _camera = new ScriptedCamera(answers);
        return new(Options(mode), _camera, Kept, new ClassEvents([_status]), _time, _log);
    }

    private static CameraProbeResult Sends(CameraStreams streams) => new(streams, null);

    [Test]
    public async Task Once_the_camera_is_known_the_next_runs_are_planned_at_once_without_a_probe()
    {
        var planner = Planner(VideoMode.Auto, Sends(Hevc), CameraProbeResult.Failed("Connection refused"));

        var first = await planner.PlanAsync(CancellationToken.None);
        var afterReconnect = await planner.PlanAsync(CancellationToken.None);

        Assert.That((first.Video, afterReconnect.Video, _camera.Probes), Is.EqualTo((VideoPlan.Transcode, VideoPlan.Transcode, 1)));
        var camera = _status.Snapshot("s").Camera!;
        Assert.That((camera.VideoCodec, camera.ProbeError, camera.Video), Is.EqualTo(("hevc", (string?)null, "transcode")));
    }

    [Test]
    public async Task A_camera_never_probed_is_transcoded_in_auto_mode_and_probed_again_until_it_answers()
    {
        var planner = Planner(VideoMode.Auto, CameraProbeResult.Failed("Connection refused"), Sends(H264VideoOnly));

        var unknown = await planner.PlanAsync(CancellationToken.None);
        var known = await planner.PlanAsync(CancellationToken.None);

        Assert.That((unknown.Video, unknown.Audio), Is.EqualTo((VideoPlan.Transcode, AudioPlan.EncodeIfPresent)));
        Assert.That((known.Video, known.Audio), Is.EqualTo((VideoPlan.Copy, AudioPlan.Silent)));
        Assert.That(_camera.Probes, Is.EqualTo(2));
    }

    [Test]
    public async Task A_restarted_daemon_plans_from_the_streams_kept_beside_the_recording_without_a_probe()
    {
        await Planner(VideoMode.Auto, Sends(H264Aac48)).PlanAsync(CancellationToken.None);

        var restarted = Planner(VideoMode.Auto, CameraProbeResult.Failed("must not be asked"));
        var plan = await restarted.PlanAsync(CancellationToken.None);

        Assert.That((plan.Video, plan.Audio, _camera.Probes, restarted.Known), Is.EqualTo((VideoPlan.Copy, AudioPlan.Copy, 0, H264Aac48)));
        Assert.That(_status.Snapshot("s").Camera!.AudioCodec, Is.EqualTo("aac"));
    }

    [Test]
    public async Task Streams_kept_in_a_file_that_cannot_be_read_are_probed_again()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Kept.Path)!);
        await File.WriteAllTextAsync(Kept.Path, "{ not json");

        var plan = await Planner(VideoMode.Auto, Sends(H264Pcma)).PlanAsync(CancellationToken.None);

        Assert.That((plan.Audio, _camera.Probes, Kept.Load()), Is.EqualTo((AudioPlan.Encode, 1, H264Pcma)));
    }

    [Test]
    public async Task What_the_recorder_sees_that_changes_the_plan_is_answered_with_the_new_plan_and_kept()
    {
        var planner = Planner(VideoMode.Auto, Sends(H264Pcma));
        await planner.PlanAsync(CancellationToken.None);

        var check = await planner.SeenAsync(H264Aac48, CancellationToken.None);
        var next = await planner.PlanAsync(CancellationToken.None);

        Assert.That((check.Restart, check.Plan.Video, check.Plan.Audio), Is.EqualTo((true, VideoPlan.Copy, AudioPlan.Copy)));
        Assert.That(check.Changed, Does.Contain("audio pcm_alaw 8000 Hz 1ch → aac (LC) 48000 Hz 2ch"));
        Assert.That((next.Audio, _camera.Probes, Kept.Load()), Is.EqualTo((AudioPlan.Copy, 1, H264Aac48)));
        Assert.That(_status.Snapshot("s").Camera!.Audio, Is.EqualTo("copy"));
    }

    [Test]
    public async Task What_the_recorder_sees_that_the_plan_fits_lets_it_go_on_quietly()
    {
        var planner = Planner(VideoMode.Auto, Sends(H264Aac48));
        await planner.PlanAsync(CancellationToken.None);

        var same = await planner.SeenAsync(H264Aac48, CancellationToken.None);
        var biggerPicture = await planner.SeenAsync(H264Aac48 with { Width = 1920, Height = 1080 }, CancellationToken.None);

        Assert.That((same.Restart, biggerPicture.Restart), Is.EqualTo((false, false)));
        Assert.That(LevelsSaid, Is.EqualTo(new[] { LogLevel.Information }), _log.Text);
        Assert.That(Kept.Load()!.Width, Is.EqualTo(1920));
    }

    [Test]
    public async Task A_camera_the_probe_missed_is_learnt_from_the_recorder()
    {
        var planner = Planner(VideoMode.Auto, CameraProbeResult.Failed("timed out"));
        await planner.PlanAsync(CancellationToken.None);

        var check = await planner.SeenAsync(H264VideoOnly, CancellationToken.None);
        var next = await planner.PlanAsync(CancellationToken.None);

        Assert.That((check.Restart, check.Plan.Video, next.Video, next.Audio, _camera.Probes), Is.EqualTo((true, VideoPlan.Copy, VideoPlan.Copy, AudioPlan.Silent, 1)));
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
        var planner = Planner(VideoMode.Auto, Sends(Hevc));

        await planner.PlanAsync(CancellationToken.None);
        await planner.PlanAsync(CancellationToken.None);
        await planner.SeenAsync(Hevc, CancellationToken.None);
        await planner.PlanAsync(CancellationToken.None);
        await planner.SeenAsync(H264VideoOnly, CancellationToken.None);
        await planner.PlanAsync(CancellationToken.None);
        await planner.SeenAsync(Hevc, CancellationToken.None);
        await planner.PlanAsync(CancellationToken.None);
        await planner.PlanAsync(CancellationToken.None);

        // Once, at the first plan: each change the recorder sees is the recorder's to report (Recorder/RecorderReports), with its plan.
        Assert.That(LevelsSaid, Is.EqualTo(new[] { LogLevel.Warning }), _log.Text);
    }

    [Test]
    public async Task Forcing_copy_of_HEVC_is_logged_as_an_error()
    {
        await Planner(VideoMode.Copy, Sends(Hevc)).PlanAsync(CancellationToken.None);

        Assert.That(LevelsSaid, Is.EqualTo(new[] { LogLevel.Error }), _log.Text);
    }
}

using System.Globalization;
using System.Threading.Channels;
using Encoder.Storage;
using Encoder.Configuration;
using Encoder.Egress;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Lifecycle;
using Encoder.Logging;
using Encoder.Media;
using Encoder.Recorder;
using Encoder.Recording;
using Encoder.Status;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Recorder;

/// <summary>
/// The recorder in-process, on fake time, with a stand-in FFmpeg (<see cref="IFfmpegRunner"/>) and camera probe: what
/// <see cref="RecorderPolicy"/> decides is what happens, through the real <see cref="FfmpegProcess"/> and its watchdog.
/// </summary>
public sealed class RecorderServiceTests
{
    private static readonly CameraStreams H264Aac = new("h264", 1280, 720, "aac", 48_000, 2, "LC");

    private FakeTimeProvider _time = null!;
    private FakeFfmpeg _ffmpeg = null!;
    private FakeCamera _camera = null!;
    private RecorderHealth _health = null!;
    private EncoderStatus _status = null!;
    private SessionOutages _outages = null!;
    private MpegTsRelay _relay = null!;
    private DirectoryInfo _work = null!;
    private RecorderService _service = null!;
    private EventsSeen _seen = null!;
    private ClassEvents _events = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        _ffmpeg = new FakeFfmpeg(_time);
        _camera = new FakeCamera();
        _health = new RecorderHealth(_time);
        _status = new EncoderStatus(_time, recorder: _health);
        _outages = new SessionOutages();
        _relay = new MpegTsRelay(NullLogger.Instance, new RelayCounters(), maxClients: 2); // bound, never started: the runs only read its ports
        _work = Directory.CreateTempSubdirectory("encoder-recorder-");
        _seen = new EventsSeen();
        _events = new ClassEvents([_status, _outages, _seen]);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_service is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _service.StopAsync(timeout.Token);
            _service.Dispose();
        }

        await _relay.DisposeAsync();
        _work.Delete(recursive: true);
    }

    [Test]
    public async Task A_camera_that_drops_is_restarted_after_the_schedules_delay_and_its_outage_reported()
    {
        await StartAsync(restartDelaySeconds: 1);
        var first = await _ffmpeg.NextAsync();
        first.Frames(1);
        await UntilAsync(() => _health.IsUp);

        var failedAt = _time.GetUtcNow();
        first.Fails("Connection refused");
        var second = await WaitOutAsync(runsBefore: 1);

        Assert.That((second.StartedAt - failedAt, _camera.Probes), Is.EqualTo((TimeSpan.FromSeconds(1), 4)),
            "the first delay, probing every quarter second meanwhile; a camera that answers all along is not hurried");
        Assert.That(_status.Snapshot("s").Recorder, Has.Property("Restarts").EqualTo(1).And.Property("LastError").EqualTo("Connection refused (exit code 1)"));
        second.Frames(1);
        await UntilAsync(() => _outages.All.Count == 1);
        Assert.That((_outages.All[0].Kind, _outages.All[0].Seconds, _health.IsUp), Is.EqualTo((Outage.Camera, 1.0, true)));
    }

    [Test]
    public async Task A_stalled_run_is_killed_and_restarted()
    {
        await StartAsync();
        var first = await _ffmpeg.NextAsync();
        first.Frames(1);
        await UntilAsync(() => _health.IsUp);

        _time.Advance(TimeSpan.FromSeconds(5)); // Ffmpeg:StallSeconds without progress
        await UntilAsync(() => _service.State.Phase == RecorderPhase.Waiting);
        var second = await WaitOutAsync(runsBefore: 1);

        Assert.That(first.Killed, Is.True);
        Assert.That(second.Arguments, Is.EqualTo(first.Arguments), "the same run again");
        Assert.That(_status.Snapshot("s").Recorder.LastError, Is.EqualTo("stalled: no progress for 5s"));
    }

    [Test]
    public async Task A_camera_seen_coming_back_during_the_wait_is_restarted_at_once()
    {
        await StartAsync(restartDelaySeconds: 4);
        var first = await _ffmpeg.NextAsync();
        _camera.Answers = false;
        var failedAt = _time.GetUtcNow();
        first.Fails("Connection refused");
        await UntilAsync(() => _service.State.Wait is { SeenDown: true } wait && wait.NextProbeAt > _time.GetUtcNow());

        _camera.Answers = true;
        var second = await WaitOutAsync(runsBefore: 1);

        Assert.That((second.StartedAt - failedAt, _camera.Probes), Is.EqualTo((TimeSpan.FromSeconds(0.25), 2)), "one probe after it answers, not 4 s");
    }

    [Test]
    public async Task A_camera_back_with_other_streams_after_repeated_failures_is_restarted_at_once_with_the_plan_for_them()
    {
        await StartAsync();
        var first = await _ffmpeg.NextAsync();
        first.Fails("Connection refused");
        var second = await WaitOutAsync(runsBefore: 1);
        second.Fails("Connection refused");
        var third = await WaitOutAsync(runsBefore: 2);

        third.Reports(H264Aac with { VideoCodec = "hevc" });
        var fourth = await _ffmpeg.NextAsync();

        Assert.That((third.QuitAsked, _service.State.Restarts.Failures, _status.Snapshot("s").Recorder.Restarts), Is.EqualTo((true, 2, 2)),
            "stopped to restart at once: not a failure");
        Assert.That(first.Arguments, Does.Contain("copy").And.Not.Contain("libx264"), "copied H.264");
        Assert.That(fourth.Arguments, Does.Contain("libx264"), "transcodes HEVC");
        fourth.Reports(H264Aac);
        await UntilAsync(() => _seen.Of<RecorderKeepsPlan>().Count == 1);
        Assert.That((fourth.QuitAsked, _service.State.Phase, _ffmpeg.Started.Count), Is.EqualTo((false, RecorderPhase.Running, 4)),
            "a run started for the camera's streams goes on with its plan when they change again");
    }

    [Test]
    public async Task The_stop_lets_the_run_finish_its_last_segment()
    {
        await StartAsync();
        var run = await _ffmpeg.NextAsync();
        run.Frames(1);
        await UntilAsync(() => _health.IsUp);

        await _service.StopAsync(CancellationToken.None);

        Assert.That((run.QuitAsked, _service.State.Phase, _health.State, _ffmpeg.Started.Count), Is.EqualTo((true, RecorderPhase.Stopped, RecorderHealthState.Idle, 1)));
    }

    private async Task StartAsync(double restartDelaySeconds = 0.5)
    {
        var options = new EncoderOptions
        {
            SessionId = "s",
            Camera = new CameraOptions { Url = "rtsp://127.0.0.1:1/camera" },
            Ingest = new IngestOptions { Primary = "rtmp://127.0.0.1:1/live/p" },
            Recording = new RecordingOptions { Directory = _work.FullName },
            Ffmpeg = new FfmpegOptions { RestartDelaySeconds = restartDelaySeconds },
        };
        var layout = new RecordingLayout(options);
        var media = new MediaPlanner(options, new KnownStreams(H264Aac), new KnownCamera(layout), _events, _time, NullLogger<MediaPlanner>.Instance);
        var ffmpeg = new FfmpegProcess(options, SecretRedactor.For(options), _ffmpeg, new ProgressWatch(_time, _health), _time, NullLogger<FfmpegProcess>.Instance);
        var reports = new RecorderReports(_events, _time);
        var runs = new RecorderRuns(options, layout, new IngestPlan(options), _relay, media, ffmpeg, _health, reports, new RelayCounters(), _events, _time, NullLogger<RecorderRuns>.Instance);
        var gate = new SessionStartGate(options, layout, _time, NullLogger<SessionStartGate>.Instance);
        _service = new RecorderService(options, gate, runs, _health, reports, _camera, _time) { JitterUnit = () => 0.5 };
        await _service.StartAsync(CancellationToken.None);
    }

    /// <summary>Plays the wait between runs: each time the recorder sleeps (its probe answered), the clock moves to its next wake-up, until a run starts.</summary>
    private async Task<FakeRun> WaitOutAsync(int runsBefore)
    {
        while (true)
        {
            await UntilAsync(() => _ffmpeg.Started.Count > runsBefore
                                   || (_service.State is { Phase: RecorderPhase.Waiting, Wait: { } wait } && wait.NextProbeAt > _time.GetUtcNow()));
            if (_ffmpeg.Started.Count > runsBefore)
                return await _ffmpeg.NextAsync();
            var next = _service.State.Wait!;
            _time.Advance((next.NextProbeAt < next.Due ? next.NextProbeAt : next.Due) - _time.GetUtcNow());
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 5)
        {
            if (waited > 5000)
                Assert.Fail("timed out");
            await Task.Delay(5);
        }
    }

    private sealed class KnownStreams(CameraStreams streams) : ICameraProbe
    {
        public Task<CameraProbeResult> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(new CameraProbeResult(streams, null));
    }

    private sealed class FakeCamera : ICameraReachability
    {
        private int _probes;

        public bool Answers { get; set; } = true;

        public int Probes => _probes;

        public Task<bool> AnswersAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _probes);
            return Task.FromResult(Answers);
        }
    }

    /// <summary>Hands out runs the test drives; each is queued for <see cref="NextAsync"/> in the order started.</summary>
    private sealed class FakeFfmpeg(TimeProvider time) : IFfmpegRunner
    {
        private readonly Channel<FakeRun> _next = Channel.CreateUnbounded<FakeRun>();

        public List<FakeRun> Started { get; } = [];

        public Task<IFfmpegRun> StartAsync(IReadOnlyList<string> arguments, string workingDirectory, Action<string> onStdout, Action<string> onStderr)
        {
            var run = new FakeRun(arguments, time.GetUtcNow(), onStdout, onStderr);
            lock (Started)
                Started.Add(run);
            _next.Writer.TryWrite(run);
            return Task.FromResult<IFfmpegRun>(run);
        }

        public async Task<FakeRun> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return await _next.Reader.ReadAsync(timeout.Token);
        }
    }

    /// <summary>A stand-in FFmpeg: it prints what the test tells it, and ends when told, asked to quit (exit 0) or killed.</summary>
    private sealed class FakeRun(IReadOnlyList<string> arguments, DateTimeOffset startedAt, Action<string> stdout, Action<string> stderr) : IFfmpegRun
    {
        private readonly TaskCompletionSource<int?> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _frames;

        public IReadOnlyList<string> Arguments { get; } = arguments;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public bool QuitAsked { get; private set; }

        public bool Killed { get; private set; }

        public int ProcessId => 4242;

        public Task<int?> Exited => _exit.Task;

        public void Frames(long count)
        {
            _frames += count;
            foreach (var line in new[] { $"frame={_frames}", $"out_time_us={(_frames * 33_333).ToString(CultureInfo.InvariantCulture)}", "progress=continue" })
                stdout(line);
        }

        /// <summary>Dumps its input as FFmpeg does, which says what the camera sends.</summary>
        public void Reports(CameraStreams streams)
        {
            stderr("[info] Input #0, rtsp, from 'rtsp://127.0.0.1:1/camera':");
            stderr($"[info]   Stream #0:0: Video: {streams.VideoCodec} (Main), yuv420p(progressive), {streams.Width}x{streams.Height}, 30 fps, 30 tbr, 90k tbn");
            stderr($"[info]   Stream #0:1: Audio: {streams.AudioCodec} (LC), {streams.AudioSampleRate} Hz, stereo, fltp");
            stderr("[info] Output #0, tee, to 'x':");
        }

        public void Fails(string error)
        {
            stderr($"[error] {error}");
            _exit.TrySetResult(1);
        }

        public void Quit()
        {
            QuitAsked = true;
            _exit.TrySetResult(0);
        }

        public void Interrupt() => _exit.TrySetResult(null);

        public void Kill()
        {
            Killed = true;
            _exit.TrySetResult(null);
        }
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>Fault injection against real nginx-rtmp ingests, a real camera and real FFmpeg: kill, freeze and restore.</summary>
[TestFixture]
[NonParallelizable] // alone: a CPU hog on every core, a 6 Mbit/s camera, a failover timed to 2 s, and every relay socket on the machine
[Category("Integration")]
public sealed partial class IngestFaultTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);
    private string _work = "";
    private TestCamera _camera = null!;
    private RtmpIngest _primary = null!;
    private RtmpIngest _secondary = null!;
    private string _key = "";

    [OneTimeSetUp]
    public async Task StartCamera()
    {
        _work = Directory.CreateTempSubdirectory("encoder-faults-").FullName;
        _camera = await TestCamera.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopCamera()
    {
        await _camera.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SetUp]
    public async Task StartIngests()
    {
        var name = TestContext.CurrentContext.Test.MethodName!;
        _primary = await RtmpIngest.StartAsync(Path.Combine(_work, name, "primary"));
        _secondary = await RtmpIngest.StartAsync(Path.Combine(_work, name, "secondary"));
        _key = $"k{Guid.NewGuid():N}"[..12];
    }

    [TearDown]
    public async Task StopIngests()
    {
        await _primary.DisposeAsync();
        await _secondary.DisposeAsync();
        Assert.That(ProcessTable.WithCommandLineContaining(_key), Is.Empty, "an FFmpeg outlived the daemon");
    }

    private (Dictionary<string, string> Settings, string Work, StatusFile Status) Class(string sessionId, TestCamera? camera = null)
    {
        var work = Path.Combine(_work, TestContext.CurrentContext.Test.MethodName!);
        var settings = EncoderDaemon.Settings(sessionId, (camera ?? _camera).Url, _primary.UrlFor(_key + "-p"), work);
        settings["Ingest:Secondary"] = _secondary.UrlFor(_key + "-s");
        settings["Ingest:ReturnWindowSeconds"] = "4";
        settings["Ingest:ProbeIntervalSeconds"] = "0.5";
        settings["Ffmpeg:StallSeconds"] = "3";
        var statusPath = Path.Combine(work, "status.json");
        settings["Status:Path"] = statusPath;
        return (settings, work, new StatusFile(statusPath));
    }

    [Test]
    public async Task Falls_back_to_the_secondary_when_the_primary_dies_and_returns_after_the_window_without_a_recording_gap()
    {
        var (settings, work, status) = Class("failover");
        await using var agent = EmfAgent.Start();
        EncoderDaemon.WithMetrics(settings, agent.Endpoint);
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming", TimeSpan.FromSeconds(45), "the primary streams", () => daemon.Output);
        Assert.That(_secondary.RecordingsFor(_key + "-s"), Is.Empty, "failover mode pushes to one slot at a time");

        await _primary.KillAsync();
        await Poll.UntilAsync(() => status.LastFailoverSeconds() is not null, Soon, "the secondary streams after the failover");
        await Poll.UntilAsync(() => agent.Values("failover", "OnSecondary") is [.., 1] && agent.Values("failover", "Failovers").Sum() >= 1
                  && agent.SlotValues("failover", "secondary", "IngestUp") is [.., 1] && agent.SlotValues("failover", "primary", "IngestUp") is [.., 0],
            Soon, "the metrics show the class on the secondary after a failover");
        AssertMetricsFollowTheSpec(agent, "failover");
        Assert.That(status.LastFailoverSeconds(), Is.LessThan(2.0), "the secondary should be live within 2 s of the primary's failure");
        Assert.That((status.Number("failovers"), status.ActiveSlot()), Is.EqualTo((1, "secondary")));
        await Poll.UntilAsync(() => _secondary.BytesRecordedFor(_key + "-s") > 0, Soon, "the secondary receives video");

        await _primary.RestartAsync();
        await Poll.UntilAsync(() => status.Number("returns") == 1, TimeSpan.FromSeconds(30), "the stream is back on the primary");
        await Poll.UntilAsync(() => status.ActiveSlot() == "primary" && status.IngestState("secondary") == "idle", Soon, "the secondary is released");
        Assert.That((status.Number("failovers"), status.Number("returns")), Is.EqualTo((1, 1)));

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
        await AssertRecordingHasNoGapAsync(work, "failover", daemon.Output);
    }

    [Test]
    public async Task Keeps_recording_with_both_ingests_down_and_resumes_pushing_when_one_returns()
    {
        var (settings, work, status) = Class("both-down");
        var noAgent = $"tcp://127.0.0.1:{FreePort.Next()}";
        EncoderDaemon.WithMetrics(settings, noAgent); // nothing listens there: one warning, and the class goes on
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming", Soon, "the primary streams");

        await _primary.KillAsync();
        await _secondary.KillAsync();
        var recordedBefore = status.Number("segmentsRecorded");
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.That(status.Number("segmentsRecorded"), Is.GreaterThanOrEqualTo(recordedBefore + 2), "recording must go on with no ingest");

        await _secondary.RestartAsync();
        await Poll.UntilAsync(() => _secondary.BytesRecordedFor(_key + "-s") > 0, TimeSpan.FromSeconds(30), "pushing resumes to the secondary");

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
        await AssertRecordingHasNoGapAsync(work, "both-down", daemon.Output);
        Assert.That(daemon.Output.Split('\n').Count(line => line.Contains(noAgent, StringComparison.Ordinal)), Is.EqualTo(1),
            "an absent CloudWatch agent is said once, not once per interval:\n" + daemon.Output);
    }

    [Test]
    public async Task A_frozen_ingest_is_detected_as_a_stall_and_failed_over_while_the_recording_goes_on()
    {
        // A frozen ingest is noticed once the kernel's socket buffers are full: the higher the bitrate, the sooner.
        // At 800 kbit/s that takes ~40 s on loopback; at 6 Mbit/s, a few seconds.
        await using var camera = await TestCamera.StartAsync(bitrateKbps: 6000);
        var (settings, work, status) = Class("frozen-ingest", camera);
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming", Soon, "the primary streams");

        _primary.Freeze();
        await Poll.UntilAsync(() => status.LastError("primary")?.Contains("stalled", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(45),
            "the primary's egress is found stalled", () => daemon.Output);
        await Poll.UntilAsync(() => _secondary.BytesRecordedFor(_key + "-s") > 0, Soon, "the secondary receives video");
        _primary.Thaw();

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
        await AssertRecordingHasNoGapAsync(work, "frozen-ingest", daemon.Output);
    }

    [Test]
    public async Task A_frozen_camera_is_detected_and_the_recorder_restarts_once_it_answers()
    {
        await using var camera = await TestCamera.StartAsync();
        var (settings, _, status) = Class("frozen-camera", camera);
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming", Soon, "the primary streams");

        camera.Freeze();
        // Whichever notices first: the stall watch (no progress for StallSeconds) or FFmpeg's own RTSP timeout.
        await Poll.UntilAsync(() => status.RecorderState() != "streaming" && status.LastError() is { Length: > 0 }, Soon, "the recorder is found down", () => daemon.Output);
        camera.Thaw();
        await Poll.UntilAsync(() => status.RecorderRestarts() >= 1 && status.RecorderState() == "streaming", TimeSpan.FromSeconds(30), "the camera is back and recorded");
        var bytes = _primary.BytesRecordedFor(_key + "-p");
        await Poll.UntilAsync(() => _primary.BytesRecordedFor(_key + "-p") > bytes, Soon, "the primary receives video again");
        Assert.That(status.Number("failovers"), Is.Zero, "a camera outage is not the ingest's fault");

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
    }

    [Test]
    public async Task In_redundant_mode_both_slots_stream_and_each_recovers_on_its_own()
    {
        var (settings, work, status) = Class("redundant");
        settings["Ingest:Mode"] = "redundant";
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming" && status.IngestState("secondary") == "streaming", Soon, "both slots stream");

        await _primary.KillAsync();
        var secondaryBytes = _secondary.BytesRecordedFor(_key + "-s");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.That(_secondary.BytesRecordedFor(_key + "-s"), Is.GreaterThan(secondaryBytes), "the secondary goes on");

        await _primary.RestartAsync();
        await Poll.UntilAsync(() => _primary.RecordingsFor(_key + "-p").Count >= 2, Soon, "the primary is published to again");
        Assert.That(status.Number("failovers"), Is.Zero);

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
        await AssertRecordingHasNoGapAsync(work, "redundant", daemon.Output);
    }

    /// <summary>An egress fault must cost the recording nothing: one unbroken run, no discontinuity, every second there.</summary>
    private static async Task AssertRecordingHasNoGapAsync(string work, string sessionId, string log)
    {
        var playlist = HlsPlaylist.Parse(await File.ReadAllTextAsync(Path.Combine(work, "storage", sessionId, "index.m3u8")));
        Assert.That(playlist.HasEndList, Is.True);
        Assert.That(playlist.Segments.Where(s => s.DiscontinuityBefore), Is.Empty, "the recording was interrupted");
        Assert.That(Directory.GetFiles(Path.Combine(work, "recordings", sessionId, "logs"), "ffmpeg-recorder-*.log"), Has.Length.EqualTo(1),
            "one recorder run: the recorder must not restart for an ingest fault");
        var recorded = double.Parse(RecordedSeconds().Match(log).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.That(playlist.TotalDuration.TotalSeconds, Is.EqualTo(recorded).Within(2.0));
    }

    [GeneratedRegex(@"([0-9]+\.[0-9])s recorded in all runs")]
    private static partial Regex RecordedSeconds();

    /// <summary>Every document follows the EMF specification, and every metric the daemon promises arrived.</summary>
    private static void AssertMetricsFollowTheSpec(EmfAgent agent, string sessionId)
    {
        Assert.That(agent.Malformed, Is.Empty);
        Assert.That(agent.Documents.SelectMany(d => EmfSpec.Problems(d, DateTimeOffset.UtcNow)).Distinct(), Is.Empty);
        var names = agent.Documents.Where(d => d.GetProperty("SessionId").GetString() == sessionId)
            .SelectMany(d => d.EnumerateObject().Select(p => p.Name)).ToHashSet();
        Assert.That(names, Is.SupersetOf(new[]
        {
            "RecorderUp", "IngestUp", "OnSecondary", "Failovers", "CameraOutages", "SegmentsRecorded", "RecordedSeconds", "UploadLagSeconds",
            "ObjectsPending", "DiskFreePercent", "FramesPerSecond", "BitrateKbps", "RelayDroppedDatagrams",
        }));
        var slots = agent.Documents.Where(d => d.TryGetProperty("Slot", out _)).Select(d => d.GetProperty("Slot").GetString()).ToHashSet();
        Assert.That(slots, Is.EquivalentTo(new[] { "primary", "secondary" }));
    }
}

using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Metrics;
using Encoder.Recording;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Metrics;

/// <summary>The instruments as a listener sees them: what each event of the class becomes in an interval.</summary>
public sealed class EncoderMetricsTests
{
    private ServiceProvider _services = null!;
    private FakeTimeProvider _time = null!;
    private RecorderHealth _recorder = null!;
    private EncoderMetrics _metrics = null!;
    private SegmentLedger _segments = null!;
    private MetricsCollector _collector = null!;

    [SetUp]
    public void Create()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        _segments = new SegmentLedger(_time);
        _recorder = new RecorderHealth(_time);
        _metrics = new EncoderMetrics(_services.GetRequiredService<IMeterFactory>(), _time, _recorder, _segments);
        _collector = new MetricsCollector(_metrics.Meter);
    }

    [TearDown]
    public void Dispose()
    {
        _collector.Dispose();
        _services.Dispose();
    }

    private Dictionary<string, double> Interval() =>
        _collector.Collect().ToDictionary(p => p.Slot is null ? p.Name : $"{p.Name}[{p.Slot}]", p => p.Value);

    [Test]
    public void Before_the_class_starts_only_the_counters_report_and_they_report_zero()
    {
        Assert.That(Interval(), Is.EqualTo(new Dictionary<string, double>
        {
            ["CameraOutages"] = 0, ["Failovers"] = 0, ["RecordedSeconds"] = 0, ["RelayDroppedDatagrams"] = 0, ["SegmentsRecorded"] = 0,
        }));
    }

    [Test]
    public void A_failover_counts_once_in_its_interval_and_the_secondary_stays_reported_until_the_return()
    {
        Hear(new IngestActivated(Now, "primary", Secondary: false, Failover: false, Return: false));
        Hear(new IngestStreaming(Now, "primary"));
        Hear(new IngestEnded(Now, "primary", "Connection refused", Failed: true));
        Hear(new IngestActivated(Now, "secondary", Secondary: true, Failover: true, Return: false));
        Hear(new IngestStreaming(Now, "secondary"));

        var during = Interval();
        var after = Interval();
        Hear(new IngestActivated(Now, "primary", Secondary: false, Failover: false, Return: false));
        var returned = Interval();

        Assert.That((during["Failovers"], during["OnSecondary"], during["IngestUp[primary]"], during["IngestUp[secondary]"]), Is.EqualTo((1.0, 1.0, 0.0, 1.0)));
        Assert.That((after["Failovers"], after["OnSecondary"]), Is.EqualTo((0.0, 1.0)));
        Assert.That(returned["OnSecondary"], Is.Zero);
    }

    [Test]
    public void The_recorders_rates_are_those_its_progress_measured_and_fall_to_zero_when_it_goes_down()
    {
        RunStarting();
        Progress(new FfmpegProgress(100, TimeSpan.FromSeconds(4), 1, false), rates: (null, null));
        _time.Advance(TimeSpan.FromSeconds(1));
        Progress(new FfmpegProgress(125, TimeSpan.FromSeconds(5), 1, false), rates: (25, 4000));
        _time.Advance(TimeSpan.FromSeconds(0.5));
        Progress(new FfmpegProgress(137, TimeSpan.FromSeconds(5.5), 1, false), rates: (null, null)); // inside the next window: no new figure

        var streaming = Interval();
        RunEnded();
        Hear(new RecorderFailed(Now, "the camera stream ended", TimeSpan.FromSeconds(3), FailureReport.OutageStarted, 1, Now, TimeSpan.FromSeconds(0.5)));
        var down = Interval();

        Assert.That((streaming["RecorderUp"], streaming["FramesPerSecond"], streaming["BitrateKbps"]), Is.EqualTo((1.0, 25.0, 4000.0)));
        Assert.That((down["RecorderUp"], down["FramesPerSecond"], down["BitrateKbps"], down["CameraOutages"]), Is.EqualTo((0.0, 0.0, 0.0, 1.0)));
    }

    [Test]
    public void Down_durations_count_from_the_class_start_and_from_each_outage_and_are_zero_while_up()
    {
        RunStarting(); // the camera does not answer yet
        _time.Advance(TimeSpan.FromSeconds(30));
        var neverUp = Interval();
        Progress(new FfmpegProgress(1, TimeSpan.FromSeconds(0.1), 1, false));
        Hear(new IngestStreaming(Now, "primary"));
        var up = Interval();
        RunEnded();
        Hear(new IngestEnded(Now, "primary", "Connection refused", Failed: true));
        RunStarting();
        _time.Advance(TimeSpan.FromSeconds(61));
        var down = Interval();

        Assert.That((neverUp["RecorderUp"], neverUp["RecorderDownSeconds"], neverUp["IngestsDownSeconds"]), Is.EqualTo((0.0, 30.0, 30.0)));
        Assert.That((up["RecorderDownSeconds"], up["IngestsDownSeconds"]), Is.EqualTo((0.0, 0.0)));
        Assert.That((down["RecorderDownSeconds"], down["IngestsDownSeconds"]), Is.EqualTo((61.0, 61.0)));
    }

    [Test]
    public void One_slot_streaming_is_enough_for_the_ingests_to_be_up()
    {
        RunStarting();
        Hear(new IngestStreaming(Now, "primary"));
        Hear(new IngestEnded(Now, "primary", "Connection refused", Failed: true));
        Hear(new IngestStreaming(Now, "secondary"));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.That(Interval()["IngestsDownSeconds"], Is.Zero);
    }

    [Test]
    public void Segments_recorded_are_what_the_playlist_gained_since_the_first_look()
    {
        Hear(new PlaylistUpdated(Now, 10, TimeSpan.FromSeconds(20))); // a restarted daemon's playlist: the baseline
        Hear(new PlaylistUpdated(Now, 13, TimeSpan.FromSeconds(26.5)));
        var first = Interval();
        Hear(new PlaylistUpdated(Now, 13, TimeSpan.FromSeconds(26.5)));
        var second = Interval();

        Assert.That((first["SegmentsRecorded"], first["RecordedSeconds"]), Is.EqualTo((3.0, 6.5)));
        Assert.That((second["SegmentsRecorded"], second["RecordedSeconds"]), Is.EqualTo((0.0, 0.0)));
    }

    [Test]
    public void Pending_and_lag_are_read_from_the_ledger_the_lag_the_longest_wait_of_the_interval_and_the_drain_reports_what_is_left()
    {
        _segments.PlaylistRead(Playlist(2));
        _time.Advance(TimeSpan.FromSeconds(12));
        _segments.Stored("seg_00000.ts");
        _segments.Stored("seg_00001.ts"); // both waited 12 s
        _segments.PlaylistRead(Playlist(3));
        _time.Advance(TimeSpan.FromSeconds(2));
        var live = Interval();
        _time.Advance(TimeSpan.FromSeconds(1));
        var next = Interval();
        Hear(new DrainEnded(Now, TimeSpan.FromSeconds(3), ["a", "b"], "/recordings/class-9", 3, TimeSpan.FromSeconds(6), true, "s3://bucket/class-9/"));
        var end = Interval();

        Assert.That((live["UploadLagSeconds"], live["ObjectsPending"], live.ContainsKey("UploadsPendingAtEnd")), Is.EqualTo((12.0, 1.0, false)));
        Assert.That((next["UploadLagSeconds"], next["ObjectsPending"]), Is.EqualTo((3.0, 1.0)), "a new interval: the wait of the one still pending");
        Assert.That((end["ObjectsPending"], end["UploadsPendingAtEnd"]), Is.EqualTo((2.0, 2.0)));
    }

    private static HlsPlaylist Playlist(int segments) =>
        new([.. Enumerable.Range(0, segments).Select(i => new HlsSegment($"seg_{i:D5}.ts", TimeSpan.FromSeconds(2), false))], false);

    [Test]
    public void Disk_and_relay_figures_reach_the_interval()
    {
        Hear(new DiskChecked(Now, 14.96));
        Hear(new RelayDatagramDropped(Now));
        Hear(new RelayDatagramDropped(Now));

        var interval = Interval();

        Assert.That((interval["DiskFreePercent"], interval["RelayDroppedDatagrams"]), Is.EqualTo((15.0, 2.0)));
    }

    [Test]
    public void A_recorder_that_stops_advancing_is_reported_down_from_the_health_window_on()
    {
        RunStarting();
        Progress(new FfmpegProgress(1, TimeSpan.FromSeconds(0.1), 1, false));
        _time.Advance(TimeSpan.FromSeconds(5)); // frozen: no progress, not killed yet

        var frozen = Interval();

        Assert.That((frozen["RecorderUp"], frozen["RecorderDownSeconds"]), Is.EqualTo((0.0, 5 - RecorderHealth.Window.TotalSeconds)));
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private void Hear(ClassEvent happened) => _metrics.Hear(happened);

    /// <summary>What the recorder tells at a run's start: its health, and the class's events.</summary>
    private void RunStarting()
    {
        _recorder.RunStarting();
        Hear(new RecorderRunStarting(Now, 1));
    }

    private void Progress(FfmpegProgress progress, (double? Fps, double? Kbps) rates = default)
    {
        _recorder.Progress(progress);
        Hear(new RecorderProgressed(Now, progress.Frame, progress.TotalSize, progress.OutTime, progress.Speed, rates.Fps, rates.Kbps));
    }

    private void RunEnded()
    {
        _recorder.RunEnded(failed: true);
        Hear(new RecorderRunEnded(Now, 1, TimeSpan.FromSeconds(6), Failed: true));
    }
}

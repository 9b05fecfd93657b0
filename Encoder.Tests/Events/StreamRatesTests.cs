using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Metrics;
using Encoder.Recording;
using Encoder.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using System.Diagnostics.Metrics;

namespace Encoder.Tests.Events;

/// <summary>The one definition of the recorder's frames per second and bitrate, and that the status line and the metrics both show it.</summary>
public sealed class StreamRatesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [TestCase(1.0, 125, 500_000, 25.0, 4000.0, TestName = "A second: frames and relayed bytes per second")]
    [TestCase(2.0, 150, 1_000_000, 25.0, 4000.0, TestName = "Two seconds: the mean over both")]
    [TestCase(0.5, 112, 250_000, null, null, TestName = "Under a second: not measured yet")]
    [TestCase(1.0, 50, 500_000, null, null, TestName = "Frames went back (a new run): a new window")]
    [TestCase(1.0, 125, -1, null, null, TestName = "Bytes went back (a new relay count): a new window")]
    public void Rates_are_measured_over_at_least_a_second_of_wall_clock_time(double seconds, long frames, long bytesMore, double? fps, double? kbps)
    {
        var rates = StreamRates.Start(100, 1_000_000, T0).Next(frames, 1_000_000 + bytesMore, T0.AddSeconds(seconds));

        Assert.That((rates.FramesPerSecond, rates.BitrateKbps), Is.EqualTo((fps, kbps)));
    }

    [Test]
    public void A_measured_rate_holds_until_the_next_window_is_complete()
    {
        var rates = StreamRates.Start(0, 0, T0)
            .Next(25, 500_000, T0.AddSeconds(1))
            .Next(40, 600_000, T0.AddSeconds(1.5));

        Assert.That((rates.FramesPerSecond, rates.BitrateKbps, rates.From), Is.EqualTo(((double?)25.0, (double?)4000.0, T0.AddSeconds(1))));
    }

    [Test]
    public void The_status_line_and_the_metrics_show_the_same_rates_and_none_once_the_run_ended()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var time = new FakeTimeProvider(T0);
        var health = new RecorderHealth(time);
        var status = new EncoderStatus(time, recorder: health);
        var metrics = new EncoderMetrics(services.GetRequiredService<IMeterFactory>(), time, health, new SegmentLedger(time));
        using var collector = new MetricsCollector(metrics.Meter);
        var events = new ClassEvents([status, metrics]);

        health.RunStarting();
        events.Publish(new RecorderRunStarting(T0, 1));
        events.Publish(new RecorderProgressed(T0, 125, null, TimeSpan.FromSeconds(5), 1, 25, 4000));
        var figures = collector.Collect().ToDictionary(p => p.Name, p => p.Value);
        var shown = status.Rates;
        events.Publish(new RecorderRunEnded(T0, 1, TimeSpan.FromSeconds(5), Failed: true));

        Assert.That((shown.FramesPerSecond, shown.BitrateKbps), Is.EqualTo((figures["FramesPerSecond"], figures["BitrateKbps"])));
        Assert.That((figures["FramesPerSecond"], figures["BitrateKbps"]), Is.EqualTo((25.0, 4000.0)));
        Assert.That(status.Rates, Is.EqualTo(LiveRates.Unknown));
        Assert.That(collector.Collect().Where(p => p.Name is "FramesPerSecond" or "BitrateKbps").Select(p => p.Value), Is.EqualTo(new[] { 0.0, 0.0 }));
    }
}

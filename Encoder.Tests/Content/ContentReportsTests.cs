using System.Diagnostics.Metrics;
using Encoder.Events;
using Encoder.Ffmpeg;
using Encoder.Metrics;
using Encoder.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Content;

/// <summary>What the content watch's events become where they are read: the EMF gauges, status.json's <c>content</c>, the STATUS= line.</summary>
public sealed class ContentReportsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void Create() => _time = new FakeTimeProvider(T0);

    private static void Hear(IClassEventSubscriber subscriber, params ClassEvent[] happened)
    {
        foreach (var e in happened)
            subscriber.Hear(e);
    }

    [Test]
    public void The_gauges_say_how_long_each_condition_has_lasted_from_its_first_measurement_and_zero_when_it_is_fine()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new EncoderMetrics(services.GetRequiredService<IMeterFactory>(), _time, new RecorderHealth(_time));
        using var collector = new MetricsCollector(metrics.Meter);
        Dictionary<string, double> Gauges() => collector.Collect().Where(p => p.Name.StartsWith("Video", StringComparison.Ordinal) || p.Name.StartsWith("Audio", StringComparison.Ordinal))
            .ToDictionary(p => p.Name, p => p.Value);

        var before = Gauges();
        Hear(metrics, new ContentMeasured(T0, 16, null, null));
        var fine = Gauges();
        _time.Advance(TimeSpan.FromSeconds(8));
        Hear(metrics, new ContentConditionStarted(_time.GetUtcNow(), ContentCondition.Silent, T0.AddSeconds(1)));
        _time.Advance(TimeSpan.FromSeconds(52));
        var silent = Gauges();
        Hear(metrics, new ContentConditionEnded(_time.GetUtcNow(), ContentCondition.Silent, T0.AddSeconds(1), Measured: true));

        Assert.That(before, Is.Empty, "nothing before the watch measured");
        Assert.That(fine, Is.EqualTo(new Dictionary<string, double> { ["VideoBlackSeconds"] = 0, ["VideoFrozenSeconds"] = 0, ["AudioSilentSeconds"] = 0 }));
        Assert.That(silent, Is.EqualTo(new Dictionary<string, double> { ["VideoBlackSeconds"] = 0, ["VideoFrozenSeconds"] = 0, ["AudioSilentSeconds"] = 59 }));
        Assert.That(Gauges()["AudioSilentSeconds"], Is.Zero);
    }

    [Test]
    public void Status_json_s_content_says_each_condition_its_duration_and_count_and_the_last_measurements()
    {
        var status = new EncoderStatus(_time);
        var noContent = status.Snapshot("yoga").Content;
        var change = status.NextChange;

        Hear(status,
            new ContentMeasured(T0, 16.0, 0, null),
            new ContentMeasured(T0, null, null, -23.5),
            new ContentConditionStarted(T0.AddSeconds(5), ContentCondition.Black, T0));
        var written = change.IsCompleted;
        _time.Advance(TimeSpan.FromSeconds(12));
        var black = status.Snapshot("yoga").Content!;
        Hear(status, new ContentConditionEnded(_time.GetUtcNow(), ContentCondition.Black, T0, Measured: true), new ContentMeasured(_time.GetUtcNow(), 230, 7.25, null));
        var after = status.Snapshot("yoga").Content!;

        Assert.That(noContent, Is.Null, "absent until the watch measured");
        Assert.That(written, Is.True, "a condition's start is written at once");
        Assert.That(black.Black, Is.EqualTo(new ContentConditionSnapshot(true, 12, T0, 1, null)));
        Assert.That(black.Silent, Is.EqualTo(new ContentConditionSnapshot(false, 0, null, 0, null)));
        Assert.That((black.Luma, black.Change, black.LevelDbfs), Is.EqualTo(((double?)16.0, (double?)0.0, (double?)-23.5)));
        Assert.That(after.Black, Is.EqualTo(new ContentConditionSnapshot(false, 0, null, 1, 12)));
        Assert.That((after.Luma, after.Change, after.LevelDbfs, after.MeasuredAt), Is.EqualTo(((double?)230, (double?)7.25, (double?)-23.5, (DateTimeOffset?)_time.GetUtcNow())));
    }

    [Test]
    public void The_status_line_names_the_conditions_going_on_last()
    {
        var status = new EncoderStatus(_time);
        Hear(status, new ContentMeasured(T0, 200, 3, -20));
        var fine = StatusLine.Format(status.Snapshot("yoga"), LiveRates.Unknown);
        Hear(status,
            new ContentConditionStarted(T0.AddSeconds(8), ContentCondition.Frozen, T0),
            new ContentConditionStarted(T0.AddSeconds(10), ContentCondition.Silent, T0));
        _time.Advance(TimeSpan.FromSeconds(14));

        Assert.That(fine, Does.Not.Contain("frozen").And.Not.Contain("silent"));
        Assert.That(StatusLine.Format(status.Snapshot("yoga"), LiveRates.Unknown), Does.EndWith(" | picture frozen for 14s, sound silent for 14s"));
    }
}

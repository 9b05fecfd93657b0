using Encoder.Egress;
using Encoder.Events;
using Encoder.Recorder;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Encoder.Tests.Events;

/// <summary>
/// What each area's log says for the class's events: the level and the event id (what log queries and tests match),
/// and that every figure of a line is rendered as before (numbers in the template's format).
/// </summary>
public sealed class EventLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_camera_outage_is_said_when_it_starts_as_a_reminder_and_when_it_ends_the_attempts_between_at_debug()
    {
        var log = new ListLogger<RecorderReports>();
        var events = new ClassEvents([new RecorderLog(log)]);

        events.Publish(new RecorderStreaming(T0, 1));
        events.Publish(Failed(FailureReport.OutageStarted));
        events.Publish(Failed(FailureReport.Quiet));
        events.Publish(Failed(FailureReport.StillFailing));
        events.Publish(new CameraBack(T0.AddSeconds(61.25), T0));
        events.Publish(new RecorderStopped(T0.AddSeconds(90), BetweenRuns: false, 255, TimeSpan.FromSeconds(88.04)));

        Assert.That(log.Said, Is.EqualTo(new[]
        {
            (LogLevel.Information, 100), (LogLevel.Warning, 101), (LogLevel.Debug, 103), (LogLevel.Warning, 102), (LogLevel.Information, 104),
            (LogLevel.Information, 109),
        }));
        Assert.That(log.Lines.ElementAt(4).Message, Does.Contain("61.3s"), "the outage's seconds in the template's format");
    }

    [Test]
    public void An_ingest_outage_and_a_failover_are_said_with_their_ids()
    {
        var log = new ListLogger<IngestReports>();
        var events = new ClassEvents([new IngestLog(log)]);

        events.Publish(new IngestFailed(T0, "primary", "Connection refused", Blamed: true, FailureReport.OutageStarted, 1));
        events.Publish(new FailedOver(T0, TimeSpan.FromSeconds(0.84)));
        events.Publish(new IngestFailed(T0, "primary", "Connection refused", Blamed: true, FailureReport.Quiet, 2));
        events.Publish(new IngestFailed(T0, "secondary", "the recorder is down", Blamed: false, FailureReport.Quiet, 0));
        events.Publish(new IngestBack(T0, "primary", TimeSpan.FromSeconds(30)));
        events.Publish(new IngestBack(T0, "secondary", null));
        events.Publish(new ReturnedToPrimary(T0));

        Assert.That(log.Said, Is.EqualTo(new[]
        {
            (LogLevel.Warning, 200), (LogLevel.Warning, 205), (LogLevel.Debug, 202), (LogLevel.Information, 203), (LogLevel.Information, 204),
            (LogLevel.Information, 207),
        }));
        Assert.That(log.Lines.ElementAt(1).Message, Does.Contain("0.84s"));
    }

    [Test]
    public void A_drain_that_left_objects_is_an_error_naming_them_and_a_complete_one_is_information()
    {
        var log = new ListLogger<SegmentUploader>();
        var events = new ClassEvents([new StorageLog(new ListLogger<StorageOutage>(), log)]);

        events.Publish(new DrainEnded(T0, TimeSpan.FromSeconds(2), ["class-9/seg_00001.ts"], "/rec/class-9", 1, TimeSpan.FromSeconds(4), true, "s3://b/class-9/"));
        events.Publish(new DrainEnded(T0, TimeSpan.FromSeconds(2), [], "/rec/class-9", 2, TimeSpan.FromSeconds(4), true, "s3://b/class-9/"));

        Assert.That(log.Said, Is.EqualTo(new[] { (LogLevel.Error, 310), (LogLevel.Information, 311) }));
        Assert.That(log.Lines.First().Message, Does.Contain("class-9/seg_00001.ts"));
    }

    private static RecorderFailed Failed(FailureReport report) =>
        new(T0, "Connection refused (exit code 1)", TimeSpan.FromSeconds(3), report, 1, T0, TimeSpan.FromSeconds(0.5));
}

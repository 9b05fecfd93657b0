using Encoder.Events;
using Encoder.Lifecycle;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Storage;

public sealed class StorageOutageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    [Test]
    public void An_outage_is_said_once_backs_off_and_is_recorded_with_its_length_when_a_pass_succeeds_again()
    {
        var time = new FakeTimeProvider(T0);
        var outages = new SessionOutages();
        var log = new ListLogger<StorageOutage>();
        var outage = new StorageOutage(new ClassEvents([outages, new StorageLog(log, new ListLogger<SegmentUploader>())]), time);

        outage.Succeeded();
        outage.Failed(new StorageUnavailableException("S3 bucket 'studio' did not answer", transient: true), waiting: 3);
        var first = outage.Backoff;
        time.Advance(TimeSpan.FromSeconds(2));
        outage.Failed(new StorageUnavailableException("S3 bucket 'studio' did not answer", transient: true), waiting: 4);
        time.Advance(TimeSpan.FromSeconds(2));
        outage.Succeeded();

        Assert.That((first, outage.Backoff), Is.EqualTo((TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5))), "back to the first delay once it works");
        Assert.That(log.Said, Is.EqualTo(new[] { (LogLevel.Warning, 300), (LogLevel.Debug, 301), (LogLevel.Information, 302) }));
        Assert.That(outages.All, Is.EqualTo(new[] { new Outage(Outage.Storage, T0, T0.AddSeconds(4), "storage unavailable") }));
    }

    [Test]
    public void A_failure_only_the_operator_can_fix_is_published_as_permanent_and_said_as_an_error()
    {
        var seen = new EventsSeen();
        var log = new ListLogger<StorageOutage>();
        var outage = new StorageOutage(new ClassEvents([seen, new StorageLog(log, new ListLogger<SegmentUploader>())]), new FakeTimeProvider(T0));

        outage.Failed(new StorageUnavailableException("the S3 bucket 'studio' does not exist", transient: false), waiting: 1);
        outage.Failed(new StorageUnavailableException("the S3 bucket 'studio' does not exist", transient: false), waiting: 1);

        Assert.That(seen.Of<StorageFailed>().Select(f => (f.Permanent, f.Report)),
            Is.EqualTo(new[] { (true, FailureReport.OutageStarted), (true, FailureReport.Quiet) }));
        Assert.That(log.Said, Is.EqualTo(new[] { (LogLevel.Error, 300), (LogLevel.Debug, 301) }));
        Assert.That(outage.Backoff, Is.EqualTo(TimeSpan.FromSeconds(1)), "the second failure doubles the wait");
    }
}

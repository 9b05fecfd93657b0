using Encoder.Configuration;
using Encoder.Events;
using Encoder.Lifecycle;
using Encoder.Status;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Status;

/// <summary>status.json's own loop: one put per interval, skipped while storage is away, abandoned after an interval, never queued.</summary>
public sealed class StatusUploaderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>A store whose puts of status.json never answer until cancelled (a frozen S3), or answer at once.</summary>
    private sealed class StatusStore(bool hangs) : IRecordingStore
    {
        private int _puts;

        public int Puts => Volatile.Read(ref _puts);

        public string Describe(string key) => "s3://studio/recordings/" + key;

        public async Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken)
        {
            Assert.That((key, headers), Is.EqualTo(("yoga/status.json", ObjectHeaders.Status)));
            Interlocked.Increment(ref _puts);
            if (hangs)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            return "md5";
        }

        public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> RecoverAsync(string keyPrefix, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static (StatusUploader Uploader, StorageOutage Outage) Create(StatusStore store, FakeTimeProvider time, StorageKind kind = StorageKind.S3)
    {
        var options = new EncoderOptions { SessionId = "yoga", Storage = new StorageOptions { Kind = kind, Bucket = "studio" } };
        var outage = new StorageOutage(ClassEvents.None, time);
        return (new StatusUploader(options, new EncoderStatus(time), store, outage, time, new ListLogger<StatusUploader>()), outage);
    }

    private static Task Puts(StatusStore store, int count) =>
        Poll.UntilAsync(() => store.Puts == count, TimeSpan.FromSeconds(10), $"{count} status puts");

    [Test]
    public async Task The_status_goes_up_at_once_and_then_once_per_interval()
    {
        var time = new FakeTimeProvider(T0);
        var store = new StatusStore(hangs: false);
        var (uploader, _) = Create(store, time);

        await uploader.StartAsync(CancellationToken.None);
        await Puts(store, 1);
        time.Advance(Interval - TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.That(store.Puts, Is.EqualTo(1), "nothing before the interval is up");
        time.Advance(TimeSpan.FromSeconds(1));
        await Puts(store, 2);
        await uploader.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task While_storage_is_away_no_put_is_tried_and_the_next_tick_after_it_is_back_puts_the_newest_status()
    {
        var time = new FakeTimeProvider(T0);
        var store = new StatusStore(hangs: false);
        var (uploader, outage) = Create(store, time);
        outage.Failed(new StorageUnavailableException("S3 bucket 'studio' did not answer", transient: true), waiting: 3);

        await uploader.StartAsync(CancellationToken.None);
        for (var i = 0; i < 4; i++)
        {
            time.Advance(Interval);
            await Task.Delay(20);
        }

        Assert.That(store.Puts, Is.Zero);
        outage.Succeeded();
        time.Advance(Interval);
        await Puts(store, 1);
        await uploader.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task A_put_that_never_answers_is_abandoned_after_one_interval_and_ticks_meanwhile_are_not_queued()
    {
        var time = new FakeTimeProvider(T0);
        var store = new StatusStore(hangs: true);
        var (uploader, _) = Create(store, time);

        await uploader.StartAsync(CancellationToken.None);
        await Puts(store, 1);
        time.Advance(Interval);
        await Puts(store, 2);
        time.Advance(Interval / 3);
        await Task.Delay(50);
        Assert.That(store.Puts, Is.EqualTo(2), "one put at a time: a hung one holds the next tick back, it does not pile them up");
        time.Advance(Interval - Interval / 3);
        await Puts(store, 3);
        await uploader.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task With_local_storage_nothing_is_put()
    {
        var time = new FakeTimeProvider(T0);
        var store = new StatusStore(hangs: false);
        var (uploader, _) = Create(store, time, StorageKind.Local);

        await uploader.StartAsync(CancellationToken.None);
        time.Advance(Interval * 2);
        await Task.Delay(50);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(store.Puts, Is.Zero);
    }
}

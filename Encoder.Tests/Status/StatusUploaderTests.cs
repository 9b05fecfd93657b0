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

    /// <summary>
    /// A store whose puts of status.json never answer until cancelled (a frozen S3), or answer at once. It keeps what a
    /// test asserts once the uploader has stopped: the fake time of each put, how many ran at once, and any put tried
    /// while <paramref name="away"/> said storage was away.
    /// </summary>
    private sealed class StatusStore(bool hangs, TimeProvider time, Func<bool>? away = null) : IRecordingStore
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset> _putAt = new();
        private int _puts;
        private int _running;
        private int _mostAtOnce;
        private int _whileAway;

        public int Puts => Volatile.Read(ref _puts);

        public IReadOnlyList<DateTimeOffset> PutAt => [.. _putAt];

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int TriedWhileAway => Volatile.Read(ref _whileAway);

        public string Describe(string key) => "s3://studio/recordings/" + key;

        public async Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken)
        {
            Assert.That((key, headers), Is.EqualTo(("yoga/status.json", ObjectHeaders.Status)));
            var running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _mostAtOnce, running);
            if (away?.Invoke() == true)
                Interlocked.Increment(ref _whileAway);
            _putAt.Enqueue(time.GetUtcNow());
            Interlocked.Increment(ref _puts);
            try
            {
                if (hangs)
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                return "md5";
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                    return;
            }
        }

        public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) => throw new NotSupportedException();
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
        var time = new ObservedTime(T0);
        var store = new StatusStore(hangs: false, time);
        var (uploader, _) = Create(store, time);

        await uploader.StartAsync(CancellationToken.None);
        await Puts(store, 1);
        Assert.That(time.NextDue, Is.EqualTo(T0 + Interval), "nothing before the interval is up: the uploader's next wake-up is the interval's end");
        time.Advance(Interval);
        await Puts(store, 2);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(store.PutAt, Is.EqualTo(new[] { T0, T0 + Interval }));
    }

    [Test]
    public async Task While_storage_is_away_no_put_is_tried_and_the_next_tick_after_it_is_back_puts_the_newest_status()
    {
        var time = new ObservedTime(T0);
        StorageOutage? outage = null;
        var store = new StatusStore(hangs: false, time, away: () => outage!.IsDown);
        (var uploader, outage) = Create(store, time);
        outage.Failed(new StorageUnavailableException("S3 bucket 'studio' did not answer", transient: true), waiting: 3);

        await uploader.StartAsync(CancellationToken.None);
        for (var i = 0; i < 4; i++)
            time.Advance(Interval);
        outage.Succeeded();
        time.Advance(Interval);
        await Poll.UntilAsync(() => store.Puts >= 1, TimeSpan.FromSeconds(10), "a put once storage is back");
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(store.TriedWhileAway, Is.Zero, "no put is tried while storage is away");
        Assert.That(store.PutAt, Is.Not.Empty.And.All.GreaterThanOrEqualTo(T0 + 4 * Interval), "puts begin once storage is back");
    }

    [Test]
    public async Task A_put_that_never_answers_is_abandoned_after_one_interval_and_ticks_meanwhile_are_not_queued()
    {
        var time = new ObservedTime(T0);
        var store = new StatusStore(hangs: true, time);
        var (uploader, _) = Create(store, time);

        await uploader.StartAsync(CancellationToken.None);
        await Puts(store, 1);
        time.Advance(Interval); // the first put is abandoned and the tick puts again, which hangs too
        await Puts(store, 2);
        Assert.That(time.NextDue, Is.EqualTo(T0 + 2 * Interval), "the hung put's deadline and the next tick, one interval on");
        time.Advance(Interval);
        await Puts(store, 3);
        await uploader.StopAsync(CancellationToken.None);

        Assert.That(store.PutAt, Is.EqualTo(new[] { T0, T0 + Interval, T0 + 2 * Interval }), "one put per tick, none queued behind a hung one");
        Assert.That(store.MostAtOnce, Is.EqualTo(1), "one put at a time: a hung one holds the next tick back");
    }

    [Test]
    public async Task With_local_storage_nothing_is_put()
    {
        var time = new ObservedTime(T0);
        var store = new StatusStore(hangs: false, time);
        var (uploader, _) = Create(store, time, StorageKind.Local);

        await uploader.StartAsync(CancellationToken.None);
        await uploader.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((store.Puts, time.Armings), Is.EqualTo((0, 0)), "its loop ended at once, without a put or a timer");
        await uploader.StopAsync(CancellationToken.None);
    }
}

using System.Diagnostics.Metrics;
using Encoder.Events;
using Encoder.Lifecycle;
using Encoder.Metrics;
using Encoder.Recording;
using Encoder.Status;
using Encoder.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Storage;

/// <summary>
/// S3 that accepts a request and never answers it (frozen): the uploader's pass is blocked in the PUT, and what is
/// recorded, what waits and for how long must still be known, on the metrics and the status.
/// </summary>
public sealed class HungStorageFiguresTests : UploaderFixture
{
    [Test]
    public async Task A_pass_blocked_in_a_put_does_not_freeze_the_pending_count_the_lag_or_the_segments_recorded()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var segments = new SegmentLedger(time);
        var metrics = new EncoderMetrics(services.GetRequiredService<IMeterFactory>(), time, new Encoder.Ffmpeg.RecorderHealth(time), segments);
        using var collector = new MetricsCollector(metrics.Meter);
        var store = new HangingStore(new LocalFolderStore(Options.Storage.Directory));
        var status = new EncoderStatus(time, segments: segments);
        var outages = new SessionOutages();
        using var journal = Journal(segments, time);
        var events = new ClassEvents([status, metrics]);
        var playlists = new PlaylistReader(Layout, segments, events, time);
        var reader = new RecordingReader(Layout, playlists, new SessionManifestSource(Options, journal, outages, status, time));
        var pass = new UploadPass(Options, store, reader,
            new ObjectUploader(Options, store, journal, new RecordingDisk(Layout, segments), time, NullLogger<ObjectUploader>.Instance), journal, segments, time,
            NullLogger<UploadPass>.Instance);
        using var uploader = new SegmentUploader(Options, Layout, pass, new StorageOutage(events, time), journal, store,
            new UploadDrainReport(), segments, time, NullLogger<SegmentUploader>.Instance, events: events);
        using var changes = new PlaylistChanges(Layout, NullLogger<PlaylistChanges>.Instance);
        using var watch = new PlaylistWatch(changes, playlists, time, NullLogger<PlaylistWatch>.Instance);
        Record(segments: 1);
        await uploader.StartAsync(CancellationToken.None);
        await store.PutStarted.WaitAsync(TimeSpan.FromSeconds(10));

        Record(segments: 4);
        await watch.StartAsync(CancellationToken.None); // it looks first as it starts
        await Eventually(() => segments.RecordedCount == 4);
        time.Advance(TimeSpan.FromSeconds(30));
        var figures = collector.Collect().ToDictionary(p => p.Name, p => p.Value);
        var snapshot = status.Snapshot("class-9");

        Assert.That(store.PutStarted.IsCompleted && !store.Released, Is.True, "the pass is still blocked in its first PUT");
        Assert.That((figures.GetValueOrDefault("ObjectsPending"), figures.GetValueOrDefault("UploadLagSeconds")), Is.EqualTo((4.0, 30.0)),
            "every complete segment waits, the oldest for 30 s");
        Assert.That(figures.GetValueOrDefault("SegmentsRecorded"), Is.EqualTo(3), "what the playlist gained since the first look");
        Assert.That((snapshot.SegmentsRecorded, snapshot.SegmentsStored, snapshot.SegmentsPending, snapshot.UploadLagSeconds), Is.EqualTo((4, 0, (int?)4, (double?)30.0)));

        store.Release();
        await uploader.StopAsync(CancellationToken.None);
        await watch.StopAsync(CancellationToken.None);
        var after = collector.Collect().ToDictionary(p => p.Name, p => p.Value);
        Assert.That((after["ObjectsPending"], segments.Pending, segments.StoredCount), Is.EqualTo((0.0, (int?)0, 4)), "once S3 answers, everything is stored");
    }
}

/// <summary>Storage that accepts a put and never answers it (an S3 frozen with SIGSTOP) until released.</summary>
internal sealed class HangingStore(IRecordingStore inner) : IRecordingStore
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task PutStarted => _started.Task;

    public bool Released => _released.Task.IsCompleted;

    public void Release() => _released.TrySetResult();

    public string Describe(string key) => inner.Describe(key);

    public async Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        await HangAsync(cancellationToken);
        return await inner.PutFileAsync(key, localPath, headers, cancellationToken);
    }

    public async Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        await HangAsync(cancellationToken);
        return await inner.PutBytesAsync(key, content, headers, cancellationToken);
    }

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => inner.StoredMd5Async(key, cancellationToken);

    public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) => inner.RecoverAsync(keyPrefix, keepUploads, cancellationToken);

    private Task HangAsync(CancellationToken cancellationToken)
    {
        _started.TrySetResult();
        return _released.Task.WaitAsync(cancellationToken);
    }
}

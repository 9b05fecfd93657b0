using Encoder.Configuration;
using Encoder.Events;
using Encoder.Recording;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>
/// Uploads the recording while the class runs: a pass (<see cref="UploadPass"/>, which stores what <see cref="UploadPlan"/>
/// says comes next), then a wait, and again. The wait lasts until the recorder puts a new playlist in place
/// (<see cref="PlaylistChanges"/>), an object that failed is due again, or the watch's fallback has passed; without a
/// watch it is the scan interval; while storage is away it is <see cref="StorageOutage.Backoff"/>. It stops after
/// FFmpeg (hosted services stop in reverse order) and then drains: final passes within the drain budget; what it could
/// not store goes in the <see cref="UploadDrainReport"/>, from which the class's end decides (exit 3 when the class is over),
/// and the drain's end is published (<see cref="DrainEnded"/>).
/// </summary>
public sealed class SegmentUploader(
    EncoderOptions options,
    RecordingLayout layout,
    UploadPass pass,
    StorageOutage outage,
    UploadJournal journal,
    IRecordingStore store,
    UploadDrainReport drainReport,
    SegmentLedger segments,
    TimeProvider time,
    ILogger<SegmentUploader> logger,
    IHostApplicationLifetime? lifetime = null,
    ClassEvents? events = null,
    PlaylistChanges? playlistChanges = null) : BackgroundService
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromMilliseconds(500);
    private DateTimeOffset? _stopRequestedAt;

    /// <summary>Segments verified in storage (by this daemon or, per the journal, an earlier one).</summary>
    public int SegmentsStored => segments.StoredCount;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        journal.Open();
        lifetime?.ApplicationStopping.Register(() => _stopRequestedAt = time.GetUtcNow());
        if (journal.State.FirstStart is { } first && journal.State.Restarts.Count > 0)
            logger.LogWarning("Resuming the upload of session {SessionId} (first started {FirstStart:O}): {Stored} objects are already stored, per {Journal}",
                options.SessionId, first, journal.State.Stored.Count, journal.Path);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (lifetime?.ApplicationStopping.IsCancellationRequested == true)
            {
                // The host is stopping: the recorder's last playlist is about to land, and a live pass begun for it
                // would be cut off mid-object by this service's stop and put again by the drain, which stores it all.
                await WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
                break;
            }

            var changed = playlistChanges is { Watching: true } ? playlistChanges.Next : null; // before the pass reads the playlist
            var result = await PassAsync(final: false, stoppingToken).ConfigureAwait(false);
            var (wait, wake) = result.Storage == StorageState.Down ? (outage.Backoff, null)
                : changed is null ? (ScanInterval, null)
                : (Min(UntilRetryDue() ?? playlistChanges!.Fallback, playlistChanges!.Fallback), changed);
            if (!await WaitAsync(wait, stoppingToken, wake).ConfigureAwait(false))
                break;
        }
    }

    /// <summary>The time until the next object that failed on its own is due, at least the scan interval; null when none is held.</summary>
    private TimeSpan? UntilRetryDue() => pass.NextRetry is { } due ? Max(due - time.GetUtcNow(), ScanInterval) : null;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var started = time.GetUtcNow();
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(DrainBudget(started));

        PassResult result;
        PassResult? finished = null;
        do
        {
            result = await PassAsync(final: true, drain.Token).ConfigureAwait(false);
            if (result.Storage != StorageState.Unknown)
                finished = result;
        }
        while (!result.Stored && await WaitAsync(NextTry(result), drain.Token).ConfigureAwait(false));

        // A pass the deadline cut short counts what it had not re-stored yet (session.json goes up last in every final
        // pass): what is left is what neither it nor the last finished pass stored.
        var left = result.Storage == StorageState.Unknown && finished is { } last ? result.Left.Intersect(last.Left, StringComparer.Ordinal) : result.Left;
        var pending = left.Concat(pass.LostKeys).ToList();
        drainReport.Complete(pending);
        events?.Publish(new DrainEnded(time.GetUtcNow(), time.GetUtcNow() - started, pending, layout.SessionDirectory, SegmentsStored,
            result.Playlist.TotalDuration, result.Playlist.HasEndList, store.Describe(StorageKeys.SessionFolder(options.SessionId))));
    }

    /// <summary>The drain's share of the stop (<see cref="StopBudget"/>), from when the stop was asked for.</summary>
    private TimeSpan DrainBudget(DateTimeOffset started)
    {
        var budget = (_stopRequestedAt ?? started) + StopBudget.From(options).DrainDeadline - started;
        return budget > TimeSpan.Zero ? budget : TimeSpan.Zero;
    }

    private async Task<PassResult> PassAsync(bool final, CancellationToken cancellationToken)
    {
        var result = await pass.RunAsync(final, cancellationToken).ConfigureAwait(false);
        if (result.Storage == StorageState.Down && result.Failure is { } failure)
        {
            outage.Failed(failure, result.Left.Count);
            return result;
        }

        if (result.Storage == StorageState.Works)
            outage.Succeeded();
        return result;
    }

    /// <summary>The drain's wait before its next pass: the outage's backoff, or until the next object that failed on its own is due.</summary>
    private TimeSpan NextTry(PassResult result) =>
        result.Storage == StorageState.Down ? outage.Backoff : UntilRetryDue() ?? ScanInterval;

    /// <summary>Waits for <paramref name="delay"/>, or less if <paramref name="changed"/> completes; false when the wait was cancelled.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken, Task? changed = null)
    {
        try
        {
            if (changed is null)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                return true;
            }

            using var early = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delayed = Task.Delay(delay, time, early.Token);
            if (await Task.WhenAny(changed, delayed).ConfigureAwait(false) == changed)
                await early.CancelAsync().ConfigureAwait(false); // the timer goes now, not when it would have fired
            cancellationToken.ThrowIfCancellationRequested();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

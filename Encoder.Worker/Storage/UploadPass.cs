using Encoder.Configuration;
using Encoder.Events;
using Encoder.Recording;
using Encoder.Resilience;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>What one pass achieved.</summary>
/// <param name="Stored">True when nothing is left to store: every planned item was stored and none is held.</param>
/// <param name="Playlist">The playlist the pass planned from (empty when reading the recording failed).</param>
/// <param name="Left">The keys not stored yet, in order (held ones included).</param>
/// <param name="Failure">Why the storage is taken to be down; null when it is not, or the pass was cancelled.</param>
/// <param name="Storage">What the pass showed about the storage.</param>
public sealed record PassResult(bool Stored, HlsPlaylist Playlist, IReadOnlyList<string> Left, Exception? Failure, StorageState Storage = StorageState.Works);

/// <summary>
/// One pass over the recording: read it, plan once (<see cref="UploadPlan"/>), then store the items in order. When one fails,
/// <see cref="UploadRetries"/> says whose failure it is: the object's (it is held for its own retry, the plan is made again
/// without it and the pass goes on) or the storage's (the pass stops). What is left comes from the plan, and
/// <c>session.json</c> is made when its turn comes (last), from what the pass leaves unstored: a pass plans once more
/// only for each object that fails. The first pass also cleans up what a killed earlier run left in storage.
/// </summary>
public sealed class UploadPass(EncoderOptions options, IRecordingStore store, RecordingReader reader, ObjectUploader uploader, UploadJournal journal,
    SegmentLedger segments, TimeProvider time, ILogger<UploadPass> logger, IReplayFinisher? replay = null)
{
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private readonly UploadRetries _retries = new();
    private bool _recovered;
    private (long Version, PassResult Result)? _quiet; // the last live pass, when it left nothing to store
    private (int Count, string LastUri)? _settled; // the playlist's first segments the last plan found stored or lost

    /// <summary>The keys of the segments the playlist named that were on neither the disk nor storage.</summary>
    public IEnumerable<string> LostKeys => _lost.Select(segment => StorageKeys.For(options.SessionId, segment));

    /// <summary>When the next object that failed on its own is due again; null when none is waiting.</summary>
    public DateTimeOffset? NextRetry => _retries.NextRetry;

    public async Task<PassResult> RunAsync(bool final, CancellationToken cancellationToken)
    {
        RecordingSnapshot recording;
        try
        {
            recording = await reader.ReadAsync(final, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFailure(ex, cancellationToken) || ex is OperationCanceledException)
        {
            // Before it knew what there is, the whole session folder counts as left.
            return new PassResult(false, HlsPlaylist.Empty, [StorageKeys.SessionFolder(options.SessionId)], IsFailure(ex, cancellationToken) ? ex : null,
                StorageState.Down);
        }

        // Nothing new since a pass that left nothing: a look at the playlist is all a quiet tick costs, at any point of the class.
        if (!final && _quiet is { } quiet && quiet.Version == recording.PlaylistVersion)
            return quiet.Result;

        _retries.BeginPass();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        var plan = Plan(recording, final, failed);
        ReplayOutcome? replayOutcome = null;
        Exception? failure = null;
        var down = false;
        try
        {
            if (!_recovered)
                _recovered = await TryRecoverAsync(cancellationToken).ConfigureAwait(false);
            while (!down && plan.Items.FirstOrDefault(i => !done.Contains(i.Key)) is { } item)
            {
                done.Add(item.Key);
                try
                {
                    if (item.Key == ManifestKey && replay is not null)
                        replayOutcome = await replay.FinishAsync(cancellationToken).ConfigureAwait(false); // stored before session.json, which lists it
                    await uploader.StoreAsync(item.Key == ManifestKey ? WithManifest(recording, item, plan, stored, replayOutcome) : item, cancellationToken).ConfigureAwait(false);
                    stored.Add(item.Key);
                    if (_retries.Stored(item.Key, time.GetUtcNow()) is > 0 and var failures)
                        logger.LogInformation("{Object} is stored after {Failures} failed attempts", store.Describe(item.Key), failures);
                }
                catch (Exception ex) when (IsFailure(ex, cancellationToken))
                {
                    failed.Add(item.Key);
                    failure = ex;
                    down = _retries.Failed(item.Key, ex.Message, ex is StorageUnavailableException { StorageWide: true }, time.GetUtcNow()) == FailureVerdict.StorageDown;
                    if (!down)
                        plan = Plan(recording, final, failed);
                }

                Report(_retries.TakeBlamed());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new PassResult(false, plan.Playlist, plan.Left(stored), null, StorageState.Unknown);
        }
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            // Recovery failed in a way only the operator can fix (no such bucket): the storage is down.
            _retries.Failed("", ex.Message, storageWide: true, time.GetUtcNow());
            failure = ex;
        }

        var state = _retries.EndPass(time.GetUtcNow(), done.Count > 0);
        Report(_retries.TakeBlamed());
        var left = plan.Left(stored).Concat(replayOutcome?.NotStored ?? []).ToList();
        var result = new PassResult(left.Count == 0, plan.Playlist, left, state == StorageState.Down ? failure : null, state);
        _quiet = !final && result.Stored && state == StorageState.Works ? (recording.PlaylistVersion, result) : null;
        return result;
    }

    private static bool IsFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is IOException or UnauthorizedAccessException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private UploadPlan Plan(RecordingSnapshot recording, bool final, IReadOnlySet<string> failed)
    {
        var held = _retries.Held(time.GetUtcNow());
        held.UnionWith(failed);
        var playlist = recording.Playlist;
        // The settled prefix of the last plan holds while the playlist still names the same segment at its end.
        var settled = _settled is { Count: > 0 } s && s.Count <= playlist.Segments.Count && playlist.Segments[s.Count - 1].Uri == s.LastUri ? s.Count : 0;
        var plan = UploadPlan.For(options.SessionId, recording, journal.State, segments, final, store.Describe, held, settled);
        // Reported by whichever plan finds it first: the next one starts after it.
        foreach (var segment in plan.Lost.Where(_lost.Add))
        {
            segments.Lost(segment);
            logger.LogError("Segment {Segment} is named by the playlist but is missing on disk and not in storage: it cannot be stored", segment);
        }
        _settled = plan.Settled > 0 ? (plan.Settled, playlist.Segments[plan.Settled - 1].Uri) : null;
        return plan;
    }

    private string ManifestKey => StorageKeys.For(options.SessionId, StorageKeys.ManifestName);

    /// <summary>
    /// <c>session.json</c> as it goes up, last: made now with what this pass leaves unstored (held, failed in it, lost), so its
    /// outcome is known.
    /// </summary>
    private UploadItem WithManifest(RecordingSnapshot recording, UploadItem item, UploadPlan plan, HashSet<string> stored, ReplayOutcome? replayOutcome)
    {
        var notStored = plan.Left(stored).Where(key => key != ManifestKey).Concat(LostKeys).Concat(replayOutcome?.NotStored ?? []);
        return reader.WithManifest(recording, notStored, replayOutcome?.Manifest).Manifest is { } manifest ? item with { Content = manifest } : item;
    }

    /// <summary>An object that fails on its own: a warning the first time, with the reason, then a reminder once a minute.</summary>
    private void Report(IReadOnlyList<StuckObject> blamed)
    {
        foreach (var stuck in blamed)
        {
            if (stuck.Report == FailureReport.OutageStarted)
                logger.LogWarning("Storing {Object} failed: {Error}. The objects after it go on; it is retried on its own (reminders once a minute)",
                    store.Describe(stuck.Key), stuck.Reason);
            else if (stuck.Report == FailureReport.StillFailing)
                logger.LogWarning("{Object} still cannot be stored after {Failures} attempts since {Since:O}: {Error}",
                    store.Describe(stuck.Key), stuck.Failures, stuck.Since, stuck.Reason);
            else
                logger.LogDebug("Storing {Object} failed again: {Error}", store.Describe(stuck.Key), stuck.Reason);
        }
    }

    /// <summary>
    /// Aborts the unfinished multipart uploads an earlier, killed run left. Best effort: the least-privilege role
    /// (iam/encoder-instance-policy.json) may not allow listing them, and that must never stop the recording going up;
    /// the bucket's AbortIncompleteMultipartUpload lifecycle rule then cleans them. Returns whether to stop trying.
    /// </summary>
    private async Task<bool> TryRecoverAsync(CancellationToken cancellationToken)
    {
        var folder = StorageKeys.SessionFolder(options.SessionId);
        try
        {
            var keep = replay?.ContinuedUpload is { } continued ? new HashSet<string> { continued } : new HashSet<string>();
            var cleaned = await store.RecoverAsync(folder, keep, cancellationToken).ConfigureAwait(false);
            if (cleaned > 0)
                logger.LogWarning("Cleaned up {Count} unfinished uploads an earlier run left in {Destination}", cleaned, store.Describe(folder));
            return true;
        }
        catch (StorageUnavailableException ex) when (ex.Denied)
        {
            logger.LogWarning("Could not look for unfinished uploads an earlier run may have left in {Destination} ({Error}); uploading goes on, and the bucket's lifecycle rule cleans them",
                store.Describe(folder), ex.Message);
            return true;
        }
        catch (StorageUnavailableException ex) when (ex.Transient)
        {
            logger.LogDebug("Looking for unfinished uploads failed for now ({Error}); trying again on the next pass", ex.Message);
            return false;
        }
    }
}

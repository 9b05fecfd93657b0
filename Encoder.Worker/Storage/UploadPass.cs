using Encoder.Configuration;
using Encoder.Recording;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>What one pass achieved.</summary>
/// <param name="Stored">True when every planned item was stored.</param>
/// <param name="Playlist">The playlist the pass planned from (empty when reading the recording failed).</param>
/// <param name="Left">The keys the pass did not store, in order.</param>
/// <param name="Failure">Why storing failed; null when it succeeded or was cancelled.</param>
public sealed record PassResult(bool Stored, HlsPlaylist Playlist, IReadOnlyList<string> Left, Exception? Failure);

/// <summary>
/// One pass over the recording: read it, plan (<see cref="UploadPlan"/>), then store the items in order until one
/// fails. The first pass also cleans up what a killed earlier run left in storage.
/// </summary>
public sealed class UploadPass(EncoderOptions options, IRecordingStore store, RecordingReader reader, ObjectUploader uploader, UploadJournal journal, ILogger<UploadPass> logger)
{
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private bool _recovered;

    /// <summary>The keys of the segments the playlist named that were on neither the disk nor storage.</summary>
    public IEnumerable<string> LostKeys => _lost.Select(segment => StorageKeys.For(options.SessionId, segment));

    public async Task<PassResult> RunAsync(bool final, CancellationToken cancellationToken)
    {
        UploadPlan? plan = null;
        var done = 0;
        try
        {
            plan = UploadPlan.For(options.SessionId, await reader.ReadAsync(final, cancellationToken).ConfigureAwait(false), journal.State, final, store.Describe);
            foreach (var segment in plan.Lost.Where(_lost.Add))
                logger.LogError("Segment {Segment} is named by the playlist but is missing on disk and not in storage: it cannot be stored", segment);
            if (!_recovered)
                _recovered = await TryRecoverAsync(cancellationToken).ConfigureAwait(false);

            foreach (var item in plan.Items)
            {
                await uploader.StoreAsync(item, cancellationToken).ConfigureAwait(false);
                done++;
            }

            return new PassResult(true, plan.Playlist, [], null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new PassResult(false, plan?.Playlist ?? HlsPlaylist.Empty, Left(plan, done), ex);
        }
        catch (OperationCanceledException)
        {
            return new PassResult(false, plan?.Playlist ?? HlsPlaylist.Empty, Left(plan, done), null);
        }
    }

    /// <summary>What a failed pass left; when it failed before it knew (reading the recording failed), the whole session folder counts as left.</summary>
    private List<string> Left(UploadPlan? plan, int done) =>
        plan is null ? [StorageKeys.SessionFolder(options.SessionId)] : plan.Items.Skip(done).Select(i => i.Key).ToList();

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
            var cleaned = await store.RecoverAsync(folder, cancellationToken).ConfigureAwait(false);
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

using System.Text;
using Encoder.Configuration;
using Encoder.Recording;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>
/// A start-up step, before the recorder and the uploader: a session whose folder holds no playlist (a new class, or one
/// whose folder is gone: an EC2 stop/start wipes the instance store; the CMS launched the class again with the same session
/// id) asks storage what it already holds (<see cref="IStoreContents"/>) and, if anything, continues it as
/// <see cref="ResumePlan"/> says: the stored segments are journaled as stored (so the ledger neither uploads them again nor
/// counts them pending), the earlier runs are kept beside the recording for <c>session.json</c>, the class's first start
/// becomes the folder's <c>class-started</c>, and, last, the playlist is put in place, so the recorder continues its numbering.
/// Bounded by <see cref="LookupBudget"/>: storage that does not answer in time is not waited for (the recording starts; a
/// segment storage already holds under its name is then refused, never replaced: <see cref="ObjectHeaders.NeverReplaced"/>).
/// </summary>
public sealed class StoredRecordingResume(EncoderOptions options, RecordingLayout layout, IRecordingStore store, UploadJournal journal, TimeProvider time,
    ILogger<StoredRecordingResume> logger) : IHostedService
{
    /// <summary>How long the start waits for storage to say what it holds.</summary>
    public static readonly TimeSpan LookupBudget = TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(layout.PlaylistPath) || store is not IStoreContents contents)
            return; // the folder holds the recording: the journal says what is stored
        var folder = StorageKeys.SessionFolder(options.SessionId);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(LookupBudget);
        ResumePlan? plan;
        try
        {
            var objects = await contents.ListAsync(folder, budget.Token).ConfigureAwait(false);
            if (objects.Count == 0)
                return;
            plan = ResumePlan.Decide(options.SessionId, objects,
                await ReadTextAsync(contents, objects, StorageKeys.PlaylistName, budget.Token).ConfigureAwait(false),
                await ReadTextAsync(contents, objects, StorageKeys.ManifestName, budget.Token).ConfigureAwait(false) is { } json
                    ? SessionManifest.FromJson(Encoding.UTF8.GetBytes(json)) : null,
                options.Recording.SegmentSeconds);
        }
        catch (StorageUnavailableException ex)
        {
            NotLearnt(ex.Denied, ex.Message);
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            NotLearnt(denied: false, $"no answer within {LookupBudget.TotalSeconds:0}s");
            return;
        }

        if (plan is null)
            return;
        await ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAsync(ResumePlan plan, CancellationToken cancellationToken)
    {
        journal.Open();
        foreach (var segment in plan.StoredSegments)
        {
            var destination = store.Describe(StorageKeys.For(options.SessionId, segment.Key));
            if (!journal.State.IsStored(destination))
                journal.Stored(destination, segment.Md5 ?? ContentUnknown, segment.Size);
        }

        if (plan.Earlier is { Runs.Count: > 0 } earlier)
        {
            await earlier.WriteAsync(layout.SessionDirectory, cancellationToken).ConfigureAwait(false);
            ClassStart.ReadOrRecord(layout, earlier.FirstStartedAt < time.GetUtcNow() ? earlier.FirstStartedAt : time.GetUtcNow());
        }

        foreach (var name in plan.Unstored)
            logger.LogError("Segment {Segment} of an earlier run is not in storage: the continued playlist names it so that no number is used twice, and it is reported lost", name);
        if (plan.Playlist is { } playlist)
        {
            var bytes = Encoding.UTF8.GetBytes(playlist);
            if (plan.PlaylistAsStored)
                journal.Stored(store.Describe(StorageKeys.For(options.SessionId, StorageKeys.PlaylistName)), ContentMd5.Hex(bytes), bytes.Length);
            await AtomicFile.WriteAllBytesAsync(layout.PlaylistPath, bytes, cancellationToken).ConfigureAwait(false); // last: a start cut short before it learns again
        }

        logger.LogWarning(
            "Session {SessionId} was recorded before ({Segments} segments in {Destination}, {Runs} earlier runs) and this machine has no recording of it: continuing it. New segments are numbered from {Next}; nothing stored is written again",
            options.SessionId, plan.StoredSegments.Count, store.Describe(StorageKeys.SessionFolder(options.SessionId)), plan.Earlier?.Runs.Count ?? 0,
            RecordingLayout.SegmentFileName(plan.NextSegment));
    }

    /// <summary>The journal's MD5 field for a segment whose content storage does not tell (a multipart ETag): only its being stored matters.</summary>
    private static readonly string ContentUnknown = new('0', 32);

    private static async Task<string?> ReadTextAsync(IStoreContents contents, IReadOnlyList<StoredObject> objects, string name, CancellationToken cancellationToken)
    {
        var stored = objects.FirstOrDefault(o => o.Key.EndsWith("/" + name, StringComparison.Ordinal) && o.Key.Count(c => c == '/') == 1);
        if (stored is null)
            return null;
        return await contents.ReadAsync(stored.Key, cancellationToken).ConfigureAwait(false) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
    }

    private void NotLearnt(bool denied, string reason)
    {
        if (denied)
            logger.LogError(
                "Could not learn what storage holds for session {SessionId} ({Error}); the instance role needs s3:ListBucket on the session's prefix and s3:GetObject under it (iam/encoder-instance-policy.json). If the class was recorded before, a segment storage already holds is not replaced: it stays on this machine and is reported pending",
                options.SessionId, reason);
        else
            logger.LogWarning(
                "Could not learn what storage holds for session {SessionId} ({Error}); recording starts anyway. If the class was recorded before, a segment storage already holds is not replaced: it stays on this machine and is reported pending",
                options.SessionId, reason);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

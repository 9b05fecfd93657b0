using Encoder.Storage;

namespace Encoder.Replay;

/// <summary>
/// The replay MP4's multipart upload (<see cref="IPartStore"/>) and the media waiting for it on this disk
/// (<see cref="ReplayMediaFile"/>): media goes up as parts 2, 3, … as it is gathered (<see cref="ReplayParts"/>), the index
/// as part 1 at the end, and each step is journaled (<see cref="ReplayJournalFile"/>) so that a later run goes on with the
/// same upload. Not thread-safe: <see cref="ReplayBuilder"/> calls it one step at a time.
/// </summary>
public sealed class ReplayUpload(IPartStore store, string key, ReplayMediaFile media, ReplayJournalFile journal, long partBytes, ReplayProgress from)
{
    private readonly List<StoredPart> _parts = [.. from.Parts];
    private int _nextPart = from.NextPart;
    private int _storedWhenBeginFailed = -1; // the segments stored when beginning the upload last failed: try again only after another is

    public string? UploadId { get; private set; } = from.UploadId;

    /// <summary>The bytes of media stored as parts.</summary>
    public long Sent { get; private set; } = from.Sent;

    public int PartCount => _parts.Count;

    /// <summary>
    /// Sends what of <paramref name="gathered"/> bytes of media makes whole parts (at the end, the rest too); a reason when the
    /// class has outgrown the upload's parts. Throws <see cref="StorageUnavailableException"/> when storage fails (the media
    /// waits on this disk for the next try) and <see cref="PartsGoneException"/> when the upload is gone.
    /// </summary>
    public async Task<string?> SendAsync(long gathered, bool final, int storedSegments, CancellationToken cancellationToken)
    {
        if (!final && storedSegments == 0)
            return null;
        while (ReplayParts.NextPart(gathered - Sent, partBytes, final) is > 0 and var size)
        {
            if (!ReplayParts.Fits(_nextPart))
                return "the class is longer than the replay's 10,000 parts hold (raise Replay:PartMebibytes)";
            if (!await BeginAsync(final, storedSegments, cancellationToken).ConfigureAwait(false))
                return null;
            var content = await media.ReadAsync(Sent, (int)size, cancellationToken).ConfigureAwait(false);
            var part = await store.PutPartAsync(key, UploadId!, _nextPart, content, cancellationToken).ConfigureAwait(false);
            journal.Append(new ReplayJournalLine { Part = part });
            _parts.Add(part);
            _nextPart++;
            Sent += size;
            media.DropBefore(Sent);
        }

        return null;
    }

    /// <summary>Puts the index as part 1 and completes the upload; returns the MP4's size.</summary>
    public async Task<long> CompleteAsync(byte[] index, CancellationToken cancellationToken)
    {
        await BeginAsync(final: true, 0, cancellationToken).ConfigureAwait(false);
        _parts.RemoveAll(p => p.Number == ReplayParts.IndexPart);
        _parts.Add(await store.PutPartAsync(key, UploadId!, ReplayParts.IndexPart, index, cancellationToken).ConfigureAwait(false));
        return await store.CompletePartsAsync(key, UploadId!, _parts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops the upload's parts; best effort, not waited for.</summary>
    public void Abort()
    {
        if (UploadId is { } id)
            _ = store.AbortPartsAsync(key, id, CancellationToken.None);
    }

    /// <summary>
    /// Begins the upload once, when its first part is ready (or at the class's end). S3 cannot be asked to begin one only
    /// once: a begin that timed out may still have made an upload (empty: it costs nothing, and the bucket's lifecycle rule
    /// removes it). So a begin is one attempt (<see cref="IPartStore.BeginPartsAsync"/>), and after a failed one, the class's
    /// end or another segment stored (storage is answering again) comes first.
    /// </summary>
    private async Task<bool> BeginAsync(bool final, int storedSegments, CancellationToken cancellationToken)
    {
        if (UploadId is not null)
            return true;
        if (!final && storedSegments <= _storedWhenBeginFailed)
            return false;
        try
        {
            UploadId = await store.BeginPartsAsync(key, ObjectHeaders.ReplayMp4, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException)
        {
            _storedWhenBeginFailed = storedSegments;
            throw;
        }

        journal.Append(new ReplayJournalLine { Upload = UploadId });
        return true;
    }
}

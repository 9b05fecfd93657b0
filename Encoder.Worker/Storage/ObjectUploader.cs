using Encoder.Configuration;
using Encoder.Recording;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>
/// Stores one planned item: journals it as begun, puts it (the store verifies it), journals it as stored. A segment's
/// lag is logged and, when configured, its local copy deleted once it is verified (by <see cref="IRecordingDisk"/>, which asks the ledger).
/// A segment is never replaced in storage (<see cref="ObjectHeaders.NeverReplaced"/>): when storage already holds its key, the
/// object there is kept; if it is this very content (a put S3 finished for a daemon that died before journaling it) the
/// segment counts as stored, else it is an error, said once, and the segment stays on this machine, pending.
/// </summary>
public sealed class ObjectUploader(EncoderOptions options, IRecordingStore store, UploadJournal journal, IRecordingDisk disk, TimeProvider time,
    ILogger<ObjectUploader> logger)
{
    private readonly HashSet<string> _clashes = new(StringComparer.Ordinal);

    public async Task StoreAsync(UploadItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var destination = store.Describe(item.Key);
        if (item.LocalPath is { } path && journal.State.InFlight.Contains(destination) && await AlreadyStoredAsync(item, path, cancellationToken).ConfigureAwait(false))
            return;

        journal.Begin(destination);
        var started = time.GetTimestamp();
        string md5;
        long size;
        if (item.LocalPath is { } file)
        {
            size = new FileInfo(file).Length;
            try
            {
                md5 = await store.PutFileAsync(item.Key, file, item.Headers, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageUnavailableException ex) when (ex.Exists)
            {
                if (await SameContentStoredAsync(item, file, destination, cancellationToken).ConfigureAwait(false))
                    return;
                throw;
            }
        }
        else
        {
            size = item.Content!.Length;
            md5 = await store.PutBytesAsync(item.Key, item.Content, item.Headers, cancellationToken).ConfigureAwait(false);
        }

        journal.Stored(destination, md5, size);
        if (item.Segment is { } segment)
            SegmentStored(segment, item.LocalPath!, time.GetElapsedTime(started));
    }

    /// <summary>
    /// A killed daemon may have finished this upload without journaling it: if storage holds exactly this content,
    /// record it instead of sending it twice. The check can only save a PUT, never block one: storage that may not be
    /// read (a put-only role's HEAD gets a bodiless 403) or that refuses the HEAD of this one object counts as "not
    /// known", and the identical content is simply put again (idempotent). Only storage that is away as a whole fails the item.
    /// </summary>
    private async Task<bool> AlreadyStoredAsync(UploadItem item, string path, CancellationToken cancellationToken)
    {
        string? stored;
        try
        {
            stored = await store.StoredMd5Async(item.Key, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex) when (!ex.StorageWide)
        {
            logger.LogDebug("Cannot check whether {Object} is already stored ({Error}); uploading it again", store.Describe(item.Key), ex.Message);
            return false;
        }

        if (stored is null)
            return false;
        var stream = File.OpenRead(path);
        string local;
        await using (stream.ConfigureAwait(false))
            local = await ContentMd5.HexAsync(stream, cancellationToken).ConfigureAwait(false);
        if (stored != local)
            return false;
        journal.Stored(store.Describe(item.Key), local, new FileInfo(path).Length);
        logger.LogInformation("{Object} was already stored by the previous run; not uploaded again", store.Describe(item.Key));
        if (item.Segment is { } segment)
            SegmentStored(segment, path, TimeSpan.Zero);
        return true;
    }

    /// <summary>
    /// Storage refused to replace what it holds under the item's key. The same content (checked when storage may be read, or,
    /// where it may not, an upload this session's journal shows begun and unconfirmed: the earlier daemon's own put) counts as
    /// stored; anything else is another recording's object under this key, which is kept: an error, said once per key.
    /// </summary>
    private async Task<bool> SameContentStoredAsync(UploadItem item, string path, string destination, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        string local;
        await using (stream.ConfigureAwait(false))
            local = await ContentMd5.HexAsync(stream, cancellationToken).ConfigureAwait(false);
        string? stored;
        bool known;
        try
        {
            stored = await store.StoredMd5Async(item.Key, cancellationToken).ConfigureAwait(false);
            known = stored is not null;
        }
        catch (StorageUnavailableException ex) when (!ex.StorageWide)
        {
            (stored, known) = (null, false);
        }

        if (stored == local || (!known && journal.State.InFlight.Contains(destination)))
        {
            journal.Stored(destination, local, new FileInfo(path).Length);
            logger.LogInformation("{Object} already holds this segment (stored by an earlier run); not uploaded again", destination);
            if (item.Segment is { } segment)
                SegmentStored(segment, path, TimeSpan.Zero);
            return true;
        }

        if (_clashes.Add(item.Key))
            logger.LogError("{Object} already holds another object ({Stored}): it is not replaced. {Segment} stays on this machine, in {Path}, and is reported pending",
                destination, stored is null ? "its content could not be read" : $"MD5 {stored}, this segment's is {local}", item.Segment ?? item.Key, path);
        return false;
    }

    /// <summary>Lag: from the segment's completion (FFmpeg's last write before renaming it in) to its verified upload.</summary>
    private void SegmentStored(string segment, string path, TimeSpan upload)
    {
        var lag = time.GetUtcNow() - File.GetLastWriteTimeUtc(path);
        logger.LogDebug("Stored {Segment} (lag {LagSeconds:0.000}s, {Bytes} bytes in {UploadSeconds:0.000}s)", segment, lag.TotalSeconds, new FileInfo(path).Length, upload.TotalSeconds);
        if (options.Storage.DeletesLocalAfterUpload())
            disk.Delete(segment);
    }
}

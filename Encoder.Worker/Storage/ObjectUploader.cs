using Encoder.Configuration;
using Encoder.Recording;
using Microsoft.Extensions.Logging;

namespace Encoder.Storage;

/// <summary>
/// Stores one planned item: journals it as begun, puts it (the store verifies it), journals it as stored. A segment's
/// lag is logged and, when configured, its local copy deleted once it is verified (by <see cref="IRecordingDisk"/>, which asks the ledger).
/// </summary>
public sealed class ObjectUploader(EncoderOptions options, IRecordingStore store, UploadJournal journal, IRecordingDisk disk, TimeProvider time,
    ILogger<ObjectUploader> logger)
{
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
            md5 = await store.PutFileAsync(item.Key, file, item.Headers, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Lag: from the segment's completion (FFmpeg's last write before renaming it in) to its verified upload.</summary>
    private void SegmentStored(string segment, string path, TimeSpan upload)
    {
        var lag = time.GetUtcNow() - File.GetLastWriteTimeUtc(path);
        logger.LogDebug("Stored {Segment} (lag {LagSeconds:0.000}s, {Bytes} bytes in {UploadSeconds:0.000}s)", segment, lag.TotalSeconds, new FileInfo(path).Length, upload.TotalSeconds);
        if (options.Storage.DeletesLocalAfterUpload())
            disk.Delete(segment);
    }
}

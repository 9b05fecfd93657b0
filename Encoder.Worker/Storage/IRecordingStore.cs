namespace Encoder.Storage;

/// <summary>
/// Where a recording goes: a local folder or an S3 bucket. Keys are <c>{SessionId}/...</c>; the store adds its own
/// prefix. A put returns only once the stored object is verified, with the MD5 (hex) of the bytes stored.
/// </summary>
public interface IRecordingStore
{
    /// <summary>Where a key ends up, for logs and the upload journal (e.g. the file, or <c>s3://bucket/prefix/key</c>).</summary>
    string Describe(string key);

    /// <summary>Stores the file as it is when the put starts (a growing log is cut at its length then).</summary>
    Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken);

    Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken);

    /// <summary>The MD5 (hex) of the object stored under the key, or null when there is none or it cannot be known.</summary>
    Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken);

    /// <summary>Cleans up what an interrupted earlier run left under <paramref name="keyPrefix"/> (half-written files, unfinished multipart uploads).</summary>
    Task<int> RecoverAsync(string keyPrefix, CancellationToken cancellationToken);
}

/// <summary>Storage failed for now; the local copy stays and is tried again. The message names the destination and the cause.</summary>
public sealed class StorageUnavailableException(string message, bool transient, Exception? inner = null, bool denied = false, bool storageWide = false)
    : IOException(message, inner)
{
    /// <summary>False when retrying at once is pointless (no such bucket, access denied): only a change by the operator helps.</summary>
    public bool Transient { get; } = transient;

    /// <summary>True when the credentials may not do this particular thing (e.g. a put-only role reading back).</summary>
    public bool Denied { get; } = denied;

    /// <summary>True when it is about the storage as a whole (unreachable, no such bucket, rejected credentials), not one object (<see cref="S3Failures.IsStorageWide"/>).</summary>
    public bool StorageWide { get; } = storageWide;
}

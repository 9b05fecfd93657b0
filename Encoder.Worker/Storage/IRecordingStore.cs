namespace Encoder.Storage;

/// <summary>
/// Where a recording goes: a local folder or an S3 bucket. Keys are <c>{SessionId}/...</c>; the store adds its own
/// prefix. A put returns only once the stored object is verified, with the MD5 (hex) of the bytes stored. A put with
/// <see cref="ObjectHeaders.NeverReplaced"/> never replaces an object: it fails with <see cref="StorageUnavailableException.Exists"/> instead.
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

    /// <summary>
    /// Cleans up what an interrupted earlier run left under <paramref name="keyPrefix"/> (half-written files, unfinished
    /// multipart uploads) but the uploads in <paramref name="keepUploads"/>, which this run goes on with (the replay's).
    /// </summary>
    Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken);
}

/// <summary>An object a store holds: its store-relative key, its MD5 (hex) where the store knows it (an S3 ETag that is one), size and time.</summary>
public sealed record StoredObject(string Key, string? Md5, long Size, DateTimeOffset LastModified);

/// <summary>
/// Reads back what a store holds, for a session that starts again without its folder (<see cref="StoredRecordingResume"/>).
/// Both stores read; on S3 it needs <c>s3:ListBucket</c> on the session's prefix and <c>s3:GetObject</c> under it.
/// </summary>
public interface IStoreContents
{
    /// <summary>The objects under <paramref name="keyPrefix"/> (e.g. <c>class-9/</c>), every one, in key order.</summary>
    Task<IReadOnlyList<StoredObject>> ListAsync(string keyPrefix, CancellationToken cancellationToken);

    /// <summary>The object's content, or null when there is none.</summary>
    Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Storage failed for now; the local copy stays and is tried again. The message names the destination and the cause.</summary>
public sealed class StorageUnavailableException(string message, bool transient, Exception? inner = null, bool denied = false, bool storageWide = false,
    bool exists = false)
    : IOException(message, inner)
{
    /// <summary>
    /// True when a put that may not replace anything (<see cref="ObjectHeaders.NeverReplaced"/>) found an object under its key
    /// (S3's 412 PreconditionFailed): nothing was written, and trying again cannot help.
    /// </summary>
    public bool Exists { get; } = exists;

    /// <summary>False when retrying at once is pointless (no such bucket, access denied): only a change by the operator helps.</summary>
    public bool Transient { get; } = transient;

    /// <summary>True when the credentials may not do this particular thing (e.g. a put-only role reading back).</summary>
    public bool Denied { get; } = denied;

    /// <summary>True when it is about the storage as a whole (unreachable, no such bucket, rejected credentials), not one object (<see cref="S3Failures.IsStorageWide"/>).</summary>
    public bool StorageWide { get; } = storageWide;
}

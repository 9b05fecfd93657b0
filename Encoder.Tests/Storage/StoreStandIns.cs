using Encoder.Storage;

namespace Encoder.Tests.Storage;

/// <summary>
/// The real local store, where storage refuses some keys as S3 does under a policy that denies them (403 AccessDenied),
/// or (<paramref name="transient"/>) answers 503 for them.
/// </summary>
internal sealed class RejectingStore(IRecordingStore inner, Func<string, bool> rejects, bool transient = false) : IRecordingStore
{
    public RejectingStore(IRecordingStore inner, string rejected)
        : this(inner, key => key == rejected)
    {
    }

    public string Describe(string key) => inner.Describe(key);

    public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) =>
        rejects(key) ? throw Rejected(key) : inner.PutFileAsync(key, localPath, headers, cancellationToken);

    public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken) =>
        rejects(key) ? throw Rejected(key) : inner.PutBytesAsync(key, content, headers, cancellationToken);

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => inner.StoredMd5Async(key, cancellationToken);

    public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) => inner.RecoverAsync(keyPrefix, keepUploads, cancellationToken);

    private StorageUnavailableException Rejected(string key) => transient
        ? new($"S3 bucket 'studio' answered 503 SlowDown for {key}", transient: true)
        : new($"access to the S3 bucket 'studio' was denied for {key}", transient: false, denied: true);
}

/// <summary>
/// Storage as the least-privilege instance role sees S3 (iam/encoder-instance-policy.json): puts are allowed, but
/// reading objects back and listing unfinished uploads are denied.
/// </summary>
/// <param name="denied">False: the HEAD is refused another way, for that object only (a 400 S3 answers for it).</param>
internal sealed class PutOnlyStore(IRecordingStore inner, bool denied = true) : IRecordingStore
{
    public string Describe(string key) => inner.Describe(key);

    public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) =>
        inner.PutFileAsync(key, localPath, headers, cancellationToken);

    public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken) =>
        inner.PutBytesAsync(key, content, headers, cancellationToken);

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) =>
        throw (denied
            ? new StorageUnavailableException($"access to {key} was denied (HeadObject)", transient: false, denied: true)
            : new StorageUnavailableException($"S3 answered 400 InvalidRequest for {key} (HeadObject)", transient: false));

    public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) =>
        throw new StorageUnavailableException($"access to {keyPrefix} was denied (ListMultipartUploads)", transient: false, denied: true);
}

/// <summary>The real local store, counting what reaches it.</summary>
internal sealed class CountingStore(IRecordingStore inner) : IRecordingStore
{
    public string Describe(string key) => inner.Describe(key);

    /// <summary>Every put asked for, in order, including those that failed or were cut short.</summary>
    public List<string> Puts { get; } = [];

    /// <summary>Puts that completed: a put cut short by the stop and redone by the drain stored the object once.</summary>
    public List<string> Stored { get; } = [];

    public Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken) =>
        CountAsync(key, () => inner.PutFileAsync(key, localPath, headers, cancellationToken));

    public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken) =>
        CountAsync(key, () => inner.PutBytesAsync(key, content, headers, cancellationToken));

    private async Task<string> CountAsync(string key, Func<Task<string>> put)
    {
        lock (Puts)
            Puts.Add(key);
        var md5 = await put();
        lock (Stored)
            Stored.Add(key);
        return md5;
    }

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) => inner.StoredMd5Async(key, cancellationToken);

    public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) => inner.RecoverAsync(keyPrefix, keepUploads, cancellationToken);
}

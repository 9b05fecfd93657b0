namespace Encoder.Storage;

/// <summary>Where a finished recording goes: a local folder now, S3 later. Keys are <c>{SessionId}/...</c>.</summary>
public interface IRecordingStore
{
    /// <summary>A human-readable place, for logs (e.g. the folder or the bucket).</summary>
    string Describe(string key);

    Task PutFileAsync(string key, string localPath, string contentType, CancellationToken cancellationToken);

    Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);
}

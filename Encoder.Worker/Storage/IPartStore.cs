namespace Encoder.Storage;

/// <summary>The object's upload in parts is no longer there (aborted, or already completed): nothing more can go into it.</summary>
public sealed class PartsGoneException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>A part of an object put in parts: its number and what the store answered for it (S3's ETag).</summary>
public sealed record StoredPart(int Number, string Tag, long Size);

/// <summary>
/// An object put in numbered parts over time, assembled in number order when it is completed: an S3 multipart upload, or
/// part files in a folder. Parts may come in any order (the replay MP4 sends its media as the class goes and its index,
/// part 1, last); every part but the last must hold at least <see cref="MinPartSize"/> bytes. Each put is checked as
/// <see cref="IRecordingStore"/>'s are (Content-MD5).
/// </summary>
public interface IPartStore
{
    /// <summary>S3's smallest part but the last.</summary>
    public const int MinPartSize = 5 * 1024 * 1024;

    /// <summary>S3's largest part number.</summary>
    public const int MaxParts = 10_000;

    Task<string> BeginPartsAsync(string key, ObjectHeaders headers, CancellationToken cancellationToken);

    Task<StoredPart> PutPartAsync(string key, string uploadId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Assembles the parts (in number order) into the object; returns its size.</summary>
    Task<long> CompletePartsAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken);

    /// <summary>Drops the parts; best effort.</summary>
    Task AbortPartsAsync(string key, string uploadId, CancellationToken cancellationToken);
}

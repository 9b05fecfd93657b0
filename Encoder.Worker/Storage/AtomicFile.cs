namespace Encoder.Storage;

/// <summary>Writes a file beside its place and renames it in, so a reader sees the old content or the new, never half.</summary>
public static class AtomicFile
{
    public const string PartialSuffix = ".partial";

    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var partial = path + PartialSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(partial, content, cancellationToken).ConfigureAwait(false);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>
    /// The same, written synchronously: for a small file written often (the status, every second), where an
    /// asynchronous write costs more than it saves (on Linux a file's async write is a thread-pool hop, two wake-ups).
    /// </summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        ArgumentNullException.ThrowIfNull(path);
        var partial = path + PartialSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(partial, content);
        File.Move(partial, path, overwrite: true);
    }
}

namespace Encoder.Storage;

/// <summary>Writes a file beside its place and renames it in, so a reader sees the old content or the new, never half.</summary>
public static class AtomicFile
{
    public const string PartialSuffix = ".partial";

    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var partial = Beside(path);
        await File.WriteAllBytesAsync(partial, content, cancellationToken).ConfigureAwait(false);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>
    /// The same, written synchronously: for a small file written often (the status, every second), where an
    /// asynchronous write costs more than it saves (on Linux a file's async write is a thread-pool hop, two wake-ups).
    /// </summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var partial = Beside(path);
        File.WriteAllBytes(partial, content);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>Where <paramref name="path"/> is written before it is renamed in; its folder is made if missing.</summary>
    private static string Beside(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path + PartialSuffix;
    }
}

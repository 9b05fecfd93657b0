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
}

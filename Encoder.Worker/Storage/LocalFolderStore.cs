namespace Encoder.Storage;

/// <summary>Stores into a local folder; each object is written beside its place and renamed in, so a reader never sees half of one.</summary>
public sealed class LocalFolderStore(string directory) : IRecordingStore
{
    private readonly string _root = Path.GetFullPath(directory);

    public string Describe(string key) => PathFor(key);

    public async Task PutFileAsync(string key, string localPath, string contentType, CancellationToken cancellationToken)
    {
        var destination = PathFor(key);
        var partial = destination + ".partial";
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var source = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (source.ConfigureAwait(false))
        {
            var target = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None);
            await using (target.ConfigureAwait(false))
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
        }

        File.Move(partial, destination, overwrite: true);
    }

    public async Task PutBytesAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var destination = PathFor(key);
        var partial = destination + ".partial";
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        await File.WriteAllBytesAsync(partial, content, cancellationToken).ConfigureAwait(false);
        File.Move(partial, destination, overwrite: true);
    }

    private string PathFor(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("The key leaves the storage folder.", nameof(key));
        return path;
    }
}

namespace Encoder.Storage;

/// <summary>Stores into a local folder; each object is written beside its place and renamed in, so a reader never sees half of one.</summary>
public sealed class LocalFolderStore(string directory) : IRecordingStore
{
    private const string PartialSuffix = AtomicFile.PartialSuffix;
    private readonly string _root = Path.GetFullPath(directory);

    public string Describe(string key) => PathFor(key);

    public async Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        var destination = PathFor(key);
        var partial = destination + PartialSuffix;
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        string md5;
        var source = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (source.ConfigureAwait(false))
        {
            var length = source.Length;
            using var hash = ContentMd5.Incremental();
            var target = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None);
            await using (target.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                for (long copied = 0; copied < length;)
                {
                    var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - copied)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                        break;
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    copied += read;
                }

                await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                target.Flush(flushToDisk: true);
            }

            md5 = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        File.Move(partial, destination, overwrite: true);
        return md5;
    }

    public async Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAllBytesAsync(PathFor(key), content, cancellationToken).ConfigureAwait(false);
        return ContentMd5.Hex(content.Span);
    }

    public async Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        if (!File.Exists(path))
            return null;
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
            return await ContentMd5.HexAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    public Task<int> RecoverAsync(string keyPrefix, CancellationToken cancellationToken)
    {
        var folder = PathFor(keyPrefix.TrimEnd('/') + "/x");
        folder = Path.GetDirectoryName(folder)!;
        if (!Directory.Exists(folder))
            return Task.FromResult(0);
        var removed = 0;
        foreach (var partial in Directory.EnumerateFiles(folder, "*" + PartialSuffix, SearchOption.AllDirectories))
        {
            File.Delete(partial);
            removed++;
        }

        return Task.FromResult(removed);
    }

    private string PathFor(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("The key leaves the storage folder.", nameof(key));
        return path;
    }
}

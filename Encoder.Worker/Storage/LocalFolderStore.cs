namespace Encoder.Storage;

/// <summary>
/// Stores into a local folder; each object is written beside its place and renamed in, so a reader never sees half of one.
/// An object that is never replaced (<see cref="ObjectHeaders.NeverReplaced"/>) is renamed in only where no file is (a hard
/// link, which the kernel refuses over an existing name), as S3's conditional put does.
/// </summary>
public sealed class LocalFolderStore(string directory) : IRecordingStore, IStoreContents, IPartStore
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

        MoveIn(key, partial, destination, headers);
        return md5;
    }

    public async Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.NeverReplaced)
        {
            await AtomicFile.WriteAllBytesAsync(PathFor(key), content, cancellationToken).ConfigureAwait(false);
            return ContentMd5.Hex(content.Span);
        }

        var destination = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        await File.WriteAllBytesAsync(destination + PartialSuffix, content, cancellationToken).ConfigureAwait(false);
        MoveIn(key, destination + PartialSuffix, destination, headers);
        return ContentMd5.Hex(content.Span);
    }

    /// <summary>Renames the written file into place; one that is never replaced only where nothing is (else: <see cref="StorageUnavailableException.Exists"/>).</summary>
    private void MoveIn(string key, string partial, string destination, ObjectHeaders headers)
    {
        if (!headers.NeverReplaced)
        {
            File.Move(partial, destination, overwrite: true);
            return;
        }

        try
        {
            File.Move(partial, destination, overwrite: false); // link(2) then unlink: fails where a file is, never replaces it
        }
        catch (IOException) when (File.Exists(destination))
        {
            File.Delete(partial);
            throw new StorageUnavailableException($"{Describe(key)} already exists: it is not replaced", transient: false, exists: true);
        }
    }

    public async Task<IReadOnlyList<StoredObject>> ListAsync(string keyPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyPrefix);
        var folder = Path.GetDirectoryName(PathFor(keyPrefix.TrimEnd('/') + "/x"))!;
        var objects = new List<StoredObject>();
        if (!Directory.Exists(folder))
            return objects;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (file.Name.EndsWith(PartialSuffix, StringComparison.Ordinal))
                continue;
            var stream = file.OpenRead();
            string md5;
            await using (stream.ConfigureAwait(false))
                md5 = await ContentMd5.HexAsync(stream, cancellationToken).ConfigureAwait(false);
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            objects.Add(new StoredObject(key, md5, file.Length, file.LastWriteTimeUtc));
        }

        return objects.OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
    }

    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : null;
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

    public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken)
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

    /// <summary>The parts wait in a folder beside the object (<c>{key}.parts-{id}/</c>), one file per part, until they are joined.</summary>
    public Task<string> BeginPartsAsync(string key, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(PartsFolder(key, id));
        return Task.FromResult(id);
    }

    public async Task<StoredPart> PutPartAsync(string key, string uploadId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAllBytesAsync(Path.Combine(PartsFolderOf(key, uploadId), $"{number:D5}"), content, cancellationToken).ConfigureAwait(false);
        return new StoredPart(number, ContentMd5.Hex(content.Span), content.Length);
    }

    public async Task<long> CompletePartsAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var destination = PathFor(key);
        var partial = destination + PartialSuffix;
        var folder = PartsFolderOf(key, uploadId);
        var target = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None);
        await using (target.ConfigureAwait(false))
        {
            foreach (var part in parts.OrderBy(p => p.Number))
            {
                var source = File.OpenRead(Path.Combine(folder, $"{part.Number:D5}"));
                await using (source.ConfigureAwait(false))
                    await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }

            target.Flush(flushToDisk: true);
        }

        File.Move(partial, destination, overwrite: true);
        Directory.Delete(folder, recursive: true);
        return new FileInfo(destination).Length;
    }

    public Task AbortPartsAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        if (Directory.Exists(PartsFolder(key, uploadId)))
            Directory.Delete(PartsFolder(key, uploadId), recursive: true);
        return Task.CompletedTask;
    }

    private string PartsFolder(string key, string uploadId) => PathFor(key) + ".parts-" + uploadId;

    /// <summary>The upload's folder; <see cref="PartsGoneException"/> when it is gone (completed or aborted), as S3 answers NoSuchUpload.</summary>
    private string PartsFolderOf(string key, string uploadId) =>
        Directory.Exists(PartsFolder(key, uploadId)) ? PartsFolder(key, uploadId) : throw new PartsGoneException($"the upload {uploadId} of {PathFor(key)} is no longer there (completed or aborted)");
}

using Encoder.Recording;

namespace Encoder.Lifecycle;

/// <summary>What the copy to the root volume did: where to, what went, what did not fit or failed.</summary>
public sealed record RootVolumeCopyResult(string? Destination, int Copied, long CopiedBytes, IReadOnlyList<string> NotCopied)
{
    /// <summary>The recording folder is on the root volume already: nothing to copy.</summary>
    public static readonly RootVolumeCopyResult AlreadyThere = new(null, 0, 0, []);
}

/// <summary>
/// The copy of a session's recording folder from the instance store (a separate mount, lost with the instance) to
/// the root volume (kept at termination): <c>{parent of Recording:Directory}/kept/{SessionId}/</c>, which is
/// <c>/var/lib/encoder/kept/…</c> on the AMI, outside the instance store's mount point. Which files fit is
/// <see cref="KeptCopy.Plan"/>'s call.
/// </summary>
public interface IRootVolumeCopy
{
    Task<RootVolumeCopyResult> CopyAsync(CancellationToken cancellationToken);
}

public sealed class RootVolumeCopy(RecordingLayout layout) : IRootVolumeCopy
{
    public const string KeptFolderName = "kept";

    /// <summary>Read for mount points (the kernel's view, as this process sees it).</summary>
    internal string MountsFile { get; init; } = "/proc/self/mounts";

    public string RecordingDirectory => Path.GetDirectoryName(layout.SessionDirectory)!;

    public string Destination => Path.Combine(Path.GetDirectoryName(RecordingDirectory.TrimEnd('/'))!, KeptFolderName, Path.GetFileName(layout.SessionDirectory));

    /// <summary>True when the recording directory is a mount point of its own (the instance store), so not on the root volume.</summary>
    public bool RecordingIsOnItsOwnDisk()
    {
        if (!File.Exists(MountsFile))
            return false;
        var directory = RecordingDirectory.TrimEnd('/');
        return File.ReadLines(MountsFile)
            .Select(line => line.Split(' '))
            .Any(fields => fields.Length > 1 && Unescape(fields[1]) == directory);
    }

    public async Task<RootVolumeCopyResult> CopyAsync(CancellationToken cancellationToken)
    {
        if (!RecordingIsOnItsOwnDisk())
            return RootVolumeCopyResult.AlreadyThere;

        var source = layout.SessionDirectory;
        var files = KeptFiles(source).ToList();
        var destination = Destination;
        Directory.CreateDirectory(destination);
        var plan = KeptCopy.Plan(files, new DriveInfo(destination).AvailableFreeSpace);
        var notCopied = plan.DoNotFit.Select(f => f.RelativePath).ToList();
        int copied = 0;
        long bytes = 0;
        foreach (var file in plan.Copy)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                notCopied.Add(file.RelativePath);
                continue;
            }

            var target = Path.Combine(destination, file.RelativePath);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await using (var from = new FileStream(Path.Combine(source, file.RelativePath), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                await using (var to = new FileStream(target, FileMode.Create, FileAccess.Write))
                {
                    await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
                    to.Flush(flushToDisk: true);
                }

                copied++;
                bytes += file.Bytes;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
            {
                notCopied.Add(file.RelativePath);
            }
        }

        return new RootVolumeCopyResult(destination, copied, bytes, notCopied);
    }

    /// <summary>
    /// What may go to <c>kept/</c>, which outlives the instance: the recording's segments (<c>seg_NNNNN.ts</c>), its
    /// playlist, the upload journal and the logs (<c>*.log</c> in the log folder, when it is inside the session folder).
    /// Nothing else the folder may hold: a core dump (FFmpeg works in this folder; a core holds the camera password and
    /// the stream keys), status, markers, temporary files, anything a neighbour left. Only regular files: never a link.
    /// </summary>
    private IEnumerable<KeptFile> KeptFiles(string source)
    {
        foreach (var file in new DirectoryInfo(source).EnumerateFiles())
        {
            if (IsRegular(file) && (file.Name is RecordingLayout.PlaylistFileName or RecordingLayout.JournalFileName || RecordingLayout.IsSegmentFile(file.Name)))
                yield return new KeptFile(file.Name, file.Length);
        }

        var logs = Path.GetRelativePath(source, layout.LogDirectory);
        var logFolder = new DirectoryInfo(layout.LogDirectory);
        if (logs == ".." || logs.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(logs) || logs == "." || !logFolder.Exists || logFolder.LinkTarget is not null)
            yield break;
        foreach (var file in logFolder.EnumerateFiles("*.log"))
        {
            if (IsRegular(file))
                yield return new KeptFile($"{logs.Replace('\\', '/')}/{file.Name}", file.Length);
        }
    }

    private static bool IsRegular(FileInfo file) => file.LinkTarget is null && (file.Attributes & FileAttributes.ReparsePoint) == 0;

    /// <summary><c>seg_</c>, digits, <c>.ts</c>: what <see cref="RecordingLayout.SegmentFilePattern"/> names.</summary>
    /// <summary>/proc/mounts writes a space, tab, newline and backslash in a path as octal escapes.</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}

namespace Encoder.Recording;

/// <summary>The recording disk's one seam: its space, the session's segments, and deleting one (the only place a local segment is deleted).</summary>
public interface IRecordingDisk
{
    /// <summary>The folder being guarded (the session's), for log lines.</summary>
    string Directory { get; }

    (long FreeBytes, long TotalBytes) Space();

    /// <summary>The session's segments on disk, oldest first, each marked stored when the segments' ledger says so.</summary>
    IReadOnlyList<SegmentFile> Segments();

    /// <summary>Deletes the local copy of the segment <paramref name="name"/> if the ledger says it may go; false (nothing deleted) when it may not.</summary>
    bool Delete(string name);
}

/// <summary>The session folder on the real disk; what is a segment is <see cref="RecordingLayout"/>'s rule, what is stored and deletable the <see cref="SegmentLedger"/>'s.</summary>
public sealed class RecordingDisk(RecordingLayout layout, SegmentLedger ledger) : IRecordingDisk
{
    public string Directory => layout.SessionDirectory;

    public (long FreeBytes, long TotalBytes) Space()
    {
        var drive = new DriveInfo(layout.SessionDirectory);
        return (drive.AvailableFreeSpace, drive.TotalSize);
    }

    public IReadOnlyList<SegmentFile> Segments() =>
        new DirectoryInfo(layout.SessionDirectory)
            .EnumerateFiles(RecordingLayout.SegmentFileGlob)
            .Where(f => RecordingLayout.IsSegmentFile(f.Name))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new SegmentFile(f.Name, f.Length, ledger.IsStored(f.Name)))
            .ToList();

    public bool Delete(string name)
    {
        if (!ledger.IsDeletable(name))
            return false;
        File.Delete(Path.Combine(layout.SessionDirectory, name));
        return true;
    }
}

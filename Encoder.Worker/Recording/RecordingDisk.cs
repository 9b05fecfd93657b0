using Encoder.Configuration;
using Encoder.Storage;

namespace Encoder.Recording;

/// <summary>The disk guard's one seam: the recording disk's space, the session's segments, and deleting one.</summary>
public interface IRecordingDisk
{
    /// <summary>The folder being guarded (the session's), for log lines.</summary>
    string Directory { get; }

    (long FreeBytes, long TotalBytes) Space();

    /// <summary>The session's complete segments on disk, oldest first, each marked stored when the upload journal says so.</summary>
    IReadOnlyList<SegmentFile> Segments();

    void Delete(SegmentFile segment);
}

/// <summary>
/// The session folder on the real disk. What is stored comes from the upload journal's file, read (never written)
/// here: the uploader owns it, and a line is on disk before the uploader moves on.
/// </summary>
public sealed class RecordingDisk(EncoderOptions options, RecordingLayout layout, IRecordingStore store) : IRecordingDisk
{
    public string Directory => layout.SessionDirectory;

    public (long FreeBytes, long TotalBytes) Space()
    {
        var drive = new DriveInfo(layout.SessionDirectory);
        return (drive.AvailableFreeSpace, drive.TotalSize);
    }

    public IReadOnlyList<SegmentFile> Segments()
    {
        var journal = ReadJournal();
        return new DirectoryInfo(layout.SessionDirectory)
            .EnumerateFiles("seg_*.ts")
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new SegmentFile(f.Name, f.Length, journal.IsStored(store.Describe(StorageKeys.For(options.SessionId, f.Name)))))
            .ToList();
    }

    public void Delete(SegmentFile segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        File.Delete(Path.Combine(layout.SessionDirectory, segment.Name));
    }

    private JournalState ReadJournal()
    {
        var path = Path.Combine(layout.SessionDirectory, UploadJournal.FileName);
        if (!File.Exists(path))
            return new JournalState();
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
            lines.Add(line);
        return JournalState.Replay(lines);
    }
}

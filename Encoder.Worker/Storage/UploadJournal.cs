using System.Text;
using Encoder.Recording;

namespace Encoder.Storage;

/// <summary>
/// The on-disk record of what has been uploaded and verified, in the session folder. Each line is flushed to disk
/// before the uploader moves on, so a daemon killed at any moment restarts knowing exactly what storage holds:
/// nothing is lost and nothing verified is uploaded again. Its one reader is <see cref="Open"/>; what it says about
/// segments goes on to the <see cref="SegmentLedger"/> (at the replay, and with each verified upload).
/// </summary>
public sealed class UploadJournal(RecordingLayout layout, SegmentLedger ledger, TimeProvider time) : IDisposable
{
    public const string FileName = RecordingLayout.JournalFileName;

    private FileStream? _file;

    public string Path => System.IO.Path.Combine(layout.SessionDirectory, FileName);

    public JournalState State { get; private set; } = new();

    /// <summary>Replays the journal left by earlier daemons of this session (if any) and records this start.</summary>
    public void Open()
    {
        if (_file is not null)
            return;
        Directory.CreateDirectory(layout.SessionDirectory);
        State = File.Exists(Path) ? JournalState.Replay(File.ReadAllLines(Path)) : new JournalState();
        foreach (var destination in State.Stored.Keys)
            ledger.Stored(NameOf(destination));
        _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        // A torn last line from a killed daemon: start on a fresh line so it stays one bad line, ignored.
        if (_file.Length > 0)
            Write("");
        Append(JournalState.StartLine(time.GetUtcNow()));
    }

    public void Begin(string destination) => Append(JournalState.BeginLine(time.GetUtcNow(), destination));

    public void Stored(string destination, string md5, long size)
    {
        Append(JournalState.StoredLine(time.GetUtcNow(), destination, md5, size));
        ledger.Stored(NameOf(destination));
    }

    /// <summary>The file name a destination ends with (<c>s3://b/p/class-9/seg_00001.ts</c> → <c>seg_00001.ts</c>): the journal holds one session's.</summary>
    private static string NameOf(string destination) => destination[(destination.LastIndexOf('/') + 1)..];

    private void Append(string line)
    {
        Write(line);
        State.Apply(line);
    }

    private void Write(string line)
    {
        var file = _file ?? throw new InvalidOperationException("The upload journal is not open.");
        file.Write(Encoding.UTF8.GetBytes(line + "\n"));
        file.Flush(flushToDisk: true);
    }

    public void Dispose() => _file?.Dispose();
}

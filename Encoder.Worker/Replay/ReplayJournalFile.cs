namespace Encoder.Replay;

/// <summary>The replay's journal on this disk (<see cref="ReplayJournal"/>, in the session folder): lines appended as the replay goes, read back once at a start.</summary>
public sealed class ReplayJournalFile(string directory)
{
    public string Path { get; } = System.IO.Path.Combine(directory, ReplayJournal.FileName);

    public bool Exists => File.Exists(Path);

    public ReplayProgress Read() => Exists ? ReplayJournal.Read(File.ReadAllText(Path)) : ReplayProgress.None;

    public void Append(ReplayJournalLine line)
    {
        using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(ReplayJournal.Line(line));
    }
}

namespace Encoder.Replay;

/// <summary>The pictures' journal on this disk (<see cref="PicturesJournal"/>): appended line by line, read back once at a run's start.</summary>
public sealed class PicturesJournalFile(string folder)
{
    public string Path => System.IO.Path.Combine(folder, PicturesJournal.FileName);

    public bool Exists => File.Exists(Path);

    public PicturesProgress Read() => Exists ? PicturesJournal.Read(File.ReadAllText(Path)) : PicturesProgress.None;

    public void Append(PicturesJournalLine line)
    {
        using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(PicturesJournal.Line(line));
    }
}

namespace Encoder.Replay;

/// <summary>The pictures' journal on this disk (<see cref="PicturesJournal"/>): appended line by line, read back once at a run's start.</summary>
public sealed class PicturesJournalFile(string folder) : JsonLinesFile<PicturesJournalLine, PicturesProgress>(
    System.IO.Path.Combine(folder, PicturesJournal.FileName), PicturesJournalJson.Default.PicturesJournalLine, PicturesJournal.Read, PicturesProgress.None);

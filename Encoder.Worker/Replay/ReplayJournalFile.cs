namespace Encoder.Replay;

/// <summary>The replay's journal on this disk (<see cref="ReplayJournal"/>, in the session folder): lines appended as the replay goes, read back once at a start.</summary>
public sealed class ReplayJournalFile(string directory) : JsonLinesFile<ReplayJournalLine, ReplayProgress>(
    System.IO.Path.Combine(directory, ReplayJournal.FileName), ReplayJournalJson.Default.ReplayJournalLine, ReplayJournal.Read, ReplayProgress.None);

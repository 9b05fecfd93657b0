using Encoder.Storage;

namespace Encoder.Tests.Infrastructure;

/// <summary>The upload journal of a daemon a test runs, read as it stands.</summary>
internal static class LiveJournal
{
    /// <summary>What the session's upload journal says now (read without disturbing the daemon appending to it).</summary>
    public static JournalState Read(string work, string sessionId)
    {
        var path = Path.Combine(work, "recordings", sessionId, UploadJournal.FileName);
        if (!File.Exists(path))
            return new JournalState();
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return JournalState.Replay(reader.ReadToEnd().Split('\n'));
    }
}

using Encoder.Recording;

namespace Encoder.Storage;

/// <summary>What still has to go up, decided from the playlist and the journal (pure).</summary>
public static class UploadPlan
{
    /// <summary>The playlist's segments that are not stored yet, in playlist order (the order they must go up in).</summary>
    public static IReadOnlyList<HlsSegment> PendingSegments(HlsPlaylist playlist, JournalState journal, Func<string, string> destinationOf)
    {
        ArgumentNullException.ThrowIfNull(playlist);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(destinationOf);
        return playlist.Segments.Where(s => !journal.IsStored(destinationOf(s.Uri))).ToList();
    }
}

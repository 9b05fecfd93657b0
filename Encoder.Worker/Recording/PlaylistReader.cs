using System.Text;
using Encoder.Events;

namespace Encoder.Recording;

/// <summary>The playlist as read once: its text, parsed, and a number that changes with each new playlist (from 1).</summary>
public sealed record PlaylistRead(long Length, DateTime WrittenAt, string Text, HlsPlaylist Parsed, long Version);

/// <summary>
/// The one reader of the recorder's playlist. It reads and parses the file again only when its size or time changed
/// (FFmpeg replaces it once per segment), tells what it read to the segments' ledger (what is complete) and publishes
/// it (<see cref="PlaylistUpdated"/>: what was recorded). Read by <see cref="PlaylistWatch"/> at each change, and by the uploader before a pass,
/// so the ledger is current whichever looks first.
/// </summary>
public sealed class PlaylistReader(RecordingLayout layout, SegmentLedger ledger, ClassEvents? events = null, TimeProvider? time = null)
{
    private readonly Lock _lock = new();
    private PlaylistRead? _last;

    /// <summary>The playlist as last read, read again only when it changed; null before FFmpeg wrote one.</summary>
    public PlaylistRead? Read()
    {
        lock (_lock)
        {
            var file = new FileInfo(layout.PlaylistPath);
            if (!file.Exists)
                return _last = null;
            if (_last is { } last && last.Length == file.Length && last.WrittenAt == file.LastWriteTimeUtc)
                return last;
            // Read after the look: what is read is at least as new as what was seen, so an unchanged look means nothing new.
            var text = File.ReadAllText(layout.PlaylistPath, Encoding.UTF8);
            var read = _last = new PlaylistRead(file.Length, file.LastWriteTimeUtc, text, HlsPlaylist.Parse(text), (_last?.Version ?? 0) + 1);
            ledger.PlaylistRead(read.Parsed);
            if (read.Parsed.Segments.Count > 0)
                events?.Publish(new PlaylistUpdated((time ?? TimeProvider.System).GetUtcNow(), read.Parsed.Segments.Count, read.Parsed.TotalDuration));
            return read;
        }
    }
}

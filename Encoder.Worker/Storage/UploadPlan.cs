using System.Text;
using Encoder.Recording;

namespace Encoder.Storage;

/// <summary>One object to store: a local file (a segment, a log) or bytes (the playlist, <c>session.json</c>).</summary>
/// <param name="Segment">The segment's name when the item is a segment: its upload lag is logged and its local copy may be deleted.</param>
public sealed record UploadItem(string Key, ObjectHeaders Headers, string? LocalPath = null, byte[]? Content = null, string? Segment = null);

/// <summary>A log file of the session and the MD5 of its content when it was read.</summary>
public sealed record LogFile(string Name, string Path, string Md5);

/// <summary>
/// What one look at the session folder found, the planner's whole input besides the journal. The playlist is read
/// before any file is looked up, so every segment it names is on disk unless something removed it (FFmpeg renames a
/// segment into place before it rewrites the playlist).
/// </summary>
/// <param name="PlaylistText">The playlist as FFmpeg wrote it; null before it wrote one.</param>
/// <param name="HasFile">Whether a file of that name is in <paramref name="Directory"/> (asked only for segments not stored).</param>
/// <param name="Logs">The logs (read for the final pass only).</param>
/// <param name="Manifest"><c>session.json</c> (built for the final pass only).</param>
public sealed record RecordingSnapshot(string Directory, string? PlaylistText, Func<string, bool> HasFile, IReadOnlyList<LogFile> Logs, byte[]? Manifest)
{
    /// <summary><paramref name="PlaylistText"/> parsed, when the reader already did (it parses once per change).</summary>
    public HlsPlaylist? Parsed { get; init; }

    /// <summary>Counts the playlist's changes: the same number means the same playlist (0: none yet).</summary>
    public long PlaylistVersion { get; init; }

    /// <summary>The playlist, parsed.</summary>
    public HlsPlaylist Playlist => Parsed ?? (PlaylistText is { } text ? HlsPlaylist.Parse(text) : HlsPlaylist.Empty);
}

/// <summary>
/// What to store next, and in what order: the one place that decides it (pure).
/// <list type="bullet">
/// <item>A segment is <b>complete</b> once the playlist names it (<see cref="HlsPlaylist"/>'s rule); it is stored unless the
/// segments' ledger says it is (<see cref="SegmentLedger.IsStored"/>, from the journal).</item>
/// <item>A segment the playlist names that is neither on disk nor stored is <b>lost</b>: reported in <see cref="Lost"/>, never
/// planned, and it does not hold the playlist back (nothing could ever store it).</item>
/// <item><b>Next</b> is the first item: the new segments in playlist order, then the playlist (the live form, or on the final
/// pass the VOD form), so a stored playlist never names a segment that is not stored.</item>
/// <item>An object that <b>failed on its own</b> and waits for its retry (<see cref="UploadRetries"/>) is <b>held</b>: not planned,
/// but still pending, and the objects after it go on. A held segment holds only the playlist: until it is stored the live
/// playlist goes up cut after the last segment before it (the stored prefix, which only ever grows, as a live HLS playlist
/// must); with no segment before it, no playlist goes up. On the final pass the VOD waits too: the cut live form is stored
/// and the playlist stays pending.</item>
/// <item>On the final pass the logs follow, by name, then <c>session.json</c>.</item>
/// <item>A resume skips what is stored: a segment by its name (the ledger), the playlist and a log only with the same MD5 (the journal).</item>
/// </list>
/// </summary>
/// <param name="Pending">Every key not stored yet, planned or held, in order.</param>
/// <param name="Settled">
/// How many of the playlist's first segments are settled: stored per the journal, or lost. They stay so, so the next plan
/// can start after them (<c>settled</c>): a pass then costs what is new, not the class so far.
/// </param>
/// <param name="VodWaits">On the final pass, true when the VOD playlist waits for a held segment: the playlist stays pending even once its cut form is stored.</param>
public sealed record UploadPlan(IReadOnlyList<UploadItem> Items, IReadOnlyList<string> Lost, HlsPlaylist Playlist, IReadOnlyList<string> Pending, int Settled = 0,
    bool VodWaits = false)
{
    /// <summary>What this plan leaves pending once the items in <paramref name="stored"/> went up: no need to plan again to know.</summary>
    public List<string> Left(IReadOnlySet<string> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var playlistKey = Items.FirstOrDefault(i => i.Key.EndsWith("/" + StorageKeys.PlaylistName, StringComparison.Ordinal))?.Key;
        return Pending.Where(key => !stored.Contains(key) || (VodWaits && key == playlistKey)).ToList();
    }

    /// <param name="destinationOf">Where a key ends up, as the journal names it (<see cref="IRecordingStore.Describe"/>).</param>
    /// <param name="held">The keys not to try now (<see cref="UploadRetries.Held"/>).</param>
    /// <param name="settled">
    /// The <see cref="Settled"/> of an earlier plan over the same playlist (it only grows): those segments are not looked
    /// at again, and a lost one among them is not reported again. 0 looks at all.
    /// </param>
    /// <param name="segments">What is stored, for segments (<see cref="SegmentLedger"/>); the journal for the rest.</param>
    public static UploadPlan For(string sessionId, RecordingSnapshot recording, JournalState journal, SegmentLedger segments, bool final,
        Func<string, string> destinationOf, IReadOnlySet<string>? held = null, int settled = 0)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(destinationOf);
        held ??= new HashSet<string>();
        var playlist = recording.Playlist;
        var items = new List<UploadItem>();
        var pending = new List<string>();
        var lost = new List<string>();
        HlsSegment? firstHeld = null;
        var from = Math.Clamp(settled, 0, playlist.Segments.Count);
        HlsSegment? lastBefore = from > 0 ? playlist.Segments[from - 1] : null;
        int? unsettled = null;
        for (var i = from; i < playlist.Segments.Count; i++)
        {
            var segment = playlist.Segments[i];
            var key = StorageKeys.For(sessionId, segment.Uri);
            var stored = segments.IsStored(segment.Uri);
            if (!stored && !recording.HasFile(segment.Uri))
            {
                lost.Add(segment.Uri);
            }
            else if (!stored)
            {
                unsettled ??= i;
                if (!Add(new UploadItem(key, ObjectHeaders.Segment, Path.Combine(recording.Directory, segment.Uri), Segment: segment.Uri)))
                    firstHeld ??= segment;
            }

            if (firstHeld is null)
                lastBefore = segment;
        }

        if (recording.PlaylistText is not null)
            AddPlaylist(recording.PlaylistText);

        if (final)
        {
            foreach (var log in recording.Logs.OrderBy(l => l.Name, StringComparer.Ordinal))
            {
                var key = StorageKeys.Log(sessionId, log.Name);
                if (!journal.IsStored(destinationOf(key), log.Md5))
                    Add(new UploadItem(key, ObjectHeaders.Log, log.Path));
            }

            if (recording.Manifest is { } manifest)
                Add(new UploadItem(StorageKeys.For(sessionId, StorageKeys.ManifestName), ObjectHeaders.Manifest, Content: manifest));
        }

        return new UploadPlan(items, lost, playlist, pending, unsettled ?? playlist.Segments.Count, final && firstHeld is not null);

        // Plans the item unless it is held; either way it is pending. False when held.
        bool Add(UploadItem item)
        {
            pending.Add(item.Key);
            if (held.Contains(item.Key))
                return false;
            items.Add(item);
            return true;
        }

        void AddPlaylist(string text)
        {
            var key = StorageKeys.For(sessionId, StorageKeys.PlaylistName);
            var whole = firstHeld is null;
            var content = whole ? (final ? HlsPlaylist.AsFinal(text) : text) : lastBefore is { } last ? Through(text, last.Uri) : null;
            var bytes = content is null ? null : Encoding.UTF8.GetBytes(content);
            if (bytes is not null && !journal.IsStored(destinationOf(key), ContentMd5.Hex(bytes)))
                Add(new UploadItem(key, final && whole ? ObjectHeaders.FinalPlaylist : ObjectHeaders.LivePlaylist, Content: bytes));
            else if (final && !whole)
                pending.Add(key); // the VOD waits for the held segment
        }
    }

    /// <summary>The playlist cut after the line naming <paramref name="uri"/>: the header and the segments up to that one.</summary>
    private static string Through(string text, string uri)
    {
        var lines = text.Split('\n');
        var last = Array.FindIndex(lines, l => l.TrimEnd('\r') == uri);
        return string.Join('\n', lines.Take(last + 1)) + "\n";
    }
}

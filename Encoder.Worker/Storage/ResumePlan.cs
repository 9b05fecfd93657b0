using System.Globalization;
using System.Text;
using Encoder.Recording;

namespace Encoder.Storage;

/// <summary>
/// How a session that starts without its recording (no playlist in its folder: an EC2 stop/start wiped the instance store,
/// the class was launched again with the same session id) continues what storage already holds (pure). The rules:
/// <list type="bullet">
/// <item>Storage holds nothing of the recording (no segment, no playlist, no <c>session.json</c>): a new class, nothing to do (null).</item>
/// <item><b>The playlist</b> to put in the folder before the recorder starts is the stored one, so FFmpeg's <c>append_list</c>
/// continues it: its numbering goes on after the last segment it names, and it marks the join <c>#EXT-X-DISCONTINUITY</c>.</item>
/// <item>FFmpeg numbers on from how many segments the playlist names, so segments storage holds beyond the stored playlist (a
/// daemon killed between a segment's put and the playlist's) are named too, in number order, each with the configured segment
/// length (their own is not known without reading them); a number storage lacks among them is named as well, so that no number
/// is used twice, and is then reported lost (<see cref="Unstored"/>). The new segments are numbered from <see cref="NextSegment"/>:
/// never a key storage holds.</item>
/// <item><b>Stored</b>: every segment storage holds, to be journaled as stored (so the ledger neither uploads it again nor counts it
/// pending or lost).</item>
/// <item><b>The earlier runs</b> are those the stored <c>session.json</c> counts (one, for a manifest without runs), plus one made of
/// the segments numbered after those it counts (a later run that never wrote its manifest), from the first one's storage time to
/// the last one's; with no manifest, one such run of all the stored segments. The class started at the first run's start.</item>
/// </list>
/// </summary>
/// <param name="Playlist">The playlist to restore into the session folder; null when there is none to continue (no segment).</param>
/// <param name="PlaylistAsStored">True when <paramref name="Playlist"/> is exactly the stored object (it need not be stored again).</param>
/// <param name="StoredSegments">The segments storage holds, by file name.</param>
/// <param name="Earlier">The runs storage tells of; null when it tells of none.</param>
/// <param name="Unstored">Segment names the restored playlist names that storage does not hold (a gap): reported lost.</param>
public sealed record ResumePlan(
    string? Playlist,
    bool PlaylistAsStored,
    IReadOnlyList<StoredObject> StoredSegments,
    IReadOnlyList<string> Unstored,
    EarlierRuns? Earlier,
    int NextSegment)
{
    /// <param name="objects">What storage holds under the session's folder (keys <c>{SessionId}/…</c>).</param>
    /// <param name="storedPlaylist">The stored <c>index.m3u8</c>, null when there is none.</param>
    /// <param name="storedManifest">The stored <c>session.json</c>, null when there is none (or it does not read).</param>
    /// <param name="segmentSeconds"><c>Recording:SegmentSeconds</c>: the length given a segment the stored playlist does not name.</param>
    public static ResumePlan? Decide(string sessionId, IReadOnlyList<StoredObject> objects, string? storedPlaylist, SessionManifest? storedManifest,
        double segmentSeconds)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var folder = StorageKeys.SessionFolder(sessionId);
        var segments = objects
            .Where(o => o.Key.StartsWith(folder, StringComparison.Ordinal))
            .Select(o => (Name: o.Key[folder.Length..], Object: o))
            .Where(s => RecordingLayout.SegmentNumber(s.Name) is not null)
            .OrderBy(s => RecordingLayout.SegmentNumber(s.Name))
            .ToList();
        if (segments.Count == 0 && storedPlaylist is null && storedManifest is null)
            return null;

        var named = storedPlaylist is null ? HlsPlaylist.Empty : HlsPlaylist.Parse(storedPlaylist);
        var next = named.Segments.Count; // FFmpeg's append_list numbers on from the count of what the playlist names
        var highest = segments.Count > 0 ? RecordingLayout.SegmentNumber(segments[^1].Name)!.Value : -1;
        var stored = segments.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        string? playlist = storedPlaylist;
        var unstored = new List<string>();
        if (highest >= next)
        {
            var text = new StringBuilder(storedPlaylist is null ? Header(segmentSeconds) : WithoutEnd(storedPlaylist));
            for (var number = next; number <= highest; number++)
            {
                var name = RecordingLayout.SegmentFileName(number);
                if (!stored.Contains(name))
                    unstored.Add(name);
                text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segmentSeconds:0.000000},\n{name}\n");
            }

            playlist = text.ToString();
        }

        return new ResumePlan(segments.Count > 0 || named.Segments.Count > 0 ? playlist : null, playlist == storedPlaylist,
            segments.Select(s => s.Object with { Key = s.Name }).ToList(), unstored, Runs(segments.Select(s => s.Object).ToList(), storedManifest),
            Math.Max(next, highest + 1));
    }

    private static EarlierRuns? Runs(List<StoredObject> segments, SessionManifest? manifest)
    {
        var earlier = manifest is null ? null : EarlierRuns.From(manifest);
        // A later run's segments are numbered after those the manifest counts (no clock is compared: S3's and the instance's may differ).
        var after = segments.Where(s => manifest is null || RecordingLayout.SegmentNumber(s.Key[(s.Key.LastIndexOf('/') + 1)..]) >= manifest.SegmentCount)
            .Select(s => s.LastModified).ToList();
        if (after.Count == 0)
            return earlier;
        var unfinished = new SessionRun(after.Min(), after.Max());
        return earlier is null
            ? new EarlierRuns(unfinished.StartedAt, [unfinished], [])
            : earlier with { Runs = [.. earlier.Runs, unfinished] };
    }

    private static string Header(double segmentSeconds) => string.Create(CultureInfo.InvariantCulture,
        $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{(int)Math.Ceiling(segmentSeconds)}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n");

    private static string WithoutEnd(string text) =>
        string.Join('\n', text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Where(l => l.Trim() is not ("#EXT-X-ENDLIST" or ""))) + "\n";
}

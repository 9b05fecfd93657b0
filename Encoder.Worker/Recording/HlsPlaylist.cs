using System.Globalization;

namespace Encoder.Recording;

public sealed record HlsSegment(string Uri, TimeSpan Duration, bool DiscontinuityBefore);

/// <summary>
/// A parsed HLS media playlist. A segment counts as complete once the playlist names it: FFmpeg (with
/// <c>hls_flags=temp_file</c>) renames the segment into place before it rewrites the playlist.
/// </summary>
public sealed record HlsPlaylist(IReadOnlyList<HlsSegment> Segments, bool HasEndList)
{
    public static readonly HlsPlaylist Empty = new([], false);

    private TimeSpan? _totalDuration;

    /// <summary>The segments' durations summed (once: a playlist is not changed after it is parsed).</summary>
    public TimeSpan TotalDuration => _totalDuration ??= Segments.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);

    /// <summary>
    /// The playlist as the finished VOD it is once the class has ended: <c>#EXT-X-PLAYLIST-TYPE:VOD</c> and
    /// <c>#EXT-X-ENDLIST</c>, even when FFmpeg could not write the end itself (it was killed).
    /// </summary>
    public static string AsFinal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n').ToList();
        var type = lines.FindIndex(l => l.StartsWith("#EXT-X-PLAYLIST-TYPE:", StringComparison.Ordinal));
        if (type >= 0)
            lines[type] = "#EXT-X-PLAYLIST-TYPE:VOD";
        else if (lines.Count > 0 && lines[0].Trim() == "#EXTM3U")
            lines.Insert(1, "#EXT-X-PLAYLIST-TYPE:VOD");
        if (!lines.Any(l => l.Trim() == "#EXT-X-ENDLIST"))
            lines.Add("#EXT-X-ENDLIST");
        return string.Join('\n', lines) + "\n";
    }

    public static HlsPlaylist Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<HlsSegment>();
        var hasEndList = false;
        TimeSpan? duration = null;
        var discontinuity = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
                continue;
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var value = line["#EXTINF:".Length..].Split(',')[0];
                duration = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                    ? TimeSpan.FromSeconds(seconds)
                    : null;
            }
            else if (line == "#EXT-X-DISCONTINUITY")
            {
                discontinuity = true;
            }
            else if (line == "#EXT-X-ENDLIST")
            {
                hasEndList = true;
            }
            else if (!line.StartsWith('#') && duration is { } d)
            {
                segments.Add(new HlsSegment(line, d, discontinuity));
                duration = null;
                discontinuity = false;
            }
        }

        return new HlsPlaylist(segments, hasEndList);
    }
}

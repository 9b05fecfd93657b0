using System.Globalization;
using Encoder.Recording;

namespace Encoder.Playback;

/// <summary>
/// A live HLS playlist as the playback watch reads it: a master playlist's first variant (the one hop to a media
/// playlist), or a media playlist's <c>EXT-X-MEDIA-SEQUENCE</c>, <c>EXT-X-TARGETDURATION</c>, end and segments (parsed
/// by <see cref="HlsPlaylist"/>, the recorder's own reader).
/// </summary>
public sealed record LivePlaylist(string? FirstVariant, long MediaSequence, TimeSpan TargetDuration, HlsPlaylist Media)
{
    public bool IsMaster => FirstVariant is not null;

    /// <summary>The newest segment's number and URI; null when the playlist names none.</summary>
    public PlaylistPosition? Position => Media.Segments.Count == 0
        ? null
        : new PlaylistPosition(MediaSequence + Media.Segments.Count - 1, Media.Segments[^1].Uri);

    /// <summary>The playlist in <paramref name="text"/>; null when it is not one (no <c>#EXTM3U</c> first).</summary>
    public static LivePlaylist? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0 || !lines[0].StartsWith("#EXTM3U", StringComparison.Ordinal))
            return null;
        string? variant = null;
        long sequence = 0;
        var target = TimeSpan.Zero;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal) && variant is null)
                variant = lines.Skip(i + 1).FirstOrDefault(l => !l.StartsWith('#'));
            else if (Value(line, "#EXT-X-MEDIA-SEQUENCE:") is { } s && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                sequence = n;
            else if (Value(line, "#EXT-X-TARGETDURATION:") is { } t && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                     && seconds is >= 0 and < 86_400)
                target = TimeSpan.FromSeconds(seconds);
        }

        return new LivePlaylist(variant, sequence, target, HlsPlaylist.Parse(text));
    }

    private static string? Value(string line, string tag) => line.StartsWith(tag, StringComparison.Ordinal) ? line[tag.Length..].Trim() : null;
}

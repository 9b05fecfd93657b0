using System.Globalization;
using System.Text;

namespace Encoder.Replay;

/// <summary>Where a tile lies in the storyboard: its sheet (0, 1, …) and its top-left pixel there.</summary>
public readonly record struct TilePlace(int Sheet, int X, int Y);

/// <summary>
/// The storyboard's timing (pure). The VOD's timeline is the playlist's: segment after segment, each as long as its
/// <c>EXTINF</c>, so a camera gap (<c>#EXT-X-DISCONTINUITY</c>) takes no time on it. Cue <c>k</c> starts at <c>k × interval</c>
/// and ends at the next one's start, the last at the VOD's end: the cues cover 0 to the end with neither gap nor overlap,
/// a class shorter than one interval having one cue. Cue <c>k</c>'s tile is the segment's keyframe at or before its start
/// (the segment's first when none is), taken from the segment its start lies in; tile <c>k</c> sits at
/// <see cref="Place"/> in sheet <c>k / 100</c>, <see cref="Columns"/> a row.
/// </summary>
public static class StoryboardCues
{
    public const int Columns = 10;
    public const int Rows = 10;
    public const int PerSheet = Columns * Rows;

    /// <summary>How many cues cover a VOD of <paramref name="end"/>.</summary>
    public static int Count(TimeSpan end, TimeSpan interval) => (int)CeilDiv(end.Ticks, interval.Ticks);

    /// <summary>The cues that start in the segment playing from <paramref name="start"/> for <paramref name="duration"/>: the first's index and how many.</summary>
    public static (int First, int Count) In(TimeSpan start, TimeSpan duration, TimeSpan interval)
    {
        var first = CeilDiv(start.Ticks, interval.Ticks);
        var end = CeilDiv((start + duration).Ticks, interval.Ticks);
        return ((int)first, (int)Math.Max(0, end - first));
    }

    /// <summary>When cue <paramref name="cue"/> starts.</summary>
    public static TimeSpan Start(int cue, TimeSpan interval) => TimeSpan.FromTicks(cue * interval.Ticks);

    /// <summary>Which of a segment's keyframes (offsets from its start, in order) shows the moment <paramref name="offset"/> into it; null when it has none.</summary>
    public static int? KeyframeFor(TimeSpan offset, IReadOnlyList<TimeSpan> keyframes)
    {
        ArgumentNullException.ThrowIfNull(keyframes);
        if (keyframes.Count == 0)
            return null;
        var chosen = 0;
        for (var i = 1; i < keyframes.Count && keyframes[i] <= offset; i++)
            chosen = i;
        return chosen;
    }

    public static TilePlace Place(int cue, PictureSize tile) =>
        new(cue / PerSheet, cue % PerSheet % Columns * tile.Width, cue % PerSheet / Columns * tile.Height);

    /// <summary>How many sheets hold <paramref name="tiles"/> tiles.</summary>
    public static int Sheets(int tiles) => (tiles + PerSheet - 1) / PerSheet;

    /// <summary>The WebVTT file: one cue per interval from 0 to <paramref name="end"/>, each <c>{sheet name}#xywh=x,y,w,h</c>.</summary>
    public static string Vtt(TimeSpan end, TimeSpan interval, PictureSize tile, Func<int, string> sheetName)
    {
        ArgumentNullException.ThrowIfNull(sheetName);
        var text = new StringBuilder("WEBVTT\n");
        var count = Count(end, interval);
        for (var cue = 0; cue < count; cue++)
        {
            var place = Place(cue, tile);
            var cueEnd = cue == count - 1 ? end : Start(cue + 1, interval);
            text.Append(CultureInfo.InvariantCulture, $"\n{Timestamp(Start(cue, interval))} --> {Timestamp(cueEnd)}\n")
                .Append(CultureInfo.InvariantCulture, $"{sheetName(place.Sheet)}#xywh={place.X},{place.Y},{tile.Width},{tile.Height}\n");
        }

        return text.ToString();
    }

    /// <summary>A WebVTT timestamp, <c>hh:mm:ss.ttt</c> (milliseconds, rounded).</summary>
    public static string Timestamp(TimeSpan at)
    {
        var ms = (long)Math.Round(at.TotalMilliseconds, MidpointRounding.AwayFromZero);
        return string.Create(CultureInfo.InvariantCulture, $"{ms / 3_600_000:00}:{ms / 60_000 % 60:00}:{ms / 1000 % 60:00}.{ms % 1000:000}");
    }

    private static long CeilDiv(long a, long b) => a <= 0 ? 0 : (a + b - 1) / b;
}

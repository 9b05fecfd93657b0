using System.Globalization;

namespace Encoder.Replay;

/// <summary>One keyframe of a segment as the keyframe decode measured it: where it plays in the segment, and its luma spread on the tile (8-bit).</summary>
/// <param name="Index">Its place among the segment's keyframes (its frame in the tiles' file, and its candidate JPEG's number).</param>
/// <param name="At">When it plays, from the segment's start.</param>
/// <param name="Low">The luma a tenth of the picture is at or below (<c>signalstats</c>' <c>YLOW</c>).</param>
/// <param name="High">The luma nine tenths of the picture are at or below (<c>YHIGH</c>): black at or below <c>Content:BlackMaxLuma</c>.</param>
public sealed record KeyframeLook(int Index, TimeSpan At, double Low, double High);

/// <summary>A picture's size in pixels.</summary>
public readonly record struct PictureSize(int Width, int Height)
{
    /// <summary>The bytes of one picture in planar 4:2:0 (the tiles' raw frames).</summary>
    public int Yuv420Bytes => Width * Height + 2 * ((Width + 1) / 2) * ((Height + 1) / 2);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");
}

/// <summary>
/// The replay's pictures from a stored segment, in one FFmpeg run that decodes only its keyframes (<c>-skip_frame nokey</c>,
/// pure arguments here, no re-encode of the recording): each keyframe scaled by area to a storyboard tile (raw 4:2:0 frames,
/// one after another in <see cref="TilesFileName"/>) and measured there (<c>signalstats</c>, printed to stdout); while the
/// poster is still being chosen, also each keyframe at the camera's own size as a JPEG (<see cref="CandidateFileName"/>).
/// </summary>
public static class KeyframePictures
{
    public const string TilesFileName = "replay-keyframes.yuv";
    public const string CandidatePattern = "replay-candidate-%03d.jpg";
    public const int TileWidth = 160;
    public const string LowKey = "lavfi.signalstats.YLOW";
    public const string HighKey = "lavfi.signalstats.YHIGH";

    /// <summary>The tile size when the picture's own is not known: 16:9.</summary>
    public static readonly PictureSize DefaultTile = new(TileWidth, 90);

    public static string CandidateFileName(int index) => string.Create(CultureInfo.InvariantCulture, $"replay-candidate-{index:000}.jpg");

    /// <summary>ffprobe's arguments for the picture size of <paramref name="segment"/>'s video (<c>640,360</c>).</summary>
    public static IReadOnlyList<string> SizeArguments(string segment) =>
        ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", segment];

    /// <summary>The size ffprobe printed (<see cref="SizeArguments"/>); null when it printed none.</summary>
    public static PictureSize? ParseSize(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines)
        {
            if (line.Trim().Split(',') is [var w, var h, ..]
                && int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width > 0
                && int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var height) && height > 0)
                return new PictureSize(width, height);
        }

        return null;
    }

    /// <summary>A tile <see cref="TileWidth"/> wide keeping the picture's aspect, its height even (4:2:0) and at least 2.</summary>
    public static PictureSize TileFor(PictureSize picture) =>
        new(TileWidth, Math.Max(2, (int)Math.Round(TileWidth * (double)picture.Height / picture.Width / 2, MidpointRounding.AwayFromZero) * 2));

    /// <summary>The keyframe decode of <paramref name="segment"/> (see the class); <paramref name="candidates"/> adds the full-size JPEGs.</summary>
    public static IReadOnlyList<string> DecodeArguments(string segment, PictureSize tile, bool candidates)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var measure = $"scale={tile.Width}:{tile.Height}:flags=area,signalstats,metadata=mode=print:file='pipe\\:1':direct=1";
        List<string> arguments =
        [
            "-nostdin", "-hide_banner", "-v", "error", "-y",
            "-threads", "1", "-skip_frame", "nokey", "-i", segment,
            "-filter_complex", candidates ? $"[0:v:0]split=2[full][small];[small]{measure}[tile]" : $"[0:v:0]{measure}[tile]",
            "-map", "[tile]", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", TilesFileName,
        ];
        if (candidates)
            arguments.AddRange(["-map", "[full]", "-fps_mode", "passthrough", "-q:v", "2", "-start_number", "0", "-f", "image2", CandidatePattern]);
        return arguments;
    }

    /// <summary>
    /// The keyframes the decode measured, from its stdout: a <c>frame:N pts:P pts_time:T</c> line, then its <c>key=value</c>
    /// lines. A keyframe without both measurements is left out; times before the segment's start count as its start.
    /// </summary>
    public static IReadOnlyList<KeyframeLook> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var looks = new List<KeyframeLook>();
        int? index = null;
        TimeSpan at = TimeSpan.Zero;
        double? low = null, high = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith("frame:", StringComparison.Ordinal))
            {
                Flush();
                index = int.TryParse(Field(line, "frame:"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
                at = double.TryParse(Field(line, "pts_time:"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
            }
            else if (line.StartsWith(LowKey + "=", StringComparison.Ordinal))
            {
                low = Number(line[(LowKey.Length + 1)..]);
            }
            else if (line.StartsWith(HighKey + "=", StringComparison.Ordinal))
            {
                high = Number(line[(HighKey.Length + 1)..]);
            }
        }

        Flush();
        return looks;

        void Flush()
        {
            if (index is { } i && low is { } l && high is { } h)
                looks.Add(new KeyframeLook(i, at, l, h));
            index = null;
            low = high = null;
        }
    }

    /// <summary>The sprite sheet of <paramref name="tiles"/> raw tiles in <paramref name="rawFile"/>, <paramref name="columns"/> a row, into <paramref name="output"/>.</summary>
    public static IReadOnlyList<string> SheetArguments(string rawFile, PictureSize tile, int tiles, int columns, string output) =>
    [
        "-nostdin", "-hide_banner", "-v", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", tile.ToString(), "-i", rawFile,
        "-vf", string.Create(CultureInfo.InvariantCulture, $"tile={columns}x{Math.Max(1, (tiles + columns - 1) / columns)}"),
        "-frames:v", "1", "-q:v", "4", "-f", "image2", output,
    ];

    /// <summary>The size a baseline or progressive JPEG declares (its first start-of-frame marker); null when it is not a JPEG.</summary>
    public static PictureSize? JpegSize(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            return null;
        var i = 2;
        while (i + 9 < jpeg.Length)
        {
            if (jpeg[i] != 0xFF)
                return null;
            var marker = jpeg[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return new PictureSize((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            i += 2 + length;
        }

        return null;
    }

    private static string Field(string line, string name)
    {
        var start = line.IndexOf(name, StringComparison.Ordinal);
        if (start < 0)
            return "";
        start += name.Length;
        var end = line.IndexOf(' ', start);
        return end < 0 ? line[start..] : line[start..end];
    }

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}

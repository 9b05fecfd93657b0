using System.Globalization;
using Encoder.Recording;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Replay;

/// <summary>A class recorded as the recorder does (HLS, 2 s segments, <c>seg_%05d.ts</c>, <see cref="RecordingLayout.PlaylistFileName"/>) from FFmpeg's test picture and tone, for the replay's restart tests.</summary>
internal static class RecordedClass
{
    /// <param name="size">The picture size, e.g. <c>640x360</c>.</param>
    /// <param name="video">The video's filter and encoder arguments (<c>-c:v libx264 …</c>).</param>
    public static async Task RecordAsync(string directory, int seconds, string size, IEnumerable<string> video)
    {
        var result = await Tool.RunAsync("ffmpeg", [
            "-v", "error", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
            "-t", seconds.ToString(CultureInfo.InvariantCulture), .. video, "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-ac", "2", "-f", "hls", "-hls_time", "2", "-hls_segment_filename", "seg_%05d.ts", "-hls_list_size", "0", RecordingLayout.PlaylistFileName],
            workingDirectory: directory);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    /// <summary>The playlist as it stood after its first <paramref name="count"/> segments (no end yet).</summary>
    public static string PlaylistOf(string playlist, int count)
    {
        var lines = new List<string>();
        var seen = 0;
        foreach (var line in playlist.Split('\n'))
        {
            if (line.StartsWith("#EXT-X-ENDLIST", StringComparison.Ordinal))
                break;
            lines.Add(line);
            if (line.Length > 0 && !line.StartsWith('#') && ++seen == count)
                break;
        }

        return string.Join('\n', lines) + "\n";
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Encoder.Replay;

namespace Encoder.Tests.Infrastructure;

/// <summary>What a test checks of the replay's pictures: a picture's mean luma (FFmpeg's signalstats), and a storyboard VTT against its VOD and sprites.</summary>
internal static partial class ReplayPictureChecks
{
    /// <summary>The mean luma (8-bit) of the picture in <paramref name="jpeg"/>, as FFmpeg decodes it.</summary>
    public static async Task<double> MeanLumaAsync(string jpeg)
    {
        var run = await Tool.RunAsync("ffmpeg", ["-v", "error", "-i", jpeg, "-vf", "signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG:file=-", "-f", "null", "-"]);
        Assert.That(run.ExitCode, Is.Zero, run.Output);
        return double.Parse(YavgLine().Match(run.Output).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The VTT's cues run from 0 to <paramref name="vodSeconds"/> (within <paramref name="tolerance"/> at the end), each starting where the one
    /// before ended, and each names a region inside an existing sprite (<paramref name="spriteSize"/>: null when there is no such sprite).
    /// </summary>
    public static void AssertCovers(string vtt, double vodSeconds, double tolerance, Func<string, PictureSize?> spriteSize)
    {
        Assert.That(vtt, Does.StartWith("WEBVTT\n"));
        var cues = CueLines().Matches(vtt);
        Assert.That(cues, Is.Not.Empty, vtt);
        var expectedStart = 0.0;
        foreach (Match cue in cues)
        {
            var (start, end) = (Seconds(cue.Groups["start"].Value), Seconds(cue.Groups["end"].Value));
            Assert.That(start, Is.EqualTo(expectedStart).Within(0.0005), $"contiguous cues: {cue.Value}");
            Assert.That(end, Is.GreaterThan(start));
            expectedStart = end;
            var size = spriteSize(cue.Groups["sprite"].Value);
            Assert.That(size, Is.Not.Null, $"{cue.Groups["sprite"].Value} exists");
            int x = Int(cue, "x"), y = Int(cue, "y"), w = Int(cue, "w"), h = Int(cue, "h");
            Assert.That(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= size!.Value.Width && y + h <= size.Value.Height, Is.True,
                $"{cue.Value.Trim()} lies inside the sprite's {size}");
        }

        Assert.That(expectedStart, Is.EqualTo(vodSeconds).Within(tolerance), "the last cue ends at the VOD's end");
    }

    private static int Int(Match cue, string name) => int.Parse(cue.Groups[name].Value, CultureInfo.InvariantCulture);

    private static double Seconds(string timestamp) => TimeSpan.ParseExact(timestamp, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture).TotalSeconds;

    [GeneratedRegex(@"lavfi\.signalstats\.YAVG=([0-9.]+)")]
    private static partial Regex YavgLine();

    [GeneratedRegex(@"(?<start>\d\d:\d\d:\d\d\.\d{3}) --> (?<end>\d\d:\d\d:\d\d\.\d{3})\n(?<sprite>[^#\n]+)#xywh=(?<x>\d+),(?<y>\d+),(?<w>\d+),(?<h>\d+)\n")]
    private static partial Regex CueLines();
}

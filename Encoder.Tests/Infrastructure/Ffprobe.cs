using System.Diagnostics;
using System.Globalization;

namespace Encoder.Tests.Infrastructure;

internal static class Ffprobe
{
    /// <summary>ffprobe's compact output for the given entries of <paramref name="path"/>.</summary>
    public static async Task<string> ShowAsync(string path, string entries, params string[] extra)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-v", "error", .. extra, "-show_entries", entries, "-of", "compact", path])
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await process.StandardOutput.ReadToEndAsync(cts.Token);
        var errors = await process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ffprobe {path} failed: {errors}");
        return output;
    }

    public static async Task<double> DurationSecondsAsync(string path)
    {
        var output = await ShowAsync(path, "format=duration");
        return double.Parse(output.Trim().Split("duration=")[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Decodes every frame of the video stream; returns how many there were.</summary>
    public static async Task<int> CountVideoFramesAsync(string path)
    {
        var output = await ShowAsync(path, "stream=nb_read_frames", "-select_streams", "v:0", "-count_frames");
        // MPEG-TS lists the stream under its program too: the same count twice.
        var count = output.Split("nb_read_frames=")[1].Split('|', '\n')[0];
        return int.Parse(count, CultureInfo.InvariantCulture);
    }
}

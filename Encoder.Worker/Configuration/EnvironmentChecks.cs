namespace Encoder.Configuration;

/// <summary>Start-up checks of the machine against the options (unlike <see cref="EncoderOptionsValidator"/>, not pure).</summary>
public static class EnvironmentChecks
{
    public static IReadOnlyList<string> Validate(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (FindExecutable(options.Ffmpeg.Path) is null)
            return [$"{ConfigurationKeys.Full("Ffmpeg:Path")}: '{options.Ffmpeg.Path}' was not found (neither a file nor on PATH; install ffmpeg)"];
        // The camera is probed before each recorder run with the ffprobe that comes with FFmpeg.
        var ffprobe = Media.FfprobeCamera.FfprobePath(options.Ffmpeg.Path);
        return FindExecutable(ffprobe) is null
            ? [$"{ConfigurationKeys.Full("Ffmpeg:Path")}: '{ffprobe}', which probes the camera, was not found beside it (install ffmpeg, which has both)"]
            : [];
    }

    /// <summary>The full path of an executable named as a path or looked up on PATH, or null.</summary>
    public static string? FindExecutable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('/', StringComparison.Ordinal))
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}

namespace Encoder.Configuration;

/// <summary>Start-up checks of the machine against the options (unlike <see cref="EncoderOptionsValidator"/>, not pure).</summary>
public static class EnvironmentChecks
{
    public static IReadOnlyList<string> Validate(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (FindExecutable(options.Ffmpeg.Path) is null)
            errors.Add($"{ConfigurationKeys.Full("Ffmpeg:Path")}: '{options.Ffmpeg.Path}' was not found (neither a file nor on PATH; install ffmpeg)");
        // The camera is probed before each recorder run with the ffprobe that comes with FFmpeg.
        else if (Media.FfprobeCamera.FfprobePath(options.Ffmpeg.Path) is var ffprobe && FindExecutable(ffprobe) is null)
            errors.Add($"{ConfigurationKeys.Full("Ffmpeg:Path")}: '{ffprobe}', which probes the camera, was not found beside it (install ffmpeg, which has both)");
        var verifiesIngest = options.Tls.Verify &&
            (StreamUrl.HasScheme(options.Ingest.Primary, "rtmps") || StreamUrl.HasScheme(options.Ingest.Secondary, "rtmps"));
        if (verifiesIngest && !File.Exists(options.Tls.CaFile))
            errors.Add($"{ConfigurationKeys.Full("Tls:CaFile")}: '{options.Tls.CaFile}' was not found (the CAs an rtmps:// ingest's certificate must chain to; install ca-certificates or name your CA's file)");
        return errors;
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

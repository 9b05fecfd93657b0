namespace Encoder.Configuration;

/// <summary>Start-up checks of the machine against the options (unlike <see cref="EncoderOptionsValidator"/>, not pure).</summary>
public static class EnvironmentChecks
{
    public static IReadOnlyList<string> Validate(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FindExecutable(options.Ffmpeg.Path) is null
            ? [$"{ConfigurationKeys.Full("Ffmpeg:Path")}: '{options.Ffmpeg.Path}' was not found (neither a file nor on PATH; install ffmpeg)"]
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

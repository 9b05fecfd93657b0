namespace Encoder.Ffmpeg;

/// <summary>
/// Where an FFmpeg process is started: the one seam between <see cref="FfmpegProcess"/> (which watches a run, logs it
/// and stops it) and the operating system. <see cref="CliFfmpegRunner"/> runs the real FFmpeg; tests hand out runs they
/// drive themselves (progress lines, stderr lines, an exit).
/// </summary>
public interface IFfmpegRunner
{
    /// <summary>Starts FFmpeg with <paramref name="arguments"/>; each line of its stdout and stderr is handed over as it comes.</summary>
    Task<IFfmpegRun> StartAsync(IReadOnlyList<string> arguments, string workingDirectory, Action<string> onStdout, Action<string> onStderr);
}

/// <summary>One started FFmpeg: its end, and the three ways to stop it, gentlest first.</summary>
public interface IFfmpegRun
{
    int ProcessId { get; }

    /// <summary>The exit code once it has ended and its output is read; null when it was interrupted or killed.</summary>
    Task<int?> Exited { get; }

    /// <summary>Asks it to finish (<c>q</c> on stdin): it writes its last segment and ends.</summary>
    void Quit();

    /// <summary>SIGINT; a second call sends another (a blocked FFmpeg ignores the first).</summary>
    void Interrupt();

    /// <summary>SIGKILL.</summary>
    void Kill();
}

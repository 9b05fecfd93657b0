using System.Globalization;
using Encoder.Configuration;

namespace Encoder.Recording;

/// <summary>Where one session's recording lives on disk: <c>{Recording:Directory}/{SessionId}/</c> with the playlist, the segments and <c>logs/</c>.</summary>
public sealed class RecordingLayout(EncoderOptions options)
{
    public const string PlaylistFileName = "index.m3u8";
    public const string SegmentFilePattern = "seg_%05d.ts";

    public string SessionDirectory { get; } = Path.GetFullPath(Path.Combine(options.Recording.Directory, options.SessionId));

    public string PlaylistPath => Path.Combine(SessionDirectory, PlaylistFileName);

    public string LogDirectory => options.Logging.Directory is { Length: > 0 } directory
        ? Path.GetFullPath(directory)
        : Path.Combine(SessionDirectory, "logs");

    public string StatusPath => options.Status.Path is { Length: > 0 } path ? Path.GetFullPath(path) : Path.Combine(SessionDirectory, "status.json");

    /// <summary>One log per FFmpeg run (<paramref name="role"/>: recorder, egress-primary, ...); the timestamp keeps runs of a restarted daemon apart.</summary>
    public string FfmpegLogPath(string role, int run, DateTimeOffset startedAt) =>
        Path.Combine(LogDirectory, string.Create(CultureInfo.InvariantCulture, $"ffmpeg-{role}-{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-run{run:D3}.log"));
}

using System.Globalization;
using Encoder.Configuration;

namespace Encoder.Recording;

/// <summary>Where one session's recording lives on disk: <c>{Recording:Directory}/{SessionId}/</c> with the playlist, the segments and <c>logs/</c>.</summary>
public sealed class RecordingLayout(EncoderOptions options)
{
    public const string PlaylistFileName = "index.m3u8";

    /// <summary>The upload journal's file in the session folder (written by <c>Storage/UploadJournal</c>).</summary>
    public const string JournalFileName = "upload.journal";

    /// <summary>
    /// What FFmpeg names a segment (<c>hls_segment_filename</c>): the one rule for a segment's file name. Everything that
    /// asks whether a file is a segment (<see cref="IsSegmentFile"/>, <see cref="SegmentFileGlob"/>) reads it from here.
    /// </summary>
    public const string SegmentFilePattern = "seg_%05d.ts";

    private static readonly int NumberAt = SegmentFilePattern.IndexOf('%', StringComparison.Ordinal);
    private static readonly int NumberEnd = SegmentFilePattern.IndexOf('d', NumberAt);
    private static readonly string SegmentPrefix = SegmentFilePattern[..NumberAt];
    private static readonly string SegmentSuffix = SegmentFilePattern[(NumberEnd + 1)..];
    private static readonly int SegmentDigits = int.Parse(SegmentFilePattern[(NumberAt + 1)..NumberEnd], CultureInfo.InvariantCulture);

    /// <summary>A pattern for listing the segments of a folder (<c>seg_*.ts</c>); filter with <see cref="IsSegmentFile"/>.</summary>
    public static string SegmentFileGlob { get; } = SegmentPrefix + "*" + SegmentSuffix;

    /// <summary>True when <paramref name="name"/> (a file name, or a path relative to the session folder) is a segment's: <see cref="SegmentFilePattern"/> with its number.</summary>
    public static bool IsSegmentFile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var digits = name.Length - SegmentPrefix.Length - SegmentSuffix.Length;
        return digits >= SegmentDigits
            && name.StartsWith(SegmentPrefix, StringComparison.Ordinal)
            && name.EndsWith(SegmentSuffix, StringComparison.Ordinal)
            && name.AsSpan(SegmentPrefix.Length, digits).ContainsAnyExceptInRange('0', '9') == false;
    }

    /// <summary>The number in a segment's name (<c>seg_00007.ts</c> → 7); null when the name is not a segment's.</summary>
    public static int? SegmentNumber(string name) =>
        IsSegmentFile(name) && int.TryParse(name.AsSpan(SegmentPrefix.Length, name.Length - SegmentPrefix.Length - SegmentSuffix.Length), NumberStyles.None,
            CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>The name FFmpeg gives the segment numbered <paramref name="number"/> (<see cref="SegmentFilePattern"/>).</summary>
    public static string SegmentFileName(int number) =>
        SegmentPrefix + number.ToString("D" + SegmentDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + SegmentSuffix;

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

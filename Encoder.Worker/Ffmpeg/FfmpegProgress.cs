using System.Globalization;

namespace Encoder.Ffmpeg;

/// <summary>One block of FFmpeg's <c>-progress</c> output.</summary>
public sealed record FfmpegProgress(long Frame, TimeSpan OutTime, double? Speed, bool IsEnd, long? TotalSize = null);

/// <summary>Collects <c>key=value</c> lines until the <c>progress=</c> line that ends a block.</summary>
public sealed class FfmpegProgressParser
{
    private readonly Dictionary<string, string> _block = new(StringComparer.Ordinal);

    public FfmpegProgress? Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
            return null;
        var key = line[..equals].Trim();
        var value = line[(equals + 1)..].Trim();
        if (key != "progress")
        {
            _block[key] = value;
            return null;
        }

        var progress = new FfmpegProgress(
            Frame: long.TryParse(_block.GetValueOrDefault("frame"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var frame) ? frame : 0,
            OutTime: long.TryParse(_block.GetValueOrDefault("out_time_us"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var us) && us > 0
                ? TimeSpan.FromMicroseconds(us)
                : TimeSpan.Zero,
            Speed: double.TryParse(_block.GetValueOrDefault("speed")?.TrimEnd('x'), NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) ? speed : null,
            IsEnd: value == "end",
            TotalSize: long.TryParse(_block.GetValueOrDefault("total_size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) ? size : null);
        _block.Clear();
        return progress;
    }
}

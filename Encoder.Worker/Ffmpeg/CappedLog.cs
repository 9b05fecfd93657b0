using System.Globalization;
using System.Text;

namespace Encoder.Ffmpeg;

/// <summary>
/// One FFmpeg run's log, cut at <see cref="MaxBytes"/>: a camera spewing errors for hours cannot fill the disk or
/// the drain's upload. Once a line would pass the cap, one line says the log was cut and the rest is dropped; the
/// daemon's own closing line (<see cref="WriteFooter"/>) is still written.
/// </summary>
public sealed class CappedLog(TextWriter writer, long maxBytes = CappedLog.DefaultMaxBytes)
{
    /// <summary>20 MB: days of a healthy FFmpeg's output (a few lines a minute), minutes of a flood.</summary>
    public const long DefaultMaxBytes = 20L * 1024 * 1024;
    private readonly Lock _lock = new();
    private long _written;
    private bool _cut;

    public long MaxBytes => maxBytes;

    /// <summary>True once lines have been dropped.</summary>
    public bool Cut
    {
        get
        {
            lock (_lock)
                return _cut;
        }
    }

    public void WriteLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        lock (_lock)
        {
            if (_cut)
                return;
            var bytes = Encoding.UTF8.GetByteCount(line) + 1;
            if (_written + bytes > maxBytes)
            {
                _cut = true;
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"# encoder: this run's log was cut at {maxBytes} bytes; FFmpeg's further output is not logged"));
                return;
            }

            _written += bytes;
            writer.WriteLine(line);
        }
    }

    /// <summary>The daemon's closing line for the run: written even after a cut.</summary>
    public void WriteFooter(string line)
    {
        lock (_lock)
            writer.WriteLine(line);
    }
}

namespace Encoder.Events;

/// <summary>
/// The one definition of the recorder's frames per second and bitrate, shared by the status line and the metrics (pure):
/// <list type="bullet">
/// <item><b>frames per second</b>: frames the recorder wrote (FFmpeg's <c>frame=</c>) per second of wall-clock time;</item>
/// <item><b>bitrate</b>: bytes of the MPEG-TS stream the recorder wrote (what the HLS segments and the ingests get,
/// counted where the relay receives it: FFmpeg reports no <c>total_size</c> for its tee output) per second of wall-clock time;</item>
/// </list>
/// each over a window of at least <see cref="Window"/>, so one late progress line does not swing them. A counter that went
/// back (a new run) starts a new window. Null until a run has measured one window.
/// </summary>
public readonly record struct StreamRates(long Frames, long Bytes, DateTimeOffset From, double? FramesPerSecond, double? BitrateKbps)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>A run's rates before its first progress.</summary>
    public static StreamRates Start(long frames, long bytes, DateTimeOffset at) => new(frames, bytes, at, null, null);

    /// <summary>The rates after one more progress report: a new window once the current one has lasted <see cref="Window"/>.</summary>
    public StreamRates Next(long frames, long bytes, DateTimeOffset at)
    {
        if (frames < Frames || bytes < Bytes)
            return Start(frames, bytes, at);
        var seconds = (at - From).TotalSeconds;
        if (seconds < Window.TotalSeconds)
            return this;
        return new StreamRates(frames, bytes, at, Math.Round((frames - Frames) / seconds, 2), Math.Round((bytes - Bytes) * 8 / 1000.0 / seconds, 1));
    }
}

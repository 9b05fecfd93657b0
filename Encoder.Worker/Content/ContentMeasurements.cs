using System.Globalization;
using Encoder.Ffmpeg;

namespace Encoder.Content;

/// <summary>
/// The watch's FFmpeg command (pure) and the reading of what it prints. FFmpeg only measures; <see cref="ContentJudge"/> decides.
/// <list type="bullet">
/// <item><b>picture</b>: only keyframes are decoded (<c>-skip_frame nokey</c>, one decoder thread so no frame waits for
///   others), scaled down to a 64-pixel-wide thumbnail by area (noise averages out), then <c>signalstats</c>: <c>YHIGH</c>
///   (the luma nine tenths of the pixels are at or below) and <c>YDIF</c> (the mean luma change since the keyframe before).</item>
/// <item><b>sound</b>: mixed to mono at 8 kHz, cut into half-second frames, <c>astats</c>' RMS level of each in dBFS.</item>
/// </list>
/// Each value is printed by a <c>metadata</c> filter to stdout (unbuffered, one line per write), beside FFmpeg's
/// progress (which the stall watch reads), so the per-run log keeps only FFmpeg's own lines.
/// </summary>
public static class ContentMeasurements
{
    public const string LumaKey = "lavfi.signalstats.YHIGH";
    public const string ChangeKey = "lavfi.signalstats.YDIF";
    public const string LevelKey = "lavfi.astats.Overall.RMS_level";

    /// <summary>The level reported for digital silence (astats says <c>-inf</c>): JSON has no infinity.</summary>
    public const double SilenceFloorDbfs = -120;

    /// <summary>The thumbnail's width: enough to tell a picture from its copy, small enough that sensor and coding noise average out.</summary>
    public const int ThumbnailWidth = 64;

    /// <summary>Samples per sound measurement: half a second at 8 kHz.</summary>
    public const int SoundWindowSamples = 4000;

    private const string Stdout = "file='pipe\\:1':direct=1";

    /// <summary>Reads the relay at <paramref name="relayOutput"/> (<c>MpegTsRelay.OutputPath</c>) and measures it; writes nothing but its lines.</summary>
    public static IReadOnlyList<string> Arguments(string relayOutput)
    {
        ArgumentNullException.ThrowIfNull(relayOutput);
        return
        [
            "-hide_banner", "-nostats", "-loglevel", FfmpegArguments.LogLevel,
            "-progress", "pipe:1", "-stats_period", "1",
            "-filter_threads", "1",
            "-analyzeduration", FfmpegArguments.Invariant((long)FfmpegArguments.EgressAnalysis.TotalMicroseconds), "-fpsprobesize", "0",
            "-threads", "1", "-skip_frame", "nokey",
            "-f", "mpegts",
            "-i", $"unix:{relayOutput}",
            "-map", "0:v:0", "-map", "0:a:0?",
            "-vf", $"scale={ThumbnailWidth}:-2:flags=area,signalstats,metadata=mode=print:key={LumaKey}:{Stdout},metadata=mode=print:key={ChangeKey}:{Stdout}",
            "-af", $"aformat=channel_layouts=mono:sample_rates=8000,asetnsamples=n={SoundWindowSamples}:p=0,"
                   + $"astats=metadata=1:reset=1:measure_perchannel=none:measure_overall=RMS_level,ametadata=mode=print:key={LevelKey}:{Stdout}",
            "-fps_mode", "passthrough",
            "-f", "null", "-",
        ];
    }
}

/// <summary>
/// Turns the watch's stdout into observations: a keyframe's <c>YHIGH</c> then its <c>YDIF</c> make one
/// <see cref="ContentObservation.Picture"/> (the run's first has no change: there was no keyframe before); each RMS
/// level one <see cref="ContentObservation.Sound"/>. Anything else (progress, the <c>frame:</c> lines) is not its business.
/// One parser per run.
/// </summary>
public sealed class ContentLineParser
{
    private double? _luma;
    private bool _hadPicture;

    public ContentObservation? Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || !line.StartsWith("lavfi.", StringComparison.Ordinal))
            return null;
        var key = line.AsSpan(0, equals);
        var value = Number(line.AsSpan(equals + 1).Trim());
        if (key.SequenceEqual(ContentMeasurements.LumaKey))
        {
            _luma = value;
            return null;
        }

        if (key.SequenceEqual(ContentMeasurements.ChangeKey))
        {
            if (_luma is not { } luma || double.IsNaN(luma))
                return null;
            _luma = null;
            var first = !_hadPicture;
            _hadPicture = true;
            return new ContentObservation.Picture(luma, first || double.IsNaN(value) ? null : value);
        }

        if (key.SequenceEqual(ContentMeasurements.LevelKey))
            return new ContentObservation.Sound(double.IsNaN(value) ? ContentMeasurements.SilenceFloorDbfs : Math.Clamp(value, ContentMeasurements.SilenceFloorDbfs, 0));

        return null;
    }

    /// <summary>FFmpeg's numbers, <c>-inf</c> and <c>inf</c> included; NaN when it is none.</summary>
    private static double Number(ReadOnlySpan<char> text) => text switch
    {
        "-inf" => double.NegativeInfinity,
        "inf" => double.PositiveInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN,
    };
}

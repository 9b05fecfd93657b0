using System.Globalization;
using System.Text.RegularExpressions;
using Encoder.Configuration;
using Encoder.Media;

namespace Encoder.Preflight;

/// <summary>
/// What a few seconds of the camera showed (<see cref="CameraSampler"/>): its streams as FFmpeg dumped them, the video's
/// measured frame rate and keyframe interval, and the audio's loudest sample.
/// </summary>
/// <param name="Streams">The streams (<see cref="InputDump"/>), null when FFmpeg never opened the camera.</param>
/// <param name="FramesPerSecond">Video packets per second over the sample, null with fewer than two.</param>
/// <param name="KeyframeSeconds">The longest interval between two keyframes seen, null with fewer than two keyframes.</param>
/// <param name="Keyframes">How many keyframes the sample held.</param>
/// <param name="SampleSeconds">The video's span in the sample (first to last packet).</param>
/// <param name="AudioMaxDb">The loudest audio sample in dBFS (FFmpeg's volumedetect), null when no audio was decoded.</param>
public sealed record CameraSample(
    CameraStreams? Streams,
    double? FramesPerSecond,
    double? KeyframeSeconds,
    int Keyframes,
    double SampleSeconds,
    double? AudioMaxDb);

/// <summary>
/// Reads one sampling run of FFmpeg (pure): its stdout is <c>framecrc</c> of the video, copied (one line per packet:
/// <c>stream, dts, pts, duration, size, crc[, F=0xFLAGS][, S=…]</c>; a keyframe carries no <c>F=</c>, or one with bit 0
/// set; <c>#tb 0: 1/90000</c> gives the time base), its stderr the input's dump and <c>volumedetect</c>'s
/// <c>max_volume: -1.9 dB</c>.
/// </summary>
public static partial class CameraSampleReader
{
    public static CameraSample Read(IEnumerable<string> stdout, IEnumerable<string> stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var dump = new InputDump();
        CameraStreams? streams = null;
        double? maxDb = null;
        foreach (var line in stderr)
        {
            streams ??= dump.Add(line);
            if (MaxVolume().Match(line) is { Success: true } volume
                && double.TryParse(volume.Groups["db"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var db))
                maxDb = db;
        }

        streams ??= dump.End();
        double timeBase = 1.0 / 90_000;
        var dts = new List<long>();
        var keyframes = new List<long>();
        foreach (var line in stdout)
        {
            if (TimeBase().Match(line) is { Success: true } tb)
            {
                var num = double.Parse(tb.Groups["num"].Value, CultureInfo.InvariantCulture);
                var den = double.Parse(tb.Groups["den"].Value, CultureInfo.InvariantCulture);
                if (num > 0 && den > 0)
                    timeBase = num / den;
                continue;
            }

            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length < 6 || fields[0] != "0" || !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at))
                continue;
            if (dts.Count > 0 && at <= dts[^1])
                continue; // the muxer's flush repeats the last timestamp: not a packet of the camera's
            dts.Add(at);
            var flags = fields.Skip(6).FirstOrDefault(f => f.StartsWith("F=0x", StringComparison.Ordinal));
            var key = flags is null || (int.TryParse(flags.AsSpan(4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var bits) && (bits & 1) == 1);
            if (key)
                keyframes.Add(at);
        }

        var span = dts.Count > 1 ? (dts[^1] - dts[0]) * timeBase : 0;
        double? fps = dts.Count > 1 && span > 0 ? Math.Round((dts.Count - 1) / span, 2) : null;
        double? gop = keyframes.Count > 1 ? Math.Round(keyframes.Zip(keyframes.Skip(1), (a, b) => (b - a) * timeBase).Max(), 2) : null;
        return new CameraSample(streams, fps, gop, keyframes.Count, Math.Round(span, 2), maxDb);
    }

    [GeneratedRegex(@"^#tb 0: (?<num>\d+)/(?<den>\d+)")]
    private static partial Regex TimeBase();

    [GeneratedRegex(@"max_volume: (?<db>-?[0-9.]+|-inf) dB")]
    private static partial Regex MaxVolume();
}

/// <summary>
/// What the pre-flight says about the camera, its sound and the plan (pure), from one <see cref="CameraSample"/> (or
/// the reason there is none).
/// </summary>
public static class CameraVerdict
{
    /// <summary>The loudest sample of a live microphone, even in a quiet room, is well above this; digital silence is about -91 dBFS.</summary>
    public const double SilentBelowDb = -60;

    public const string Camera = "camera";
    public const string Audio = "audio";
    public const string Plan = "plan";

    /// <summary>
    /// Reachable and sending a picture: pass with what it sends ("h264 1280x720 30 fps, keyframe every 2 s"); fail when
    /// FFmpeg could not open it (<paramref name="error"/>, redacted) or saw no video. A keyframe interval longer than the
    /// segment (<c>Recording:SegmentSeconds</c>) is a warning when the plan copies: the segments then follow the camera's.
    /// </summary>
    public static CheckResult ForCamera(CameraSample? sample, string? error, double segmentSeconds, VideoPlan? plan)
    {
        if (sample?.Streams is not { } streams)
            return CheckResult.Fail(Camera, error ?? "the camera sent no video");
        if (sample.FramesPerSecond is null)
            return CheckResult.Fail(Camera, $"the camera answered ({streams.VideoCodec}) but sent no picture in {sample.SampleSeconds:0.#}s");
        var c = CultureInfo.InvariantCulture;
        var size = streams.Width is { } w && streams.Height is { } h ? string.Create(c, $" {w}x{h}") : "";
        var keyframes = sample.KeyframeSeconds is { } gop
            ? string.Create(c, $"keyframe every {gop:0.##} s")
            : string.Create(c, $"{sample.Keyframes} keyframe(s) in {sample.SampleSeconds:0.#} s");
        var says = string.Create(c, $"{streams.VideoCodec}{size} {sample.FramesPerSecond:0.##} fps, {keyframes}");
        if (plan == VideoPlan.Copy && (sample.KeyframeSeconds is { } interval ? interval > segmentSeconds + 0.5 : sample.Keyframes < 2))
            return CheckResult.Warn(Camera, string.Create(c, $"{says}: longer than the {segmentSeconds:0.#} s segments (Encoder:Recording:SegmentSeconds); copied video cuts at keyframes only, so segments will be longer"));
        return CheckResult.Pass(Camera, says);
    }

    /// <summary>Present and not silent: pass; no audio track: warn (a silent track is added); silent: fail (a microphone off or a dead battery).</summary>
    public static CheckResult ForAudio(CameraSample? sample)
    {
        if (sample?.Streams is not { } streams)
            return CheckResult.Skip(Audio, "the camera could not be sampled");
        if (streams.AudioCodec is null)
            return CheckResult.Warn(Audio, "the camera sends no audio: a silent track is added, viewers hear nothing");
        var c = CultureInfo.InvariantCulture;
        if (sample.AudioMaxDb is not { } loudest)
            return CheckResult.Fail(Audio, $"{streams.DescribeAudio()}, but no sound arrived in {sample.SampleSeconds:0.#} s");
        return loudest < SilentBelowDb
            ? CheckResult.Fail(Audio, string.Create(c, $"{streams.DescribeAudio()}, silent: loudest {loudest:0.#} dBFS over {sample.SampleSeconds:0.#} s (below {SilentBelowDb:0} dBFS); is the microphone on?"))
            : CheckResult.Pass(Audio, string.Create(c, $"{streams.DescribeAudio()}, loudest {loudest:0.#} dBFS over {sample.SampleSeconds:0.#} s"));
    }

    /// <summary>
    /// The plan for what the camera sends (<see cref="MediaPlan.Decide"/>) and whether <paramref name="instanceType"/>
    /// carries it (<c>Launch/InstanceSizing</c>'s <paramref name="shortfall"/>): pass, or warn with the plan's reason
    /// (a camera that is not H.264 in <c>auto</c>), or fail (copy of a codec FLV cannot carry; a type that cannot
    /// transcode).
    /// </summary>
    /// <param name="instanceType">From IMDS; null off EC2 (the capacity is then not judged).</param>
    /// <param name="known">Whether <paramref name="instanceType"/> is in the launcher's table.</param>
    /// <param name="shortfall">Why the type cannot carry the plan, null when it can.</param>
    public static CheckResult ForPlan(MediaPlan? plan, string? instanceType, bool known, string? shortfall)
    {
        if (plan is null)
            return CheckResult.Skip(Plan, "the camera could not be sampled");
        var mode = plan.Video == VideoPlan.Copy ? "copy" : "transcode";
        var carries = instanceType is null ? "instance type unknown (not on EC2)"
            : !known ? $"{instanceType} is not in the launcher's table (Launch/InstanceSizing.cs): its capacity is unknown"
            : shortfall is null ? $"{instanceType} carries it"
            : $"{instanceType} cannot carry it: {shortfall}";
        var detail = $"{mode}: {plan.Reason}; {carries}";
        if (plan.Concern == PlanConcern.Error || (known && shortfall is not null))
            return CheckResult.Fail(Plan, detail);
        return plan.Concern == PlanConcern.Warning || (instanceType is not null && !known)
            ? CheckResult.Warn(Plan, detail)
            : CheckResult.Pass(Plan, detail);
    }
}

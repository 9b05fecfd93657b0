using System.Globalization;
using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Logging;

namespace Encoder.Preflight;

/// <summary>
/// Samples the camera for <see cref="SampleSeconds"/> with FFmpeg, started where the recorder's FFmpeg is
/// (<see cref="IMediaTools"/>: as <c>encoder-media</c> through the media runner on the AMI, since FFmpeg parses what
/// the camera sends): the video copied to <c>framecrc</c> (no decode: each packet's time and keyframe flag), the audio
/// decoded once through <c>volumedetect</c> (its loudest sample). One RTSP session, over TCP as the recorder's, ended
/// within <see cref="Deadline"/>. <see cref="CameraSampleReader"/> reads what it printed.
/// </summary>
public sealed class CameraSampler(EncoderOptions options, SecretRedactor redactor, IMediaTools tools)
{
    /// <summary>Enough for two keyframes of a camera that sends one every 2 s, and for a silent microphone to show.</summary>
    public const double SampleSeconds = 4;

    /// <summary>The RTSP socket timeout once (connecting), the sample, and 1 s to close.</summary>
    public TimeSpan Deadline { get; } = TimeSpan.FromSeconds(options.Camera.TimeoutSeconds + SampleSeconds + 1);

    public static IReadOnlyList<string> Arguments(CameraOptions camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        return
        [
            "-hide_banner", "-nostdin", "-nostats",
            "-v", "info",
            "-rtsp_transport", "tcp",
            "-timeout", (camera.TimeoutSeconds * 1_000_000L).ToString(CultureInfo.InvariantCulture),
            "-t", SampleSeconds.ToString(CultureInfo.InvariantCulture),
            "-i", camera.Url,
            "-map", "0:v:0", "-map", "0:a:0?",
            "-c:v", "copy", "-c:a", "pcm_s16le", "-af", "volumedetect",
            "-f", "framecrc", "pipe:1",
        ];
    }

    /// <summary>The sample, or why there is none (redacted). Throws only for the caller's own cancellation.</summary>
    public async Task<(CameraSample? Sample, string? Error)> SampleAsync(CancellationToken cancellationToken)
    {
        var stdout = new List<string>();
        var stderr = new List<string>();
        IFfmpegRun run;
        try
        {
            run = await tools.StartAsync(options.Ffmpeg.Path, Arguments(options.Camera), workingDirectory: null, Collect(stdout), Collect(stderr)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // FFmpeg missing or not startable: a failed check like any other
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return (null, redactor.Redact($"{options.Ffmpeg.Path} could not run: {ex.Message}"));
        }

        int? exitCode;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(Deadline);
            await using (deadline.Token.Register(run.Kill).ConfigureAwait(false))
                exitCode = await run.Exited.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        string[] outLines, errLines;
        lock (stdout)
            outLines = [.. stdout];
        lock (stderr)
            errLines = [.. stderr];
        var sample = CameraSampleReader.Read(outLines, errLines);
        if (sample.Streams is null)
        {
            var why = exitCode is null
                ? string.Create(CultureInfo.InvariantCulture, $"no answer within {Deadline.TotalSeconds:0}s")
                : errLines.Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && !l.StartsWith("frame=", StringComparison.Ordinal))
                  ?? string.Create(CultureInfo.InvariantCulture, $"FFmpeg exited with code {exitCode}");
            return (null, redactor.Redact($"unreachable: {why}"));
        }

        return (sample, null);
    }

    private static Action<string> Collect(List<string> lines) => line =>
    {
        lock (lines)
            lines.Add(line);
    };
}

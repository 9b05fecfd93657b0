using System.Globalization;
using System.Text;
using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Logging;

namespace Encoder.Media;

/// <summary>What one probe of the camera found: its streams, or why it could not tell (redacted).</summary>
public sealed record CameraProbeResult(CameraStreams? Streams, string? Error)
{
    public static CameraProbeResult Failed(string error) => new(null, error);
}

/// <summary>Asks the camera what it sends. The seam the recorder's planning goes through; ffprobe in the daemon.</summary>
public interface ICameraProbe
{
    /// <summary>Never throws for a camera that cannot be probed (that is a result); only for the caller's own cancellation.</summary>
    Task<CameraProbeResult> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Probes the camera with ffprobe (next to <c>Ffmpeg:Path</c>, else on PATH; started where FFmpeg is, <see cref="IMediaTools"/>) in its own short RTSP session, closed
/// before the recorder opens its own: a camera that takes one client at a time is never asked for two. It ends within
/// <see cref="Deadline"/>, killed if need be: a camera that accepts and stays silent cannot hold the recorder back.
/// </summary>
public sealed class FfprobeCamera(EncoderOptions options, SecretRedactor redactor, IMediaTools tools) : ICameraProbe
{
    /// <summary>The RTSP socket timeout twice over (FFmpeg's own give-up time), plus 10 s of stream analysis.</summary>
    public TimeSpan Deadline { get; } = TimeSpan.FromSeconds(2 * options.Camera.TimeoutSeconds + 10);

    /// <summary><c>ffprobe</c> beside an FFmpeg given as a path, else the one on PATH.</summary>
    public static string FfprobePath(string ffmpegPath)
    {
        ArgumentNullException.ThrowIfNull(ffmpegPath);
        return ffmpegPath.Contains('/', StringComparison.Ordinal)
            ? Path.Combine(Path.GetDirectoryName(ffmpegPath) ?? "/", "ffprobe")
            : "ffprobe";
    }

    /// <summary>
    /// ffprobe's arguments: the camera over TCP as the recorder pulls it, each stream's codec, profile, size, sample rate
    /// and channels as JSON. It reads the RTSP session's description (SDP) and no media (<c>-analyzeduration 0
    /// -probesize 32</c>): that names each codec, and the audio's profile, rate and channels, which is all the plan needs,
    /// in ~0.35 s instead of ~1.5 s of stream analysis (the test camera). The picture size may then be unknown until the
    /// recorder's own report (<see cref="InputDump"/>) tells it.
    /// </summary>
    public static IReadOnlyList<string> Arguments(CameraOptions camera)
    {
        ArgumentNullException.ThrowIfNull(camera);
        return
        [
            "-v", "error",
            "-rtsp_transport", "tcp",
            "-timeout", (camera.TimeoutSeconds * 1_000_000L).ToString(CultureInfo.InvariantCulture),
            "-analyzeduration", "0",
            "-probesize", "32",
            "-show_entries", "stream=codec_type,codec_name,profile,width,height,sample_rate,channels",
            "-of", "json",
            camera.Url,
        ];
    }

    public async Task<CameraProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var path = FfprobePath(options.Ffmpeg.Path);
        IFfmpegRun run;
        try
        {
            run = await tools.StartAsync(path, Arguments(options.Camera), workingDirectory: null, Collect(stdout), Collect(stderr)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // ffprobe missing or not startable: a result like any other failed probe
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return CameraProbeResult.Failed(redactor.Redact($"{path} could not run: {ex.Message}"));
        }

        int? exitCode;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(Deadline);
            await using (deadline.Token.Register(run.Kill).ConfigureAwait(false))
                exitCode = await run.Exited.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (deadline.IsCancellationRequested)
                return CameraProbeResult.Failed(string.Create(CultureInfo.InvariantCulture, $"ffprobe gave no answer within {Deadline.TotalSeconds:0}s"));
        }

        if (exitCode != 0)
        {
            string text;
            lock (stderr)
                text = LastLine(stderr) ?? $"ffprobe exited with code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}";
            return CameraProbeResult.Failed(redactor.Redact(text));
        }

        string json;
        lock (stdout)
            json = stdout.ToString();
        return CameraStreams.FromFfprobeJson(json) is { } streams
            ? new CameraProbeResult(streams, null)
            : CameraProbeResult.Failed("ffprobe found no video stream");
    }

    private static Action<string> Collect(StringBuilder text) => line =>
    {
        lock (text)
            text.Append(line).Append('\n');
    };

    private static string? LastLine(StringBuilder text) =>
        text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}

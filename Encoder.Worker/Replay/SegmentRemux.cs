using System.Globalization;
using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Media;
using Encoder.Recording;

namespace Encoder.Replay;

/// <summary>
/// Remuxes one stored segment to MP4 (FFmpeg <c>-c copy</c>: no decode; <c>-copyts</c>: the recorder's timestamps as they are, so
/// <see cref="ReplayTimeline"/> sees one recorder run's segments follow on) and lists its packets (ffprobe), both started where
/// the media tools run (<see cref="IMediaTools"/>: as <c>encoder-media</c>), in the session folder, the one folder they may write.
/// The daemon then reads the small MP4 FFmpeg wrote and takes its media as it is.
/// </summary>
public sealed class SegmentRemux(EncoderOptions options, RecordingLayout layout, IMediaTools tools)
{
    public const string WorkFileName = "replay-remux.mp4";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static IReadOnlyList<string> RemuxArguments(string segment) =>
        ["-nostdin", "-v", "error", "-y", "-copyts", "-i", segment, "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy", "-f", "mp4", WorkFileName];

    public static IReadOnlyList<string> PacketArguments() =>
        ["-v", "error", "-show_entries", "packet=stream_index,pts,dts,duration,size,pos,flags", "-of", "csv=p=0", WorkFileName];

    /// <summary>The segment's media and the remuxed file's bytes; a problem (and no media) when a tool failed or the output is not what it should be.</summary>
    public async Task<(SegmentMedia? Media, byte[] File, string? Problem)> RemuxAsync(string segment, CancellationToken cancellationToken)
    {
        var work = Path.Combine(layout.SessionDirectory, WorkFileName);
        try
        {
            var (remuxed, _, remuxError) = await RunAsync(options.Ffmpeg.Path, RemuxArguments(segment), cancellationToken).ConfigureAwait(false);
            if (remuxed != 0)
                return (null, [], $"FFmpeg could not remux {segment}: {remuxError}");
            var (probed, packets, probeError) = await RunAsync(FfprobeCamera.FfprobePath(options.Ffmpeg.Path), PacketArguments(), cancellationToken).ConfigureAwait(false);
            if (probed != 0)
                return (null, [], $"ffprobe could not list the packets of {segment}: {probeError}");
            var file = await File.ReadAllBytesAsync(work, cancellationToken).ConfigureAwait(false);
            var (media, problem) = SegmentMedia.Parse(file, packets);
            return (media?.WithoutEmptyPictures(file), file, problem is null ? null : $"{segment}: {problem}");
        }
        finally
        {
            File.Delete(work);
        }
    }

    private async Task<(int? Exit, List<string> Stdout, string Error)> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var stdout = new List<string>();
        var stderr = new List<string>();
        var run = await tools.StartAsync(program, arguments, layout.SessionDirectory, line =>
        {
            lock (stdout)
                stdout.Add(line);
        }, line =>
        {
            lock (stderr)
                stderr.Add(line);
        }).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        int? exit;
        await using (deadline.Token.Register(run.Kill).ConfigureAwait(false))
            exit = await run.Exited.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        lock (stderr)
        {
            var error = stderr.LastOrDefault(l => l.Trim().Length > 0)
                ?? (deadline.IsCancellationRequested ? string.Create(CultureInfo.InvariantCulture, $"no answer within {Deadline.TotalSeconds:0}s") : $"exit code {exit}");
            lock (stdout)
                return (exit, [.. stdout], error);
        }
    }
}

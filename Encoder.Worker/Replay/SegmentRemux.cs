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
            var remuxed = await MediaToolRun.RunAsync(tools, options.Ffmpeg.Path, RemuxArguments(segment), layout.SessionDirectory, Deadline, cancellationToken)
                .ConfigureAwait(false);
            if (!remuxed.Succeeded)
                return (null, [], $"FFmpeg could not remux {segment}: {remuxed.Error}");
            var probed = await MediaToolRun.RunAsync(tools, FfprobeCamera.FfprobePath(options.Ffmpeg.Path), PacketArguments(), layout.SessionDirectory, Deadline,
                cancellationToken).ConfigureAwait(false);
            if (!probed.Succeeded)
                return (null, [], $"ffprobe could not list the packets of {segment}: {probed.Error}");
            var file = await File.ReadAllBytesAsync(work, cancellationToken).ConfigureAwait(false);
            var (media, problem) = SegmentMedia.Parse(file, probed.Stdout);
            return (media?.WithoutEmptyPictures(file), file, problem is null ? null : $"{segment}: {problem}");
        }
        finally
        {
            File.Delete(work);
        }
    }
}

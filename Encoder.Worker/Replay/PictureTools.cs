using Encoder.Configuration;
using Encoder.Ffmpeg;
using Encoder.Media;
using Microsoft.Extensions.Logging;

namespace Encoder.Replay;

/// <summary>One segment's keyframes as the keyframe decode gave them: each look, and the raw 4:2:0 tiles one after another.</summary>
public sealed record SegmentKeyframes(IReadOnlyList<KeyframeLook> Looks, byte[] Raw)
{
    public static readonly SegmentKeyframes None = new([], []);
}

/// <summary>
/// The pictures' runs of FFmpeg and ffprobe (arguments from <see cref="KeyframePictures"/>), each run as <c>encoder-media</c> in the
/// session folder and bounded: a segment's picture size, its keyframes decoded (tiles and poster candidates), a sprite sheet from raw tiles.
/// </summary>
public sealed class PictureTools(EncoderOptions options, string folder, IMediaTools tools, ILogger logger)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>The storyboard's tile size, from the segment's picture (16:9 when it cannot be read).</summary>
    public async Task<PictureSize> TileAsync(string segment, CancellationToken cancellationToken)
    {
        var probe = await MediaToolRun.RunAsync(tools, FfprobeCamera.FfprobePath(options.Ffmpeg.Path), KeyframePictures.SizeArguments(segment), folder,
            Deadline, cancellationToken).ConfigureAwait(false);
        if (probe.Succeeded && KeyframePictures.ParseSize(probe.Stdout) is { } picture)
            return KeyframePictures.TileFor(picture);
        logger.LogWarning("The picture size of {Segment} could not be read ({Error}): storyboard tiles are {Tile}", segment, probe.Error, KeyframePictures.DefaultTile);
        return KeyframePictures.DefaultTile;
    }

    /// <summary>The segment's keyframes as <paramref name="tile"/>-sized tiles, and with <paramref name="candidates"/> each as a poster candidate JPEG; none when FFmpeg could not.</summary>
    public async Task<SegmentKeyframes> KeyframesAsync(string segment, PictureSize tile, bool candidates, CancellationToken cancellationToken)
    {
        var tiles = Path.Combine(folder, KeyframePictures.TilesFileName);
        File.Delete(tiles);
        try
        {
            var run = await MediaToolRun.RunAsync(tools, options.Ffmpeg.Path, KeyframePictures.DecodeArguments(segment, tile, candidates), folder,
                Deadline, cancellationToken).ConfigureAwait(false);
            if (!run.Succeeded || !File.Exists(tiles))
            {
                logger.LogWarning("The keyframes of {Segment} could not be decoded for the replay's pictures: {Error}", segment, run.Error);
                return SegmentKeyframes.None;
            }

            var raw = await File.ReadAllBytesAsync(tiles, cancellationToken).ConfigureAwait(false);
            return new SegmentKeyframes([.. KeyframePictures.Parse(run.Stdout).Where(l => (l.Index + 1L) * tile.Yuv420Bytes <= raw.Length)], raw);
        }
        finally
        {
            File.Delete(tiles);
        }
    }

    /// <summary>Makes <paramref name="output"/> from the first <paramref name="tiles"/> raw tiles of <paramref name="rawFile"/>; FFmpeg's error when it could not.</summary>
    public async Task<string?> MakeSheetAsync(string rawFile, PictureSize tile, int tiles, string output, CancellationToken cancellationToken)
    {
        var run = await MediaToolRun.RunAsync(tools, options.Ffmpeg.Path, KeyframePictures.SheetArguments(rawFile, tile, tiles, StoryboardCues.Columns, output), folder,
            Deadline, cancellationToken).ConfigureAwait(false);
        return run.Succeeded && File.Exists(Path.Combine(folder, output)) ? null : run.Error;
    }

    /// <summary>A black tile (video black, neutral colour).</summary>
    public static byte[] Blank(PictureSize tile)
    {
        var bytes = new byte[tile.Yuv420Bytes];
        Array.Fill(bytes, (byte)16, 0, tile.Width * tile.Height);
        Array.Fill(bytes, (byte)128, tile.Width * tile.Height, bytes.Length - tile.Width * tile.Height);
        return bytes;
    }
}

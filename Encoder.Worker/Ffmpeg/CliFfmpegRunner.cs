using Encoder.Configuration;

namespace Encoder.Ffmpeg;

/// <summary>Runs <c>Ffmpeg:Path</c> where the media tools run (<see cref="IMediaTools"/>: as the daemon's user, or as <c>encoder-media</c>).</summary>
public sealed class CliFfmpegRunner(EncoderOptions options, IMediaTools tools) : IFfmpegRunner
{
    public Task<IFfmpegRun> StartAsync(IReadOnlyList<string> arguments, string workingDirectory, Action<string> onStdout, Action<string> onStderr) =>
        tools.StartAsync(options.Ffmpeg.Path, arguments, workingDirectory, onStdout, onStderr);
}

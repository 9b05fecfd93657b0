using System.Globalization;
using Encoder.Ffmpeg;

namespace Encoder.Replay;

/// <summary>What one run of a media tool gave: its exit code (null when killed), its stdout lines, and its last stderr line (or why it failed).</summary>
public sealed record MediaToolResult(int? Exit, IReadOnlyList<string> Stdout, string Error)
{
    public bool Succeeded => Exit == 0;
}

/// <summary>
/// Runs one short media tool (FFmpeg or ffprobe) to its end where the media tools run (<see cref="IMediaTools"/>: as
/// <c>encoder-media</c>), in <paramref name="workingDirectory"/> (the session folder, the one folder it may write), killed
/// after <paramref name="deadline"/>. The replay's one way of running a tool over a stored segment.
/// </summary>
public static class MediaToolRun
{
    public static async Task<MediaToolResult> RunAsync(IMediaTools tools, string program, IReadOnlyList<string> arguments, string workingDirectory,
        TimeSpan deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var stdout = new List<string>();
        var stderr = new List<string>();
        var run = await tools.StartAsync(program, arguments, workingDirectory, line =>
        {
            lock (stdout)
                stdout.Add(line);
        }, line =>
        {
            lock (stderr)
                stderr.Add(line);
        }).ConfigureAwait(false);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(deadline);
        int? exit;
        await using (limit.Token.Register(run.Kill).ConfigureAwait(false))
            exit = await run.Exited.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        lock (stderr)
        {
            var error = stderr.LastOrDefault(l => l.Trim().Length > 0)
                ?? (limit.IsCancellationRequested ? string.Create(CultureInfo.InvariantCulture, $"no answer within {deadline.TotalSeconds:0}s") : $"exit code {exit}");
            lock (stdout)
                return new MediaToolResult(limit.IsCancellationRequested ? null : exit, [.. stdout], error);
        }
    }
}

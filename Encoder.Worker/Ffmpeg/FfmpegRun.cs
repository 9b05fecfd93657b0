using System.Globalization;
using System.Text.RegularExpressions;
using CliWrap;
using Encoder.Configuration;
using Encoder.Logging;
using Encoder.Recording;
using Microsoft.Extensions.Logging;

namespace Encoder.Ffmpeg;

/// <summary>How one FFmpeg run ended.</summary>
/// <param name="ExitCode">The exit code, or null when it had to be interrupted or killed.</param>
/// <param name="StoppedOnRequest">True when the run ended because the daemon asked it to stop.</param>
/// <param name="LastError">FFmpeg's last error line (redacted), if any.</param>
public sealed record FfmpegRunResult(int? ExitCode, TimeSpan Duration, FfmpegProgress? LastProgress, string? LastError, bool StoppedOnRequest);

/// <summary>
/// Runs FFmpeg once, as a child that dies with the daemon: progress from stdout, stderr into a redacted per-run log.
/// Stopping escalates: <c>q</c> on stdin (FFmpeg closes the last segment and writes <c>#EXT-X-ENDLIST</c>), then SIGINT
/// after <c>Ffmpeg:StopTimeoutSeconds</c>, then SIGKILL a few seconds later.
/// </summary>
public sealed partial class FfmpegRun(
    EncoderOptions options,
    RecordingLayout layout,
    SecretRedactor redactor,
    ChildProcessThread starter,
    TimeProvider time,
    ILogger<FfmpegRun> logger)
{
    private const string SetprivPath = "/usr/bin/setpriv";
    private const string SetsidPath = "/usr/bin/setsid";
    private static readonly TimeSpan InterruptToKill = TimeSpan.FromSeconds(5);

    public async Task<FfmpegRunResult> RunAsync(int run, bool continuesRecording, Action<FfmpegProgress> onProgress, CancellationToken stopToken)
    {
        ArgumentNullException.ThrowIfNull(onProgress);
        var startedAt = time.GetUtcNow();
        var arguments = FfmpegArguments.Build(options, continuesRecording);
        Directory.CreateDirectory(layout.SessionDirectory);
        Directory.CreateDirectory(layout.LogDirectory);

        var logPath = layout.FfmpegLogPath(run, startedAt);
        await using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync(redactor.Redact(string.Create(CultureInfo.InvariantCulture,
            $"# encoder run {run} at {startedAt:O}: {options.Ffmpeg.Path} {string.Join(' ', arguments)}"))).ConfigureAwait(false);

        var parser = new FfmpegProgressParser();
        FfmpegProgress? lastProgress = null;
        string? lastError = null;
        var quit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var interrupt = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var kill = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);

        var command = Wrap(arguments)
            .WithWorkingDirectory(layout.SessionDirectory)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.Create(async (stdin, ct) =>
            {
                try
                {
                    await quit.Task.WaitAsync(ct).ConfigureAwait(false);
                    await stdin.WriteAsync("q"u8.ToArray(), ct).ConfigureAwait(false);
                    await stdin.FlushAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    // FFmpeg is already gone.
                }
            }))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                if (parser.Add(line) is { } progress)
                {
                    lastProgress = progress;
                    onProgress(progress);
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                var redacted = redactor.Redact(line);
                log.WriteLine(redacted);
                if (ErrorLine().Match(redacted) is { Success: true } match)
                {
                    lastError = match.Groups["message"].Value.Trim();
                    logger.LogDebug("FFmpeg run {Run}: {Line}", run, lastError);
                }
            }));

        var task = await starter.StartAsync(() => command.ExecuteAsync(kill.Token, interrupt.Token)).ConfigureAwait(false);
        logger.LogDebug("FFmpeg run {Run} started (pid {Pid}), log {LogPath}", run, task.ProcessId, logPath);
        DateTimeOffset? stopRequestedAt = null;
        await using var onStop = stopToken.Register(() =>
        {
            stopRequestedAt = time.GetUtcNow();
            logger.LogInformation("Stopping FFmpeg run {Run} (pid {Pid}): asking it to finish the last segment", run, task.ProcessId);
            quit.TrySetResult();
            var grace = TimeSpan.FromSeconds(options.Ffmpeg.StopTimeoutSeconds);
            interrupt.CancelAfter(grace);
            kill.CancelAfter(grace + InterruptToKill);
        }).ConfigureAwait(false);

        int? exitCode;
        try
        {
            exitCode = (await task.ConfigureAwait(false)).ExitCode;
        }
        catch (OperationCanceledException)
        {
            exitCode = null;
            logger.LogWarning("FFmpeg run {Run} did not stop in time and was {How}", run, kill.IsCancellationRequested ? "killed" : "interrupted");
        }

        var duration = time.GetUtcNow() - startedAt;
        if (stopRequestedAt is { } stopAt)
            logger.LogInformation("FFmpeg run {Run} flushed in {Seconds:0.00}s (stop requested to exit)", run, (time.GetUtcNow() - stopAt).TotalSeconds);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"# encoder run {run} ended after {duration.TotalSeconds:0.0}s with exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (interrupted or killed)"}")).ConfigureAwait(false);
        return new FfmpegRunResult(exitCode, duration, lastProgress, lastError, stopToken.IsCancellationRequested);
    }

    /// <summary>
    /// <c>setpriv --pdeathsig KILL</c> makes FFmpeg die with the daemon; <c>setsid</c> gives it its own session, so a
    /// terminal's Ctrl+C reaches only the daemon, which alone decides how FFmpeg stops. Both exec in place (setsid
    /// forks only when it is a process-group leader, which a child of the daemon is not), so the PID is FFmpeg's.
    /// </summary>
    private Command Wrap(IReadOnlyList<string> arguments) =>
        File.Exists(SetprivPath) && File.Exists(SetsidPath)
            ? Cli.Wrap(SetprivPath).WithArguments(a => a.Add(["--pdeathsig", "KILL", "--", SetsidPath, options.Ffmpeg.Path]).Add(arguments))
            : Cli.Wrap(options.Ffmpeg.Path).WithArguments(arguments);

    [GeneratedRegex(@"\[(?:error|fatal|panic)\]\s*(?<message>.*)$")]
    private static partial Regex ErrorLine();
}

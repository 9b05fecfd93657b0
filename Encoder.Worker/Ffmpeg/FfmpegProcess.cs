using System.Globalization;
using Encoder.Configuration;
using Encoder.Logging;
using Microsoft.Extensions.Logging;

namespace Encoder.Ffmpeg;

/// <summary>One FFmpeg to run: what it is called in logs, its arguments, where it runs and logs, and when it counts as stalled.</summary>
/// <param name="StallTimeout">No advancing progress for this long after the first progress → killed as stalled, as <see cref="ProgressWatch"/> rules for its <paramref name="Role"/>.</param>
/// <param name="StopGrace">How long <c>q</c> may take before SIGINT; null means <c>Ffmpeg:StopTimeoutSeconds</c>.</param>
/// <param name="FirstMediaTimeout">No progress at all this long after the start → killed as stalled; null means the watch starts at the first progress line.</param>
public sealed record FfmpegInvocation(
    string Name,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    string LogPath,
    TimeSpan StallTimeout,
    FfmpegRole Role,
    TimeSpan? StopGrace = null,
    TimeSpan? FirstMediaTimeout = null);

/// <summary>How one FFmpeg run ended.</summary>
/// <param name="ExitCode">The exit code, or null when it had to be interrupted or killed.</param>
/// <param name="StoppedOnRequest">True when the run ended because the caller asked it to stop.</param>
/// <param name="Stalled">True when the watchdog killed it for not progressing.</param>
/// <param name="LastError">FFmpeg's last error line (redacted), if any.</param>
public sealed record FfmpegExit(int? ExitCode, TimeSpan Duration, FfmpegProgress? LastProgress, string? LastError, bool StoppedOnRequest, bool Stalled)
{
    /// <summary>Why the run ended, for logs and the status file: FFmpeg's last error and its exit code.</summary>
    public string Describe()
    {
        var code = ExitCode?.ToString(CultureInfo.InvariantCulture);
        return LastError is { Length: > 0 } error
            ? Stalled || code is null ? error : $"{error} (exit code {code})"
            : $"exit code {code ?? "none (interrupted or killed)"}";
    }
}

/// <summary>
/// Runs one FFmpeg (started by <see cref="IFfmpegRunner"/>): progress from stdout, stderr into a redacted per-run log,
/// and a watchdog that kills it when its progress stops advancing (a live source never pauses: silence is a fault;
/// <see cref="ProgressWatch"/> rules). Stopping escalates: <c>q</c> on stdin (FFmpeg finishes the segment and writes
/// <c>#EXT-X-ENDLIST</c>), then SIGINT after the grace (<c>Ffmpeg:StopTimeoutSeconds</c> by default), a second SIGINT a
/// second later (a blocked FFmpeg ignores the first), then SIGKILL.
/// </summary>
public sealed class FfmpegProcess(
    EncoderOptions options,
    SecretRedactor redactor,
    IFfmpegRunner runner,
    ProgressWatch progressWatch,
    TimeProvider time,
    ILogger<FfmpegProcess> logger)
{
    private static readonly TimeSpan SecondInterrupt = StopBudget.SecondInterruptAfterGrace;
    private static readonly TimeSpan InterruptToKill = StopBudget.KillAfterGrace;

    /// <summary>Runs FFmpeg until it exits. A run that cannot even start is a failed run like any other (retried by the caller), never an exception.</summary>
    /// <param name="onStderr">Each stderr line, redacted, as it comes (after it is logged), for a caller that reads FFmpeg's report.</param>
    /// <param name="onStdout">Each stdout line as it comes (progress included, not logged), for a caller whose FFmpeg prints measurements there.</param>
    public async Task<FfmpegExit> RunAsync(
        FfmpegInvocation invocation, Action<FfmpegProgress> onProgress, CancellationToken stopToken, Action<string>? onStderr = null, Action<string>? onStdout = null)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(onProgress);
        var startedAt = time.GetUtcNow();
        try
        {
            return await RunProcessAsync(invocation, onProgress, onStderr, onStdout, startedAt, stopToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // whatever kept FFmpeg from running, the answer is to try again
        catch (Exception ex) when (ex is not OperationCanceledException || !stopToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            logger.LogDebug(ex, "{Name} could not run", invocation.Name);
            return new FfmpegExit(null, time.GetUtcNow() - startedAt, null, redactor.Redact($"FFmpeg could not run: {ex.Message}"), stopToken.IsCancellationRequested, false);
        }
    }

    private async Task<FfmpegExit> RunProcessAsync(
        FfmpegInvocation invocation, Action<FfmpegProgress> onProgress, Action<string>? onStderr, Action<string>? onStdout, DateTimeOffset startedAt, CancellationToken stopToken)
    {
        Directory.CreateDirectory(invocation.WorkingDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(invocation.LogPath)!);

        await using var logFile = new StreamWriter(invocation.LogPath, append: true) { AutoFlush = true };
        var log = new CappedLog(logFile);
        log.WriteLine(redactor.Redact(string.Create(CultureInfo.InvariantCulture,
            $"# encoder {invocation.Name} at {startedAt:O}: {options.Ffmpeg.Path} {string.Join(' ', invocation.Arguments)}")));

        var parser = new FfmpegProgressParser();
        FfmpegProgress? lastProgress = null;
        var errors = new FfmpegErrors();
        var stalled = false;
        var killed = false;
        var stallReason = "";
        IFfmpegRun? run = null;
        await using var watchdog = progressWatch.Watch(invocation.Role, invocation.StallTimeout, overran =>
        {
            if (stopToken.IsCancellationRequested || stalled)
                return;
            stallReason = lastProgress is null
                ? string.Create(CultureInfo.InvariantCulture, $"no media within {overran.TotalSeconds:0.#}s of starting")
                : string.Create(CultureInfo.InvariantCulture, $"no progress for {overran.TotalSeconds:0.#}s");
            stalled = true;
            logger.LogWarning("{Name} stalled: {Reason}; killing it", invocation.Name, stallReason);
            Volatile.Read(ref run)?.Kill();
        }, invocation.FirstMediaTimeout);

        run = await runner.StartAsync(invocation.Arguments, invocation.WorkingDirectory, line =>
        {
            onStdout?.Invoke(line);
            if (parser.Add(line) is not { } progress)
                return;
            watchdog.Progress(progress);
            lastProgress = progress;
            onProgress(progress);
        }, line =>
        {
            var redacted = redactor.Redact(line);
            log.WriteLine(redacted);
            if (errors.Add(redacted) is { } error)
                logger.LogDebug("{Name}: {Line}", invocation.Name, error);
            onStderr?.Invoke(redacted);
        }).ConfigureAwait(false);
        if (stalled)
            run.Kill(); // it stalled (no first media in time) while it was being started
        logger.LogDebug("{Name} started (pid {Pid}), log {LogPath}", invocation.Name, run.ProcessId, invocation.LogPath);
        var grace = invocation.StopGrace ?? TimeSpan.FromSeconds(options.Ffmpeg.StopTimeoutSeconds);
        await using var interrupt = time.CreateTimer(_ => run.Interrupt(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        await using var secondInterrupt = time.CreateTimer(_ => run.Interrupt(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        await using var kill = time.CreateTimer(_ =>
        {
            killed = true;
            run.Kill();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        await using var onStop = stopToken.Register(() =>
        {
            logger.LogDebug("Stopping {Name} (pid {Pid})", invocation.Name, run.ProcessId);
            run.Quit();
            interrupt.Change(grace, Timeout.InfiniteTimeSpan);
            secondInterrupt.Change(grace + SecondInterrupt, Timeout.InfiniteTimeSpan);
            kill.Change(grace + InterruptToKill, Timeout.InfiniteTimeSpan);
        }).ConfigureAwait(false);

        var exitCode = await run.Exited.ConfigureAwait(false);
        if (exitCode is null && !stalled)
            logger.LogWarning("{Name} did not stop in time and was {How}", invocation.Name, killed ? "killed" : "interrupted");

        var duration = time.GetUtcNow() - startedAt;
        log.WriteFooter(string.Create(CultureInfo.InvariantCulture,
            $"# encoder {invocation.Name} ended after {duration.TotalSeconds:0.0}s with exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (interrupted or killed)"}{(stalled ? ", stalled" : "")}"));
        return new FfmpegExit(exitCode, duration, lastProgress, stalled ? $"stalled: {stallReason}" : errors.Reason,
            stopToken.IsCancellationRequested, stalled);
    }
}

using CliWrap;
using Encoder.Configuration;

namespace Encoder.Ffmpeg;

/// <summary>
/// Runs <c>Ffmpeg:Path</c> as a child that dies with the daemon, started from <see cref="ChildProcessThread"/>.
/// <c>q</c> goes to its stdin; the first interrupt is CliWrap's graceful cancellation (SIGINT), a second one a plain
/// SIGINT; a kill is CliWrap's forceful cancellation. A run that was interrupted or killed has no exit code.
/// </summary>
public sealed class CliFfmpegRunner(EncoderOptions options, ChildProcessThread starter) : IFfmpegRunner
{
    private const string SetprivPath = "/usr/bin/setpriv";
    private const string SetsidPath = "/usr/bin/setsid";

    public async Task<IFfmpegRun> StartAsync(IReadOnlyList<string> arguments, string workingDirectory, Action<string> onStdout, Action<string> onStderr)
    {
        var run = new Run();
        var command = Wrap(arguments)
            .WithWorkingDirectory(workingDirectory)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.Create(async (stdin, ct) =>
            {
                try
                {
                    await run.QuitRequested.WaitAsync(ct).ConfigureAwait(false);
                    await stdin.WriteAsync("q"u8.ToArray(), ct).ConfigureAwait(false);
                    await stdin.FlushAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    // FFmpeg is already gone.
                }
            }))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(onStdout))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(onStderr));
        var task = await starter.StartAsync(() => command.ExecuteAsync(run.KillToken, run.InterruptToken)).ConfigureAwait(false);
        run.Started(task);
        return run;
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

    /// <remarks>Its token sources are never disposed: a stop timer may still fire after the exit (they hold no timer of their own).</remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "See remarks: nothing to release.")]
    private sealed class Run : IFfmpegRun
    {
        private readonly TaskCompletionSource _quit = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _interrupt = new();
        private readonly CancellationTokenSource _kill = new();
        private CommandTask<CommandResult> _task = null!;

        public Task QuitRequested => _quit.Task;

        public CancellationToken InterruptToken => _interrupt.Token;

        public CancellationToken KillToken => _kill.Token;

        public int ProcessId => _task.ProcessId;

        public Task<int?> Exited { get; private set; } = null!;

        public void Started(CommandTask<CommandResult> task)
        {
            _task = task;
            Exited = ExitCodeAsync();
        }

        public void Quit() => _quit.TrySetResult();

        public void Interrupt()
        {
            if (_interrupt.IsCancellationRequested)
                UnixSignal.Send(ProcessId, UnixSignal.Interrupt);
            else
                _interrupt.Cancel();
        }

        public void Kill() => _kill.Cancel();

        private async Task<int?> ExitCodeAsync()
        {
            try
            {
                return (await _task.ConfigureAwait(false)).ExitCode;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }
}

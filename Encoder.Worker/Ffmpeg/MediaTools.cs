using CliWrap;

namespace Encoder.Ffmpeg;

/// <summary>
/// Where FFmpeg and ffprobe start: the processes that parse what the camera (or anything answering at its address)
/// sends. <see cref="LocalMediaTools"/> starts them as the daemon's own children, as its own user;
/// <see cref="MediaRunnerClient"/> has the media runner start them as <c>encoder-media</c>, a uid the IMDS firewall
/// rejects. <see cref="MediaToolsFactory"/> picks one at start.
/// </summary>
public interface IMediaTools
{
    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="arguments"/>; each line of its stdout and stderr is handed
    /// over as it comes. <paramref name="workingDirectory"/> is the one folder it may write (the recording's), or null
    /// for a tool that writes nothing (ffprobe).
    /// </summary>
    Task<IFfmpegRun> StartAsync(string program, IReadOnlyList<string> arguments, string? workingDirectory, Action<string> onStdout, Action<string> onStderr);
}

/// <summary>
/// Starts each tool as the daemon's child, started from <see cref="ChildProcessThread"/> so it dies with the daemon.
/// <c>q</c> goes to its stdin; the first interrupt is CliWrap's graceful cancellation (SIGINT), a second one a plain
/// SIGINT; a kill is CliWrap's forceful cancellation. A run that was interrupted or killed has no exit code.
/// </summary>
public sealed class LocalMediaTools(ChildProcessThread starter) : IMediaTools
{
    private const string SetprivPath = "/usr/bin/setpriv";
    private const string SetsidPath = "/usr/bin/setsid";

    public async Task<IFfmpegRun> StartAsync(string program, IReadOnlyList<string> arguments, string? workingDirectory, Action<string> onStdout, Action<string> onStderr)
    {
        var run = new Run();
        var command = Wrap(program, arguments)
            .WithWorkingDirectory(workingDirectory ?? Directory.GetCurrentDirectory())
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
                    // The tool is already gone.
                }
            }))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(onStdout))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(onStderr));
        var task = await starter.StartAsync(() => command.ExecuteAsync(run.KillToken, run.InterruptToken)).ConfigureAwait(false);
        run.Started(task);
        return run;
    }

    /// <summary>
    /// <c>setpriv --pdeathsig KILL</c> makes the tool die with the daemon; <c>setsid</c> gives it its own session, so a
    /// terminal's Ctrl+C reaches only the daemon, which alone decides how FFmpeg stops. Both exec in place (setsid
    /// forks only when it is a process-group leader, which a child of the daemon is not), so the PID is the tool's.
    /// </summary>
    private static Command Wrap(string program, IReadOnlyList<string> arguments) =>
        File.Exists(SetprivPath) && File.Exists(SetsidPath)
            ? Cli.Wrap(SetprivPath).WithArguments(a => a.Add(["--pdeathsig", "KILL", "--", SetsidPath, program]).Add(arguments))
            : Cli.Wrap(program).WithArguments(arguments);

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

namespace Encoder.Lifecycle;

/// <summary>The exit code the daemon ends with: the first failure any service reports, else <see cref="ExitCodes.Clean"/>.</summary>
public sealed class DaemonOutcome
{
    private int _exitCode = ExitCodes.Clean;

    public int ExitCode => Volatile.Read(ref _exitCode);

    public void Report(int exitCode) => Interlocked.CompareExchange(ref _exitCode, exitCode, ExitCodes.Clean);
}
